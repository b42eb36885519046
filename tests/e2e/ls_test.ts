/** `mirrord ls` on the real local cluster. */
import assert from "node:assert/strict";
import { clusterUp, skipUnlessClusterCanRun, withNamespace } from "../cluster/mod.ts";
import { runMirrord } from "./run_mirrord.ts";
import { deployWorkloads } from "./workloads.ts";

const ignore = skipUnlessClusterCanRun();

Deno.test({
  name: "mirrord ls: lists the namespace's ready pods and available deployments as JSON",
  ignore,
  sanitizeResources: false,
  fn: async () => {
    await clusterUp();
    await withNamespace("e2e-ls", async (namespace) => {
      const w = await deployWorkloads(namespace);
      const plain = await runMirrord(["ls", "-n", namespace]);
      assert.equal(plain.code, 0, plain.stderr);
      const paths: string[] = JSON.parse(plain.stdout);
      assert.ok(paths.includes(`pod/${w.echoPod}`), plain.stdout);
      assert.ok(paths.includes("deployment/echo"), plain.stdout);
      assert.ok(paths.includes("deployment/backend"), plain.stdout);

      const rich = await runMirrord(["ls", "-n", namespace, "-t", "pod"], {
        env: { MIRRORD_LS_RICH_OUTPUT: "true" },
      });
      assert.equal(rich.code, 0, rich.stderr);
      const parsed = JSON.parse(rich.stdout);
      assert.equal(parsed.current_namespace, namespace);
      assert.ok(parsed.namespaces.includes(namespace));
      assert.ok(parsed.targets.every((t: { path: string }) => t.path.startsWith("pod/")));
      assert.deepEqual(
        parsed.targets.find((t: { path: string }) => t.path === `pod/${w.echoPod}`),
        { path: `pod/${w.echoPod}`, available: true },
      );
    });
  },
});
