/**
 * listen / accept / accept4 / getpeername / getsockname / close on subscribed listeners: the
 * scripted intproxy connects to the app's listener like mirrord's intproxy and the app must see
 * the cluster client; unsubscribe on the last close; fork, exec, several ports, processes and
 * threads.
 */
import assert from "node:assert/strict";
import { hookMatrix } from "./fixture/hook_matrix.ts";
import {
  CLIENT,
  delivering,
  incomingConfig,
  incomingOf,
  POD_IP,
} from "./fixture/incoming_world.ts";
import { freePort, runApp, withPeer } from "./fixture/layer_app.ts";

hookMatrix({
  symbol: "listen+accept(subscribed port)",
  app: "incoming",
  args: ["serve", "127.0.0.1", "{port}", "1"],
  fixture: () => ({
    world: delivering({}),
    vars: { port: String(freePort()) },
    config: incomingConfig({ mode: "steal" }),
  }),
  expect: [
    /^accepted 10\.1\.2\.3:5555 len 16 peer 10\.1\.2\.3:5555 local 10\.0\.0\.5:\d+ cloexec 0$/m,
    /^closed$/m,
  ],
  requests: ["Incoming.PortSubscribe", "Incoming.ConnMetadata", "Incoming.PortUnsubscribe"],
  bypass: {
    args: ["serve", "127.0.0.1", "{port}", "1", "self"],
    config: incomingConfig("off"),
    expect: [/^accepted 127\.0\.0\.1:\d+ len 16 peer 127\.0\.0\.1:\d+ local 127\.0\.0\.1:\d+/m],
  },
  skipModes: ["threads"],
});

Deno.test("accept() reports the cluster client and getsockname() the pod-side address", async () => {
  const port = freePort();
  await withPeer(delivering({}), async (peer) => {
    const r = await runApp(peer, "incoming", ["serve", "0.0.0.0", String(port), "1"], {
      config: incomingConfig({ mode: "steal" }),
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`^listening 0\\.0\\.0\\.0:${port}$`, "m"));
    assert.match(
      r.stdout,
      new RegExp(
        `^accepted ${CLIENT} len 16 peer ${CLIENT} local ${POD_IP}:${port} cloexec 0$`,
        "m",
      ),
    );
    const [delivered] = peer.incoming.delivered;
    assert.equal(delivered.reply, "hello 0\n");
    assert.deepEqual(incomingOf(peer, "ConnMetadata"), [
      { listener_address: `0.0.0.0:${port}`, peer_address: delivered.localAddr },
    ]);
  });
});

Deno.test("accept4() keeps its flags and a NULL address still fakes getpeername()", async () => {
  await withPeer(delivering({}), async (peer) => {
    const r = await runApp(peer, "incoming", [
      "serve",
      "0.0.0.0",
      String(freePort()),
      "1",
      "accept4,noaddr",
    ], { config: incomingConfig("mirror") });
    assert.match(
      r.stdout,
      new RegExp(`^accepted - len 0 peer ${CLIENT} local ${POD_IP}:\\d+ cloexec 1$`, "m"),
    );
  });
});

Deno.test("accept() on an IPv6 listener reports IPv4 clients as ::ffff: addresses", async () => {
  await withPeer(
    delivering({}, { remoteSource: "[fd00::7]:443", localAddress: "fd00::1" }),
    async (peer) => {
      const r = await runApp(peer, "incoming", ["serve", "::", String(freePort()), "2"], {
        config: incomingConfig("steal"),
      });
      const lines = r.stdout.split("\n").filter((l) => l.startsWith("accepted")).sort();
      assert.equal(lines.length, 2, r.stdout + r.stderr);
      assert.match(
        lines[0],
        /^accepted ::ffff:10\.1\.2\.3:5555 len 28 peer ::ffff:10\.1\.2\.3:5555 local ::ffff:10\.0\.0\.5:\d+/,
      );
      assert.match(lines[1], /^accepted fd00::7:443 len 28 peer fd00::7:443 local fd00::1:\d+/);
      const [subscribe] = incomingOf(peer, "PortSubscribe") as Array<{ listening_on: unknown }>;
      assert.match(JSON.stringify(subscribe.listening_on), /"\[::\]:\d+"/);
    },
  );
});

