/**
 * containerd lookup through the `ctr` client in the `k8s.io` namespace: the task's PID from
 * `task ls`, the env from the container's OCI spec (`containers info`).
 *
 * @module
 */
import type { ContainerInfo } from "./docker.ts";
import { firstExistingPath, RuntimeLookupError } from "./runtime_socket.ts";
import { runRuntimeClient } from "./runtime_cli.ts";
import { parseEnvList } from "../target.ts";

/** Where the containerd socket is looked for, in order (hostPath mounts first). */
export const CONTAINERD_SOCKETS = [
  "/host/run/containerd/containerd.sock",
  "/host/run/dockershim.sock",
  "/host/run/k3s/containerd/containerd.sock",
  "/host/var/snap/microk8s/common/run/containerd.sock",
  "/host/run/k0s/containerd/containerd.sock",
  "/run/containerd/containerd.sock",
];

/**
 * Finds a task's PID in `ctr task ls` output (`TASK PID STATUS` table).
 *
 * @param table the command's stdout
 * @param containerId the task id
 * @returns the PID
 * @throws {RuntimeLookupError} when the task is absent or not running
 */
export function parseTaskList(table: string, containerId: string): number {
  for (const line of table.split("\n").slice(1)) {
    const [id, pid, status] = line.trim().split(/\s+/);
    if (id !== containerId) continue;
    if (status !== "RUNNING" || !(Number(pid) > 0)) {
      throw new RuntimeLookupError(`containerd task "${containerId}" is ${status ?? "unknown"}`);
    }
    return Number(pid);
  }
  throw new RuntimeLookupError(`containerd has no task "${containerId}" in namespace k8s.io`);
}

/**
 * Reads the env of a container from `ctr containers info` JSON (its OCI spec).
 *
 * @param json the command's stdout
 * @returns the variables
 */
export function parseContainerInfoEnv(json: string): Record<string, string> {
  const info = JSON.parse(json);
  return parseEnvList(info?.Spec?.process?.env ?? []);
}

/**
 * Looks a container up in containerd.
 *
 * @param containerId the container id
 * @returns its PID and env
 */
export async function containerdContainer(containerId: string): Promise<ContainerInfo> {
  const socket = await firstExistingPath(CONTAINERD_SOCKETS, "containerd");
  const base = ["--address", socket, "--namespace", "k8s.io"];
  const pid = parseTaskList(await runRuntimeClient("ctr", [...base, "task", "ls"]), containerId);
  const env = parseContainerInfoEnv(
    await runRuntimeClient("ctr", [...base, "containers", "info", containerId]),
  );
  return { pid, env };
}
