import assert from "node:assert/strict";
import type {
  ClientMessage,
  DaemonMessage,
  OutgoingConnectResponse,
} from "../../protocol-wasm/mod.ts";
import { ScriptedAgent } from "../_test/scripted_agent.ts";
import { ScriptedLayer } from "../_test/scripted_layer.ts";
import { startSession } from "../_test/session_under_test.ts";

const text = (s: string) => new TextEncoder().encode(s);
const isTcp = (m: ClientMessage) => typeof m === "object" && "TcpOutgoing" in m;
const isUdp = (m: ClientMessage) => typeof m === "object" && "UdpOutgoing" in m;
const show = (v: unknown) => JSON.stringify(v, (_, x) => typeof x === "bigint" ? `${x}n` : x);
// deno-lint-ignore no-explicit-any
const inner = (m: ClientMessage): any => Object.values(m as object)[0];

async function connectOk(
  layer: ScriptedLayer,
  remote: string | { Unix: { Pathname: string } },
  protocol: "Stream" | "Datagrams" = "Stream",
): Promise<OutgoingConnectResponse> {
  const answer = await layer.request({
    Outgoing: {
      Connect: {
        remote_address: typeof remote === "string" ? { Ip: remote } : remote,
        protocol,
        metadata: { hostname: null },
      },
    },
  });
  assert.ok("Outgoing" in answer && "Connect" in answer.Outgoing, show(answer));
  const result = answer.Outgoing.Connect;
  assert.ok("Ok" in result, `connect failed: ${show(result)}`);
  return result.Ok;
}

/** The agent's successful `ConnectV2` answer. */
function connected(
  protocol: "TcpOutgoing" | "UdpOutgoing",
  uid: string,
  connectionId: bigint,
  remote: string | { Unix: { Pathname: string } },
  local: string | { Unix: "Unnamed" },
) {
  const address = (a: typeof remote | typeof local) => typeof a === "string" ? { Ip: a } : a;
  return {
    [protocol]: {
      ConnectV2: {
        uid,
        connect: {
          Ok: {
            connection_id: connectionId,
            remote_address: address(remote),
            local_address: address(local),
          },
        },
      },
    },
  } as unknown as DaemonMessage;
}

async function readSome(conn: Deno.Conn): Promise<string | null> {
  const buffer = new Uint8Array(1024);
  const n = await conn.read(buffer);
  return n === null ? null : new TextDecoder().decode(buffer.subarray(0, n));
}

Deno.test("OutgoingProxy relays a TCP connection both ways with half-close (ConnectV2)", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent);
  await using layer = await ScriptedLayer.connect(session.address);
  const reply = await connectOk(layer, "10.0.0.9:80");
  assert.equal(reply.in_cluster_address, null, "non-blocking: answered before the agent");
  assert.ok("Ip" in reply.layer_address && reply.layer_address.Ip.startsWith("127.0.0.1:"));

  const connect = inner(await agent.next(isTcp)).ConnectV2;
  assert.deepEqual(connect.remote_address, { Ip: "10.0.0.9:80" });
  const [hostname, port] = (reply.layer_address as { Ip: string }).Ip.split(":");
  const app = await Deno.connect({ hostname, port: Number(port) });
  await app.write(text("GET /"));
  agent.send(connected("TcpOutgoing", connect.uid, 4n, "10.0.0.9:80", "10.0.0.2:40000"));
  assert.deepEqual(inner(await agent.next(isTcp)), {
    Write: { connection_id: 4n, bytes: text("GET /") },
  });
  agent.send({ TcpOutgoing: { Read: { Ok: { connection_id: 4n, bytes: text("200 OK") } } } });
  assert.equal(await readSome(app), "200 OK");

  const metadata = await layer.request({
    Outgoing: { ConnMetadata: { conn_id: reply.connection_id } },
  });
  assert.deepEqual(metadata, {
    Outgoing: { ConnMetadata: { in_cluster_address: "10.0.0.2:40000" } },
  });

  await app.closeWrite();
  assert.deepEqual(inner(await agent.next(isTcp)), {
    Write: { connection_id: 4n, bytes: new Uint8Array(0) },
  });
  agent.send({ TcpOutgoing: { Read: { Ok: { connection_id: 4n, bytes: text("tail") } } } });
  assert.equal(await readSome(app), "tail", "data still flows after the app's half-close");
  agent.send({ TcpOutgoing: { Read: { Ok: { connection_id: 4n, bytes: new Uint8Array(0) } } } });
  assert.equal(await readSome(app), null);
  assert.deepEqual(inner(await agent.next(isTcp)), { Close: { connection_id: 4n } });
  app.close();
});

