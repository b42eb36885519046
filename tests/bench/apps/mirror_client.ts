/**
 * A mirroring agent client in its own process, for the mirror load figures: the load generator
 * must not share an event loop with the client it measures (an intproxy never does either).
 *
 * Usage: `deno run -A tests/bench/apps/mirror_client.ts <agent host> <agent port> <target port>`
 *
 * Prints `subscribed` once the agent confirmed the subscription, then, for every line read on
 * stdin, one JSON line of counts: HTTP request copies started / completed / aborted (`ErrorV2`),
 * raw connection copies started / closed, the agent's "too slowly" warnings, messages and bytes
 * received.
 *
 * @module
 */
import {
  type DaemonMessage,
  DaemonMessageDecoder,
  encodeClientMessage,
  PROTOCOL_VERSION,
} from "../../../protocol-wasm/mod.ts";

/** What the client received so far. */
export interface MirrorCounts {
  started: number;
  completed: number;
  aborted: number;
  rawConnections: number;
  rawClosed: number;
  dropWarnings: number;
  messages: number;
  bytes: number;
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let at = 0;
  while (at < bytes.length) at += await conn.write(bytes.subarray(at));
}

function count(counts: MirrorCounts, message: DaemonMessage): "subscribed" | null {
  counts.messages++;
  if (typeof message !== "object") return null;
  if ("LogMessage" in message) {
    if (/too slowly/.test(message.LogMessage.message)) counts.dropWarnings++;
    return null;
  }
  if (!("Tcp" in message)) return null;
  const tcp = message.Tcp;
  if ("SubscribeResult" in tcp) {
    if ("Err" in tcp.SubscribeResult) {
      throw new Error(`Cannot mirror: ${JSON.stringify(tcp.SubscribeResult.Err)}`);
    }
    return "subscribed";
  }
  if ("NewConnectionV2" in tcp || "NewConnectionV1" in tcp) counts.rawConnections++;
  if ("Close" in tcp) counts.rawClosed++;
  if (!("HttpRequestChunked" in tcp)) return null;
  const chunked = tcp.HttpRequestChunked;
  if ("StartV2" in chunked) {
    counts.started++;
    if (chunked.StartV2.request.body.is_last) counts.completed++;
  } else if ("Body" in chunked) {
    if (chunked.Body.is_last) counts.completed++;
  } else if ("ErrorV2" in chunked) counts.aborted++;
  return null;
}

async function main(): Promise<void> {
  const [hostname, port, targetPort] = Deno.args;
  const conn = await Deno.connect({ hostname, port: Number(port) });
  conn.setNoDelay(true);
  await writeAll(conn, encodeClientMessage({ SwitchProtocolVersion: PROTOCOL_VERSION }));
  await writeAll(conn, encodeClientMessage("ReadyForLogs"));
  await writeAll(conn, encodeClientMessage({ Tcp: { PortSubscribe: Number(targetPort) } }));
  const counts: MirrorCounts = {
    started: 0,
    completed: 0,
    aborted: 0,
    rawConnections: 0,
    rawClosed: 0,
    dropWarnings: 0,
    messages: 0,
    bytes: 0,
  };
  const reports = (async () => {
    const lines = Deno.stdin.readable.pipeThrough(new TextDecoderStream());
    for await (const chunk of lines) {
      for (const _ of chunk.split("\n").slice(1)) console.log(JSON.stringify(counts));
    }
  })();
  const decoder = new DaemonMessageDecoder();
  const buffer = new Uint8Array(256 * 1024);
  while (true) {
    const n = await conn.read(buffer);
    if (n === null) break;
    counts.bytes += n;
    decoder.push(buffer.subarray(0, n));
    for (let m = decoder.next(); m !== undefined; m = decoder.next()) {
      if (count(counts, m) === "subscribed") console.log("subscribed");
    }
  }
  console.log(JSON.stringify(counts));
  await reports;
}

if (import.meta.main) await main();
