/**
 * What `up` needs from the machine before it touches anything: root, and the Debian packages
 * and toolchains it runs (listed in install/apt-packages.txt).
 *
 * @module
 */
import { runCommand } from "../../install/images/command.ts";
import { CNI_BIN_DIR, PORTS } from "./layout.ts";

/** Commands `up` runs, with the Debian package that provides each. */
const REQUIRED_COMMANDS: Record<string, string> = {
  containerd: "containerd",
  ctr: "containerd",
  runc: "runc",
  iptables: "iptables",
  ip: "iproute2",
  mount: "mount",
  openssl: "openssl",
  tar: "tar",
  gcc: "gcc",
  strip: "binutils",
  "dpkg-deb": "dpkg",
  "apt-get": "apt",
  npm: "npm",
};

/** CNI plugins the network config uses. */
const REQUIRED_CNI_PLUGINS = ["bridge", "host-local", "loopback", "portmap"];

async function onPath(command: string): Promise<boolean> {
  return (await runCommand("sh", ["-c", `command -v "$1"`, "sh", command])).success;
}

/**
 * Explains why the cluster cannot run here, if it cannot.
 *
 * @returns one message per problem (empty when `up` may proceed)
 */
export async function preflightProblems(): Promise<string[]> {
  if (Deno.uid() !== 0) {
    return [
      "Cannot run the local cluster: it needs root (network namespaces, iptables, mounts) — run as root",
    ];
  }
  const missing = new Set<string>();
  for (const [command, pkg] of Object.entries(REQUIRED_COMMANDS)) {
    if (!await onPath(command)) missing.add(pkg);
  }
  for (const plugin of REQUIRED_CNI_PLUGINS) {
    try {
      await Deno.stat(`${CNI_BIN_DIR}/${plugin}`);
    } catch {
      missing.add("containernetworking-plugins");
    }
  }
  if (missing.size === 0) return [];
  return [
    `Cannot run the local cluster: missing Debian packages — apt-get install ${
      [...missing].join(" ")
    }`,
  ];
}

/**
 * The cluster's host ports something else already listens on, e.g. the cluster of another
 * checkout (state and daemons are per checkout; the ports are the machine's).
 *
 * @returns the ports taken
 */
export function portsTaken(): number[] {
  return Object.values(PORTS).filter((port) => {
    try {
      Deno.listen({ hostname: "127.0.0.1", port }).close();
      return false;
    } catch (error) {
      return error instanceof Deno.errors.AddrInUse;
    }
  });
}

/**
 * Refuses to start daemons whose ports are taken by processes this checkout did not start.
 *
 * @throws {Error} naming the ports and the likely owner
 */
export function checkPortsFree(): void {
  const taken = portsTaken();
  if (taken.length === 0) return;
  throw new Error(
    `Cannot start the cluster: port${taken.length > 1 ? "s" : ""} ${taken.join(", ")} already ` +
      "in use — most likely the local cluster of another checkout (run `deno task cluster down` " +
      "there), or another program holding them",
  );
}
