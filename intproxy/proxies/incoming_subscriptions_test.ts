import assert from "node:assert/strict";
import type { ClientMessage, DaemonMessage, PortSubscription } from "../../protocol-wasm/mod.ts";
import { ScriptedAgent } from "../_test/scripted_agent.ts";
import { ScriptedLayer } from "../_test/scripted_layer.ts";
import { startSession } from "../_test/session_under_test.ts";

const isIncoming = (m: ClientMessage) => typeof m === "object" && ("Tcp" in m || "TcpSteal" in m);
const show = (v: unknown) => JSON.stringify(v, (_, x) => typeof x === "bigint" ? `${x}n` : x);

function subscribe(layer: ScriptedLayer, socket: string, subscription: PortSubscription) {
  return layer.request({
    Incoming: { PortSubscribe: { listening_on: { Socket: socket }, subscription } },
  });
}

/** Fails if the agent gets an incoming message within `ms`. */
async function assertNoIncoming(agent: ScriptedAgent, ms = 300): Promise<void> {
  await assert.rejects(agent.next(isIncoming, ms), /no matching message/);
}

Deno.test("IncomingProxy subscribes a steal at the agent and answers the layer after SubscribeResult", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent);
  await using layer = await ScriptedLayer.connect(session.address);
  const answer = subscribe(layer, "0.0.0.0:8080", { Steal: { All: 80 } });
  assert.deepEqual(await agent.next(isIncoming), { TcpSteal: { PortSubscribe: { All: 80 } } });
  agent.send({ TcpSteal: { SubscribeResult: { Ok: 80 } } });
  assert.deepEqual(await answer, { Incoming: { PortSubscribe: { Ok: null } } });
});

Deno.test("IncomingProxy keeps one agent subscription per port and fans the result out", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent);
  await using first = await ScriptedLayer.connect(session.address);
  await using second = await ScriptedLayer.connect(session.address, { pid: 4242 });
  const a = subscribe(first, "127.0.0.1:9000", { Mirror: { All: 80 } });
  const b = subscribe(second, "127.0.0.1:9001", { Mirror: { All: 80 } });
  assert.deepEqual(await agent.next(isIncoming), { Tcp: { PortSubscribe: 80 } });
  await assertNoIncoming(agent);
  agent.send({ Tcp: { SubscribeResult: { Ok: 80 } } });
  assert.deepEqual(await a, { Incoming: { PortSubscribe: { Ok: null } } });
  assert.deepEqual(await b, { Incoming: { PortSubscribe: { Ok: null } } });
  // A third source after the subscription exists is answered at once.
  const c = await subscribe(first, "127.0.0.1:9002", { Mirror: { All: 80 } });
  assert.deepEqual(c, { Incoming: { PortSubscribe: { Ok: null } } });

  const unsubscribe = (layer: ScriptedLayer, socket: string) =>
    layer.send({ Incoming: { PortUnsubscribe: { port: 80, listening_on: { Socket: socket } } } });
  await unsubscribe(first, "127.0.0.1:9002");
  await unsubscribe(second, "127.0.0.1:9001");
  await assertNoIncoming(agent);
  await unsubscribe(first, "127.0.0.1:9000");
  assert.deepEqual(await agent.next(isIncoming), { Tcp: { PortUnsubscribe: 80 } });
});

Deno.test("IncomingProxy passes the agent's PortAlreadyStolen to the layer", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent);
  await using layer = await ScriptedLayer.connect(session.address);
  const answer = subscribe(layer, "0.0.0.0:80", { Steal: { All: 80 } });
  await agent.next(isIncoming);
  agent.send({ TcpSteal: { SubscribeResult: { Err: { PortAlreadyStolen: 80 } } } });
  assert.deepEqual(await answer, {
    Incoming: { PortSubscribe: { Err: { PortAlreadyStolen: 80 } } },
  });
  // The failed subscription is forgotten: the next listen asks the agent again.
  const again = subscribe(layer, "0.0.0.0:80", { Steal: { All: 80 } });
  assert.deepEqual(await agent.next(isIncoming), { TcpSteal: { PortSubscribe: { All: 80 } } });
  agent.send({ TcpSteal: { SubscribeResult: { Ok: 80 } } });
  assert.deepEqual(await again, { Incoming: { PortSubscribe: { Ok: null } } });
});

