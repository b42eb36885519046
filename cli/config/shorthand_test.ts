/** Every shorthand form resolves like its long form. */
import assert from "node:assert/strict";
import type { ResolvedConfig } from "../../schema/mod.ts";
import { loadConfigText } from "./_load_text.ts";

async function resolved(file: unknown, ide = false): Promise<ResolvedConfig> {
  return (await loadConfigText(JSON.stringify(file), { ide })).config;
}

Deno.test('shorthand "fs": "read" / "write" / "local" sets the mode', async () => {
  for (const mode of ["read", "write", "local", "localwithoverrides"] as const) {
    assert.equal((await resolved({ feature: { fs: mode } })).feature.fs.mode, mode);
  }
});

Deno.test('shorthand "fs": false means mode local, true the default read', async () => {
  assert.equal((await resolved({ feature: { fs: false } })).feature.fs.mode, "local");
  assert.equal((await resolved({ feature: { fs: true } })).feature.fs.mode, "read");
});

Deno.test('shorthand "env": true fetches everything, false excludes "*"', async () => {
  const on = (await resolved({ feature: { env: true } })).feature.env;
  assert.equal(on.include, null);
  assert.equal(on.exclude, null);
  assert.deepEqual((await resolved({ feature: { env: false } })).feature.env.exclude, ["*"]);
});

Deno.test('shorthand "network": true keeps defaults, false turns everything off', async () => {
  const on = (await resolved({ feature: { network: true } })).feature.network;
  assert.equal(on.incoming.mode, "mirror");
  assert.equal(on.outgoing.tcp && on.outgoing.udp && on.dns.enabled, true);
  const off = (await resolved({ feature: { network: false } })).feature.network;
  assert.equal(off.incoming.mode, "off");
  assert.equal(off.outgoing.tcp, false);
  assert.equal(off.outgoing.udp, false);
  assert.equal(off.dns.enabled, false);
});

Deno.test('shorthand "incoming": "steal" / "mirror" / "off" / true / false', async () => {
  const mode = async (incoming: unknown) =>
    (await resolved({ target: "pod/p", feature: { network: { incoming } } })).feature.network
      .incoming.mode;
  assert.equal(await mode("steal"), "steal");
  assert.equal(await mode("mirror"), "mirror");
  assert.equal(await mode("off"), "off");
  assert.equal(await mode(true), "mirror");
  assert.equal(await mode(false), "off");
});

Deno.test('shorthand "outgoing": false and "dns": false', async () => {
  const n = (await resolved({ feature: { network: { outgoing: false, dns: false } } })).feature
    .network;
  assert.equal(n.outgoing.tcp, false);
  assert.equal(n.outgoing.udp, false);
  assert.equal(n.dns.enabled, false);
});

Deno.test('shorthand "target": "pod/x/container/y" and the object forms agree', async () => {
  const expected = { pod: "x", container: "y" };
  assert.deepEqual((await resolved({ target: "pod/x/container/y" })).target.path, expected);
  assert.deepEqual(
    (await resolved({ target: { path: "pod/x/container/y" } })).target.path,
    expected,
  );
  assert.deepEqual(
    (await resolved({ target: { path: { pod: "x", container: "y" } } })).target.path,
    expected,
  );
  assert.deepEqual(
    (await resolved({ target: { pod: "x", container: "y" } })).target.path,
    expected,
  );
  assert.deepEqual((await resolved({ target: "deploy/d" })).target.path, {
    deployment: "d",
    container: null,
  });
});

Deno.test('shorthand "target": "targetless" resolves to a null path', async () => {
  const target = (await resolved({ target: { path: "targetless", namespace: "ns" } })).target;
  assert.deepEqual(target, { path: null, namespace: "ns" });
});

Deno.test('shorthand "copy_target": true and the object form default enabled to true', async () => {
  const base = { target: "deployment/d", feature: { network: { incoming: "steal" } } };
  const short = await resolved({ ...base, feature: { ...base.feature, copy_target: true } });
  assert.equal(short.feature.copy_target.enabled, true);
  const long = await resolved({
    ...base,
    feature: { ...base.feature, copy_target: { scale_down: true } },
  });
  assert.deepEqual(long.feature.copy_target, {
    enabled: true,
    scale_down: true,
    exclude_containers: [],
    exclude_init_containers: [],
  });
});

Deno.test("shorthand include/exclude as a list or a ;-separated string", async () => {
  const fromString = await resolved({ feature: { env: { exclude: "A;B" } } });
  const fromList = await resolved({ feature: { env: { exclude: ["A", "B"] } } });
  assert.deepEqual(fromString.feature.env.exclude, ["A", "B"]);
  assert.deepEqual(fromList.feature.env.exclude, ["A", "B"]);
});

Deno.test("shorthand single string or list for regex sets", async () => {
  const single = await resolved({
    feature: { fs: { read_only: "^/etc/.*" }, network: { outgoing: { unix_streams: "/tmp/s.*" } } },
  });
  assert.deepEqual(single.feature.fs.read_only, ["^/etc/.*"]);
  assert.deepEqual(single.feature.network.outgoing.unix_streams, ["/tmp/s.*"]);
  const list = await resolved({ feature: { fs: { read_only: ["^/etc/.*", "^/var/.*"] } } });
  assert.deepEqual(list.feature.fs.read_only, ["^/etc/.*", "^/var/.*"]);
});

Deno.test('shorthand "image": "repo:tag" and {registry, tag}', async () => {
  assert.equal((await resolved({ agent: { image: "r/a:1" } })).agent.image, "r/a:1");
  assert.equal(
    (await resolved({ agent: { image: { registry: "r/a", tag: "2" } } })).agent.image,
    "r/a:2",
  );
  assert.equal(
    (await resolved({ agent: { image: { tag: "3" } } })).agent.image,
    "ghcr.io/metalbear-co/mirrord:3",
  );
});

Deno.test("shorthand http_filter ports as one port or a list", async () => {
  const one = async (ports: unknown) =>
    (await resolved({
      target: "pod/p",
      feature: {
        network: { incoming: { mode: "steal", http_filter: { path_filter: "^/a", ports } } },
      },
    })).feature.network.incoming.http_filter.ports;
  assert.deepEqual(await one(8080), [8080]);
  assert.deepEqual(await one([80, 8080]), [80, 8080]);
});
