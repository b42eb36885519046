/**
 * Resolves `feature.network`: incoming (with its HTTP filter), outgoing and DNS, including the
 * toggle forms (`true`, `false`, a mode string).
 *
 * @module
 */
import {
  defaultResolvedConfig,
  type DnsConfig,
  type HttpFilterConfig,
  type IncomingConfig,
  type IncomingMode,
  type NetworkConfig,
  type OutgoingConfig,
  type SideFilter,
  toList,
} from "../../schema/mod.ts";
import type { ConfigEnv } from "./config_env.ts";
import { envBool, envChoice, envPorts, envString } from "./env_value.ts";
import { fileList, fileValue, firstSet, section } from "./field_source.ts";

function stealFromEnv(env: ConfigEnv): IncomingMode | undefined {
  const steal = envBool(env, "MIRRORD_AGENT_TCP_STEAL_TRAFFIC", "feature.network.incoming.mode");
  return steal === undefined ? undefined : steal ? "steal" : "off";
}

function resolveHttpFilter(file: unknown, env: ConfigEnv): HttpFilterConfig {
  const f = file === false ? {} : section(file);
  const field = "feature.network.incoming.http_filter.ports";
  const filePorts = toList(fileValue<number | number[]>(f, "ports"));
  return {
    header_filter:
      firstSet(envString(env, "MIRRORD_HTTP_HEADER_FILTER"), fileValue(f, "header_filter")) ??
        null,
    path_filter:
      firstSet(envString(env, "MIRRORD_HTTP_PATH_FILTER"), fileValue(f, "path_filter")) ??
        null,
    method_filter:
      firstSet(envString(env, "MIRRORD_HTTP_METHOD_FILTER"), fileValue(f, "method_filter")) ??
        null,
    header_filter_jq: firstSet(
      envString(env, "MIRRORD_HTTP_HEADER_FILTER_JQ"),
      fileValue(f, "header_filter_jq"),
    ) ?? null,
    body_filter: fileValue(f, "body_filter") ?? null,
    all_of: fileValue(f, "all_of") ?? null,
    any_of: fileValue(f, "any_of") ?? null,
    ports: firstSet(envPorts(env, "MIRRORD_HTTP_FILTER_PORTS", field), filePorts) ?? null,
  };
}

function resolveIncoming(file: unknown, env: ConfigEnv): IncomingConfig {
  const d = defaultResolvedConfig().feature.network.incoming;
  const onConcurrentSteal = envChoice(
    env,
    "MIRRORD_OPERATOR_ON_CONCURRENT_STEAL",
    "feature.network.incoming.on_concurrent_steal",
    ["override", "continue", "abort"] as const,
  );
  const base = (mode: IncomingMode | undefined, http: unknown): IncomingConfig => ({
    ...d,
    mode: firstSet(stealFromEnv(env), mode) ?? d.mode,
    http_filter: resolveHttpFilter(http, env),
    on_concurrent_steal: onConcurrentSteal ?? d.on_concurrent_steal,
  });
  if (file === false) return base("off", false);
  if (typeof file === "string") return base(file as IncomingMode, undefined);
  if (typeof file !== "object" || file === null) return base(undefined, undefined);
  const i = file as Record<string, unknown>;
  const resolved = base(fileValue(i, "mode"), i.http_filter);
  return {
    ...resolved,
    port_mapping: fileValue(i, "port_mapping") ?? [],
    ignore_localhost: fileValue(i, "ignore_localhost") ?? d.ignore_localhost,
    ignore_ports: [...new Set(fileValue<number[]>(i, "ignore_ports") ?? [])],
    listen_ports: fileValue(i, "listen_ports") ?? [],
    on_concurrent_steal: firstSet(
      onConcurrentSteal,
      fileValue(i, "on_concurrent_steal"),
    ) ?? d.on_concurrent_steal,
    ports: fileValue<number[]>(i, "ports") ? [...new Set(fileValue<number[]>(i, "ports"))] : null,
    https_delivery: tlsDelivery(i.https_delivery),
    tls_delivery: tlsDelivery(i.tls_delivery),
  };
}

function tlsDelivery(value: unknown): IncomingConfig["tls_delivery"] {
  if (typeof value !== "object" || value === null) return null;
  const t = value as Record<string, unknown>;
  return {
    protocol: t.protocol as "tcp" | "tls",
    trust_roots: fileValue(t, "trust_roots") ?? null,
    server_name: fileValue(t, "server_name") ?? null,
    server_cert: fileValue(t, "server_cert") ?? null,
  };
}

/**
 * Normalizes `{remote: …}` / `{local: …}` to lists.
 *
 * @param value the file value
 * @returns the filter, or null when unset
 */
export function sideFilter(value: unknown): SideFilter | null {
  if (typeof value !== "object" || value === null) return null;
  const f = value as Record<string, unknown>;
  if ("remote" in f) return { remote: fileList(f.remote) ?? [] };
  if ("local" in f) return { local: fileList(f.local) ?? [] };
  return null;
}

function resolveOutgoing(file: unknown, env: ConfigEnv): OutgoingConfig {
  const d = defaultResolvedConfig().feature.network.outgoing;
  const o = section(file);
  const disabled = file === false;
  const unixFromEnv = envString(env, "MIRRORD_OUTGOING_REMOTE_UNIX_STREAMS");
  return {
    tcp: firstSet(
      envBool(env, "MIRRORD_TCP_OUTGOING", "feature.network.outgoing.tcp"),
      disabled ? false : fileValue(o, "tcp"),
    ) ?? d.tcp,
    udp: firstSet(
      envBool(env, "MIRRORD_UDP_OUTGOING", "feature.network.outgoing.udp"),
      disabled ? false : fileValue(o, "udp"),
    ) ?? d.udp,
    ignore_localhost: fileValue(o, "ignore_localhost") ?? d.ignore_localhost,
    filter: sideFilter(o.filter),
    unix_streams: firstSet(
      unixFromEnv === undefined ? undefined : toList(unixFromEnv, true),
      fileList(o.unix_streams),
    ) ?? null,
  };
}

function resolveDns(file: unknown, env: ConfigEnv): DnsConfig {
  const d = defaultResolvedConfig().feature.network.dns;
  const o = section(file);
  return {
    enabled: firstSet(
      envBool(env, "MIRRORD_REMOTE_DNS", "feature.network.dns.enabled"),
      typeof file === "boolean" ? file : fileValue(o, "enabled"),
    ) ?? d.enabled,
    filter: sideFilter(o.filter),
  };
}

/**
 * Resolves `feature.network`.
 *
 * @param file the file's `feature.network` value (boolean, object or undefined)
 * @param env variables
 * @returns the resolved section
 */
export function resolveNetwork(file: unknown, env: ConfigEnv): NetworkConfig {
  const off = file === false;
  const n = section(file);
  return {
    incoming: resolveIncoming(off ? false : n.incoming, env),
    outgoing: resolveOutgoing(off ? false : n.outgoing, env),
    dns: resolveDns(off ? false : n.dns, env),
    ipv6:
      firstSet(envBool(env, "MIRRORD_ENABLE_IPV6", "feature.network.ipv6"), fileValue(n, "ipv6")) ??
        true,
  };
}
