/**
 * Semantic checks beyond the schema (how-it-works §7.4): options that exclude each other,
 * regexes that must compile in our dialect, filter entries that must parse. Errors stop the
 * session; warnings are returned for the caller to print.
 *
 * @module
 */
import { query as jsonPathQuery } from "jsonpath-rfc9535";
import type { HttpFilterConfig, ResolvedConfig, TargetObject } from "../../schema/mod.ts";
import { AddressFilterError, parseAddressFilter } from "./address_filter.ts";
import { ConfigError, type ConfigProblem } from "./config_error.ts";
import { checkRegex } from "./regex_dialect.ts";
import { OPERATOR_TARGET_TYPES, targetType } from "./target_path.ts";

const MIB = 1024 * 1024;

/** How the caller treats a config without a target. */
export interface VerifyOptions {
  /** true for exec and `verify-config` without `--ide`: no target means targetless */
  emptyTargetIsFinal: boolean;
}

class Checks {
  readonly errors: ConfigProblem[] = [];
  readonly warnings: string[] = [];

  error(path: string, message: string, hint?: string): void {
    this.errors.push({ path, message, hint });
  }

  regex(path: string, pattern: string): void {
    const check = checkRegex(pattern);
    if (!check.ok) {
      this.error(
        path,
        `regex "${pattern}" ${check.problem}`,
        "see the accepted dialect in cli/README.md",
      );
    }
  }

  regexes(path: string, patterns: string[] | null): void {
    patterns?.forEach((pattern, i) => this.regex(`${path}[${i}]`, pattern));
  }
}

function verifyHttpFilter(c: Checks, filter: HttpFilterConfig): void {
  const base = "feature.network.incoming.http_filter";
  const kinds = (["path_filter", "header_filter", "all_of", "any_of", "body_filter"] as const)
    .filter((k) => filter[k] !== null);
  if (kinds.length > 1) {
    c.error(
      base,
      `cannot use ${kinds.join(" and ")} together`,
      "combine filters with any_of or all_of",
    );
  }
  for (const k of ["all_of", "any_of"] as const) {
    if (filter[k]?.length === 0) c.error(`${base}.${k}`, "composite HTTP filter cannot be empty");
  }
  const strings: [string, string][] = [];
  for (const k of ["header_filter", "path_filter", "method_filter", "header_filter_jq"] as const) {
    const value = filter[k];
    if (value !== null) strings.push([`${base}.${k}`, value]);
  }
  if (filter.header_filter !== null) c.regex(`${base}.header_filter`, filter.header_filter);
  if (filter.path_filter !== null) c.regex(`${base}.path_filter`, filter.path_filter);
  const bodies: [string, { query: string; matches: string }][] = [];
  if (filter.body_filter) bodies.push([`${base}.body_filter`, filter.body_filter]);
  for (const k of ["all_of", "any_of"] as const) {
    filter[k]?.forEach((inner, i) => {
      const path = `${base}.${k}[${i}]`;
      for (const [key, value] of Object.entries(inner)) {
        if (typeof value === "string") strings.push([`${path}.${key}`, value]);
      }
      if ("header" in inner) c.regex(`${path}.header`, inner.header);
      if ("path" in inner) c.regex(`${path}.path`, inner.path);
      if ("body" in inner) bodies.push([path, inner]);
    });
  }
  for (const [path, value] of strings) {
    if (value === "") c.error(path, "HTTP filter values cannot be empty strings");
  }
  for (const [path, body] of bodies) {
    try {
      jsonPathQuery({}, body.query);
    } catch (error) {
      const reason = (error as Error).message.split("\n")[0];
      c.error(`${path}.query`, `"${body.query}" is not a JSONPath (RFC 9535) query: ${reason}`);
    }
    c.regex(`${path}.matches`, body.matches);
  }
}

function verifyFilterEntries(c: Checks, path: string, filter: unknown, dns: boolean): void {
  if (typeof filter !== "object" || filter === null) return;
  for (const [side, entries] of Object.entries(filter as Record<string, string[]>)) {
    entries.forEach((entry, i) => {
      try {
        parseAddressFilter(entry, !dns);
      } catch (error) {
        if (!(error instanceof AddressFilterError)) throw error;
        c.error(
          `${path}.${side}[${i}]`,
          `filter entry ${error.message}`,
          dns
            ? "entries look like name|address|subnet/mask[:port]"
            : "entries look like [tcp://|udp://][name|address|subnet/mask][:port]",
        );
      }
    });
  }
}

