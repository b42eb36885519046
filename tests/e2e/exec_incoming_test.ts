/**
 * Incoming traffic on the real local cluster: a local node server under `mirrord exec --target
 * pod/…` gets the pod's requests — stolen through a header filter (the rest, the kubelet's
 * readiness probe included, stays with the pod), or mirrored while the pod keeps answering.
 * Requests go to the pod's IP from this machine, as another pod of the cluster would send them.
 */
import assert from "node:assert/strict";
import { clusterUp, skipUnlessClusterCanRun, withNamespace } from "../cluster/mod.ts";
import {
  answeredBy,
  askUntil,
  execLocalServer,
  incomingConfig,
  podGet,
} from "./incoming_session.ts";
import { deployWorkloads } from "./workloads.ts";

const ignore = skipUnlessClusterCanRun();
const STEAL_HEADER = "x-mirrord-e2e";

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
      const mirrord = await execLocalServer(namespace, w.echoPod, incomingConfig("steal", filter));
      try {
        const stolen = await askUntil(
          () => podGet(w.echoPodIp, "/stolen?n=1", { [STEAL_HEADER]: "yes" }),
          (a) => a.body.startsWith("local node GET /stolen?n=1"),
          "a matching request never reached the local app",
          mirrord,
        );
        assert.equal(stolen.status, 200);
        // Not matching: the pod's own server answers.
        const other = await podGet(w.echoPodIp, "/other", { [STEAL_HEADER]: "no" });
        assert.equal(answeredBy(other), `pod ${w.echoPod}`);
        assert.equal(JSON.parse(other.body).path, "/other");
        // The app saw the stolen request only.
        assert.ok(mirrord.stdout.some((l) => l.startsWith("request GET /stolen?n=1 peer=")));
        assert.ok(!mirrord.stdout.some((l) => l.includes("/other") || l.includes("/health")));
      } finally {
        await mirrord.stop();
      }
      // The session is over: the agent removed its redirect, the pod answers everything again.
      await askUntil(
        () => podGet(w.echoPodIp, "/after", { [STEAL_HEADER]: "yes" }),
        (a) => answeredBy(a) === `pod ${w.echoPod}`,
        "the pod did not get its port back",
      );
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
      const mirrord = await execLocalServer(namespace, w.echoPod, incomingConfig("mirror"));
      try {
        // Requests until one shows up in the app: each is answered by the pod itself.
        let n = 0;
        await askUntil(
          async () => {
            const answer = await podGet(w.echoPodIp, `/mirrored/${++n}`);
            assert.equal(answeredBy(answer), `pod ${w.echoPod}`);
            return { status: 0, body: mirrord.stdout.join("\n") };
          },
          (a) => a.body.includes("request GET /mirrored/"),
          "the local app never got a copy",
          mirrord,
        );
        // Once mirroring, every request is copied.
        const path = `/mirrored/after-${n}`;
        const answer = await podGet(w.echoPodIp, path);
        assert.equal(JSON.parse(answer.body).path, path);
        await mirrord.waitForLine((line) => line.startsWith(`request GET ${path} peer=`));
      } finally {
        await mirrord.stop();
      }
    });
  },
});
