/**
 * The two big layers of the Deno-based images: the base they share (glibc, busybox as /bin/sh and
 * small tools, the pinned Deno) and the tools only the agent runs (iptables legacy and nft,
 * nftables, conntrack, and containerd's `ctr` client, which the agent uses to find a target
 * container's PID). Both come from Debian packages of the machine's release.
 *
 * @module
 */
import { runChecked } from "./command.ts";
import { pathExists } from "./path_exists.ts";
import { unpackDebs } from "./debian_packages.ts";

/** Packages of the base layer (Deno needs glibc and libgcc_s). */
export const BASE_PACKAGES = ["libc6", "libgcc-s1", "busybox-static", "netbase"];

/** Packages of the agent's tools layer, with their library dependencies. */
export const AGENT_TOOL_PACKAGES = [
  "iptables",
  "libip4tc2",
  "libip6tc2",
  "libxtables12",
  "libmnl0",
  "libnetfilter-conntrack3",
  "libnfnetlink0",
  "libnftnl11",
  "nftables",
  "libnftables1",
  "libedit2",
  "libbsd0",
  "libmd0",
  "libtinfo6",
  "libgmp10",
  "libjansson4",
  "conntrack",
];

/** The package whose `ctr` client goes into the agent's tools layer (nothing else of it). */
export const CTR_PACKAGE = "containerd";

const ETC_FILES: Record<string, string> = {
  "etc/passwd":
    "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
  "etc/group": "root:x:0:\nnogroup:x:65534:\n",
  "etc/nsswitch.conf": "passwd: files\ngroup: files\nhosts: files dns\n",
};

/** Links every busybox applet (`bin/sh`, `bin/nc`, …) that no package already provides. */
async function linkBusyboxApplets(rootfs: string): Promise<void> {
  const applets =
    (await runChecked("list busybox applets", `${rootfs}/bin/busybox`, ["--list-full"])).split(
      "\n",
    );
  for (const applet of applets.map((line) => line.trim()).filter(Boolean)) {
    const path = `${rootfs}/${applet}`;
    if (await pathExists(path)) continue;
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    await Deno.symlink("/bin/busybox", path);
  }
}

/**
 * Assembles the base root filesystem.
 *
 * @param rootfs empty target folder
 * @param debs .deb paths of {@link BASE_PACKAGES}
 * @param denoBinary the pinned Deno executable, installed as /usr/local/bin/deno
 */
export async function buildBaseRootfs(
  rootfs: string,
  debs: string[],
  denoBinary: string,
): Promise<void> {
  await unpackDebs(debs, rootfs);
  await linkBusyboxApplets(rootfs);
  for (const [path, text] of Object.entries(ETC_FILES)) {
    await Deno.writeTextFile(`${rootfs}/${path}`, text);
  }
  for (const dir of ["tmp", "root", "run", "var/tmp", "usr/local/bin"]) {
    await Deno.mkdir(`${rootfs}/${dir}`, { recursive: true });
  }
  await Deno.chmod(`${rootfs}/tmp`, 0o1777);
  await Deno.chmod(`${rootfs}/var/tmp`, 0o1777);
  await Deno.copyFile(denoBinary, `${rootfs}/usr/local/bin/deno`);
  await Deno.chmod(`${rootfs}/usr/local/bin/deno`, 0o755);
}

/** The links Debian's update-alternatives would make; `iptables` is the nft variant there too. */
const ALTERNATIVES: Record<string, string> = {
  "usr/sbin/iptables": "iptables-nft",
  "usr/sbin/iptables-save": "iptables-nft-save",
  "usr/sbin/iptables-restore": "iptables-nft-restore",
  "usr/sbin/ip6tables": "ip6tables-nft",
  "usr/sbin/ip6tables-save": "ip6tables-nft-save",
  "usr/sbin/ip6tables-restore": "ip6tables-nft-restore",
};

/**
 * Assembles the tools layer of the agent image.
 *
 * @param rootfs empty target folder
 * @param debs .deb paths of {@link AGENT_TOOL_PACKAGES}
 * @param ctrDeb .deb path of {@link CTR_PACKAGE}
 */
export async function buildAgentToolsRootfs(
  rootfs: string,
  debs: string[],
  ctrDeb: string,
): Promise<void> {
  await unpackDebs(debs, rootfs);
  const unpacked = `${rootfs}.ctr`;
  await unpackDebs([ctrDeb], unpacked);
  await Deno.copyFile(`${unpacked}/usr/bin/ctr`, `${rootfs}/usr/bin/ctr`);
  await Deno.chmod(`${rootfs}/usr/bin/ctr`, 0o755);
  await Deno.remove(unpacked, { recursive: true });
  for (const [path, target] of Object.entries(ALTERNATIVES)) {
    await Deno.symlink(target, `${rootfs}/${path}`);
  }
  await Deno.remove(`${rootfs}/lib/systemd`, { recursive: true }).catch(() => {});
}
