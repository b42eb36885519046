/** Each compatibility trap of protocol.md §6, as far as the codec is concerned. */
import { deepStrictEqual as assertEquals, equal, throws } from "node:assert/strict";
import {
  ASSUMED_PEER_VERSION,
  ClientMessageDecoder,
  DaemonMessageDecoder,
  encodeClientMessage,
  encodeDaemonMessage,
  encodeLayerFrame,
  type GateName,
  GATES,
  ProtocolDecodeError,
  ProxyFrameDecoder,
  settleVersion,
  supports,
} from "../mod.ts";
import type { ClientMessage, DaemonMessage } from "../mod.ts";
import { hex, toSpacedHex } from "./hex.ts";

function decodeClient(bytes: string): ClientMessage | undefined {
  const d = new ClientMessageDecoder();
  d.push(hex(bytes));
  return d.next();
}

function decodeDaemon(bytes: string): DaemonMessage | undefined {
  const d = new DaemonMessageDecoder();
  d.push(hex(bytes));
  return d.next();
}

function decodeError(decode: () => unknown): ProtocolDecodeError {
  try {
    decode();
  } catch (e) {
    if (e instanceof ProtocolDecodeError) return e;
    throw e;
  }
  throw new Error("expected a ProtocolDecodeError");
}

Deno.test("trap 1: an unknown variant index kills the agent-link stream for good", () => {
  const d = new ClientMessageDecoder();
  d.push(hex("12 07")); // index 18 does not exist in ClientMessage (18 variants), then a Ping
  const e = decodeError(() => d.next());
  equal(e.typeName, "ClientMessage");
  equal(e.offset, 0);
  throws(() => d.next(), ProtocolDecodeError); // no resynchronisation onto the Ping
});

Deno.test("trap 2: an Option tag is a raw byte (>= 2 rejected), enum and Result tags are uv32", () => {
  // XstatRequest.path Option tag 02
  const e = decodeError(() => decodeClient("05 09 02"));
  equal(e.typeName, "XstatRequest");
  equal(e.field, "path");
  assertEquals(decodeClient("FB 07 00"), "Ping"); // variant 7 as a 3-byte varint
  assertEquals(decodeDaemon("06 00 FB 00 00 03"), { File: { Open: { Ok: { fd: 3n } } } });
});

Deno.test("trap 3: u8 fields are raw bytes, wider integers are varints", () => {
  const access = encodeClientMessage({ FileRequest: { Access: { pathname: "a", mode: 255 } } });
  equal(toSpacedHex(access), "05 08 01 61 ff");
  const mkdir = encodeClientMessage({ FileRequest: { MakeDir: { pathname: "a", mode: 0o755 } } });
  equal(toSpacedHex(mkdir), "05 11 01 61 fb ed 01");
  const entry = { inode: 1n, position: 2n, name: "f", file_type: 251 };
  const dirent = encodeDaemonMessage({ File: { ReadDir: { Ok: { direntry: entry } } } });
  equal(toSpacedHex(dirent), "06 09 00 01 01 02 01 66 fb");
});

Deno.test("trap 4: varints are shortest on output, longer forms accepted, wider markers rejected", () => {
  equal(toSpacedHex(encodeClientMessage({ Tcp: { PortSubscribe: 251 } })), "01 00 fb fb 00");
  equal(toSpacedHex(encodeClientMessage({ Tcp: { PortSubscribe: 250 } })), "01 00 fa");
  assertEquals(decodeClient("01 00 FB 05 00"), { Tcp: { PortSubscribe: 5 } });
  assertEquals(decodeClient("01 00 FB 50 00"), decodeClient("01 00 50"));
  const wide = decodeError(() => decodeClient("01 00 FC 50 00 00 00")); // u32 marker for a u16 port
  equal(wide.typeName, "LayerTcp::PortSubscribe");
  const ff = decodeError(() => decodeClient("05 02 FF"));
  equal(ff.typeName, "ReadFileRequest");
  equal(ff.field, "remote_fd");
  equal(ff.offset, 2);
});

Deno.test("trap 5: signed values are zigzag varints", () => {
  const io = encodeDaemonMessage({
    File: { Open: { Err: { RemoteIO: { raw_os_error: -1, kind: "Other" } } } },
  });
  equal(toSpacedHex(io), "06 00 01 04 01 01 27");
  const seek = encodeClientMessage({
    FileRequest: { Seek: { fd: 1n, seek_from: { Current: -200n } } },
  });
  equal(toSpacedHex(seek), "05 04 01 02 fb 8f 01");
  const trunc = encodeClientMessage({
    FileRequest: { Ftruncate: { fd: 1n, length: 2n ** 63n - 1n } },
  });
  equal(toSpacedHex(trunc), "05 1a 01 fd fe ff ff ff ff ff ff ff");
});

