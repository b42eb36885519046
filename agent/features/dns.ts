/**
 * The DNS feature: `GetAddrInfoRequest`/`V2` and `ReverseDnsLookup`, answered with a stub resolver
 * built from the target's resolv.conf and hosts for every request. Queries leave from the agent's
 * network namespace, i.e. the target's.
 *
 * @module
 */
import { isIP } from "node:net";
import type {
  AddressFamily,
  LookupRecord,
  ResolveErrorKindInternal,
} from "../../protocol-wasm/mod.ts";
import {
  candidateNames,
  type HostsEntry,
  parseHosts,
  parseResolvConf,
  type ResolverConfig,
} from "./dns_config.ts";
import { resolveUnderRoot } from "./root_path.ts";

export type { AddressFamily, LookupRecord };
type ResolveErrorKind = ResolveErrorKindInternal;

/** A failed lookup; the dispatcher sends `Err(DnsLookup{kind})`. */
export class DnsLookupError extends Error {
  /** @param kind the protocol error kind */
  constructor(readonly kind: ResolveErrorKind) {
    super(`DNS lookup failed: ${JSON.stringify(kind)}`);
    this.name = "DnsLookupError";
  }
}

const NXDOMAIN = 3;

/** Overrides the agent takes from its environment (`agent.dns` in the config). */
export interface DnsOverrides {
  timeoutSecs?: number;
  attempts?: number;
}

/**
 * Reads `MIRRORD_AGENT_DNS_TIMEOUT` / `MIRRORD_AGENT_DNS_ATTEMPTS`.
 *
 * @param env the agent's environment
 * @returns the overrides that are set
 */
export function dnsOverridesFromEnv(env: Record<string, string | undefined>): DnsOverrides {
  const read = (value: string | undefined) =>
    value !== undefined && /^\d+$/.test(value) && Number(value) > 0 ? Number(value) : undefined;
  return {
    timeoutSecs: read(env.MIRRORD_AGENT_DNS_TIMEOUT),
    attempts: read(env.MIRRORD_AGENT_DNS_ATTEMPTS),
  };
}

async function readUnderRoot(root: string, path: string): Promise<string> {
  try {
    return await Deno.readTextFile(resolveUnderRoot(root, path, { followLast: true }));
  } catch {
    return "";
  }
}

function familyAccepts(family: AddressFamily, ip: string): boolean {
  const version = isIP(ip);
  if (family === "Ipv4Only") return version === 4;
  if (family === "Ipv6Only") return version === 6;
  return version !== 0;
}

function recordTypes(family: AddressFamily): ("A" | "AAAA")[] {
  if (family === "Ipv4Only") return ["A"];
  if (family === "Ipv6Only") return ["AAAA"];
  return ["A", "AAAA"];
}

/** Resolves names the way the target would. */
export class TargetResolver {
  /**
   * @param root the target root holding etc/resolv.conf and etc/hosts
   * @param overrides timeout/attempts from the agent's env
   */
  constructor(private readonly root: string, private readonly overrides: DnsOverrides = {}) {}

  private async config(): Promise<{ resolver: ResolverConfig; hosts: HostsEntry[] }> {
    const resolver = parseResolvConf(await readUnderRoot(this.root, "/etc/resolv.conf"));
    resolver.timeoutSecs = this.overrides.timeoutSecs ?? resolver.timeoutSecs;
    resolver.attempts = this.overrides.attempts ?? resolver.attempts;
    const hosts = parseHosts(await readUnderRoot(this.root, "/etc/hosts"));
    return { resolver, hosts };
  }

  /**
   * getaddrinfo: IP literals as they are, then the hosts file, then the name servers.
   *
   * @param node the name
   * @param family which address families to return
   * @returns the records
   * @throws {DnsLookupError} when nothing is found or no server answers
   */
  async lookup(node: string, family: AddressFamily): Promise<LookupRecord[]> {
    if (isIP(node)) {
      if (!familyAccepts(family, node)) throw new DnsLookupError({ NoRecordsFound: 0 });
      return [{ name: node, ip: node }];
    }
    const { resolver, hosts } = await this.config();
    const wanted = node.replace(/\.$/, "").toLowerCase();
    const fromHosts = hosts.filter((e) => e.names.includes(wanted) && familyAccepts(family, e.ip))
      .map((e) => ({ name: node.replace(/\.$/, ""), ip: e.ip }));
    if (fromHosts.length > 0) return fromHosts;
    if (resolver.nameServers.length === 0) throw new DnsLookupError("NoConnections");
    let lastFailure: ResolveErrorKind = { NoRecordsFound: NXDOMAIN };
    for (const name of candidateNames(node, resolver)) {
      const records: LookupRecord[] = [];
      for (const type of recordTypes(family)) {
        if (family === "Any" && type === "AAAA" && records.length > 0) break;
        const answer = await this.query(name, type, resolver);
        if ("failure" in answer) {
          lastFailure = answer.failure;
          continue;
        }
        for (const ip of answer.ips) records.push({ name, ip });
      }
      if (records.length > 0) return records;
    }
    throw new DnsLookupError(lastFailure);
  }

  /**
   * Reverse lookup: the hosts file, then a PTR query.
   *
   * @param ip the address
   * @returns the host name
   * @throws {DnsLookupError} when none is found
   */
  async reverse(ip: string): Promise<string> {
    const { resolver, hosts } = await this.config();
    const fromHosts = hosts.find((e) => e.ip === ip);
    if (fromHosts) return fromHosts.names[0];
    const answer = await this.query(reverseName(ip), "PTR", resolver);
    if ("failure" in answer) throw new DnsLookupError(answer.failure);
    return answer.ips[0].replace(/\.$/, "");
  }

  private async query(
    name: string,
    type: "A" | "AAAA" | "PTR",
    config: ResolverConfig,
  ): Promise<{ ips: string[] } | { failure: ResolveErrorKind }> {
    let failure: ResolveErrorKind = "Timeout";
    for (let attempt = 0; attempt < config.attempts; attempt++) {
      for (const server of config.nameServers) {
        try {
          const ips = await Deno.resolveDns(name, type as "A", {
            nameServer: { ipAddr: server, port: 53 },
            signal: AbortSignal.timeout(config.timeoutSecs * 1000),
          });
          if (ips.length > 0) return { ips };
          return { failure: { NoRecordsFound: 0 } };
        } catch (error) {
          if (error instanceof Deno.errors.NotFound) {
            return { failure: { NoRecordsFound: NXDOMAIN } };
          }
          if (error instanceof Deno.errors.PermissionDenied) failure = "PermissionDenied";
          else if ((error as Error).name !== "TimeoutError") {
            failure = { Message: (error as Error).message };
          }
        }
      }
    }
    return { failure };
  }
}

/**
 * The PTR query name of an address.
 *
 * @param ip an IPv4 or IPv6 address
 * @returns e.g. `4.3.2.1.in-addr.arpa`
 */
export function reverseName(ip: string): string {
  if (isIP(ip) === 4) return `${ip.split(".").reverse().join(".")}.in-addr.arpa`;
  const groups = ip.split("::");
  const head = groups[0] ? groups[0].split(":") : [];
  const tail = groups.length > 1 && groups[1] ? groups[1].split(":") : [];
  const full = [...head, ...Array(8 - head.length - tail.length).fill("0"), ...tail];
  const nibbles = full.map((g) => g.padStart(4, "0")).join("");
  return `${[...nibbles].reverse().join(".")}.ip6.arpa`;
}
