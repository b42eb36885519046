/** dup, dup2, dup3, fcntl(F_DUPFD/F_DUPFD_CLOEXEC), close, copy_file_range, sendfile. */
import assert from "node:assert/strict";
import { hookMatrix, localFiles } from "./fixture/hook_matrix.ts";
import { runApp, withPeer } from "./fixture/layer_app.ts";

const world = { files: { "/data/hello.txt": "hello remote world" }, dirs: ["/data"] };
const local = await localFiles({ "hello.txt": "hello local world" });
globalThis.addEventListener("unload", () => Deno.removeSync(local, { recursive: true }));

for (const op of ["dup", "dup2", "dup3", "fcntl-dupfd", "fcntl-dupfd-cloexec"]) {
  hookMatrix({
    symbol: op.startsWith("fcntl")
      ? `fcntl(${op === "fcntl-dupfd" ? "F_DUPFD" : "F_DUPFD_CLOEXEC"})`
      : op,
    app: "fs_fds",
    args: [op, "/data/hello.txt"],
    fixture: { world },
    expect: [/^content: hello remote world$/m],
    requests: ["File.Read"],
    bypass: { args: [op, `${local}/hello.txt`], expect: [/^content: hello local world$/m] },
  });
}

for (const op of ["copy_file_range", "sendfile"]) {
  hookMatrix({
    symbol: op,
    app: "fs_fds",
    args: [op, "/data/hello.txt"],
    fixture: { world },
    expect: [/hello remote world/, /^copied: 18$/m],
    requests: ["File.Read"],
    bypass: { args: [op, `${local}/hello.txt`], expect: [/hello local world/, /^copied: 17$/m] },
  });
}

hookMatrix({
  symbol: "close",
  app: "fs_fds",
  args: ["close-twice", "/data/hello.txt"],
  fixture: { world },
  expect: [/^second close: -1 EBADF$/m],
  requests: ["File.Close"],
  bypass: { args: ["close-twice", `${local}/hello.txt`], expect: [/^second close: -1 EBADF$/m] },
  // With 8 threads another thread may be given the closed number before the second close.
  skipModes: ["threads"],
});

Deno.test("close() of the last copy of a remote fd sends one File Close", async () => {
  await withPeer(world, async (peer) => {
    await runApp(peer, "fs_fds", ["dup", "/data/hello.txt"]);
    const fd = peer.of("File.Open").length && 100;
    assert.deepEqual(peer.of("File.Close").map((c) => c.fd), [fd]);
  });
});

for (const op of ["syscall-close", "close-range"]) {
  Deno.test(`${op === "syscall-close" ? "syscall(SYS_close)" : "close_range()"} forgets a remote fd before its number is reused`, async () => {
    await withPeer(world, async (peer) => {
      const r = await runApp(peer, "fs_fds", [op, "/data/hello.txt", `${local}/hello.txt`]);
      assert.match(r.stdout, /^same number: yes content: hello local world$/m);
      assert.equal(peer.of("File.Close").length, 1);
    });
  });
}

Deno.test("close_range(3, ~0) keeps the layer's own intproxy link open", async () => {
  await withPeer(world, async (peer) => {
    const r = await runApp(peer, "fs_fds", ["close-range-all", "/data/hello.txt"]);
    assert.match(r.stdout, /^after close_range: hello remote world$/m);
  });
});
