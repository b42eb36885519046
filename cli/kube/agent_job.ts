/**
 * The agent as a Job (how-it-works.md §2.6–2.7). Targetless: a plain pod in the target
 * namespace. Targeted: on the target's node with `hostPID`, the host's `/run` and `/var` mounted
 * (the container runtime's socket lives there), the capabilities it needs and tolerations for
 * every taint; the agent enters the target's network namespace itself. `ttlSecondsAfterFinished`
 * (`agent.ttl`) lets Kubernetes remove the Job once the agent exits.
 *
 * @module
 */
import type { ResolvedConfig } from "../../schema/mod.ts";
import type { KubeClient } from "./api_client.ts";
import {
  AGENT_CONTAINER,
  agentArgs,
  agentCapabilities,
  agentEnv,
  type AgentParams,
} from "./agent_params.ts";
import { KubeError } from "./kube_errors.ts";
import type { RuntimeData } from "./target.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const DEFAULT_RESOURCES = {
  requests: { cpu: "1m", memory: "1Mi" },
  limits: { cpu: "1", memory: "100Mi" },
};

/** Where a targeted agent must run. */
export interface Placement {
  /** the node's `kubernetes.io/hostname` label, when it has one */
  hostnameLabel: string | null;
  nodeName: string;
}

/**
 * The Job object.
 *
 * @param config the resolved config
 * @param params the agent's name, port, gid and image
 * @param target runtime data and placement of a targeted agent; null for targetless
 * @returns the Job manifest
 */
export function agentJobManifest(
  config: ResolvedConfig,
  params: AgentParams,
  target: { runtime: RuntimeData; placement: Placement } | null,
): Json {
  const agent = config.agent;
  const meshOptOut = agent.disable_mesh_sidecar_injection;
  const labels: Record<string, string> = {
    ...(agent.labels ?? {}),
    app: "mirrord",
    ...(meshOptOut ? { "kuma.io/sidecar-injection": "disabled" } : {}),
  };
  const annotations: Record<string, string> = {
    ...(agent.annotations ?? {}),
    ...(meshOptOut ? { "sidecar.istio.io/inject": "false", "linkerd.io/inject": "disabled" } : {}),
  };
  const container: Json = {
    name: AGENT_CONTAINER,
    image: params.image,
    imagePullPolicy: params.imagePullPolicy,
    command: ["./mirrord-agent"],
    args: agentArgs(
      params,
      target ? { kind: "targeted", runtime: target.runtime } : { kind: "targetless" },
    ),
    env: agentEnv(config, target?.runtime ?? null),
    resources: agent.resources ?? DEFAULT_RESOURCES,
  };
  const podSpec: Json = {
    restartPolicy: "Never",
    containers: [container],
  };
  if (agent.image_pull_secrets?.length) podSpec.imagePullSecrets = agent.image_pull_secrets;
  if (agent.tolerations) podSpec.tolerations = agent.tolerations;
  if (agent.node_selector) podSpec.nodeSelector = { ...agent.node_selector };
  if (agent.service_account) podSpec.serviceAccountName = agent.service_account;
  if (agent.priority_class) podSpec.priorityClassName = agent.priority_class;
  if (agent.security_context) podSpec.securityContext = agent.security_context;
  if (target) {
    podSpec.hostPID = true;
    podSpec.tolerations = agent.tolerations ?? [{ operator: "Exists" }];
    podSpec.volumes = [
      { name: "hostrun", hostPath: { path: "/run" } },
      { name: "hostvar", hostPath: { path: "/var" } },
    ];
    container.volumeMounts = [
      { name: "hostrun", mountPath: "/host/run" },
      { name: "hostvar", mountPath: "/host/var" },
    ];
    container.securityContext = {
      runAsGroup: params.gid,
      privileged: agent.privileged,
      capabilities: { add: agentCapabilities(config) },
    };
    if (target.placement.hostnameLabel) {
      podSpec.nodeSelector = {
        ...(podSpec.nodeSelector ?? {}),
        "kubernetes.io/hostname": target.placement.hostnameLabel,
      };
    } else {
      podSpec.nodeName = target.placement.nodeName;
    }
  }
  const templateMetadata: Json = { labels: { ...labels } };
  // mirrord's quirk (Appendix E.5): custom annotations reach the pod only with the mesh opt-out.
  if (meshOptOut) templateMetadata.annotations = annotations;
  const metadata: Json = { name: params.name, labels };
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata,
    spec: {
      ttlSecondsAfterFinished: agent.ttl,
      backoffLimit: 0,
      template: { metadata: templateMetadata, spec: podSpec },
    },
  };
}

