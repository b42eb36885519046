/**
 * The incoming decisions and messages of src/incoming_policy.c, src/http_filter.c and
 * src/codec_incoming.c through the unit driver; every message is decoded with protocol-wasm's
 * facade, so the expected values are the wire's own.
 */
import assert from "node:assert/strict";
import { encodeProxyFrame, LayerFrameDecoder } from "../../protocol-wasm/mod.ts";
import { driverLines } from "./fixture/unit_driver.ts";

function fromHex(hex: string): Uint8Array {
  return new Uint8Array(hex.match(/../g)?.map((h) => parseInt(h, 16)) ?? []);
}

/** Decodes an inner LayerToProxyMessage (hex) with the facade; returns its Incoming value. */
function decodeInner(hex: string): unknown {
  const inner = fromHex(hex);
  const frame = new Uint8Array(5 + inner.length);
  new DataView(frame.buffer).setUint32(0, inner.length + 1);
  frame[4] = 7; /* message id */
  frame.set(inner, 5);
  const decoder = new LayerFrameDecoder();
  decoder.push(frame);
  const message = decoder.next() as { inner: { Incoming: unknown } };
  assert.ok(message, `did not decode: ${hex}`);
  return message.inner.Incoming;
}

interface Decision {
  only_bound: number;
  remote_port: number;
  subscribe: string;
  error?: string;
}

async function decide(
  incoming: unknown,
  ip: string,
  port: number,
  kind = "tcp",
  extra: string[] = [],
): Promise<Decision> {
  const config = { feature: { network: { incoming } } };
  const [line] = await driverLines<Decision>(
    ["incoming", "decide", ip, String(port), kind, ...extra],
    JSON.stringify(config),
  );
  return line;
}