Deno.test("IncomingProxy matches errors without a port to the oldest subscribe in flight", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent);
  await using layer = await ScriptedLayer.connect(session.address);
  const filter = { Header: "x-a: (" };
  const bad = subscribe(layer, "0.0.0.0:81", { Steal: { FilteredHttpEx: [81, filter] } });
  await agent.next(isIncoming);
  const good = subscribe(layer, "0.0.0.0:82", { Steal: { All: 82 } });
  await agent.next(isIncoming);
  const error = { Remote: { BadHttpFilterExRegex: [filter, "unclosed group"] } } as const;
  agent.send({ TcpSteal: { SubscribeResult: { Err: error } } } as DaemonMessage);
  agent.send({ TcpSteal: { SubscribeResult: { Ok: 82 } } });
  assert.deepEqual(await bad, { Incoming: { PortSubscribe: { Err: error } } });
  assert.deepEqual(await good, { Incoming: { PortSubscribe: { Ok: null } } });
});

Deno.test("IncomingProxy falls back to an unfiltered mirror for agents older than 1.21.1", async () => {
  for (
    const [version, expected] of [
      ["1.21.1", { Tcp: { PortSubscribeFilteredHttp: [80, { Path: "^/api" }] } }],
      ["1.21.0", { Tcp: { PortSubscribe: 80 } }],
    ] as const
  ) {
    await using agent = ScriptedAgent.start({ version });
    await using session = await startSession(agent);
    await using layer = await ScriptedLayer.connect(session.address);
    const answer = subscribe(layer, "0.0.0.0:80", {
      Mirror: { FilteredHttp: [80, { Path: "^/api" }] },
    });
    assert.deepEqual(await agent.next(isIncoming), expected, version);
    agent.send({ Tcp: { SubscribeResult: { Ok: 80 } } });
    assert.deepEqual(await answer, { Incoming: { PortSubscribe: { Ok: null } } });
    if (version === "1.21.0") {
      const warned = session.logRecords().some((r) =>
        String(r.message).includes("cannot filter mirrored HTTP")
      );
      assert.ok(warned, "a warning says the filter is not applied");
    }
  }
});

Deno.test("IncomingProxy refuses a filter the agent is too old for, without asking it", async () => {
  await using agent = ScriptedAgent.start({ version: "1.19.0" });
  await using session = await startSession(agent);
  await using layer = await ScriptedLayer.connect(session.address);
  const answer = await subscribe(layer, "0.0.0.0:80", {
    Steal: { FilteredHttpEx: [80, { Method: "Post" }] },
  });
  assert.deepEqual(answer, { Incoming: { PortSubscribe: { Err: "NotImplemented" } } });
  await assertNoIncoming(agent);
  const logged = session.logRecords().find((r) => String(r.message).includes("too old"));
  assert.ok(logged, show(session.logRecords()));
  assert.match(String(logged.message), /HTTP_METHOD_FILTER_VERSION/);
});

Deno.test("IncomingProxy unsubscribes a layer's ports when it disconnects", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent);
  const layer = await ScriptedLayer.connect(session.address);
  const answer = subscribe(layer, "0.0.0.0:80", { Steal: { All: 80 } });
  await agent.next(isIncoming);
  agent.send({ TcpSteal: { SubscribeResult: { Ok: 80 } } });
  await answer;
  layer.close();
  assert.deepEqual(await agent.next(isIncoming), { TcpSteal: { PortUnsubscribe: 80 } });
});

Deno.test("IncomingProxy gives a forked child its parent's subscriptions", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent);
  const parent = await ScriptedLayer.connect(session.address);
  const answer = subscribe(parent, "0.0.0.0:80", { Steal: { All: 80 } });
  await agent.next(isIncoming);
  agent.send({ TcpSteal: { SubscribeResult: { Ok: 80 } } });
  await answer;
  await using child = await ScriptedLayer.connect(session.address, { parent: parent.id });
  parent.close();
  await assertNoIncoming(agent, 500); // the child still holds the listener
  await child.send({
    Incoming: { PortUnsubscribe: { port: 80, listening_on: { Socket: "0.0.0.0:80" } } },
  });
  assert.deepEqual(await agent.next(isIncoming), { TcpSteal: { PortUnsubscribe: 80 } });
});

Deno.test("IncomingProxy answers ConnMetadata for a connection it did not make with the real peer", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent);
  await using layer = await ScriptedLayer.connect(session.address);
  const answer = await layer.request({
    Incoming: {
      ConnMetadata: { listener_address: "0.0.0.0:8080", peer_address: "127.0.0.1:50000" },
    },
  });
  assert.deepEqual(answer, {
    Incoming: { ConnMetadata: { remote_source: "127.0.0.1:50000", local_address: "0.0.0.0" } },
  });
});
