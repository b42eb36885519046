/**
 * From the configured target to a concrete pod and container ("runtime data", how-it-works.md
 * §2.3): a pod is read directly; a deployment or rollout by its selector, taking the first pod
 * that can be targeted; the container by `/container/<name>`, the default-container annotation,
 * or the first one that is not a mesh sidecar; then the runtime and id from its status.
 *
 * @module
 */
import type { TargetObject } from "../../schema/mod.ts";
import type { KubeClient } from "./api_client.ts";
import { KubeError } from "./kube_errors.ts";

/** Sidecars that are never the default container (mirrord's skip list). */
export const SKIP_CONTAINERS = new Set([
  "kuma-sidecar",
  "kuma-init",
  "istio-proxy",
  "istio-init",
  "linkerd-proxy",
  "linkerd-init",
  "vault-agent",
  "vault-agent-init",
  "queue-proxy",
  "traffic-agent",
]);

/** Container runtimes the agent can find containers of. */
export type ContainerRuntime = "docker" | "containerd" | "cri-o";

/** Everything the agent creation needs to know about the target. */
export interface RuntimeData {
  podName: string;
  namespace: string;
  nodeName: string;
  podIPs: string[];
  containerName: string;
  containerId: string;
  containerRuntime: ContainerRuntime;
  shareProcessNamespace: boolean;
  /** `istio`, `istio-cni`, `istio-ambient`, `linkerd`, `kuma`, or null */
  meshVendor: string | null;
  /** the chosen container's spec (ephemeral agents copy its env) */
  containerSpec: Record<string, unknown>;
  /** a warning when the container was guessed among several */
  guessWarning: string | null;
}

/** A target that cannot be used; the message says why. */
export class TargetError extends KubeError {
  /** @param message `Cannot …` sentence @param hint next step */
  constructor(message: string, hint?: string) {
    super(message, hint);
    this.name = "TargetError";
  }
}

// deno-lint-ignore no-explicit-any
type Json = any;

function meshVendor(pod: Json): string | null {
  const names = new Set<string>([
    ...(pod.spec?.containers ?? []),
    ...(pod.spec?.initContainers ?? []),
  ].map((c: Json) => c.name));
  if (pod.metadata?.annotations?.["ambient.istio.io/redirection"] === "enabled") {
    return "istio-ambient";
  }
  if (names.has("istio-proxy") && names.has("istio-validation")) return "istio-cni";
  if (names.has("istio-proxy") || names.has("istio-init")) return "istio";
  if (names.has("linkerd-proxy") || names.has("linkerd-init")) return "linkerd";
  if (names.has("kuma-sidecar") || names.has("kuma-init")) return "kuma";
  return null;
}

/**
 * Why a pod cannot be targeted, or null when it can.
 *
 * @param pod the pod object
 * @returns the reason
 */
export function podProblem(pod: Json): string | null {
  if (pod.status?.phase !== "Running") return `it is ${pod.status?.phase ?? "not running"}`;
  if (pod.metadata?.deletionTimestamp) return "it is being deleted";
  if (!pod.spec?.nodeName) return "it has no node";
  if (!pod.status?.podIPs?.length && !pod.status?.podIP) return "it has no IP address";
  if (!pod.status?.containerStatuses) return "it has no container statuses";
  return null;
}

/**
 * Picks the container and reads its runtime data.
 *
 * @param pod a pod that passed {@link podProblem}
 * @param container `/container/<name>` of the target, or null
 * @returns the runtime data
 * @throws {TargetError} when the container is missing, not ready or on an unknown runtime
 */
export function runtimeDataOf(pod: Json, container: string | null): RuntimeData {
  const name = pod.metadata.name as string;
  const statuses = pod.status.containerStatuses as Json[];
  let chosen: string;
  let guessWarning: string | null = null;
  if (container) {
    chosen = container;
  } else if (pod.metadata?.annotations?.["kubectl.kubernetes.io/default-container"]) {
    chosen = pod.metadata.annotations["kubectl.kubernetes.io/default-container"];
  } else {
    const names = (pod.spec.containers as Json[]).map((c) => c.name as string);
    chosen = names.find((n) => !SKIP_CONTAINERS.has(n)) ?? names[0];
    if (names.length > 1) {
      guessWarning =
        `pod "${name}" has ${names.length} containers; mirrord targets "${chosen}" — ` +
        `add /container/<name> to the target path to pick another`;
    }
  }
  const status = statuses.find((s) => s.name === chosen);
  if (!status) {
    throw new TargetError(
      `Cannot target container "${chosen}" of pod "${name}": the pod has no such container`,
      `its containers are ${statuses.map((s) => s.name).join(", ")}`,
    );
  }
  if (!status.ready) {
    throw new TargetError(
      `Cannot target container "${chosen}" of pod "${name}": it is not ready`,
      "wait for it to become ready (kubectl get pod) and run again",
    );
  }
  const match = /^([a-z-]+):\/\/(.+)$/.exec(status.containerID ?? "");
  const runtime = match?.[1] as ContainerRuntime | undefined;
  if (!match || !["docker", "containerd", "cri-o"].includes(runtime!)) {
    throw new TargetError(
      `Cannot target container "${chosen}" of pod "${name}": its runtime ` +
        `"${match?.[1] ?? status.containerID}" is not supported`,
      "mirrord supports docker, containerd and cri-o; try agent.ephemeral: true",
    );
  }
  const ips = ((pod.status.podIPs as Json[] | undefined) ?? [{ ip: pod.status.podIP }])
    .map((entry) => entry.ip as string).filter(Boolean);
  return {
    podName: name,
    namespace: pod.metadata.namespace,
    nodeName: pod.spec.nodeName,
    podIPs: ips,
    containerName: chosen,
    containerId: match[2],
    containerRuntime: runtime!,
    shareProcessNamespace: pod.spec.shareProcessNamespace === true,
    meshVendor: meshVendor(pod),
    containerSpec: (pod.spec.containers as Json[]).find((c) => c.name === chosen) ?? {},
    guessWarning,
  };
}

