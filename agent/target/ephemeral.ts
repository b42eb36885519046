/**
 * Target lookup for an ephemeral agent: a container added to the target pod, sharing its network
 * namespace and (with `targetContainerName`) its PID namespace.
 *
 * @module
 */
import { type Target, targetFromPid } from "./target.ts";

/** The variable naming the target container when the pod shares one PID namespace. */
export const EPHEMERAL_CONTAINER_ID_VAR = "MIRRORD_AGENT_EPHEMERAL_TARGET_CONTAINER_ID";

/**
 * Finds the process whose cgroup path mentions the container id, scanning `/proc/<pid>/cgroup`.
 *
 * @param containerId the target container id
 * @param procRoot the proc mount to scan (tests pass a fixture folder)
 * @returns the lowest matching PID, or 1 when none matches
 */
export async function findPidByCgroup(containerId: string, procRoot = "/proc"): Promise<number> {
  const pids: number[] = [];
  for await (const entry of Deno.readDir(procRoot)) {
    if (/^\d+$/.test(entry.name)) pids.push(Number(entry.name));
  }
  pids.sort((a, b) => a - b);
  for (const pid of pids) {
    try {
      const cgroup = await Deno.readTextFile(`${procRoot}/${pid}/cgroup`);
      if (cgroup.includes(containerId)) return pid;
    } catch {
      // The process exited while we scanned.
    }
  }
  return 1;
}

/**
 * Resolves an ephemeral agent's target: PID 1 of the shared PID namespace, or the process of the
 * named container; the environment is the agent's own (the CLI copies the target's env into the
 * ephemeral container spec), overridden by the process'.
 *
 * @param env the agent's environment
 * @returns the target
 */
export async function resolveEphemeralTarget(env: Record<string, string>): Promise<Target> {
  const containerId = env[EPHEMERAL_CONTAINER_ID_VAR] ?? "";
  const pid = containerId === "" ? 1 : await findPidByCgroup(containerId);
  return await targetFromPid(pid, env, "ephemeral");
}
