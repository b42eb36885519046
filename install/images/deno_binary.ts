/**
 * The Deno binary the images run: the pinned npm package `@deno/linux-x64-glibc` (what
 * `npx deno@<version>` runs), fetched with npm's own client into a cache folder.
 *
 * @module
 */

/** The Deno release every part of mirrord-ts is pinned to. */
export const DENO_VERSION = "2.9.6";

const PACKAGE = "@deno/linux-x64-glibc";

async function run(cmd: string, args: string[], cwd?: string): Promise<string> {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) {
    const stderr = new TextDecoder().decode(out.stderr).trim();
    throw new Error(`Cannot fetch the Deno binary: "${cmd} ${args.join(" ")}" failed: ${stderr}`);
  }
  return new TextDecoder().decode(out.stdout).trim();
}

/**
 * Makes sure the pinned Deno binary is in the cache folder.
 *
 * @param cacheDir folder for the binary (created if missing)
 * @returns path of the `deno` executable
 */
export async function ensureDenoBinary(cacheDir: string): Promise<string> {
  const dir = `${cacheDir}/deno-${DENO_VERSION}`;
  const binary = `${dir}/deno`;
  try {
    await Deno.stat(binary);
    return binary;
  } catch {
    // not fetched yet
  }
  await Deno.mkdir(dir, { recursive: true });
  const tarball = await run("npm", [
    "pack",
    "--silent",
    `${PACKAGE}@${DENO_VERSION}`,
    "--pack-destination",
    dir,
  ]);
  const tarballPath = `${dir}/${tarball.split("\n").pop()}`;
  await run("tar", ["-xzf", tarballPath, "-C", dir, "--strip-components=1", "package/deno"]);
  await Deno.remove(tarballPath);
  const version = await run(binary, ["--version"]);
  if (!version.startsWith(`deno ${DENO_VERSION} `)) {
    throw new Error(`Cannot use ${binary}: it reports "${version.split("\n")[0]}"`);
  }
  return binary;
}
