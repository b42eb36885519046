/** `mirrord port-forward` on the real local cluster. */
import assert from "node:assert/strict";
import {
  clusterUp,
  IMAGES,
  kubeconfigPath,
  skipUnlessClusterCanRun,
  withNamespace,
} from "../cluster/mod.ts";
import { BACKEND, deployWorkloads } from "./workloads.ts";

const ignore = skipUnlessClusterCanRun();
const CLI = new URL("../../cli/main.ts", import.meta.url).pathname;

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}

async function fetchWhenReady(url: string, deadline: number): Promise<Response> {
  while (true) {
    try {
      return await fetch(url);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
}

Deno.test({
  name: "mirrord port-forward -L: a local port reaches a Service as the target pod sees it",
  ignore,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await clusterUp();
    await withNamespace("e2e-port-forward", async (namespace) => {
      const w = await deployWorkloads(namespace);
      const dir = await Deno.makeTempDir();
      await Deno.writeTextFile(
        `${dir}/mirrord.json`,
        JSON.stringify({ agent: { image: IMAGES.agent, namespace } }),
      );
      const port = freePort();
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          CLI,
          "port-forward",
          "-f",
          `${dir}/mirrord.json`,
          "-n",
          namespace,
          "--target",
          `pod/${w.echoPod}`,
          "-L",
          `${port}:${BACKEND.name}:80`,
        ],
        env: { KUBECONFIG: kubeconfigPath() },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      try {
        const replies = await Promise.all([1, 2, 3].map(async (i) => {
          const response = await fetchWhenReady(
            `http://127.0.0.1:${port}/call-${i}`,
            Date.now() + 60_000,
          );
          return await response.json();
        }));
        for (const [i, reply] of replies.entries()) {
          assert.equal(reply.greeting, BACKEND.greeting);
          assert.equal(reply.path, `/call-${i + 1}`);
          // The connection left from the target pod.
          assert.equal(reply.caller, w.echoPodIp);
        }
      } finally {
        child.kill("SIGINT");
        const [status, , stderr] = await Promise.all([
          child.status,
          new Response(child.stdout).text(),
          new Response(child.stderr).text(),
        ]);
        await Deno.remove(dir, { recursive: true });
        assert.equal(status.code, 0, stderr);
        assert.match(stderr, new RegExp(`127\\.0\\.0\\.1:${port} → backend:80`));
      }
    });
  },
});
