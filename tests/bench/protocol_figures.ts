/**
 * `deno run -A tests/bench/protocol_figures.ts [rounds]`: prints the protocol codec's headline
 * figures — small messages per second and 64 KiB payload throughput in GB/s — for the WASM facade
 * and the pure-TS baseline, best of `rounds` (default 3) one-second runs, since other processes
 * on a shared machine make single runs noisy.
 *
 * @module
 */
import { BENCH_CASES } from "./protocol_bench_cases.ts";

/** Runs `fn` for about `ms` milliseconds (after a warm-up) and returns runs per second. */
function rate(fn: () => void, ms = 1000): number {
  for (let i = 0; i < 20_000; i++) fn();
  let runs = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 1000; i++) fn();
    runs += 1000;
    now = performance.now();
  }
  return runs / ((now - start) / 1000);
}

const rounds = Number(Deno.args[0] ?? 3);
const best = (fn: () => void) => Math.max(...Array.from({ length: rounds }, () => rate(fn)));
const show = (perSecond: number, payload: number) =>
  payload
    ? `${(perSecond * payload / 1e9).toFixed(2)} GB/s`
    : `${Math.round(perSecond).toLocaleString("en")} msgs/s`;

console.log(`| operation | WASM facade | pure-TS baseline |  (best of ${rounds})`);
console.log("| --- | --- | --- |");
for (const c of BENCH_CASES) {
  console.log(
    `| ${c.name} | ${show(best(c.wasm), c.payloadBytes)} | ${show(best(c.ts), c.payloadBytes)} |`,
  );
}
