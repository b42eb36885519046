/** write, pwrite, pwrite64, writev, pwritev, creat, O_APPEND, ftruncate, fsync, fdatasync. */
import assert from "node:assert/strict";
import { hookMatrix, localFiles } from "./fixture/hook_matrix.ts";
import { resolvedConfig, runApp, withPeer } from "./fixture/layer_app.ts";

const config = resolvedConfig({ fs: { mode: "write" } });
const fixture = () => ({ world: { files: {}, dirs: ["/data"] }, config });
const local = await localFiles({});
globalThis.addEventListener("unload", () => Deno.removeSync(local, { recursive: true }));

const cases: Array<[string, string, RegExp, string]> = [
  ["write", "write", /^content: hello$/m, "File.Write"],
  ["pwrite", "pwrite", /^content: __hello$/m, "File.WriteLimited"],
  ["pwrite64", "pwrite64", /^content: __hello$/m, "File.WriteLimited"],
  ["writev", "writev", /^content: hello$/m, "File.Write"],
  ["pwritev", "pwritev", /^content: hello$/m, "File.WriteLimited"],
  ["creat", "creat", /^content: hello$/m, "File.Open"],
  ["write(O_APPEND)", "append", /^content: (hello)+$/m, "File.Write"],
  ["ftruncate", "ftruncate", /^content: hel$/m, "File.Ftruncate"],
  ["fsync", "fsync", /^content: hello$/m, "File.Write"],
  ["fdatasync", "fdatasync", /^content: hello$/m, "File.Write"],
  ["fchmod", "fchmod", /^content: hello$/m, "File.Fchmod"],
  ["fchown", "fchown", /^content: hello$/m, "File.Fchown"],
  ["futimens", "futimens", /^content: hello$/m, "File.Futimens"],
];

for (const [symbol, op, expected, request] of cases) {
  hookMatrix({
    symbol,
    app: "fs_write",
    args: [op, "/data/out.txt", "hello"],
    fixture,
    expect: [/^wrote: \d+$/m, expected],
    threadExpect: [/^wrote: \d+$/m],
    requests: [request],
    bypass: { args: [op, `${local}/${op}.txt`, "hello"], expect: [expected] },
  });
}

Deno.test("write() in read mode writes locally (remote only for reads)", async () => {
  await withPeer({ files: {}, dirs: ["/data"] }, async (peer) => {
    const dir = await localFiles({});
    try {
      const r = await runApp(peer, "fs_write", ["write", `${dir}/x.txt`, "hi"], {
        config: resolvedConfig(),
      });
      assert.match(r.stdout, /content: hi/);
      assert.deepEqual(peer.kinds(), []);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("open() for writing sends create and truncate options", async () => {
  await withPeer({ files: {}, dirs: ["/data"] }, async (peer) => {
    await runApp(peer, "fs_write", ["write", "/data/out.txt", "x"], { config });
    assert.deepEqual(peer.of("File.Open")[0].options, {
      read: true,
      write: true,
      append: false,
      truncate: true,
      create: true,
      create_new: false,
    });
    assert.equal(peer.files.get("/data/out.txt"), "x");
  });
});

Deno.test("fsync() on a remote file answers without a request", async () => {
  await withPeer({ files: {}, dirs: ["/data"] }, async (peer) => {
    await runApp(peer, "fs_write", ["fsync", "/data/out.txt", "x"], { config });
    assert.ok(!peer.kinds().some((k) => k.includes("sync")));
  });
});

Deno.test("fchmod(), fchown() and futimens() send the mode, ids and times", async () => {
  await withPeer({ files: {}, dirs: ["/data"] }, async (peer) => {
    for (const op of ["fchmod", "fchown", "futimens"]) {
      await runApp(peer, "fs_write", [op, "/data/o.txt", "x"], { config });
    }
    assert.equal(peer.of("File.Fchmod")[0].mode, 0o600);
    assert.equal(peer.of("File.Fchown")[0].owner, 0xffffffff);
    assert.deepEqual(peer.of("File.Futimens")[0].times, [[1700000000, 5], [0, 1073741822]]);
  });
});
