/**
 * `status`: which of the cluster's processes run and whether each answers its health check.
 *
 * @module
 */
import { containerdAnswers } from "./containerd.ts";
import { apiserverReady, etcdHealthy } from "./control_plane.ts";
import { daemonPid } from "./daemons.ts";
import { PORTS } from "./layout.ts";
import { localHealthy } from "./node.ts";

/** State of one cluster process. */
export interface ComponentStatus {
  name: string;
  /** undefined when not running */
  pid?: number;
  /** result of its health check; undefined when it has none here or is not running */
  healthy?: boolean;
}

const HEALTH_CHECKS: Record<string, () => Promise<boolean>> = {
  etcd: etcdHealthy,
  containerd: containerdAnswers,
  "kube-apiserver": apiserverReady,
  kubelet: () => localHealthy(PORTS.kubeletHealthz),
  "kube-proxy": () => localHealthy(PORTS.proxyHealthz),
};

/** The cluster's processes in start order. */
export const COMPONENTS = [
  "etcd",
  "containerd",
  "kube-apiserver",
  "kube-controller-manager",
  "kube-scheduler",
  "kubelet",
  "kube-proxy",
];

/**
 * Reports every component.
 *
 * @returns one entry per component, in start order
 */
export async function clusterStatus(): Promise<ComponentStatus[]> {
  const statuses = [];
  for (const name of COMPONENTS) {
    const pid = await daemonPid(name);
    const check = HEALTH_CHECKS[name];
    const healthy = pid !== undefined && check ? await check() : undefined;
    statuses.push({ name, pid, healthy });
  }
  return statuses;
}

/**
 * Whether every component runs (and passes its health check where it has one).
 *
 * @param statuses what {@link clusterStatus} returned
 * @returns true when the cluster is fully up
 */
export function allRunning(statuses: ComponentStatus[]): boolean {
  return statuses.every((status) => status.pid !== undefined && status.healthy !== false);
}
