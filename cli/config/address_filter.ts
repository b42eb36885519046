/**
 * Entries of `feature.network.outgoing.filter` and `feature.network.dns.filter`:
 * `[protocol://][name|address|subnet/mask][:port]` (DNS entries take no protocol). IPv6
 * addresses are written in brackets: `[::1]:80`, `[fd00::]/8`.
 *
 * @module
 */

/** The address part of an entry. */
export type FilterAddress =
  | { kind: "any" }
  | { kind: "name"; name: string }
  | { kind: "ip"; ip: string }
  | { kind: "subnet"; ip: string; prefix: number };

/** A parsed entry. */
export interface AddressFilter {
  protocol: "tcp" | "udp" | null;
  address: FilterAddress;
  /** null: any port */
  port: number | null;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\.?$/;

function isIpv6(text: string): boolean {
  if (!text.includes(":")) return false;
  try {
    new URL(`http://[${text}]/`);
    return true;
  } catch {
    return false;
  }
}

/** Thrown by {@link parseAddressFilter}; the message says what is wrong with the entry. */
export class AddressFilterError extends Error {
  constructor(readonly entry: string, reason: string) {
    super(`"${entry}" ${reason}`);
    this.name = "AddressFilterError";
  }
}

function parsePort(entry: string, text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) {
    throw new AddressFilterError(entry, `has an invalid port "${text}" (expected 0–65535)`);
  }
  return Number(text);
}

function parsePrefix(entry: string, text: string, max: number): number {
  if (!/^\d{1,3}$/.test(text) || Number(text) > max) {
    throw new AddressFilterError(
      entry,
      `has an invalid subnet mask "/${text}" (expected 0–${max})`,
    );
  }
  return Number(text);
}

function splitPort(entry: string, rest: string): [string, number | null] {
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close < 0) throw new AddressFilterError(entry, "has an unclosed [ around an IPv6 address");
    const after = rest.slice(close + 1);
    const colon = after.lastIndexOf(":");
    if (colon < 0) return [rest, null];
    return [
      rest.slice(0, close + 1) + after.slice(0, colon),
      parsePort(entry, after.slice(colon + 1)),
    ];
  }
  const colon = rest.lastIndexOf(":");
  if (colon < 0) return [rest, null];
  if (rest.indexOf(":") !== colon) {
    throw new AddressFilterError(entry, "has an IPv6 address without brackets (write [addr]:port)");
  }
  return [rest.slice(0, colon), parsePort(entry, rest.slice(colon + 1))];
}

function parseAddress(entry: string, text: string): FilterAddress {
  if (text === "") return { kind: "any" };
  const [host, mask, ...extra] = text.split("/");
  if (extra.length) throw new AddressFilterError(entry, "has more than one /");
  let ip: string | null = null;
  let max = 32;
  if (host.startsWith("[") && host.endsWith("]") && isIpv6(host.slice(1, -1))) {
    ip = host.slice(1, -1);
    max = 128;
  } else if (IPV4.test(host)) ip = host;
  if (mask !== undefined) {
    if (ip === null) {
      throw new AddressFilterError(
        entry,
        `has a subnet mask after "${host}", which is not an IP address`,
      );
    }
    return { kind: "subnet", ip, prefix: parsePrefix(entry, mask, max) };
  }
  if (ip !== null) return { kind: "ip", ip };
  if (host.startsWith("[")) {
    throw new AddressFilterError(entry, `has "${host}", which is not an IPv6 address`);
  }
  if (!HOST_NAME.test(host)) {
    throw new AddressFilterError(entry, `has "${host}", which is not a host name or IP address`);
  }
  return { kind: "name", name: host };
}

/**
 * Parses one filter entry.
 *
 * @param entry the entry as written, e.g. `tcp://10.0.0.0/8:5432`
 * @param allowProtocol false for DNS filter entries
 * @returns its parts
 * @throws {AddressFilterError} when the entry does not fit the grammar
 * @example
 * ```ts
 * parseAddressFilter("tcp://1.1.1.0/24:1337");
 * // { protocol: "tcp", address: { kind: "subnet", ip: "1.1.1.0", prefix: 24 }, port: 1337 }
 * ```
 */
export function parseAddressFilter(entry: string, allowProtocol = true): AddressFilter {
  if (entry.trim() === "") throw new AddressFilterError(entry, "is empty");
  let rest = entry.trim();
  let protocol: AddressFilter["protocol"] = null;
  const scheme = /^([A-Za-z]+):\/\//.exec(rest);
  if (scheme) {
    const name = scheme[1].toLowerCase();
    if (!allowProtocol) {
      throw new AddressFilterError(entry, "has a protocol, which DNS filters do not take");
    }
    if (name !== "tcp" && name !== "udp") {
      throw new AddressFilterError(
        entry,
        `has the protocol "${scheme[1]}" (expected tcp:// or udp://)`,
      );
    }
    protocol = name;
    rest = rest.slice(scheme[0].length);
  }
  const [address, port] = splitPort(entry, rest);
  return { protocol, address: parseAddress(entry, address), port };
}
