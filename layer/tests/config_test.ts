/** The JSON reader (src/config_json.c), the resolved-config reader (src/config.c) and base64. */
import assert from "node:assert/strict";
import { driver, driverLines } from "./fixture/unit_driver.ts";

async function paths(json: string, ...p: string[]): Promise<unknown> {
  return (await driverLines<unknown>(["json", ...p], json))[0];
}

Deno.test("json_parse() reads every JSON value type and keeps object key order", async () => {
  const doc = '{"b":1,"a":[true,false,null,-1.5e2,"x"],"m":{"z":"1","y":"2"},"e":{},"l":[]}';
  assert.deepEqual(await paths(doc, "b", "a", "m", "e", "l"), [
    1,
    [true, false, null, -150, "x"],
    { z: "1", y: "2" },
    {},
    [],
  ]);
});

Deno.test("json_parse() decodes string escapes and surrogate pairs to UTF-8", async () => {
  assert.deepEqual(await paths('{"s":"a\\"b\\\\c\\/d\\n\\t\\u00e9\\ud83d\\ude00"}', "s"), [
    'a"b\\c/d\n\té😀',
  ]);
});

Deno.test("json_path() follows dotted keys and reports missing ones", async () => {
  assert.deepEqual(
    await paths('{"feature":{"fs":{"mode":"read"}}}', "feature.fs.mode", "feature.env", "x.y"),
    [
      "read",
      "<missing>",
      "<missing>",
    ],
  );
});

Deno.test("json_member() takes the last of duplicate keys", async () => {
  assert.deepEqual(await paths('{"a":1,"a":2}', "a"), [2]);
});

Deno.test("json_parse() rejects malformed documents with the offset", async () => {
  const bad: Array<[string, RegExp]> = [
    ["{", /offset 1: expected an object key/],
    ['{"a" 1}', /offset 5: expected ':'/],
    ["[1,]", /unexpected character/],
    ['"\\x"', /invalid escape/],
    ['"a\nb"', /control character/],
    ["[1] 2", /trailing characters/],
    ["tru", /unexpected character/],
    ['"\\u12"', /invalid \\u escape/],
    ["[".repeat(200), /nesting too deep/],
  ];
  for (const [doc, message] of bad) {
    const [r] = await driverLines<{ error?: string }>(["json", "x"], doc);
    assert.match(r.error ?? "", message, doc);
  }
});

interface Summary {
  [key: string]: unknown;
}

async function config(doc: unknown): Promise<Summary> {
  return (await driverLines<Summary>(["config"], JSON.stringify(doc)))[0];
}

Deno.test("config_from_json() gives mirrord's defaults for an empty resolved config", async () => {
  const c = await config({});
  assert.deepEqual(
    [
      c.targetless,
      c.fs_mode,
      c.incoming,
      c.skip_build_tools,
      c.outgoing_tcp,
      c.outgoing_udp,
      c.dns,
      c.ipv6,
      c.hostname,
    ],
    [1, "read", "mirror", 1, 1, 1, 1, 1, 1],
  );
  assert.deepEqual([c.exec_hooks, c.use_dev_null, c.tcp_ping4_mock, c.turbo, c.socket_timeout], [
    1,
    1,
    1,
    1,
    31536000,
  ]);
});

