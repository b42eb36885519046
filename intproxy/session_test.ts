import assert from "node:assert/strict";
import { encodeLayerFrame, PROTOCOL_VERSION } from "../protocol-wasm/mod.ts";
import { ScriptedAgent } from "./_test/scripted_agent.ts";
import { ScriptedLayer } from "./_test/scripted_layer.ts";
import { startSession } from "./_test/session_under_test.ts";

const LOOKUP = {
  node: "db.svc",
  service_port: 5432,
  family: "Any" as const,
  socktype: "Stream" as const,
  flags: 0,
  protocol: 0,
};

Deno.test("Session negotiates our version, sends ReadyForLogs and numbers layers from 0", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent);
  await using first = await ScriptedLayer.connect(session.address);
  await using second = await ScriptedLayer.connect(session.address);
  assert.equal(first.id, 0n);
  assert.equal(second.id, 1n);
  assert.deepEqual(agent.received.slice(0, 3), [
    "Ping",
    { SwitchProtocolVersion: PROTOCOL_VERSION },
    "ReadyForLogs",
  ]);
  assert.equal(session.session.version, PROTOCOL_VERSION);
});

Deno.test("Session sends no ReadyForLogs to an agent older than 1.3.1", async () => {
  await using agent = ScriptedAgent.start({ version: "1.3.0" });
  await using session = await startSession(agent);
  await using _layer = await ScriptedLayer.connect(session.address);
  assert.equal(session.session.version, "1.3.0");
  assert.ok(!agent.received.includes("ReadyForLogs"));
});

Deno.test("Session answers DNS lookups of several layers in the agent's FIFO order", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent);
  await using a = await ScriptedLayer.connect(session.address);
  await using b = await ScriptedLayer.connect(session.address);
  const askA = a.request({ GetAddrInfo: { ...LOOKUP, node: "a.svc" } });
  await agent.next((m) => typeof m === "object" && "GetAddrInfoRequestV2" in m);
  const askB = b.request({ GetAddrInfo: { ...LOOKUP, node: "b.svc" } });
  await agent.next((m) => typeof m === "object" && "GetAddrInfoRequestV2" in m);
  agent.send({ GetAddrInfoResponse: { Ok: [{ name: "a.svc", ip: "10.0.0.1" }] } });
  agent.send({ GetAddrInfoResponse: { Ok: [{ name: "b.svc", ip: "10.0.0.2" }] } });
  assert.deepEqual(await askA, { GetAddrInfo: { Ok: [{ name: "a.svc", ip: "10.0.0.1" }] } });
  assert.deepEqual(await askB, { GetAddrInfo: { Ok: [{ name: "b.svc", ip: "10.0.0.2" }] } });
});

Deno.test("Session sends the legacy DNS request to an agent older than 1.15.0", async () => {
  await using agent = ScriptedAgent.start({ version: "1.14.0" });
  await using session = await startSession(agent);
  await using layer = await ScriptedLayer.connect(session.address);
  const ask = layer.request({ GetAddrInfo: LOOKUP });
  assert.deepEqual(await agent.next(), { GetAddrInfoRequest: { node: "db.svc" } });
  agent.send({ GetAddrInfoResponse: { Ok: [{ name: "db.svc", ip: "10.1.1.1" }] } });
  assert.deepEqual(await ask, { GetAddrInfo: { Ok: [{ name: "db.svc", ip: "10.1.1.1" }] } });
});

Deno.test("Session forwards GetEnv and returns the agent's variables", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent);
  await using layer = await ScriptedLayer.connect(session.address);
  const request = { env_vars_filter: ["SECRET"], env_vars_select: ["*"] };
  const ask = layer.request({ GetEnv: request });
  assert.deepEqual(await agent.next(), { GetEnvVarsRequest: request });
  agent.send({ GetEnvVarsResponse: { Ok: { APP: "1" } } });
  assert.deepEqual(await ask, { GetEnv: { Ok: { APP: "1" } } });
});

Deno.test("Session drops only the layer that sends garbage", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent);
  await using good = await ScriptedLayer.connect(session.address);
  await using bad = await ScriptedLayer.connect(session.address);
  // A frame whose payload is a LayerToProxyMessage variant index that does not exist.
  await bad.sendRaw(new Uint8Array([0, 0, 0, 2, 1, 0x2a]));
  await bad.closed;
  const ask = good.request({ GetEnv: { env_vars_filter: [], env_vars_select: ["*"] } });
  await agent.next();
  agent.send({ GetEnvVarsResponse: { Ok: {} } });
  assert.deepEqual(await ask, { GetEnv: { Ok: {} } });
  const dropped = session.logRecords().find((r) =>
    r.message === "dropping a layer that sent an invalid frame"
  );
  assert.ok(dropped, "the drop is logged");
  assert.equal(dropped.layer, "1");
});

Deno.test("Session drops a connection whose first frame is not NewSession", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent);
  const rogue = await ScriptedLayer.open(session.address);
  await rogue.sendRaw(encodeLayerFrame({
    message_id: 1n,
    inner: { GetEnv: { env_vars_filter: [], env_vars_select: [] } },
  }));
  await rogue.closed;
  await using layer = await ScriptedLayer.connect(session.address);
  assert.equal(layer.id, 0n, "the rogue connection got no session id");
});

Deno.test("Session exits 1 when no layer connects within start_idle_timeout", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent, (c) => c.internal_proxy.start_idle_timeout = 0.2);
  assert.equal(await session.exited, 1);
  await agent.disconnected;
});

Deno.test("Session exits 0 idle_timeout after the last layer left, not before", async () => {
  await using agent = ScriptedAgent.start();
  // Wide margins: a loaded machine can stall this process for a few hundred ms.
  await using session = await startSession(agent, (c) => c.internal_proxy.idle_timeout = 1.5);
  const first = await ScriptedLayer.connect(session.address);
  first.close();
  await first.closed;
  await new Promise((resolve) => setTimeout(resolve, 100));
  await using second = await ScriptedLayer.connect(session.address);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const ask = second.request({ GetEnv: { env_vars_filter: [], env_vars_select: [] } });
  await agent.next();
  agent.send({ GetEnvVarsResponse: { Ok: {} } });
  assert.deepEqual(await ask, { GetEnv: { Ok: {} } }, "still serving after a new layer came");
  second.close();
  assert.equal(await session.exited, 0);
});
