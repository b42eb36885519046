/**
 * The TCP echo app: every connection gets back the bytes it sends until it closes its side.
 *
 * @module
 */

async function echo(conn: Deno.Conn, log: (line: string) => void): Promise<void> {
  const peer = conn.remoteAddr as Deno.NetAddr;
  log(`[tcp-echo] connection from ${peer.hostname}:${peer.port}`);
  try {
    await conn.readable.pipeTo(conn.writable);
  } catch {
    // the peer reset the connection; nothing to answer
  }
}

/**
 * Starts the echo server.
 *
 * @param port TCP port (0 picks a free one)
 * @param log where connection lines go
 * @returns the listener (close it to stop accepting)
 * @example Echo on 7
 * ```ts
 * const listener = startTcpEcho(7);
 * listener.close();
 * ```
 */
export function startTcpEcho(
  port: number,
  log: (line: string) => void = console.log,
): Deno.TcpListener {
  const listener = Deno.listen({ port, hostname: "0.0.0.0" });
  (async () => {
    try {
      for await (const conn of listener) echo(conn, log);
    } catch (error) {
      if (!(error instanceof Deno.errors.BadResource)) throw error;
    }
  })();
  return listener;
}
