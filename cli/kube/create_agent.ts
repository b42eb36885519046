/**
 * Creating the session's agent in the cluster (how-it-works.md §1.5 step 9, §2.3–2.9): the OSS
 * pre-checks, the target's runtime data, the mode (targetless Job, targeted Job or ephemeral
 * container), then waiting for it — all within `agent.startup_timeout`.
 *
 * @module
 */
import { MIRRORD_COMPAT_VERSION, type ResolvedConfig } from "../../schema/mod.ts";
import { targetType } from "../config/target_path.ts";
import type { KubeClient } from "./api_client.ts";
import { agentJobManifest, agentPlacement, createAgentJob, deleteAgentJob } from "./agent_job.ts";
import { agentParams } from "./agent_params.ts";
import { createEphemeralAgent, ephemeralAgentContainer } from "./ephemeral.ts";
import { KubeError } from "./kube_errors.ts";
import { resolveTarget, type RuntimeData } from "./target.ts";
import { waitForEphemeralAgent, waitForJobAgent } from "./wait_ready.ts";

/** Where the agent listens. */
export interface AgentLocation {
  /** the pod to port-forward to (the agent pod, or the target pod for ephemeral agents) */
  podName: string;
  namespace: string;
  port: number;
  /** the Job, when the agent runs as one */
  jobName: string | null;
  /** the target's pod and container; null when targetless */
  runtime: RuntimeData | null;
}

/** What the creation tells the user. */
export interface CreationReporter {
  task(title: string): void;
  info(message: string): void;
  warn(message: string): void;
}

/**
 * The OSS checks before anything is created; returns the notices to print.
 *
 * @param config the resolved config
 * @returns notices (e.g. "only the first pod will be impersonated")
 * @throws {KubeError} for what needs the operator or contradicts itself
 */
export function preflight(config: ResolvedConfig): string[] {
  if (config.operator === true) {
    throw new KubeError(
      "Cannot use the mirrord operator: mirrord-ts has no operator support",
      'remove "operator": true from the config',
    );
  }
  const path = config.target.path;
  if (path) {
    const type = targetType(path);
    if (!["pod", "deployment", "rollout"].includes(type)) {
      throw new KubeError(
        `Cannot target ${type}: ${type} targets require the mirrord operator`,
        "target one of its pods (mirrord ls lists them), or a deployment",
      );
    }
  }
  if (config.feature.copy_target.enabled) {
    throw new KubeError(
      "Cannot copy the target: feature.copy_target requires the mirrord operator",
      "remove feature.copy_target from the config",
    );
  }
  if (!path && config.agent.ephemeral) {
    throw new KubeError(
      "Cannot run an ephemeral agent without a target: an ephemeral container lives in the " +
        "target pod",
      'set a target, or "agent": {"ephemeral": false}',
    );
  }
  if (path && ("deployment" in path || "rollout" in path)) {
    return [
      "When targeting multi-pod deployments, mirrord impersonates the first pod in the " +
      "deployment. Support for multi-pod impersonation requires the mirrord operator.",
    ];
  }
  return [];
}

async function create(
  client: KubeClient,
  config: ResolvedConfig,
  report: CreationReporter,
  signal: AbortSignal,
): Promise<AgentLocation> {
  const path = config.target.path ?? null;
  const targetNamespace = config.target.namespace ?? client.namespace;
  let runtime: RuntimeData | null = null;
  if (path) {
    runtime = await resolveTarget(client, path, targetNamespace);
    if (runtime.guessWarning) report.warn(runtime.guessWarning);
    if (runtime.meshVendor) report.info(`service mesh detected: ${runtime.meshVendor}`);
  }
  const params = agentParams(config);
  const podReport = {
    podCreated: (ns: string, pod: string) => report.info(`agent pod ${ns}/${pod} created`),
    warn: (message: string) => report.warn(message),
  };
  if (runtime && config.agent.ephemeral) {
    report.task("creating ephemeral container...");
    await createEphemeralAgent(client, runtime, ephemeralAgentContainer(config, params, runtime));
    report.task("waiting for ephemeral container to be ready...");
    await waitForEphemeralAgent(
      client,
      runtime.namespace,
      runtime.podName,
      params.name,
      params.image,
      MIRRORD_COMPAT_VERSION,
      podReport,
      signal,
    );
    return {
      podName: runtime.podName,
      namespace: runtime.namespace,
      port: params.port,
      jobName: null,
      runtime,
    };
  }
  const namespace = runtime ? config.agent.namespace ?? client.namespace : targetNamespace;
  const target = runtime
    ? { runtime, placement: await agentPlacement(client, config, runtime.nodeName) }
    : null;
  report.task("creating agent pod...");
  await createAgentJob(client, namespace, agentJobManifest(config, params, target));
  report.task("waiting for pod to be ready...");
  try {
    const podName = await waitForJobAgent(
      client,
      namespace,
      params.name,
      params.image,
      MIRRORD_COMPAT_VERSION,
      podReport,
      signal,
    );
    return { podName, namespace, port: params.port, jobName: params.name, runtime };
  } catch (error) {
    // An agent that never started never exits, so its ttl would never remove it.
    await deleteAgentJob(client, namespace, params.name);
    throw error;
  }
}

/**
 * Creates the agent and waits until it listens, within `agent.startup_timeout`.
 *
 * @param client the API client
 * @param config the resolved config
 * @param report progress output
 * @returns where the agent listens
 * @throws {KubeError} when the target, the creation or the start fails, or time runs out
 */
export async function createAgent(
  client: KubeClient,
  config: ResolvedConfig,
  report: CreationReporter,
): Promise<AgentLocation> {
  const timeoutSecs = config.agent.startup_timeout;
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(
        new KubeError(
          `Cannot start the agent: it was not ready within ${timeoutSecs} s (agent ready timeout)`,
          "check the agent pod's events (kubectl describe pod -l app=mirrord), or raise " +
            "agent.startup_timeout",
        ),
      );
    }, timeoutSecs * 1000);
  });
  try {
    return await Promise.race([create(client, config, report, controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}