Deno.test("OutgoingProxy closes the app's socket when the agent cannot connect", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent);
  await using layer = await ScriptedLayer.connect(session.address);
  const reply = await connectOk(layer, "10.0.0.9:81");
  const { uid } = inner(await agent.next(isTcp)).ConnectV2;
  const [hostname, port] = (reply.layer_address as { Ip: string }).Ip.split(":");
  const app = await Deno.connect({ hostname, port: Number(port) });
  agent.send({
    TcpOutgoing: {
      ConnectV2: {
        uid,
        connect: { Err: { RemoteIO: { raw_os_error: 111, kind: "ConnectionRefused" } } },
      },
    },
  });
  assert.equal(await readSome(app), null);
  app.close();
});

Deno.test("OutgoingProxy waits for the agent in blocking mode and passes its error on", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(
    agent,
    (c) => c.experimental.non_blocking_tcp_connect = false,
  );
  await using layer = await ScriptedLayer.connect(session.address);
  const ask = layer.request({
    Outgoing: {
      Connect: {
        remote_address: { Ip: "10.0.0.9:82" },
        protocol: "Stream",
        metadata: { hostname: "api.svc" },
      },
    },
  });
  const { uid } = inner(await agent.next(isTcp)).ConnectV2;
  const error = { RemoteIO: { raw_os_error: 111, kind: "ConnectionRefused" as const } };
  agent.send({ TcpOutgoing: { ConnectV2: { uid, connect: { Err: error } } } });
  assert.deepEqual(await ask, { Outgoing: { Connect: { Err: error } } });
});

Deno.test("OutgoingProxy uses legacy Connect matched in order with an agent older than 1.22.0", async () => {
  await using agent = ScriptedAgent.start({ version: "1.21.0" });
  await using session = await startSession(
    agent,
    (c) => c.experimental.non_blocking_tcp_connect = false,
  );
  await using layer = await ScriptedLayer.connect(session.address);
  const connect = (port: number) =>
    layer.request({
      Outgoing: {
        Connect: {
          remote_address: { Ip: `10.0.0.9:${port}` },
          protocol: "Stream",
          metadata: { hostname: null },
        },
      },
    });
  const first = connect(1001);
  const second = connect(1002);
  assert.deepEqual(inner(await agent.next(isTcp)), {
    Connect: { remote_address: { Ip: "10.0.0.9:1001" } },
  });
  await agent.next(isTcp);
  for (const [id, port] of [[1n, 1001], [2n, 1002]] as const) {
    agent.send({
      TcpOutgoing: {
        Connect: {
          Ok: {
            connection_id: id,
            remote_address: { Ip: `10.0.0.9:${port}` },
            local_address: { Ip: `10.0.0.2:${port + 50000}` },
          },
        },
      },
    });
  }
  const a = await first;
  const b = await second;
  assert.ok("Outgoing" in a && "Connect" in a.Outgoing && "Ok" in a.Outgoing.Connect);
  assert.ok("Outgoing" in b && "Connect" in b.Outgoing && "Ok" in b.Outgoing.Connect);
  assert.deepEqual(a.Outgoing.Connect.Ok.in_cluster_address, { Ip: "10.0.0.2:51001" });
  assert.deepEqual(b.Outgoing.Connect.Ok.in_cluster_address, { Ip: "10.0.0.2:51002" });
  assert.ok(!agent.received.some((m) => isTcp(m) && "ConnectV2" in inner(m)));
});

Deno.test("OutgoingProxy relays UDP datagrams and ends on the layer's Close", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent);
  await using layer = await ScriptedLayer.connect(session.address);
  const ask = layer.request({
    Outgoing: {
      Connect: {
        remote_address: { Ip: "10.0.0.9:53" },
        protocol: "Datagrams",
        metadata: { hostname: null },
      },
    },
  });
  const { uid } = inner(await agent.next(isUdp)).ConnectV2;
  agent.send(connected("UdpOutgoing", uid, 8n, "10.0.0.9:53", "10.0.0.2:5353"));
  const answer = await ask;
  assert.ok(
    "Outgoing" in answer && "Connect" in answer.Outgoing && "Ok" in answer.Outgoing.Connect,
  );
  const reply = answer.Outgoing.Connect.Ok;
  const [hostname, port] = (reply.layer_address as { Ip: string }).Ip.split(":");
  const app = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  await app.send(text("query"), { transport: "udp", hostname, port: Number(port) });
  assert.deepEqual(inner(await agent.next(isUdp)), {
    Write: { connection_id: 8n, bytes: text("query") },
  });
  agent.send({ UdpOutgoing: { Read: { Ok: { connection_id: 8n, bytes: text("answer") } } } });
  const [datagram] = await app.receive();
  assert.equal(new TextDecoder().decode(datagram), "answer");
  await layer.send({ Outgoing: { Close: { conn_id: reply.connection_id } } });
  assert.deepEqual(inner(await agent.next(isUdp)), { Close: { connection_id: 8n } });
  app.close();
});

