/**
 * Docker Engine lookup: `GET /containers/<id>/json` over the engine's unix socket gives the
 * container's PID (`State.Pid`) and env (`Config.Env`).
 *
 * @module
 */
import { firstExistingPath, RuntimeLookupError } from "./runtime_socket.ts";
import { parseEnvList } from "../target.ts";
import { joinBytes } from "../../../cli/join_bytes.ts";

/** Where the docker socket is looked for, in order (hostPath mounts first). */
export const DOCKER_SOCKETS = [
  "/host/run/docker.sock",
  "/host/var/run/docker.sock",
  "/run/docker.sock",
  "/var/run/docker.sock",
];

/** What the agent needs from a container. */
export interface ContainerInfo {
  pid: number;
  env: Record<string, string>;
}

/**
 * Sends one HTTP/1.0 GET over a unix socket and returns status and body.
 *
 * @param socketPath the unix socket
 * @param path the request target
 * @returns status code and body text
 */
export async function httpGetOverUnixSocket(
  socketPath: string,
  path: string,
): Promise<{ status: number; body: string }> {
  const conn = await Deno.connect({ transport: "unix", path: socketPath });
  try {
    await conn.write(new TextEncoder().encode(`GET ${path} HTTP/1.0\r\nHost: docker\r\n\r\n`));
    const chunks: Uint8Array[] = [];
    const buffer = new Uint8Array(65536);
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) break;
      chunks.push(buffer.slice(0, n));
    }
    const text = new TextDecoder().decode(joinBytes(chunks));
    const headerEnd = text.indexOf("\r\n\r\n");
    const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(text)?.[1] ?? 0);
    return { status, body: headerEnd < 0 ? "" : text.slice(headerEnd + 4) };
  } finally {
    conn.close();
  }
}

/**
 * Reads PID and env from a docker `containers/<id>/json` body.
 *
 * @param body the JSON text
 * @param containerId for error messages
 * @returns the container info
 * @throws {RuntimeLookupError} when the container is not running
 */
export function parseDockerInspect(body: string, containerId: string): ContainerInfo {
  const json = JSON.parse(body);
  const pid = json?.State?.Pid;
  if (typeof pid !== "number" || pid <= 0) {
    throw new RuntimeLookupError(`docker container "${containerId}" is not running (no State.Pid)`);
  }
  return { pid, env: parseEnvList(json?.Config?.Env ?? []) };
}

/**
 * Looks a container up in Docker Engine.
 *
 * @param containerId the container id (or name)
 * @returns its PID and env
 */
export async function dockerContainer(containerId: string): Promise<ContainerInfo> {
  const socket = await firstExistingPath(DOCKER_SOCKETS, "docker");
  const { status, body } = await httpGetOverUnixSocket(
    socket,
    `/containers/${encodeURIComponent(containerId)}/json`,
  );
  if (status !== 200) {
    throw new RuntimeLookupError(
      `docker answered ${status} for container "${containerId}": ${body.trim().slice(0, 200)}`,
    );
  }
  return parseDockerInspect(body, containerId);
}
