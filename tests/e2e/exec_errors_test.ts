/**
 * Kubernetes failures a user meets with `mirrord exec` on the real local cluster: each is one
 * `error: Cannot …` line with the next step, exit status 1, and no stack trace.
 */
import assert from "node:assert/strict";
import {
  clusterUp,
  kubectl,
  narrowKubeconfigPath,
  skipUnlessClusterCanRun,
  withNamespace,
} from "../cluster/mod.ts";
import { runMirrord } from "./run_mirrord.ts";
import { deployWorkloads } from "./workloads.ts";

const ignore = skipUnlessClusterCanRun();

function assertOneCleanError(stderr: string, pattern: RegExp): void {
  const errors = stderr.split("\n").filter((line) => line.startsWith("error:"));
  assert.equal(errors.length, 1, stderr);
  assert.match(errors[0], pattern);
  assert.doesNotMatch(stderr, /^\s+at /m, "a stack trace was printed");
}

Deno.test({
  name: "mirrord exec: the narrow user gets one clear Forbidden error",
  ignore,
  sanitizeResources: false,
  fn: async () => {
    await clusterUp();
    // The narrow user may read pods in `default` but not create Jobs there.
    const { stdout } = await kubectl([
      "get",
      "pods",
      "-n",
      "kube-system",
      "-l",
      "k8s-app=kube-dns",
      "-o",
      "jsonpath={.items[0].metadata.name}",
    ]);
    const elsewhere = await runMirrord(
      ["exec", "-n", "kube-system", "--target", `pod/${stdout.trim()}`, "--", "true"],
      { kubeconfig: narrowKubeconfigPath() },
    );
    assert.equal(elsewhere.code, 1);
    assertOneCleanError(
      elsewhere.stderr,
      /^error: Cannot get pod ".*" in namespace "kube-system": Forbidden \(.*mirrord-ts-narrow.*\) — ask a cluster admin/,
    );
    const targetless = await runMirrord(["exec", "--", "true"], {
      kubeconfig: narrowKubeconfigPath(),
    });
    assert.equal(targetless.code, 1);
    assertOneCleanError(
      targetless.stderr,
      /^error: Cannot create the agent Job in namespace "default": Forbidden \(.*cannot create resource "jobs".*\) — ask a cluster admin for "create" on jobs/,
    );
  },
});

Deno.test({
  name: "mirrord exec: a target that does not exist gets one clear NotFound error",
  ignore,
  sanitizeResources: false,
  fn: async () => {
    await clusterUp();
    await withNamespace("e2e-exec-notfound", async (namespace) => {
      const pod = await runMirrord(
        ["exec", "-n", namespace, "--target", "pod/no-such-pod", "--", "true"],
      );
      assert.equal(pod.code, 1);
      assertOneCleanError(
        pod.stderr,
        new RegExp(
          `^error: Cannot get pod "no-such-pod" in namespace "${namespace}": NotFound .* — check`,
        ),
      );
      const deployment = await runMirrord(
        ["exec", "-n", namespace, "--target", "deployment/nope", "--", "true"],
      );
      assertOneCleanError(deployment.stderr, /^error: Cannot get deployment "nope".*NotFound/);
      const container = await deployWorkloads(namespace).then((w) =>
        runMirrord([
          "exec",
          "-n",
          namespace,
          "--target",
          `pod/${w.echoPod}/container/x`,
          "--",
          "true",
        ])
      );
      assertOneCleanError(
        container.stderr,
        /^error: Cannot target container "x" of pod .*: the pod has no such container — its containers are echo/,
      );
    });
  },
});

Deno.test({
  name: "mirrord exec: an agent image that cannot be pulled fails fast and leaves no Job",
  ignore,
  sanitizeResources: false,
  fn: async () => {
    await clusterUp();
    await withNamespace("e2e-exec-pull", async (namespace) => {
      const result = await runMirrord(["exec", "--", "true"], {
        config: { target: { namespace }, agent: { image: "mirrord-ts/no-such-agent:dev" } },
      });
      assert.equal(result.code, 1);
      assertOneCleanError(
        result.stderr,
        /^error: Cannot start the agent in pod .*: its container failed to pull image "mirrord-ts\/no-such-agent:dev" \(ErrImagePull.*\) — check agent\.image/,
      );
      const { stdout } = await kubectl(["get", "jobs", "-n", namespace, "-o", "name"]);
      assert.equal(stdout.trim(), "");
    });
  },
});
