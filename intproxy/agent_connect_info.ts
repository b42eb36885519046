/**
 * How the intproxy reaches its agent (how-it-works.md §4.1 step 5): `connect_tcp` from the config
 * (our direct path, also mirrord's test path), else `MIRRORD_AGENT_CONNECT_INFO` (externally
 * tagged JSON): `ExternalProxy` is a TCP address retried after 450 ms, 1.35 s and 3 s;
 * `DirectKubernetes` is reached through the intproxy's own port-forward (`agent_port_forward.ts`).
 *
 * @module
 */
import type { ResolvedConfig } from "../schema/mod.ts";
import { AgentConnection } from "./agent_conn.ts";
import { connectThroughPortForward } from "./agent_port_forward.ts";

/** The agent cannot be reached; the message says why and what to do. */
export class AgentUnreachableError extends Error {
  /** @param message `Cannot …` sentence @param options the cause */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AgentUnreachableError";
  }
}

/** Where the agent is. */
export type AgentTarget =
  | { kind: "tcp"; address: string; retryDelaysMs: number[] }
  | { kind: "kubernetes"; podName: string; podNamespace: string; agentPort: number };

/**
 * Reads the agent's whereabouts.
 *
 * @param connectTcp `connect_tcp` from the config
 * @param connectInfo `MIRRORD_AGENT_CONNECT_INFO`, if set
 * @returns where to connect
 * @throws {AgentUnreachableError} when neither says where the agent is
 * @example
 * ```ts
 * agentTarget("127.0.0.1:61337", undefined); // { kind: "tcp", address: "127.0.0.1:61337", … }
 * ```
 */
export function agentTarget(
  connectTcp: string | null,
  connectInfo: string | undefined,
): AgentTarget {
  if (connectTcp) return { kind: "tcp", address: connectTcp, retryDelaysMs: [] };
  if (!connectInfo) {
    throw new AgentUnreachableError(
      "Cannot find the agent: neither connect_tcp nor MIRRORD_AGENT_CONNECT_INFO is set — " +
        "the intproxy is started by `mirrord exec`, not by hand",
    );
  }
  let info: Record<string, Record<string, unknown>>;
  try {
    info = JSON.parse(connectInfo);
  } catch (error) {
    throw new AgentUnreachableError(
      `Cannot read MIRRORD_AGENT_CONNECT_INFO: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (info?.ExternalProxy && typeof info.ExternalProxy.proxy_addr === "string") {
    return {
      kind: "tcp",
      address: info.ExternalProxy.proxy_addr,
      retryDelaysMs: [450, 1350, 3000],
    };
  }
  const kube = info?.DirectKubernetes;
  if (kube && typeof kube.pod_name === "string") {
    return {
      kind: "kubernetes",
      podName: kube.pod_name,
      podNamespace: String(kube.pod_namespace ?? "default"),
      agentPort: Number(kube.agent_port),
    };
  }
  throw new AgentUnreachableError(
    `Cannot use MIRRORD_AGENT_CONNECT_INFO ${connectInfo}: expected DirectKubernetes or ` +
      "ExternalProxy",
  );
}

/**
 * Connects to the agent.
 *
 * @param target where it is
 * @param kube the config and environment a Kubernetes port-forward is built from
 * @returns the connection
 * @throws {AgentUnreachableError} when it cannot be reached
 */
export async function connectToAgent(
  target: AgentTarget,
  kube?: { config: ResolvedConfig; env: Record<string, string> },
): Promise<AgentConnection> {
  if (target.kind === "kubernetes") {
    if (!kube) {
      throw new AgentUnreachableError(
        `Cannot reach agent pod "${target.podNamespace}/${target.podName}": no config to ` +
          "build a Kubernetes client from",
      );
    }
    try {
      return await connectThroughPortForward(target, kube.config, kube.env);
    } catch (error) {
      throw new AgentUnreachableError((error as Error).message, { cause: error });
    }
  }
  let lastError: unknown;
  for (const delay of [0, ...target.retryDelaysMs]) {
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    try {
      return await AgentConnection.connect(target.address);
    } catch (error) {
      lastError = error;
    }
  }
  throw new AgentUnreachableError(
    `Cannot connect to the agent at ${target.address}: ${(lastError as Error).message}`,
    { cause: lastError },
  );
}
