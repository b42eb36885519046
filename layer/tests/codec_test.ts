/**
 * The layer's bincode codec (src/codec.c) against protocol.md's rules and worked examples:
 * every request the layer sends, the frame header, varints, and the response pieces it decodes.
 */
import assert from "node:assert/strict";
import { hex, Writer } from "./fixture/bincode.ts";
import { driver, driverLines } from "./fixture/unit_driver.ts";

async function encode(...args: string[]): Promise<string> {
  const r = await driver(["encode", ...args]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}

Deno.test("enc_new_session() frames protocol.md's NewSession example byte-exactly", async () => {
  assert.equal(
    await encode("frame-new-session", "-", "1234", "1", "node", "1", "node", "app.js"),
    "00 00 00 1A 00 00 00 FB A4 09 02 04 6E 6F 64 65 02 04 6E 6F 64 65 06 61 70 70 2E 6A 73 01",
  );
});

Deno.test("enc_new_session() writes a forked child's parent layer and loaded=false", async () => {
  assert.equal(await encode("new-session", "3", "7", "1", "a", "0"), "00 01 03 0E 02 01 61 00 00");
});

Deno.test("frame_header() counts the message id in the big-endian length", async () => {
  assert.equal(await encode("frame-header", "300", "5"), "00 00 00 08 FB 2C 01");
  assert.equal(await encode("frame-header", "1", "70000"), "00 01 11 71 01");
});

const vectors: Array<[string, string[], string]> = [
  [
    "File Open (read-only)",
    ["open", "/etc/hosts", "r"],
    "01 00 0A 2F 65 74 63 2F 68 6F 73 74 73 01 00 00 00 00 00",
  ],
  [
    "File Open (write, create, truncate)",
    ["open", "/a", "rwtc"],
    "01 00 02 2F 61 01 01 00 01 01 00",
  ],
  ["File OpenRelative", ["open-relative", "5", "x", "rwcx"], "01 01 05 01 78 01 01 00 00 01 01"],
  ["File Read", ["read", "3", "4096"], "01 02 03 FB 00 10"],
  ["File ReadLimited", ["read-limited", "3", "10", "300"], "01 03 03 0A FB 2C 01"],
  ["File Seek Start", ["seek", "3", "0", "10"], "01 04 03 00 0A"],
  ["File Seek End -5", ["seek", "3", "1", "-5"], "01 04 03 01 09"],
  ["File Seek Current 7", ["seek", "3", "2", "7"], "01 04 03 02 0E"],
  ["File Write", ["write", "3", "hi"], "01 05 03 02 68 69"],
  ["File WriteLimited", ["write-limited", "3", "2", "hi"], "01 06 03 02 02 68 69"],
  ["File Close", ["close", "7"], "01 07 07"],
  ["File Access", ["access", "/a", "4"], "01 08 02 2F 61 04"],
  ["File Xstat by path", ["xstat-path", "/a", "1"], "01 09 01 02 2F 61 00 01"],
  ["File Xstat by path, no follow", ["xstat-path", "/a", "0"], "01 09 01 02 2F 61 00 00"],
  ["File Xstat by fd", ["xstat-fd", "5"], "01 09 00 01 05 01"],
  ["File Xstat relative to a dir fd", ["xstat-fd-path", "5", "x", "0"], "01 09 01 01 78 01 05 00"],
  ["File XstatFsV2", ["xstatfs", "5"], "01 17 05"],
  ["File StatFsV2", ["statfs", "/"], "01 18 01 2F"],
  ["File FdOpenDir", ["fdopendir", "5"], "01 0B 05"],
  ["File ReadDir", ["readdir", "6"], "01 0C 06"],
  ["File CloseDir", ["closedir", "6"], "01 0D 06"],
  ["File GetDEnts64", ["getdents64", "5", "4096"], "01 0E 05 FB 00 10"],
  ["File ReadLink", ["readlink", "/l"], "01 0F 02 2F 6C"],
  ["File MakeDir (mode 0755)", ["mkdir", "/d", "493"], "01 11 02 2F 64 FB ED 01"],
  ["File MakeDirAt", ["mkdirat", "5", "d", "493"], "01 12 05 01 64 FB ED 01"],
  ["File RemoveDir", ["rmdir", "/d"], "01 13 02 2F 64"],
  ["File Unlink", ["unlink", "/f"], "01 14 02 2F 66"],
  [
    "File UnlinkAt(None, AT_REMOVEDIR)",
    ["unlinkat", "-", "/d", "512"],
    "01 15 00 02 2F 64 FB 00 02",
  ],
  ["File UnlinkAt(Some(5))", ["unlinkat", "5", "f", "0"], "01 15 01 05 01 66 00"],
  ["File Rename", ["rename", "/a", "/b"], "01 19 02 2F 61 02 2F 62"],
  ["File Ftruncate", ["ftruncate", "5", "3"], "01 1A 05 06"],
  ["File Futimens (now)", ["futimens", "5"], "01 1B 05 00"],
  ["File Futimens (times)", ["futimens", "5", "1", "2", "-1", "3"], "01 1B 05 01 02 04 01 06"],
  ["File Fchown", ["fchown", "5", "1000", "0xffffffff"], "01 1C 05 FB E8 03 FC FF FF FF FF"],
  ["File Fchmod", ["fchmod", "5", "420"], "01 1D 05 FB A4 01"],
  [
    "GetAddrInfo V2 (protocol.md example)",
    ["getaddrinfo", "example.com", "0", "2", "2", "0", "0"],
    "02 0B 65 78 61 6D 70 6C 65 2E 63 6F 6D 00 02 02 00 00",
  ],
  ["GetAddrInfo V2 IPv4 stream port 443 AI_CANONNAME", [
    "getaddrinfo",
    "a",
    "443",
    "0",
    "0",
    "2",
    "6",
  ], "02 01 61 FB BB 01 00 00 04 0C"],
  [
    "Outgoing Connect 127.0.0.1:8080 TCP",
    ["connect", "127.0.0.1", "8080", "0"],
    "03 00 00 00 7F 00 00 01 FB 90 1F 00 00",
  ],
  [
    "Outgoing Connect UDP with host name",
    ["connect", "10.0.0.1", "53", "1", "db"],
    "03 00 00 00 0A 00 00 01 35 01 01 02 64 62",
  ],
  [
    "Outgoing Connect [::1]:443",
    ["connect", "::1", "443", "0"],
    `03 00 00 01 ${"00 ".repeat(15)}01 FB BB 01 00 00`,
  ],
  [
    "Outgoing Connect unix path",
    ["connect", "unix:/tmp/s", "0", "0"],
    "03 00 01 00 06 2F 74 6D 70 2F 73 00 00",
  ],
  [
    "Outgoing Connect abstract unix, seqpacket",
    ["connect", "abstract:abc", "0", "2"],
    "03 00 01 01 03 61 62 63 02 00",
  ],
  [
    "Outgoing Close (u128 id)",
    ["outgoing-close", "0x1122", "0x3344"],
    "03 02 FE 44 33 00 00 00 00 00 00 22 11 00 00 00 00 00 00",
  ],
  ["Outgoing ConnMetadata (small id)", ["outgoing-metadata", "0", "7"], "03 01 07"],
  ["GetEnv", ["get-env", "A", ""], "05 01 01 41 00"],
];

for (const [name, args, expected] of vectors) {
  Deno.test(`enc_*() encodes ${name}`, async () => {
    assert.equal(await encode(...args), expected.trim());
  });
}

Deno.test("wb_uv() and wb_sv() emit protocol.md's canonical varints", async () => {
  const cases: Array<[string, string, string]> = [
    ["uv", "80", "50"],
    ["uv", "250", "FA"],
    ["uv", "251", "FB FB 00"],
    ["uv", "8080", "FB 90 1F"],
    ["uv", "65535", "FB FF FF"],
    ["uv", "65536", "FC 00 00 01 00"],
    ["uv", "4294967296", "FD 00 00 00 00 01 00 00 00"],
    ["uv", "18446744073709551615", "FD FF FF FF FF FF FF FF FF"],
    ["sv", "-1", "01"],
    ["sv", "2", "04"],
    ["sv", "-200", "FB 8F 01"],
    ["sv", "9223372036854775807", "FD FE FF FF FF FF FF FF FF"],
  ];
  for (const [kind, value, expected] of cases) {
    assert.equal(await encode(kind, value), expected, `${kind} ${value}`);
  }
});

Deno.test("wb_uv128() writes a UUID-sized id as FE + 16 little-endian bytes", async () => {
  assert.equal(
    await encode("uv128", "0x67e5504410b1426f", "0x9247bb680e5fe0c8"),
    "FE C8 E0 5F 0E 68 BB 47 92 6F 42 B1 10 44 50 E5 67",
  );
});

Deno.test("rb_uv() accepts non-canonical forms but rejects markers wider than the type", async () => {
  const read = async (bits: string, h: string) =>
    (await driverLines<{ value: string; ok: boolean }>(["decode-uv", bits, h]))[0];
  assert.deepEqual(await read("16", "FB 05 00"), { value: "5", ok: true });
  assert.equal((await read("16", "FC 00 00 01 00")).ok, false);
  assert.equal((await read("32", "FD 00 00 00 00 01 00 00 00")).ok, false);
  assert.equal((await read("64", "FF")).ok, false);
  assert.equal((await read("64", "FB 90")).ok, false);
  assert.deepEqual(await read("-64", "FB 8F 01"), { value: "-200", ok: true });
  assert.deepEqual(
    (await driverLines(["decode-uv", "128", "FE C8 E0 5F 0E 68 BB 47 92 6F 42 B1 10 44 50 E5 67"]))[
      0
    ],
    {
      hi: String(0x67e5504410b1426fn),
      lo: String(0x9247bb680e5fe0c8n),
      ok: true,
    },
  );
});

Deno.test("dec_response_error() maps every ResponseError the layer can get to errno / EAI", async () => {
  const cases: Array<[string, number, number | null, string]> = [
    ["04 01 04 00", 2, null, "RemoteIO(errno 2)"],
    ["04 00 01", 13, null, "RemoteIO"],
    ["04 00 28 01 78", 5, null, "RemoteIO"],
    ["01 05", 2, null, "NotFound"],
    ["02 05", 20, null, "NotDirectory"],
    ["03 05", 21, null, "NotFile"],
    ["0B", 2, null, "OpenLocal"],
    ["08", 22, null, "NotImplemented"],
    ["00 03 61 62 63", 12, null, "IdsExhausted"],
    ["0D 01 01 03 61 62 63", 5, null, "SystemFailure"],
    ["06 03 00 00 0A 00 00 01 50", 101, null, "Remote"],
    ["06 00", 22, null, "Remote"],
    ["09 01 50 00", 13, null, "Forbidden"],
    ["07 50", 22, null, "PortAlreadyStolen"],
    ["05 04", 22, -3, "DnsLookup"],
    ["05 02 00", 22, -2, "DnsLookup"],
    ["05 00 01 78", 22, -4, "DnsLookup"],
  ];
  for (const [bytes, errno, eai, name] of cases) {
    const [r] = await driverLines<{ errno: number; eai: number; name: string; ok: boolean }>([
      "decode-error",
      bytes,
    ]);
    assert.equal(r.errno, errno, bytes);
    if (eai !== null) assert.equal(r.eai, eai, bytes);
    assert.equal(r.name, name, bytes);
    assert.equal(r.ok, true, bytes);
  }
});

Deno.test("dec_metadata() reads MetadataInternal field by field", async () => {
  const bytes = new Writer().uv(64).uv(12345).uv(0o100644).uv(2).uv(1000).uv(1001).uv(0).uv(70000)
    .sv(1_700_000_000_000_000_000n).sv(-5).sv(0).uv(4096).uv(137).finish();
  const [m] = await driverLines<Record<string, unknown>>(["decode-metadata", hex(bytes)]);
  assert.deepEqual(m, {
    dev: 64,
    ino: 12345,
    mode: 0o100644,
    nlink: 2,
    uid: 1000,
    gid: 1001,
    rdev: 0,
    size: 70000,
    atime: 1_700_000_000_000_000_000,
    mtime: -5,
    ctime: 0,
    blksize: 4096,
    blocks: 137,
    ok: true,
    rest: 0,
  });
});

Deno.test("rb_socket_address() reads IPv4, IPv6, unix path and abstract addresses", async () => {
  const read = async (h: string) =>
    (await driverLines<Record<string, unknown>>(["decode-address", h]))[0];
  assert.deepEqual(await read("00 00 7F 00 00 01 FB 90 1F"), {
    ip: "127.0.0.1",
    port: 8080,
    ok: true,
  });
  assert.deepEqual(await read(`00 01 ${"00 ".repeat(15)}01 FB BB 01`), {
    ip: "::1",
    port: 443,
    ok: true,
  });
  assert.deepEqual(await read("01 00 06 2F 74 6D 70 2F 73"), {
    unix: "/tmp/s",
    abstract: false,
    ok: true,
  });
  assert.deepEqual(await read("01 01 03 61 62 63"), { unix: "abc", abstract: true, ok: true });
  assert.equal((await read("02")).ok, false);
});
