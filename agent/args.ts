/**
 * mirrord-agent's command line: global options, then the mode subcommand.
 *
 * ```
 * agent [-l|--communicate-port <port = 61337>] [-t|--communication-timeout <secs = 30>]
 *       [--metrics <ip:port>] [--operator-tls-cert-pem <pem>] [--is-mesh]
 *       [--clean-iptables-on-start]
 *       targetless
 *     | targeted -c|--container-id <id> -r|--container-runtime <docker|containerd|cri-o|pid>
 *     | ephemeral
 * ```
 *
 * `--container-runtime pid` is our extension: the container id is a host PID (tests use it).
 *
 * @module
 */

/** Container runtimes a targeted agent can ask for its target. */
export type ContainerRuntime = "docker" | "containerd" | "cri-o" | "pid";

/** The agent's mode. */
export type AgentMode =
  | { kind: "targetless" }
  | { kind: "ephemeral" }
  | { kind: "targeted"; containerId: string; runtime: ContainerRuntime };

/** Parsed command line. */
export interface AgentArgs {
  communicatePort: number;
  communicationTimeoutSecs: number;
  metrics: string | null;
  operatorTlsCertPem: string | null;
  isMesh: boolean;
  cleanIptablesOnStart: boolean;
  mode: AgentMode;
}

/** Bad command line; `main` prints it with the usage and exits 2. */
export class ArgsError extends Error {
  /** @param message what is wrong and how to fix it */
  constructor(message: string) {
    super(message);
    this.name = "ArgsError";
  }
}

/** Usage text printed with argument errors. */
export const USAGE =
  `Usage: agent [-l|--communicate-port <PORT>] [-t|--communication-timeout <SECS>] ` +
  `[--metrics <IP:PORT>] [--is-mesh] [--clean-iptables-on-start] <MODE>
MODE: targetless
    | targeted -c|--container-id <ID> -r|--container-runtime <docker|containerd|cri-o|pid>
    | ephemeral`;

const RUNTIMES: Record<string, ContainerRuntime> = {
  docker: "docker",
  containerd: "containerd",
  "cri-o": "cri-o",
  crio: "cri-o",
  pid: "pid",
};

function parseBool(name: string, value: string | undefined): boolean {
  if (value === undefined || value === "") return false;
  if (value === "true") return true;
  if (value === "false") return false;
  throw new ArgsError(`Cannot read ${name}: "${value}" is not true or false`);
}

function parseU16(option: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) {
    throw new ArgsError(`Cannot read ${option}: "${value}" is not a number from 0 to 65535`);
  }
  return Number(value);
}

/** Splits `--name=value` and hands out option values one by one. */
class ArgCursor {
  private index = 0;
  constructor(private readonly args: string[]) {}

  next(): { name: string; inline?: string } | undefined {
    const arg = this.args[this.index++];
    if (arg === undefined) return undefined;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    return eq < 0 ? { name: arg } : { name: arg.slice(0, eq), inline: arg.slice(eq + 1) };
  }

  value(option: { name: string; inline?: string }): string {
    if (option.inline !== undefined) return option.inline;
    const value = this.args[this.index++];
    if (value === undefined) throw new ArgsError(`Cannot read ${option.name}: it needs a value`);
    return value;
  }
}

function parseTargeted(cursor: ArgCursor): AgentMode {
  let containerId: string | undefined;
  let runtime: ContainerRuntime = "containerd";
  for (let option = cursor.next(); option; option = cursor.next()) {
    switch (option.name) {
      case "-c":
      case "--container-id":
        containerId = cursor.value(option);
        break;
      case "-r":
      case "--container-runtime": {
        const value = cursor.value(option);
        const known = RUNTIMES[value];
        if (!known) {
          throw new ArgsError(
            `Cannot read --container-runtime: "${value}" is not one of docker, containerd, ` +
              `cri-o, pid`,
          );
        }
        runtime = known;
        break;
      }
      default:
        throw new ArgsError(`Cannot read the targeted mode: unknown argument "${option.name}"`);
    }
  }
  if (containerId === undefined) {
    throw new ArgsError("Cannot start a targeted agent: --container-id is required");
  }
  if (runtime === "pid" && !/^[1-9]\d*$/.test(containerId)) {
    throw new ArgsError(
      `Cannot read --container-id: "${containerId}" is not a PID (needed by --container-runtime pid)`,
    );
  }
  return { kind: "targeted", containerId, runtime };
}

/**
 * Parses the agent's arguments, with mirrord-agent's env fallbacks.
 *
 * @param args the arguments after the program name
 * @param env the process environment
 * @returns the parsed arguments
 * @throws {ArgsError} on any invalid input
 */
export function parseAgentArgs(args: string[], env: Record<string, string | undefined>): AgentArgs {
  const parsed: AgentArgs = {
    communicatePort: 61337,
    communicationTimeoutSecs: 30,
    metrics: env.MIRRORD_AGENT_METRICS ?? null,
    operatorTlsCertPem: env.AGENT_OPERATOR_CERT_ENV ?? null,
    isMesh: parseBool("MIRRORD_AGENT_IN_SERVICE_MESH", env.MIRRORD_AGENT_IN_SERVICE_MESH),
    cleanIptablesOnStart: parseBool(
      "MIRRORD_AGENT_CLEAN_IPTABLES_ON_START",
      env.MIRRORD_AGENT_CLEAN_IPTABLES_ON_START,
    ),
    mode: { kind: "targetless" },
  };
  const cursor = new ArgCursor(args);
  for (let option = cursor.next(); option; option = cursor.next()) {
    switch (option.name) {
      case "-l":
      case "--communicate-port":
        parsed.communicatePort = parseU16(option.name, cursor.value(option));
        break;
      case "-t":
      case "--communication-timeout":
        parsed.communicationTimeoutSecs = parseU16(option.name, cursor.value(option));
        break;
      case "--metrics":
        parsed.metrics = cursor.value(option);
        break;
      case "--operator-tls-cert-pem":
        parsed.operatorTlsCertPem = cursor.value(option);
        break;
      case "--is-mesh":
        parsed.isMesh = true;
        break;
      case "--clean-iptables-on-start":
        parsed.cleanIptablesOnStart = true;
        break;
      case "targetless":
      case "ephemeral": {
        const extra = cursor.next();
        if (extra) {
          throw new ArgsError(`Cannot read the ${option.name} mode: unexpected "${extra.name}"`);
        }
        parsed.mode = { kind: option.name };
        return parsed;
      }
      case "targeted":
        parsed.mode = parseTargeted(cursor);
        return parsed;
      default:
        throw new ArgsError(`Cannot read the agent arguments: unknown argument "${option.name}"`);
    }
  }
  throw new ArgsError(
    "Cannot start the agent: a mode is required (targetless, targeted, ephemeral)",
  );
}
