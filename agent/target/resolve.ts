/**
 * From the agent's mode to its {@link Target}.
 *
 * @module
 */
import type { AgentMode } from "../args.ts";
import { type Target, targetFromPid } from "./target.ts";
import { resolveEphemeralTarget } from "./ephemeral.ts";
import { type ContainerInfo, dockerContainer } from "./runtimes/docker.ts";
import { containerdContainer } from "./runtimes/containerd.ts";
import { crioContainer } from "./runtimes/crio.ts";

/**
 * Resolves the target of an agent mode.
 *
 * @param mode the parsed mode
 * @param ownEnv the agent's own environment (targetless and ephemeral report it)
 * @returns the target
 * @throws {Error} "Cannot find the target …" with the runtime's reason
 */
export async function resolveTarget(
  mode: AgentMode,
  ownEnv: Record<string, string>,
): Promise<Target> {
  switch (mode.kind) {
    case "targetless":
      return { pid: null, root: "/", env: { ...ownEnv }, description: "targetless" };
    case "ephemeral":
      return await resolveEphemeralTarget(ownEnv);
    case "targeted": {
      if (mode.runtime === "pid") {
        const pid = Number(mode.containerId);
        return await targetFromPid(pid, {}, "--container-runtime pid");
      }
      let info: ContainerInfo;
      try {
        info = await lookupContainer(mode.runtime, mode.containerId);
      } catch (error) {
        throw new Error(
          `Cannot find the target container "${mode.containerId}" in ${mode.runtime}: ` +
            (error as Error).message,
        );
      }
      return await targetFromPid(
        info.pid,
        info.env,
        `${mode.runtime} container ${mode.containerId}`,
      );
    }
  }
}

function lookupContainer(runtime: "docker" | "containerd" | "cri-o", id: string) {
  switch (runtime) {
    case "docker":
      return dockerContainer(id);
    case "containerd":
      return containerdContainer(id);
    case "cri-o":
      return crioContainer(id);
  }
}
