import assert from "node:assert/strict";
import {
  KeyedRequests,
  RequestQueue,
  SessionFailedError,
  UnexpectedReplyError,
} from "./request_queue.ts";

Deno.test("RequestQueue delivers replies to waiters in the order they waited", async () => {
  const queue = new RequestQueue<number>("file");
  const waits = Array.from({ length: 3000 }, () => queue.wait());
  for (let i = 0; i < 3000; i++) queue.resolveNext(i);
  assert.deepEqual(await Promise.all(waits), Array.from({ length: 3000 }, (_, i) => i));
  assert.equal(queue.length, 0);
});

Deno.test("RequestQueue throws on a reply nobody waits for", () => {
  assert.throws(() => new RequestQueue<number>("DNS").resolveNext(1), UnexpectedReplyError);
});

Deno.test("RequestQueue.rejectAll() fails every waiter", async () => {
  const queue = new RequestQueue<number>("env");
  const wait = queue.wait();
  queue.rejectAll(new SessionFailedError("gone"));
  await assert.rejects(wait, SessionFailedError);
  assert.equal(queue.length, 0);
});

Deno.test("KeyedRequests matches replies by key in any order", async () => {
  const requests = new KeyedRequests<string, number>("connect");
  const a = requests.wait("a");
  const b = requests.wait("b");
  requests.resolve("b", 2);
  requests.resolve("a", 1);
  assert.deepEqual(await Promise.all([a, b]), [1, 2]);
  assert.throws(() => requests.resolve("a", 3), UnexpectedReplyError);
});
