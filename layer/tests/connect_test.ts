/**
 * socket, connect, getpeername, getsockname, sendto/recvfrom (UDP to port 53), unix streams,
 * the outgoing filter, ipv6 off, the TCP port 7 mock and connecting to oneself on localhost.
 */
import assert from "node:assert/strict";
import { hookMatrix } from "./fixture/hook_matrix.ts";
import { resolvedConfig, runApp, withPeer } from "./fixture/layer_app.ts";
import { echoDatagram, echoStream } from "./fixture/servers.ts";

const REMOTE = "198.51.100.7";
const outgoingOnly = (outgoing: Record<string, unknown>) =>
  resolvedConfig({ network: { outgoing, dns: { enabled: true } } });

hookMatrix({
  symbol: "connect(TCP)",
  app: "net",
  args: ["tcp", REMOTE, "80", "ping"],
  fixture: () => {
    const echo = echoStream();
    return {
      world: {
        outgoing: { [`${REMOTE}:80`]: { layer: echo.address, inCluster: "10.0.0.5:41000" } },
      },
      vars: { echoPort: echo.address.split(":")[1] },
      config: outgoingOnly({ filter: { remote: ["198.51.100.0/24"] } }),
      done: echo.close,
    };
  },
  expect: [
    /^reply: echo:ping$/m,
    new RegExp(`^peer: ${REMOTE}:80 local: 10\\.0\\.0\\.5:41000$`, "m"),
  ],
  requests: ["Outgoing.Connect", "Outgoing.Close"],
  bypass: {
    args: ["tcp", "127.0.0.1", "{echoPort}", "ping"],
    expect: [/^reply: echo:ping$/m, /^peer: 127\.0\.0\.1:/m],
  },
});

hookMatrix({
  symbol: "connect(UDP)",
  app: "net",
  args: ["udp", REMOTE, "5353", "ping"],
  fixture: async () => {
    const echo = await echoDatagram();
    return {
      world: { outgoing: { [`${REMOTE}:5353`]: { layer: echo.address } } },
      vars: { echoPort: echo.address.split(":")[1] },
      config: outgoingOnly({ filter: { remote: ["198.51.100.0/24"] } }),
      done: echo.close,
    };
  },
  expect: [/^reply: echo:ping$/m, new RegExp(`^peer: ${REMOTE}:5353 `, "m")],
  requests: ["Outgoing.Connect"],
  bypass: { args: ["udp", "127.0.0.1", "{echoPort}", "ping"], expect: [/^reply: echo:ping$/m] },
});

hookMatrix({
  symbol: "sendto+recvfrom(UDP port 53)",
  app: "net",
  args: ["udp-sendto", REMOTE, "53", "query"],
  fixture: async () => {
    const echo = await echoDatagram();
    return {
      world: { outgoing: { [`${REMOTE}:53`]: { layer: echo.address } } },
      vars: { echoPort: echo.address.split(":")[1] },
      config: outgoingOnly({}),
      done: echo.close,
    };
  },
  expect: [new RegExp(`^reply: echo:query from ${REMOTE}:53$`, "m")],
  requests: ["Outgoing.Connect"],
  bypass: {
    args: ["udp-sendto", "127.0.0.1", "{echoPort}", "query"],
    expect: [/^reply: echo:query from 127\.0\.0\.1:/m],
  },
});

hookMatrix({
  symbol: "connect(unix stream)",
  app: "net",
  args: ["unix", "/var/run/remote-service.sock", "hi"],
  fixture: () => {
    const path = `/tmp/layer-test-echo-${crypto.randomUUID()}.sock`;
    const echo = echoStream(path);
    return {
      world: { outgoing: { "unix:/var/run/remote-service.sock": { layer: echo.address } } },
      vars: { local: path },
      config: outgoingOnly({ unix_streams: "^/var/run/remote-" }),
      done: echo.close,
    };
  },
  expect: [/^reply: echo:hi$/m],
  requests: ["Outgoing.Connect"],
  bypass: { args: ["unix", "{local}", "hi"], expect: [/^reply: echo:hi$/m] },
});

Deno.test("connect() sends the destination, protocol and no hostname for a plain IP", async () => {
  const echo = echoStream();
  try {
    await withPeer({ outgoing: { [`${REMOTE}:80`]: { layer: echo.address } } }, async (peer) => {
      await runApp(peer, "net", ["tcp", REMOTE, "80", "x"], { config: outgoingOnly({}) });
      assert.deepEqual(peer.of("Outgoing.Connect"), [
        { kind: "Outgoing.Connect", address: `${REMOTE}:80`, protocol: "Stream", hostname: null },
      ]);
    });
  } finally {
    await echo.close();
  }
});

Deno.test("connect() refused by the agent fails with its errno", async () => {
  await withPeer({ outgoing: { [`${REMOTE}:81`]: { errno: 111 } } }, async (peer) => {
    const r = await runApp(peer, "net", ["tcp", REMOTE, "81", "x"], { config: outgoingOnly({}) });
    assert.match(r.stdout, /error: connect ECONNREFUSED/);
  });
});

Deno.test("connect() with outgoing tcp off never asks the intproxy", async () => {
  await withPeer({}, async (peer) => {
    const r = await runApp(peer, "net", ["tcp", "127.0.0.1", "1", "x"], {
      config: outgoingOnly({ tcp: false }),
    });
    assert.match(r.stdout, /error: connect ECONNREFUSED/);
    assert.deepEqual(peer.kinds(), []);
  });
});

