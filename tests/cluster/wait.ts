/**
 * Waiting for a component to become ready, failing fast (with the end of its log) when its
 * process dies and with a clear message when it takes too long.
 *
 * @module
 */
import { daemonPid, logPath } from "./daemons.ts";

/**
 * The last lines of a daemon's log.
 *
 * @param name daemon name
 * @param lines how many
 * @returns the lines, indented for an error message
 */
export async function logTail(name: string, lines = 15): Promise<string> {
  const text = await Deno.readTextFile(logPath(name)).catch(() => "");
  return text.trimEnd().split("\n").slice(-lines).map((line) => `    ${line}`).join("\n");
}

/** Options of {@link waitUntil}. */
export interface WaitOptions {
  /** what is awaited, for messages ("etcd to be healthy") */
  what: string;
  timeoutMs: number;
  /** daemon whose death ends the wait early and whose log tail goes into the error */
  daemon?: string;
  intervalMs?: number;
}

/**
 * Polls a check until it passes.
 *
 * @param check resolves true when ready
 * @param options see {@link WaitOptions}
 */
export async function waitUntil(
  check: () => Promise<boolean>,
  options: WaitOptions,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (true) {
    if (await check()) return;
    if (options.daemon && await daemonPid(options.daemon) === undefined) {
      throw new Error(
        `Cannot start the cluster: ${options.daemon} exited while waiting for ${options.what} — ` +
          `end of ${logPath(options.daemon)}:\n${await logTail(options.daemon)}`,
      );
    }
    if (Date.now() > deadline) {
      const tail = options.daemon
        ? `\n  end of ${logPath(options.daemon)}:\n${await logTail(options.daemon)}`
        : "";
      throw new Error(
        `Cannot start the cluster: gave up waiting for ${options.what} after ` +
          `${Math.round(options.timeoutMs / 1000)} s${tail}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
  }
}