function verifyNetwork(c: Checks, config: ResolvedConfig): void {
  const { incoming, outgoing, dns } = config.feature.network;
  verifyHttpFilter(c, incoming.http_filter);
  if (incoming.ignore_ports.length > 0 && incoming.ports !== null) {
    c.error(
      "feature.network.incoming",
      "cannot use both ignore_ports and ports",
      "keep one of them",
    );
  }
  const locals = new Set<number>();
  const remotes = new Set<number>();
  for (const [local, remote] of incoming.port_mapping) {
    if (locals.has(local) || remotes.has(remote)) {
      c.error(
        "feature.network.incoming.port_mapping",
        `maps port ${local} or ${remote} twice`,
        "each port may appear once on each side",
      );
    }
    locals.add(local);
    remotes.add(remote);
    if (local === remote) {
      c.warnings.push(
        `feature.network.incoming.port_mapping maps port ${local} to itself; a mapping is only needed when the local app listens on another port than the remote one.`,
      );
    }
  }
  if (incoming.https_delivery && incoming.tls_delivery) {
    c.error(
      "feature.network.incoming",
      "cannot use both https_delivery and tls_delivery",
      "keep tls_delivery",
    );
  } else if (incoming.https_delivery) {
    c.warnings.push(
      "feature.network.incoming.https_delivery is deprecated, use feature.network.incoming.tls_delivery instead.",
    );
  }
  const tls = incoming.tls_delivery ?? incoming.https_delivery;
  if (tls?.protocol === "tls") {
    if (tls.trust_roots && tls.server_cert) {
      c.error(
        "feature.network.incoming.tls_delivery",
        "cannot use both trust_roots and server_cert",
      );
    }
    if (tls.trust_roots?.length === 0) {
      c.error("feature.network.incoming.tls_delivery.trust_roots", "cannot be empty");
    }
  }
  if (outgoing.filter) {
    const entries = "remote" in outgoing.filter ? outgoing.filter.remote : outgoing.filter.local;
    if (entries.length === 0) {
      c.error(
        "feature.network.outgoing.filter",
        "the filter list is empty",
        "remove the filter or list at least one entry",
      );
    }
    if ("remote" in outgoing.filter && !dns.enabled) {
      c.warnings.push(
        "The outgoing filter lists destinations to connect to remotely, but remote DNS is disabled, so their names are resolved locally. Consider enabling feature.network.dns.",
      );
    }
  }
  verifyFilterEntries(c, "feature.network.outgoing.filter", outgoing.filter, false);
  c.regexes("feature.network.outgoing.unix_streams", outgoing.unix_streams);
  if (dns.filter) {
    if (!dns.enabled) {
      c.warnings.push("feature.network.dns.filter is ignored because remote DNS is disabled.");
    } else if ("local" in dns.filter && dns.filter.local.length === 0) {
      c.warnings.push(
        "feature.network.dns.filter.local is empty: every name is resolved remotely.",
      );
    } else if ("remote" in dns.filter && dns.filter.remote.length === 0) {
      c.warnings.push(
        "feature.network.dns.filter.remote is empty: every name is resolved locally.",
      );
    }
  }
  verifyFilterEntries(c, "feature.network.dns.filter", dns.filter, true);
}

