/**
 * open, open64, openat, openat64 (relative to a remote directory fd) and the placeholder fd they
 * return, read back with read().
 */
import assert from "node:assert/strict";
import { hookMatrix, localFiles } from "./fixture/hook_matrix.ts";
import { resolvedConfig, runApp, withPeer } from "./fixture/layer_app.ts";

const world = { files: { "/data/hello.txt": "hello remote world" }, dirs: ["/data"] };
const local = await localFiles({ "hello.txt": "hello local world" });
globalThis.addEventListener("unload", () => Deno.removeSync(local, { recursive: true }));

for (const symbol of ["open", "open64", "openat", "openat64"]) {
  hookMatrix({
    symbol,
    app: "fs_read",
    args: [symbol, "/data/hello.txt"],
    fixture: { world },
    expect: [/^content: hello remote world$/m, /^bytes: 18$/m],
    requests: ["File.Open", "File.Read", "File.Close"],
    bypass: { args: [symbol, `${local}/hello.txt`], expect: [/^content: hello local world$/m] },
  });
}

hookMatrix({
  symbol: "openat(remote dirfd, relative)",
  app: "fs_read",
  args: ["openat-relative", "/data/hello.txt"],
  fixture: { world },
  expect: [/^content: hello remote world$/m],
  requests: ["File.OpenRelative"],
  bypass: {
    args: ["openat-relative", `${local}/hello.txt`],
    expect: [/^content: hello local world$/m],
  },
});

Deno.test("open() sends the path and read-only options byte-exactly", async () => {
  await withPeer(world, async (peer) => {
    await runApp(peer, "fs_read", ["open", "/data/hello.txt"]);
    assert.deepEqual(peer.of("File.Open"), [{
      kind: "File.Open",
      path: "/data/hello.txt",
      options: {
        read: true,
        write: false,
        append: false,
        truncate: false,
        create: false,
        create_new: false,
      },
    }]);
  });
});

Deno.test("open() of a missing remote file fails with ENOENT", async () => {
  await withPeer(world, async (peer) => {
    const r = await runApp(peer, "fs_read", ["open", "/data/missing.txt"]);
    assert.match(r.stdout, /error: open ENOENT/);
    assert.equal(peer.of("File.Open").length, 1);
  });
});

Deno.test("open() of a not_found pattern fails with ENOENT without asking the intproxy", async () => {
  await withPeer(world, async (peer) => {
    const config = resolvedConfig({ fs: { mode: "read", not_found: ["^/data/hello"] } });
    const r = await runApp(peer, "fs_read", ["open", "/data/hello.txt"], { config });
    assert.match(r.stdout, /error: open ENOENT/);
    assert.deepEqual(peer.kinds(), []);
  });
});

Deno.test("open() in fs mode local never asks the intproxy", async () => {
  await withPeer(world, async (peer) => {
    const config = resolvedConfig({ fs: { mode: "local" } });
    const r = await runApp(peer, "fs_read", ["open", "/data/hello.txt"], { config });
    assert.match(r.stdout, /error: open ENOENT/);
    assert.deepEqual(peer.kinds(), []);
  });
});

Deno.test("open() of a relative path is resolved against the working directory", async () => {
  await withPeer({ files: { "/srv/app/config.json": "{}" }, dirs: ["/srv/app"] }, async (peer) => {
    const cwd = await Deno.makeTempDir({ dir: "/tmp" });
    try {
      /* /tmp is local by default; a user read_only pattern on the resolved path wins over it */
      const config = resolvedConfig({
        fs: { mode: "read", read_only: [`^${cwd}/config\\.json$`] },
      });
      await runApp(peer, "fs_read", ["open", "config.json"], { config, cwd });
      assert.deepEqual(peer.of("File.Open").map((r) => r.path), [`${cwd}/config.json`]);
    } finally {
      await Deno.remove(cwd, { recursive: true });
    }
  });
});

Deno.test("open() applies fs.mapping before deciding", async () => {
  await withPeer(
    { files: { "/remote/data/hello.txt": "mapped!" }, dirs: ["/remote/data"] },
    async (peer) => {
      const config = resolvedConfig({
        fs: { mode: "read", mapping: { "^/data/(?P<rest>.*)$": "/remote/data/${rest}" } },
      });
      const r = await runApp(peer, "fs_read", ["open", "/data/hello.txt"], { config });
      assert.match(r.stdout, /content: mapped!/);
      assert.deepEqual(peer.of("File.Open").map((x) => x.path), ["/remote/data/hello.txt"]);
    },
  );
});

Deno.test("open() of a targetless session stays local unless a pattern says otherwise", async () => {
  await withPeer(world, async (peer) => {
    const config = { target: { path: null, namespace: null }, feature: { fs: { mode: "read" } } };
    const r = await runApp(peer, "fs_read", ["open", "/data/hello.txt"], { config });
    assert.match(r.stdout, /error: open ENOENT/);
    assert.deepEqual(peer.kinds(), []);
  });
});

Deno.test("open(), read() and close() of a remote file leave errno alone when they succeed", async () => {
  await withPeer(world, async (peer) => {
    const r = await runApp(peer, "fs_read", ["errno-kept", "/data/hello.txt"]);
    assert.match(r.stdout, /^results: 1 8 0 errno: EDOM$/m);
  });
});
