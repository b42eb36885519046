/**
 * Adjustments mirrord applies after resolution that need no cluster (how-it-works §7.3):
 * the `magic.aws` preset and reflecting host names of the outgoing filter into the DNS filter.
 * The cluster-dependent `auto_mount` and the layer's targetless fs rule live elsewhere.
 *
 * @module
 */
import type { ResolvedConfig, SideFilter } from "../../schema/mod.ts";
import { parseAddressFilter } from "./address_filter.ts";
import type { ConfigEnv } from "./config_env.ts";

/**
 * Escapes a literal for use in a regex, like Rust's `regex::escape`.
 *
 * @param text literal text
 * @returns a pattern matching exactly it
 */
export function escapeRegex(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$#&\-~]/g, "\\$&");
}

function applyMagicAws(config: ResolvedConfig, env: ConfigEnv): void {
  if (!config.feature.magic.aws) return;
  const envConfig = config.feature.env;
  envConfig.unset = [...(envConfig.unset ?? []), "AWS_PROFILE"];
  const home = env.get("HOME");
  if (!home) return;
  const tmp = env.get("TMPDIR") ?? "/tmp";
  const pattern = `^${escapeRegex(home)}/\\.aws(/.*)?`;
  const mapping = config.feature.fs.mapping ?? {};
  if (!(pattern in mapping)) mapping[pattern] = `${tmp}/.aws$1`;
  config.feature.fs.mapping = mapping;
}

function hostNames(entries: string[]): string[] {
  const names: string[] = [];
  for (const entry of entries) {
    try {
      const parsed = parseAddressFilter(entry);
      if (parsed.address.kind !== "name") continue;
      const name = parsed.address.name;
      names.push(parsed.port ? `${name}:${parsed.port}` : name);
    } catch {
      // malformed entries are reported by verification
    }
  }
  return names;
}

function appendUnique(existing: string[], more: string[]): string[] {
  return [...new Set([...existing, ...more])];
}

function reflectOutgoingInDns(config: ResolvedConfig, warnings: string[]): void {
  const { dns, outgoing } = config.feature.network;
  if (!dns.enabled || !outgoing.filter) return;
  const outgoingLocal = "local" in outgoing.filter;
  const names = hostNames(
    "local" in outgoing.filter ? outgoing.filter.local : outgoing.filter.remote,
  );
  if (names.length === 0) return;
  const current: SideFilter | null = dns.filter;
  if (current === null) {
    if (outgoingLocal) dns.filter = { local: names };
    return;
  }
  const dnsLocal = "local" in current;
  const existing = "local" in current ? current.local : current.remote;
  if (outgoingLocal === dnsLocal) {
    dns.filter = dnsLocal
      ? { local: appendUnique(existing, names) }
      : { remote: appendUnique(existing, names) };
    return;
  }
  const overlap = names.filter((name) => existing.includes(name));
  if (overlap.length) {
    const [routed, resolved] = outgoingLocal ? ["local", "remote"] : ["remote", "local"];
    warnings.push(
      `feature.network.outgoing.filter routes ${JSON.stringify(overlap)} via the ${routed} side, ` +
        `but feature.network.dns.filter resolves them via the ${resolved} side. ` +
        `The resolved address may be meaningless across the local/remote boundary.`,
    );
  }
}

/**
 * Applies the §7.3 adjustments in place.
 *
 * @param config a freshly resolved config (changed in place)
 * @param env variables (`HOME`, `TMPDIR` for the AWS mapping)
 * @returns warnings produced on the way
 */
export function adjustConfig(config: ResolvedConfig, env: ConfigEnv): string[] {
  const warnings: string[] = [];
  applyMagicAws(config, env);
  reflectOutgoingInDns(config, warnings);
  return warnings;
}

/**
 * What an OSS (operator-less) session sets before connecting: `experimental.disable_reuseaddr`,
 * `go_asmcgocall` and `guard_std_fds` become true when unset. For `exec`.
 *
 * @param config the resolved config (changed in place)
 */
export function applyOssExperimentalDefaults(config: ResolvedConfig): void {
  const e = config.experimental;
  e.disable_reuseaddr ??= true;
  e.go_asmcgocall ??= true;
  e.guard_std_fds ??= true;
}
