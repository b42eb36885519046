/**
 * Builds the cluster's programs from install/kube (Kubernetes, etcd and CoreDNS from the Go module
 * proxy) once, and keeps them in `.cache/kube-bin/<version>-<input hash>/`. The Go module and
 * build caches live under `.cache/go/` so a rebuild after a source change only recompiles what
 * changed.
 *
 * @module
 */
import { runChecked, runCommand } from "../../install/images/command.ts";
import { pathExists } from "../../install/images/path_exists.ts";
import { createHash } from "node:crypto";
import { CACHE_DIR, KUBERNETES_VERSION, REPO_ROOT } from "./layout.ts";

/** Paths of the built programs. */
export interface ClusterBinaries {
  /** the multi-call binary; `<dir>/<program>` links to it for each program */
  kube: string;
  kubectl: string;
  /** static CoreDNS (goes into its image) */
  coredns: string;
  /** folder holding them all */
  dir: string;
}

/** Programs of the multi-call binary, each reachable as a link named after it. */
export const KUBE_PROGRAMS = [
  "etcd",
  "kube-apiserver",
  "kube-controller-manager",
  "kube-scheduler",
  "kubelet",
  "kube-proxy",
  "kubectl",
  "cri-remove-pods",
];

const SOURCE_DIR = `${REPO_ROOT}/install/kube`;
const SOURCES = ["go.mod", "go.sum", "main.go", "cri_remove_pods.go", "coredns/main.go"];

/** Version stamps the upstream release build sets (kubectl version, node info, skew checks). */
function versionLdflags(): string[] {
  const [major, minor] = KUBERNETES_VERSION.slice(1).split(".");
  const stamps = {
    gitVersion: KUBERNETES_VERSION,
    gitMajor: major,
    gitMinor: minor,
    gitTreeState: "clean",
    buildDate: "1970-01-01T00:00:00Z",
  };
  const flags = [];
  for (const pkg of ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"]) {
    for (const [name, value] of Object.entries(stamps)) flags.push(`-X ${pkg}.${name}=${value}`);
  }
  return flags;
}

/** Finds the Go toolchain: PATH first, then the usual install location. */
async function goBinary(): Promise<string> {
  for (const candidate of ["go", "/usr/local/go/bin/go"]) {
    if ((await runCommand(candidate, ["version"])).success) return candidate;
  }
  throw new Error("Cannot build the cluster binaries: no Go toolchain found — install Go ≥ 1.24");
}

async function inputKey(go: string): Promise<string> {
  const hash = createHash("sha256");
  for (const file of SOURCES) {
    hash.update(file).update(await Deno.readFile(`${SOURCE_DIR}/${file}`));
  }
  const version = await runChecked("read the Go version", go, ["version"]);
  hash.update(version).update(versionLdflags().join(" "));
  return hash.digest("hex").slice(0, 12);
}

async function linkPrograms(dir: string): Promise<void> {
  for (const program of KUBE_PROGRAMS) {
    if (!await pathExists(`${dir}/${program}`)) await Deno.symlink("kube", `${dir}/${program}`);
  }
}

/**
 * Builds the binaries unless a build of the same inputs is cached.
 *
 * @param log progress sink
 * @returns where the binaries are
 */
export async function ensureBinaries(log: (line: string) => void): Promise<ClusterBinaries> {
  const go = await goBinary();
  const dir = `${CACHE_DIR}/kube-bin/${KUBERNETES_VERSION}-${await inputKey(go)}`;
  const binaries = {
    kube: `${dir}/kube`,
    kubectl: `${dir}/kubectl`,
    coredns: `${dir}/coredns`,
    dir,
  };
  if (await pathExists(binaries.kube) && await pathExists(binaries.coredns)) {
    await linkPrograms(dir);
    return binaries;
  }
  log(
    `building Kubernetes ${KUBERNETES_VERSION}, etcd and CoreDNS with ${go} ` +
      `(a cold build takes several minutes)`,
  );
  const partial = `${dir}.partial`;
  await Deno.remove(partial, { recursive: true }).catch(() => {});
  await Deno.mkdir(partial, { recursive: true });
  const child = new Deno.Command(go, {
    args: [
      "build",
      "-trimpath",
      `-ldflags=-s -w ${versionLdflags().join(" ")}`,
      "-o",
      `${partial}/`,
      ".",
      "./coredns",
    ],
    cwd: SOURCE_DIR,
    env: {
      GOMODCACHE: `${CACHE_DIR}/go/mod`,
      GOCACHE: `${CACHE_DIR}/go/build`,
      GOPATH: `${CACHE_DIR}/go/path`,
      GOTOOLCHAIN: "local",
      GOFLAGS: "-mod=readonly",
      CGO_ENABLED: "0",
    },
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  const status = await child.status;
  if (!status.success) {
    throw new Error(
      `Cannot build the cluster binaries: "go build" in install/kube exited ${status.code} ` +
        `(its output is above)`,
    );
  }
  await Deno.rename(partial, dir);
  await linkPrograms(dir);
  for await (const entry of Deno.readDir(`${CACHE_DIR}/kube-bin`)) {
    const path = `${CACHE_DIR}/kube-bin/${entry.name}`;
    if (path !== dir) await Deno.remove(path, { recursive: true });
  }
  return binaries;
}