/**
 * Reads where a targeted agent goes and, with `agent.check_out_of_pods`, whether the node has
 * room for one more pod. Failures of these reads are ignored (a narrow user may not read nodes).
 *
 * @param client the API client
 * @param config the resolved config
 * @param nodeName the target's node
 * @returns the placement
 * @throws {KubeError} when the node is out of pod capacity
 */
export async function agentPlacement(
  client: KubeClient,
  config: ResolvedConfig,
  nodeName: string,
): Promise<Placement> {
  const placement: Placement = { hostnameLabel: null, nodeName };
  let node: Json;
  try {
    node = await client.request("GET", `/api/v1/nodes/${nodeName}`, {
      action: `get node "${nodeName}"`,
    });
  } catch {
    return placement;
  }
  const labels = node.metadata?.labels ?? {};
  if (labels["kubernetes.io/hostname"] && labels["vcluster.loft.sh/fake-node"] !== "true") {
    placement.hostnameLabel = labels["kubernetes.io/hostname"];
  }
  if (!config.agent.check_out_of_pods) return placement;
  const allocatable = Number(node.status?.allocatable?.pods);
  if (!Number.isFinite(allocatable)) return placement;
  let running = 0;
  try {
    let token = "";
    do {
      const page: Json = await client.request(
        "GET",
        `/api/v1/pods?limit=500&fieldSelector=${
          encodeURIComponent(`status.phase=Running,spec.nodeName=${nodeName}`)
        }${token ? `&continue=${encodeURIComponent(token)}` : ""}`,
        { action: `list the pods on node "${nodeName}"` },
      );
      running += page.items.length;
      token = page.metadata?.continue ?? "";
    } while (token);
  } catch {
    return placement;
  }
  if (allocatable <= running) {
    throw new KubeError(
      `Cannot start the agent on node "${nodeName}": the node is out of pod capacity ` +
        `(${running} pods running, ${allocatable} allocatable)`,
      "free capacity on the node, or run the agent as an ephemeral container " +
        '("agent": {"ephemeral": true})',
    );
  }
  return placement;
}

/**
 * Creates the agent Job.
 *
 * @param client the API client
 * @param namespace where
 * @param manifest the Job
 */
export async function createAgentJob(
  client: KubeClient,
  namespace: string,
  manifest: Json,
): Promise<void> {
  await client.request("POST", `/apis/batch/v1/namespaces/${namespace}/jobs`, {
    action: `create the agent Job in namespace "${namespace}"`,
    body: manifest,
    hints: {
      Forbidden: `ask a cluster admin for "create" on jobs in "${namespace}", set ` +
        'agent.namespace to a namespace where you may, or use "agent": {"ephemeral": true}',
      NotFound: `namespace "${namespace}" does not exist — check agent.namespace / -a`,
    },
  });
}

/**
 * Deletes an agent Job and its pod; failures are ignored (the Job's ttl or an admin cleans up).
 *
 * @param client the API client
 * @param namespace the Job's namespace
 * @param name the Job's name
 */
export async function deleteAgentJob(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<void> {
  await client.request(
    "DELETE",
    `/apis/batch/v1/namespaces/${namespace}/jobs/${name}?propagationPolicy=Background`,
    { action: `delete the agent Job "${name}"` },
  ).catch(() => {});
}
