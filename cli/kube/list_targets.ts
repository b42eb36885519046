/**
 * Listing targets (`mirrord ls`, IDE pickers; how-it-works.md §2.11): running, ready pods (one
 * path per container when a pod has several non-sidecar containers), deployments with an
 * available replica, and Argo rollouts; pages of 500. The rich form also lists namespaces
 * (a failure there is tolerated: narrow users often may not list them).
 *
 * @module
 */
import type { KubeClient } from "./api_client.ts";
import { KubeApiError } from "./kube_errors.ts";
import { SKIP_CONTAINERS } from "./target.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** Target types `ls` can list without the operator. */
export const LISTABLE_TYPES = ["pod", "deployment", "rollout"] as const;

/** One listed target. */
export interface ListedTarget {
  path: string;
  available: boolean;
}

async function listAll(client: KubeClient, path: string, action: string): Promise<Json[]> {
  const items: Json[] = [];
  let token = "";
  do {
    const separator = path.includes("?") ? "&" : "?";
    const page: Json = await client.request(
      "GET",
      `${path}${separator}limit=500${token ? `&continue=${encodeURIComponent(token)}` : ""}`,
      { action },
    );
    items.push(...(page.items ?? []));
    token = page.metadata?.continue ?? "";
  } while (token);
  return items;
}

/**
 * The target paths of one pod (none when it is not running and ready).
 *
 * @param pod the pod object
 * @returns `pod/<name>` or `pod/<name>/container/<c>` paths
 */
export function podTargetPaths(pod: Json): string[] {
  if (pod.status?.phase !== "Running") return [];
  const ready = (pod.status?.conditions as Json[] | undefined)?.some((c) =>
    c.type === "Ready" && c.status === "True"
  );
  if (!ready) return [];
  const name = pod.metadata.name;
  const containers = ((pod.spec?.containers as Json[] | undefined) ?? [])
    .map((c) => c.name as string)
    .filter((c) => !SKIP_CONTAINERS.has(c));
  if (containers.length === 1) return [`pod/${name}`];
  return containers.map((c) => `pod/${name}/container/${c}`);
}

/**
 * Lists the targets of a namespace.
 *
 * @param client the API client
 * @param namespace the namespace
 * @param types which target types (default: all listable ones)
 * @param onSkipped told when deployments or rollouts may not be listed (pods still are)
 * @returns the targets, pods first
 * @throws {KubeApiError} when listing pods is refused
 */
export async function listTargets(
  client: KubeClient,
  namespace: string,
  types: readonly string[] = LISTABLE_TYPES,
  onSkipped: (error: KubeApiError) => void = () => {},
): Promise<ListedTarget[]> {
  const targets: ListedTarget[] = [];
  if (types.includes("pod")) {
    const selector = encodeURIComponent("app!=mirrord,!operator.metalbear.co/owner");
    const pods = await listAll(
      client,
      `/api/v1/namespaces/${namespace}/pods?labelSelector=${selector}`,
      `list the pods in namespace "${namespace}"`,
    );
    for (const pod of pods) {
      for (const path of podTargetPaths(pod)) targets.push({ path, available: true });
    }
  }
  if (types.includes("deployment")) {
    let deployments: Json[] = [];
    try {
      deployments = await listAll(
        client,
        `/apis/apps/v1/namespaces/${namespace}/deployments`,
        `list the deployments in namespace "${namespace}"`,
      );
    } catch (error) {
      if (!(error instanceof KubeApiError && error.reason === "Forbidden")) throw error;
      onSkipped(error);
    }
    for (const deployment of deployments) {
      if ((deployment.status?.availableReplicas ?? 0) >= 1) {
        targets.push({ path: `deployment/${deployment.metadata.name}`, available: true });
      }
    }
  }
  if (types.includes("rollout")) {
    try {
      const rollouts = await listAll(
        client,
        `/apis/argoproj.io/v1alpha1/namespaces/${namespace}/rollouts`,
        `list the rollouts in namespace "${namespace}"`,
      );
      for (const rollout of rollouts) {
        targets.push({ path: `rollout/${rollout.metadata.name}`, available: true });
      }
    } catch (error) {
      // No Argo Rollouts in this cluster (404), or no permission to look (403, also given when
      // the resource does not exist): most clusters have none, so this is not worth a warning.
      if (!(error instanceof KubeApiError && [403, 404].includes(error.code))) throw error;
    }
  }
  return targets;
}

/**
 * The namespaces the user may see; empty when listing them is refused.
 *
 * @param client the API client
 * @returns namespace names
 */
export async function listNamespaces(client: KubeClient): Promise<string[]> {
  try {
    const namespaces = await listAll(client, "/api/v1/namespaces", "list the namespaces");
    return namespaces.map((ns) => ns.metadata.name as string);
  } catch {
    return [];
  }
}
