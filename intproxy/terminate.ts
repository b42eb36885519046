/**
 * What a failed session does to the user's processes (how-it-works.md §4.6): SIGTERM every
 * connected layer's process, wait, then SIGKILL those still alive — a broken session must not
 * leave an app running with half its world missing.
 *
 * @module
 */
import type { Logger } from "./log.ts";

function alive(pid: number): boolean {
  try {
    // The state is the field after the parenthesised command name; Z = exited, not reaped.
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

function signal(pid: number, sig: Deno.Signal, log: Logger): void {
  try {
    Deno.kill(pid, sig);
    log.info(`sent ${sig} to layer process`, { pid });
  } catch (error) {
    log.debug(`cannot send ${sig} to layer process`, { pid, error: (error as Error).message });
  }
}

/**
 * SIGTERM now, SIGKILL after `graceSecs` to those still running. Our own PID and PIDs ≤ 1 are
 * never signalled.
 *
 * @param pids layer process ids
 * @param graceSecs seconds between the two signals
 * @param log the logger
 * @returns resolves after the SIGKILL round
 */
export async function terminateProcesses(
  pids: number[],
  graceSecs: number,
  log: Logger,
): Promise<void> {
  const targets = pids.filter((pid) => pid > 1 && pid !== Deno.pid);
  if (targets.length === 0) return;
  for (const pid of targets) signal(pid, "SIGTERM", log);
  await new Promise((resolve) => setTimeout(resolve, graceSecs * 1000));
  for (const pid of targets) if (alive(pid)) signal(pid, "SIGKILL", log);
}
