/**
 * The host settings the cluster relies on or changes: the node's IP address, and the kernel
 * settings that `up` (ip_forward for pod traffic) and the kubelet (the kernel tunables it sets
 * because `protectKernelDefaults` is off) change — recorded before the first change and put back
 * by `down`.
 *
 * @module
 */
import { STATE } from "./layout.ts";

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

async function output(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  return out.success ? new TextDecoder().decode(out.stdout) : "";
}

/**
 * The address the node registers with: the source address of the default IPv4 route, else the
 * first global IPv4 address.
 *
 * @returns the IPv4 address
 */
export async function detectNodeIp(): Promise<string> {
  const routes = JSON.parse(await output("ip", ["-j", "-4", "route", "get", "1.1.1.1"]) || "[]");
  if (routes[0]?.prefsrc) return routes[0].prefsrc;
  const links = JSON.parse(
    await output("ip", ["-j", "-4", "addr", "show", "scope", "global"]) || "[]",
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
 * Records the current value of every setting in {@link TOUCHED_SYSCTLS}, unless a record from
 * an earlier `up` exists (that one holds the values from before the cluster).
 */
export async function snapshotSysctls(): Promise<void> {
  try {
    await Deno.stat(STATE.sysctlSnapshot);
    return;
  } catch {
    // first up since the last down
  }
  const values: Record<string, string> = {};
  for (const path of TOUCHED_SYSCTLS) {
    const value = await readSysctl(path);
    if (value !== undefined) values[path] = value;
  }
  await Deno.writeTextFile(STATE.sysctlSnapshot, JSON.stringify(values, null, 2));
}

/** Turns on IPv4 forwarding (pods reach each other, Services and the outside through the host). */
export async function enableForwarding(): Promise<void> {
  await writeSysctl("net/ipv4/ip_forward", "1");
}

/**
 * Puts back the recorded settings and forgets the record.
 *
 * @returns the settings that were changed back, as `path: from → to`
 */
export async function restoreSysctls(): Promise<string[]> {
  let values: Record<string, string>;
  try {
    values = JSON.parse(await Deno.readTextFile(STATE.sysctlSnapshot));
  } catch {
    return [];
  }
  const restored = [];
  for (const [path, value] of Object.entries(values)) {
    const current = await readSysctl(path);
    if (current === undefined || current === value) continue;
    await writeSysctl(path, value);
    restored.push(`${path}: ${current} → ${value}`);
  }
  await Deno.remove(STATE.sysctlSnapshot);
  return restored;
}
