/**
 * The Kubernetes way to the agent for `mirrord exec`: build the client from the kubeconfig,
 * create the agent and wait for it ({@link createAgent}), read the target's volume mounts remotely
 * (`auto_mount`), then reach the agent through port-forwards —
 * one for the CLI's own connection, and `MIRRORD_AGENT_CONNECT_INFO` (`DirectKubernetes`) so the
 * intproxy opens its own.
 *
 * @module
 */
import type { ResolvedConfig } from "../../schema/mod.ts";
import type { AgentConnector } from "../exec/agent_connector.ts";
import { AgentLink } from "../exec/agent_link.ts";
import { KubeClient } from "./api_client.ts";
import { applyAutoMount } from "./auto_mount.ts";
import {
  type AgentLocation,
  createAgent,
  type CreationReporter,
  preflight,
} from "./create_agent.ts";
import { openPortForward } from "./port_forward.ts";

/** The agent in the cluster. */
export class KubernetesConnector implements AgentConnector {
  readonly #config: ResolvedConfig;
  readonly #env: Record<string, string>;
  #location: AgentLocation | null = null;

  /**
   * @param config the resolved config
   * @param env the environment (KUBECONFIG, HOME, credential plugins' variables)
   */
  constructor(config: ResolvedConfig, env: Record<string, string>) {
    this.#config = config;
    this.#env = env;
  }

  get description(): string {
    const at = this.#location;
    return at ? `agent in pod ${at.namespace}/${at.podName} (port ${at.port})` : "agent";
  }

  get connectInfo(): string | undefined {
    const at = this.#location;
    if (!at) return undefined;
    return JSON.stringify({
      DirectKubernetes: { pod_name: at.podName, pod_namespace: at.namespace, agent_port: at.port },
    });
  }

  /** Where the agent listens, once {@link prepare} ran. */
  get location(): AgentLocation | null {
    return this.#location;
  }

  #client(): KubeClient {
    return KubeClient.fromKubeconfig({
      kubeconfig: this.#config.kubeconfig,
      context: this.#config.kube_context,
      acceptInvalidCertificates: this.#config.accept_invalid_certificates,
      env: this.#env,
    });
  }

  async prepare(report: CreationReporter): Promise<void> {
    for (const notice of preflight(this.#config)) report.info(notice);
    this.#location = await createAgent(this.#client(), this.#config, report);
    if (this.#location.runtime) applyAutoMount(this.#config, this.#location.runtime);
  }

  async connect(): Promise<AgentLink> {
    const at = this.#location;
    if (!at) throw new Error("KubernetesConnector.connect() before prepare()");
    return new AgentLink(await openPortForward(this.#client(), at.namespace, at.podName, at.port));
  }
}
