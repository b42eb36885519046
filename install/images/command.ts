/**
 * Running a host command and collecting its output — what the image build and the local cluster
 * do for every tool they drive (tar, apt-get, openssl, ctr, iptables, ip, …).
 *
 * @module
 */

/** Exit status and output of one command. */
export interface CommandResult {
  success: boolean;
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCommand}. */
export interface CommandOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** text fed to stdin */
  stdin?: string;
}

/**
 * Runs a command to its end. A command that cannot start counts as failed (code 127).
 *
 * @param cmd executable name or path
 * @param args its arguments
 * @param options working folder, extra environment, stdin text
 * @returns exit status and output (never throws for a failure of the command)
 * @example List a folder
 * ```ts
 * const { stdout } = await runCommand("ls", ["/"]);
 * ```
 */
export async function runCommand(
  cmd: string,
  args: string[],
  options: CommandOptions = {},
): Promise<CommandResult> {
  try {
    const child = new Deno.Command(cmd, {
      args,
      cwd: options.cwd,
      env: options.env,
      stdin: options.stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    if (options.stdin !== undefined) {
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode(options.stdin));
      await writer.close();
    }
    const out = await child.output();
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    return {
      success: out.success,
      code: out.code,
      stdout: decode(out.stdout),
      stderr: decode(out.stderr),
    };
  } catch (error) {
    return { success: false, code: 127, stdout: "", stderr: (error as Error).message };
  }
}

/**
 * Runs a command that must succeed.
 *
 * @param action what the caller is doing, for the error ("build images")
 * @param cmd executable name or path
 * @param args its arguments
 * @param options see {@link CommandOptions}
 * @returns its stdout
 * @throws {Error} `Cannot <action>: "<cmd> <args>" failed: <stderr>`
 */
export async function runChecked(
  action: string,
  cmd: string,
  args: string[],
  options: CommandOptions = {},
): Promise<string> {
  const result = await runCommand(cmd, args, options);
  if (!result.success) {
    const detail = result.stderr.trim() || `exit ${result.code}`;
    throw new Error(`Cannot ${action}: "${cmd} ${args.join(" ")}" failed: ${detail}`);
  }
  return result.stdout;
}

/**
 * The stdout of a command, or "" when it fails or cannot start — for probes where "no answer"
 * means "nothing of that kind here".
 *
 * @param cmd executable name or path
 * @param args its arguments
 * @returns its stdout, or ""
 */
export async function stdoutOrEmpty(cmd: string, args: string[]): Promise<string> {
  const result = await runCommand(cmd, args);
  return result.success ? result.stdout : "";
}
