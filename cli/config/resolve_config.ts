/**
 * Turns a parsed, schema-checked config file plus the environment into the resolved config:
 * per field, CLI-derived override > process environment > file > default (mirrord's order).
 *
 * @module
 */
import {
  defaultResolvedConfig,
  type ResolvedConfig,
  type SessionKey,
  type TargetConfig,
  type TargetObject,
} from "../../schema/mod.ts";
import type { ConfigEnv } from "./config_env.ts";
import { ConfigError } from "./config_error.ts";
import { envBool, envList, envString } from "./env_value.ts";
import { fileList, fileValue, firstSet } from "./field_source.ts";
import { resolveAgent } from "./resolve_agent.ts";
import { resolveFeature } from "./resolve_feature.ts";
import { resolveFileOnlySections } from "./resolve_proxies.ts";
import { parseTargetPath, TARGET_FORMS, TargetPathError } from "./target_path.ts";

function targetPath(value: unknown, origin: string): TargetObject | null | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") {
    try {
      const parsed = parseTargetPath(value);
      return parsed === "targetless" ? null : parsed;
    } catch (error) {
      if (!(error instanceof TargetPathError)) throw error;
      throw new ConfigError("use the target", [{
        path: "target.path",
        message: `${error.message}${origin}`,
        hint: `accepted forms: ${TARGET_FORMS}`,
      }]);
    }
  }
  if (value === "targetless") return null;
  const target = { ...(value as Record<string, unknown>) };
  target.container ??= null;
  return target as unknown as TargetObject;
}

function resolveTarget(file: unknown, env: ConfigEnv): TargetConfig {
  const isObject = typeof file === "object" && file !== null;
  const advanced = isObject && ("path" in file || "namespace" in file);
  const filePath = advanced ? (file as Record<string, unknown>).path : file;
  const fileNamespace = advanced
    ? fileValue<string>(file as Record<string, unknown>, "namespace")
    : undefined;
  const fromEnv = envString(env, "MIRRORD_IMPERSONATED_TARGET");
  const path = fromEnv !== undefined
    ? targetPath(fromEnv, " (from MIRRORD_IMPERSONATED_TARGET or -t)")
    : targetPath(filePath, "");
  const namespace = firstSet(envString(env, "MIRRORD_TARGET_NAMESPACE"), fileNamespace);
  const target: TargetConfig = {};
  if (path !== undefined) target.path = path;
  if (namespace !== undefined) target.namespace = namespace;
  return target;
}

/**
 * Resolves a whole config.
 *
 * @param file the parsed file (`{}` when there is none), already checked against the schema
 * @param env variables (flag overrides and process environment)
 * @param key the session key chosen while loading (see `load_config.ts`)
 * @returns the resolved config, before §7.3 adjustments and verification
 * @throws {ConfigError} when an environment variable or the target path is malformed
 */
export function resolveConfig(
  file: Record<string, unknown>,
  env: ConfigEnv,
  key: SessionKey,
): ResolvedConfig {
  const d = defaultResolvedConfig(key);
  const bool = (name: string, field: string, value: unknown) =>
    firstSet(envBool(env, name, field), value as boolean | null | undefined);
  const list = (name: string, value: unknown) =>
    firstSet(envList(env, name), fileList(value, true));
  return {
    accept_invalid_certificates: bool(
      "MIRRORD_ACCEPT_INVALID_CERTIFICATES",
      "accept_invalid_certificates",
      file.accept_invalid_certificates,
    ) ?? null,
    skip_processes: list("MIRRORD_SKIP_PROCESSES", file.skip_processes) ?? null,
    skip_build_tools: bool("MIRRORD_SKIP_BUILD_TOOLS", "skip_build_tools", file.skip_build_tools) ??
      d.skip_build_tools,
    skip_extra_build_tools: list("MIRRORD_SKIP_EXTRA_BUILD_TOOLS", file.skip_extra_build_tools) ??
      null,
    operator: bool("MIRRORD_OPERATOR_ENABLE", "operator", file.operator) ?? null,
    multi_cluster: bool("MIRRORD_MULTI_CLUSTER", "multi_cluster", file.multi_cluster) ?? null,
    api: bool("MIRRORD_API", "api", file.api) ?? d.api,
    profile: fileValue(file, "profile") ?? null,
    kubeconfig: firstSet(envString(env, "MIRRORD_KUBECONFIG"), fileValue(file, "kubeconfig")) ??
      null,
    sip_binaries: fileList(file.sip_binaries),
    target: resolveTarget(file.target, env),
    agent: resolveAgent(file.agent, env),
    feature: resolveFeature(file.feature, env),
    telemetry: bool("MIRRORD_TELEMETRY", "telemetry", file.telemetry) ?? d.telemetry,
    kube_context:
      firstSet(envString(env, "MIRRORD_KUBE_CONTEXT"), fileValue(file, "kube_context")) ??
        null,
    use_proxy: bool("MIRRORD_PROXY", "use_proxy", file.use_proxy) ?? d.use_proxy,
    skip_sip: list("MIRRORD_SKIP_SIP", file.skip_sip) ?? d.skip_sip,
    key,
    traceparent: firstSet(envString(env, "TRACEPARENT"), fileValue(file, "traceparent")) ?? null,
    baggage: firstSet(envString(env, "BAGGAGE"), fileValue(file, "baggage")) ?? null,
    connect_tcp: firstSet(envString(env, "MIRRORD_CONNECT_TCP"), fileValue(file, "connect_tcp")) ??
      null,
    ...resolveFileOnlySections(file),
  } satisfies ResolvedConfig;
}

/** Keeps the top-level key order of mirrord's serialized LayerConfig. */
export const TOP_LEVEL_ORDER: (keyof ResolvedConfig)[] = Object.keys(
  defaultResolvedConfig(),
) as (keyof ResolvedConfig)[];

/**
 * Reorders a resolved config's top-level keys like mirrord's serialization.
 *
 * @param config a resolved config
 * @returns the same data with mirrord's key order
 */
export function inMirrordOrder(config: ResolvedConfig): ResolvedConfig {
  return Object.fromEntries(
    TOP_LEVEL_ORDER.map((k) => [k, config[k]]),
  ) as unknown as ResolvedConfig;
}
