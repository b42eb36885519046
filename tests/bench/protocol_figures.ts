/**
 * `deno run -A tests/bench/protocol_figures.ts`: prints the protocol codec's headline figures —
 * small messages per second and 64 KiB payload throughput in GB/s — for the WASM facade and the
 * pure-TS baseline (same messages as protocol_codec_bench.ts).
 *
 * @module
 */
import {
  ClientMessageDecoder,
  DaemonMessageDecoder,
  encodeClientMessage,
  encodeDaemonMessage,
} from "../../protocol-wasm/mod.ts";
import {
  decodeFileRead,
  decodeTcpData,
  encodeFileRead,
  encodeTcpData,
} from "./protocol_baseline_codec.ts";
import { BENCH_MESSAGES } from "./protocol_bench_messages.ts";

/** Runs `fn` repeatedly for about `ms` milliseconds (after a warm-up) and returns runs/s. */
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

const { small, fileRead, large } = BENCH_MESSAGES;
const smallBytes = encodeDaemonMessage(small);
const readBytes = encodeClientMessage(fileRead);
const largeBytes = encodeDaemonMessage(large);
const daemon = new DaemonMessageDecoder();
const client = new ClientMessageDecoder();
const payload = large.Tcp.Data.bytes.length;

const rows: [string, number, number, string][] = [
  [
    "decode Tcp(Data 16 B)",
    rate(() => {
      daemon.push(smallBytes);
      daemon.next();
    }),
    rate(() => decodeTcpData(smallBytes)),
    "msgs/s",
  ],
  [
    "decode FileRequest(Read)",
    rate(() => {
      client.push(readBytes);
      client.next();
    }),
    rate(() => decodeFileRead(readBytes)),
    "msgs/s",
  ],
  [
    "encode Tcp(Data 16 B)",
    rate(() => encodeDaemonMessage(small)),
    rate(() => encodeTcpData(small)),
    "msgs/s",
  ],
  [
    "encode FileRequest(Read)",
    rate(() => encodeClientMessage(fileRead)),
    rate(() => encodeFileRead(fileRead)),
    "msgs/s",
  ],
  [
    "decode Tcp(Data 64 KiB)",
    rate(() => {
      daemon.push(largeBytes);
      daemon.next();
    }) * payload / 1e9,
    rate(() => decodeTcpData(largeBytes)) * payload / 1e9,
    "GB/s",
  ],
  [
    "encode Tcp(Data 64 KiB)",
    rate(() => encodeDaemonMessage(large)) * payload / 1e9,
    rate(() => encodeTcpData(large)) * payload / 1e9,
    "GB/s",
  ],
];

const fmt = (v: number, unit: string) =>
  unit === "GB/s" ? `${v.toFixed(2)} GB/s` : `${Math.round(v).toLocaleString("en")} msgs/s`;
console.log("| operation | WASM facade | pure-TS baseline |");
console.log("| --- | --- | --- |");
for (const [name, wasmRate, tsRate, unit] of rows) {
  console.log(`| ${name} | ${fmt(wasmRate, unit)} | ${fmt(tsRate, unit)} |`);
}
