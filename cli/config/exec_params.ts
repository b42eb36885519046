/**
 * EXEC-PARAMS: the flags shared by `exec`, `container`, `dump` and `ci start`, and their
 * translation into `MIRRORD_*` overrides. Flags become overrides *before* resolution, so a
 * flag beats the real environment and the config file (mirrord's precedence).
 *
 * @module
 */
import type { Command } from "@commander-js/extra-typings";

/** The parsed EXEC-PARAMS (commander's camelCase option names). */
export interface ExecParams {
  target?: string;
  targetNamespace?: string;
  agentNamespace?: string;
  agentLogLevel?: string;
  agentImage?: string;
  agentTtl?: string;
  agentStartupTimeout?: string;
  ephemeralContainer?: boolean;
  fsMode?: string;
  overrideEnvVarsExclude?: string;
  overrideEnvVarsInclude?: string;
  /** commander turns `--no-remote-dns` into `remoteDns: false` */
  remoteDns?: boolean;
  skipProcesses?: string;
  acceptInvalidCertificates?: boolean | string;
  steal?: boolean;
  /** `--no-outgoing`, `--no-tcp-outgoing`, `--no-udp-outgoing` */
  outgoing?: boolean;
  tcpOutgoing?: boolean;
  udpOutgoing?: boolean;
  /** `--no-telemetry` */
  telemetry?: boolean;
  disableVersionCheck?: boolean;
  configFile?: string | boolean;
  context?: string;
  envFile?: string;
  key?: string;
}

/** `-f` given without a value. */
export const DEFAULT_CONFIG_FILE = "./.mirrord/mirrord.json";

const STRING_FLAGS: [keyof ExecParams, string][] = [
  ["target", "MIRRORD_IMPERSONATED_TARGET"],
  ["targetNamespace", "MIRRORD_TARGET_NAMESPACE"],
  ["agentNamespace", "MIRRORD_AGENT_NAMESPACE"],
  ["agentLogLevel", "MIRRORD_AGENT_RUST_LOG"],
  ["agentImage", "MIRRORD_AGENT_IMAGE"],
  ["agentTtl", "MIRRORD_AGENT_TTL"],
  ["agentStartupTimeout", "MIRRORD_AGENT_STARTUP_TIMEOUT"],
  ["fsMode", "MIRRORD_FILE_MODE"],
  ["overrideEnvVarsExclude", "MIRRORD_OVERRIDE_ENV_VARS_EXCLUDE"],
  ["overrideEnvVarsInclude", "MIRRORD_OVERRIDE_ENV_VARS_INCLUDE"],
  ["skipProcesses", "MIRRORD_SKIP_PROCESSES"],
  ["context", "MIRRORD_KUBE_CONTEXT"],
  ["envFile", "MIRRORD_OVERRIDE_ENV_VARS_FILE"],
  ["key", "MIRRORD_KEY"],
];

/**
 * Translates EXEC-PARAMS into the env overrides that resolution reads first.
 *
 * @param params parsed flags
 * @returns `MIRRORD_*` name → value for every flag that was given
 * @example
 * ```ts
 * execParamsToEnv({ target: "pod/api", steal: true });
 * // { MIRRORD_IMPERSONATED_TARGET: "pod/api", MIRRORD_AGENT_TCP_STEAL_TRAFFIC: "true" }
 * ```
 */
export function execParamsToEnv(params: ExecParams): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [flag, name] of STRING_FLAGS) {
    const value = params[flag];
    if (typeof value === "string") env[name] = value;
  }
  if (params.ephemeralContainer) env.MIRRORD_EPHEMERAL_CONTAINER = "true";
  if (params.remoteDns === false) env.MIRRORD_REMOTE_DNS = "false";
  if (params.acceptInvalidCertificates !== undefined) {
    const value = params.acceptInvalidCertificates;
    env.MIRRORD_ACCEPT_INVALID_CERTIFICATES = value === true ? "true" : String(value);
  }
  if (params.steal) env.MIRRORD_AGENT_TCP_STEAL_TRAFFIC = "true";
  if (params.outgoing === false || params.tcpOutgoing === false) {
    env.MIRRORD_TCP_OUTGOING = "false";
  }
  if (params.outgoing === false || params.udpOutgoing === false) {
    env.MIRRORD_UDP_OUTGOING = "false";
  }
  if (params.telemetry === false) env.MIRRORD_TELEMETRY = "false";
  if (params.configFile !== undefined) {
    env.MIRRORD_CONFIG_FILE = params.configFile === true
      ? DEFAULT_CONFIG_FILE
      : String(params.configFile);
  }
  return env;
}

/**
 * Adds the EXEC-PARAMS options to a command (`exec`, `container`, `dump`, `ci start`).
 *
 * @param command the command to extend
 * @returns the same command, for chaining
 */
export function addExecParamOptions<C extends Command<unknown[], Record<string, unknown>>>(
  command: C,
): C {
  command
    .option("-t, --target <PATH>", "target to impersonate, e.g. pod/api or deployment/api")
    .option("-n, --target-namespace <NS>", "namespace of the target")
    .option("-a, --agent-namespace <NS>", "namespace of the agent")
    .option("-l, --agent-log-level <LEVEL>", "agent log filter (RUST_LOG syntax)")
    .option("-i, --agent-image <IMAGE>", "agent image")
    .option("--agent-ttl <SECONDS>", "seconds the finished agent Job is kept")
    .option("--agent-startup-timeout <SECONDS>", "seconds to wait for the agent")
    .option("-e, --ephemeral-container", "run the agent as an ephemeral container")
    .option("--fs-mode <MODE>", "file mode: read, write, local or localwithoverrides")
    .option("-x, --override-env-vars-exclude <VARS>", "remote variables not to fetch (A;B)")
    .option("-s, --override-env-vars-include <VARS>", "only these remote variables (A;B)")
    .option("--no-remote-dns", "resolve names locally")
    .option("--skip-processes <NAMES>", "processes mirrord does not load into (a;b)")
    .option(
      "-c, --accept-invalid-certificates [BOOL]",
      "trust an API server with a bad certificate",
    )
    .option("--steal", "steal incoming traffic instead of mirroring it")
    .option("--no-outgoing", "no outgoing TCP or UDP through the target")
    .option("--no-tcp-outgoing", "no outgoing TCP through the target")
    .option("--no-udp-outgoing", "no outgoing UDP through the target")
    .option("--no-telemetry", "send no analytics")
    .option("--disable-version-check", "do not look for a newer version")
    .option("-f, --config-file [PATH]", `config file (bare: ${DEFAULT_CONFIG_FILE}; - = stdin)`)
    .option("--context <CONTEXT>", "kube context to use")
    .option("--env-file <PATH>", "dotenv file applied over the remote environment")
    .option("-k, --key <KEY>", "session key ({{ key }} in templates)");
  return command;
}
