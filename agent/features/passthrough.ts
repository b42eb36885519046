/**
 * Passthrough (how-it-works §3.8.4): connections and requests nobody steals go on to the
 * target's own server at the original destination. The agent's sockets carry its group id, which
 * the redirect chains exempt, so they are not redirected back to the agent. Raw connections and
 * upgraded HTTP connections are spliced both ways with half-closes carried over.
 *
 * @module
 */
import { closeQuietly, closeWriteQuietly, ConnReader, writeAll } from "./conn_reader.ts";
import type { Endpoint } from "./traffic_context.ts";

/**
 * Connects to the target's server.
 *
 * @param destination the original destination
 * @returns the connection, buffered
 */
export async function connectOriginal(destination: Endpoint): Promise<ConnReader> {
  const conn = await Deno.connect({ hostname: destination.ip, port: destination.port });
  conn.setNoDelay(true);
  return new ConnReader(conn);
}

async function pump(
  from: ConnReader,
  to: Deno.Conn,
  tap?: (bytes: Uint8Array | null) => void,
): Promise<void> {
  try {
    while (true) {
      const bytes = await from.read();
      if (bytes === null) break;
      tap?.(bytes);
      await writeAll(to, bytes);
    }
  } catch {
    // The other side is gone; its own pump ends too once the sockets close.
    closeQuietly(from.conn);
  }
  tap?.(null);
  await closeWriteQuietly(to);
}

/**
 * Relays two connections until both directions ended, then closes both.
 *
 * @param peer the redirected connection (its buffered bytes go first)
 * @param server the target's server
 * @param tap sees every chunk from the peer, then null at its end (mirror copies)
 */
export async function splice(
  peer: ConnReader,
  server: ConnReader,
  tap?: (bytes: Uint8Array | null) => void,
): Promise<void> {
  await Promise.all([pump(peer, server.conn, tap), pump(server, peer.conn)]);
  closeQuietly(peer.conn);
  closeQuietly(server.conn);
}
