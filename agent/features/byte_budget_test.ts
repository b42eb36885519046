import { deepEqual, equal } from "node:assert/strict";
import { ByteBudget } from "./byte_budget.ts";

Deno.test("ByteBudget.room() lets producers through at once while under the limit", () => {
  const budget = new ByteBudget(100);
  equal(budget.room(), null);
  budget.add(60);
  equal(budget.room(), null);
  budget.add(60);
  equal(budget.used, 120);
});

Deno.test("ByteBudget lets waiting producers through in arrival order as bytes drain", async () => {
  const budget = new ByteBudget(100);
  budget.add(100);
  const order: string[] = [];
  const producer = async (name: string, bytes: number) => {
    await budget.room();
    order.push(name);
    budget.add(bytes);
  };
  const all = Promise.all([producer("a", 50), producer("b", 50), producer("c", 50)]);
  budget.release(100);
  await new Promise((resolve) => setTimeout(resolve, 0));
  // a and b filled the budget again: c waits for more room.
  deepEqual(order, ["a", "b"]);
  equal(budget.used, 100);
  budget.release(50);
  await all;
  deepEqual(order, ["a", "b", "c"]);
});

Deno.test("ByteBudget.room() queues a newcomer behind producers already waiting", async () => {
  const budget = new ByteBudget(10);
  budget.add(10);
  const order: string[] = [];
  const first = budget.room()!.then(() => order.push("first"));
  budget.release(5);
  const second = budget.room();
  equal(second !== null, true, "a producer in line goes first even with room left");
  await Promise.all([first, second!.then(() => order.push("second"))]);
  deepEqual(order, ["first", "second"]);
});

Deno.test("ByteBudget.releaseAll() frees every waiting producer", async () => {
  const budget = new ByteBudget(1);
  budget.add(5);
  const waiting = [budget.room(), budget.room()];
  budget.releaseAll();
  await Promise.all(waiting);
  equal(budget.used, 5);
});