Deno.test("accept() of a connection the intproxy did not make keeps the real addresses", async () => {
  await withPeer({ incoming: {} }, async (peer) => {
    const r = await runApp(peer, "incoming", [
      "serve",
      "0.0.0.0",
      String(freePort()),
      "1",
      "self",
    ], { config: incomingConfig("steal") });
    assert.match(
      r.stdout,
      /^accepted 127\.0\.0\.1:\d+ len 16 peer 127\.0\.0\.1:\d+ local 127\.0\.0\.1:\d+/m,
    );
    assert.equal(incomingOf(peer, "ConnMetadata").length, 1, "the layer asked");
  });
});

Deno.test("accept() gives each connection of one listener its own client", async () => {
  const clients = ["10.9.0.1:1001", "10.9.0.2:1002", "10.9.0.3:1003"];
  await withPeer(delivering(...clients.map((remoteSource) => ({ remoteSource }))), async (peer) => {
    const r = await runApp(peer, "incoming", ["serve", "0.0.0.0", String(freePort()), "3"], {
      config: incomingConfig("steal"),
    });
    const peers = [...r.stdout.matchAll(/^accepted \S+ len 16 peer (\S+) /gm)].map((m) => m[1]);
    assert.deepEqual(peers.sort(), clients);
    assert.deepEqual(peer.incoming.delivered.map((d) => d.reply).sort(), [
      "hello 0\n",
      "hello 1\n",
      "hello 2\n",
    ]);
  });
});

Deno.test("close() of the last reference to a listener sends PortUnsubscribe once", async () => {
  const port = freePort();
  await withPeer({ incoming: {} }, async (peer) => {
    const r = await runApp(peer, "incoming", ["dup-close", "0.0.0.0", String(port)], {
      config: incomingConfig({ mode: "steal", port_mapping: [[port, 80]] }),
    });
    assert.match(r.stdout, /^dup open$/m);
    assert.deepEqual(incomingOf(peer, "PortSubscribe"), [
      { listening_on: { Socket: `0.0.0.0:${port}` }, subscription: { Steal: { All: 80 } } },
    ]);
    assert.deepEqual(incomingOf(peer, "PortUnsubscribe"), [
      { port: 80, listening_on: { Socket: `0.0.0.0:${port}` } },
    ]);
  });
});

Deno.test("a forked child accepts over its own session; each process unsubscribes its copy", async () => {
  await withPeer(delivering({}), async (peer) => {
    const r = await runApp(peer, "incoming", ["fork", "0.0.0.0", String(freePort())], {
      config: incomingConfig("steal"),
    });
    assert.match(r.stdout, new RegExp(`^accepted ${CLIENT} len 16 peer ${CLIENT} `, "m"));
    assert.match(r.stdout, /^child exit 0$/m);
    assert.equal(peer.sessions.length, 2);
    assert.equal(peer.sessions[1].parent, peer.sessions[0].layerId);
    assert.equal(incomingOf(peer, "PortSubscribe", 0).length, 1);
    assert.equal(incomingOf(peer, "PortSubscribe", 1).length, 0, "the intproxy clones it");
    assert.equal(incomingOf(peer, "ConnMetadata", 1).length, 1);
    assert.equal(incomingOf(peer, "PortUnsubscribe", 0).length, 1);
    assert.equal(incomingOf(peer, "PortUnsubscribe", 1).length, 1);
  });
});

