/**
 * `mirrord exec` on the real local cluster: the agent is created as Kubernetes creates mirrord's,
 * reached through port-forwards, and a real Python program sees the target pod's environment,
 * files, DNS and network.
 */
import assert from "node:assert/strict";
import { clusterUp, kubectl, skipUnlessClusterCanRun, withNamespace } from "../cluster/mod.ts";
import { runMirrord } from "./run_mirrord.ts";
import {
  BACKEND,
  deployWorkloads,
  POD_ENV,
  POD_FILE,
  PROBE,
  PROBE_ARGS,
  type ProbeReport,
} from "./workloads.ts";

const ignore = skipUnlessClusterCanRun();
const PYTHON = "/usr/bin/python3";

function report(stdout: string): ProbeReport {
  const line = stdout.trim().split("\n").at(-1) ?? "";
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`the probe printed no JSON: ${stdout}`);
  }
}

async function agentJobs(namespace: string): Promise<string[]> {
  const { stdout } = await kubectl([
    "get",
    "jobs",
    "-n",
    namespace,
    "-l",
    "app=mirrord",
    "-o",
    "jsonpath={.items[*].metadata.name}",
  ]);
  return stdout.trim().split(/\s+/).filter(Boolean);
}

Deno.test({
  name: "mirrord exec --target pod/…: the app sees the pod's env, files, DNS and network",
  ignore,
  sanitizeResources: false,
  fn: async () => {
    await clusterUp();
    await withNamespace("e2e-exec-pod", async (namespace) => {
      const w = await deployWorkloads(namespace);
      const result = await runMirrord(
        ["exec", "--target", `pod/${w.echoPod}`, "--", PYTHON, PROBE, ...PROBE_ARGS],
        { config: { target: { namespace }, agent: { namespace } } },
      );
      assert.equal(result.code, 0, result.stderr);
      const seen = report(result.stdout);
      assert.equal(seen.env, POD_ENV.value);
      assert.equal(seen.file, POD_FILE.content);
      assert.equal(seen.hostname, w.echoPod);
      assert.deepEqual(seen.dns, [w.backendIp]);
      assert.equal(seen.http?.greeting, BACKEND.greeting);
      // The backend saw the connection come from the target pod, not from this machine.
      assert.equal(seen.http?.caller, w.echoPodIp);
      assert.match(result.stderr, /agent pod .*\/mirrord-agent-[a-z0-9]{10}-\S+ created/);
    });
  },
});

Deno.test({
  name: "mirrord exec: the agent Job is removed (agent.ttl) once the session ends",
  ignore,
  sanitizeResources: false,
  fn: async () => {
    await clusterUp();
    await withNamespace("e2e-exec-ttl", async (namespace) => {
      const w = await deployWorkloads(namespace);
      const result = await runMirrord(
        ["exec", "--target", `pod/${w.echoPod}`, "--", "true"],
        { config: { target: { namespace }, agent: { namespace, ttl: 1 } } },
      );
      assert.equal(result.code, 0, result.stderr);
      let jobs = await agentJobs(namespace);
      const deadline = Date.now() + 90_000;
      while (jobs.length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        jobs = await agentJobs(namespace);
      }
      assert.deepEqual(jobs, [], "the agent Job outlived the session");
    });
  },
});

Deno.test({
  name: "mirrord exec -e: an ephemeral agent in the target pod gives the same view, no Job",
  ignore,
  sanitizeResources: false,
  fn: async () => {
    await clusterUp();
    await withNamespace("e2e-exec-ephemeral", async (namespace) => {
      const w = await deployWorkloads(namespace);
      const result = await runMirrord(
        ["exec", "-e", "--target", `pod/${w.echoPod}`, "--", PYTHON, PROBE, ...PROBE_ARGS],
        { config: { target: { namespace } } },
      );
      assert.equal(result.code, 0, result.stderr);
      const seen = report(result.stdout);
      assert.equal(seen.env, POD_ENV.value);
      assert.equal(seen.file, POD_FILE.content);
      assert.equal(seen.http?.caller, w.echoPodIp);
      assert.deepEqual(await agentJobs(namespace), []);
      const { stdout } = await kubectl([
        "get",
        "pod",
        w.echoPod,
        "-n",
        namespace,
        "-o",
        "jsonpath={.spec.ephemeralContainers[*].name}",
      ]);
      assert.match(stdout, /^mirrord-agent-[a-z0-9]{10}$/);
    });
  },
});

Deno.test({
  name: "mirrord exec --target deployment/…: the first pod is targeted and the CLI says so",
  ignore,
  sanitizeResources: false,
  fn: async () => {
    await clusterUp();
    await withNamespace("e2e-exec-deploy", async (namespace) => {
      const w = await deployWorkloads(namespace);
      const result = await runMirrord(
        ["exec", "--target", "deployment/echo", "--", PYTHON, PROBE, ...PROBE_ARGS],
        { config: { target: { namespace }, agent: { namespace } } },
      );
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /mirrord impersonates the first pod in the deployment/);
      const seen = report(result.stdout);
      assert.equal(seen.hostname, w.echoPod);
      assert.equal(seen.env, POD_ENV.value);
    });
  },
});

Deno.test({
  name: "mirrord exec without a target: a targetless agent resolves and reaches Services",
  ignore,
  sanitizeResources: false,
  fn: async () => {
    await clusterUp();
    await withNamespace("e2e-exec-targetless", async (namespace) => {
      const w = await deployWorkloads(namespace);
      const result = await runMirrord(
        ["exec", "--", PYTHON, PROBE, ...PROBE_ARGS],
        { config: { target: { namespace } } },
      );
      assert.equal(result.code, 0, result.stderr);
      const seen = report(result.stdout);
      assert.equal(seen.env, null);
      // Targetless sessions keep files local: the pod's file is not here.
      assert.equal(seen.file_error, "No such file or directory");
      assert.deepEqual(seen.dns, [w.backendIp]);
      assert.equal(seen.http?.greeting, BACKEND.greeting);
      assert.notEqual(seen.http?.caller, w.echoPodIp);
      assert.match(result.stderr, /mirrord will run without a target/);
    });
  },
});
