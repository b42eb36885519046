import { deepEqual, equal } from "node:assert/strict";
import { FileManager } from "./files.ts";
import { serveFileRequest } from "./file_requests.ts";
import { READ_ONLY as READ } from "./file_types.ts";

Deno.test("serveFileRequest() answers with the matching response variant", async () => {
  const root = await Deno.makeTempDir({ prefix: "file_requests_test_" });
  await Deno.writeTextFile(`${root}/f.txt`, "abc");
  const files = new FileManager(root);
  try {
    deepEqual(await serveFileRequest(files, { Open: { path: "/f.txt", open_options: READ } }), {
      Open: { Ok: { fd: 0n } },
    });
    deepEqual(
      await serveFileRequest(files, {
        ReadLimited: { remote_fd: 0n, buffer_size: 2n, start_from: 1n },
      }),
      { ReadLimited: { Ok: { bytes: new TextEncoder().encode("bc"), read_amount: 2n } } },
    );
    const statfs = await serveFileRequest(files, { StatFs: { path: "/" } });
    if (!statfs || !("XstatFs" in statfs) || !("Ok" in statfs.XstatFs)) throw new Error("statfs");
    equal(Object.keys(statfs.XstatFs.Ok.metadata).length, 7);
    const statfs2 = await serveFileRequest(files, { StatFsV2: { path: "/" } });
    if (!statfs2 || !("XstatFsV2" in statfs2) || !("Ok" in statfs2.XstatFsV2)) {
      throw new Error("statfs v2");
    }
    equal(Object.keys(statfs2.XstatFsV2.Ok.metadata).length, 11);
    deepEqual(
      await serveFileRequest(files, { MakeDirAt: { dirfd: 0n, pathname: "x", mode: 0o755 } }),
      {
        MakeDir: { Err: { NotDirectory: 0n } },
      },
    );
    deepEqual(
      await serveFileRequest(files, { UnlinkAt: { dirfd: null, pathname: "/nope", flags: 0 } }),
      {
        Unlink: { Err: { RemoteIO: { raw_os_error: 2, kind: "NotFound" } } },
      },
    );
    equal(await serveFileRequest(files, { Close: { fd: 0n } }), null);
    equal(await serveFileRequest(files, { CloseDir: { remote_fd: 5n } }), null);
    equal(files.openCount, 0);
  } finally {
    files.closeAll();
    await Deno.remove(root, { recursive: true });
  }
});
