/** opendir, readdir, readdir64, readdir_r, fdopendir, scandir, scandir64, getdents64, rewinddir, dirfd, closedir. */
import assert from "node:assert/strict";
import { hookMatrix, localFiles } from "./fixture/hook_matrix.ts";
import { runApp, withPeer } from "./fixture/layer_app.ts";

const world = { files: { "/data/a.txt": "A", "/data/b.txt": "B" }, dirs: ["/data", "/data/sub"] };
const local = await localFiles({ "x.txt": "X", "y.txt": "Y" });
globalThis.addEventListener("unload", () => Deno.removeSync(local, { recursive: true }));

const remoteListing = [/^entry: a\.txt$/m, /^entry: b\.txt$/m, /^entry: sub$/m];
const localListing = [/^entry: x\.txt$/m, /^entry: y\.txt$/m];

const cases: Array<[string, string, string[]]> = [
  ["opendir+readdir", "readdir", ["File.Open", "File.FdOpenDir", "File.ReadDir", "File.CloseDir"]],
  ["readdir64", "readdir64", ["File.ReadDir"]],
  ["readdir_r", "readdir_r", ["File.ReadDir"]],
  ["fdopendir", "fdopendir", ["File.FdOpenDir", "File.ReadDir"]],
  ["scandir", "scandir", ["File.FdOpenDir", "File.ReadDir"]],
  ["getdents64", "getdents64", ["File.GetDEnts64"]],
  ["rewinddir", "rewinddir", ["File.FdOpenDir", "File.ReadDir"]],
  ["dirfd", "dirfd", ["File.FdOpenDir"]],
];

for (const [symbol, op, requests] of cases) {
  hookMatrix({
    symbol,
    app: "fs_dir",
    args: [op, "/data"],
    fixture: { world },
    expect: op === "dirfd" ? [...remoteListing, /^dirfd valid: yes$/m] : remoteListing,
    requests,
    bypass: { args: [op, local], expect: localListing },
  });
}

Deno.test("rewinddir() lists a remote directory again from the start", async () => {
  await withPeer(world, async (peer) => {
    const r = await runApp(peer, "fs_dir", ["rewinddir", "/data"]);
    const [first, second] = r.stdout.split("again\n");
    assert.equal(first, second);
    assert.match(second, /entry: a\.txt/);
  });
});

Deno.test("closedir() closes the remote directory stream and its fd", async () => {
  await withPeer(world, async (peer) => {
    await runApp(peer, "fs_dir", ["readdir", "/data"]);
    const dirFd = peer.of("File.FdOpenDir")[0].fd;
    assert.equal(peer.of("File.CloseDir").length, 1);
    assert.deepEqual(peer.of("File.Close").map((c) => c.fd), [dirFd]);
  });
});

Deno.test("opendir() of a remote file that is not a directory fails with ENOTDIR", async () => {
  await withPeer(world, async (peer) => {
    const r = await runApp(peer, "fs_dir", ["readdir", "/data/a.txt"]);
    assert.match(r.stdout, /error: opendir ENOTDIR/);
  });
});

Deno.test("scandir() applies the caller's filter and sort to remote entries", async () => {
  await withPeer(world, async (peer) => {
    const r = await runApp(peer, "fs_dir", ["scandir", "/data"]);
    assert.equal(r.stdout, "entry: a.txt\nentry: b.txt\nentry: sub\n");
  });
});
