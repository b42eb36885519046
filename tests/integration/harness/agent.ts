/**
 * Runs our agent (`agent/main.ts`) for a test pod, either from the host network namespace (it
 * enters the pod's itself, like a targeted Job agent) or from inside the pod's namespace (like an
 * ephemeral agent).
 *
 * ```ts
 * await using agent = await startAgent(pod, { where: "host" });
 * const conn = await Deno.connect(agent.address);
 * ```
 *
 * @module
 */
import type { Pod } from "./pod.ts";
import { type BackgroundProcess, spawnUntilReady } from "./process.ts";

const AGENT_MAIN = new URL("../../../agent/main.ts", import.meta.url).pathname;
const READY = /^agent ready - version \S+$/;

/** Options of {@link startAgent}. */
export interface AgentOptions {
  /** where the agent process starts: the host's network namespace or the pod's */
  where?: "host" | "pod";
  /** `-t` (default 30) */
  communicationTimeoutSecs?: number;
  /** the mode arguments (default `targeted --container-runtime pid --container-id <target>`) */
  mode?: string[];
  /** extra environment of the agent */
  env?: Record<string, string>;
}

/** A running agent. */
export interface RunningAgent extends AsyncDisposable {
  process: BackgroundProcess;
  /** where a test client connects */
  address: { hostname: string; port: number };
  /** resolves with the exit code once the agent exits */
  exited: Promise<number>;
  /** the agent's output lines so far (ready line, `[agent]` logs) */
  output: string[];
  stop(): Promise<void>;
}

function freeHostPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}

/**
 * Starts the agent for `pod` and waits for its ready line.
 *
 * @param pod the pod whose target process the agent serves (null: targetless on the host)
 * @param options see {@link AgentOptions}
 * @returns the running agent
 */
export async function startAgent(
  pod: Pod | null,
  options: AgentOptions = {},
): Promise<RunningAgent> {
  const where = pod === null ? "host" : options.where ?? "host";
  const port = where === "host" ? freeHostPort() : 61337;
  const mode = options.mode ??
    (pod === null
      ? ["targetless"]
      : ["targeted", "--container-runtime", "pid", "--container-id", String(pod.targetPid)]);
  const agentArgs = [
    "run",
    "-A",
    AGENT_MAIN,
    "-l",
    String(port),
    "-t",
    String(options.communicationTimeoutSecs ?? 30),
    ...mode,
  ];
  const env = { RUST_LOG: "debug", ...options.env };
  const process = where === "host"
    ? await spawnUntilReady(Deno.execPath(), agentArgs, { ready: READY, env })
    : await spawnUntilReady(
      "/usr/bin/nsenter",
      [`--net=${pod!.netnsPath}`, Deno.execPath(), ...agentArgs],
      { ready: READY, env },
    );
  const stop = async () => await process.kill();
  return {
    process,
    address: { hostname: where === "host" ? "127.0.0.1" : pod!.podIp, port },
    exited: process.status.then((status) => status.code),
    output: process.output,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
