/**
 * Traces the cluster can leave on the host — processes, mounts, network namespaces, veths, the
 * bridge, iptables rules, cgroups, CNI leases — found by the names only the cluster uses, and
 * removed by `down` after the components had their chance to clean up themselves. The same
 * finder is the "nothing left behind" check.
 *
 * @module
 */
import { runCommand, stdoutOrEmpty } from "../../install/images/command.ts";
import {
  CACHE_DIR,
  CGROUP_ROOT,
  CNI_CACHE_DIR,
  CONTAINERD,
  NETWORK,
  STATE,
  STATE_DIR,
} from "./layout.ts";

/** One kind of trace and what of it is left. */
export interface Traces {
  processes: { pid: number; what: string }[];
  mounts: string[];
  netns: string[];
  links: string[];
  iptables: { command: string; table: string; rule: string }[];
  cgroups: string[];
  cniLeases: string[];
}

const CHAIN_PATTERN = /^(KUBE-|CNI-)/;
const IPTABLES_COMMANDS = ["iptables", "ip6tables"];
const IPTABLES_TABLES = ["filter", "nat", "mangle", "raw"];
const NETNS_DIR = "/run/netns";

async function succeeds(cmd: string, args: string[]): Promise<boolean> {
  return (await runCommand(cmd, args)).success;
}

function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal) => String.fromCharCode(parseInt(octal, 8)));
}

/**
 * Mount points of the host, with their filesystem types.
 *
 * @param mountinfo text of /proc/self/mountinfo
 * @returns mount points in mount order
 */
export function parseMountinfo(mountinfo: string): { path: string; fsType: string }[] {
  const mounts = [];
  for (const line of mountinfo.split("\n")) {
    if (!line) continue;
    const [before, after] = line.split(" - ");
    mounts.push({
      path: unescapeMountPath(before.split(" ")[4]),
      fsType: after?.split(" ")[0] ?? "",
    });
  }
  return mounts;
}

async function hostMounts(): Promise<{ path: string; fsType: string }[]> {
  return parseMountinfo(await Deno.readTextFile("/proc/self/mountinfo"));
}

function isClusterMount(path: string): boolean {
  return path === STATE_DIR || path.startsWith(`${STATE_DIR}/`) ||
    path.startsWith(`${CONTAINERD.stateDir}/`) || path.startsWith(`${NETNS_DIR}/cni-`);
}

/** The v1 hierarchies and the unified one, each with the cluster's cgroup root inside. */
async function cgroupRoots(): Promise<string[]> {
  return (await hostMounts())
    .filter((mount) => mount.fsType === "cgroup" || mount.fsType === "cgroup2")
    .map((mount) => `${mount.path}/${CGROUP_ROOT}`);
}

async function cgroupTree(dir: string): Promise<string[]> {
  const found = [dir];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isDirectory) found.push(...await cgroupTree(`${dir}/${entry.name}`));
    }
  } catch {
    return [];
  }
  return found;
}

async function cgroupPids(dir: string): Promise<number[]> {
  const text = await Deno.readTextFile(`${dir}/cgroup.procs`).catch(() => "");
  return text.split("\n").filter(Boolean).map(Number);
}

async function cmdline(pid: number): Promise<string> {
  const text = await Deno.readTextFile(`/proc/${pid}/cmdline`).catch(() => "");
  return text.replaceAll("\0", " ").trim();
}

async function clusterProcesses(): Promise<{ pid: number; what: string }[]> {
  const found = new Map<number, string>();
  for (const root of await cgroupRoots()) {
    for (const dir of await cgroupTree(root)) {
      for (const pid of await cgroupPids(dir)) found.set(pid, `in cgroup ${dir}`);
    }
  }
  for await (const entry of Deno.readDir("/proc")) {
    const pid = Number(entry.name);
    if (!Number.isInteger(pid) || pid === Deno.pid) continue;
    const line = await cmdline(pid);
    const shim = line.includes("containerd-shim") && line.includes(CONTAINERD.socket);
    const ours = line.startsWith(`${CACHE_DIR}/kube-bin/`) ||
      line.startsWith(`containerd --config ${STATE.config}/`);
    if (shim || ours) found.set(pid, line.slice(0, 160));
  }
  return [...found].map(([pid, what]) => ({ pid, what }));
}

async function clusterLinks(): Promise<string[]> {
  const links = JSON.parse(await stdoutOrEmpty("ip", ["-j", "link", "show"]) || "[]");
  const names = [];
  for (const link of links) {
    const name: string = link.ifname;
    const isBridge = name === NETWORK.bridge;
    const isPodVeth = link.master === NETWORK.bridge ||
      (link.link_type === "ether" && /^veth[0-9a-f]{8}$/.test(name));
    if (isBridge || isPodVeth) names.push(name);
  }
  return names;
}

async function clusterNetns(): Promise<string[]> {
  const names = [];
  try {
    for await (const entry of Deno.readDir(NETNS_DIR)) {
      if (entry.name.startsWith("cni-")) names.push(`${NETNS_DIR}/${entry.name}`);
    }
  } catch {
    // no named network namespaces at all
  }
  return names;
}

/**
 * The iptables rules and chains of Kubernetes and CNI in `iptables -S` output.
 *
 * @param listing output of `iptables -t <table> -S`
 * @returns the `-N`/`-A` lines that belong to the cluster
 */
export function clusterIptablesLines(listing: string): string[] {
  return listing.split("\n").filter((line) => {
    const words = line.split(" ");
    if (words[0] === "-N") return CHAIN_PATTERN.test(words[1]);
    if (words[0] !== "-A") return false;
    if (CHAIN_PATTERN.test(words[1])) return true;
    const jump = words.findIndex((word) => word === "-j" || word === "-g");
    return jump >= 0 && CHAIN_PATTERN.test(words[jump + 1] ?? "");
  });
}

