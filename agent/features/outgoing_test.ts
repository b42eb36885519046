import { deepEqual, equal, rejects } from "node:assert/strict";
import { OutgoingConnections, type OutgoingEvents } from "./outgoing.ts";
import { errnoOf } from "./io_error.ts";

/** Collects what a connection sends to the client. */
function recorder(): OutgoingEvents & { reads: string[]; closed: Promise<bigint> } {
  let closed!: (id: bigint) => void;
  const reads: string[] = [];
  return {
    reads,
    closed: new Promise((resolve) => closed = resolve),
    read: (_id, bytes) => {
      reads.push(new TextDecoder().decode(bytes));
      return Promise.resolve();
    },
    close: (id) => {
      closed(id);
      return Promise.resolve();
    },
  };
}

async function echoOnce(listener: Deno.Listener): Promise<void> {
  const conn = await listener.accept();
  const buffer = new Uint8Array(100);
  const n = await conn.read(buffer);
  await conn.write(buffer.subarray(0, n ?? 0));
  conn.close();
}

Deno.test("OutgoingConnections relays a TCP exchange, then Read(empty) and Close", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const served = echoOnce(listener);
  const events = recorder();
  const tcp = new OutgoingConnections("tcp", "/", events);
  const reply = await tcp.connect({ Ip: `127.0.0.1:${listener.addr.port}` });
  equal(reply.connection_id, 0n);
  deepEqual(reply.remote_address, { Ip: `127.0.0.1:${listener.addr.port}` });
  await tcp.write(0n, new TextEncoder().encode("ping"));
  equal(await events.closed, 0n);
  deepEqual(events.reads, ["ping", ""]);
  equal(tcp.count, 0);
  await served;
  listener.close();
});

Deno.test("OutgoingConnections relays UDP datagrams from the connected peer only", async () => {
  const server = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  const port = (server.addr as Deno.NetAddr).port;
  const events = recorder();
  const udp = new OutgoingConnections("udp", "/", events);
  const reply = await udp.connect({ Ip: `127.0.0.1:${port}` });
  await udp.write(reply.connection_id, new TextEncoder().encode("dgram"));
  const [data, from] = await server.receive();
  await server.send(data, from);
  while (events.reads.length === 0) await new Promise((r) => setTimeout(r, 10));
  deepEqual(events.reads, ["dgram"]);
  udp.closeAll();
  server.close();
});

Deno.test("OutgoingConnections resolves unix socket paths under the root", async () => {
  const root = await Deno.makeTempDir({ prefix: "outgoing_test_" });
  const listener = Deno.listen({ transport: "unix", path: `${root}/app.sock` });
  const served = echoOnce(listener);
  const events = recorder();
  const tcp = new OutgoingConnections("tcp", root, events);
  await tcp.connect({ Unix: { Pathname: "/app.sock" } });
  await tcp.write(0n, new TextEncoder().encode("unix"));
  await events.closed;
  deepEqual(events.reads, ["unix", ""]);
  await served;
  listener.close();
  await rejects(tcp.connect({ Unix: { Pathname: "/missing.sock" } }), (e) => errnoOf(e) === 2);
  await Deno.remove(root, { recursive: true });
});

Deno.test("OutgoingConnections reports a refused connect with its errno", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const tcp = new OutgoingConnections("tcp", "/", recorder());
  await rejects(tcp.connect({ Ip: `127.0.0.1:${port}` }), (e) => errnoOf(e) === 111);
});