Deno.test("trap 6: hash-ordered collections decode in any order, duplicates collapse", () => {
  const ab = decodeDaemon("08 00 02 01 61 01 31 01 62 01 32"); // {a: 1, b: 2}
  const ba = decodeDaemon("08 00 02 01 62 01 32 01 61 01 31"); // {b: 2, a: 1}
  assertEquals(ab, { GetEnvVarsResponse: { Ok: { a: "1", b: "2" } } });
  assertEquals(ba, ab);
  const dup = decodeDaemon("08 00 02 01 61 01 31 01 61 01 33"); // a twice: the later wins
  assertEquals(dup, { GetEnvVarsResponse: { Ok: { a: "3" } } });
  const set = decodeClient("06 02 01 78 01 78 00"); // filter {x, x}
  assertEquals(set, { GetEnvVarsRequest: { env_vars_filter: ["x"], env_vars_select: [] } });
});

Deno.test("trap 7: serde islands — strings for version, method, URI; request serde part first", () => {
  const request = encodeDaemonMessage({
    TcpSteal: {
      HttpRequest: {
        internal_request: {
          method: "GET",
          uri: "/x",
          headers: [],
          version: "HTTP/2.0",
          body: new Uint8Array(),
        },
        connection_id: 1n,
        request_id: 0,
        port: 80,
      },
    },
  });
  equal(
    toSpacedHex(request),
    "02 04 03 47 45 54 02 2f 78 00 08 48 54 54 50 2f 32 2e 30 00 01 00 50",
  );
  const response = encodeClientMessage({
    TcpSteal: {
      HttpResponse: {
        port: 80,
        connection_id: 1n,
        request_id: 0,
        internal_response: {
          status: 404,
          version: "HTTP/1.1",
          headers: [],
          body: new Uint8Array(),
        },
      },
    },
  });
  equal(toSpacedHex(response).slice(0, 26), "02 04 50 01 00 fb 94 01 08"); // port first, 404 as uv16
  throws(() => decodeDaemon("0b 01 76"), ProtocolDecodeError); // "v" is not a semver version
});

Deno.test("trap 8: IPv6 socket addresses lose scope id; ports >= 251 take three bytes", () => {
  const bytes = encodeClientMessage({
    TcpOutgoing: { Connect: { remote_address: { Ip: "[fe80::1%2]:443" } } },
  });
  equal(toSpacedHex(bytes.subarray(bytes.length - 3)), "fb bb 01");
  assertEquals(decodeClient(toSpacedHex(bytes)), {
    TcpOutgoing: { Connect: { remote_address: { Ip: "[fe80::1]:443" } } },
  });
});

Deno.test("trap 9: paths are UTF-8 strings; invalid UTF-8 is corrupt input", () => {
  const e = decodeError(() => decodeClient("05 0f 02 c3 28")); // ReadLink path with bad UTF-8
  equal(e.typeName, "ReadLinkFileRequest");
  equal(e.field, "path");
  equal(e.offset, 2);
});

Deno.test("trap 10: a Uid travels as FE + the UUID bytes reversed", () => {
  const uid = "00112233-4455-6677-8899-aabbccddeeff";
  const bytes = encodeClientMessage({
    SeqpacketOutgoing: { ConnectV2: { uid, remote_address: { Unix: "Unnamed" } } },
  });
  equal(
    toSpacedHex(bytes),
    "10 02 fe ff ee dd cc bb aa 99 88 77 66 55 44 33 22 11 00 01 02",
  );
  // A small UUID value uses a short varint form, and every form decodes.
  assertEquals(decodeClient("10 02 05 01 02"), {
    SeqpacketOutgoing: {
      ConnectV2: {
        uid: "00000000-0000-0000-0000-000000000005",
        remote_address: { Unix: "Unnamed" },
      },
    },
  });
});

Deno.test("trap 11: deprecated variants keep their slots and still decode", () => {
  assertEquals(decodeClient("09 01"), { PauseTargetRequest: true });
  assertEquals(decodeDaemon("0a 00 01 00"), {
    PauseTarget: { PauseResponse: { changed: true, container_paused: false } },
  });
  assertEquals(decodeClient("02 00 01 50 02 2e 2a"), {
    TcpSteal: { PortSubscribe: { FilteredHttp: [80, ".*"] } },
  });
  assertEquals(decodeClient("08 01 61"), { GetAddrInfoRequest: { node: "a" } });
});

Deno.test("trap 12: replies without ids keep their stream order", () => {
  const d = new DaemonMessageDecoder();
  for (const fd of [5n, 6n, 7n]) d.push(encodeDaemonMessage({ File: { Open: { Ok: { fd } } } }));
  assertEquals(d.drain(), [5n, 6n, 7n].map((fd) => ({ File: { Open: { Ok: { fd } } } })));
});

Deno.test("trap 13: empty data is kept as an empty buffer (half-close), not dropped", () => {
  const eof = encodeDaemonMessage({
    Tcp: { Data: { connection_id: 7n, bytes: new Uint8Array() } },
  });
  equal(toSpacedHex(eof), "01 01 07 00");
  assertEquals(decodeDaemon("01 01 07 00"), {
    Tcp: { Data: { connection_id: 7n, bytes: new Uint8Array() } },
  });
});

