import assert from "node:assert/strict";
import {
  decodeResolvedConfig,
  defaultResolvedConfig,
  encodeResolvedConfig,
  ResolvedConfigDecodeError,
  toList,
} from "./mod.ts";

function encodeJson(value: unknown): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))));
}

Deno.test("encodeResolvedConfig() writes standard padded base64 of the JSON", () => {
  const config = defaultResolvedConfig({ Provided: "ключ" });
  const encoded = encodeResolvedConfig(config);
  assert.match(encoded, /^[A-Za-z0-9+/]+={0,2}$/);
  assert.equal(encoded.length % 4, 0);
  const json = new TextDecoder().decode(Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0)));
  assert.deepEqual(JSON.parse(json), config);
});

Deno.test("decodeResolvedConfig() round-trips encodeResolvedConfig()", () => {
  const config = defaultResolvedConfig({ Generated: "1a2b3" });
  config.target = { path: { pod: "api", container: "main" }, namespace: "prod" };
  config.feature.network.outgoing.filter = { remote: ["tcp://10.0.0.0/8:5432"] };
  assert.deepEqual(decodeResolvedConfig(encodeResolvedConfig(config)), config);
});

Deno.test("decodeResolvedConfig() fills missing keys with defaults and keeps unknown ones", () => {
  const decoded = decodeResolvedConfig(
    encodeJson({ feature: { fs: { mode: "write" } }, some_future_key: 1 }),
  );
  assert.equal(decoded.feature.fs.mode, "write");
  assert.equal(decoded.feature.fs.readonly_file_buffer, 128000);
  assert.equal(decoded.agent.ttl, 1);
  assert.equal((decoded as unknown as Record<string, unknown>).some_future_key, 1);
});

Deno.test("decodeResolvedConfig() accepts a single string where a list is expected", () => {
  const decoded = decodeResolvedConfig(encodeJson({
    skip_processes: "a;b",
    feature: {
      env: { exclude: "SECRET;TOKEN" },
      fs: { read_only: "^/etc/.*" },
      network: { outgoing: { unix_streams: "/tmp/x.*", filter: { local: ":53" } } },
    },
  }));
  assert.deepEqual(decoded.skip_processes, ["a", "b"]);
  assert.deepEqual(decoded.feature.env.exclude, ["SECRET", "TOKEN"]);
  assert.deepEqual(decoded.feature.fs.read_only, ["^/etc/.*"]);
  assert.deepEqual(decoded.feature.network.outgoing.unix_streams, ["/tmp/x.*"]);
  assert.deepEqual(decoded.feature.network.outgoing.filter, { local: [":53"] });
});

Deno.test("decodeResolvedConfig() reads a plain-string key as provided", () => {
  assert.deepEqual(decodeResolvedConfig(encodeJson({ key: "abc" })).key, { Provided: "abc" });
});

Deno.test("decodeResolvedConfig() rejects non-base64, non-JSON and non-object input", () => {
  assert.throws(() => decodeResolvedConfig("%%%"), ResolvedConfigDecodeError);
  assert.throws(() => decodeResolvedConfig(btoa("{nope")), /not JSON/);
  assert.throws(() => decodeResolvedConfig(btoa("[1]")), /not an object/);
});

Deno.test("toList() wraps single values and splits env-style lists", () => {
  assert.deepEqual(toList("a"), ["a"]);
  assert.deepEqual(toList("a; b;", true), ["a", "b"]);
  assert.deepEqual(toList([1, 2]), [1, 2]);
  assert.equal(toList(null), null);
});
