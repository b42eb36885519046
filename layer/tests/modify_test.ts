/** mkdir, mkdirat, rmdir, unlink, unlinkat (incl. AT_REMOVEDIR), rename, renameat. */
import assert from "node:assert/strict";
import { hookMatrix, localFiles } from "./fixture/hook_matrix.ts";
import { resolvedConfig, runApp, withPeer } from "./fixture/layer_app.ts";

const config = resolvedConfig({ fs: { mode: "write" } });
const world = () => ({ files: { "/data/f.txt": "F" }, dirs: ["/data", "/data/empty"] });

async function freshLocal(): Promise<string> {
  return await localFiles({ "f.txt": "F" });
}

/* each bypass run gets its own local tree, removed at exit */
const locals: string[] = [];
globalThis.addEventListener("unload", () => {
  for (const d of locals) Deno.removeSync(d, { recursive: true });
});
async function local(): Promise<string> {
  const d = await freshLocal();
  await Deno.mkdir(`${d}/empty`);
  locals.push(d);
  return d;
}

const cases: Array<[string, string, string, string, string?]> = [
  ["mkdir", "mkdir", "/data/new", "File.MakeDir"],
  ["mkdirat", "mkdirat", "/data/new", "File.MakeDir"],
  ["rmdir", "rmdir", "/data/empty", "File.RemoveDir"],
  ["unlink", "unlink", "/data/f.txt", "File.Unlink"],
  ["unlinkat", "unlinkat", "/data/f.txt", "File.UnlinkAt"],
  ["unlinkat(AT_REMOVEDIR)", "unlinkat-dir", "/data/empty", "File.UnlinkAt"],
  ["rename", "rename", "/data/f.txt", "File.Rename", "/data/g.txt"],
  ["renameat", "renameat", "/data/f.txt", "File.Rename", "/data/g.txt"],
];

for (const [symbol, op, path, request, second] of cases) {
  const dir = await local();
  const localArgs = [op, path.replace("/data", dir)];
  if (second) localArgs.push(second.replace("/data", dir));
  hookMatrix({
    symbol,
    app: "fs_modify",
    args: second ? [op, path, second] : [op, path],
    fixture: () => ({ world: world(), config }),
    expect: [new RegExp(`^${op}: ok$`, "m")],
    /* threads race on one path: exactly one wins, the others see the agent's errno */
    threadExpect: [new RegExp(`^(${op}: ok|error: ${op} E[A-Z]+)$`, "m")],
    requests: [request],
    bypass: { args: localArgs, expect: [new RegExp(`^${op}: ok$`, "m")] },
    skipModes: ["threads"],
  });
}

Deno.test("mkdir() of an existing remote directory fails with EEXIST", async () => {
  await withPeer(world(), async (peer) => {
    const r = await runApp(peer, "fs_modify", ["mkdir", "/data/empty"], { config });
    assert.match(r.stdout, /error: mkdir EEXIST/);
  });
});

Deno.test("rename() of a remote and a local path renames locally with both paths", async () => {
  await withPeer(world(), async (peer) => {
    const dir = await local();
    const r = await runApp(peer, "fs_modify", ["rename", `${dir}/f.txt`, "/data/moved.txt"], {
      config,
    });
    /* /data/moved.txt does not exist locally: libc's answer */
    assert.match(r.stdout, /error: rename ENOENT|rename: ok/);
    assert.deepEqual(peer.of("File.Rename"), []);
  });
});

Deno.test("mkdir() is a write: in read mode it stays local", async () => {
  await withPeer(world(), async (peer) => {
    const r = await runApp(peer, "fs_modify", ["mkdir", "/data/new"], { config: resolvedConfig() });
    assert.match(r.stdout, /error: mkdir ENOENT|mkdir: ok/);
    assert.deepEqual(peer.kinds(), []);
  });
});
