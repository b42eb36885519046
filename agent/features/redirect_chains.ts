/**
 * mirrord's redirect chains in the target's nat table (how-it-works §3.8.2, standard layout):
 *
 * - `MRDIN_<id>`, hooked by `-A PREROUTING -j MRDIN_<id>`: per port
 *   `-m tcp -p tcp --dport <P> -j REDIRECT --to-ports <L>` — traffic arriving from outside;
 * - `MRDSTD_<id>`, hooked by `-A OUTPUT -j MRDSTD_<id>`: first
 *   `-m owner --gid-owner <agent gid> -p tcp -j RETURN` (the agent's own connections to the
 *   original server are not redirected again), then per port
 *   `-o lo -m tcp -p tcp --dport <P> -j REDIRECT --to-ports <L>` — traffic from inside the pod.
 *
 * Each chain ends in `-j RETURN` and our rules are inserted before it, so the target's own rules
 * after the hook keep working. `<id>` is the first 20 characters of the container id. Rules mentioning
 * these chains (or the legacy names of older agents) found at start are leftovers (§3.3 step 7).
 *
 * Difference from mirrord: its gid rule also carries `! -s <pod IPs>` and it marks passthrough
 * sockets with SO_MARK 0x2000; Deno exposes no socket options, so our passthrough connections
 * are recognised by the agent's gid alone.
 *
 * @module
 */
import { type Iptables, mustRunIptables, runIptables } from "./iptables.ts";

/** Chain names of agents before the per-target names. */
export const LEGACY_CHAIN_NAMES = [
  "MIRRORD_INPUT",
  "MIRRORD_OUTPUT",
  "MIRRORD_STANDARD",
  "MIRRORD_EXCLUDE_FROM_MESH",
];

/** Our chain names for one target. */
export interface ChainNames {
  prerouting: string;
  meshOutput: string;
  standardOutput: string;
  meshExclusion: string;
}

/**
 * @param containerId the target container's id (ephemeral: possibly empty)
 * @returns the chain identifier: its first 20 characters
 */
export function chainIdentifier(containerId: string): string {
  return containerId.slice(0, 20);
}

/**
 * @param id the chain identifier
 * @returns mirrord's chain names for it
 */
export function chainNames(id: string): ChainNames {
  return {
    prerouting: `MRDIN_${id}`,
    meshOutput: `MRDOUT_${id}`,
    standardOutput: `MRDSTD_${id}`,
    meshExclusion: `MRDMSH_${id}`,
  };
}

function allChainNames(id: string): string[] {
  return [...Object.values(chainNames(id)), ...LEGACY_CHAIN_NAMES];
}

/**
 * The rules of `iptables -t nat -S` output that mention our chains (hooks and chain contents).
 *
 * @param listing the `-S` output
 * @param id the chain identifier
 * @returns the matching lines
 */
export function leftoverRules(listing: string, id: string): string[] {
  const names = allChainNames(id);
  return listing.split("\n").filter((line) =>
    line.split(/\s+/).some((word) => names.includes(word))
  );
}

/**
 * Lists leftover rules in every given binary.
 *
 * @param binaries iptables binaries to look in
 * @param id the chain identifier
 * @returns `<binary>: <rule>` lines
 */
export async function findLeftovers(binaries: Iptables[], id: string): Promise<string[]> {
  const found: string[] = [];
  for (const iptables of binaries) {
    const result = await runIptables(iptables, ["-S"]);
    if (!result.success) continue;
    for (const rule of leftoverRules(result.stdout, id)) found.push(`${iptables.binary}: ${rule}`);
  }
  return found;
}

/**
 * Removes every chain of ours (and legacy ones) with their hooks, wherever present.
 *
 * @param binaries iptables binaries to clean
 * @param id the chain identifier
 * @returns what could not be removed (empty when clean)
 */
