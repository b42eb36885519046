/**
 * Builds every image the local cluster runs into one OCI archive for `ctr images import`:
 * pause (the sandbox image), the agent, CoreDNS and the sample apps of `tests/apps/`. The big
 * layers (glibc + busybox + Deno; the agent's network tools) are cached by their inputs; the
 * code layers are rebuilt each time, and reproducible tars keep unchanged digests.
 *
 * Run alone: `deno run -A install/images/build.ts <coredns-binary>` prints the archive path.
 *
 * @module
 */
import { runChecked } from "./command.ts";
import { pathExists } from "./path_exists.ts";
import { createHash } from "node:crypto";
import { type ImageDefinition, sha256File, writeLayer, writeOciArchive } from "./oci_image.ts";
import { fetchDebs } from "./debian_packages.ts";
import { DENO_VERSION, ensureDenoBinary } from "./deno_binary.ts";
import {
  AGENT_TOOL_PACKAGES,
  BASE_PACKAGES,
  buildAgentToolsRootfs,
  buildBaseRootfs,
  CTR_PACKAGE,
} from "./base_rootfs.ts";
import { AGENT_DENO_DIR, AGENT_HOME, stageAgentCode } from "./agent_code.ts";

/** Tag of the images built from this tree. */
export const IMAGE_TAG = "dev";

/** The CoreDNS release built into the `kube` module (install/kube/go.mod). */
export const COREDNS_VERSION = "1.12.4";

/** Image names as pod specs write them (containerd stores them under `docker.io/`). */
export const IMAGES = {
  pause: `mirrord-ts/pause:${IMAGE_TAG}`,
  agent: `mirrord-ts/agent:${IMAGE_TAG}`,
  coredns: `mirrord-ts/coredns:${COREDNS_VERSION}`,
  httpEcho: `mirrord-ts/http-echo:${IMAGE_TAG}`,
  tcpEcho: `mirrord-ts/tcp-echo:${IMAGE_TAG}`,
  udpEcho: `mirrord-ts/udp-echo:${IMAGE_TAG}`,
  serviceTarget: `mirrord-ts/service-target:${IMAGE_TAG}`,
} as const;

/** The sample apps: image key → folder under tests/apps/ holding main.ts. */
const APPS: Record<string, string> = {
  httpEcho: "http_echo",
  tcpEcho: "tcp_echo",
  udpEcho: "udp_echo",
  serviceTarget: "service_target",
};

const APPS_HOME = "/opt/apps";

/**
 * The name containerd stores an image under.
 *
 * @param name a short name such as `mirrord-ts/agent:dev`
 * @returns `docker.io/mirrord-ts/agent:dev`
 */
export function qualifiedImageName(name: string): string {
  const first = name.split("/")[0];
  const hasRegistry = name.includes("/") && (first.includes(".") || first.includes(":"));
  return hasRegistry ? name : `docker.io/${name}`;
}

/** What {@link buildImages} needs from the caller. */
export interface BuildImagesOptions {
  /** repository root */
  repoRoot: string;
  /** cache folder for .debs, Deno, layers and the archive */
  cacheDir: string;
  /** the statically linked CoreDNS binary */
  corednsBinary: string;
  /** progress sink (one line per notable step) */
  log?: (line: string) => void;
}

/** The built archive and each image's manifest digest (keyed by qualified name). */
export interface BuiltImages {
  archive: string;
  digests: Record<string, string>;
}

function keyOf(parts: unknown): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 16);
}

async function sourceKey(url: URL): Promise<string> {
  return keyOf(await Deno.readTextFile(url));
}

/** Builds a layer with `fill` unless a layer with the same key is cached. */
async function cachedLayer(
  layerDir: string,
  name: string,
  key: string,
  fill: (rootfs: string) => Promise<void>,
): Promise<string> {
  const tar = `${layerDir}/${name}-${key}.tar`;
  if (await pathExists(tar)) return tar;
  const rootfs = `${layerDir}/${name}.rootfs`;
  await Deno.remove(rootfs, { recursive: true }).catch(() => {});
  await Deno.mkdir(rootfs, { recursive: true });
  await fill(rootfs);
  await writeLayer(rootfs, `${tar}.partial`);
  await Deno.rename(`${tar}.partial`, tar);
  await Deno.remove(rootfs, { recursive: true });
  for await (const entry of Deno.readDir(layerDir)) {
    if (entry.name.startsWith(`${name}-`) && `${layerDir}/${entry.name}` !== tar) {
      await Deno.remove(`${layerDir}/${entry.name}`);
    }
  }
  return tar;
}

async function buildPause(repoRoot: string, layerDir: string): Promise<string> {
  const source = `${repoRoot}/install/images/pause/pause.c`;
  const key = keyOf(await Deno.readTextFile(source));
  return await cachedLayer(layerDir, "pause", key, async (rootfs) => {
    await runChecked("build the pause image", "gcc", [
      "-static",
      "-Os",
      "-Wall",
      "-Wextra",
      "-o",
      `${rootfs}/pause`,
      source,
    ]);
    await runChecked("build the pause image", "strip", [`${rootfs}/pause`]);
  });
}

