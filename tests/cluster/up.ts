/**
 * `up`: builds (or reuses) the binaries and images, then starts etcd, containerd, the control
 * plane, the kubelet and kube-proxy, and installs CoreDNS and the narrow user's Role. Every step
 * skips what is already there, so running it twice is fine.
 *
 * @module
 */
import { buildImages, IMAGES } from "../../install/images/build.ts";
import { addonManifest } from "./addons.ts";
import { ensureBinaries } from "./binaries.ts";
import {
  checkNoForeignContainerd,
  containerdAnswers,
  importImages,
  prepareContainerd,
} from "./containerd.ts";
import {
  apiserverReady,
  apiserverSpec,
  controllerManagerSpec,
  etcdHealthy,
  etcdSpec,
  schedulerSpec,
} from "./control_plane.ts";
import { daemonPid, type DaemonSpec, startDaemon } from "./daemons.ts";
import { detectNodeIp, enableForwarding, snapshotHost } from "./host_settings.ts";
import { writeKubeconfig } from "./kubeconfig.ts";
import { KUBECTL, kubectl } from "./kubectl.ts";
import {
  CACHE_DIR,
  CGROUP_ROOT,
  CLUSTER_NAME,
  NARROW_USER,
  NODE_NAME,
  PORTS,
  REPO_ROOT,
  STATE,
  STATE_DIR,
} from "./layout.ts";
import { kubeletSpec, kubeProxySpec, localHealthy } from "./node.ts";
import { ensurePki } from "./pki.ts";
import { checkPortsFree, preflightProblems } from "./preflight.ts";
import { printProgress, type ProgressLog, step } from "./progress.ts";
import { waitUntil } from "./wait.ts";
import { parseMountinfo } from "./host_traces.ts";

/** What a running cluster offers its users. */
export interface ClusterInfo {
  /** admin kubeconfig (client certificate of a `system:masters` user) */
  kubeconfig: string;
  /** kubeconfig of the narrow user (reads pods in `default`, nothing else) */
  narrowKubeconfig: string;
  /** the cluster's kubectl */
  kubectl: string;
  nodeName: string;
  nodeIp: string;
  /** image names usable in pod specs (present on the node, never pulled) */
  images: typeof IMAGES;
}

async function startOnce(spec: DaemonSpec): Promise<string> {
  const pid = await daemonPid(spec.name);
  if (pid !== undefined) return `already running (pid ${pid})`;
  return `started (pid ${await startDaemon(spec)})`;
}

/** Creates the kubelet's cgroup root in every hierarchy, cpuset filled from its parent. */
async function ensureCgroupRoot(): Promise<void> {
  const mounts = parseMountinfo(await Deno.readTextFile("/proc/self/mountinfo"));
  for (const mount of mounts.filter((m) => m.fsType === "cgroup" || m.fsType === "cgroup2")) {
    const dir = `${mount.path}/${CGROUP_ROOT}`;
    await Deno.mkdir(dir, { recursive: true });
    for (const file of ["cpuset.cpus", "cpuset.mems"]) {
      const parent = await Deno.readTextFile(`${mount.path}/${file}`).catch(() => undefined);
      const own = await Deno.readTextFile(`${dir}/${file}`).catch(() => undefined);
      if (parent !== undefined && own?.trim() === "") {
        await Deno.writeTextFile(`${dir}/${file}`, parent);
      }
    }
  }
}

async function nodeReady(): Promise<boolean> {
  const result = await kubectl(
    ["get", "node", NODE_NAME, "-o", `jsonpath={.status.conditions[?(@.type=="Ready")].status}`],
    { check: false },
  );
  return result.stdout.trim() === "True";
}

async function defaultServiceAccountExists(): Promise<boolean> {
  return (await kubectl(["get", "serviceaccount", "default", "-n", "default"], { check: false }))
    .code === 0;
}

async function coreDnsAvailable(): Promise<boolean> {
  const result = await kubectl(
    [
      "get",
      "deployment",
      "coredns",
      "-n",
      "kube-system",
      "-o",
      "jsonpath={.status.availableReplicas}",
    ],
    { check: false },
  );
  return Number(result.stdout.trim()) >= 1;
}

async function linkBinaries(dir: string): Promise<void> {
  await Deno.mkdir(STATE_DIR, { recursive: true });
  const link = `${STATE_DIR}/bin`;
  const current = await Deno.readLink(link).catch(() => undefined);
  if (current === dir) return;
  await Deno.remove(link).catch(() => {});
  await Deno.symlink(dir, link);
}

/**
 * Brings the cluster up (or finishes bringing it up) and waits until it can run pods.
 *
 * @param log progress sink (one line per step)
 * @returns how to use the cluster
 * @example From an e2e test
 * ```ts
 * const cluster = await clusterUp();
 * console.log(cluster.kubeconfig);
 * ```
 */
