/**
 * Progress lines of `up` and `down`: one line per step, with what it did and how long it took.
 *
 * @module
 */

/** Where progress lines go. */
export type ProgressLog = (line: string) => void;

/** The default sink: stdout with a `[cluster]` prefix. */
export const printProgress: ProgressLog = (line) => console.log(`[cluster] ${line}`);

/**
 * Formats a duration for a progress line.
 *
 * @param ms milliseconds
 * @returns e.g. "0.4 s", "12.0 s", "6 min 12 s"
 */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/**
 * Runs one step and prints `<name>: <detail> (<time>)` when it ends.
 *
 * @param log progress sink
 * @param name step name
 * @param fn the step; resolves to a short detail such as "started" or "already running"
 */
export async function step(
  log: ProgressLog,
  name: string,
  fn: () => Promise<string>,
): Promise<void> {
  const start = performance.now();
  const detail = await fn();
  log(`${name}: ${detail} (${formatDuration(performance.now() - start)})`);
}
