/**
 * Which iptables binaries the agent drives, as mirrord chooses them: `MIRRORD_AGENT_NFTABLES`
 * decides when set; otherwise the flavour that already holds a service mesh's rules, else legacy
 * when a probe rule can be added to its nat table, else nft. Always table `nat`, IPv4 and — when
 * the target's namespace has an IPv6 loopback and ip6tables works there — IPv6.
 *
 * Commands run as child processes forked from the agent's JavaScript thread, so they act on the
 * target's network namespace (see agent/README.md).
 *
 * @module
 */

/** The two iptables flavours. */
export type IptablesFlavour = "legacy" | "nft";

/** One iptables binary for one address family. */
export interface Iptables {
  flavour: IptablesFlavour;
  family: "ipv4" | "ipv6";
  binary: string;
}

/** Output of one iptables command. */
export interface IptablesResult {
  success: boolean;
  stdout: string;
  stderr: string;
}

const SBIN = "/usr/sbin";
const MESH_CHAINS = ["PROXY_INIT_OUTPUT", "ISTIO_OUTPUT", "KUMA_MESH_OUTBOUND"];

/**
 * Runs one command on the nat table, waiting for the xtables lock.
 *
 * @param iptables the binary
 * @param args the arguments after `-t nat`
 * @returns its status and output (never throws for a failing command)
 */
export async function runIptables(iptables: Iptables, args: string[]): Promise<IptablesResult> {
  try {
    const out = await new Deno.Command(iptables.binary, {
      args: ["-w", "-t", "nat", ...args],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    return {
      success: out.success,
      stdout: decoder.decode(out.stdout),
      stderr: decoder.decode(out.stderr).trim(),
    };
  } catch (error) {
    return { success: false, stdout: "", stderr: (error as Error).message };
  }
}

/**
 * Runs a command that must succeed.
 *
 * @param iptables the binary
 * @param args the arguments after `-t nat`
 * @returns its stdout
 * @throws {Error} "Cannot run iptables …" with the command's stderr
 */
export async function mustRunIptables(iptables: Iptables, args: string[]): Promise<string> {
  const result = await runIptables(iptables, args);
  if (!result.success) {
    throw new Error(
      `Cannot run "${iptables.binary} -t nat ${args.join(" ")}": ${result.stderr || "failed"}`,
    );
  }
  return result.stdout;
}

/**
 * @param flavour legacy or nft
 * @param family ipv4 or ipv6
 * @returns the binary of that flavour and family
 */
export function iptablesOf(flavour: IptablesFlavour, family: "ipv4" | "ipv6"): Iptables {
  const base = family === "ipv4" ? "iptables" : "ip6tables";
  return { flavour, family, binary: `${SBIN}/${base}-${flavour}` };
}

async function holdsMeshRules(iptables: Iptables): Promise<boolean> {
  const result = await runIptables(iptables, ["-S", "OUTPUT"]);
  return result.success && MESH_CHAINS.some((chain) => result.stdout.includes(`-j ${chain}`));
}

async function legacyUsable(): Promise<boolean> {
  const legacy = iptablesOf("legacy", "ipv4");
  const probe = ["INPUT", "-p", "255", "-j", "RETURN"];
  if (!(await runIptables(legacy, ["-A", ...probe])).success) return false;
  await runIptables(legacy, ["-D", ...probe]);
  return true;
}

/**
 * Picks the flavour for this agent.
 *
 * @param env the agent's environment (`MIRRORD_AGENT_NFTABLES`)
 * @returns legacy or nft
 */
export async function chooseFlavour(
  env: Record<string, string | undefined>,
): Promise<IptablesFlavour> {
  const forced = env.MIRRORD_AGENT_NFTABLES;
  if (forced === "true") return "nft";
  if (forced === "false") return "legacy";
  if (await holdsMeshRules(iptablesOf("legacy", "ipv4"))) return "legacy";
  if (await holdsMeshRules(iptablesOf("nft", "ipv4"))) return "nft";
  return await legacyUsable() ? "legacy" : "nft";
}

/**
 * Whether the calling thread's network namespace has an IPv6 loopback.
 *
 * @returns true when `lo` has an IPv6 address
 */
export function hasIpv6Loopback(): boolean {
  try {
    const text = Deno.readTextFileSync("/proc/thread-self/net/if_inet6");
    return text.split("\n").some((line) => line.trim().endsWith(" lo"));
  } catch {
    return false;
  }
}

/**
 * The binaries of one flavour that work in this namespace: IPv4 always, IPv6 when usable.
 *
 * @param flavour legacy or nft
 * @returns the binaries, IPv4 first
 */
export async function usableIptables(flavour: IptablesFlavour): Promise<Iptables[]> {
  const all = [iptablesOf(flavour, "ipv4")];
  if (hasIpv6Loopback()) {
    const v6 = iptablesOf(flavour, "ipv6");
    if ((await runIptables(v6, ["-S", "PREROUTING"])).success) all.push(v6);
  }
  return all;
}