function selectorOf(workload: Json, what: string): string {
  const labels = workload.spec?.selector?.matchLabels as Record<string, string> | undefined;
  if (!labels || Object.keys(labels).length === 0) {
    throw new TargetError(
      `Cannot find the pods of ${what}: it has no spec.selector.matchLabels`,
      "target one of its pods directly (mirrord ls lists them)",
    );
  }
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(",");
}

async function rolloutSelector(client: KubeClient, namespace: string, name: string) {
  const what = `rollout "${name}" in namespace "${namespace}"`;
  const rollout: Json = await client.request(
    "GET",
    `/apis/argoproj.io/v1alpha1/namespaces/${namespace}/rollouts/${name}`,
    { action: `get ${what}` },
  );
  if (rollout.spec?.selector?.matchLabels) return selectorOf(rollout, what);
  const ref = rollout.spec?.workloadRef;
  const paths: Record<string, string> = {
    Deployment: "apis/apps/v1/namespaces/NS/deployments",
    ReplicaSet: "apis/apps/v1/namespaces/NS/replicasets",
    StatefulSet: "apis/apps/v1/namespaces/NS/statefulsets",
    PodTemplate: "api/v1/namespaces/NS/podtemplates",
  };
  if (!ref || !paths[ref.kind]) {
    throw new TargetError(
      `Cannot find the pods of ${what}: it has neither a selector nor a supported workloadRef`,
      "target one of its pods directly (mirrord ls lists them)",
    );
  }
  const refWhat = `${ref.kind} "${ref.name}" (workloadRef of ${what})`;
  const workload: Json = await client.request(
    "GET",
    `/${paths[ref.kind].replace("NS", namespace)}/${ref.name}`,
    { action: `get ${refWhat}` },
  );
  if (ref.kind === "PodTemplate") {
    const labels = workload.template?.metadata?.labels ?? {};
    return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(",");
  }
  return selectorOf(workload, refWhat);
}

async function firstTargetablePod(
  client: KubeClient,
  namespace: string,
  selector: string,
  what: string,
): Promise<Json> {
  const list: Json = await client.request(
    "GET",
    `/api/v1/namespaces/${namespace}/pods?labelSelector=${encodeURIComponent(selector)}`,
    { action: `list the pods of ${what}` },
  );
  const pods = list.items as Json[];
  if (pods.length === 0) {
    throw new TargetError(
      `Cannot target ${what}: no pods matching the labels ${selector} were found`,
      "check that it has running pods (kubectl get pods -l '" + selector + "')",
    );
  }
  const pod = pods.find((p) => podProblem(p) === null);
  if (!pod) {
    throw new TargetError(
      `Cannot target ${what}: no pod matching the labels ${selector} is ready to be targeted`,
      `${pods[0].metadata.name}: ${podProblem(pods[0])}; wait for a pod to run and try again`,
    );
  }
  return pod;
}

/**
 * Resolves a target to its pod and container.
 *
 * @param client the API client
 * @param target the target object (not targetless)
 * @param namespace the target namespace
 * @returns the runtime data
 * @throws {TargetError} when the target cannot be used
 * @throws {KubeApiError} when the API refuses (NotFound, Forbidden …)
 */
export async function resolveTarget(
  client: KubeClient,
  target: TargetObject,
  namespace: string,
): Promise<RuntimeData> {
  const container = target.container ?? null;
  if ("pod" in target) {
    const what = `pod "${target.pod}" in namespace "${namespace}"`;
    const pod: Json = await client.request(
      "GET",
      `/api/v1/namespaces/${namespace}/pods/${target.pod}`,
      { action: `get ${what}`, hints: { NotFound: "check the pod's name and namespace (-n)" } },
    );
    const problem = podProblem(pod);
    if (problem) {
      throw new TargetError(
        `Cannot target ${what}: ${problem}`,
        "target a running pod (mirrord ls lists them)",
      );
    }
    return runtimeDataOf(pod, container);
  }
  if ("deployment" in target) {
    const what = `deployment "${target.deployment}" in namespace "${namespace}"`;
    const deployment: Json = await client.request(
      "GET",
      `/apis/apps/v1/namespaces/${namespace}/deployments/${target.deployment}`,
      { action: `get ${what}` },
    );
    const pod = await firstTargetablePod(client, namespace, selectorOf(deployment, what), what);
    return runtimeDataOf(pod, container);
  }
  if ("rollout" in target) {
    const what = `rollout "${target.rollout}" in namespace "${namespace}"`;
    const selector = await rolloutSelector(client, namespace, target.rollout);
    return runtimeDataOf(await firstTargetablePod(client, namespace, selector, what), container);
  }
  throw new TargetError(
    `Cannot resolve target ${JSON.stringify(target)}: this target type requires the mirrord ` +
      "operator",
    "target a pod, deployment or rollout",
  );
}
