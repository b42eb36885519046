import { equal } from "node:assert/strict";
import { AGENT_V8_FLAGS, agentV8Flags } from "./iptables_guard.ts";

Deno.test("agentV8Flags() gives the agent its V8 flags, with DENO_V8_FLAGS after them to win", () => {
  equal(agentV8Flags({}), AGENT_V8_FLAGS.join(","));
  equal(
    agentV8Flags({ DENO_V8_FLAGS: "--max-semi-space-size=8" }),
    [...AGENT_V8_FLAGS, "--max-semi-space-size=8"].join(","),
  );
});