async function clusterIptables(): Promise<Traces["iptables"]> {
  const found = [];
  for (const command of IPTABLES_COMMANDS) {
    for (const table of IPTABLES_TABLES) {
      const listing = await stdoutOrEmpty(command, ["-w", "-t", table, "-S"]);
      for (const rule of clusterIptablesLines(listing)) found.push({ command, table, rule });
    }
  }
  return found;
}

async function clusterCgroups(): Promise<string[]> {
  const found = [];
  for (const root of await cgroupRoots()) found.push(...await cgroupTree(root));
  return found;
}

async function clusterCniLeases(): Promise<string[]> {
  const found = [];
  const leaseDir = `${STATE.cniLeaseDir}/${NETWORK.cniNetwork}`;
  try {
    for await (const entry of Deno.readDir(leaseDir)) {
      if (/^[0-9a-f.:]+$/.test(entry.name)) found.push(`${leaseDir}/${entry.name}`);
    }
  } catch {
    // no lease folder: nothing leased
  }
  try {
    for await (const entry of Deno.readDir(CNI_CACHE_DIR)) {
      if (entry.name.startsWith(`${NETWORK.cniNetwork}-`)) {
        found.push(`${CNI_CACHE_DIR}/${entry.name}`);
      }
    }
  } catch {
    // libcni never cached a result
  }
  return found;
}

/**
 * Finds every trace of the cluster on the host.
 *
 * @returns what is there (all lists empty after a clean `down`)
 */
export async function findTraces(): Promise<Traces> {
  return {
    processes: await clusterProcesses(),
    mounts: (await hostMounts()).map((mount) => mount.path).filter(isClusterMount),
    netns: await clusterNetns(),
    links: await clusterLinks(),
    iptables: await clusterIptables(),
    cgroups: await clusterCgroups(),
    cniLeases: await clusterCniLeases(),
  };
}

/**
 * One line per trace, for reports.
 *
 * @param traces what {@link findTraces} found
 * @returns human-readable lines (empty when nothing is left)
 */
export function describeTraces(traces: Traces): string[] {
  return [
    ...traces.processes.map((p) => `process ${p.pid}: ${p.what}`),
    ...traces.mounts.map((path) => `mount ${path}`),
    ...traces.netns.map((path) => `network namespace ${path}`),
    ...traces.links.map((name) => `network link ${name}`),
    ...traces.iptables.map((r) => `${r.command} -t ${r.table}: ${r.rule}`),
    ...traces.cgroups.map((path) => `cgroup ${path}`),
    ...traces.cniLeases.map((path) => `CNI lease ${path}`),
  ];
}

async function killAll(processes: Traces["processes"]): Promise<void> {
  for (const { pid } of processes) {
    try {
      Deno.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const alive = [];
    for (const { pid } of processes) {
      const stat = await Deno.readTextFile(`/proc/${pid}/stat`).catch(() => "");
      if (stat && !stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) alive.push(pid);
    }
    if (alive.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function unmountAll(): Promise<void> {
  // Deepest first, so nested mounts go before their parents.
  const paths = (await hostMounts()).map((mount) => mount.path).filter(isClusterMount);
  for (const path of paths.reverse()) {
    if (!await succeeds("umount", [path])) await succeeds("umount", ["-l", path]);
  }
}

async function removeIptables(): Promise<void> {
  for (const command of IPTABLES_COMMANDS) {
    for (const table of IPTABLES_TABLES) {
      const lines = clusterIptablesLines(await stdoutOrEmpty(command, ["-w", "-t", table, "-S"]));
      const chains = lines.filter((line) => line.startsWith("-N ")).map((line) =>
        line.split(" ")[1]
      );
      // Jumps from other chains first, then the cluster's chains themselves.
      for (const line of lines.filter((line) => line.startsWith("-A "))) {
        const words = line.split(" ");
        if (!CHAIN_PATTERN.test(words[1])) {
          await succeeds(command, ["-w", "-t", table, "-D", ...splitRule(line.slice(3))]);
        }
      }
      for (const chain of chains) await succeeds(command, ["-w", "-t", table, "-F", chain]);
      for (const chain of chains) await succeeds(command, ["-w", "-t", table, "-X", chain]);
    }
  }
}

/**
 * Splits an `iptables -S` rule into arguments, keeping quoted comments whole.
 *
 * @param rule the rule text after `-A `
 * @returns argv words
 */
export function splitRule(rule: string): string[] {
  const words = [];
  for (const match of rule.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)) {
    words.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, "$1") : match[2]);
  }
  return words;
}

async function removeCgroups(): Promise<void> {
  for (const root of await cgroupRoots()) {
    for (const dir of (await cgroupTree(root)).reverse()) await Deno.remove(dir).catch(() => {});
  }
}

/**
 * Removes whatever traces are left, in dependency order (processes hold mounts and cgroups,
 * namespaces hold links).
 *
 * @returns what was left before the removal (empty when the components had cleaned up)
 */
export async function removeTraces(): Promise<Traces> {
  const before = await findTraces();
  await killAll(before.processes);
  await unmountAll();
  for (const path of await clusterNetns()) await Deno.remove(path).catch(() => {});
  for (const name of await clusterLinks()) await succeeds("ip", ["link", "del", name]);
  await removeIptables();
  await removeCgroups();
  for (const path of await clusterCniLeases()) await Deno.remove(path).catch(() => {});
  return before;
}
