import assert from "node:assert/strict";
import { BodyQueue } from "./body_queue.ts";

const frame = (n: number) => ({ Data: new Uint8Array(n) });

Deno.test("BodyQueue yields frames in order, then ends", async () => {
  const queue = new BodyQueue();
  queue.push([frame(1), frame(2)]);
  setTimeout(() => queue.push([{ Trailers: [["x", "1"]] }], true), 10);
  const seen = [];
  for await (const f of queue) seen.push("Data" in f ? f.Data.length : "trailers");
  assert.deepEqual(seen, [1, 2, "trailers"]);
});

Deno.test("BodyQueue throws the abort to the consumer", async () => {
  const queue = new BodyQueue();
  queue.push([frame(1)]);
  queue.fail(new Error("agent aborted"));
  const iterator = queue[Symbol.asyncIterator]();
  assert.equal(((await iterator.next()).value as { Data: Uint8Array }).Data.length, 1);
  await assert.rejects(iterator.next(), /agent aborted/);
});

Deno.test("BodyQueue pauses its producer above the high mark and resumes below half of it", async () => {
  const queue = new BodyQueue();
  const calls: string[] = [];
  queue.flowControl(100, () => calls.push("pause"), () => calls.push("resume"));
  queue.push([frame(60)]);
  assert.deepEqual(calls, []);
  queue.push([frame(60)], true);
  assert.deepEqual(calls, ["pause"]);
  const iterator = queue[Symbol.asyncIterator]();
  await iterator.next(); // 60 left: still above 50
  assert.deepEqual(calls, ["pause"]);
  await iterator.next(); // 0 left
  assert.deepEqual(calls, ["pause", "resume"]);
  assert.equal((await iterator.next()).done, true);
});
