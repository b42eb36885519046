/**
 * Conversions between the protocol's `SocketAddress` (an IP socket address string such as
 * `1.2.3.4:80` / `[::1]:80`, or a unix address) and what Deno's socket APIs take and give.
 *
 * @module
 */

import type { SocketAddress } from "../../protocol-wasm/mod.ts";

export type { SocketAddress };

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
