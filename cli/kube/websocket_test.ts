import assert from "node:assert/strict";
import type { ByteStream } from "./byte_stream.ts";
import { BufferedReader } from "./http1.ts";
import {
  encodeClientFrame,
  webSocketAccept,
  WebSocketConnection,
  WebSocketError,
} from "./websocket.ts";

/** A stream whose reads come from `incoming` and whose writes are recorded. */
function scriptedStream(incoming: Uint8Array[]): ByteStream & { written: Uint8Array[] } {
  const written: Uint8Array[] = [];
  return {
    written,
    read(buffer) {
      const chunk = incoming.shift();
      if (!chunk) return Promise.resolve(null);
      buffer.set(chunk);
      return Promise.resolve(chunk.length);
    },
    write(data) {
      written.push(data.slice());
      return Promise.resolve(data.length);
    },
    close() {},
  };
}

const serverFrame = (first: number, payload: number[]) =>
  new Uint8Array([first, payload.length, ...payload]);

Deno.test("webSocketAccept() matches RFC 6455's example", async () => {
  assert.equal(await webSocketAccept("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
});

Deno.test("encodeClientFrame() masks the payload and picks the length form", () => {
  const mask = new Uint8Array([1, 2, 3, 4]);
  const frame = encodeClientFrame(0x2, new Uint8Array([10, 20, 30]), mask);
  assert.deepEqual([...frame], [0x82, 0x83, 1, 2, 3, 4, 10 ^ 1, 20 ^ 2, 30 ^ 3]);
  assert.equal(encodeClientFrame(0x2, new Uint8Array(300), mask)[1], 0x80 | 126);
  assert.equal(encodeClientFrame(0x2, new Uint8Array(70_000), mask)[1], 0x80 | 127);
});

Deno.test("WebSocketConnection.receive() joins fragments and answers pings with pongs", async () => {
  const stream = scriptedStream([
    serverFrame(0x02, [1, 2]), // binary, not final
    serverFrame(0x89, [7]), // ping in between
    serverFrame(0x80, [3]), // final continuation
    serverFrame(0x88, [0x03, 0xe8]), // close 1000
  ]);
  const ws = new WebSocketConnection(new BufferedReader(stream), stream, "v4.channel.k8s.io");
  assert.deepEqual(await ws.receive(), { binary: true, data: new Uint8Array([1, 2, 3]) });
  assert.equal(stream.written[0][0], 0x8a); // the pong
  assert.equal(await ws.receive(), null);
  assert.deepEqual(ws.closeStatus, { code: 1000, reason: "" });
  assert.equal(stream.written[1][0], 0x88); // close answered
});

Deno.test("WebSocketConnection.receive() rejects a continuation without a message", async () => {
  const stream = scriptedStream([serverFrame(0x80, [1])]);
  const ws = new WebSocketConnection(new BufferedReader(stream), stream, "");
  await assert.rejects(ws.receive(), WebSocketError);
});
