/**
 * Incoming traffic on the real local cluster: a local node server under `mirrord exec --target
 * pod/…` gets the pod's requests — stolen through a header filter (the rest, the kubelet's
 * readiness probe included, stays with the pod), or mirrored while the pod keeps answering.
 * Requests go to the pod's IP from this machine, as another pod of the cluster would send them.
 */
import assert from "node:assert/strict";
import { clusterUp, skipUnlessClusterCanRun, withNamespace } from "../cluster/mod.ts";
import { type RunningMirrord, startMirrord } from "./run_mirrord.ts";
import { deployWorkloads } from "./workloads.ts";

const ignore = skipUnlessClusterCanRun();
const LOCAL_SERVER = new URL("../apps/local_http/server.mjs", import.meta.url).pathname;
/** The app listens here; port_mapping ties it to the pod's port 80. */
const LOCAL_PORT = 18080;
const STEAL_HEADER = "x-mirrord-e2e";

interface Answer {
  status: number;
  body: string;
}

async function get(podIp: string, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`http://${podIp}:80${path}`, { headers });
  return { status: response.status, body: await response.text() } satisfies Answer;
}

/** Asks until `accept` likes an answer (the subscription takes a moment), at most 30 s. */
async function until(
  ask: () => Promise<Answer>,
  accept: (answer: Answer) => boolean,
  what: string,
  mirrord?: RunningMirrord,
): Promise<Answer> {
  const deadline = Date.now() + 30_000;
  let last: Answer | Error = new Error("no answer yet");
  while (Date.now() < deadline) {
    last = await ask().catch((error) => error as Error);
    if (!(last instanceof Error) && accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const detail = last instanceof Error ? last.message : `${last.status} ${last.body}`;
  throw new Error(`${what}: last answer ${detail}\n${mirrord?.stderr() ?? ""}`);
}

function incoming(mode: string, extra: Record<string, unknown> = {}) {
  return {
    feature: {
      network: { incoming: { mode, port_mapping: [[LOCAL_PORT, 80]], ...extra } },
    },
  };
}

async function execServer(namespace: string, pod: string, config: Record<string, unknown>) {
  const mirrord = await startMirrord(
    ["exec", "--target", `pod/${pod}`, "--", "node", LOCAL_SERVER, "--http", String(LOCAL_PORT)],
    { config: { target: { namespace }, agent: { namespace }, ...config } },
  );
  await mirrord.waitForLine((line) => line.startsWith("listening "));
  return mirrord;
}

Deno.test({
  name: "mirrord exec steal with a header filter: matching requests reach the local app, " +
    "the rest stay with the pod, which has its port back after the session",
  ignore,
  sanitizeResources: false,
  fn: async () => {
    await clusterUp();
    await withNamespace("e2e-steal", async (namespace) => {
      const w = await deployWorkloads(namespace);
      const filter = { http_filter: { header_filter: `^${STEAL_HEADER}: yes$` } };
      const mirrord = await execServer(namespace, w.echoPod, incoming("steal", filter));
      try {
        const stolen = await until(
          () => get(w.echoPodIp, "/stolen?n=1", { [STEAL_HEADER]: "yes" }),
          (a) => a.body.startsWith("local node GET /stolen?n=1"),
          "a matching request never reached the local app",
          mirrord,
        );
        assert.equal(stolen.status, 200);
        // Not matching: the pod's own server answers, with its pod name.
        const other = await get(w.echoPodIp, "/other", { [STEAL_HEADER]: "no" });
        assert.equal(JSON.parse(other.body).host, w.echoPod);
        assert.equal(JSON.parse(other.body).path, "/other");
        // The app saw the stolen request only, coming from this machine's address.
        assert.ok(mirrord.stdout.some((l) => l.startsWith("request GET /stolen?n=1 peer=")));
        assert.ok(!mirrord.stdout.some((l) => l.includes("/other") || l.includes("/health")));
      } finally {
        await mirrord.stop();
      }
      // The session is over: the agent removed its redirect, the pod answers everything again.
      const after = await until(
        () => get(w.echoPodIp, "/after", { [STEAL_HEADER]: "yes" }),
        (a) => a.status === 200 && a.body.startsWith("{"),
        "the pod did not get its port back",
      );
      assert.equal(JSON.parse(after.body).host, w.echoPod);
    });
  },
});

Deno.test({
  name: "mirrord exec mirror: the local app gets a copy of each request while the pod answers",
  ignore,
  sanitizeResources: false,
  fn: async () => {
    await clusterUp();
    await withNamespace("e2e-mirror", async (namespace) => {
      const w = await deployWorkloads(namespace);
      const mirrord = await execServer(namespace, w.echoPod, incoming("mirror"));
      try {
        // Requests until one shows up in the app: each is answered by the pod itself.
        let n = 0;
        await until(
          async () => {
            const answer = await get(w.echoPodIp, `/mirrored/${++n}`);
            assert.equal(JSON.parse(answer.body).host, w.echoPod);
            return { status: 0, body: mirrord.stdout.join("\n") };
          },
          (a) => a.body.includes("request GET /mirrored/"),
          "the local app never got a copy",
          mirrord,
        );
        // Once mirroring, every request is copied.
        const path = `/mirrored/after-${n}`;
        const answer = await get(w.echoPodIp, path);
        assert.equal(JSON.parse(answer.body).path, path);
        await mirrord.waitForLine((line) => line.startsWith(`request GET ${path} peer=`));
      } finally {
        await mirrord.stop();
      }
    });
  },
});
