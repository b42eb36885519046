/**
 * The cluster's host processes (etcd, containerd, the control plane, kubelet, kube-proxy): each
 * runs in its own session so it outlives the `deno task cluster up` that started it, logs to
 * `.state/logs/<name>.log`, and is remembered by a pid file holding its PID and start time (a
 * recycled PID is never mistaken for it).
 *
 * @module
 */
import { STATE } from "./layout.ts";

/** How to start one daemon. */
export interface DaemonSpec {
  /** short name: pid and log file names */
  name: string;
  cmd: string;
  args: string[];
  env?: Record<string, string>;
}

/**
 * Path of a daemon's log.
 *
 * @param name daemon name
 * @returns the log file path
 */
export function logPath(name: string): string {
  return `${STATE.logs}/${name}.log`;
}

function pidFile(name: string): string {
  return `${STATE.pids}/${name}.pid`;
}

/**
 * The start time of a process in clock ticks since boot (field 22 of /proc/PID/stat).
 *
 * @param pid process id
 * @returns the start time, or undefined when the process does not exist
 */
export async function processStartTime(pid: number): Promise<string | undefined> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields[0] is field 3 (state); a zombie has exited already.
    if (fields[0] === "Z") return undefined;
    return fields[19];
  } catch {
    return undefined;
  }
}

/**
 * Starts a daemon in its own session, detached from the caller.
 *
 * @param spec what to run
 * @returns its PID
 */
export async function startDaemon(spec: DaemonSpec): Promise<number> {
  await Deno.mkdir(STATE.logs, { recursive: true });
  await Deno.mkdir(STATE.pids, { recursive: true });
  const log = logPath(spec.name);
  await Deno.writeTextFile(
    log,
    `--- ${new Date().toISOString()} ${spec.cmd} ${spec.args.join(" ")}\n`,
    {
      append: true,
    },
  );
  // sh is not a process-group leader, so setsid(1) calls setsid() and execs without forking:
  // the PID Deno reports is the daemon's.
  const child = new Deno.Command("/bin/sh", {
    args: [
      "-c",
      'log=$1; shift; exec setsid "$@" >>"$log" 2>&1 </dev/null',
      "sh",
      log,
      spec.cmd,
      ...spec.args,
    ],
    env: spec.env,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  child.unref();
  // Read the start time once the exec happened, so it belongs to the daemon.
  let startTime: string | undefined;
  for (let i = 0; i < 50 && !startTime; i++) {
    const cmdline = await Deno.readTextFile(`/proc/${child.pid}/cmdline`).catch(() => "");
    if (cmdline.startsWith(`${spec.cmd}\0`)) startTime = await processStartTime(child.pid);
    else await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if (!startTime) {
    throw new Error(`Cannot start ${spec.name}: it exited at once — see ${log}`);
  }
  await Deno.writeTextFile(pidFile(spec.name), `${child.pid} ${startTime}\n`);
  return child.pid;
}

/**
 * The PID of a running daemon.
 *
 * @param name daemon name
 * @returns its PID, or undefined when it is not running
 */
export async function daemonPid(name: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(pidFile(name));
  } catch {
    return undefined;
  }
  const [pid, startTime] = text.trim().split(" ");
  if (await processStartTime(Number(pid)) !== startTime) return undefined;
  return Number(pid);
}

/**
 * Waits for a process to end.
 *
 * @param pid process id
 * @param startTime its start time (so a recycled PID ends the wait)
 * @param timeoutMs how long to wait
 * @returns whether it ended in time
 */
export async function waitForExit(
  pid: number,
  startTime: string | undefined,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await processStartTime(pid) !== startTime) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return await processStartTime(pid) !== startTime;
}

/**
 * Stops a daemon: SIGTERM, then SIGKILL after the grace period.
 *
 * @param name daemon name
 * @param graceMs how long SIGTERM may take
 * @returns whether it was running
 */
export async function stopDaemon(name: string, graceMs = 10_000): Promise<boolean> {
  const pid = await daemonPid(name);
  await Deno.remove(pidFile(name)).catch(() => {});
  if (pid === undefined) return false;
  const startTime = await processStartTime(pid);
  try {
    Deno.kill(pid, "SIGTERM");
  } catch {
    return true;
  }
  if (!await waitForExit(pid, startTime, graceMs)) {
    try {
      Deno.kill(pid, "SIGKILL");
    } catch {
      // it ended meanwhile
    }
    await waitForExit(pid, startTime, 5_000);
  }
  return true;
}