Deno.test("exec keeps a listener and the new image subscribes it again", async () => {
  const port = freePort();
  const world = {
    incoming: {
      deliver: (_: unknown, session: number) =>
        session === 1
          ? [{ remoteSource: CLIENT, localAddress: POD_IP, send: "GET / HTTP/1.1\r\n\r\n" }]
          : [],
    },
  };
  await withPeer(world, async (peer) => {
    const r = await runApp(peer, "incoming", ["exec", "0.0.0.0", String(port)], {
      config: incomingConfig("steal"),
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`^inherited 0\\.0\\.0\\.0:${port}$`, "m"));
    assert.match(r.stdout, new RegExp(`^accepted ${CLIENT} len 16 peer ${CLIENT} `, "m"));
    assert.equal(peer.sessions[1].parent, null);
    const subscribed = {
      listening_on: { Socket: `0.0.0.0:${port}` },
      subscription: { Steal: { All: port } },
    };
    assert.deepEqual(incomingOf(peer, "PortSubscribe", 0), [subscribed]);
    assert.deepEqual(incomingOf(peer, "PortSubscribe", 1), [subscribed]);
    assert.equal(incomingOf(peer, "PortUnsubscribe", 1).length, 1);
  });
});

Deno.test("one process listening on several ports gets each port's connections", async () => {
  const ports = [freePort(), freePort()];
  const world = {
    incoming: {
      deliver: (s: { listening_on: unknown }) => [{
        remoteSource: JSON.stringify(s.listening_on).includes(`:${ports[0]}"`)
          ? "10.7.0.1:1111"
          : "10.7.0.2:2222",
        localAddress: POD_IP,
        send: "x\r\n\r\n",
      }],
    },
  };
  await withPeer(world, async (peer) => {
    const r = await runApp(peer, "incoming", ["ports", "0.0.0.0", ...ports.map(String)], {
      config: incomingConfig("mirror"),
    });
    assert.match(r.stdout, new RegExp(`peer 10\\.7\\.0\\.1:1111 local ${POD_IP}:${ports[0]} `));
    assert.match(r.stdout, new RegExp(`peer 10\\.7\\.0\\.2:2222 local ${POD_IP}:${ports[1]} `));
    assert.equal(incomingOf(peer, "PortSubscribe").length, 2);
    assert.equal(incomingOf(peer, "PortUnsubscribe").length, 2);
  });
});

Deno.test("two processes listening at once each get their own port's connections", async () => {
  await withPeer(delivering({}), async (peer) => {
    const config = incomingConfig("steal");
    const [a, b] = await Promise.all([
      runApp(peer, "incoming", ["serve", "0.0.0.0", String(freePort()), "1"], { config }),
      runApp(peer, "incoming", ["serve", "0.0.0.0", String(freePort()), "1"], { config }),
    ]);
    for (const r of [a, b]) assert.match(r.stdout, new RegExp(`peer ${CLIENT} local ${POD_IP}:`));
    assert.equal(peer.sessions.length, 2);
    assert.equal(incomingOf(peer, "PortSubscribe", 0).length, 1);
    assert.equal(incomingOf(peer, "PortSubscribe", 1).length, 1);
    assert.equal(peer.incoming.delivered.length, 2);
  });
});

Deno.test("8 threads subscribe and accept at once over one session", async () => {
  const base = 20000 + Math.floor(Math.random() * 20000);
  await withPeer(delivering({}), async (peer) => {
    const r = await runApp(peer, "incoming", ["threads", "0.0.0.0", String(base), "8"], {
      config: incomingConfig("steal"),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal([...r.stdout.matchAll(new RegExp(`peer ${CLIENT} `, "g"))].length, 8, r.stdout);
    assert.equal(peer.sessions.length, 1);
    assert.equal(incomingOf(peer, "PortSubscribe").length, 8);
    assert.equal(incomingOf(peer, "ConnMetadata").length, 8);
    assert.equal(incomingOf(peer, "PortUnsubscribe").length, 8);
  });
});