Deno.test("trap 14: the layer side decodes any File response carrying NotImplemented", () => {
  const d = new ProxyFrameDecoder();
  d.push(hex("00 00 00 05 09 01 0f 01 08")); // id 9: File(RemoveDir(Err(NotImplemented)))
  d.push(hex("00 00 00 05 0a 01 12 01 08")); // id 10: File(Rename(Err(NotImplemented)))
  assertEquals(d.drain(), [
    { message_id: 9n, inner: { File: { RemoveDir: { Err: "NotImplemented" } } } },
    { message_id: 10n, inner: { File: { Rename: { Err: "NotImplemented" } } } },
  ]);
});

Deno.test("trap 15: a pre-release version satisfies no gate; 1.2.2 is assumed before negotiation", () => {
  const gates = Object.keys(GATES) as GateName[];
  equal(gates.length, 31);
  for (const gate of gates) {
    equal(supports(gate, "1.30.0-alpha.1"), false, gate);
    equal(supports(gate, ASSUMED_PEER_VERSION), false, gate);
    equal(supports(gate, "1.29.0"), true, gate);
    equal(supports(gate, GATES[gate]), true, gate);
  }
  equal(settleVersion("1.29.0", "1.30.0-alpha.1"), "1.29.0");
  equal(settleVersion("1.29.0", "1.29.0-rc.1"), "1.29.0-rc.1");
});

Deno.test("trap 16: Pong and OperatorPing are distinct messages on the first reply", () => {
  assertEquals(decodeDaemon("07"), "Pong");
  assertEquals(decodeDaemon("0d 2a"), { OperatorPing: 42n });
  assertEquals(decodeDaemon("05 02 68 69 00"), { LogMessage: { message: "hi", level: "Warn" } });
});

Deno.test("trap 17: DaemonMessage::Close carries its reason; ClientMessage::Close is one byte", () => {
  assertEquals(decodeDaemon("00 04 62 79 65 21"), { Close: "bye!" });
  equal(toSpacedHex(encodeClientMessage("Close")), "00");
});

Deno.test("trap 18: headers with CR/LF are refused on encode and corrupt on decode", () => {
  throws(
    () =>
      encodeDaemonMessage({
        Tcp: {
          HttpRequest: {
            internal_request: {
              method: "GET",
              uri: "/",
              headers: [["x", "a\r\nb"]],
              version: "HTTP/1.1",
              body: new Uint8Array(),
            },
            connection_id: 1n,
            request_id: 0,
            port: 80,
          },
        },
      }),
    TypeError,
  );
  // header "x" with value "a\nb"
  const e = decodeError(() => decodeDaemon("01 04 03 47 45 54 01 2f 01 01 78 01 03 61 0a 62"));
  equal(e.typeName, "InternalHttpRequest");
  equal(e.field, "headers");
});

Deno.test("trap 19: HTTP responses carry the request's connection id and request id", () => {
  const message: ClientMessage = {
    TcpSteal: {
      HttpResponseFramed: {
        port: 8080,
        connection_id: 77n,
        request_id: 0,
        internal_response: { status: 101, version: "HTTP/1.1", headers: [], body: [] },
      },
    },
  };
  assertEquals(decodeClient(toSpacedHex(encodeClientMessage(message))), message);
});

Deno.test("trap 20: no length prefix on the agent link, a 4-byte big-endian one on the local link", () => {
  equal(encodeClientMessage("Ping").length, 1);
  const frame = encodeLayerFrame({
    message_id: 1n,
    inner: { GetEnv: { env_vars_filter: [], env_vars_select: [] } },
  });
  equal(toSpacedHex(frame), "00 00 00 04 01 05 00 00");
});

Deno.test("trap 21: the local link needs no negotiated version", () => {
  // Layer frames encode and decode without any version state (layer and intproxy ship together).
  const d = new ProxyFrameDecoder();
  d.push(hex("00 00 00 03 00 00 00"));
  assertEquals(d.next(), { message_id: 0n, inner: { NewSession: 0n } });
});

Deno.test("trap 22: a declared length beyond the buffered bytes allocates nothing and waits", () => {
  const d = new ClientMessageDecoder({ maxMessageBytes: 2 ** 33 });
  d.push(hex("05 05 01 fd 00 00 00 00 01 00 00 00")); // Write of 4 GiB, nothing of it sent
  equal(d.next(), undefined);
  equal(d.bufferedBytes, 12);
});

Deno.test("trap 23: MetadataInternal times are plain sv64 values in either meaning", () => {
  const metadata = {
    device_id: 1n,
    inode: 2n,
    mode: 0o100644,
    hard_links: 1n,
    user_id: 0,
    group_id: 0,
    rdevice_id: 0n,
    size: 5n,
    access_time: 999_999_999n, // sub-second nanoseconds (reference agent)
    modification_time: 1_700_000_000_000_000_000n, // full nanosecond timestamp
    creation_time: -1n,
    block_size: 4096n,
    blocks: 8n,
  };
  const message: DaemonMessage = { File: { Xstat: { Ok: { metadata } } } };
  assertEquals(decodeDaemon(toSpacedHex(encodeDaemonMessage(message))), message);
});
