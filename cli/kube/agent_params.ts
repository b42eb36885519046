/**
 * The agent's identity, command line and environment (how-it-works.md §2.4): a random name
 * (`mirrord-agent-<10 alnum>`), port (30000–65535) and group id (3000–65534), `./mirrord-agent -l
 * <port> -t <timeout> <mode>`, and the environment the agent reads its settings from.
 *
 * @module
 */
import type { ResolvedConfig } from "../../schema/mod.ts";
import type { RuntimeData } from "./target.ts";

/** Name of the agent container in a Job. */
export const AGENT_CONTAINER = "mirrord-agent";

/** An `env` entry of a container. */
export interface EnvVar {
  name: string;
  value: string;
}

/** One agent's fixed choices. */
export interface AgentParams {
  /** Job / ephemeral container name */
  name: string;
  port: number;
  gid: number;
  image: string;
  imagePullPolicy: string;
  communicationTimeout: number;
}

/** The agent's mode on its command line. */
export type AgentModeArgs =
  | { kind: "targetless" }
  | { kind: "ephemeral" }
  | { kind: "targeted"; runtime: RuntimeData };

function randomInt(min: number, max: number): number {
  const [value] = crypto.getRandomValues(new Uint32Array(1));
  return min + (value % (max - min + 1));
}

/**
 * A random agent name.
 *
 * @returns `mirrord-agent-` and 10 lowercase letters or digits
 */
export function agentName(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  return `mirrord-agent-${[...bytes].map((b) => alphabet[b % alphabet.length]).join("")}`;
}

/**
 * Chooses the agent's name, port and group.
 *
 * @param config the resolved config
 * @returns the parameters
 */
export function agentParams(config: ResolvedConfig): AgentParams {
  return {
    name: agentName(),
    port: randomInt(30000, 65535),
    gid: randomInt(3000, 65534),
    image: config.agent.image,
    imagePullPolicy: config.agent.image_pull_policy,
    communicationTimeout: config.agent.communication_timeout ?? 30,
  };
}

/**
 * The agent's arguments.
 *
 * @param params the agent parameters
 * @param mode targetless, ephemeral or targeted
 * @returns the argument list after `./mirrord-agent`
 * @example
 * ```ts
 * agentArgs(params, { kind: "targetless" }); // ["-l", "41234", "-t", "30", "targetless"]
 * ```
 */
export function agentArgs(params: AgentParams, mode: AgentModeArgs): string[] {
  const args = ["-l", String(params.port), "-t", String(params.communicationTimeout)];
  if (mode.kind === "targeted") {
    return [
      ...args,
      "targeted",
      "--container-id",
      mode.runtime.containerId,
      "--container-runtime",
      mode.runtime.containerRuntime,
    ];
  }
  return [...args, mode.kind];
}

/**
 * The agent container's environment.
 *
 * @param config the resolved config
 * @param runtime the target's runtime data (targeted and ephemeral agents)
 * @param ephemeral whether the agent runs as an ephemeral container
 * @returns the env entries
 */
export function agentEnv(
  config: ResolvedConfig,
  runtime: RuntimeData | null,
  ephemeral = false,
): EnvVar[] {
  const agent = config.agent;
  const env: Record<string, string> = {
    RUST_LOG: agent.log_level,
    MIRRORD_AGENT_STEALER_FLUSH_CONNECTIONS: String(agent.flush_connections),
    MIRRORD_AGENT_JSON_LOG: String(agent.json_log),
    MIRRORD_AGENT_PASSTHROUGH_MIRRORING: "true",
    MIRRORD_MAX_BODY_BUFFER_SIZE: String(agent.max_body_buffer_size),
    MIRRORD_MAX_BODY_BUFFER_TIMEOUT: String(agent.max_body_buffer_timeout),
    MIRRORD_AGENT_HTTP_DETECTION_TIMEOUT: String(agent.http_detection_timeout),
    MIRRORD_JAQ_TIME_LIMIT: String(agent.jaq_time_limit),
  };
  if (agent.nftables !== null) env.MIRRORD_AGENT_NFTABLES = String(agent.nftables);
  if (agent.dns.attempts !== null) env.MIRRORD_AGENT_DNS_ATTEMPTS = String(agent.dns.attempts);
  if (agent.dns.timeout !== null) env.MIRRORD_AGENT_DNS_TIMEOUT = String(agent.dns.timeout);
  if (runtime) env.MIRRORD_AGENT_POD_IPS = runtime.podIPs.join(",");
  if (agent.metrics) env.MIRRORD_AGENT_METRICS = agent.metrics;
  if (agent.inject_headers) env.MIRRORD_AGENT_INJECT_HEADERS = "true";
  if (agent.clean_iptables_on_start !== null) {
    env.MIRRORD_AGENT_CLEAN_IPTABLES_ON_START = String(agent.clean_iptables_on_start);
  }
  env.MIRRORD_AGENT_EXTERNAL_IP_FIX = String(agent.external_ip_fix);
  env.MIRRORD_AGENT_OVERRIDE_CACHE_CONTROL = String(agent.override_cache_control);
  if (runtime?.meshVendor) {
    env.MIRRORD_AGENT_IN_SERVICE_MESH = "true";
    if (runtime.meshVendor === "istio-cni") env.MIRRORD_AGENT_ISTIO_CNI = "true";
  }
  if (ephemeral && runtime?.shareProcessNamespace) {
    env.MIRRORD_AGENT_EPHEMERAL_TARGET_CONTAINER_ID = runtime.containerId;
  }
  if (ephemeral && agent.exclude_from_mesh) env.MIRRORD_AGENT_EXCLUDE_FROM_MESH = "true";
  return Object.entries(env).map(([name, value]) => ({ name, value }));
}

/**
 * The capabilities the agent asks for, minus `agent.disabled_capabilities`.
 *
 * @param config the resolved config
 * @returns capability names
 */
export function agentCapabilities(config: ResolvedConfig): string[] {
  const disabled = new Set(config.agent.disabled_capabilities ?? []);
  return ["SYS_ADMIN", "SYS_PTRACE", "NET_ADMIN"].filter((cap) => !disabled.has(cap));
}
