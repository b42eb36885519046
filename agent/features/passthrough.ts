/**
 * Passthrough (how-it-works §3.8.4): connections and requests nobody steals go on to the
 * target's own server at the original destination. The agent's sockets carry its group id, which
 * the redirect chains exempt, so they are not redirected back to the agent. Raw connections and
 * upgraded HTTP connections are spliced both ways with half-closes carried over.
 *
 * @module
 */
import { closeQuietly, ConnReader } from "./conn_reader.ts";
import { SocketWriter } from "./socket_writer.ts";
import type { Endpoint } from "./traffic_context.ts";

/** Bytes a spliced direction may have queued before it stops reading its source. */
export const SPLICE_QUEUE_LIMIT = 64 * 1024;

/** A socket with its reader and its writer. */
export interface BufferedSocket {
  reader: ConnReader;
  writer: SocketWriter;
}

/**
 * Connects to the target's server.
 *
 * @param destination the original destination
 * @returns the connection
 */
export async function connectOriginal(destination: Endpoint): Promise<BufferedSocket> {
  const conn = await Deno.connect({ hostname: destination.ip, port: destination.port });
  conn.setNoDelay(true);
  const writer = new SocketWriter(conn, () => closeQuietly(conn));
  return { reader: new ConnReader(conn), writer };
}

async function pump(
  from: ConnReader,
  to: SocketWriter,
  tap?: (bytes: Uint8Array | null) => void,
): Promise<void> {
  try {
    while (true) {
      const bytes = await from.read();
      if (bytes === null || to.closed) break;
      tap?.(bytes);
      to.write(bytes);
      if (to.pendingBytes > SPLICE_QUEUE_LIMIT) await to.drained(SPLICE_QUEUE_LIMIT);
    }
  } catch {
    // The other side is gone; its own pump ends too once the sockets close.
    closeQuietly(from.conn);
  }
  tap?.(null);
  to.closeWrite();
  await to.drained();
}

/**
 * Relays two connections until both directions ended, then closes both.
 *
 * @param peer the redirected connection (its buffered bytes go first) and its writer
 * @param server the target's server
 * @param tap sees every chunk from the peer, then null at its end (mirror copies)
 */
export async function splice(
  peer: BufferedSocket,
  server: BufferedSocket,
  tap?: (bytes: Uint8Array | null) => void,
): Promise<void> {
  await Promise.all([pump(peer.reader, server.writer, tap), pump(server.reader, peer.writer)]);
  peer.writer.close();
  server.writer.close();
}