export async function clusterUp(log: ProgressLog = printProgress): Promise<ClusterInfo> {
  const started = performance.now();
  const problems = await preflightProblems();
  if (problems.length > 0) throw new Error(problems.join("\n"));

  let kube = "";
  let coredns = "";
  await step(log, "binaries", async () => {
    const binaries = await ensureBinaries(log);
    kube = binaries.kube;
    coredns = binaries.coredns;
    await linkBinaries(binaries.dir);
    return `Kubernetes, etcd and CoreDNS in ${binaries.dir.slice(REPO_ROOT.length + 1)}`;
  });

  let images: Awaited<ReturnType<typeof buildImages>> | undefined;
  await step(log, "images", async () => {
    images = await buildImages({
      repoRoot: REPO_ROOT,
      cacheDir: `${CACHE_DIR}/images`,
      corednsBinary: coredns,
      log,
    });
    return `${Object.keys(images.digests).length} images in ${
      images.archive.slice(REPO_ROOT.length + 1)
    }`;
  });

  const nodeIp = await detectNodeIp();
  await step(log, "pki", async () => {
    const issued = await ensurePki(nodeIp);
    await writeKubeconfig(STATE.adminKubeconfig, {
      user: `${CLUSTER_NAME}-admin`,
      certificate: "admin",
      context: CLUSTER_NAME,
    });
    await writeKubeconfig(STATE.narrowKubeconfig, {
      user: NARROW_USER,
      certificate: "narrow",
      context: NARROW_USER,
    });
    return issued > 0 ? `issued ${issued} certificates` : "certificates already there";
  });

  await step(log, "host", async () => {
    await snapshotHost();
    await enableForwarding();
    await ensureCgroupRoot();
    return `node IP ${nodeIp}, ip_forward on, cgroup root /${CGROUP_ROOT}`;
  });

  await step(log, "etcd", async () => {
    // Nothing of this checkout's runs yet: the ports must be free, or another cluster has them.
    if (await daemonPid("etcd") === undefined) checkPortsFree();
    const detail = await startOnce(etcdSpec(kube));
    await waitUntil(etcdHealthy, { what: "etcd to be healthy", timeoutMs: 30_000, daemon: "etcd" });
    return detail;
  });

  await step(log, "containerd", async () => {
    await checkNoForeignContainerd();
    const detail = await startOnce(await prepareContainerd());
    await waitUntil(containerdAnswers, {
      what: "containerd to answer",
      timeoutMs: 30_000,
      daemon: "containerd",
    });
    const imported = await importImages(images!.archive, images!.digests);
    return `${detail}, images ${imported ? "imported" : "already imported"}`;
  });

  await step(log, "kube-apiserver", async () => {
    const detail = await startOnce(apiserverSpec(kube, nodeIp));
    await waitUntil(apiserverReady, {
      what: "the apiserver to be ready",
      timeoutMs: 90_000,
      daemon: "kube-apiserver",
    });
    return detail;
  });

  await step(log, "controller-manager and scheduler", async () => {
    const manager = await startOnce(await controllerManagerSpec(kube));
    const scheduler = await startOnce(await schedulerSpec(kube));
    return `controller-manager ${manager}, scheduler ${scheduler}`;
  });

  await step(log, "kubelet", async () => {
    const detail = await startOnce(await kubeletSpec(kube, nodeIp));
    await waitUntil(() => localHealthy(PORTS.kubeletHealthz), {
      what: "the kubelet to be healthy",
      timeoutMs: 60_000,
      daemon: "kubelet",
    });
    await waitUntil(nodeReady, {
      what: `node ${NODE_NAME} to be Ready`,
      timeoutMs: 90_000,
      daemon: "kubelet",
      intervalMs: 500,
    });
    return `${detail}, node ${NODE_NAME} Ready`;
  });

  await step(log, "kube-proxy", async () => {
    const detail = await startOnce(await kubeProxySpec(kube));
    await waitUntil(() => localHealthy(PORTS.proxyHealthz), {
      what: "kube-proxy to be healthy",
      timeoutMs: 60_000,
      daemon: "kube-proxy",
    });
    return detail;
  });

  await step(log, "add-ons", async () => {
    await kubectl(["apply", "-f", "-"], { stdin: addonManifest() });
    await waitUntil(coreDnsAvailable, {
      what: "CoreDNS to be available",
      timeoutMs: 120_000,
      intervalMs: 500,
    });
    await waitUntil(defaultServiceAccountExists, {
      what: "the default ServiceAccount",
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    return "CoreDNS available, narrow user's Role applied";
  });

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  log(`ready in ${seconds} s — kubeconfig: ${STATE.adminKubeconfig}`);
  return {
    kubeconfig: STATE.adminKubeconfig,
    narrowKubeconfig: STATE.narrowKubeconfig,
    kubectl: KUBECTL,
    nodeName: NODE_NAME,
    nodeIp,
    images: IMAGES,
  };
}
