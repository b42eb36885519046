/**
 * CRI-O lookup through `crictl inspect` (CRI `ContainerStatus` with verbose info): the PID is
 * `info.pid`, or the `pid` field of the JSON string in `info.info`.
 *
 * @module
 */
import type { ContainerInfo } from "./docker.ts";
import { firstExistingPath, RuntimeLookupError } from "./runtime_socket.ts";
import { runRuntimeClient } from "./runtime_cli.ts";
import { parseEnvList } from "../target.ts";

/** Where the CRI-O socket is looked for, in order. */
export const CRIO_SOCKETS = ["/host/run/crio/crio.sock", "/run/crio/crio.sock"];

/**
 * Reads PID and env from `crictl inspect` JSON.
 *
 * @param json the command's stdout
 * @param containerId for error messages
 * @returns the container info
 * @throws {RuntimeLookupError} when no PID is present
 */
export function parseCrictlInspect(json: string, containerId: string): ContainerInfo {
  const status = JSON.parse(json);
  let info = status?.info ?? {};
  if (info.pid === undefined && typeof info.info === "string") info = JSON.parse(info.info);
  const pid = Number(info.pid);
  if (!(pid > 0)) {
    throw new RuntimeLookupError(`cri-o reports no PID for container "${containerId}"`);
  }
  return { pid, env: parseEnvList(info?.runtimeSpec?.process?.env ?? []) };
}

/**
 * Looks a container up in CRI-O.
 *
 * @param containerId the container id
 * @returns its PID and env
 */
export async function crioContainer(containerId: string): Promise<ContainerInfo> {
  const socket = await firstExistingPath(CRIO_SOCKETS, "cri-o");
  const json = await runRuntimeClient("crictl", [
    "--runtime-endpoint",
    `unix://${socket}`,
    "inspect",
    containerId,
  ]);
  return parseCrictlInspect(json, containerId);
}
