/**
 * Cross-check of the layer's C codec against protocol-wasm (the Rust codec every Deno component
 * uses): every frame the layer sends in a tour of its features decodes with the facade's strict
 * LayerFrameDecoder to the same request, and every answer the layer was fed is exactly what the
 * facade's encodeProxyFrame produces, so the layer understands the real intproxy's bytes.
 */
import assert from "node:assert/strict";
import { encodeProxyFrame, LayerFrameDecoder, ProxyFrameDecoder } from "../../protocol-wasm/mod.ts";
import { hex } from "./fixture/bincode.ts";
import type { FakeIntproxy } from "./fixture/fake_intproxy.ts";
import { resolvedConfig, runApp, withPeer } from "./fixture/layer_app.ts";
import { echoStream } from "./fixture/servers.ts";

async function tour(peer: FakeIntproxy): Promise<void> {
  const write = resolvedConfig({
    fs: { mode: "write" },
    env: { load_from_process: true, include: ["A_*"] },
  });
  const runs: Array<[string, string[]]> = [
    ["fs_read", ["open", "/data/a.txt"]],
    ["fs_read", ["pread", "/data/a.txt", "2"]],
    ["fs_read", ["lseek", "/data/a.txt", "1"]],
    ["fs_read", ["openat-relative", "/data/a.txt"]],
    ["fs_write", ["pwrite", "/data/w.txt", "xyz"]],
    ["fs_write", ["ftruncate", "/data/w.txt", "hello"]],
    ["fs_stat", ["lstat", "/data/a.txt"]],
    ["fs_stat", ["fstat", "/data/a.txt"]],
    ["fs_stat", ["access", "/data/a.txt"]],
    ["fs_stat", ["statfs", "/data/a.txt"]],
    ["fs_stat", ["fstatfs", "/data/a.txt"]],
    ["fs_stat", ["readlink", "/data/l"]],
    ["fs_dir", ["readdir", "/data"]],
    ["fs_dir", ["getdents64", "/data"]],
    ["fs_modify", ["mkdir", "/data/d"]],
    ["fs_modify", ["rmdir", "/data/d"]],
    ["fs_modify", ["rename", "/data/w.txt", "/data/v.txt"]],
    ["fs_modify", ["unlinkat", "/data/v.txt"]],
    ["dns", ["getaddrinfo", "svc.local", "80", "6"]],
    ["net", ["tcp", "198.51.100.1", "80", "hi"]],
    ["env", ["show", "A_B"]],
  ];
  for (const [app, args] of runs) {
    const r = await runApp(peer, app, args, {
      config: write,
      mode: app === "fs_read" ? "fork" : "direct",
    });
    assert.doesNotMatch(r.stdout, /error:/, `${app} ${args.join(" ")}: ${r.stdout}`);
  }
}

Deno.test("layer frames decode with protocol-wasm to the same requests, answers are its encoding", async () => {
  const echo = echoStream();
  try {
    const world = {
      files: { "/data/a.txt": "abcdef" },
      dirs: ["/data"],
      links: { "/data/l": "/data/a.txt" },
      dns: { "svc.local": ["fd00::1"] },
      outgoing: { "198.51.100.1:80": { layer: echo.address, inCluster: "10.0.0.1:5000" } },
      env: { A_B: "1" },
    };
    await withPeer(world, async (peer) => {
      await tour(peer);
      const kinds = new Set<string>();
      const requests = new LayerFrameDecoder();
      for (const [i, bytes] of peer.rawRequests.entries()) {
        requests.push(bytes);
        const message = requests.next();
        assert.ok(message, `frame ${i} did not decode: ${hex(bytes)}`);
        const mine = peer.requests[i];
        assert.equal(message.message_id, BigInt(mine.id));
        const [top] = Object.keys(message.inner as object);
        const inner = (message.inner as Record<string, unknown>)[top];
        const sub = typeof inner === "object" && inner !== null && top !== "NewSession" &&
            top !== "GetAddrInfo" &&
            top !== "GetEnv"
          ? Object.keys(inner)[0]
          : undefined;
        const kind = sub ? `${top}.${sub}` : top;
        assert.equal(kind, mine.request.kind, `frame ${i}`);
        kinds.add(kind);
        assert.equal(requests.next(), undefined);
      }
      for (
        const k of [
          "NewSession",
          "File.Open",
          "File.OpenRelative",
          "File.Read",
          "File.ReadLimited",
          "File.Seek",
          "File.Write",
          "File.WriteLimited",
          "File.Close",
          "File.Ftruncate",
          "File.Xstat",
          "File.Access",
          "File.StatFsV2",
          "File.XstatFsV2",
          "File.ReadLink",
          "File.FdOpenDir",
          "File.ReadDir",
          "File.CloseDir",
          "File.GetDEnts64",
          "File.MakeDir",
          "File.RemoveDir",
          "File.Rename",
          "File.UnlinkAt",
          "GetAddrInfo",
          "Outgoing.Connect",
          "Outgoing.Close",
          "GetEnv",
        ]
      ) assert.ok(kinds.has(k), `the tour sent no ${k}`);

      const answers = new ProxyFrameDecoder();
      for (const bytes of peer.rawAnswers) {
        answers.push(bytes);
        const message = answers.next();
        assert.ok(message, `answer did not decode: ${hex(bytes)}`);
        assert.equal(hex(encodeProxyFrame(message)), hex(bytes));
      }
    });
  } finally {
    await echo.close();
  }
});

Deno.test("NewSession of a forked child decodes with the parent's layer id", async () => {
  await withPeer({ files: { "/data/a.txt": "abcdef" } }, async (peer) => {
    await runApp(peer, "fs_read", ["open", "/data/a.txt"], { mode: "fork" });
    const decoder = new LayerFrameDecoder();
    const sessions = [];
    for (const bytes of peer.rawRequests) {
      decoder.push(bytes);
      const m = decoder.next() as { inner: Record<string, { parent_layer: bigint | null }> };
      if ("NewSession" in m.inner) sessions.push(m.inner.NewSession.parent_layer);
    }
    assert.deepEqual(sessions, [null, 0n]);
  });
});
