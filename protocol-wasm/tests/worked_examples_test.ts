/**
 * protocol.md §1.15 worked examples (and the §1.12 Uid, §1.13 semver and §1.10 address
 * examples) as fixed vectors: encode gives exactly these bytes, decode gives back the value.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import {
  ClientMessageDecoder,
  DaemonMessageDecoder,
  encodeClientMessage,
  encodeDaemonMessage,
  encodeLayerFrame,
  LayerFrameDecoder,
} from "../mod.ts";
import type { ClientMessage, DaemonMessage, LayerToProxyMessage, LocalMessage } from "../mod.ts";
import { hex, toSpacedHex } from "./hex.ts";

const readOnly = {
  read: true,
  write: false,
  append: false,
  truncate: false,
  create: false,
  create_new: false,
};

const CLIENT: [string, ClientMessage, string][] = [
  ["Close", "Close", "00"],
  ["Ping", "Ping", "07"],
  ["SwitchProtocolVersion(1.29.0)", { SwitchProtocolVersion: "1.29.0" }, "0A 06 31 2E 32 39 2E 30"],
  ["Tcp(PortSubscribe(80))", { Tcp: { PortSubscribe: 80 } }, "01 00 50"],
  ["Tcp(PortSubscribe(8080))", { Tcp: { PortSubscribe: 8080 } }, "01 00 FB 90 1F"],
  [
    "FileRequest(Open /etc/hosts read-only)",
    { FileRequest: { Open: { path: "/etc/hosts", open_options: readOnly } } },
    "05 00 0A 2F 65 74 63 2F 68 6F 73 74 73 01 00 00 00 00 00",
  ],
  [
    "GetAddrInfoRequestV2 example.com",
    {
      GetAddrInfoRequestV2: {
        node: "example.com",
        service_port: 0,
        family: "Both",
        socktype: "Any",
        flags: 0,
        protocol: 0,
      },
    },
    "0D 0B 65 78 61 6D 70 6C 65 2E 63 6F 6D 00 02 02 00 00",
  ],
  [
    "TcpSteal(HttpResponseChunked(Start))",
    {
      TcpSteal: {
        HttpResponseChunked: {
          Start: {
            port: 80,
            connection_id: 7n,
            request_id: 0,
            internal_response: {
              status: 200,
              version: "HTTP/1.1",
              headers: [["content-type", "text/plain"]],
              body: [],
            },
          },
        },
      },
    },
    "02 06 00 50 07 00 C8 08 48 54 54 50 2F 31 2E 31 01 0C 63 6F 6E 74 65 6E 74 2D 74 79 70 65 01 0A 74 65 78 74 2F 70 6C 61 69 6E 00",
  ],
  [
    "TcpSteal(HttpResponseChunked(Body))",
    {
      TcpSteal: {
        HttpResponseChunked: {
          Body: {
            frames: [{ Data: new Uint8Array([0x68, 0x69]) }],
            is_last: true,
            connection_id: 7n,
            request_id: 0,
          },
        },
      },
    },
    "02 06 01 01 00 02 68 69 01 07 00",
  ],
  [
    "TcpOutgoing(ConnectV2) with a v4 Uid (bytes reversed after FE)",
    {
      TcpOutgoing: {
        ConnectV2: {
          uid: "67e55044-10b1-426f-9247-bb680e5fe0c8",
          remote_address: { Ip: "127.0.0.1:8080" },
        },
      },
    },
    "03 03 FE C8 E0 5F 0E 68 BB 47 92 6F 42 B1 10 44 50 E5 67 00 00 7F 00 00 01 FB 90 1F",
  ],
  [
    "TcpOutgoing(Connect) to [::1]:443",
    { TcpOutgoing: { Connect: { remote_address: { Ip: "[::1]:443" } } } },
    "03 00 00 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 FB BB 01",
  ],
];

const DAEMON: [string, DaemonMessage, string][] = [
  ["Pong", "Pong", "07"],
  [
    "Tcp(Data{1, 01 02 03})",
    { Tcp: { Data: { connection_id: 1n, bytes: new Uint8Array([1, 2, 3]) } } },
    "01 01 01 03 01 02 03",
  ],
  ["File(Open(Ok{fd 3}))", { File: { Open: { Ok: { fd: 3n } } } }, "06 00 00 03"],
  [
    "File(Open(Err(RemoteIO NotFound)))",
    { File: { Open: { Err: { RemoteIO: { raw_os_error: 2, kind: "NotFound" } } } } },
    "06 00 01 04 01 04 00",
  ],
  [
    "GetAddrInfoResponse(Ok([example.com 93.184.216.34]))",
    { GetAddrInfoResponse: { Ok: [{ name: "example.com", ip: "93.184.216.34" }] } },
    "09 00 01 0B 65 78 61 6D 70 6C 65 2E 63 6F 6D 00 5D B8 D8 22",
  ],
  [
    "SwitchProtocolVersionResponse(1.30.0-alpha.1)",
    { SwitchProtocolVersionResponse: "1.30.0-alpha.1" },
    "0B 0E 31 2E 33 30 2E 30 2D 61 6C 70 68 61 2E 31",
  ],
];

for (const [name, value, bytes] of CLIENT) {
  Deno.test(`encodeClientMessage() writes protocol.md bytes for ${name}`, () => {
    assertEquals(toSpacedHex(encodeClientMessage(value)), toSpacedHex(hex(bytes)));
  });
  Deno.test(`ClientMessageDecoder.next() reads ${name} back`, () => {
    const decoder = new ClientMessageDecoder();
    decoder.push(hex(bytes));
    assertEquals(decoder.next(), value);
    assertEquals(decoder.bufferedBytes, 0);
  });
}

for (const [name, value, bytes] of DAEMON) {
  Deno.test(`encodeDaemonMessage() writes protocol.md bytes for ${name}`, () => {
    assertEquals(toSpacedHex(encodeDaemonMessage(value)), toSpacedHex(hex(bytes)));
  });
  Deno.test(`DaemonMessageDecoder.next() reads ${name} back`, () => {
    const decoder = new DaemonMessageDecoder();
    decoder.push(hex(bytes));
    assertEquals(decoder.next(), value);
  });
}

const NEW_SESSION: LocalMessage<LayerToProxyMessage> = {
  message_id: 0n,
  inner: {
    NewSession: {
      parent_layer: null,
      process_info: {
        pid: 1234,
        parent_pid: 1,
        name: "node",
        cmdline: ["node", "app.js"],
        loaded: true,
      },
    },
  },
};
const NEW_SESSION_FRAME =
  "00 00 00 1A 00 00 00 FB A4 09 02 04 6E 6F 64 65 02 04 6E 6F 64 65 06 61 70 70 2E 6A 73 01";

Deno.test("encodeLayerFrame() writes the §2.3 NewSession frame with its length prefix", () => {
  assertEquals(toSpacedHex(encodeLayerFrame(NEW_SESSION)), toSpacedHex(hex(NEW_SESSION_FRAME)));
});

Deno.test("LayerFrameDecoder.next() reads the §2.3 NewSession frame back", () => {
  const decoder = new LayerFrameDecoder();
  decoder.push(hex(NEW_SESSION_FRAME));
  assertEquals(decoder.next(), NEW_SESSION);
});