async function subscription(incoming: unknown, port: number, ip = "0.0.0.0"): Promise<unknown> {
  const d = await decide(incoming, ip, port);
  assert.equal(d.error, undefined);
  const value = decodeInner(d.subscribe) as {
    PortSubscribe: { listening_on: unknown; subscription: unknown };
  };
  assert.deepEqual(value.PortSubscribe.listening_on, {
    Socket: ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`,
  });
  return value.PortSubscribe.subscription;
}

Deno.test("incoming_subscription() mirrors every request by default and steals with mode steal", async () => {
  assert.deepEqual(await subscription(undefined, 8080), { Mirror: { All: 8080 } });
  assert.deepEqual(await subscription("mirror", 8080, "::"), { Mirror: { All: 8080 } });
  assert.deepEqual(await subscription({ mode: "steal" }, 8080), { Steal: { All: 8080 } });
});

Deno.test("incoming_subscription() sends header and path filters as FilteredHttpEx / FilteredHttp", async () => {
  assert.deepEqual(
    await subscription({ mode: "steal", http_filter: { header_filter: "x-user: me" } }, 80),
    { Steal: { FilteredHttpEx: [80, { Header: "x-user: me" }] } },
  );
  assert.deepEqual(
    await subscription({ mode: "mirror", http_filter: { path_filter: "^/api" } }, 80),
    { Mirror: { FilteredHttp: [80, { Path: "^/api" }] } },
  );
});

Deno.test("incoming_subscription() encodes method, body and jq filters", async () => {
  const steal = (http_filter: unknown) => subscription({ mode: "steal", http_filter }, 80);
  assert.deepEqual(await steal({ method_filter: "post" }), {
    Steal: { FilteredHttpEx: [80, { Method: "Post" }] },
  });
  assert.deepEqual(await steal({ method_filter: "PURGE" }), {
    Steal: { FilteredHttpEx: [80, { Method: { Other: "PURGE" } }] },
  });
  assert.deepEqual(
    await steal({ body_filter: { body: "json", query: "$.user", matches: "^me$" } }),
    { Steal: { FilteredHttpEx: [80, { Body: { Json: { query: "$.user", matches: "^me$" } } }] } },
  );
  assert.deepEqual(await steal({ header_filter_jq: '.["x-a"] == "1"' }), {
    Steal: { FilteredHttpEx: [80, { HeaderJq: '.["x-a"] == "1"' }] },
  });
});

Deno.test("incoming_subscription() turns all_of / any_of into Composite filters", async () => {
  const entries = [
    { header: "^x-a: 1$" },
    { path: "/v1" },
    { method: "get" },
    { body: "json", query: "$.n", matches: "4$" },
    { query: ".a" },
  ];
  const filters = [
    { Header: "^x-a: 1$" },
    { Path: "/v1" },
    { Method: "Get" },
    { Body: { Json: { query: "$.n", matches: "4$" } } },
    { HeaderJq: ".a" },
  ];
  assert.deepEqual(await subscription({ mode: "steal", http_filter: { all_of: entries } }, 80), {
    Steal: { FilteredHttpEx: [80, { Composite: { all: true, filters } }] },
  });
  assert.deepEqual(await subscription({ http_filter: { any_of: entries.slice(0, 2) } }, 80), {
    Mirror: { FilteredHttp: [80, { Composite: { all: false, filters: filters.slice(0, 2) } }] },
  });
});

Deno.test("incoming_subscription() combines a method filter next to another one with all", async () => {
  assert.deepEqual(
    await subscription({
      mode: "steal",
      http_filter: { header_filter: "x: 1", method_filter: "DELETE" },
    }, 80),
    {
      Steal: {
        FilteredHttpEx: [80, {
          Composite: { all: true, filters: [{ Header: "x: 1" }, { Method: "Delete" }] },
        }],
      },
    },
  );
});

Deno.test("incoming_subscription() filters only the target ports in http_filter.ports", async () => {
  const incoming = { mode: "steal", http_filter: { path_filter: "/a", ports: [80] } };
  assert.deepEqual(await subscription(incoming, 8080), { Steal: { All: 8080 } });
  assert.deepEqual(await subscription(incoming, 80), {
    Steal: { FilteredHttpEx: [80, { Path: "/a" }] },
  });
  assert.deepEqual(
    await subscription({ ...incoming, port_mapping: [[8080, 80]] }, 8080),
    { Steal: { FilteredHttpEx: [80, { Path: "/a" }] } },
    "the mapped (target) port decides",
  );
  assert.deepEqual(
    await subscription(
      { ...incoming, http_filter: { ...incoming.http_filter, ports: 8080 } },
      8080,
    ),
    { Steal: { FilteredHttpEx: [8080, { Path: "/a" }] } },
    "a single port instead of a list",
  );
});

Deno.test("incoming_subscription() subscribes the port_mapping target port", async () => {
  const d = await decide({ port_mapping: [[9000, 80], [9001, 81]] }, "0.0.0.0", 9001);
  assert.equal(d.remote_port, 81);
  assert.deepEqual(decodeInner(d.subscribe), {
    PortSubscribe: {
      listening_on: { Socket: "0.0.0.0:9001" },
      subscription: { Mirror: { All: 81 } },
    },
  });
});

Deno.test("incoming_only_bound() keeps ignored ports, localhost, port 0 and debugger ports unsubscribed", async () => {
  const only = async (incoming: unknown, ip: string, port: number, ...rest: string[]) =>
    (await decide(incoming, ip, port, rest[0] ?? "tcp", rest.slice(1))).only_bound;
  assert.equal(await only({}, "0.0.0.0", 8080), 0);
  assert.equal(await only({ ignore_ports: [8080, 9090] }, "0.0.0.0", 8080), 1);
  assert.equal(await only({ ignore_ports: [9090] }, "0.0.0.0", 8080), 0);
  assert.equal(await only({ ignore_localhost: true }, "127.0.0.1", 8080), 1);
  assert.equal(await only({ ignore_localhost: true }, "::1", 8080), 1);
  assert.equal(await only({ ignore_localhost: true }, "0.0.0.0", 8080), 0);
  assert.equal(await only({}, "0.0.0.0", 0, "tcp"), 1);
  assert.equal(await only({}, "0.0.0.0", 0, "udp"), 0);
  assert.equal(await only({}, "127.0.0.1", 5678, "tcp", "debugger"), 1);
});

Deno.test("incoming_only_bound() compares `ports` with the target port after port_mapping", async () => {
  const only = async (incoming: unknown, port: number) =>
    (await decide(incoming, "0.0.0.0", port)).only_bound;
  assert.equal(await only({ ports: [80] }, 8080), 1);
  assert.equal(await only({ ports: [80] }, 80), 0);
  assert.equal(await only({ ports: [80], port_mapping: [[8080, 80]] }, 8080), 0);
  assert.equal(await only({ ports: null }, 8080), 0);
});

Deno.test("http_filter_from_json() rejects an all_of entry of no known shape", async () => {
  const d = await decide(
    { http_filter: { all_of: [{ header: "a" }, { cookie: "b" }] } },
    "0.0.0.0",
    80,
  );
  assert.match(d.error ?? "", /http_filter\.all_of has an entry that is none of/);
});

Deno.test("incoming_bind_attempts() falls back to port 0, then to loopback for a foreign IP", async () => {
  const attempts = async (...args: string[]) =>
    (await driverLines<string[]>(["incoming", "attempts", ...args]))[0];
  assert.deepEqual(await attempts("10.0.0.5", "80"), [
    "10.0.0.5:80",
    "10.0.0.5:0",
    "127.0.0.1:80",
    "127.0.0.1:0",
  ]);
  assert.deepEqual(await attempts("0.0.0.0", "80"), ["0.0.0.0:80", "0.0.0.0:0"]);
  assert.deepEqual(await attempts("127.0.0.1", "0"), ["127.0.0.1:0"]);
  assert.deepEqual(await attempts("fd00::5", "80"), [
    "[fd00::5]:80",
    "[fd00::5]:0",
    "[::]:80",
    "[::]:0",
  ]);
});

Deno.test("incoming_bind_attempts() with a listen_ports entry tries only that port", async () => {
  const attempts = async (...args: string[]) =>
    (await driverLines<string[]>(["incoming", "attempts", ...args]))[0];
  assert.deepEqual(await attempts("0.0.0.0", "80", "18080"), ["0.0.0.0:18080"]);
  assert.deepEqual(await attempts("10.0.0.5", "80", "18080"), [
    "10.0.0.5:18080",
    "127.0.0.1:18080",
  ]);
});

Deno.test("enc_port_unsubscribe() and enc_incoming_conn_metadata() decode with the facade", async () => {
  const [unsub] = await driverLines<{ hex: string }>([
    "incoming",
    "unsubscribe",
    "::",
    "8080",
    "80",
  ]);
  assert.deepEqual(decodeInner(unsub.hex), {
    PortUnsubscribe: { port: 80, listening_on: { Socket: "[::]:8080" } },
  });
  const [meta] = await driverLines<{ hex: string }>([
    "incoming",
    "metadata",
    "0.0.0.0",
    "8080",
    "127.0.0.1",
    "40000",
  ]);
  assert.deepEqual(decodeInner(meta.hex), {
    ConnMetadata: { listener_address: "0.0.0.0:8080", peer_address: "127.0.0.1:40000" },
  });
});

Deno.test("dec_conn_metadata_response() reads the facade's ConnMetadataResponse", async () => {
  for (
    const [remote_source, local_address] of [["10.1.2.3:5555", "10.0.0.5"], [
      "[fd00::7]:443",
      "fd00::1",
    ]]
  ) {
    const frame = encodeProxyFrame({
      message_id: 1n,
      inner: { Incoming: { ConnMetadata: { remote_source, local_address } } },
    });
    /* length prefix (4), message id (1), ProxyToLayerMessage::Incoming (1), ConnMetadata (1) */
    const hex = [...frame.slice(7)].map((b) => b.toString(16).padStart(2, "0")).join("");
    const [decoded] = await driverLines<Record<string, unknown>>([
      "incoming",
      "decode-metadata",
      hex,
    ]);
    const local = local_address.includes(":") ? `[${local_address}]:0` : `${local_address}:0`;
    assert.deepEqual(decoded, { remote_source, local_address: local, error: 0 });
  }
});