async function buildAppsLayer(repoRoot: string, layerDir: string): Promise<string> {
  const rootfs = `${layerDir}/apps.rootfs`;
  await Deno.remove(rootfs, { recursive: true }).catch(() => {});
  for (const app of Object.values(APPS)) {
    const dest = `${rootfs}${APPS_HOME}/${app}`;
    await Deno.mkdir(dest, { recursive: true });
    for await (const entry of Deno.readDir(`${repoRoot}/tests/apps/${app}`)) {
      if (entry.isFile && !entry.name.endsWith("_test.ts")) {
        await Deno.copyFile(`${repoRoot}/tests/apps/${app}/${entry.name}`, `${dest}/${entry.name}`);
      }
    }
  }
  const tar = `${layerDir}/apps.tar`;
  await writeLayer(rootfs, tar);
  await Deno.remove(rootfs, { recursive: true });
  return tar;
}

/**
 * Builds the archive holding every image of {@link IMAGES}.
 *
 * @param options see {@link BuildImagesOptions}
 * @returns the archive path and manifest digests
 */
export async function buildImages(options: BuildImagesOptions): Promise<BuiltImages> {
  const { repoRoot, cacheDir, corednsBinary } = options;
  const log = options.log ?? (() => {});
  const layerDir = `${cacheDir}/layers`;
  await Deno.mkdir(layerDir, { recursive: true });

  const debs = await fetchDebs(`${cacheDir}/debs`, [
    ...BASE_PACKAGES,
    ...AGENT_TOOL_PACKAGES,
    CTR_PACKAGE,
  ]);
  const baseDebs = debs.slice(0, BASE_PACKAGES.length);
  const toolDebs = debs.slice(BASE_PACKAGES.length, -1);
  const ctrDeb = debs[debs.length - 1];
  const deno = await ensureDenoBinary(cacheDir);
  const recipe = await sourceKey(new URL("./base_rootfs.ts", import.meta.url));
  const names = (paths: string[]) => paths.map((path) => path.slice(path.lastIndexOf("/") + 1));

  const base = await cachedLayer(
    layerDir,
    "base",
    keyOf([recipe, DENO_VERSION, names(baseDebs)]),
    async (rootfs) => {
      log("building the base layer (glibc, busybox, deno)");
      await buildBaseRootfs(rootfs, baseDebs, deno);
    },
  );
  const tools = await cachedLayer(
    layerDir,
    "agent-tools",
    keyOf([recipe, names([...toolDebs, ctrDeb])]),
    (rootfs) => {
      log("building the agent tools layer (iptables, nftables, conntrack, ctr)");
      return buildAgentToolsRootfs(rootfs, toolDebs, ctrDeb);
    },
  );
  const pause = await buildPause(repoRoot, layerDir);
  const coredns = await cachedLayer(
    layerDir,
    "coredns",
    (await sha256File(corednsBinary)).slice("sha256:".length, 23),
    async (rootfs) => {
      await Deno.copyFile(corednsBinary, `${rootfs}/coredns`);
      await Deno.chmod(`${rootfs}/coredns`, 0o755);
    },
  );

  const agentStage = `${cacheDir}/agent-stage`;
  const hasAgent = await stageAgentCode(deno, repoRoot, agentStage, `${cacheDir}/agent-deno-dir`);
  if (!hasAgent) log("WARNING: agent/main.ts not found, the agent image holds no agent code");
  const agentCode = `${layerDir}/agent-code.tar`;
  await writeLayer(agentStage, agentCode);
  const apps = await buildAppsLayer(repoRoot, layerDir);

  const denoEnv = [
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "DENO_NO_UPDATE_CHECK=1",
    "DENO_NO_PROMPT=1",
  ];
  const images: ImageDefinition[] = [
    { name: IMAGES.pause, layers: [pause], config: { entrypoint: ["/pause"] } },
    {
      name: IMAGES.coredns,
      layers: [coredns],
      config: { entrypoint: ["/coredns"], cmd: ["-conf", "/etc/coredns/Corefile"] },
    },
    {
      name: IMAGES.agent,
      layers: [base, tools, agentCode],
      config: {
        entrypoint: ["./mirrord-agent"],
        env: [...denoEnv, `DENO_DIR=${AGENT_DENO_DIR}`],
        workingDir: AGENT_HOME,
      },
    },
  ];
  for (const [key, folder] of Object.entries(APPS)) {
    images.push({
      name: IMAGES[key as keyof typeof IMAGES],
      layers: [base, apps],
      config: {
        entrypoint: [
          "/usr/local/bin/deno",
          "run",
          "-A",
          "--no-config",
          `${APPS_HOME}/${folder}/main.ts`,
        ],
        env: [...denoEnv, "DENO_DIR=/tmp/deno"],
        workingDir: `${APPS_HOME}/${folder}`,
      },
    });
  }
  const qualified = images.map((image) => ({ ...image, name: qualifiedImageName(image.name) }));
  const archive = `${cacheDir}/images.tar`;
  const digests = await writeOciArchive(qualified, archive);
  return { archive, digests };
}

if (import.meta.main) {
  const [corednsBinary] = Deno.args;
  if (!corednsBinary) {
    console.error("usage: deno run -A install/images/build.ts <coredns-binary>");
    Deno.exit(2);
  }
  const repoRoot = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
  const built = await buildImages({
    repoRoot,
    cacheDir: `${repoRoot}/.cache/images`,
    corednsBinary,
    log: (line) => console.log(`[images] ${line}`),
  });
  console.log(built.archive);
}
