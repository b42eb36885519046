/**
 * Waiting for the agent (how-it-works.md §2.9): watch its pod (Job agents: label `job-name`;
 * ephemeral agents: the target pod's ephemeral container status) until the container runs —
 * failing at once on image pull errors and on a failed or finished pod — then follow its log
 * until `agent ready - version <v>`. Every 20 s without readiness a warning shows the container's
 * state. The caller bounds the whole wait with `agent.startup_timeout` through the signal.
 *
 * @module
 */
import type { KubeClient } from "./api_client.ts";
import { KubeError } from "./kube_errors.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** The agent failed to start; the message says how. */
export class AgentStartError extends KubeError {
  /** @param message `Cannot …` sentence @param hint next step */
  constructor(message: string, hint?: string) {
    super(message, hint);
    this.name = "AgentStartError";
  }
}

/** What the wait reports on the way. */
export interface WaitReporter {
  /** the agent pod exists */
  podCreated?(namespace: string, pod: string): void;
  /** a warning (slow start, version mismatch) */
  warn(message: string): void;
}

/** The line the agent prints once it listens; group 1 is its version. */
export const READY_LINE = /agent ready( - version (\S+))?/;

const PULL_FAILURES = new Set(["ImagePullBackOff", "ErrImagePull", "InvalidImageName"]);
const WARN_EVERY_MS = 20_000;

/**
 * A container status in words: `running`, `waiting (ContainerCreating)`, `terminated (Error)`.
 *
 * @param status a `containerStatuses[]` entry, or undefined
 * @returns the description
 */
export function describeContainerState(status: Json): string {
  const state = status?.state;
  if (!state) return "not found";
  if (state.running) return "running";
  if (state.waiting) return `waiting (${state.waiting.reason ?? "unknown"})`;
  if (state.terminated) return `terminated (${state.terminated.reason ?? "unknown"})`;
  return "unknown";
}

/**
 * Judges one state of the agent pod.
 *
 * @param pod the pod object
 * @param container the agent container's name
 * @param image the agent image (for messages)
 * @returns "ready", "wait", or an error to throw
 */
export function judgeAgentPod(
  pod: Json,
  container: string,
  image: string,
): "ready" | "wait" | AgentStartError {
  const name = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
  const status = (pod.status?.containerStatuses as Json[] | undefined)?.find((s) =>
    s.name === container
  );
  const waiting = status?.state?.waiting;
  if (waiting && PULL_FAILURES.has(waiting.reason)) {
    return new AgentStartError(
      `Cannot start the agent in pod ${name}: its container failed to pull image "${image}" ` +
        `(${waiting.reason}: ${waiting.message ?? "no details"})`,
      "check agent.image (and agent.image_pull_secrets), or that the node can reach the registry",
    );
  }
  const phase = pod.status?.phase;
  if (phase === "Running" && status?.ready) return "ready";
  if (phase === "Failed") {
    const terminated = status?.state?.terminated ?? status?.lastState?.terminated;
    const detail = pod.status?.reason || pod.status?.message
      ? `${pod.status.reason ?? ""} ${pod.status.message ?? ""}`.trim()
      : terminated
      ? `exit code ${terminated.exitCode} (${terminated.reason ?? ""}${
        terminated.message ? `: ${terminated.message}` : ""
      })`
      : "no details";
    return new AgentStartError(
      `Cannot start the agent in pod ${name}: the pod failed — ${detail}`,
      `see its log: kubectl logs -n ${pod.metadata?.namespace} ${pod.metadata?.name}`,
    );
  }
  if (phase === "Succeeded") {
    return new AgentStartError(
      `Cannot start the agent in pod ${name}: the agent pod unexpectedly finished`,
      `see its log: kubectl logs -n ${pod.metadata?.namespace} ${pod.metadata?.name}`,
    );
  }
  return "wait";
}

/** Watch events of one query, re-watching when the API server ends a watch. */
async function* watchPods(
  client: KubeClient,
  path: string,
  action: string,
  signal: AbortSignal,
): AsyncIterable<{ type: string; object: Json }> {
  while (!signal.aborted) {
    const { lines, cancel } = await client.streamLines(
      `${path}&watch=true&timeoutSeconds=60`,
      { action },
    );
    const onAbort = () => cancel();
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      for await (const line of lines) {
        if (!line.trim()) continue;
        const event = JSON.parse(line);
        if (event.type === "ERROR") {
          throw new AgentStartError(
            `Cannot ${action}: the watch failed (${event.object?.message ?? "no details"})`,
            "run again",
          );
        }
        yield event;
      }
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    } finally {
      signal.removeEventListener("abort", onAbort);
      cancel();
    }
  }
}

/**
 * Follows a container's log until the ready line.
 *
 * @param client the API client
 * @param namespace the pod's namespace
 * @param pod the pod
 * @param container the agent container
 * @param expectedVersion the CLI's agent version (a different one gets a warning)
 * @param report warnings
 * @param signal aborts the wait
 */
