/**
 * How long the local cluster takes: `up` from nothing running (binaries and images cached — the
 * first run builds them and is timed too), `up` again on the running cluster, and `down`.
 *
 * Run as root: `deno run -A tests/bench/cluster_timing.ts`. Prints seconds per phase. Figures,
 * not assertions.
 *
 * @module
 */
import { clusterDown, clusterDownIfUp, clusterUp } from "../cluster/mod.ts";
import { formatDuration } from "../cluster/progress.ts";

async function timed(name: string, body: () => Promise<unknown>): Promise<string> {
  const start = performance.now();
  await body();
  return `${name.padEnd(36)} ${formatDuration(performance.now() - start)}`;
}

const quiet = () => {};
await clusterDownIfUp(quiet);
const figures = [
  await timed("up (nothing running)", () => clusterUp(quiet)),
  await timed("up (already running)", () => clusterUp(quiet)),
  await timed("down", () => clusterDown(quiet)),
  await timed("up again (caches and images warm)", () => clusterUp(quiet)),
  await timed("down", () => clusterDown(quiet)),
];
console.log(figures.join("\n"));
