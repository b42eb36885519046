/**
 * `deno bench -A tests/bench/protocol_codec_bench.ts`: the WASM facade against a pure-TS
 * baseline of the same messages (see protocol_bench_cases.ts). For 64 KiB cases,
 * GB/s = 65 536 B / time per iteration; `tests/bench/protocol_figures.ts` prints them directly.
 */
import { BENCH_CASES } from "./protocol_bench_cases.ts";

for (const c of BENCH_CASES) {
  Deno.bench(`${c.name} — wasm facade`, { group: c.name, baseline: true }, c.wasm);
  Deno.bench(`${c.name} — pure TS`, { group: c.name }, c.ts);
}
