/**
 * How mirrord reaches the real API server: CA verification (and `accept_invalid_certificates`),
 * bearer-token users, and `kube_context`, seen through `mirrord ls`.
 */
import assert from "node:assert/strict";
import { parse, stringify } from "yaml";
import {
  clusterUp,
  kubeconfigPath,
  kubectl,
  skipUnlessClusterCanRun,
  withNamespace,
} from "../cluster/mod.ts";
import { runMirrord } from "./run_mirrord.ts";
import { deployWorkloads } from "./workloads.ts";

const ignore = skipUnlessClusterCanRun();

// deno-lint-ignore no-explicit-any
type Kubeconfig = Record<string, any>;

/** The admin kubeconfig, changed by `edit`, written to a temp file. */
async function kubeconfigVariant(edit: (config: Kubeconfig) => void): Promise<string> {
  const config = parse(await Deno.readTextFile(kubeconfigPath()));
  edit(config);
  const path = await Deno.makeTempFile({ prefix: "kubeconfig_" });
  await Deno.writeTextFile(path, stringify(config));
  return path;
}

Deno.test({
  name:
    "mirrord ls: an untrusted API server certificate is refused unless accept_invalid_certificates",
  ignore,
  sanitizeResources: false,
  fn: async () => {
    await clusterUp();
    const noCa = await kubeconfigVariant((config) => {
      delete config.clusters[0].cluster["certificate-authority-data"];
    });
    try {
      const refused = await runMirrord(["ls", "-n", "kube-system"], { kubeconfig: noCa });
      assert.equal(refused.code, 1);
      assert.match(
        refused.stderr,
        /^error: Cannot reach the Kubernetes API server https:\/\/127\.0\.0\.1:6443 \(context ".*"\): its certificate is not trusted .* — check certificate-authority in the kubeconfig, or set accept_invalid_certificates/m,
      );
      const accepted = await runMirrord(["ls", "-n", "kube-system"], {
        kubeconfig: noCa,
        config: { accept_invalid_certificates: true },
      });
      assert.equal(accepted.code, 0, accepted.stderr);
      assert.match(accepted.stdout, /"deployment\/coredns"/);
    } finally {
      await Deno.remove(noCa);
    }
  },
});

Deno.test({
  name: "mirrord ls and exec: a ServiceAccount token user in a second kube context",
  ignore,
  sanitizeResources: false,
  fn: async () => {
    await clusterUp();
    await withNamespace("e2e-token", async (namespace) => {
      await deployWorkloads(namespace);
      await kubectl(["create", "serviceaccount", "lister", "-n", namespace]);
      await kubectl([
        "create",
        "rolebinding",
        "lister-view",
        "-n",
        namespace,
        "--clusterrole=view",
        `--serviceaccount=${namespace}:lister`,
      ]);
      const token = (await kubectl(["create", "token", "lister", "-n", namespace])).stdout.trim();
      const kubeconfig = await kubeconfigVariant((config) => {
        config.users.push({ name: "lister", user: { token } });
        config.contexts.push({
          name: "as-lister",
          context: { cluster: config.clusters[0].name, user: "lister", namespace },
        });
      });
      try {
        // kube_context picks the token user; its namespace is the default for ls.
        const listed = await runMirrord(["ls"], {
          kubeconfig,
          config: { kube_context: "as-lister" },
        });
        assert.equal(listed.code, 0, listed.stderr);
        assert.match(listed.stdout, /"deployment\/echo"/);
        // The view role may not create Jobs: the error names the ServiceAccount.
        const exec = await runMirrord(["exec", "--context", "as-lister", "--", "true"], {
          kubeconfig,
        });
        assert.equal(exec.code, 1);
        assert.match(
          exec.stderr,
          new RegExp(
            `error: Cannot create the agent Job in namespace "${namespace}": Forbidden .*system:serviceaccount:${namespace}:lister`,
          ),
        );
      } finally {
        await Deno.remove(kubeconfig);
      }
    });
  },
});