function verifyTarget(c: Checks, config: ResolvedConfig, options: VerifyOptions): boolean {
  const path = config.target.path;
  const targetless = path === null || (path === undefined && options.emptyTargetIsFinal);
  const steal = config.feature.network.incoming.mode === "steal";
  if (targetless) {
    if (steal) {
      c.error(
        "feature.network.incoming.mode",
        "steal mode needs a target",
        "set target.path or use mirror mode",
      );
    }
    if (config.agent.ephemeral) {
      c.error(
        "agent.ephemeral",
        "an ephemeral agent needs a target",
        "set target.path or disable agent.ephemeral",
      );
    }
    if (config.agent.namespace !== null) {
      c.warnings.push(
        "agent.namespace is ignored in targetless runs; use target.namespace to choose where the agent runs.",
      );
    }
  }
  const type = path ? targetType(path as TargetObject) : null;
  if (type === "label") {
    const labels = (path as { labels: Record<string, string> }).labels;
    if (Object.keys(labels).length === 0) {
      c.error("target.path.labels", "a label target needs at least one label");
    }
    const conflicts = [
      config.feature.copy_target.enabled && "feature.copy_target",
      config.multi_cluster === true && "multi_cluster",
      config.feature.split_queues !== null && "feature.split_queues",
      config.feature.db_branches.length > 0 && "feature.db_branches",
    ].filter(Boolean);
    if (conflicts.length) {
      c.error("target.path", `a label target cannot be used with ${conflicts.join(", ")}`);
    }
  }
  if (type && OPERATOR_TARGET_TYPES.has(type) && config.operator === false) {
    c.error(
      "target.path",
      `"${type}" targets need the mirrord operator, but operator is false`,
      "set operator to true or unset it",
    );
  }
  return targetless;
}

function verifyCopyTarget(c: Checks, config: ResolvedConfig, targetless: boolean): void {
  if (!config.feature.copy_target.enabled) return;
  const path = "feature.copy_target";
  if (config.operator === false) {
    c.error(path, "copy target needs the mirrord operator, but operator is false");
  }
  if (targetless) {
    c.error(path, "copy target needs a target", "set target.path or disable copy_target");
  }
  const target = config.target.path;
  if (target && targetType(target) === "service") {
    c.error(
      path,
      "copy target does not support service targets",
      "target the workload behind the service",
    );
  }
  if (config.feature.network.incoming.mode !== "steal") {
    c.warnings.push(
      "Using copy target without steal mode may leave requests in the cluster unanswered, because the copied pod does not run your app.",
    );
  }
}

function verifyRest(c: Checks, config: ResolvedConfig): void {
  const { env, fs } = config.feature;
  if (env.include !== null && env.exclude !== null) {
    c.error("feature.env", "cannot use both include and exclude", "keep one of them");
  }
  for (const pattern of Object.keys(env.mapping ?? {})) {
    c.regex(`feature.env.mapping["${pattern}"]`, pattern);
  }
  for (const key of ["read_write", "read_only", "local", "not_found"] as const) {
    c.regexes(`feature.fs.${key}`, fs[key]);
  }
  for (const pattern of Object.keys(fs.mapping ?? {})) {
    c.regex(`feature.fs.mapping["${pattern}"]`, pattern);
  }
  if (fs.readonly_file_buffer > 15 * MIB) {
    c.error(
      "feature.fs.readonly_file_buffer",
      `${fs.readonly_file_buffer} is above the 15 MiB limit`,
    );
  } else if (fs.readonly_file_buffer > MIB) {
    c.warnings.push(
      "feature.fs.readonly_file_buffer is above 1 MiB; large values make timeouts more likely.",
    );
  }
  if (config.agent.ephemeral && config.agent.namespace !== null) {
    c.warnings.push("agent.namespace is ignored when the agent runs as an ephemeral container.");
  }
  if (config.agent.network_interface !== null) {
    c.warnings.push("agent.network_interface is no longer used and is ignored.");
  }
  const retry = config.startup_retry;
  if (retry.min_ms > retry.max_ms) {
    c.error(
      "startup_retry.min_ms",
      `${retry.min_ms} is greater than startup_retry.max_ms (${retry.max_ms})`,
    );
  }
  if (retry.max_ms === 0) c.error("startup_retry.max_ms", "must be greater than 0");
}

/**
 * Verifies a resolved config.
 *
 * @param config the resolved (and adjusted) config
 * @param options how to treat a missing target
 * @returns warnings to show the user
 * @throws {ConfigError} listing every error found
 */
export function verifyConfig(config: ResolvedConfig, options: VerifyOptions): string[] {
  const c = new Checks();
  verifyNetwork(c, config);
  const targetless = verifyTarget(c, config, options);
  verifyCopyTarget(c, config, targetless);
  verifyRest(c, config);
  if (c.errors.length) throw new ConfigError("use this configuration", c.errors);
  return c.warnings;
}
