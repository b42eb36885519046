/**
 * Resolves the `agent` section.
 *
 * @module
 */
import {
  type AgentConfig,
  DEFAULT_AGENT_IMAGE_REGISTRY,
  defaultResolvedConfig,
  MIRRORD_COMPAT_VERSION,
} from "../../schema/mod.ts";
import type { ConfigEnv } from "./config_env.ts";
import { envBool, envString, envUint } from "./env_value.ts";
import { fileValue, firstSet, section } from "./field_source.ts";

function resolveImage(env: ConfigEnv, image: unknown): string {
  const full = envString(env, "MIRRORD_AGENT_IMAGE");
  if (full !== undefined) return full;
  if (typeof image === "string") return image;
  const parts = section(image);
  const registry = firstSet(
    fileValue<string>(parts, "registry"),
    envString(env, "MIRRORD_AGENT_IMAGE_REGISTRY"),
  ) ?? DEFAULT_AGENT_IMAGE_REGISTRY;
  const tag =
    firstSet(fileValue<string>(parts, "tag"), envString(env, "MIRRORD_AGENT_IMAGE_TAG")) ??
      MIRRORD_COMPAT_VERSION;
  return `${registry}:${tag}`;
}

/**
 * Resolves `agent` from the file section and the environment.
 *
 * @param file the file's `agent` value (may be undefined)
 * @param env variables
 * @returns the resolved section
 */
export function resolveAgent(file: unknown, env: ConfigEnv): AgentConfig {
  const a = section(file);
  const d = defaultResolvedConfig().agent;
  const v = <T>(key: keyof AgentConfig) => fileValue<T>(a, key);
  return {
    log_level: firstSet(envString(env, "MIRRORD_AGENT_RUST_LOG"), v<string>("log_level")) ??
      d.log_level,
    json_log: firstSet(envBool(env, "MIRRORD_AGENT_JSON_LOG", "agent.json_log"), v("json_log")) ??
      d.json_log,
    namespace: firstSet(envString(env, "MIRRORD_AGENT_NAMESPACE"), v<string>("namespace")) ?? null,
    image: resolveImage(env, a.image),
    image_pull_policy: firstSet(
      envString(env, "MIRRORD_AGENT_IMAGE_PULL_POLICY"),
      v<string>("image_pull_policy"),
    ) ?? d.image_pull_policy,
    image_pull_secrets: v("image_pull_secrets") ?? null,
    ttl: firstSet(envUint(env, "MIRRORD_AGENT_TTL", "agent.ttl", 65535), v("ttl")) ?? d.ttl,
    ephemeral: firstSet(
      envBool(env, "MIRRORD_EPHEMERAL_CONTAINER", "agent.ephemeral"),
      v("ephemeral"),
    ) ?? d.ephemeral,
    communication_timeout: firstSet(
      envUint(env, "MIRRORD_AGENT_COMMUNICATION_TIMEOUT", "agent.communication_timeout", 65535),
      v("communication_timeout"),
    ) ?? null,
    startup_timeout: firstSet(
      envUint(env, "MIRRORD_AGENT_STARTUP_TIMEOUT", "agent.startup_timeout"),
      v("startup_timeout"),
    ) ?? d.startup_timeout,
    flush_connections: firstSet(
      envBool(env, "MIRRORD_AGENT_STEALER_FLUSH_CONNECTIONS", "agent.flush_connections"),
      v("flush_connections"),
    ) ?? d.flush_connections,
    disabled_capabilities: v("disabled_capabilities") ?? null,
    tolerations: v("tolerations") ?? null,
    resources: v("resources") ?? null,
    check_out_of_pods: v("check_out_of_pods") ?? d.check_out_of_pods,
    privileged: v("privileged") ?? d.privileged,
    nftables: v("nftables") ?? null,
    dns: {
      timeout: fileValue(section(a.dns), "timeout") ?? null,
      attempts: fileValue(section(a.dns), "attempts") ?? null,
    },
    labels: v("labels") ?? null,
    annotations: v("annotations") ?? null,
    node_selector: v("node_selector") ?? null,
    service_account: v("service_account") ?? null,
    metrics: v("metrics") ?? null,
    exclude_from_mesh: firstSet(
      envBool(env, "MIRRORD_AGENT_EXCLUDE_FROM_MESH", "agent.exclude_from_mesh"),
      v("exclude_from_mesh"),
    ) ?? d.exclude_from_mesh,
    priority_class: v("priority_class") ?? null,
    inject_headers: v("inject_headers") ?? d.inject_headers,
    max_body_buffer_size: v("max_body_buffer_size") ?? d.max_body_buffer_size,
    max_body_buffer_timeout: v("max_body_buffer_timeout") ?? d.max_body_buffer_timeout,
    security_context: v("security_context") ?? null,
    clean_iptables_on_start: firstSet(
      envBool(env, "MIRRORD_AGENT_CLEAN_IPTABLES_ON_START", "agent.clean_iptables_on_start"),
      v("clean_iptables_on_start"),
    ) ?? null,
    disable_mesh_sidecar_injection: v("disable_mesh_sidecar_injection") ??
      d.disable_mesh_sidecar_injection,
    external_ip_fix: firstSet(
      envBool(env, "MIRRORD_AGENT_EXTERNAL_IP_FIX", "agent.external_ip_fix"),
      v("external_ip_fix"),
    ) ?? d.external_ip_fix,
    http_detection_timeout: firstSet(
      envUint(env, "MIRRORD_AGENT_HTTP_DETECTION_TIMEOUT", "agent.http_detection_timeout"),
      v("http_detection_timeout"),
    ) ?? d.http_detection_timeout,
    jaq_time_limit: v("jaq_time_limit") ?? d.jaq_time_limit,
    override_cache_control: v("override_cache_control") ?? d.override_cache_control,
    network_interface: v("network_interface") ?? null,
  };
}
