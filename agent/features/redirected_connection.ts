/**
 * One connection the redirect brought to the agent (how-it-works §3.8.3): its protocol is
 * detected, then raw TCP goes to the port's unfiltered stealer (or through to the target's server)
 * with copies to unfiltered mirroring clients; HTTP/1 and HTTP/2 are served request by request.
 *
 * @module
 */
import type { ClientHandle } from "../client_handle.ts";
import { closeQuietly, ConnReader } from "./conn_reader.ts";
import { type Detection, detectProtocol } from "./http_detection.ts";
import { Http1Connection } from "./http1_connection.ts";
import { newConnection } from "./incoming_messages.ts";
import { MirroredConnection } from "./mirror.ts";
import { type BufferedSocket, connectOriginal, splice } from "./passthrough.ts";
import { SocketWriter } from "./socket_writer.ts";
import { StolenConnection } from "./stolen_connection.ts";
import {
  connectionInfo,
  type ConnectionMeta,
  plainIp,
  type TrafficContext,
} from "./traffic_context.ts";

const warnedFilteredRaw = new WeakMap<ClientHandle, Set<number>>();

function warnFilteredMirror(client: ClientHandle, port: number): void {
  const ports = warnedFilteredRaw.get(client) ?? new Set<number>();
  if (ports.has(port)) return;
  ports.add(port);
  warnedFilteredRaw.set(client, ports);
  client.log(
    "Warn",
    `Non-HTTP traffic on port ${port} is not mirrored: your mirror subscription has an HTTP filter`,
  );
}

/**
 * The addresses of an accepted redirected connection.
 *
 * @param conn the accepted socket
 * @param port the target port its listener serves
 * @returns its metadata
 */
export function metaOf(conn: Deno.TcpConn, port: number): ConnectionMeta {
  const remote = conn.remoteAddr as Deno.NetAddr;
  const local = conn.localAddr as Deno.NetAddr;
  return {
    port,
    peer: { ip: plainIp(remote.hostname), port: remote.port },
    destination: { ip: plainIp(local.hostname), port },
  };
}

/**
 * Serves a redirected connection until it ends.
 *
 * @param ctx agent-wide incoming state
 * @param conn the accepted socket
 * @param port the target port
 */
export async function serveRedirected(
  ctx: TrafficContext,
  conn: Deno.TcpConn,
  port: number,
): Promise<void> {
  const meta = metaOf(conn, port);
  const reader = new ConnReader(conn);
  try {
    const detection: Detection = ctx.subscriptions.has(port)
      ? await detectProtocol(reader, ctx.settings.detectionTimeoutMs)
      : { protocol: "raw", timedOut: false };
    const protocol = detection.protocol;
    ctx.stats.detected[protocol]++;
    if (detection.timedOut) ctx.stats.detectionTimeouts++;
    if (protocol === "http1") await new Http1Connection(ctx, reader, meta).serve();
    else if (protocol === "h2") {
      // Loaded on the first HTTP/2 connection: HPACK (hpack.js, with Node's compatibility
      // layer) costs ~9 MiB of memory an agent that never sees HTTP/2 does not need.
      const { H2Connection } = await import("./h2_connection.ts");
      await new H2Connection(ctx, reader, meta).serve();
    } else await serveRaw(ctx, reader, meta);
  } catch (error) {
    ctx.log.debug(`redirected connection from ${meta.peer.ip}:${meta.peer.port} failed: ${error}`);
    closeQuietly(conn);
  }
}

async function serveRaw(ctx: TrafficContext, reader: ConnReader, meta: ConnectionMeta) {
  const state = ctx.subscriptions.get(meta.port);
  const mirrors: MirroredConnection[] = [];
  for (const [client, filter] of state?.mirrors ?? []) {
    if (filter !== null) warnFilteredMirror(client, meta.port);
    else {
      const id = ctx.nextConnectionId();
      mirrors.push(new MirroredConnection(client, id, connectionInfo(meta, id), ctx.mirrors));
    }
  }
  const tap = (bytes: Uint8Array | null) => {
    for (const mirror of mirrors) bytes === null ? mirror.finish() : mirror.data(bytes);
  };
  const stealer = state?.unfilteredStealer ?? null;
  if (stealer !== null) {
    const id = ctx.nextConnectionId();
    const stolen = new StolenConnection(stealer, id, reader, (done) => {
      ctx.steals.removeConnection(done);
      for (const mirror of mirrors) mirror.close();
    }, tap);
    ctx.steals.addConnection(stolen, meta.port);
    stealer.send({ TcpSteal: newConnection(stealer.version, connectionInfo(meta, id)) });
    await stolen.pump();
    return;
  }
  let server: BufferedSocket;
  try {
    server = await connectOriginal(meta.destination);
  } catch (error) {
    ctx.log.debug(`passthrough to port ${meta.port} failed: ${(error as Error).message}`);
    for (const mirror of mirrors) mirror.close();
    closeQuietly(reader.conn);
    return;
  }
  const peer = { reader, writer: new SocketWriter(reader.conn, () => closeQuietly(reader.conn)) };
  await splice(peer, server, mirrors.length > 0 ? tap : undefined);
  for (const mirror of mirrors) mirror.close();
}
