/**
 * The host state the cluster changes besides its own traces, recorded by the first `up` and put
 * back by `down`: kernel settings (ip_forward for pod traffic; the tunables the kubelet sets
 * because `protectKernelDefaults` is off), the empty nftables tables iptables-nft creates for
 * the components' rules, and runtime folders (containerd's state, libcni's cache). Also where
 * the node's IP comes from.
 *
 * @module
 */
import { stdoutOrEmpty } from "../../install/images/command.ts";
import { pathExists } from "../../install/images/path_exists.ts";
import { CNI_CACHE_DIR, CONTAINERD, STATE } from "./layout.ts";
import { parseMountinfo } from "./host_traces.ts";

/** Kernel settings the cluster may change, as paths under /proc/sys. */
export const TOUCHED_SYSCTLS = [
  "net/ipv4/ip_forward",
  "net/ipv4/conf/all/route_localnet",
  "vm/overcommit_memory",
  "vm/panic_on_oom",
  "kernel/panic",
  "kernel/panic_on_oops",
  "kernel/keys/root_maxkeys",
  "kernel/keys/root_maxbytes",
];

/**
 * Folders the components create when missing (removed again only if `up` created them),
 * children before parents.
 */
const CREATED_FOLDERS = [CONTAINERD.stateDir, CNI_CACHE_DIR, "/var/lib/cni"];

/** What the host looked like before the cluster's first `up`. */
export interface HostSnapshot {
  sysctls: Record<string, string>;
  /** nftables tables as `<family> <name>` */
  nftTables: string[];
  /** which of the folders the components create existed */
  existingFolders: string[];
}

/**
 * The address the node registers with: the source address of the default IPv4 route, else the
 * first global IPv4 address.
 *
 * @returns the IPv4 address
 */
export async function detectNodeIp(): Promise<string> {
  const routes = JSON.parse(
    await stdoutOrEmpty("ip", ["-j", "-4", "route", "get", "1.1.1.1"]) || "[]",
  );
  if (routes[0]?.prefsrc) return routes[0].prefsrc;
  const links = JSON.parse(
    await stdoutOrEmpty("ip", ["-j", "-4", "addr", "show", "scope", "global"]) || "[]",
  );
  for (const link of links) {
    for (const address of link.addr_info ?? []) if (address.local) return address.local;
  }
  throw new Error(
    "Cannot choose the node IP: the host has no global IPv4 address — give a network interface " +
      "an IPv4 address (pods reach the apiserver through it)",
  );
}

async function readSysctl(path: string): Promise<string | undefined> {
  return (await Deno.readTextFile(`/proc/sys/${path}`).catch(() => undefined))?.trim();
}

async function writeSysctl(path: string, value: string): Promise<void> {
  await Deno.writeTextFile(`/proc/sys/${path}`, `${value}\n`);
}

/**
 * The nftables tables of the host.
 *
 * @param json output of `nft -j list tables`
 * @returns `<family> <name>` per table
 */
export function parseNftTables(json: string): string[] {
  const entries: { table?: { family: string; name: string } }[] = JSON.parse(json || "{}")
    .nftables ?? [];
  return entries.filter((entry) => entry.table).map((e) => `${e.table!.family} ${e.table!.name}`);
}

async function nftTables(): Promise<string[]> {
  return parseNftTables(await stdoutOrEmpty("nft", ["-j", "list", "tables"]));
}

/**
 * Records the host state the cluster changes, unless a record from an earlier `up` exists (that
 * one holds the state from before the cluster).
 */
export async function snapshotHost(): Promise<void> {
  if (await pathExists(STATE.hostSnapshot)) return;
  const sysctls: Record<string, string> = {};
  for (const path of TOUCHED_SYSCTLS) {
    const value = await readSysctl(path);
    if (value !== undefined) sysctls[path] = value;
  }
  const existingFolders = [];
  for (const folder of CREATED_FOLDERS) if (await pathExists(folder)) existingFolders.push(folder);
  const snapshot: HostSnapshot = { sysctls, nftTables: await nftTables(), existingFolders };
  await Deno.mkdir(STATE.config, { recursive: true });
  await Deno.writeTextFile(STATE.hostSnapshot, JSON.stringify(snapshot, null, 2));
}

/** Turns on IPv4 forwarding (pods reach each other, Services and the outside through the host). */
export async function enableForwarding(): Promise<void> {
  await writeSysctl("net/ipv4/ip_forward", "1");
}

async function removeEmptyNftTable(table: string): Promise<boolean> {
  const [family, name] = table.split(" ");
  const listing = JSON.parse(
    await stdoutOrEmpty("nft", ["-j", "list", "table", family, name]) || "{}",
  );
  const hasRules = (listing.nftables ?? []).some((entry: Record<string, unknown>) => entry.rule);
  if (hasRules) return false;
  await stdoutOrEmpty("nft", ["delete", "table", family, name]);
  return !(await nftTables()).includes(table);
}

async function removeCreatedFolder(folder: string): Promise<boolean> {
  const mounts = parseMountinfo(await Deno.readTextFile("/proc/self/mountinfo"));
  if (mounts.some((mount) => mount.path === folder || mount.path.startsWith(`${folder}/`))) {
    return false;
  }
  await Deno.remove(folder, { recursive: true }).catch(() => {});
  return !await pathExists(folder);
}

/**
 * Puts the recorded host state back and forgets the record. Only tables without rules and
 * folders without mounts are removed, so nothing another program added is lost.
 *
 * @returns what was changed back, one short phrase each
 */
export async function restoreHost(): Promise<string[]> {
  let snapshot: HostSnapshot;
  try {
    snapshot = JSON.parse(await Deno.readTextFile(STATE.hostSnapshot));
  } catch {
    return [];
  }
  const restored = [];
  for (const [path, value] of Object.entries(snapshot.sysctls)) {
    const current = await readSysctl(path);
    if (current === undefined || current === value) continue;
    await writeSysctl(path, value);
    restored.push(`${path}: ${current} → ${value}`);
  }
  for (const table of await nftTables()) {
    if (snapshot.nftTables.includes(table)) continue;
    if (await removeEmptyNftTable(table)) restored.push(`removed empty nftables table ${table}`);
  }
  for (const folder of CREATED_FOLDERS) {
    if (snapshot.existingFolders.includes(folder) || !await pathExists(folder)) continue;
    if (await removeCreatedFolder(folder)) restored.push(`removed ${folder}`);
  }
  await Deno.remove(STATE.hostSnapshot);
  return restored;
}
