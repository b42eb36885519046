/** getaddrinfo, freeaddrinfo, gethostbyname, gethostbyname2, gethostbyname_r and the DNS filter. */
import assert from "node:assert/strict";
import { hookMatrix } from "./fixture/hook_matrix.ts";
import { resolvedConfig, runApp, withPeer } from "./fixture/layer_app.ts";

const world = {
  dns: { "db.cluster.local": ["10.96.0.10", "10.96.0.11"], "v6.cluster.local": ["fd00::10"] },
};

hookMatrix({
  symbol: "getaddrinfo",
  app: "dns",
  args: ["getaddrinfo", "db.cluster.local", "5432"],
  fixture: { world },
  expect: [
    /^addr: 10\.96\.0\.10 5432 stream$/m,
    /^addr: 10\.96\.0\.10 5432 dgram$/m,
    /^addr: 10\.96\.0\.11 5432 stream$/m,
  ],
  requests: ["GetAddrInfo"],
  bypass: { args: ["getaddrinfo", "127.0.0.1", "80"], expect: [/^addr: 127\.0\.0\.1 80 stream$/m] },
});

hookMatrix({
  symbol: "gethostbyname",
  app: "dns",
  args: ["gethostbyname", "db.cluster.local"],
  fixture: { world },
  expect: [/^name: db\.cluster\.local$/m, /^addr: 10\.96\.0\.10$/m, /^addr: 10\.96\.0\.11$/m],
  requests: ["GetAddrInfo"],
  bypass: { args: ["gethostbyname", "127.0.0.1"], expect: [/^addr: 127\.0\.0\.1$/m] },
});

hookMatrix({
  symbol: "gethostbyname2",
  app: "dns",
  args: ["gethostbyname2", "v6.cluster.local", "6"],
  fixture: { world },
  expect: [/^addr: fd00::10$/m],
  requests: ["GetAddrInfo"],
  bypass: { args: ["gethostbyname2", "::1", "6"], expect: [/^addr: ::1$/m] },
});

hookMatrix({
  symbol: "gethostbyname_r",
  app: "dns",
  args: ["gethostbyname_r", "db.cluster.local"],
  fixture: { world },
  expect: [/^addr: 10\.96\.0\.10$/m],
  requests: ["GetAddrInfo"],
  bypass: { args: ["gethostbyname_r", "127.0.0.1"], expect: [/^addr: 127\.0\.0\.1$/m] },
});

Deno.test("getaddrinfo() sends the name, port, family and socket type", async () => {
  await withPeer(world, async (peer) => {
    await runApp(peer, "dns", ["getaddrinfo", "db.cluster.local", "http", "4"]);
    assert.deepEqual(peer.of("GetAddrInfo"), [{
      kind: "GetAddrInfo",
      node: "db.cluster.local",
      port: 80,
      family: "Ipv4Only",
      socktype: "Any",
      flags: 0,
      protocol: 0,
    }]);
  });
});

Deno.test("getaddrinfo() of an unknown name gives EAI_NONAME", async () => {
  await withPeer(world, async (peer) => {
    const r = await runApp(peer, "dns", ["getaddrinfo", "nope.cluster.local"]);
    assert.match(r.stdout, /error: EAI_NONAME/);
  });
});

Deno.test("getaddrinfo() with dns disabled stays local", async () => {
  await withPeer(world, async (peer) => {
    const config = resolvedConfig({ network: { dns: { enabled: false } } });
    await runApp(peer, "dns", ["getaddrinfo", "localhost"], { config });
    assert.deepEqual(peer.kinds(), []);
  });
});

Deno.test("getaddrinfo() of a name in a local DNS filter stays local", async () => {
  await withPeer(world, async (peer) => {
    const config = resolvedConfig({
      network: { dns: { enabled: true, filter: { local: ["localhost"] } } },
    });
    const r = await runApp(peer, "dns", ["getaddrinfo", "localhost", "80", "4"], { config });
    assert.match(r.stdout, /addr: 127\.0\.0\.1 80/);
    assert.deepEqual(peer.kinds(), []);
  });
});

Deno.test("getaddrinfo() only resolves names of a remote DNS filter remotely", async () => {
  await withPeer(world, async (peer) => {
    const config = resolvedConfig({
      network: { dns: { enabled: true, filter: { remote: ["db.cluster.local"] } } },
    });
    await runApp(peer, "dns", ["getaddrinfo", "db.cluster.local"], { config });
    await runApp(peer, "dns", ["getaddrinfo", "localhost"], { config });
    assert.deepEqual(peer.of("GetAddrInfo").map((g) => g.node), ["db.cluster.local"]);
  });
});

Deno.test("getaddrinfo() without IPv6 asks for IPv4 only", async () => {
  await withPeer(world, async (peer) => {
    const config = resolvedConfig({ network: { ipv6: false } });
    await runApp(peer, "dns", ["getaddrinfo", "db.cluster.local"], { config });
    assert.equal(peer.of("GetAddrInfo")[0].family, "Ipv4Only");
  });
});
