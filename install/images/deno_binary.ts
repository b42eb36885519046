/**
 * The Deno binary the images run: the pinned npm package `@deno/linux-x64-glibc` (what
 * `npx deno@<version>` runs), fetched with npm's own client into a cache folder.
 *
 * @module
 */
import { runChecked } from "./command.ts";
import { pathExists } from "./path_exists.ts";

/** The Deno release every part of mirrord-ts is pinned to. */
export const DENO_VERSION = "2.9.6";

const PACKAGE = "@deno/linux-x64-glibc";

/**
 * Makes sure the pinned Deno binary is in the cache folder.
 *
 * @param cacheDir folder for the binary (created if missing)
 * @returns path of the `deno` executable
 */
export async function ensureDenoBinary(cacheDir: string): Promise<string> {
  const dir = `${cacheDir}/deno-${DENO_VERSION}`;
  const binary = `${dir}/deno`;
  if (await pathExists(binary)) return binary;
  await Deno.mkdir(dir, { recursive: true });
  const tarball = (await runChecked("fetch the Deno binary", "npm", [
    "pack",
    "--silent",
    `${PACKAGE}@${DENO_VERSION}`,
    "--pack-destination",
    dir,
  ])).trim();
  const tarballPath = `${dir}/${tarball.split("\n").pop()}`;
  await runChecked("fetch the Deno binary", "tar", [
    "-xzf",
    tarballPath,
    "-C",
    dir,
    "--strip-components=1",
    "package/deno",
  ]);
  await Deno.remove(tarballPath);
  const version = await runChecked("fetch the Deno binary", binary, ["--version"]);
  if (!version.startsWith(`deno ${DENO_VERSION} `)) {
    throw new Error(`Cannot use ${binary}: it reports "${version.split("\n")[0]}"`);
  }
  return binary;
}
