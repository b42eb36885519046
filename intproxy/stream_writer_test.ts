import assert from "node:assert/strict";
import { StreamWriter } from "./stream_writer.ts";

Deno.test("StreamWriter writes messages in order, coalescing those enqueued together", async () => {
  const writes: number[][] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  const writer = new StreamWriter({
    async write(bytes) {
      await gate;
      writes.push([...bytes]);
      return bytes.length;
    },
  }, () => assert.fail("no error expected"));
  writer.write(new Uint8Array([1]));
  writer.write(new Uint8Array([2, 3]));
  await Promise.resolve(); // the first write is under way
  writer.write(new Uint8Array([4]));
  writer.write(new Uint8Array([5]));
  assert.equal(writer.backlog, 5);
  release();
  await writer.drained();
  assert.deepEqual(writes, [[1, 2, 3], [4, 5]], "one syscall per burst");
  assert.equal(writer.backlog, 0);
});

Deno.test("StreamWriter reports a failed write once and drops later writes", async () => {
  const errors: Error[] = [];
  const writer = new StreamWriter({
    write: () => Promise.reject(new Error("broken pipe")),
  }, (error) => errors.push(error));
  writer.write(new Uint8Array([1]));
  await writer.drained();
  writer.write(new Uint8Array([2]));
  await writer.drained();
  assert.equal(errors.length, 1);
  assert.equal(writer.error?.message, "broken pipe");
});
