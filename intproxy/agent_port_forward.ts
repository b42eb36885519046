/**
 * The intproxy's own port-forward to a Kubernetes agent (`MIRRORD_AGENT_CONNECT_INFO` =
 * `DirectKubernetes`, how-it-works.md §2.10): the kube client is built from the same config fields
 * and environment the CLI used (`kubeconfig`, `kube_context`, `accept_invalid_certificates`,
 * `KUBECONFIG`), through the shared `cli/kube/mod.ts`.
 *
 * @module
 */
import type { ResolvedConfig } from "../schema/mod.ts";
import { KubeClient, KubeError, openPortForward } from "../cli/kube/mod.ts";
import { AgentConnection } from "./agent_conn.ts";

/** The agent pod and port from `DirectKubernetes`. */
export interface KubernetesAgent {
  podName: string;
  podNamespace: string;
  agentPort: number;
}

/**
 * Opens the port-forward and wraps it as the agent link.
 *
 * @param agent where the agent listens
 * @param config the resolved config
 * @param env the intproxy's environment
 * @returns the connection
 * @throws {Error} a `Cannot …` message when the kubeconfig or the port-forward fails
 */
export async function connectThroughPortForward(
  agent: KubernetesAgent,
  config: ResolvedConfig,
  env: Record<string, string>,
): Promise<AgentConnection> {
  try {
    const client = KubeClient.fromKubeconfig({
      kubeconfig: config.kubeconfig,
      context: config.kube_context,
      acceptInvalidCertificates: config.accept_invalid_certificates,
      env,
    });
    const stream = await openPortForward(
      client,
      agent.podNamespace,
      agent.podName,
      agent.agentPort,
    );
    return new AgentConnection(stream);
  } catch (error) {
    if (error instanceof KubeError) throw new Error(error.describe(), { cause: error });
    throw error;
  }
}
