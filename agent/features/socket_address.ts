/**
 * `SocketAddress` of the outgoing feature in the facade's shape, and conversions to what Deno's
 * socket APIs take and give.
 *
 * @module
 */

/** `UnixAddr`. */
export type UnixAddress = { Pathname: string } | { Abstract: Uint8Array } | "Unnamed";

/** `SocketAddress`: an IP socket address string (`1.2.3.4:80`, `[::1]:80`) or a unix address. */
export type SocketAddress = { Ip: string } | { Unix: UnixAddress };

/**
 * Splits `1.2.3.4:80` / `[::1]:80`.
 *
 * @param address the socket address string
 * @returns host (without brackets) and port
 * @throws {TypeError} on a malformed address
 */
export function splitHostPort(address: string): { hostname: string; port: number } {
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(address) ?? /^([^:]+):(\d+)$/.exec(address);
  if (!match || Number(match[2]) > 65535) {
    throw new TypeError(`Cannot read socket address "${address}": expected ip:port or [ipv6]:port`);
  }
  return { hostname: match[1], port: Number(match[2]) };
}

/**
 * Formats a Deno address as the protocol's `SocketAddress`.
 *
 * @param address a Deno socket address
 * @returns the protocol value
 */
export function socketAddressOf(address: Deno.Addr): SocketAddress {
  if (address.transport === "tcp" || address.transport === "udp") {
    const host = address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname;
    return { Ip: `${host}:${address.port}` };
  }
  const path = (address as Deno.UnixAddr).path;
  return { Unix: path ? { Pathname: path } : "Unnamed" };
}
