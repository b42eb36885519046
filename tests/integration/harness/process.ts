/**
 * Background processes of a test: started, waited for until they print their ready line, and
 * killed at teardown. Output after the ready line is kept for failure messages.
 *
 * @module
 */

/** A running background process. */
export interface BackgroundProcess {
  child: Deno.ChildProcess;
  pid: number;
  /** stdout and stderr lines seen so far */
  output: string[];
  /** sends SIGKILL (if still running) and waits for the exit */
  kill(): Promise<void>;
  /** resolves with the exit status */
  status: Promise<Deno.CommandStatus>;
}

/** Options of {@link spawnUntilReady}. */
export interface SpawnOptions {
  env?: Record<string, string>;
  clearEnv?: boolean;
  cwd?: string;
  /** a stdout line (exact) or pattern that means "ready" */
  ready: string | RegExp;
  /** how long to wait for it, in ms (default 20000) */
  timeoutMs?: number;
}

async function collectLines(
  stream: ReadableStream<Uint8Array>,
  output: string[],
  onLine?: (line: string) => void,
): Promise<void> {
  let pending = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const line of lines) {
      output.push(line);
      onLine?.(line);
    }
  }
  if (pending) {
    output.push(pending);
    onLine?.(pending);
  }
}

/**
 * Starts a process and waits for its ready line on stdout.
 *
 * @param cmd the program
 * @param args its arguments
 * @param options see {@link SpawnOptions}
 * @returns the running process
 * @throws {Error} with the process' output when it exits or times out before being ready
 */
export async function spawnUntilReady(
  cmd: string,
  args: string[],
  options: SpawnOptions,
): Promise<BackgroundProcess> {
  const child = new Deno.Command(cmd, {
    args,
    env: options.env,
    clearEnv: options.clearEnv,
    cwd: options.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output: string[] = [];
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => markReady = resolve);
  const isReady = (line: string) =>
    typeof options.ready === "string" ? line === options.ready : options.ready.test(line);
  collectLines(child.stdout, output, (line) => isReady(line) && markReady()).catch(() => {});
  collectLines(child.stderr, output).catch(() => {});
  const status = child.status;
  const process: BackgroundProcess = {
    child,
    pid: child.pid,
    output,
    status,
    kill: async () => {
      try {
        child.kill("SIGKILL");
      } catch {
        // Already gone.
      }
      await status;
    },
  };
  const timeoutMs = options.timeoutMs ?? 20000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcome = await Promise.race([
    ready.then(() => "ready" as const),
    status.then(() => "exited" as const),
    new Promise<"timeout">((resolve) => timer = setTimeout(() => resolve("timeout"), timeoutMs)),
  ]);
  clearTimeout(timer);
  if (outcome !== "ready") {
    await process.kill();
    throw new Error(
      `Cannot start "${cmd} ${args.join(" ")}": ${
        outcome === "exited" ? "it exited" : `no ready line within ${timeoutMs} ms`
      } — output:\n${output.join("\n")}`,
    );
  }
  return process;
}

/**
 * Runs a command to completion and fails loudly on a non-zero exit.
 *
 * @param cmd the program
 * @param args its arguments
 * @returns stdout text
 */
export async function run(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(
      `"${cmd} ${args.join(" ")}" exited ${out.code}: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return new TextDecoder().decode(out.stdout);
}