export async function waitForReadyLine(
  client: KubeClient,
  namespace: string,
  pod: string,
  container: string,
  expectedVersion: string,
  report: WaitReporter,
  signal: AbortSignal,
): Promise<void> {
  const { lines, cancel } = await client.streamLines(
    `/api/v1/namespaces/${namespace}/pods/${pod}/log?container=${container}&follow=true`,
    { action: `read the log of the agent in pod ${namespace}/${pod}` },
  );
  const onAbort = () => cancel();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    for await (const line of lines) {
      const match = READY_LINE.exec(line);
      if (!match) continue;
      if (match[2] && match[2] !== expectedVersion) {
        report.warn(
          `the agent's version ${match[2]} differs from the CLI's ${expectedVersion}; ` +
            "mismatched versions may not work together",
        );
      }
      return;
    }
    if (!signal.aborted) report.warn("the agent's log ended without its ready line");
  } finally {
    signal.removeEventListener("abort", onAbort);
    cancel();
  }
}

function slowStartWarner(report: WaitReporter, state: () => string): () => void {
  const started = Date.now();
  const timer = setInterval(() => {
    const seconds = Math.round((Date.now() - started) / 1000);
    report.warn(`agent pod startup is taking over ${seconds}s, container state: ${state()}`);
  }, WARN_EVERY_MS);
  return () => clearInterval(timer);
}

/**
 * Waits for a Job agent: its pod, the running container, then the ready line.
 *
 * @param client the API client
 * @param namespace the Job's namespace
 * @param jobName the Job (and container-to-be) name
 * @param image the agent image
 * @param expectedVersion the CLI's agent version
 * @param report progress
 * @param signal aborts the wait
 * @returns the agent pod's name
 */
export async function waitForJobAgent(
  client: KubeClient,
  namespace: string,
  jobName: string,
  image: string,
  expectedVersion: string,
  report: WaitReporter,
  signal: AbortSignal,
): Promise<string> {
  let lastPod: Json = null;
  let podName: string | null = null;
  const stopWarning = slowStartWarner(report, () =>
    describeContainerState(
      lastPod?.status?.containerStatuses?.find((s: Json) => s.name === "mirrord-agent"),
    ));
  try {
    const path = `/api/v1/namespaces/${namespace}/pods?labelSelector=` +
      encodeURIComponent(`job-name=${jobName}`);
    for await (
      const event of watchPods(client, path, `watch the agent pod of Job "${jobName}"`, signal)
    ) {
      const pod = event.object;
      if (!podName) {
        podName = pod.metadata.name as string;
        report.podCreated?.(namespace, podName);
      }
      if (pod.metadata.name !== podName) continue;
      if (event.type === "DELETED") {
        throw new AgentStartError(
          `Cannot start the agent: its pod ${namespace}/${podName} was deleted`,
          "run again",
        );
      }
      lastPod = pod;
      const verdict = judgeAgentPod(pod, "mirrord-agent", image);
      if (verdict instanceof AgentStartError) throw verdict;
      if (verdict === "ready") break;
    }
  } finally {
    stopWarning();
  }
  if (!podName || signal.aborted) throw new AgentStartError("Cannot start the agent: aborted");
  await waitForReadyLine(
    client,
    namespace,
    podName,
    "mirrord-agent",
    expectedVersion,
    report,
    signal,
  );
  return podName;
}

/**
 * Waits for an ephemeral agent: its container status in the target pod, then the ready line.
 *
 * @param client the API client
 * @param namespace the target pod's namespace
 * @param pod the target pod
 * @param container the agent's container name
 * @param image the agent image
 * @param expectedVersion the CLI's agent version
 * @param report progress
 * @param signal aborts the wait
 */
export async function waitForEphemeralAgent(
  client: KubeClient,
  namespace: string,
  pod: string,
  container: string,
  image: string,
  expectedVersion: string,
  report: WaitReporter,
  signal: AbortSignal,
): Promise<void> {
  let lastStatus: Json = undefined;
  const stopWarning = slowStartWarner(report, () => describeContainerState(lastStatus));
  try {
    const path = `/api/v1/namespaces/${namespace}/pods?fieldSelector=` +
      encodeURIComponent(`metadata.name=${pod}`);
    for await (
      const event of watchPods(client, path, `watch pod ${namespace}/${pod}`, signal)
    ) {
      const status = (event.object.status?.ephemeralContainerStatuses as Json[] | undefined)
        ?.find((s) => s.name === container);
      lastStatus = status;
      const waiting = status?.state?.waiting;
      if (waiting && PULL_FAILURES.has(waiting.reason)) {
        throw new AgentStartError(
          `Cannot start the agent in pod ${namespace}/${pod}: its ephemeral container failed ` +
            `to pull image "${image}" (${waiting.reason}: ${waiting.message ?? "no details"})`,
          "check agent.image (and agent.image_pull_secrets)",
        );
      }
      if (status?.state?.terminated) {
        const t = status.state.terminated;
        throw new AgentStartError(
          `Cannot start the agent in pod ${namespace}/${pod}: its ephemeral container exited ` +
            `with code ${t.exitCode} (${t.reason ?? ""}${t.message ? `: ${t.message}` : ""})`,
          `see its log: kubectl logs -n ${namespace} ${pod} -c ${container}`,
        );
      }
      if (status?.state?.running) break;
    }
  } finally {
    stopWarning();
  }
  if (signal.aborted) throw new AgentStartError("Cannot start the agent: aborted");
  await waitForReadyLine(client, namespace, pod, container, expectedVersion, report, signal);
}
