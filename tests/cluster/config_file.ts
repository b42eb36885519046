/**
 * Writing the components' config files without touching unchanged ones: kube-proxy exits when
 * its config file is written (even with the same content) and containerd reloads CNI configs,
 * so a repeated `up` must leave files of running components alone.
 *
 * @module
 */

/**
 * Writes a file unless it already holds exactly this text.
 *
 * @param path file path
 * @param text the content
 * @param mode file mode for a new or changed file (default 0644)
 * @returns whether the file was written
 */
export async function writeConfigFile(path: string, text: string, mode = 0o644): Promise<boolean> {
  const current = await Deno.readTextFile(path).catch(() => undefined);
  if (current === text) return false;
  await Deno.writeTextFile(path, text, { mode });
  await Deno.chmod(path, mode);
  return true;
}
