/**
 * Shared pieces of the incoming end-to-end tests: the pod's own HTTP server, the local apps
 * (python3 and node HTTP servers) run under `mirrord exec`, curl, and the incoming config.
 *
 * @module
 */
import type { Pod } from "../harness/pod.ts";
import { run } from "../harness/process.ts";
import { SLOT_ROOT } from "../harness/slot.ts";
import { type ExecOptions, type ExecSession, PYTHON, spawnExec } from "../exec/run_exec.ts";

const POD_SERVER = new URL("../harness/servers/pod_http_server.mjs", import.meta.url).pathname;
const APPS = new URL("../../apps/local_http/", import.meta.url).pathname;
/** node clients curl cannot play (h2 streams, upgrades) */
export const HTTP_CLIENTS = new URL("../fixtures/http_clients.mjs", import.meta.url).pathname;

/**
 * Starts the pod's own server (answers `pod <METHOD> <url> <body>`).
 *
 * @param pod the pod
 * @param port HTTP/1 port
 * @param h2Port h2c port
 */
export async function podServer(pod: Pod, port: number, h2Port?: number): Promise<void> {
  const args = [POD_SERVER, "--http", String(port)];
  if (h2Port) args.push("--h2", String(h2Port));
  await pod.spawn("/usr/bin/node", args, "ready");
}

/** The local app flavours. */
export type Runtime = "python3" | "node";

/**
 * The command line of a local app.
 *
 * @param runtime python3 or node
 * @param port HTTP/1 port
 * @param h2Port h2c port (node only)
 * @returns the command
 */
export function appCommand(runtime: Runtime, port: number, h2Port?: number): string[] {
  if (runtime === "python3") return [PYTHON, "-u", `${APPS}server.py`, String(port)];
  const command = ["node", `${APPS}server.mjs`, "--http", String(port)];
  if (h2Port) command.push("--h2", String(h2Port));
  return command;
}

/**
 * The incoming part of a config.
 *
 * @param incoming `feature.network.incoming`
 * @returns the config to merge
 */
export function incoming(incoming: Record<string, unknown>): Record<string, unknown> {
  return { feature: { network: { incoming } } };
}

/**
 * Runs a local app under `mirrord exec` and waits until each of its servers listens.
 *
 * @param pod the target
 * @param command the app
 * @param options exec options (the config)
 * @param servers how many "listening" lines to wait for
 * @returns the session
 */
export async function startApp(
  pod: Pod,
  command: string[],
  options: ExecOptions,
  servers = 1,
): Promise<ExecSession> {
  // Local apps of parallel test files listen on the same ports (8080…) of this machine. The layer
  // moves an app to a free port when its port is taken, but two sockets bound with SO_REUSEADDR
  // before either listens leave the second one's listen() failing, as without mirrord. So apps
  // start one at a time, machine-wide, until they listen.
  using _turn = await localPortsTurn();
  const session = await spawnExec(pod, command, options);
  try {
    for (let i = 0; i < servers; i++) {
      const line = await session.line(20000);
      if (!line.startsWith("listening ")) throw new Error(`unexpected app output: ${line}`);
    }
  } catch (error) {
    // Stop first: a server that did start keeps the output open, so finish() alone would wait.
    await session[Symbol.asyncDispose]();
    const { stderr } = await session.finish().catch(() => ({ stderr: "" }));
    throw new Error(`${(error as Error).message}\napp stderr: ${stderr}`);
  }
  return session;
}

/** A machine-wide lock file (flock), released with the handle. */
async function localPortsTurn(): Promise<Disposable> {
  await Deno.mkdir(SLOT_ROOT, { recursive: true });
  const file = await Deno.open(`${SLOT_ROOT}/local-ports.lock`, { create: true, write: true });
  await file.lock(true);
  return { [Symbol.dispose]: () => file.close() };
}

/**
 * curl with a 10 s limit.
 *
 * @param args curl arguments
 * @returns stdout
 */
export function curl(...args: string[]): Promise<string> {
  return run("curl", ["-sS", "--max-time", "10", ...args]);
}
