/**
 * stat, stat64, lstat, lstat64, fstat, fstat64, fstatat (and AT_EMPTY_PATH), statx, glibc's
 * __xstat/__lxstat/__fxstat, access, faccessat, readlink, readlinkat, statfs, fstatfs, statvfs,
 * fstatvfs, realpath.
 */
import assert from "node:assert/strict";
import { hookMatrix, localFiles } from "./fixture/hook_matrix.ts";
import { runApp, withPeer } from "./fixture/layer_app.ts";

const world = {
  files: { "/data/hello.txt": "hello remote world" },
  dirs: ["/data"],
  links: { "/data/link": "/data/hello.txt" },
};
const local = await localFiles({ "hello.txt": "hi" });
await Deno.symlink(`${local}/hello.txt`, `${local}/link`);
globalThis.addEventListener("unload", () => Deno.removeSync(local, { recursive: true }));

/* the fixture's files have mode 0644, size 18 and mtime 1700000000.123456789 */
const remoteStat = [/^mode: 100644 size: 18 nlink: 1 uid: 1000 mtime: 1700000000\.123456789$/m];
const localStat = [/^mode: 100\d{3} size: 2 /m];

for (const symbol of ["stat", "stat64", "fstat", "fstat64", "fstatat", "xstat", "fxstat"]) {
  hookMatrix({
    symbol: symbol.startsWith("x") || symbol.startsWith("fx") ? `__${symbol}` : symbol,
    app: "fs_stat",
    args: [symbol, "/data/hello.txt"],
    fixture: { world },
    expect: remoteStat,
    requests: ["File.Xstat"],
    bypass: { args: [symbol, `${local}/hello.txt`], expect: localStat },
  });
}

hookMatrix({
  symbol: 'fstatat(fd, "", AT_EMPTY_PATH)',
  app: "fs_stat",
  args: ["fstatat-empty", "/data/hello.txt"],
  fixture: { world },
  expect: remoteStat,
  requests: ["File.Xstat"],
  bypass: { args: ["fstatat-empty", `${local}/hello.txt`], expect: localStat },
});

for (const symbol of ["lstat", "lstat64", "lxstat"]) {
  hookMatrix({
    symbol: symbol === "lxstat" ? "__lxstat" : symbol,
    app: "fs_stat",
    args: [symbol, "/data/link"],
    fixture: { world },
    expect: [/^mode: 120777 /m],
    requests: ["File.Xstat"],
    bypass: { args: [symbol, `${local}/link`], expect: [/^mode: 120777 /m] },
  });
}

hookMatrix({
  symbol: "syscall(SYS_statx)",
  app: "fs_stat",
  args: ["syscall-statx", "/data/hello.txt"],
  fixture: { world },
  expect: [/^mode: 100644 size: 18 mtime: 1700000000\.123456789$/m],
  requests: ["File.Xstat"],
  bypass: { args: ["syscall-statx", `${local}/hello.txt`], expect: [/^mode: 100\d{3} size: 2 /m] },
});

hookMatrix({
  symbol: "statx",
  app: "fs_stat",
  args: ["statx", "/data/hello.txt"],
  fixture: { world },
  expect: [/^mode: 100644 size: 18 mtime: 1700000000\.123456789$/m],
  requests: ["File.Xstat"],
  bypass: { args: ["statx", `${local}/hello.txt`], expect: [/^mode: 100\d{3} size: 2 /m] },
});

for (const symbol of ["access", "faccessat"]) {
  hookMatrix({
    symbol,
    app: "fs_stat",
    args: [symbol, "/data/hello.txt"],
    fixture: { world },
    expect: [/^accessible$/m],
    requests: ["File.Access"],
    bypass: { args: [symbol, `${local}/hello.txt`], expect: [/^accessible$/m] },
  });
}

for (const symbol of ["readlink", "readlinkat"]) {
  hookMatrix({
    symbol,
    app: "fs_stat",
    args: [symbol, "/data/link"],
    fixture: { world },
    expect: [/^target: \/data\/hello\.txt \(15\)$/m],
    requests: ["File.ReadLink"],
    bypass: {
      args: [symbol, `${local}/link`],
      expect: [new RegExp(`^target: ${local}/hello\\.txt`, "m")],
    },
  });
}

for (const symbol of ["statfs", "statvfs"]) {
  hookMatrix({
    symbol,
    app: "fs_stat",
    args: [symbol, "/data/hello.txt"],
    fixture: { world },
    expect: [
      symbol === "statfs"
        ? /^type: 794c7630 bsize: 4096 blocks: 1000$/m
        : /^bsize: 4096 blocks: 1000$/m,
    ],
    requests: ["File.StatFsV2"],
    bypass: { args: [symbol, `${local}/hello.txt`], expect: [/bsize: \d+/] },
  });
}

for (const symbol of ["fstatfs", "fstatvfs"]) {
  hookMatrix({
    symbol,
    app: "fs_stat",
    args: [symbol, "/data/hello.txt"],
    fixture: { world },
    expect: [
      symbol === "fstatfs"
        ? /^type: 794c7630 bsize: 4096 blocks: 1000 namelen: 255$/m
        : /^bsize: 4096 blocks: 1000 namemax: 255$/m,
    ],
    requests: ["File.XstatFsV2"],
    bypass: { args: [symbol, `${local}/hello.txt`], expect: [/bsize: \d+/] },
  });
}

for (const op of ["realpath", "realpath-alloc"]) {
  hookMatrix({
    symbol: op === "realpath" ? "realpath" : "realpath(path, NULL)",
    app: "fs_stat",
    args: [op, "/data/./sub/../hello.txt"],
    fixture: { world },
    expect: [/^resolved: \/data\/hello\.txt$/m],
    requests: ["File.Xstat"],
    bypass: {
      args: [op, `${local}/./hello.txt`],
      expect: [new RegExp(`^resolved: ${local}/hello\\.txt$`, "m")],
    },
  });
}

Deno.test("access() with W_OK is a write for the fs decision (local in read mode)", async () => {
  await withPeer(world, async (peer) => {
    const r = await runApp(peer, "fs_stat", ["access-w", "/data/hello.txt"]);
    assert.match(r.stdout, /error: access-w ENOENT/);
    assert.deepEqual(peer.kinds(), []);
  });
});

Deno.test("stat() of a missing remote file fails with ENOENT", async () => {
  await withPeer(world, async (peer) => {
    const r = await runApp(peer, "fs_stat", ["stat", "/data/nope"]);
    assert.match(r.stdout, /error: stat ENOENT/);
  });
});

Deno.test("lstat() asks the agent not to follow symlinks, stat() to follow them", async () => {
  await withPeer(world, async (peer) => {
    await runApp(peer, "fs_stat", ["lstat", "/data/link"]);
    await runApp(peer, "fs_stat", ["stat", "/data/hello.txt"]);
    assert.deepEqual(peer.of("File.Xstat").map((x) => x.follow), [false, true]);
  });
});
