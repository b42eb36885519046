/**
 * A local HTTP server under `mirrord exec` that receives a cluster pod's incoming traffic, and
 * requests sent to that pod from this machine (as another pod would send them): shared by the
 * e2e incoming tests and the demo.
 *
 * @module
 */
import { type RunningMirrord, startMirrord } from "./run_mirrord.ts";

/** The local app: node's HTTP server answering `local node <METHOD> <url> peer=…`. */
export const LOCAL_SERVER = new URL("../apps/local_http/server.mjs", import.meta.url).pathname;
/** The app listens here; `port_mapping` ties it to the pod's port 80. */
export const LOCAL_PORT = 18080;

/** An HTTP answer. */
export interface Answer {
  status: number;
  body: string;
}

/**
 * GET on the pod's port 80.
 *
 * @param podIp the pod's IP
 * @param path path and query
 * @param headers request headers
 * @returns the answer
 */
export async function podGet(
  podIp: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`http://${podIp}:80${path}`, { headers });
  return { status: response.status, body: await response.text() };
}

/**
 * Asks until `accept` likes an answer (a subscription takes a moment), at most 30 s.
 *
 * @param ask one try
 * @param accept whether an answer is the awaited one
 * @param what the error message when none is
 * @param mirrord its stderr goes into the error
 * @returns the accepted answer
 */
export async function askUntil(
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

/**
 * The config part for incoming traffic to the local app.
 *
 * @param mode mirror or steal
 * @param extra more `feature.network.incoming` fields (e.g. `http_filter`)
 * @returns the config fields
 */
export function incomingConfig(
  mode: "mirror" | "steal",
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    feature: {
      // The server's own script is on this machine, not in the pod.
      fs: { mode: "local" },
      network: { incoming: { mode, port_mapping: [[LOCAL_PORT, 80]], ...extra } },
    },
  };
}

/** The command line that runs the local app under mirrord (without the config file). */
export function localServerArgs(pod: string): string[] {
  return ["exec", "--target", `pod/${pod}`, "--", "node", LOCAL_SERVER, "--http", `${LOCAL_PORT}`];
}

/**
 * Starts the local app under `mirrord exec` and waits until it listens.
 *
 * @param namespace the target's (and agent's) namespace
 * @param pod the target pod
 * @param config more config (see {@link incomingConfig})
 * @returns the running session
 */
export async function execLocalServer(
  namespace: string,
  pod: string,
  config: Record<string, unknown>,
): Promise<RunningMirrord> {
  const mirrord = await startMirrord(localServerArgs(pod), {
    config: { target: { namespace }, agent: { namespace }, ...config },
  });
  await mirrord.waitForLine((line) => line.startsWith("listening "));
  return mirrord;
}

/**
 * Who answered a request sent to the pod.
 *
 * @param answer the answer
 * @returns "the local app", "pod <name>" (the echo app says its host), or what came back
 */
export function answeredBy(answer: Answer): string {
  if (answer.body.startsWith("local node ")) return "the local app";
  try {
    return `pod ${JSON.parse(answer.body).host}`;
  } catch {
    return `${answer.status} ${answer.body.slice(0, 40)}`;
  }
}
