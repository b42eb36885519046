import assert from "node:assert/strict";
import { type ServiceTargetReply, startServiceTarget } from "./service_target.ts";

Deno.test("startServiceTarget() answers its identity, greeting and the caller's address", async () => {
  const logs: string[] = [];
  const server = startServiceTarget(0, (line) => logs.push(line));
  try {
    const reply: ServiceTargetReply = await (await fetch(`http://127.0.0.1:${server.addr.port}/hi`))
      .json();
    assert.equal(reply.service, "service-target");
    assert.equal(reply.greeting, Deno.env.get("GREETING") ?? "hello from service-target");
    assert.equal(reply.caller, "127.0.0.1");
    assert.equal(reply.path, "/hi");
    assert.deepEqual(logs, ["[service-target] GET /hi from 127.0.0.1"]);
  } finally {
    await server.shutdown();
  }
});
