/**
 * `deno task demo [--keep]`: the main job, end to end on a real Kubernetes cluster. As root it
 * prepares the machine (Debian packages, the C layer), brings the local cluster up (building it on
 * the first run), deploys a target app and an in-cluster Service, then runs one Python program
 * twice — on this machine, and under `mirrord exec --target pod/<echo>` — and shows side by side
 * what each saw: the pod's environment variable, a file mounted only in the pod, the pod's
 * hostname, a Service name resolved by the cluster's DNS, and an HTTP call the Service sees coming
 * from the pod. Then a local HTTP server under `mirrord exec` steals the pod's requests that carry
 * a header while the pod keeps answering the rest. Then it cleans up (the namespace, and the
 * cluster unless `--keep` or it was already running). Exit status 0 when all of it worked.
 *
 * @module
 */
import { prepareMachine } from "../setup/prepare_machine.ts";
import { isRoot } from "../setup/privileges.ts";
import {
  allRunning,
  clusterDown,
  clusterStatus,
  clusterUp,
  IMAGES,
  kubeconfigPath,
  kubectl,
} from "../cluster/mod.ts";
import {
  deployWorkloads,
  PROBE,
  PROBE_ARGS,
  type ProbeReport,
  type Workloads,
} from "../e2e/workloads.ts";
import { probeRows, renderTable } from "./probe_table.ts";
import { stealRows } from "./steal_step.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const NAMESPACE = "mirrord-demo";
const PYTHON = "/usr/bin/python3";

const timings: [string, number][] = [];

async function phase<T>(title: string, fn: () => Promise<T>): Promise<T> {
  console.log(`\n== ${title}`);
  const started = performance.now();
  const result = await fn();
  const seconds = (performance.now() - started) / 1000;
  timings.push([title, seconds]);
  console.log(`   (${seconds.toFixed(1)} s)`);
  return result;
}

function parseReport(stdout: string, who: string): ProbeReport {
  const line = stdout.trim().split("\n").at(-1) ?? "";
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`Cannot read what the program saw ${who}: it printed "${stdout.trim()}"`);
  }
}

async function runLocally(): Promise<ProbeReport> {
  console.log(`$ python3 ${PROBE.slice(ROOT.length)} ${PROBE_ARGS.join(" ")}`);
  const out = await new Deno.Command(PYTHON, {
    args: [PROBE, ...PROBE_ARGS],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).output();
  return parseReport(new TextDecoder().decode(out.stdout), "without mirrord");
}

async function runWithMirrord(w: Workloads, configPath: string): Promise<ProbeReport> {
  const args = [
    "exec",
    "-f",
    configPath,
    "-n",
    NAMESPACE,
    "--target",
    `pod/${w.echoPod}`,
    "--",
    PYTHON,
    PROBE,
    ...PROBE_ARGS,
  ];
  console.log(`$ KUBECONFIG=${kubeconfigPath().slice(ROOT.length)} mirrord ${args.join(" ")}`);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}cli/main.ts`, ...args],
    env: { KUBECONFIG: kubeconfigPath() },
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`mirrord exec failed with exit status ${out.code}`);
  return parseReport(new TextDecoder().decode(out.stdout), "under mirrord");
}

async function main(args: string[]): Promise<number> {
  const keep = args.includes("--keep");
  if (!isRoot()) {
    console.error(
      "The demo needs root: it starts a local Kubernetes cluster (containerd, kubelet, " +
        "iptables, network namespaces, mounts) and installs the Debian packages it needs.\n" +
        "Run it as root: sudo npx --yes deno@2.9.6 task demo",
    );
    return 1;
  }
  const started = performance.now();
  console.log(
    "mirrord-ts demo: run a program on this machine *inside* a Kubernetes pod — its env, files, " +
      "DNS and network come from the pod.",
  );
  await phase(
    "machine: Debian packages and the mirrord layer",
    () => prepareMachine({ root: true }),
  );
  const wasUp = allRunning(await clusterStatus());
  await phase(
    wasUp
      ? "cluster: already running"
      : "cluster: bringing up a local Kubernetes (a first run builds it from source, ~15 min)",
    () => clusterUp(),
  );
  let ok = false;
  try {
    const w = await phase(`workloads: namespace "${NAMESPACE}"`, async () => {
      await kubectl(["delete", "namespace", NAMESPACE, "--ignore-not-found", "--wait=true"]);
      await kubectl(["create", "namespace", NAMESPACE]);
      const deployed = await deployWorkloads(NAMESPACE);
      console.log(
        `   deployment "echo" (the target, pod ${deployed.echoPod}, IP ${deployed.echoPodIp}) ` +
          `with $ONLY_IN_POD and a mounted ConfigMap;\n   Service "backend" at ` +
          `${deployed.backendIp}, only reachable inside the cluster`,
      );
      return deployed;
    });
    const local = await phase("the program on this machine, without mirrord", runLocally);
    const configDir = await Deno.makeTempDir({ prefix: "mirrord_demo_" });
    const configPath = `${configDir}/mirrord.json`;
    // The agent image is built locally (no registry here); everything else is mirrord's default.
    await Deno.writeTextFile(configPath, JSON.stringify({ agent: { image: IMAGES.agent } }));
    console.log(`\n   config ${configPath}: ${await Deno.readTextFile(configPath)}`);
    const remote = await phase(
      "the same program under mirrord exec",
      () => runWithMirrord(w, configPath),
    );
    await Deno.remove(configDir, { recursive: true });
    const rows = probeRows(local, remote, w);
    console.log("");
    for (const line of renderTable(rows, `mirrord exec --target pod/${w.echoPod}`)) {
      console.log(line);
    }
    ok = rows.every((row) => row.ok);
    console.log(
      ok
        ? "\nEverything the pod has reached the program through mirrord."
        : "\nSome of what the pod has did NOT reach the program (✗ above).",
    );
    const steal = await phase(
      "incoming: a local server steals the pod's requests that carry a header",
      () => stealRows(w, ROOT),
    );
    console.log("");
    const titles = { what: "request sent to the pod's IP", local: "answered without mirrord" };
    for (const line of renderTable(steal, "answered during mirrord exec", titles)) {
      console.log(line);
    }
    const stole = steal.every((row) => row.ok);
    console.log(
      stole
        ? "\nOnly the requests with the header went to the local server; the pod kept the rest."
        : "\nThe steal did not go as it should (✗ above).",
    );
    ok &&= stole;
  } finally {
    await phase("cleanup", async () => {
      await kubectl(["delete", "namespace", NAMESPACE, "--ignore-not-found", "--wait=false"], {
        check: false,
      });
      if (keep || wasUp) {
        console.log(
          wasUp
            ? "   the cluster was already running before the demo; left running"
            : "   --keep: the cluster stays up (deno task cluster down stops it)",
        );
      } else {
        await clusterDown();
      }
    });
  }
  console.log("\ntimings:");
  for (const [title, seconds] of timings) {
    console.log(`  ${seconds.toFixed(1).padStart(7)} s  ${title}`);
  }
  console.log(`  ${((performance.now() - started) / 1000).toFixed(1).padStart(7)} s  total`);
  return ok ? 0 : 1;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (error) {
    console.error(`demo failed: ${(error as Error).message}`);
    Deno.exit(1);
  }
}
