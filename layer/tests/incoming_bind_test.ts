/**
 * bind and listen under mirrord's incoming rules: port and IP fallbacks, listen_ports, the
 * EADDRINUSE emulation between tracked sockets, ports that are never subscribed (ignore_ports,
 * ignore_localhost, ports, port 0, debugger ports, incoming off, targetless) and listen failing
 * when the agent refuses the subscription.
 */
import assert from "node:assert/strict";
import { delivering, incomingConfig, incomingOf } from "./fixture/incoming_world.ts";
import { freePort, runApp, withPeer } from "./fixture/layer_app.ts";

/** Holds a port on this machine (outside the layer) while fn runs. */
async function withBusyPort<T>(fn: (port: number) => Promise<T>): Promise<T> {
  const holder = Deno.listen({ hostname: "0.0.0.0", port: 0 });
  try {
    return await fn((holder.addr as Deno.NetAddr).port);
  } finally {
    holder.close();
  }
}

function listeningOn(peer: Parameters<typeof incomingOf>[0]): string {
  const [s] = incomingOf(peer, "PortSubscribe") as Array<{ listening_on: { Socket: string } }>;
  assert.ok(s, "no PortSubscribe");
  return s.listening_on.Socket;
}

Deno.test("bind() on a busy port listens on another one and still reports the requested port", async () => {
  await withBusyPort(async (port) => {
    await withPeer(delivering({}), async (peer) => {
      const r = await runApp(peer, "incoming", ["serve", "0.0.0.0", String(port), "1"], {
        config: incomingConfig("steal"),
      });
      assert.match(r.stdout, new RegExp(`^listening 0\\.0\\.0\\.0:${port}$`, "m"));
      assert.match(r.stdout, new RegExp(`local 10\\.0\\.0\\.5:${port} `), "accepted socket");
      const actual = listeningOn(peer);
      assert.match(actual, /^0\.0\.0\.0:\d+$/);
      assert.notEqual(actual, `0.0.0.0:${port}`);
      const [s] = incomingOf(peer, "PortSubscribe") as Array<{ subscription: unknown }>;
      assert.deepEqual(s.subscription, { Steal: { All: port } });
      assert.match(
        r.stderr,
        new RegExp(`Port ${port} is in use on this machine: the app listens on ${actual}`),
      );
      assert.equal(peer.incoming.delivered[0].reply, "hello 0\n");
    });
  });
});

Deno.test("bind() to an IP this machine does not have listens on 127.0.0.1", async () => {
  const port = freePort();
  await withPeer(delivering({}), async (peer) => {
    const r = await runApp(peer, "incoming", ["serve", "10.255.255.1", String(port), "1"], {
      config: incomingConfig("mirror"),
    });
    assert.match(r.stdout, new RegExp(`^listening 10\\.255\\.255\\.1:${port}$`, "m"));
    assert.equal(listeningOn(peer), `127.0.0.1:${port}`);
    assert.match(r.stdout, /^accepted 10\.1\.2\.3:5555 /m);
  });
});

Deno.test("bind() with listen_ports binds the configured local port and subscribes the requested one", async () => {
  const [requested, local] = [freePort(), freePort()];
  await withPeer(delivering({}), async (peer) => {
    const r = await runApp(peer, "incoming", ["serve", "0.0.0.0", String(requested), "1"], {
      config: incomingConfig({ mode: "steal", listen_ports: [[requested, local]] }),
    });
    assert.match(r.stdout, new RegExp(`^listening 0\\.0\\.0\\.0:${requested}$`, "m"));
    assert.deepEqual(incomingOf(peer, "PortSubscribe"), [
      { listening_on: { Socket: `0.0.0.0:${local}` }, subscription: { Steal: { All: requested } } },
    ]);
    assert.match(r.stdout, /^accepted 10\.1\.2\.3:5555 /m);
  });
});

Deno.test("bind() with listen_ports fails with EADDRINUSE instead of taking another port", async () => {
  await withBusyPort(async (busy) => {
    await withPeer({ incoming: {} }, async (peer) => {
      const r = await runApp(peer, "incoming", ["serve", "0.0.0.0", "8080", "1"], {
        config: incomingConfig({ mode: "steal", listen_ports: [[8080, busy]] }),
      });
      assert.match(r.stdout, /^error: bind EADDRINUSE$/m);
      assert.match(
        r.stderr,
        new RegExp(`Cannot bind port ${busy} \\(listen_ports maps 8080 to it\\)`),
      );
      assert.deepEqual(incomingOf(peer, "PortSubscribe"), []);
    });
  });
});

Deno.test("bind() of an address another tracked socket asked for fails with EADDRINUSE", async () => {
  await withBusyPort(async (port) => {
    await withPeer({ incoming: {} }, async (peer) => {
      const p = String(port);
      const r = await runApp(
        peer,
        "incoming",
        ["bind", "0.0.0.0", p, "0.0.0.0", p, "127.0.0.1", p],
        {
          config: incomingConfig("steal"),
        },
      );
      assert.equal(
        r.stdout,
        `bound 0.0.0.0:${port} errno 0\nerror: bind EADDRINUSE\nerror: bind EADDRINUSE\n`,
        "the first socket really got another port; the layer keeps the kernel's rule",
      );
    });
  });
});

