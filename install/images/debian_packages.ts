/**
 * Fills image root filesystems from Debian packages: `apt-get download` fetches the .deb files of
 * the machine's Debian release (kept in a cache folder), `dpkg-deb -x` unpacks them. No
 * maintainer scripts run, so the links `update-alternatives` would make are added by the caller.
 *
 * @module
 */
import { runChecked, runCommand } from "./command.ts";

async function cachedDeb(cacheDir: string, pkg: string): Promise<string | undefined> {
  for await (const entry of Deno.readDir(cacheDir)) {
    if (entry.name.startsWith(`${pkg}_`) && entry.name.endsWith(".deb")) {
      return `${cacheDir}/${entry.name}`;
    }
  }
  return undefined;
}

async function download(cacheDir: string, packages: string[]): Promise<void> {
  // apt's download sandbox user cannot write into a root-owned cache folder.
  const args = ["-o", "APT::Sandbox::User=root", "download", ...packages];
  let result = await runCommand("apt-get", args, { cwd: cacheDir });
  if (!result.success) {
    // A fresh machine may have no package lists yet.
    await runCommand("apt-get", ["update", "-qq"]);
    result = await runCommand("apt-get", args, { cwd: cacheDir });
  }
  if (!result.success) {
    throw new Error(
      `Cannot download Debian packages ${packages.join(" ")}: ${result.stderr.trim()} — check ` +
        `that apt can reach the Debian mirror`,
    );
  }
}

/**
 * Makes sure the .deb of each package is in the cache folder.
 *
 * @param cacheDir folder for .deb files (created if missing)
 * @param packages Debian package names
 * @returns the .deb paths in the order of `packages`
 */
export async function fetchDebs(cacheDir: string, packages: string[]): Promise<string[]> {
  await Deno.mkdir(cacheDir, { recursive: true });
  const missing = [];
  for (const pkg of packages) if (!await cachedDeb(cacheDir, pkg)) missing.push(pkg);
  if (missing.length > 0) await download(cacheDir, missing);
  const paths = [];
  for (const pkg of packages) {
    const path = await cachedDeb(cacheDir, pkg);
    if (!path) throw new Error(`Cannot find the downloaded .deb of "${pkg}" in ${cacheDir}`);
    paths.push(path);
  }
  return paths;
}

/**
 * Unpacks Debian packages into a root filesystem folder, leaving out documentation.
 *
 * @param debs .deb paths
 * @param rootfs target folder (created if missing)
 */
export async function unpackDebs(debs: string[], rootfs: string): Promise<void> {
  await Deno.mkdir(rootfs, { recursive: true });
  for (const deb of debs) {
    await runChecked(`unpack ${deb}`, "dpkg-deb", ["-x", deb, rootfs]);
  }
  for (const docs of ["usr/share/doc", "usr/share/man", "usr/share/lintian", "usr/share/info"]) {
    await Deno.remove(`${rootfs}/${docs}`, { recursive: true }).catch(() => {});
  }
}
