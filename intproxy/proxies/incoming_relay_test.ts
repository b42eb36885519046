import assert from "node:assert/strict";
import type { DaemonMessage } from "../../protocol-wasm/mod.ts";
import {
  acceptingApp,
  isIncoming,
  rawApp,
  readUntil,
  subscribedSession,
  writeAll,
} from "../_test/incoming_fixture.ts";

const text = (s: string) => new TextEncoder().encode(s);

function newConnection(channel: "Tcp" | "TcpSteal", id: bigint, port: number): DaemonMessage {
  return {
    [channel]: {
      NewConnectionV2: {
        connection: {
          connection_id: id,
          remote_address: "10.9.8.7",
          destination_port: port,
          source_port: 51234,
          local_address: "10.0.0.5",
        },
        transport: "Tcp",
      },
    },
  } as DaemonMessage;
}

Deno.test("IncomingProxy relays a stolen connection both ways, with the remote peer in ConnMetadata", async () => {
  const { app, accepted } = acceptingApp();
  try {
    await using setup = await subscribedSession(`127.0.0.1:${app.port}`, { Steal: { All: 80 } });
    const { agent, layer } = setup;
    agent.send(newConnection("TcpSteal", 7n, 80));
    const conn = await accepted;
    const peer = conn.remoteAddr as Deno.NetAddr;
    const metadata = await layer.request({
      Incoming: {
        ConnMetadata: {
          listener_address: `127.0.0.1:${app.port}`,
          peer_address: `${peer.hostname}:${peer.port}`,
        },
      },
    });
    assert.deepEqual(metadata, {
      Incoming: { ConnMetadata: { remote_source: "10.9.8.7:51234", local_address: "10.0.0.5" } },
    });

    agent.send({ TcpSteal: { Data: { connection_id: 7n, bytes: text("ping") } } });
    assert.equal(await readUntil(conn, (t) => t.length >= 4), "ping");
    await writeAll(conn, "pong");
    const back = await agent.next(isIncoming);
    assert.deepEqual(back, { TcpSteal: { Data: { connection_id: 7n, bytes: text("pong") } } });
    // The app's half-close is an empty Data (trap 13); the remote's half-close reaches the app.
    await conn.closeWrite();
    assert.deepEqual(await agent.next(isIncoming), {
      TcpSteal: { Data: { connection_id: 7n, bytes: new Uint8Array(0) } },
    });
    agent.send({ TcpSteal: { Data: { connection_id: 7n, bytes: new Uint8Array(0) } } });
    assert.equal(await conn.read(new Uint8Array(8)), null, "EOF after the remote half-close");
    agent.send({ TcpSteal: { Close: { connection_id: 7n } } });
    conn.close();
  } finally {
    app.close();
  }
});

Deno.test("IncomingProxy drops the app's bytes on a mirrored connection and tells the agent when the app breaks", async () => {
  const { app, accepted } = acceptingApp();
  try {
    await using setup = await subscribedSession(`127.0.0.1:${app.port}`, { Mirror: { All: 80 } });
    const { agent } = setup;
    agent.send(newConnection("Tcp", 3n, 80));
    const conn = await accepted;
    agent.send({ Tcp: { Data: { connection_id: 3n, bytes: text("GET / HTTP/1.0\r\n\r\n") } } });
    assert.equal(await readUntil(conn, (t) => t.endsWith("\r\n\r\n")), "GET / HTTP/1.0\r\n\r\n");
    await writeAll(conn, "HTTP/1.0 200 OK\r\n\r\nlocal answer");
    await assert.rejects(agent.next(isIncoming, 300), /no matching message/, "nothing goes back");
    conn.close();
    // Writing the next copy fails: the intproxy unsubscribes from the connection.
    for (let i = 0; i < 3; i++) {
      agent.send({ Tcp: { Data: { connection_id: 3n, bytes: text("more") } } });
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(await agent.next(isIncoming), { Tcp: { ConnectionUnsubscribe: 3n } });
  } finally {
    app.close();
  }
});

Deno.test("IncomingProxy keeps a mirrored connection about a second after the agent closed it", async () => {
  const { app, accepted } = acceptingApp();
  try {
    await using setup = await subscribedSession(`127.0.0.1:${app.port}`, { Mirror: { All: 80 } });
    setup.agent.send(newConnection("Tcp", 4n, 80));
    const conn = await accepted;
    setup.agent.send({ Tcp: { Data: { connection_id: 4n, bytes: text("copy") } } });
    setup.agent.send({ Tcp: { Close: { connection_id: 4n } } });
    const closedAt = Date.now();
    assert.equal(await readUntil(conn, (t) => t.length >= 4), "copy");
    assert.equal(await conn.read(new Uint8Array(8)), null);
    const lingered = Date.now() - closedAt;
    assert.ok(lingered >= 800, `closed after ${lingered} ms`);
    conn.close();
  } finally {
    app.close();
  }
});

Deno.test("IncomingProxy unsubscribes a connection for a port it no longer holds, or when the app is gone", async () => {
  const app = rawApp(async () => {});
  const port = app.port;
  app.close();
  await using setup = await subscribedSession(`127.0.0.1:${port}`, { Steal: { All: 80 } });
  setup.agent.send(newConnection("TcpSteal", 9n, 81));
  assert.deepEqual(await setup.agent.next(isIncoming), {
    TcpSteal: { ConnectionUnsubscribe: 9n },
  });
  // Port 80 is subscribed, but nothing listens: retries with backoff, then unsubscribe.
  setup.agent.send(newConnection("TcpSteal", 10n, 80));
  assert.deepEqual(await setup.agent.next(isIncoming, 8000), {
    TcpSteal: { ConnectionUnsubscribe: 10n },
  });
});

Deno.test("IncomingProxy connects to a wildcard listener through loopback", async () => {
  const accepted = Promise.withResolvers<Deno.TcpConn>();
  const listener = Deno.listen({ hostname: "0.0.0.0", port: 0 });
  (async () => accepted.resolve(await listener.accept()))();
  try {
    await using setup = await subscribedSession(`0.0.0.0:${listener.addr.port}`, {
      Steal: { All: 80 },
    });
    setup.agent.send(newConnection("TcpSteal", 1n, 80));
    const conn = await accepted.promise;
    assert.equal((conn.remoteAddr as Deno.NetAddr).hostname, "127.0.0.1");
    conn.close();
  } finally {
    listener.close();
  }
});
