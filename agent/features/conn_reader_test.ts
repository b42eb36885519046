import { equal, ok } from "node:assert/strict";
import {
  ConnReader,
  grownReadBufferBytes,
  MAX_READ_BUFFER,
  MIN_READ_BUFFER,
  READ_GROWTH_BUDGET,
} from "./conn_reader.ts";

/** A socket that hands out a byte stream (i & 0xff) in reads of a chosen size. */
class StreamSocket {
  position = 0;
  constructor(private readSize: (offered: number) => number, private readonly total = Infinity) {}

  set size(f: (offered: number) => number) {
    this.readSize = f;
  }

  read(buffer: Uint8Array): Promise<number | null> {
    if (this.position >= this.total) return Promise.resolve(null);
    const n = Math.min(buffer.length, this.readSize(buffer.length), this.total - this.position);
    for (let i = 0; i < n; i++) buffer[i] = (this.position + i) & 0xff;
    this.position += n;
    return Promise.resolve(n);
  }

  get conn(): Deno.Conn {
    return this as unknown as Deno.Conn;
  }
}

function checkStream(bytes: Uint8Array, from: number): void {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== ((from + i) & 0xff)) throw new Error(`byte ${from + i} is ${bytes[i]}`);
  }
}

Deno.test("ConnReader starts small and doubles its buffer while reads fill it, up to the maximum", async () => {
  const socket = new StreamSocket((offered) => offered);
  const reader = new ConnReader(socket.conn);
  const sizes: number[] = [];
  let at = 0;
  for (let i = 0; i < 8; i++) {
    const bytes = (await reader.read())!;
    checkStream(bytes, at);
    at += bytes.length;
    sizes.push(reader.capacity);
  }
  equal(sizes[0], MIN_READ_BUFFER * 2);
  equal(Math.max(...sizes), MAX_READ_BUFFER);
  equal(sizes.at(-1), MAX_READ_BUFFER);
});

Deno.test("ConnReader shrinks a grown buffer back after a run of small reads", async () => {
  const socket = new StreamSocket((offered) => offered);
  const reader = new ConnReader(socket.conn);
  let at = 0;
  while (reader.capacity < MAX_READ_BUFFER) at += (await reader.read())!.length;
  socket.size = () => 100;
  for (let i = 0; i < 200; i++) {
    const bytes = (await reader.read())!;
    checkStream(bytes, at);
    at += bytes.length;
  }
  equal(reader.capacity, MIN_READ_BUFFER);
});

Deno.test("ConnReader keeps unconsumed bytes in order across reads", async () => {
  const socket = new StreamSocket(() => 700, 5000);
  const reader = new ConnReader(socket.conn);
  let consumed = 0;
  while (true) {
    const result = await reader.fill();
    if (result === "eof") break;
    // Consume a little less than arrives, so held bytes move around in the buffer.
    const taken = reader.consume(500);
    checkStream(taken, consumed);
    consumed += taken.length;
  }
  checkStream(reader.buffered, consumed);
  equal(consumed + reader.buffered.length, 5000);
  ok(reader.atEof);
});

Deno.test("ConnReader.fill() timing out loses nothing: the next fill gets the same read", async () => {
  let deliver!: (n: number) => void;
  let target!: Uint8Array;
  const socket = {
    read(buffer: Uint8Array) {
      target = buffer;
      return new Promise<number>((resolve) => deliver = resolve);
    },
  };
  const reader = new ConnReader(socket as unknown as Deno.Conn);
  equal(await reader.fill(20), "timeout");
  target.set(new TextEncoder().encode("late"));
  deliver(4);
  equal(await reader.fill(20), "data");
  equal(new TextDecoder().decode(reader.buffered), "late");
});

Deno.test("ConnReader.fill() takes bytes that came while the agent was too busy to run timers for data", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  // Another process sends after 100 ms, while this one is blocked for 600 ms.
  const sender = new Deno.Command("/usr/bin/python3", {
    args: [
      "-c",
      "import socket,sys,time; s=socket.create_connection(('127.0.0.1',int(sys.argv[1])));" +
      "time.sleep(0.1); s.sendall(b'GET / HTTP/1.1\\r\\n'); time.sleep(2)",
      String(listener.addr.port),
    ],
  }).spawn();
  const conn = await accepted;
  const reader = new ConnReader(conn);
  try {
    const filling = reader.fill(200);
    const until = performance.now() + 600;
    while (performance.now() < until) { /* the event loop is blocked, as under heavy load */ }
    equal(await filling, "data");
    equal(new TextDecoder().decode(reader.buffered), "GET / HTTP/1.1\r\n");
  } finally {
    conn.close();
    listener.close();
    sender.kill();
    await sender.status;
  }
});

Deno.test("ConnReader growth stays within the agent-wide read buffer budget", async () => {
  const start = grownReadBufferBytes();
  const readers = Array.from(
    { length: 400 },
    () => new ConnReader(new StreamSocket((offered) => offered).conn),
  );
  for (let round = 0; round < 4; round++) {
    for (const reader of readers) await reader.read();
  }
  // Alone, each would have reached MAX_READ_BUFFER (400 × 14 KiB of growth).
  ok(readers.some((reader) => reader.capacity > MIN_READ_BUFFER), "readers grow");
  ok(readers.some((reader) => reader.capacity < MAX_READ_BUFFER), "the budget held some back");
  ok(grownReadBufferBytes() - start <= READ_GROWTH_BUDGET);
});
