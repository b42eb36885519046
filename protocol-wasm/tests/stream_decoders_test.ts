/** Streaming behaviour of the four decoders: chunking, partial tails, framing rules. */
import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import {
  ClientMessageDecoder,
  DaemonMessageDecoder,
  encodeClientMessage,
  encodeDaemonMessage,
  encodeLayerFrame,
  encodeProxyFrame,
  LayerFrameDecoder,
  ProtocolDecodeError,
  ProxyFrameDecoder,
} from "../mod.ts";
import type { ClientMessage, DaemonMessage } from "../mod.ts";

const CLIENT_MESSAGES: ClientMessage[] = [
  { SwitchProtocolVersion: "1.29.0" },
  "Ping",
  { GetEnvVarsRequest: { env_vars_filter: ["SECRET_*"], env_vars_select: [] } },
  { FileRequest: { Read: { remote_fd: 3n, buffer_size: 4096n } } },
  { TcpOutgoing: { Write: { connection_id: 9n, bytes: new Uint8Array(300).fill(7) } } },
  "Close",
];

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

Deno.test("ClientMessageDecoder.next() returns every message when fed one byte at a time", () => {
  const stream = concat(CLIENT_MESSAGES.map(encodeClientMessage));
  const decoder = new ClientMessageDecoder();
  const got: ClientMessage[] = [];
  for (const byte of stream) {
    decoder.push(new Uint8Array([byte]));
    got.push(...decoder.drain());
  }
  assertEquals(got, CLIENT_MESSAGES);
  assertEquals(decoder.bufferedBytes, 0);
});

Deno.test("ClientMessageDecoder.drain() returns several messages pushed in one chunk", () => {
  const decoder = new ClientMessageDecoder();
  decoder.push(concat(CLIENT_MESSAGES.map(encodeClientMessage)));
  assertEquals(decoder.drain(), CLIENT_MESSAGES);
});

Deno.test("DaemonMessageDecoder.next() keeps a partial tail until the rest arrives", () => {
  const message: DaemonMessage = {
    File: { Read: { Ok: { bytes: new Uint8Array(1000).fill(1), read_amount: 1000n } } },
  };
  const bytes = encodeDaemonMessage(message);
  const decoder = new DaemonMessageDecoder();
  decoder.push(bytes.subarray(0, 500));
  assertEquals(decoder.next(), undefined);
  assertEquals(decoder.bufferedBytes, 500);
  decoder.push(bytes.subarray(500));
  assertEquals(decoder.next(), message);
  assertEquals(decoder.next(), undefined);
});

Deno.test("DaemonMessageDecoder.next() waits without allocating on a length claiming 4 GiB", () => {
  // DaemonMessage::Tcp(Data{connection_id 1, bytes: len 0xFFFFFFFF}) with only 3 payload bytes.
  const decoder = new DaemonMessageDecoder({ maxMessageBytes: 2 ** 33 });
  decoder.push(new Uint8Array([0x01, 0x01, 0x01, 0xfc, 0xff, 0xff, 0xff, 0xff, 1, 2, 3]));
  assertEquals(decoder.next(), undefined);
  assertEquals(decoder.bufferedBytes, 11);
});

Deno.test("DaemonMessageDecoder.next() rejects a length over maxMessageBytes as corrupt", () => {
  const decoder = new DaemonMessageDecoder({ maxMessageBytes: 1024 });
  decoder.push(new Uint8Array([0x01, 0x01, 0x01, 0xfc, 0xff, 0xff, 0xff, 0xff]));
  throws(
    () => decoder.next(),
    (e: unknown) => e instanceof ProtocolDecodeError && /limit/.test(e.message),
  );
});

Deno.test("LayerFrameDecoder.next() rejects bytes left over inside a frame", () => {
  const frame = encodeLayerFrame({
    message_id: 5n,
    inner: { GetEnv: { env_vars_filter: [], env_vars_select: [] } },
  });
  const padded = concat([frame, new Uint8Array([0xaa])]);
  new DataView(padded.buffer).setUint32(0, frame.length - 4 + 1);
  const decoder = new LayerFrameDecoder();
  decoder.push(padded);
  throws(
    () => decoder.next(),
    (e: unknown) => e instanceof ProtocolDecodeError && /left over/.test(e.message),
  );
});

Deno.test("ProxyFrameDecoder.next() ignores bytes left over inside a frame, like the layer", () => {
  const message = { message_id: 5n, inner: { NewSession: 3n } };
  const frame = encodeProxyFrame(message);
  const padded = concat([frame, new Uint8Array([0xaa, 0xbb])]);
  new DataView(padded.buffer).setUint32(0, frame.length - 4 + 2);
  const decoder = new ProxyFrameDecoder();
  decoder.push(padded);
  assertEquals(decoder.next(), message);
  assertEquals(decoder.bufferedBytes, 0);
});

Deno.test("ProxyFrameDecoder.next() waits for the whole frame and the 4-byte length", () => {
  const message = {
    message_id: 1n,
    inner: { ProxyFailed: { agent_reported: true, message: "agent closed" } },
  };
  const frame = encodeProxyFrame(message);
  const decoder = new ProxyFrameDecoder();
  decoder.push(frame.subarray(0, 3));
  assertEquals(decoder.next(), undefined);
  decoder.push(frame.subarray(3, 10));
  assertEquals(decoder.next(), undefined);
  decoder.push(frame.subarray(10));
  assertEquals(decoder.next(), message);
});

Deno.test("LayerFrameDecoder.next() names a frame that ends inside its message", () => {
  const decoder = new LayerFrameDecoder();
  decoder.push(new Uint8Array([0, 0, 0, 2, 0x00, 0x05]));
  throws(
    () => decoder.next(),
    (e: unknown) => e instanceof ProtocolDecodeError && /ends inside/.test(e.message),
  );
});
