/**
 * `down`: stops everything `up` started and removes its traces from the host. Pods go first,
 * through the CRI (so the CNI plugins release their IPs, veths and namespaces), then the
 * components in reverse order; kube-proxy removes its own rules; whatever is still there is
 * removed by name. etcd's data and the kubelet's folder go too (the next `up` starts a fresh
 * cluster); PKI, configs and imported images stay.
 *
 * @module
 */
import { runCommand } from "../../install/images/command.ts";
import { pathExists } from "../../install/images/path_exists.ts";
import { containerdAnswers } from "./containerd.ts";
import { daemonPid, stopDaemon } from "./daemons.ts";
import { restoreHost } from "./host_settings.ts";
import { describeTraces, findTraces, parseMountinfo, removeTraces } from "./host_traces.ts";
import { CONTAINERD, STATE, STATE_DIR } from "./layout.ts";
import { printProgress, type ProgressLog, step } from "./progress.ts";
import { COMPONENTS } from "./status.ts";

const KUBE = `${STATE_DIR}/bin/kube`;

async function runKube(args: string[]): Promise<{ success: boolean; output: string }> {
  if (!await pathExists(KUBE)) return { success: false, output: `${KUBE} is missing` };
  const result = await runCommand(KUBE, args);
  return { success: result.success, output: (result.stdout + result.stderr).trim() };
}

async function stopAll(names: string[]): Promise<string> {
  const stopped = [];
  for (const name of names) if (await stopDaemon(name)) stopped.push(name);
  return stopped.length > 0 ? `stopped ${stopped.join(", ")}` : "not running";
}

async function removePods(): Promise<string> {
  if (await daemonPid("containerd") === undefined || !await containerdAnswers()) {
    return "containerd not running";
  }
  const result = await runKube(["cri-remove-pods", `unix://${CONTAINERD.socket}`]);
  const removed = result.output.split("\n").filter((line) => line.startsWith("removed")).length;
  if (!result.success) return `removed ${removed} pods; some failed: ${result.output}`;
  return `removed ${removed} pods`;
}

async function kubeProxyCleanup(): Promise<string> {
  const config = `${STATE.config}/kube-proxy.yaml`;
  if (!await pathExists(config)) return "no kube-proxy config";
  const result = await runKube(["kube-proxy", "--cleanup", `--config=${config}`]);
  return result.success
    ? "kube-proxy removed its rules"
    : `kube-proxy --cleanup failed: ${result.output}`;
}

/** Removes a folder unless something is still mounted inside it (rm would reach into the mount). */
async function removeUnmountedDir(dir: string): Promise<string> {
  const mounts = parseMountinfo(await Deno.readTextFile("/proc/self/mountinfo"))
    .filter((mount) => mount.path === dir || mount.path.startsWith(`${dir}/`));
  if (mounts.length > 0) return `kept ${dir}: still mounted ${mounts[0].path}`;
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  return `removed ${dir.slice(STATE_DIR.length + 1)}`;
}

/**
 * Stops the cluster and removes its traces.
 *
 * @param log progress sink (one line per step)
 * @returns traces still found afterwards, one line each (empty when the host is clean)
 * @example Tear down after tests
 * ```ts
 * const left = await clusterDown();
 * if (left.length > 0) console.error(left.join("\n"));
 * ```
 */
export async function clusterDown(log: ProgressLog = printProgress): Promise<string[]> {
  await step(log, "controllers", () => stopAll(["kube-controller-manager", "kube-scheduler"]));
  await step(log, "kubelet", () => stopAll(["kubelet"]));
  await step(log, "pods", removePods);
  await step(log, "containerd", () => stopAll(["containerd"]));
  await step(
    log,
    "kube-proxy",
    async () => `${await stopAll(["kube-proxy"])}; ${await kubeProxyCleanup()}`,
  );
  await step(log, "control plane", () => stopAll(["kube-apiserver", "etcd"]));
  await step(log, "host traces", async () => {
    const found = await removeTraces();
    const counts = Object.entries(found)
      .filter(([, list]) => list.length > 0)
      .map(([kind, list]) => `${list.length} ${kind}`);
    return counts.length > 0 ? `removed what the components left: ${counts.join(", ")}` : "none";
  });
  await step(log, "host settings", async () => {
    const restored = await restoreHost();
    return restored.length > 0 ? `restored ${restored.join(", ")}` : "unchanged";
  });
  await step(log, "data", async () => {
    const kubelet = await removeUnmountedDir(STATE.kubeletDir);
    const etcd = await removeUnmountedDir(STATE.etcdData);
    return `${kubelet}, ${etcd}`;
  });
  const left = describeTraces(await findTraces());
  if (left.length > 0) log(`LEFT BEHIND:\n  ${left.join("\n  ")}`);
  else log("down: nothing left behind");
  return left;
}

/**
 * Runs {@link clusterDown} when any component runs or any trace is left (the e2e tier's last
 * step, so a failed or interrupted test never leaves a cluster behind).
 *
 * @param log progress sink
 * @returns traces still found afterwards (empty when the host is clean)
 */
export async function clusterDownIfUp(log: ProgressLog = printProgress): Promise<string[]> {
  for (const name of COMPONENTS) {
    if (await daemonPid(name) !== undefined) return await clusterDown(log);
  }
  if (describeTraces(await findTraces()).length > 0) return await clusterDown(log);
  return [];
}
