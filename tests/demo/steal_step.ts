/**
 * The demo's incoming part: a local HTTP server under `mirrord exec` steals the target pod's
 * requests that carry a header, while every other request (and the kubelet's probes) stays with
 * the pod — mirrord's HTTP-filtered steal, seen from a client of the pod.
 *
 * @module
 */
import type { Workloads } from "../e2e/workloads.ts";
import {
  type Answer,
  answeredBy,
  askUntil,
  execLocalServer,
  incomingConfig,
  LOCAL_PORT,
  LOCAL_SERVER,
  podGet,
} from "../e2e/incoming_session.ts";
import type { Row } from "./probe_table.ts";

const HEADER = "x-mirrord-demo";

/**
 * Sends requests to the pod before and during a filtered steal and says who answered each.
 *
 * @param w the deployed workloads
 * @param root the repository root (shortens the paths shown)
 * @returns the rows of the table (the mirrord column: during the steal)
 */
export async function stealRows(w: Workloads, root: string): Promise<Row[]> {
  const matching = () => podGet(w.echoPodIp, "/hello", { [HEADER]: "yes" });
  const other = () => podGet(w.echoPodIp, "/hello");
  const before = { matching: await matching(), other: await other() };
  const config = incomingConfig("steal", { http_filter: { header_filter: `^${HEADER}: yes$` } });
  console.log(
    `$ mirrord exec --target pod/${w.echoPod} -- node ${LOCAL_SERVER.slice(root.length)} ` +
      `--http ${LOCAL_PORT}\n   with ${JSON.stringify(config.feature)}`,
  );
  const mirrord = await execLocalServer(w.namespace, w.echoPod, config);
  let during: { matching: Answer; other: Answer };
  try {
    // The agent's redirect is in place once a matching request reaches the app; if that never
    // happens the table shows who answered instead.
    const stolen = await askUntil(matching, (a) => answeredBy(a) === "the local app", "no steal")
      .catch(matching);
    during = { matching: stolen, other: await other() };
  } finally {
    await mirrord.stop();
  }
  const pod = `pod ${w.echoPod}`;
  return [
    {
      what: `GET /hello with "${HEADER}: yes"`,
      local: answeredBy(before.matching),
      mirrord: answeredBy(during.matching),
      ok: answeredBy(during.matching) === "the local app",
    },
    {
      what: "GET /hello without it",
      local: answeredBy(before.other),
      mirrord: answeredBy(during.other),
      ok: answeredBy(during.other) === pod,
    },
  ];
}
