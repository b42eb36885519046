import { deepEqual, equal, ok } from "node:assert/strict";
import { SocketWriter } from "./socket_writer.ts";
import { ByteBudget } from "./byte_budget.ts";

/** A socket whose writes complete when the test says so. */
class FakeSocket {
  readonly writes: string[] = [];
  writeHalfClosed = false;
  closed = false;
  failNext = false;
  private gate: Promise<void> = Promise.resolve();
  private openGate: (() => void) | null = null;

  /** Makes the next writes wait until {@link release}. */
  hold(): void {
    this.gate = new Promise((resolve) => this.openGate = resolve);
  }

  release(): void {
    this.openGate?.();
    this.gate = Promise.resolve();
  }

  async write(bytes: Uint8Array): Promise<number> {
    await this.gate;
    if (this.failNext) throw new Deno.errors.BrokenPipe("broken pipe");
    this.writes.push(new TextDecoder().decode(bytes));
    return bytes.length;
  }

  closeWrite(): Promise<void> {
    this.writeHalfClosed = true;
    return Promise.resolve();
  }

  close(): void {
    this.closed = true;
  }

  get conn(): Deno.Conn {
    return this as unknown as Deno.Conn;
  }
}

const text = (value: string) => new TextEncoder().encode(value);
const turn = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("SocketWriter.write() sends what one turn queued with one socket write", async () => {
  const socket = new FakeSocket();
  const writer = new SocketWriter(socket.conn);
  writer.write(text("HTTP/1.1 200 OK\r\n\r\n"));
  writer.write(text("5\r\n"));
  writer.write(text("hello"));
  equal(writer.pendingBytes, 27);
  await writer.drained();
  deepEqual(socket.writes, ["HTTP/1.1 200 OK\r\n\r\n5\r\nhello"]);
  equal(writer.pendingBytes, 0);
});

Deno.test("SocketWriter.write() copies bytes it is not handed, so callers may reuse them", async () => {
  const socket = new FakeSocket();
  const writer = new SocketWriter(socket.conn);
  const reused = text("abc");
  writer.write(reused);
  reused.set(text("xyz"));
  writer.write(reused);
  await writer.drained();
  deepEqual(socket.writes, ["abcxyz"]);
});

Deno.test("SocketWriter queues while a write is in flight and sends the rest together", async () => {
  const socket = new FakeSocket();
  const writer = new SocketWriter(socket.conn);
  socket.hold();
  writer.write(text("first"));
  await turn();
  writer.write(text("second"));
  writer.write(text("third"));
  socket.release();
  await writer.drained();
  deepEqual(socket.writes, ["first", "secondthird"]);
});

Deno.test("SocketWriter.drained() resolves once at most the limit is queued", async () => {
  const socket = new FakeSocket();
  const writer = new SocketWriter(socket.conn);
  socket.hold();
  writer.write(new Uint8Array(100));
  let drained = false;
  const waiting = writer.drained(10).then(() => drained = true);
  await turn();
  equal(drained, false);
  socket.release();
  await waiting;
  equal(writer.pendingBytes, 0);
});

Deno.test("SocketWriter charges a budget until the bytes are written", async () => {
  const socket = new FakeSocket();
  const own = new ByteBudget(1000);
  const other = new ByteBudget(1000);
  const writer = new SocketWriter(socket.conn, () => {}, own);
  socket.hold();
  writer.write(new Uint8Array(30));
  writer.write(new Uint8Array(20), false, other);
  equal(own.used, 30);
  equal(other.used, 20);
  socket.release();
  await writer.drained();
  equal(own.used, 0);
  equal(other.used, 0);
});

Deno.test("SocketWriter.closeWrite() shuts the write half after the queued bytes", async () => {
  const socket = new FakeSocket();
  const writer = new SocketWriter(socket.conn);
  writer.write(text("bye"));
  writer.closeWrite();
  writer.write(text("ignored"));
  await writer.drained();
  await turn();
  deepEqual(socket.writes, ["bye"]);
  ok(socket.writeHalfClosed);
});

Deno.test("SocketWriter reports a failed write once, frees its budget and drops later writes", async () => {
  const socket = new FakeSocket();
  const budget = new ByteBudget(1000);
  const errors: unknown[] = [];
  const writer = new SocketWriter(socket.conn, (error) => errors.push(error), budget);
  socket.failNext = true;
  writer.write(text("lost"));
  writer.write(text("also lost"));
  await writer.drained();
  await turn();
  equal(errors.length, 1);
  ok(writer.closed);
  equal(budget.used, 0);
  writer.write(text("after"));
  equal(writer.pendingBytes, 0);
  deepEqual(socket.writes, []);
});

Deno.test("SocketWriter.close() drops what is queued and closes the socket", async () => {
  const socket = new FakeSocket();
  const budget = new ByteBudget(1000);
  const writer = new SocketWriter(socket.conn, () => {}, budget);
  socket.hold();
  writer.write(text("in flight"));
  await turn();
  writer.write(text("queued"));
  writer.close();
  equal(budget.used, 0);
  ok(socket.closed);
  socket.release();
  await writer.drained();
  await turn();
  deepEqual(socket.writes, ["in flight"]);
});

Deno.test("SocketWriter writes large handed-over pieces in order with the small ones", async () => {
  const socket = new FakeSocket();
  const writer = new SocketWriter(socket.conn);
  const large = new Uint8Array(40 * 1024).fill(0x61);
  writer.write(text("<"));
  writer.write(large, true);
  writer.write(text(">"));
  await writer.drained();
  equal(socket.writes.join(""), `<${"a".repeat(40 * 1024)}>`);
});
