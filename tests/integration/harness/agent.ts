/**
 * Runs our agent (`agent/main.ts`) for a test pod, either from the host network namespace (it
 * enters the pod's itself, like a targeted Job agent) or from inside the pod's namespace (like an
 * ephemeral agent).
 *
 * ```ts
 * await using agent = await startAgent(pod, { where: "host" });
 * const conn = await Deno.connect(agent.address);
 * ```
 *
 * @module
 */
import { forkedChild, type Pod } from "./pod.ts";
import { type BackgroundProcess, spawnUntilReady } from "./process.ts";

const AGENT_MAIN = new URL("../../../agent/main.ts", import.meta.url).pathname;
const READY = /^agent ready - version \S+$/;

/** Options of {@link startAgent}. */
export interface AgentOptions {
  /**
   * where the agent process starts: the host's network namespace, the pod's, or — like an
   * ephemeral container — the pod's network and PID namespaces with its own /proc (needs a pod
   * made with `pidNamespace`; the default mode becomes `ephemeral`)
   */
  where?: "host" | "pod" | "ephemeral";
  /** `-t` (default 30) */
  communicationTimeoutSecs?: number;
  /** the mode arguments (default `targeted --container-runtime pid --container-id <target>`) */
  mode?: string[];
  /** extra environment of the agent */
  env?: Record<string, string>;
  /** flags for `deno run` before the script, e.g. `--cpu-prof` (benchmarks) */
  denoFlags?: string[];
  /** a cgroup folder the agent starts in (host agents; benchmarks of its memory limit) */
  cgroup?: string;
}

/** A running agent. */
export interface RunningAgent extends AsyncDisposable {
  process: BackgroundProcess;
  /** where a test client connects */
  address: { hostname: string; port: number };
  /** resolves with the exit code once the agent exits */
  exited: Promise<number>;
  /** the agent's output lines so far (ready line, `[agent]` logs) */
  output: string[];
  stop(): Promise<void>;
}

function freeHostPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}

/**
 * Starts the agent for `pod` and waits for its ready line.
 *
 * @param pod the pod whose target process the agent serves (null: targetless on the host)
 * @param options see {@link AgentOptions}
 * @returns the running agent
 */
export async function startAgent(
  pod: Pod | null,
  options: AgentOptions = {},
): Promise<RunningAgent> {
  const where = pod === null ? "host" : options.where ?? "host";
  let port = where === "host" ? freeHostPort() : 61337;
  const mode = options.mode ??
    (pod === null
      ? ["targetless"]
      : where === "ephemeral"
      ? ["ephemeral"]
      : ["targeted", "--container-runtime", "pid", "--container-id", String(pod.targetPid)]);
  const agentArgs = [
    "run",
    "-A",
    ...(options.denoFlags ?? []),
    AGENT_MAIN,
    "-l",
    String(port),
    "-t",
    String(options.communicationTimeoutSecs ?? 30),
    ...mode,
  ];
  const env = { RUST_LOG: "debug", ...options.env };
  let agentPid: number | null = null;
  let process: BackgroundProcess;
  if (where === "host") {
    for (let attempt = 1;; attempt++) {
      try {
        process = options.cgroup
          ? await spawnUntilReady("/bin/sh", [
            "-c",
            'echo $$ > "$0/cgroup.procs" && exec "$@"',
            options.cgroup,
            Deno.execPath(),
            ...agentArgs,
          ], { ready: READY, env })
          : await spawnUntilReady(Deno.execPath(), agentArgs, { ready: READY, env });
        break;
      } catch (error) {
        // The port was free when picked, but parallel tests' connections draw their source
        // ports from the same range: one may have taken it since. Pick another.
        if (attempt >= 5 || !/Address already in use/.test((error as Error).message)) throw error;
        port = freeHostPort();
        agentArgs[agentArgs.indexOf("-l") + 1] = String(port);
      }
    }
  } else if (where === "pod") {
    process = await spawnUntilReady(
      "/usr/bin/nsenter",
      [`--net=${pod!.netnsPath}`, Deno.execPath(), ...agentArgs],
      { ready: READY, env },
    );
  } else {
    if (!pod!.pidNamespace) throw new Error("An ephemeral agent needs a pod with pidNamespace");
    // nsenter forks into the PID namespace; the agent gets a /proc of that namespace.
    process = await spawnUntilReady("/usr/bin/nsenter", [
      `--target=${pod!.targetPid}`,
      "--net",
      "--pid",
      "/usr/bin/unshare",
      "--mount",
      "--propagation",
      "private",
      "/bin/sh",
      "-c",
      'mount -t proc proc /proc && exec "$@"',
      "sh",
      Deno.execPath(),
      ...agentArgs,
    ], { ready: READY, env });
    agentPid = await forkedChild(process.pid);
  }
  const stop = async () => {
    // SIGTERM first: the agent's iptables guard then removes the redirect chains.
    try {
      process.child.kill("SIGTERM");
    } catch {
      // Already gone.
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      process.status,
      new Promise((resolve) => timer = setTimeout(resolve, 3000)),
    ]);
    clearTimeout(timer);
    if (agentPid !== null) {
      try {
        Deno.kill(agentPid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    await process.kill();
  };
  return {
    process,
    address: { hostname: where === "host" ? "127.0.0.1" : pod!.podIp, port },
    exited: process.status.then((status) => status.code),
    output: process.output,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
