import { deepEqual, equal, ok, rejects, throws } from "node:assert/strict";
import { FileManager } from "./files.ts";
import { RemoteFdError } from "./file_types.ts";
import { errnoOf } from "./io_error.ts";
import { READ_ONLY as READ } from "./file_types.ts";

const CREATE = { ...READ, write: true, create: true, truncate: true };
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

async function withRoot(body: (root: string, files: FileManager) => Promise<void>) {
  const root = await Deno.makeTempDir({ prefix: "files_test_" });
  await Deno.mkdir(`${root}/data/sub`, { recursive: true });
  await Deno.writeTextFile(`${root}/data/hello.txt`, "hello world");
  await Deno.symlink("/data/hello.txt", `${root}/data/link`);
  const files = new FileManager(root);
  try {
    await body(root, files);
  } finally {
    files.closeAll();
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("FileManager.read() reads through absolute symlinks inside the root", async () => {
  await withRoot(async (_root, files) => {
    const fd = await files.open("/data/link", READ);
    equal(fd, 0n);
    equal(text(await files.read(fd, 5n)), "hello");
    equal(text(await files.readLimited(fd, 6n, 100n)), "world");
    equal(text(await files.read(fd, 100n)), " world");
    equal((await files.read(fd, 100n)).length, 0);
    equal(await files.seek(fd, { Start: 1n }), 1n);
    equal(await files.seek(fd, { End: -2n }), 9n);
  });
});

Deno.test("FileManager.write() creates files under the root only", async () => {
  await withRoot(async (root, files) => {
    const fd = await files.open("/data/new.txt", CREATE);
    equal(await files.write(fd, new TextEncoder().encode("abcdef")), 6n);
    equal(await files.writeLimited(fd, 1n, new TextEncoder().encode("XY")), 2n);
    await files.ftruncate(fd, 5n);
    files.close(fd);
    equal(await Deno.readTextFile(`${root}/data/new.txt`), "aXYde");
    equal(files.openCount, 0);
  });
});

Deno.test("FileManager fds are checked for kind and existence", async () => {
  await withRoot(async (_root, files) => {
    const dir = await files.open("/data", READ);
    await rejects(
      files.read(dir, 1n),
      (e) => e instanceof RemoteFdError && "NotFile" in e.response,
    );
    await rejects(
      files.read(99n, 1n),
      (e) => e instanceof RemoteFdError && "NotFound" in e.response,
    );
    const file = await files.open("/data/hello.txt", READ);
    await rejects(
      files.fdOpenDir(file),
      (e) => e instanceof RemoteFdError && "NotDirectory" in e.response,
    );
  });
});

Deno.test("FileManager.readDir() lists . and .. then the entries", async () => {
  await withRoot(async (_root, files) => {
    const stream = await files.fdOpenDir(await files.open("/data", READ));
    const names = [];
    for (let e = files.readDir(stream); e; e = files.readDir(stream)) names.push(e.name);
    deepEqual(names.sort(), [".", "..", "hello.txt", "link", "sub"]);
    const again = await files.fdOpenDir(await files.open("/data/", READ));
    deepEqual(files.readDirBatch(again, 2n).map((e) => e.name), [".", ".."]);
    equal(files.readDirBatch(again, 10n).length, 3);
  });
});

Deno.test("FileManager.getDents64() returns what fits the buffer", async () => {
  await withRoot(async (_root, files) => {
    const fd = await files.open("/data", READ);
    const first = await files.getDents64(fd, 48n);
    deepEqual(first.entries.map((e) => e.name), [".", ".."]);
    equal(first.resultSize, 48n);
    await rejects(files.getDents64(fd, 8n), (e) => errnoOf(e) === 22);
    const rest = await files.getDents64(fd, 4096n);
    equal(rest.entries.length, 3);
    equal((await files.getDents64(fd, 4096n)).entries.length, 0);
  });
});

Deno.test("FileManager path operations stay in the root and report errno", async () => {
  await withRoot(async (root, files) => {
    await files.makeDir("/data/made", 0o755);
    await files.rename("/data/made", "/data/renamed");
    await files.removeDir("/data/renamed");
    await files.unlink("/data/link");
    equal(await Deno.lstat(`${root}/data/link`).catch(() => null), null);
    await rejects(files.unlink("/data/sub"), (e) => errnoOf(e) === 21);
    await rejects(files.open("/data/missing", READ), (e) => errnoOf(e) === 2);
    await rejects(files.open("/../../etc/passwd", READ), (e) => errnoOf(e) === 2);
    files.access("/data/hello.txt", 4);
    throws(() => files.access("/data/missing", 0), (e) => errnoOf(e) === 2);
  });
});

Deno.test("FileManager.xstat() and statFs() describe remote files", async () => {
  await withRoot(async (_root, files) => {
    const stat = await files.xstat("/data/link", null, true);
    equal(stat.size, 11n);
    const lstat = await files.xstat("/data/link", null, false);
    equal(lstat.mode & 0o170000, 0o120000);
    const dir = await files.open("/data", READ);
    equal((await files.xstat("hello.txt", dir, true)).inode, stat.inode);
    ok(stat.modification_time > 1_600_000_000n * 1_000_000_000n);
    ok(files.statFs({ path: "/data" }).blocks > 0n);
    equal(await files.readLink("/data/link"), "/data/hello.txt");
  });
});

Deno.test("FileManager.read() on a FIFO waits without blocking the agent's event loop", async () => {
  await withRoot(async (root, files) => {
    const made = await new Deno.Command("mkfifo", { args: [`${root}/data/pipe`] }).output();
    equal(made.success, true);
    const fd = await files.open("/data/pipe", { ...READ, write: true });
    const pending = files.read(fd, 16n);
    const timerFired = await new Promise((resolve) => setTimeout(() => resolve(true), 20));
    equal(timerFired, true);
    const writer = await Deno.open(`${root}/data/pipe`, { write: true });
    await writer.write(new TextEncoder().encode("piped"));
    writer.close();
    equal(text(await pending), "piped");
  });
});
