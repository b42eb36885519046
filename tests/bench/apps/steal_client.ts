/**
 * A stealing agent client in its own process, for the steal load figures: it answers every stolen
 * HTTP request with `200 stolen` and echoes every stolen raw connection's bytes back, writing all
 * replies to one read's messages with one system call — what an efficient intproxy does, so the
 * figures measure the agent rather than the test client (which, like a real intproxy, does not
 * share the agent's event loop).
 *
 * Usage: `deno run -A tests/bench/apps/steal_client.ts <agent host> <agent port> <steal JSON>`
 * (e.g. `'{"All":8080}'`, `'{"FilteredHttpEx":[8080,{"Header":"^x-never: "}]}'`). Prints
 * `subscribed` once the agent confirmed the subscription; exits when the agent closes the link
 * or stdin closes.
 *
 * @module
 */
import {
  type ClientMessage,
  type DaemonMessage,
  DaemonMessageDecoder,
  encodeClientMessage,
  PROTOCOL_VERSION,
} from "../../../protocol-wasm/mod.ts";
import { joinBytes } from "../../../cli/join_bytes.ts";

const BODY = new TextEncoder().encode("stolen");

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let at = 0;
  while (at < bytes.length) at += await conn.write(bytes.subarray(at));
}

/** The replies to one agent message. */
function reply(message: DaemonMessage, pending: Set<bigint>): ClientMessage[] {
  if (typeof message !== "object" || !("TcpSteal" in message)) return [];
  const steal = message.TcpSteal;
  if ("SubscribeResult" in steal) {
    if ("Err" in steal.SubscribeResult) {
      throw new Error(`Cannot steal: ${JSON.stringify(steal.SubscribeResult.Err)}`);
    }
    console.log("subscribed");
    return [];
  }
  if ("Data" in steal) {
    return [{ TcpSteal: { Data: steal.Data } }];
  }
  if (!("HttpRequestChunked" in steal)) return [];
  const chunked = steal.HttpRequestChunked;
  let id: bigint;
  if ("StartV2" in chunked) {
    id = chunked.StartV2.connection_id;
    if (!chunked.StartV2.request.body.is_last) {
      pending.add(id);
      return [];
    }
  } else if ("Body" in chunked) {
    id = chunked.Body.connection_id;
    if (!chunked.Body.is_last || !pending.delete(id)) return [];
  } else return [];
  const ids = { connection_id: id, request_id: 0 };
  return [
    {
      TcpSteal: {
        HttpResponseChunked: {
          Start: {
            ...ids,
            port: 0,
            internal_response: { status: 200, version: "HTTP/1.1", headers: [], body: [] },
          },
        },
      },
    },
    {
      TcpSteal: {
        HttpResponseChunked: { Body: { ...ids, frames: [{ Data: BODY }], is_last: true } },
      },
    },
  ];
}

async function main(): Promise<void> {
  const [hostname, port, stealJson] = Deno.args;
  const conn = await Deno.connect({ hostname, port: Number(port) });
  conn.setNoDelay(true);
  const subscription = JSON.parse(stealJson);
  await writeAll(
    conn,
    joinBytes([
      encodeClientMessage({ SwitchProtocolVersion: PROTOCOL_VERSION }),
      encodeClientMessage({ TcpSteal: { PortSubscribe: subscription } }),
    ]),
  );
  // The bench ends the client by closing its stdin.
  (async () => {
    for await (const _ of Deno.stdin.readable) { /* wait for EOF */ }
    conn.close();
  })();
  const decoder = new DaemonMessageDecoder();
  const buffer = new Uint8Array(256 * 1024);
  const pending = new Set<bigint>();
  try {
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) break;
      decoder.push(buffer.subarray(0, n));
      const out: Uint8Array[] = [];
      for (let m = decoder.next(); m !== undefined; m = decoder.next()) {
        for (const answer of reply(m, pending)) out.push(encodeClientMessage(answer));
      }
      if (out.length > 0) await writeAll(conn, out.length === 1 ? out[0] : joinBytes(out));
    }
  } catch {
    // Closed by the bench.
  }
}

if (import.meta.main) await main();
