/**
 * Whether a path exists, without following a final symlink.
 *
 * @module
 */

/**
 * Whether something (file, folder, link — even a dangling one) is at a path.
 *
 * @param path the path
 * @returns true when `lstat` succeeds
 * @example
 * ```ts
 * if (!await pathExists("/run/containerd")) console.log("not there");
 * ```
 */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}
