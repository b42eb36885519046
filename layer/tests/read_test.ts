/** read, pread, pread64, readv, preadv, preadv2, lseek, lseek64 on remote files. */
import { hookMatrix, localFiles } from "./fixture/hook_matrix.ts";

const world = { files: { "/data/abc.txt": "abcdefghij" }, dirs: ["/data"] };
const local = await localFiles({ "abc.txt": "ABCDEFGHIJ" });
globalThis.addEventListener("unload", () => Deno.removeSync(local, { recursive: true }));

hookMatrix({
  symbol: "read",
  app: "fs_read",
  args: ["open", "/data/abc.txt"],
  fixture: { world },
  expect: [/^content: abcdefghij$/m],
  requests: ["File.Read"],
  bypass: { args: ["open", `${local}/abc.txt`], expect: [/^content: ABCDEFGHIJ$/m] },
});

for (const symbol of ["pread", "pread64"]) {
  hookMatrix({
    symbol,
    app: "fs_read",
    args: [symbol, "/data/abc.txt", "4"],
    fixture: { world },
    expect: [/^content: efghij$/m],
    requests: ["File.ReadLimited"],
    bypass: { args: [symbol, `${local}/abc.txt`, "4"], expect: [/^content: EFGHIJ$/m] },
  });
}

hookMatrix({
  symbol: "readv",
  app: "fs_read",
  args: ["readv", "/data/abc.txt"],
  fixture: { world },
  expect: [/^iov: \[abc\] \[defghij\]$/m],
  requests: ["File.Read"],
  bypass: { args: ["readv", `${local}/abc.txt`], expect: [/^iov: \[ABC\] \[DEFGHIJ\]$/m] },
});

for (const symbol of ["preadv", "preadv2"]) {
  hookMatrix({
    symbol,
    app: "fs_read",
    args: [symbol, "/data/abc.txt", "2"],
    fixture: { world },
    expect: [/^iov: \[cde\] \[fghij\]$/m],
    requests: ["File.ReadLimited"],
    bypass: { args: [symbol, `${local}/abc.txt`, "2"], expect: [/^iov: \[CDE\] \[FGHIJ\]$/m] },
  });
}

for (const symbol of ["lseek", "lseek64"]) {
  hookMatrix({
    symbol,
    app: "fs_read",
    args: [symbol, "/data/abc.txt", "7"],
    fixture: { world },
    expect: [/^at: 7$/m, /^content: hij$/m, /^end: 10$/m, /^negative: -1 EINVAL$/m],
    requests: ["File.Seek"],
    bypass: {
      args: [symbol, `${local}/abc.txt`, "7"],
      expect: [/^content: HIJ$/m, /^negative: -1 EINVAL$/m],
    },
  });
}