Deno.test("config_from_json() reads the full resolved form", async () => {
  const c = await config({
    target: { path: { deployment: "api", container: null }, namespace: "default" },
    skip_processes: ["bash", "sh"],
    skip_build_tools: false,
    skip_extra_build_tools: "bazel",
    feature: {
      fs: {
        mode: "write",
        read_write: ["^/data"],
        read_only: "^/etc/app",
        local: ["^/cache"],
        not_found: ["^/secret"],
        mapping: { "^/a/(.*)": "/b/$1", "^/c": "/d" },
      },
      env: { include: "A;B", exclude: null, unset: ["X"], load_from_process: true },
      network: {
        incoming: { mode: "steal" },
        outgoing: {
          tcp: true,
          udp: false,
          ignore_localhost: true,
          filter: { local: ["10.0.0.0/8"] },
          unix_streams: "^/run/x",
        },
        dns: { enabled: true, filter: { remote: ["svc.local"] } },
        ipv6: false,
      },
      hostname: false,
      magic: { turbo: false },
    },
    experimental: { tcp_ping4_mock: false, enable_exec_hooks_linux: false, use_dev_null: false },
    internal_proxy: { socket_timeout: 60 },
  });
  assert.equal(c.targetless, 0);
  assert.deepEqual(c.skip_processes, ["bash", "sh"]);
  assert.deepEqual(c.skip_extra_build_tools, ["bazel"]);
  assert.equal(c.fs_mode, "write");
  assert.deepEqual([c.read_write, c.read_only, c.local, c.not_found], [["^/data"], ["^/etc/app"], [
    "^/cache",
  ], ["^/secret"]]);
  assert.deepEqual(c.mapping, [["^/a/(.*)", "/b/$1"], ["^/c", "/d"]]);
  assert.deepEqual([c.env_include, c.env_exclude, c.env_unset, c.load_from_process], [
    ["A", "B"],
    [],
    ["X"],
    1,
  ]);
  assert.deepEqual([
    c.incoming,
    c.outgoing_udp,
    c.ignore_localhost,
    c.outgoing_filter_side,
    c.outgoing_filter,
  ], [
    "steal",
    0,
    1,
    "local",
    ["10.0.0.0/8"],
  ]);
  assert.deepEqual([c.unix_streams, c.dns_filter_side, c.dns_filter, c.ipv6, c.hostname, c.turbo], [
    ["^/run/x"],
    "remote",
    ["svc.local"],
    0,
    0,
    0,
  ]);
  assert.deepEqual([c.tcp_ping4_mock, c.exec_hooks, c.use_dev_null, c.socket_timeout], [
    0,
    0,
    0,
    60,
  ]);
});

Deno.test("config_from_json() accepts the short (toggle and string) forms", async () => {
  assert.equal((await config({ feature: { fs: false } })).fs_mode, "local");
  assert.equal((await config({ feature: { fs: "write" } })).fs_mode, "write");
  const off = await config({ feature: { network: false } });
  assert.deepEqual([off.incoming, off.outgoing_tcp, off.outgoing_udp, off.dns], ["off", 0, 0, 0]);
  assert.equal((await config({ feature: { network: { incoming: "steal" } } })).incoming, "steal");
  assert.equal((await config({ feature: { network: { outgoing: false } } })).outgoing_tcp, 0);
  assert.equal((await config({ feature: { network: { dns: false } } })).dns, 0);
  assert.deepEqual((await config({ feature: { env: false } })).env_exclude, ["*"]);
  assert.equal((await config({ target: "targetless" })).targetless, 1);
  assert.equal((await config({ target: { path: "pod/x" } })).targetless, 0);
});

Deno.test("config_from_json() reports an invalid mode with the field name", async () => {
  const [r] = await driverLines<{ error: string }>(
    ["config"],
    JSON.stringify({ feature: { network: { incoming: { mode: "copy" } } } }),
  );
  assert.equal(r.error, 'feature.network.incoming.mode "copy" is not one of mirror, steal, off');
});

Deno.test("base64_decode() reads standard and URL-safe base64, padded or not", async () => {
  for (
    const [input, expected] of [["aGVsbG8=", "hello"], ["aGVsbG8", "hello"], ["YWI+Pw==", "ab>?"], [
      "YWI-Pw",
      "ab>?",
    ], ["", ""]]
  ) {
    const { stdout } = await driver(["base64", "decode", input]);
    assert.equal(JSON.parse(stdout).result, expected, input);
  }
  assert.equal(JSON.parse((await driver(["base64", "decode", "a*b"])).stdout).result, null);
  assert.equal(
    JSON.parse((await driver(["base64", "encode", "hello!?"])).stdout).result,
    "aGVsbG8hPw==",
  );
});