Deno.test("connect() to a destination of a local outgoing filter stays local", async () => {
  await withPeer({}, async (peer) => {
    await runApp(peer, "net", ["tcp", "127.0.0.1", "1", "x"], {
      config: outgoingOnly({ filter: { local: ["127.0.0.0/8"] } }),
    });
    assert.deepEqual(peer.kinds(), []);
  });
});

Deno.test("connect() to localhost with ignore_localhost stays local", async () => {
  await withPeer({}, async (peer) => {
    await runApp(peer, "net", ["tcp", "127.0.0.1", "1", "x"], {
      config: outgoingOnly({ ignore_localhost: true }),
    });
    assert.deepEqual(peer.kinds(), []);
  });
});

Deno.test("connect() to localhost goes to the pod's localhost by default", async () => {
  await withPeer({}, async (peer) => {
    await runApp(peer, "net", ["tcp", "127.0.0.1", "1", "x"], { config: outgoingOnly({}) });
    assert.deepEqual(peer.of("Outgoing.Connect").map((c) => c.address), ["127.0.0.1:1"]);
  });
});

Deno.test("connect() to this process's own listener on localhost stays local", async () => {
  await withPeer({}, async (peer) => {
    const r = await runApp(peer, "net", ["self"], { config: outgoingOnly({}) });
    assert.match(r.stdout, /self connect: accepted/);
    assert.deepEqual(peer.of("Outgoing.Connect"), []);
  });
});

Deno.test("connect() to TCP port 7 succeeds without connecting (tcp_ping4_mock)", async () => {
  await withPeer({}, async (peer) => {
    const r = await runApp(peer, "net", ["ping7", REMOTE], { config: outgoingOnly({}) });
    assert.match(r.stdout, /connect: ok/);
    assert.deepEqual(peer.kinds(), []);
  });
});

Deno.test("socket(AF_INET6) fails with EAFNOSUPPORT when ipv6 is off", async () => {
  await withPeer({}, async (peer) => {
    const config = resolvedConfig({ network: { ipv6: false } });
    assert.match(
      (await runApp(peer, "net", ["ipv6-socket"], { config })).stdout,
      /socket: EAFNOSUPPORT/,
    );
    assert.match((await runApp(peer, "net", ["ipv6-socket"])).stdout, /socket: ok/);
  });
});

Deno.test("connect() with a remote filter hostname entry resolves it through the agent", async () => {
  const echo = echoStream();
  try {
    const world = {
      dns: { "api.internal": [REMOTE] },
      outgoing: { [`${REMOTE}:80`]: { layer: echo.address } },
    };
    await withPeer(world, async (peer) => {
      const r = await runApp(peer, "net", ["tcp", REMOTE, "80", "x"], {
        config: outgoingOnly({ filter: { remote: ["api.internal:80"] } }),
      });
      assert.match(r.stdout, /reply: echo:x/);
      assert.deepEqual(peer.of("GetAddrInfo").map((g) => g.node), ["api.internal"]);
    });
  } finally {
    await echo.close();
  }
});

Deno.test("connect() to an address from remote DNS tells the intproxy the host name", async () => {
  const echo = echoStream();
  try {
    const world = {
      dns: { "db.cluster.local": [REMOTE] },
      outgoing: { [`${REMOTE}:80`]: { layer: echo.address } },
    };
    await withPeer(world, async (peer) => {
      const r = await runApp(peer, "net", ["tcp-name", "db.cluster.local", "80", "q"], {
        config: outgoingOnly({}),
      });
      assert.match(r.stdout, /reply: echo:q/);
      assert.deepEqual(peer.of("Outgoing.Connect").map((c) => c.hostname), ["db.cluster.local"]);
    });
  } finally {
    await echo.close();
  }
});

Deno.test("connect() kept local by a host-name filter entry re-resolves the name locally", async () => {
  const echo = echoStream();
  try {
    const port = echo.address.split(":")[1];
    /* remote DNS answers an address that only makes sense in the cluster */
    await withPeer({ dns: { localhost: ["198.51.100.99"] } }, async (peer) => {
      const config = outgoingOnly({ filter: { local: ["localhost"] } });
      const r = await runApp(peer, "net", ["tcp-name", "localhost", port, "q"], { config });
      assert.match(r.stdout, /reply: echo:q/);
      assert.deepEqual(peer.of("Outgoing.Connect"), []);
    });
  } finally {
    await echo.close();
  }
});

Deno.test("connect() of a non-blocking socket passes EINPROGRESS through and completes", async () => {
  const echo = echoStream();
  try {
    await withPeer({ outgoing: { [`${REMOTE}:80`]: { layer: echo.address } } }, async (peer) => {
      const r = await runApp(peer, "net", ["tcp-nonblock", REMOTE, "80", "nb"], {
        config: outgoingOnly({}),
      });
      assert.match(r.stdout, /^connect: (EINPROGRESS|0)$/m);
      assert.match(r.stdout, /reply: echo:nb/);
    });
  } finally {
    await echo.close();
  }
});

Deno.test("a socket connected through the agent keeps its remote peer across exec", async () => {
  const echo = echoStream();
  try {
    const world = {
      outgoing: { [`${REMOTE}:80`]: { layer: echo.address, inCluster: "10.0.0.5:41000" } },
    };
    await withPeer(world, async (peer) => {
      const r = await runApp(peer, "net", ["tcp-exec", REMOTE, "80"], { config: outgoingOnly({}) });
      assert.match(r.stdout, new RegExp(`^peer: ${REMOTE}:80 local: 10\\.0\\.0\\.5:41000$`, "m"));
      assert.match(r.stdout, /reply: echo:after-exec/);
      assert.equal(peer.sessions.length, 2);
    });
  } finally {
    await echo.close();
  }
});
