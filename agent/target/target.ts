/**
 * What the agent knows about its target: the process whose namespaces, files and environment it
 * serves.
 *
 * @module
 */

/** The resolved target of this agent. */
export interface Target {
  /** the target process as seen from the agent's PID namespace; null when targetless */
  pid: number | null;
  /** where remote paths are resolved: `/proc/<pid>/root`, or `/` when targetless */
  root: string;
  /** environment snapshot: the runtime's view of the container env, overridden by the process' */
  env: Record<string, string>;
  /** how the target was found, for logs, e.g. `docker container 3f2a…` */
  description: string;
}

/**
 * Parses a NUL-separated `K=V` block such as `/proc/<pid>/environ`.
 *
 * @param bytes the raw file content
 * @returns the variables; entries without `=` are skipped, a later duplicate wins
 */
export function parseEnviron(bytes: Uint8Array): Record<string, string> {
  const env: Record<string, string> = {};
  const text = new TextDecoder().decode(bytes);
  for (const entry of text.split("\0")) {
    const eq = entry.indexOf("=");
    if (eq <= 0) continue;
    env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/**
 * Parses `KEY=VALUE` strings as container runtimes report them (docker `Config.Env`, OCI
 * `process.env`).
 *
 * @param entries the strings
 * @returns the variables
 */
export function parseEnvList(entries: readonly string[]): Record<string, string> {
  return parseEnviron(new TextEncoder().encode(entries.join("\0")));
}

/**
 * Builds a target from a PID: the runtime's env first, `/proc/<pid>/environ` overriding it.
 *
 * @param pid the target process
 * @param runtimeEnv the environment the container runtime reports
 * @param description how the target was found
 * @returns the target
 * @throws {Error} when the process does not exist or its environ is unreadable
 */
export async function targetFromPid(
  pid: number,
  runtimeEnv: Record<string, string>,
  description: string,
): Promise<Target> {
  let environ: Uint8Array;
  try {
    environ = await Deno.readFile(`/proc/${pid}/environ`);
  } catch (error) {
    throw new Error(
      `Cannot read the environment of target process ${pid} (from ${description}): ` +
        `${(error as Error).message} — check that the process is running and the agent shares ` +
        `the host PID namespace`,
    );
  }
  return {
    pid,
    root: `/proc/${pid}/root`,
    env: { ...runtimeEnv, ...parseEnviron(environ) },
    description,
  };
}