Deno.test("bind() lets two SO_REUSEPORT sockets share the requested address", async () => {
  await withBusyPort(async (port) => {
    await withPeer({ incoming: {} }, async (peer) => {
      const r = await runApp(peer, "incoming", ["bind-shared", "0.0.0.0", String(port)], {
        config: incomingConfig("steal"),
      });
      assert.equal(r.stdout, `bound 0.0.0.0:${port} errno 0\n`.repeat(2));
    });
  });
});

Deno.test("bind() sets errno to 0 on success", async () => {
  await withPeer({ incoming: {} }, async (peer) => {
    const r = await runApp(peer, "incoming", ["bind", "0.0.0.0", String(freePort())], {
      config: incomingConfig("steal"),
    });
    assert.match(r.stdout, /^bound 0\.0\.0\.0:\d+ errno 0$/m);
  });
});

for (
  const [name, incoming, ip, env] of [
    ["ignore_ports", { mode: "steal", ignore_ports: ["{port}"] }, "0.0.0.0", {}],
    ["ignore_localhost", { mode: "steal", ignore_localhost: true }, "127.0.0.1", {}],
    ["ports without the port", { mode: "steal", ports: [1] }, "0.0.0.0", {}],
    ["incoming off", "off", "0.0.0.0", {}],
    ["a debugger port", "steal", "127.0.0.1", { MIRRORD_IGNORE_DEBUGGER_PORTS: "{port}" }],
  ] as const
) {
  Deno.test(`listen() with ${name} stays local and subscribes nothing`, async () => {
    const port = freePort();
    /* "{port}" in the config becomes the port number, in the environment its text */
    const fill = (v: unknown) => JSON.parse(JSON.stringify(v).replaceAll('"{port}"', String(port)));
    const fillEnv = (e: Record<string, string>) =>
      Object.fromEntries(Object.entries(e).map(([k, v]) => [k, v.replace("{port}", String(port))]));
    await withPeer({ incoming: {} }, async (peer) => {
      const r = await runApp(peer, "incoming", ["serve", ip, String(port), "1", "self"], {
        config: incomingConfig(fill(incoming)),
        env: fillEnv(env),
      });
      assert.match(r.stdout, new RegExp(`^listening ${ip.replaceAll(".", "\\.")}:${port}$`, "m"));
      assert.match(r.stdout, /^accepted 127\.0\.0\.1:\d+ len 16 peer 127\.0\.0\.1:\d+ /m);
      assert.deepEqual(peer.kinds().filter((k) => k.startsWith("Incoming.")), []);
    });
  });
}

Deno.test("listen() on port 0 subscribes nothing and getsockname() shows the real port", async () => {
  await withPeer({ incoming: {} }, async (peer) => {
    const r = await runApp(peer, "incoming", ["serve", "127.0.0.1", "0", "1", "self"], {
      config: incomingConfig("steal"),
    });
    assert.match(r.stdout, /^listening 127\.0\.0\.1:(?!0$)\d+$/m);
    assert.deepEqual(incomingOf(peer, "PortSubscribe"), []);
  });
});

Deno.test("listen() while targetless stays local with a warning", async () => {
  const port = freePort();
  await withPeer({ incoming: {} }, async (peer) => {
    const r = await runApp(peer, "incoming", ["serve", "127.0.0.1", String(port), "1", "self"], {
      config: incomingConfig("mirror", { target: { path: null, namespace: null } }),
    });
    assert.match(r.stdout, /^accepted 127\.0\.0\.1:/m);
    assert.match(
      r.stderr,
      new RegExp(`Port ${port} stays local: a targetless agent is not behind any Service`),
    );
    assert.deepEqual(incomingOf(peer, "PortSubscribe"), []);
  });
});

for (
  const [name, refusal, errno, message] of [
    [
      "the port is already stolen",
      { PortAlreadyStolen: 80 },
      "EADDRINUSE",
      /Cannot steal port 80: another mirrord session already steals it/,
    ],
    [
      "the operator forbids it",
      { Forbidden: { blocked_action: { Steal: { All: 80 } }, policy_name: "no-steal" } },
      "EACCES",
      /Cannot steal port 80: the mirrord operator forbids it \(Forbidden\)/,
    ],
  ] as const
) {
  Deno.test(`listen() fails with ${errno} when ${name}`, async () => {
    const port = freePort();
    await withPeer({ incoming: { refuse: () => refusal } }, async (peer) => {
      const r = await runApp(peer, "incoming", ["listen", "0.0.0.0", String(port)], {
        config: incomingConfig({ mode: "steal", port_mapping: [[port, 80]] }),
      });
      assert.match(r.stdout, new RegExp(`^error: listen ${errno}$`, "m"));
      assert.match(r.stderr, message);
      assert.equal(incomingOf(peer, "PortSubscribe").length, 1);
      assert.deepEqual(incomingOf(peer, "PortUnsubscribe"), [], "nothing was subscribed");
    });
  });
}
