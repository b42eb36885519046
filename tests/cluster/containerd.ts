/**
 * containerd (Debian's 1.6) as the node's CRI runtime: its config (runc with cgroupfs, the local
 * pause image as sandbox image, `restrict_oom_score_adj` because root lacks CAP_SYS_RESOURCE
 * here, CNI config and IP leases in the state folder), starting it, and importing the images
 * built by install/images (skipped when containerd already holds the same digests).
 *
 * @module
 */
import { type CommandResult, runCommand } from "../../install/images/command.ts";
import { IMAGES, qualifiedImageName } from "../../install/images/build.ts";
import { writeConfigFile } from "./config_file.ts";
import { daemonPid, type DaemonSpec } from "./daemons.ts";
import { CNI_BIN_DIR, CONTAINERD, NETWORK, STATE } from "./layout.ts";

/**
 * The containerd config.
 *
 * @returns TOML text
 */
export function containerdConfigText(): string {
  const cri = `plugins."io.containerd.grpc.v1.cri"`;
  return `version = 2
root = "${STATE.containerdRoot}"
state = "${CONTAINERD.stateDir}"
disabled_plugins = [
  "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.zfs",
]

[grpc]
  address = "${CONTAINERD.socket}"

[${cri}]
  sandbox_image = "${qualifiedImageName(IMAGES.pause)}"
  restrict_oom_score_adj = true
  enable_unprivileged_ports = false

[${cri}.containerd]
  snapshotter = "overlayfs"
  default_runtime_name = "runc"

[${cri}.containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[${cri}.containerd.runtimes.runc.options]
  BinaryName = "runc"
  SystemdCgroup = false

[${cri}.cni]
  bin_dir = "${CNI_BIN_DIR}"
  conf_dir = "${STATE.cniConfDir}"
  max_conf_num = 1
`;
}

/**
 * The CNI network of the node: a Linux bridge acting as the pods' gateway, with masquerading
 * for traffic leaving the pod range, hairpin (a pod reaching itself through a Service) and
 * host ports.
 *
 * @returns the conflist JSON
 */
export function cniConfigText(): string {
  return JSON.stringify(
    {
      cniVersion: "1.0.0",
      name: NETWORK.cniNetwork,
      plugins: [
        {
          type: "bridge",
          bridge: NETWORK.bridge,
          isGateway: true,
          ipMasq: true,
          hairpinMode: true,
          ipam: {
            type: "host-local",
            ranges: [[{ subnet: NETWORK.podSubnet }]],
            routes: [{ dst: "0.0.0.0/0" }],
            dataDir: STATE.cniLeaseDir,
          },
        },
        { type: "portmap", capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  );
}

/**
 * Writes the configs and says how to start containerd.
 *
 * @returns the daemon spec
 */
export async function prepareContainerd(): Promise<DaemonSpec> {
  await Deno.mkdir(STATE.config, { recursive: true });
  await Deno.mkdir(STATE.cniConfDir, { recursive: true });
  await Deno.mkdir(STATE.cniLeaseDir, { recursive: true });
  await Deno.mkdir(STATE.containerdRoot, { recursive: true });
  const config = `${STATE.config}/containerd.toml`;
  await writeConfigFile(config, containerdConfigText());
  await writeConfigFile(
    `${STATE.cniConfDir}/10-${NETWORK.cniNetwork}.conflist`,
    cniConfigText(),
  );
  return { name: "containerd", cmd: "containerd", args: ["--config", config] };
}

function ctr(args: string[]): Promise<CommandResult> {
  return runCommand("ctr", [
    "--address",
    CONTAINERD.socket,
    "--namespace",
    CONTAINERD.namespace,
    ...args,
  ]);
}

/**
 * Whether something accepts connections on containerd's socket (`ctr` itself would wait 10 s
 * for a socket that is not there).
 *
 * @returns true when the socket accepts a connection
 */
export async function containerdAnswers(): Promise<boolean> {
  try {
    const conn = await Deno.connect({ transport: "unix", path: CONTAINERD.socket });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Refuses to start when a containerd that is not ours owns the socket.
 */
export async function checkNoForeignContainerd(): Promise<void> {
  if (await daemonPid("containerd") !== undefined) return;
  if (await containerdAnswers()) {
    throw new Error(
      `Cannot start the cluster's containerd: another containerd answers on ${CONTAINERD.socket} ` +
        `— stop it first (the cluster needs the standard socket for mirrord's agent)`,
    );
  }
}

/**
 * The images containerd holds, by name.
 *
 * @returns qualified name → manifest digest
 */
export async function importedImages(): Promise<Record<string, string>> {
  const listed = await ctr(["images", "ls"]);
  if (!listed.success) throw new Error(`Cannot list containerd images: ${listed.stderr.trim()}`);
  const images: Record<string, string> = {};
  for (const line of listed.stdout.split("\n").slice(1)) {
    const [ref, , digest] = line.split(/\s+/);
    if (ref && digest) images[ref] = digest;
  }
  return images;
}

/**
 * Imports an image archive unless containerd already holds every image with the same digest.
 *
 * @param archive OCI archive path
 * @param digests qualified name → manifest digest of the archive's images
 * @returns whether an import ran
 */
export async function importImages(
  archive: string,
  digests: Record<string, string>,
): Promise<boolean> {
  const present = await importedImages();
  if (Object.entries(digests).every(([name, digest]) => present[name] === digest)) return false;
  const imported = await ctr(["images", "import", archive]);
  if (!imported.success) {
    throw new Error(`Cannot import the images into containerd: ${imported.stderr.trim()}`);
  }
  return true;
}
