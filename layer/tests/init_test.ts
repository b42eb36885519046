/**
 * Start-up of the layer: the NewSession frame, message ids, config and address errors,
 * env.load_from_process and env.unset, MIRRORD_DONT_LOAD, logging that never touches stdout.
 */
import assert from "node:assert/strict";
import { hex, Writer } from "./fixture/bincode.ts";
import {
  appPath,
  encodeConfig,
  LAYER_SO,
  resolvedConfig,
  runApp,
  withPeer,
} from "./fixture/layer_app.ts";

Deno.test("layer sends NewSession with message id 0 as its first frame, byte-exactly", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const app = await appPath("env");
  const child = new Deno.Command(app, {
    args: ["show", "X"],
    env: {
      LD_PRELOAD: LAYER_SO,
      MIRRORD_RESOLVED_CONFIG: encodeConfig(resolvedConfig()),
      MIRRORD_LAYER_INTPROXY_ADDR: `127.0.0.1:${port}`,
    },
    clearEnv: true,
    stdout: "null",
    stderr: "null",
  }).spawn();
  const conn = await listener.accept();
  const bytes = new Uint8Array(4096);
  let got = 0;
  while (got < 4) got += (await conn.read(bytes.subarray(got))) ?? 0;
  const len = new DataView(bytes.buffer).getUint32(0);
  while (got < 4 + len) got += (await conn.read(bytes.subarray(got))) ?? 0;
  const expected = new Writer().uv(0).uv(0).u8(0).sv(child.pid).sv(Deno.pid).str("env").uv(3)
    .str(app).str("show").str("X").bool(true).finish();
  assert.equal(hex(bytes.subarray(4, 4 + len)), hex(expected));
  /* answer NewSession(LayerId 0) so the app runs to completion */
  await conn.write(new Uint8Array([0, 0, 0, 3, 0, 0, 0]));
  assert.equal((await child.status).code, 0);
  conn.close();
  listener.close();
});

Deno.test("layer numbers its messages 0 (NewSession), then 1, 2, 3 ...", async () => {
  await withPeer({ files: { "/data/a": "abcdefghijklmnop" } }, async (peer) => {
    await runApp(peer, "fs_read", ["open", "/data/a"]);
    assert.deepEqual(peer.requests.map((r) => r.id), peer.requests.map((_, i) => i));
  });
});

Deno.test("layer exits 1 with a clear message when the intproxy is unreachable", async () => {
  const r = await runApp(null, "env", ["show", "X"]);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /\[layer\] ERROR \d+: Cannot load the mirrord layer: failed to initialize proxy connection at 127\.0\.0\.1:1 \(cannot connect to 127\.0\.0\.1:1: Connection refused\) — check that the mirrord session is still running/,
  );
  assert.equal(r.stdout, "");
});

Deno.test("layer exits 1 when MIRRORD_RESOLVED_CONFIG is missing or broken", async () => {
  for (
    const [value, message] of [
      ["", /MIRRORD_RESOLVED_CONFIG is not set/],
      ["%%%", /MIRRORD_RESOLVED_CONFIG is not valid base64/],
      [
        btoa("{not json"),
        /MIRRORD_RESOLVED_CONFIG is not valid JSON \(offset 1: expected an object key\)/,
      ],
      [
        encodeConfig({ feature: { fs: { mode: "sometimes" } } }),
        /feature\.fs\.mode "sometimes" is not one of local, localwithoverrides, read, write/,
      ],
    ] as const
  ) {
    const r = await runApp(null, "env", ["show", "X"], { env: { MIRRORD_RESOLVED_CONFIG: value } });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, message);
  }
});

Deno.test("layer exits 1 when MIRRORD_LAYER_INTPROXY_ADDR is not an address", async () => {
  const r = await runApp(null, "env", ["show", "X"], {
    env: { MIRRORD_LAYER_INTPROXY_ADDR: "nowhere" },
  });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /MIRRORD_LAYER_INTPROXY_ADDR "nowhere" is not an ip:port address/);
});

Deno.test("layer loads the target's environment with load_from_process", async () => {
  await withPeer({ env: { REMOTE_ONLY: "from-pod", SHARED: "pod-value" } }, async (peer) => {
    const config = resolvedConfig({
      env: { load_from_process: true, include: "REMOTE_*;SHARED", exclude: null },
    });
    const r = await runApp(peer, "env", [
      "show",
      "REMOTE_ONLY",
      "SHARED",
      "MIRRORD_REMOTE_ENV_FETCHED",
    ], {
      config,
      env: { SHARED: "local-value" },
    });
    assert.match(r.stdout, /^REMOTE_ONLY=from-pod$/m);
    assert.match(r.stdout, /^SHARED=pod-value$/m);
    assert.match(r.stdout, /^MIRRORD_REMOTE_ENV_FETCHED=true$/m);
    assert.deepEqual(peer.of("GetEnv"), [{
      kind: "GetEnv",
      filter: [],
      select: ["REMOTE_*", "SHARED"],
    }]);
  });
});

Deno.test("layer does not fetch the environment again when MIRRORD_REMOTE_ENV_FETCHED=true", async () => {
  await withPeer({ env: { A: "1" } }, async (peer) => {
    const config = resolvedConfig({ env: { load_from_process: true } });
    await runApp(peer, "env", ["show", "A"], {
      config,
      env: { MIRRORD_REMOTE_ENV_FETCHED: "true" },
    });
    assert.deepEqual(peer.of("GetEnv"), []);
  });
});

Deno.test("layer removes env.unset variables, comparing names case-insensitively", async () => {
  await withPeer({}, async (peer) => {
    const config = resolvedConfig({ env: { unset: ["aws_profile", "Secret_Token"] } });
    const r = await runApp(peer, "env", ["show", "AWS_PROFILE", "SECRET_TOKEN", "KEEP"], {
      config,
      env: { AWS_PROFILE: "dev", SECRET_TOKEN: "x", KEEP: "yes" },
    });
    assert.equal(r.stdout, "AWS_PROFILE unset\nSECRET_TOKEN unset\nKEEP=yes\n");
  });
});

Deno.test("layer aborts loudly when MIRRORD_DONT_LOAD is set", async () => {
  const r = await runApp(null, "env", ["show", "X"], { env: { MIRRORD_DONT_LOAD: "1" } });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /MIRRORD_DONT_LOAD/);
});

Deno.test("layer logs to MIRRORD_LAYER_LOG_PATH and never to stdout", async () => {
  await withPeer({ files: { "/data/a": "abc" } }, async (peer) => {
    const log = await Deno.makeTempFile({ dir: "/tmp" });
    try {
      const r = await runApp(peer, "fs_read", ["open", "/data/a"], {
        env: { MIRRORD_LOG: "mirrord=trace", MIRRORD_LAYER_LOG_PATH: log },
      });
      assert.equal(r.stdout, "content: abc\nbytes: 3\n");
      assert.equal(r.stderr, "");
      assert.match(
        await Deno.readTextFile(log),
        /\[layer\] DEBUG \d+: open \/data\/a -> remote fd 100/,
      );
    } finally {
      await Deno.remove(log);
    }
  });
});