export async function removeLeftovers(binaries: Iptables[], id: string): Promise<string[]> {
  const problems: string[] = [];
  const names = allChainNames(id);
  for (const iptables of binaries) {
    const listing = await runIptables(iptables, ["-S"]);
    if (!listing.success) continue;
    const lines = listing.stdout.split("\n");
    for (const line of lines) {
      const words = line.trim().split(/\s+/);
      const hooked = words[0] === "-A" && !names.includes(words[1]) &&
        words.some((word) => names.includes(word));
      if (!hooked) continue;
      const result = await runIptables(iptables, ["-D", ...words.slice(1)]);
      if (!result.success) problems.push(`${iptables.binary} -D ${words.slice(1).join(" ")}`);
    }
    for (const name of names) {
      if (!lines.some((line) => line.trim() === `-N ${name}`)) continue;
      await runIptables(iptables, ["-F", name]);
      const result = await runIptables(iptables, ["-X", name]);
      if (!result.success) problems.push(`${iptables.binary} -X ${name}: ${result.stderr}`);
    }
  }
  return problems;
}

/** The redirect chains of one agent in one iptables binary. */
export class RedirectChains {
  private readonly names: ChainNames;
  private outputInstalled = false;

  /**
   * @param iptables the binary (one flavour, one family)
   * @param id the chain identifier
   * @param gid the group id of the agent's sockets (exempt from the OUTPUT redirect), or null
   *   to skip the OUTPUT chain
   * @param warn where a degraded setup is reported
   */
  constructor(
    readonly iptables: Iptables,
    id: string,
    private readonly gid: number | null,
    private readonly warn: (message: string) => void,
  ) {
    this.names = chainNames(id);
  }

  /** Creates and hooks the chains. */
  async install(): Promise<void> {
    const { prerouting, standardOutput } = this.names;
    await this.createChain(prerouting);
    await mustRunIptables(this.iptables, ["-A", "PREROUTING", "-j", prerouting]);
    if (this.gid === null) return;
    try {
      await this.createChain(standardOutput);
      await mustRunIptables(this.iptables, [
        "-I",
        standardOutput,
        "1",
        ...this.ownTrafficRule(),
      ]);
      await mustRunIptables(this.iptables, ["-A", "OUTPUT", "-j", standardOutput]);
      this.outputInstalled = true;
    } catch (error) {
      this.warn(
        `Cannot redirect traffic from inside the target (${
          (error as Error).message
        }); only traffic arriving from outside is redirected`,
      );
    }
  }

  /**
   * Redirects a port to an agent listener.
   *
   * @param port the target's port
   * @param to the agent's listener port
   */
  async redirect(port: number, to: number): Promise<void> {
    await mustRunIptables(this.iptables, ["-I", this.names.prerouting, "1", ...inbound(port, to)]);
    if (this.outputInstalled) {
      await mustRunIptables(this.iptables, [
        "-I",
        this.names.standardOutput,
        "2",
        ...loopback(port, to),
      ]);
    }
  }

  /**
   * Stops redirecting a port.
   *
   * @param port the target's port
   * @param to the agent's listener port it went to
   */
  async unredirect(port: number, to: number): Promise<void> {
    await runIptables(this.iptables, ["-D", this.names.prerouting, ...inbound(port, to)]);
    if (this.outputInstalled) {
      await runIptables(this.iptables, ["-D", this.names.standardOutput, ...loopback(port, to)]);
    }
  }

  /** Unhooks and deletes the chains. */
  async remove(): Promise<void> {
    const { prerouting, standardOutput } = this.names;
    await runIptables(this.iptables, ["-D", "PREROUTING", "-j", prerouting]);
    await runIptables(this.iptables, ["-F", prerouting]);
    await runIptables(this.iptables, ["-X", prerouting]);
    if (!this.outputInstalled) return;
    await runIptables(this.iptables, ["-D", "OUTPUT", "-j", standardOutput]);
    await runIptables(this.iptables, ["-F", standardOutput]);
    await runIptables(this.iptables, ["-X", standardOutput]);
    this.outputInstalled = false;
  }

  private ownTrafficRule(): string[] {
    return ["-m", "owner", "--gid-owner", String(this.gid), "-p", "tcp", "-j", "RETURN"];
  }

  private async createChain(name: string): Promise<void> {
    await mustRunIptables(this.iptables, ["-N", name]);
    await mustRunIptables(this.iptables, ["-A", name, "-j", "RETURN"]);
  }
}

function inbound(port: number, to: number): string[] {
  return [
    "-m",
    "tcp",
    "-p",
    "tcp",
    "--dport",
    String(port),
    "-j",
    "REDIRECT",
    "--to-ports",
    `${to}`,
  ];
}

function loopback(port: number, to: number): string[] {
  return ["-o", "lo", ...inbound(port, to)];
}
