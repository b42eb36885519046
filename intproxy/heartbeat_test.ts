import assert from "node:assert/strict";
import { Heartbeat } from "./heartbeat.ts";

Deno.test("Heartbeat pings once per period while answers come", () => {
  let pings = 0;
  const beat = new Heartbeat(() => pings++, () => assert.fail("declared dead"));
  beat.tick(1);
  assert.ok(beat.pong());
  beat.tick(1);
  assert.equal(pings, 2);
});

Deno.test("Heartbeat declares the agent dead after a silent period with a ping unanswered", () => {
  let dead = "";
  const beat = new Heartbeat(() => {}, (reason) => dead = reason);
  beat.tick(30);
  beat.tick(30);
  assert.equal(dead, "the agent did not answer a ping for 30 s");
});

Deno.test("Heartbeat counts other agent traffic as a sign of life", () => {
  let pings = 0;
  let dead = false;
  const beat = new Heartbeat(() => pings++, () => dead = true);
  beat.tick(1);
  beat.heard();
  beat.tick(1);
  assert.equal(dead, false);
  assert.equal(pings, 1, "no second ping while one is outstanding");
});

Deno.test("Heartbeat.pong() reports a Pong nobody asked for", () => {
  assert.equal(new Heartbeat(() => {}, () => {}).pong(), false);
});
