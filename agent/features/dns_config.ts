/**
 * The target's resolver configuration: `/etc/resolv.conf` (name servers, search list, options) and
 * `/etc/hosts`, read fresh from the target root for every DNS request, as mirrord does.
 *
 * @module
 */

/** What the agent's stub resolver uses from resolv.conf. */
export interface ResolverConfig {
  nameServers: string[];
  search: string[];
  ndots: number;
  timeoutSecs: number;
  attempts: number;
}

/** glibc's defaults when resolv.conf says nothing. */
export const RESOLVER_DEFAULTS: ResolverConfig = {
  nameServers: [],
  search: [],
  ndots: 1,
  timeoutSecs: 5,
  attempts: 2,
};

/**
 * Parses resolv.conf text.
 *
 * @param text the file content
 * @returns the configuration (glibc defaults for what is absent)
 */
export function parseResolvConf(text: string): ResolverConfig {
  const config: ResolverConfig = { ...RESOLVER_DEFAULTS, nameServers: [], search: [] };
  for (const raw of text.split("\n")) {
    const line = raw.replace(/[#;].*/, "").trim();
    const [keyword, ...values] = line.split(/\s+/);
    switch (keyword) {
      case "nameserver":
        if (values[0]) config.nameServers.push(values[0].replace(/%.*/, ""));
        break;
      case "search":
      case "domain":
        config.search = values.filter(Boolean);
        break;
      case "options":
        for (const option of values) {
          const [name, value] = option.split(":");
          const number = Number(value);
          if (!Number.isInteger(number) || number < 0) continue;
          if (name === "ndots") config.ndots = Math.min(number, 15);
          if (name === "timeout") config.timeoutSecs = Math.max(number, 1);
          if (name === "attempts") config.attempts = Math.max(number, 1);
        }
        break;
    }
  }
  return config;
}

/** One `/etc/hosts` mapping. */
export interface HostsEntry {
  ip: string;
  names: string[];
}

/**
 * Parses hosts-file text.
 *
 * @param text the file content
 * @returns the entries in file order
 */
export function parseHosts(text: string): HostsEntry[] {
  const entries: HostsEntry[] = [];
  for (const raw of text.split("\n")) {
    const [ip, ...names] = raw.replace(/#.*/, "").trim().split(/\s+/);
    if (ip && names.length > 0) entries.push({ ip, names: names.map((n) => n.toLowerCase()) });
  }
  return entries;
}

/**
 * The names to query for `node`, in order, following the search list and ndots.
 *
 * @param node the name asked for
 * @param config the resolver configuration
 * @returns fully qualified names without the trailing dot
 */
export function candidateNames(node: string, config: ResolverConfig): string[] {
  if (node.endsWith(".")) return [node.slice(0, -1)];
  const searched = config.search.map((domain) => `${node}.${domain.replace(/\.$/, "")}`);
  const dots = node.split(".").length - 1;
  return dots >= config.ndots ? [node, ...searched] : [...searched, node];
}
