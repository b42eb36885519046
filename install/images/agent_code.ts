/**
 * The agent image's code layer: `agent/` as it is in the working tree when the image is built,
 * every repository file its module graph imports (the protocol codec, …), `deno.json` and
 * `deno.lock`, a Deno cache holding its npm packages (the pod runs with `--cached-only`) and the
 * `mirrord-agent` launcher that mirrord's Job spec runs as `./mirrord-agent`.
 *
 * @module
 */
import { runChecked } from "./command.ts";
import { pathExists } from "./path_exists.ts";

/** Where the agent lives in the image; also the image's working directory. */
export const AGENT_HOME = "/opt/mirrord";

/** The agent's Deno cache inside the image. */
export const AGENT_DENO_DIR = `${AGENT_HOME}/.deno`;

const LAUNCHER_WITH_CODE = `#!/bin/sh
# mirrord's agent Job runs "./mirrord-agent <args>" in the image's working directory.
exec /usr/local/bin/deno run -A --cached-only ${AGENT_HOME}/agent/main.ts "$@"
`;

const LAUNCHER_WITHOUT_CODE = `#!/bin/sh
echo "[agent] Cannot start: this image was built from a tree without agent/main.ts — rebuild the images after adding the agent" >&2
exit 1
`;

async function copyInto(repoRoot: string, relative: string, dest: string): Promise<void> {
  const target = `${dest}/${relative}`;
  await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
  await Deno.copyFile(`${repoRoot}/${relative}`, target);
}

/**
 * Lists repository files (relative paths) in the module graph of an entry point.
 *
 * @param deno the Deno executable
 * @param repoRoot repository root (holds deno.json)
 * @param entry entry point relative to the root
 * @returns sorted relative paths inside the repository
 */
export async function localModuleFiles(
  deno: string,
  repoRoot: string,
  entry: string,
): Promise<string[]> {
  const graph = JSON.parse(
    await runChecked(`read the module graph of ${entry}`, deno, ["info", "--json", entry], {
      cwd: repoRoot,
    }),
  );
  const rootUrl = new URL(`file://${repoRoot}/`).href;
  const files = new Set<string>();
  for (const module of graph.modules ?? []) {
    const specifier: string = module.specifier ?? "";
    if (specifier.startsWith(rootUrl)) {
      files.add(decodeURIComponent(specifier.slice(rootUrl.length)));
    }
  }
  return [...files].sort();
}

async function walkFiles(dir: string, prefix: string, out: string[]): Promise<void> {
  for await (const entry of Deno.readDir(dir)) {
    const relative = `${prefix}/${entry.name}`;
    if (entry.isDirectory) await walkFiles(`${dir}/${entry.name}`, relative, out);
    else if (entry.isFile) out.push(relative);
  }
}

/**
 * Stages the agent's files under `<stage>/opt/mirrord`. npm packages are fetched into a Deno
 * cache kept outside the stage (so they are fetched once) and only the package folders are
 * copied in: Deno's analysis databases and transpile cache change on every run and would give
 * the layer a new digest each time.
 *
 * @param deno the Deno executable (also used to fill the cache)
 * @param repoRoot repository root
 * @param stage root filesystem folder of the layer (emptied first)
 * @param denoDir the persistent Deno cache for the agent's dependencies
 * @returns whether agent code was found (without it the launcher explains what is missing)
 */
export async function stageAgentCode(
  deno: string,
  repoRoot: string,
  stage: string,
  denoDir: string,
): Promise<boolean> {
  const home = `${stage}${AGENT_HOME}`;
  await Deno.remove(stage, { recursive: true }).catch(() => {});
  await Deno.mkdir(home, { recursive: true });
  const launcher = `${home}/mirrord-agent`;
  const hasAgent = await pathExists(`${repoRoot}/agent/main.ts`);
  await Deno.writeTextFile(launcher, hasAgent ? LAUNCHER_WITH_CODE : LAUNCHER_WITHOUT_CODE);
  await Deno.chmod(launcher, 0o755);
  if (!hasAgent) return false;

  const files = new Set(await localModuleFiles(deno, repoRoot, "agent/main.ts"));
  const agentFiles: string[] = [];
  await walkFiles(`${repoRoot}/agent`, "agent", agentFiles);
  for (const file of agentFiles) if (!file.endsWith("_test.ts")) files.add(file);
  for (const file of [...files]) {
    // Code loaded by path rather than import (the protocol codec's .wasm) sits beside modules.
    const dir = file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : ".";
    for await (const entry of Deno.readDir(`${repoRoot}/${dir}`)) {
      if (entry.isFile && entry.name.endsWith(".wasm")) files.add(`${dir}/${entry.name}`);
    }
  }
  for (const config of ["deno.json", "deno.lock"]) {
    if (await pathExists(`${repoRoot}/${config}`)) files.add(config);
  }
  for (const file of files) await copyInto(repoRoot, file, home);

  await runChecked(
    "cache the agent's dependencies for its image",
    deno,
    ["cache", "agent/main.ts"],
    {
      cwd: home,
      env: { DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: "1" },
    },
  );
  await Deno.mkdir(`${home}/.deno`);
  for (const packages of ["npm", "remote"]) {
    if (!await pathExists(`${denoDir}/${packages}`)) continue;
    await runChecked("fill the agent image's Deno cache", "cp", [
      "-a",
      `${denoDir}/${packages}`,
      `${home}/.deno/`,
    ]);
  }
  return true;
}
