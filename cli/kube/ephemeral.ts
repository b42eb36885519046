/**
 * The agent as an ephemeral container in the target pod (how-it-works.md §2.8): appended to the
 * pod's `ephemeralcontainers` subresource, targeting the chosen container, with a copy of that
 * container's `env`/`envFrom` so the agent reports the target's environment. It shares the
 * pod's network namespace, so it needs no `setns`, no host mounts and no Job.
 *
 * @module
 */
import type { ResolvedConfig } from "../../schema/mod.ts";
import type { KubeClient } from "./api_client.ts";
import { agentArgs, agentCapabilities, agentEnv, type AgentParams } from "./agent_params.ts";
import type { RuntimeData } from "./target.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/**
 * The ephemeral container entry.
 *
 * @param config the resolved config
 * @param params the agent's name, port, gid and image
 * @param runtime the target
 * @returns the container object
 */
export function ephemeralAgentContainer(
  config: ResolvedConfig,
  params: AgentParams,
  runtime: RuntimeData,
): Json {
  const spec = runtime.containerSpec as Json;
  const securityContext: Json = {
    runAsGroup: params.gid,
    privileged: config.agent.privileged,
    capabilities: { add: agentCapabilities(config) },
  };
  if (config.agent.privileged) {
    securityContext.runAsUser = 0;
    securityContext.runAsNonRoot = false;
  }
  const container: Json = {
    name: params.name,
    image: params.image,
    imagePullPolicy: params.imagePullPolicy,
    command: ["./mirrord-agent"],
    args: agentArgs(params, { kind: "ephemeral" }),
    targetContainerName: runtime.containerName,
    env: [...agentEnv(config, runtime, true), ...(spec.env ?? [])],
    securityContext,
  };
  if (spec.envFrom) container.envFrom = spec.envFrom;
  return container;
}

/**
 * Adds the agent to the target pod's ephemeral containers.
 *
 * @param client the API client
 * @param runtime the target
 * @param container the entry from {@link ephemeralAgentContainer}
 */
export async function createEphemeralAgent(
  client: KubeClient,
  runtime: RuntimeData,
  container: Json,
): Promise<void> {
  const path =
    `/api/v1/namespaces/${runtime.namespace}/pods/${runtime.podName}/ephemeralcontainers`;
  const what = `pod "${runtime.podName}" in namespace "${runtime.namespace}"`;
  const forbidden = `ask a cluster admin for "get" and "update" on pods/ephemeralcontainers in ` +
    `"${runtime.namespace}", or run the agent as a Job (agent.ephemeral: false)`;
  const pod: Json = await client.request("GET", path, {
    action: `read the ephemeral containers of ${what}`,
    hints: { Forbidden: forbidden },
  });
  pod.spec.ephemeralContainers = [...(pod.spec.ephemeralContainers ?? []), container];
  delete pod.metadata.resourceVersion;
  await client.request("PUT", path, {
    action: `add the agent as an ephemeral container to ${what}`,
    body: pod,
    hints: { Forbidden: forbidden },
  });
}
