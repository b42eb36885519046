/** fopen, fopen64, freopen and the stdio calls on top of them (fgets, fread, fprintf, fileno, fseek). */
import assert from "node:assert/strict";
import { hookMatrix, localFiles } from "./fixture/hook_matrix.ts";
import { resolvedConfig, runApp, withPeer } from "./fixture/layer_app.ts";

const world = { files: { "/data/lines.txt": "one\ntwo\nthree\n" }, dirs: ["/data"] };
const local = await localFiles({ "lines.txt": "uno\ndos\n" });
globalThis.addEventListener("unload", () => Deno.removeSync(local, { recursive: true }));

hookMatrix({
  symbol: "fopen",
  app: "stdio",
  args: ["fgets", "/data/lines.txt"],
  fixture: { world },
  expect: [/^line: one\nline: two\nline: three$/m],
  requests: ["File.Open", "File.Read", "File.Close"],
  bypass: { args: ["fgets", `${local}/lines.txt`], expect: [/^line: uno\nline: dos$/m] },
});

hookMatrix({
  symbol: "fopen64",
  app: "stdio",
  args: ["fread", "/data/lines.txt"],
  fixture: { world },
  expect: [/^read: one\ntwo\nthree\n$/m],
  requests: ["File.Open", "File.Read"],
  bypass: { args: ["fread", `${local}/lines.txt`], expect: [/^read: uno\ndos\n$/m] },
});

hookMatrix({
  symbol: "fileno",
  app: "stdio",
  args: ["fileno", "/data/lines.txt"],
  fixture: { world },
  expect: [/^size: 14$/m],
  requests: ["File.Xstat"],
  bypass: { args: ["fileno", `${local}/lines.txt`], expect: [/^size: 8$/m] },
});

hookMatrix({
  symbol: "fseek",
  app: "stdio",
  args: ["fseek", "/data/lines.txt"],
  fixture: { world },
  expect: [/^tell: 2$/m, /^line: e$/m],
  requests: ["File.Seek"],
  bypass: { args: ["fseek", `${local}/lines.txt`], expect: [/^tell: 2$/m, /^line: o$/m] },
});

hookMatrix({
  symbol: "freopen",
  app: "stdio",
  args: ["freopen", "/data/lines.txt"],
  fixture: { world },
  expect: [/^line: one\nline: two\nline: three$/m],
  requests: ["File.Open", "File.Read"],
  bypass: { args: ["freopen", `${local}/lines.txt`], expect: [/^line: uno\nline: dos$/m] },
  skipModes: ["threads"], /* freopen of stdin from 8 threads at once is not a meaningful program */
});

Deno.test('fprintf() on a remote file opened with fopen("w") writes through the agent', async () => {
  await withPeer({ files: {}, dirs: ["/data"] }, async (peer) => {
    const config = resolvedConfig({ fs: { mode: "write" } });
    const r = await runApp(peer, "stdio", ["fprintf", "/data/out.txt", "written by stdio"], {
      config,
    });
    assert.match(r.stdout, /line: written by stdio/);
    assert.equal(peer.files.get("/data/out.txt"), "written by stdio");
  });
});

Deno.test("fopen() with a not_found pattern fails with ENOENT", async () => {
  await withPeer(world, async (peer) => {
    const config = resolvedConfig({ fs: { mode: "read", not_found: ["lines"] } });
    const r = await runApp(peer, "stdio", ["fgets", "/data/lines.txt"], { config });
    assert.match(r.stdout, /error: fopen ENOENT/);
  });
});
