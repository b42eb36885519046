/**
 * The UDP echo app: every datagram is sent back to its sender.
 *
 * @module
 */
import dgram from "node:dgram";

/**
 * Starts the echo server.
 *
 * @param port UDP port (0 picks a free one)
 * @param log where datagram lines go
 * @returns the bound socket and its port (close the socket to stop)
 * @example Echo on 7
 * ```ts
 * const { socket } = await startUdpEcho(7);
 * socket.close();
 * ```
 */
export function startUdpEcho(
  port: number,
  log: (line: string) => void = console.log,
): Promise<{ socket: dgram.Socket; port: number }> {
  const socket = dgram.createSocket("udp4");
  socket.on("message", (message, peer) => {
    log(`[udp-echo] ${message.length} bytes from ${peer.address}:${peer.port}`);
    socket.send(message, peer.port, peer.address);
  });
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(port, "0.0.0.0", () => resolve({ socket, port: socket.address().port }));
  });
}
