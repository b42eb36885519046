/**
 * `deno bench -A tests/bench/protocol_codec_bench.ts`: the WASM facade against a pure-TS
 * baseline of the same messages. Small messages: DaemonMessage::Tcp(Data) of 16 B and
 * ClientMessage::FileRequest(Read); large: Tcp(Data) of 64 KiB (GB/s = 65 536 B / time per
 * iteration; `tests/bench/protocol_figures.ts` prints them directly).
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

const { small, fileRead, large } = BENCH_MESSAGES;
const smallBytes = encodeDaemonMessage(small);
const fileReadBytes = encodeClientMessage(fileRead);
const largeBytes = encodeDaemonMessage(large);
const daemonDecoder = new DaemonMessageDecoder();
const clientDecoder = new ClientMessageDecoder();

Deno.bench("decode Tcp(Data 16 B) — wasm facade", { group: "decode small", baseline: true }, () => {
  daemonDecoder.push(smallBytes);
  daemonDecoder.next();
});
Deno.bench("decode Tcp(Data 16 B) — pure TS", { group: "decode small" }, () => {
  decodeTcpData(smallBytes);
});
Deno.bench(
  "decode FileRequest(Read) — wasm facade",
  { group: "decode read", baseline: true },
  () => {
    clientDecoder.push(fileReadBytes);
    clientDecoder.next();
  },
);
Deno.bench("decode FileRequest(Read) — pure TS", { group: "decode read" }, () => {
  decodeFileRead(fileReadBytes);
});
Deno.bench("encode Tcp(Data 16 B) — wasm facade", { group: "encode small", baseline: true }, () => {
  encodeDaemonMessage(small);
});
Deno.bench("encode Tcp(Data 16 B) — pure TS", { group: "encode small" }, () => {
  encodeTcpData(small);
});
Deno.bench(
  "encode FileRequest(Read) — wasm facade",
  { group: "encode read", baseline: true },
  () => {
    encodeClientMessage(fileRead);
  },
);
Deno.bench("encode FileRequest(Read) — pure TS", { group: "encode read" }, () => {
  encodeFileRead(fileRead);
});
Deno.bench("decode Tcp(Data 64 KiB) — wasm facade", { group: "decode 64k", baseline: true }, () => {
  daemonDecoder.push(largeBytes);
  daemonDecoder.next();
});
Deno.bench("decode Tcp(Data 64 KiB) — pure TS", { group: "decode 64k" }, () => {
  decodeTcpData(largeBytes);
});
Deno.bench("encode Tcp(Data 64 KiB) — wasm facade", { group: "encode 64k", baseline: true }, () => {
  encodeDaemonMessage(large);
});
Deno.bench("encode Tcp(Data 64 KiB) — pure TS", { group: "encode 64k" }, () => {
  encodeTcpData(large);
});