Deno.test("OutgoingProxy intercepts unix streams on a socket path of its own", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent);
  await using layer = await ScriptedLayer.connect(session.address);
  const ask = connectOk(layer, { Unix: { Pathname: "/run/app.sock" } });
  const { uid } = inner(await agent.next(isTcp)).ConnectV2;
  agent.send(
    connected("TcpOutgoing", uid, 3n, { Unix: { Pathname: "/run/app.sock" } }, { Unix: "Unnamed" }),
  );
  const reply = await ask;
  assert.ok("Unix" in reply.layer_address);
  const path = (reply.layer_address.Unix as { Pathname: string }).Pathname;
  assert.match(path, /\/mirrord-unix-sockets\/[A-Za-z0-9]{16}$/);
  const app = await Deno.connect({ transport: "unix", path });
  await app.write(text("ping"));
  assert.deepEqual(inner(await agent.next(isTcp)), {
    Write: { connection_id: 3n, bytes: text("ping") },
  });
  agent.send({ TcpOutgoing: { Close: 3n } });
  assert.equal(await readSome(app), null);
  app.close();
  await assert.rejects(Deno.stat(path), Deno.errors.NotFound, "the socket file is removed");
});

Deno.test("OutgoingProxy refuses unix seqpacket connects with NotImplemented", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent);
  await using layer = await ScriptedLayer.connect(session.address);
  const answer = await layer.request({
    Outgoing: {
      Connect: {
        remote_address: { Unix: { Pathname: "/run/x.sock" } },
        protocol: "Seqpacket",
        metadata: { hostname: null },
      },
    },
  });
  assert.deepEqual(answer, { Outgoing: { Connect: { Err: "NotImplemented" } } });
});

Deno.test("OutgoingProxy tells the agent when a connection's app socket never arrives", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent);
  await using layer = await ScriptedLayer.connect(session.address);
  const reply = await connectOk(layer, "10.0.0.9:83");
  const { uid } = inner(await agent.next(isTcp)).ConnectV2;
  await layer.send({ Outgoing: { Close: { conn_id: reply.connection_id } } });
  agent.send(connected("TcpOutgoing", uid, 6n, "10.0.0.9:83", "10.0.0.2:40001"));
  assert.deepEqual(inner(await agent.next(isTcp)), { Close: { connection_id: 6n } });
});

Deno.test("OutgoingProxy stops reading from the app while the agent link is backed up", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent);
  await using layer = await ScriptedLayer.connect(session.address);
  const reply = await connectOk(layer, "10.0.0.9:84");
  const { uid } = inner(await agent.next(isTcp)).ConnectV2;
  agent.send(connected("TcpOutgoing", uid, 9n, "10.0.0.9:84", "10.0.0.2:40009"));
  const [hostname, port] = (reply.layer_address as { Ip: string }).Ip.split(":");
  const app = await Deno.connect({ hostname, port: Number(port) });
  agent.pauseReading();
  const total = 48 * 1024 * 1024;
  const chunk = new Uint8Array(256 * 1024).fill(7);
  let sent = 0;
  const writing = (async () => {
    while (sent < total) {
      sent += await app.write(chunk.subarray(0, Math.min(chunk.length, total - sent)));
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const backlog = session.session.agentBacklog();
  assert.ok(backlog <= 4 * 1024 * 1024 + 128 * 1024, `intproxy holds ${backlog} bytes`);
  assert.ok(sent < total, "the app is held back by TCP flow control");
  agent.resumeReading();
  await writing;
  let received = 0;
  while (received < total) {
    const write = inner(await agent.next(isTcp, 15000)).Write;
    assert.ok(write.bytes.every((b: number) => b === 7));
    received += write.bytes.length;
  }
  assert.equal(received, total, "nothing lost");
  app.close();
});
