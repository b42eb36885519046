/**
 * The protocol codec's benchmark cases: each one operation done by the WASM facade and by the
 * pure-TS baseline on the same message. Small: DaemonMessage::Tcp(Data) of 16 B and
 * ClientMessage::FileRequest(Read); large: Tcp(Data) of 64 KiB, reported in GB/s.
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
  type FileReadMessage,
  type TcpDataMessage,
} from "./protocol_baseline_codec.ts";

/** One operation, both ways. */
export interface BenchCase {
  name: string;
  /** bytes of payload per run, for GB/s; 0 for per-message rates */
  payloadBytes: number;
  wasm: () => void;
  ts: () => void;
}

const small: TcpDataMessage = {
  Tcp: { Data: { connection_id: 42n, bytes: new Uint8Array(16).fill(7) } },
};
const fileRead: FileReadMessage = { FileRequest: { Read: { remote_fd: 12n, buffer_size: 4096n } } };
const largePayload = Uint8Array.from({ length: 64 * 1024 }, (_, i) => i & 0xff);
const large: TcpDataMessage = { Tcp: { Data: { connection_id: 42n, bytes: largePayload } } };

const smallBytes = encodeDaemonMessage(small);
const fileReadBytes = encodeClientMessage(fileRead);
const largeBytes = encodeDaemonMessage(large);
const daemon = new DaemonMessageDecoder();
const client = new ClientMessageDecoder();

/** Every case. */
export const BENCH_CASES: BenchCase[] = [
  {
    name: "decode Tcp(Data 16 B)",
    payloadBytes: 0,
    wasm: () => {
      daemon.push(smallBytes);
      daemon.next();
    },
    ts: () => decodeTcpData(smallBytes),
  },
  {
    name: "decode FileRequest(Read)",
    payloadBytes: 0,
    wasm: () => {
      client.push(fileReadBytes);
      client.next();
    },
    ts: () => decodeFileRead(fileReadBytes),
  },
  {
    name: "encode Tcp(Data 16 B)",
    payloadBytes: 0,
    wasm: () => encodeDaemonMessage(small),
    ts: () => encodeTcpData(small),
  },
  {
    name: "encode FileRequest(Read)",
    payloadBytes: 0,
    wasm: () => encodeClientMessage(fileRead),
    ts: () => encodeFileRead(fileRead),
  },
  {
    name: "decode Tcp(Data 64 KiB)",
    payloadBytes: largePayload.length,
    wasm: () => {
      daemon.push(largeBytes);
      daemon.next();
    },
    ts: () => decodeTcpData(largeBytes),
  },
  {
    name: "encode Tcp(Data 64 KiB)",
    payloadBytes: largePayload.length,
    wasm: () => encodeDaemonMessage(large),
    ts: () => encodeTcpData(large),
  },
];
