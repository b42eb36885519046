import { deepEqual, equal } from "node:assert/strict";
import { MAX_QUEUED_BYTES, WriteQueue } from "./write_queue.ts";

Deno.test("WriteQueue.push() runs a job at once when nothing is pending", () => {
  const queue = new WriteQueue(() => {});
  const ran: string[] = [];
  equal(queue.push(10, () => void ran.push("now")), undefined);
  deepEqual(ran, ["now"]);
});

Deno.test("WriteQueue.push() runs jobs after a pending one, in order", async () => {
  const queue = new WriteQueue(() => {});
  const ran: string[] = [];
  let finish!: () => void;
  queue.push(1, () => new Promise<void>((resolve) => finish = resolve));
  queue.push(1, () => void ran.push("second"));
  queue.push(1, () => void ran.push("third"));
  deepEqual(ran, []);
  finish();
  await new Promise((resolve) => setTimeout(resolve, 0));
  deepEqual(ran, ["second", "third"]);
});

Deno.test("WriteQueue.push() makes the producer wait beyond its bound", async () => {
  const queue = new WriteQueue(() => {});
  let finish!: () => void;
  equal(queue.push(MAX_QUEUED_BYTES, () => new Promise<void>((r) => finish = r)), undefined);
  const waiting = queue.push(1, () => {});
  equal(waiting instanceof Promise, true);
  finish();
  await waiting;
  await new Promise((resolve) => setTimeout(resolve, 0));
  equal(queue.pendingBytes, 0);
});

Deno.test("WriteQueue reports the first failing job and skips the rest", async () => {
  const errors: unknown[] = [];
  const queue = new WriteQueue((error) => errors.push(error));
  const ran: string[] = [];
  let fail!: (error: Error) => void;
  queue.push(1, () => new Promise<void>((_, reject) => fail = reject));
  queue.push(1, () => void ran.push("skipped"));
  fail(new Error("peer gone"));
  await new Promise((resolve) => setTimeout(resolve, 0));
  equal(errors.length, 1);
  equal(ran.length, 0);
  equal(queue.push(1, () => void ran.push("after")), undefined);
  equal(ran.length, 0);
});
