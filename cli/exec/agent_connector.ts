/**
 * Where `mirrord exec` gets its agent from. The direct path (`connect_tcp`, mirrord's testing
 * path) connects to an agent already listening; otherwise the agent is created in the cluster
 * and reached through port-forwards (`cli/kube/kube_connector.ts`).
 *
 * @module
 */
import type { ResolvedConfig } from "../../schema/mod.ts";
import { CliError } from "../_errors.ts";
import type { CreationReporter } from "../kube/create_agent.ts";
import { KubernetesConnector } from "../kube/kube_connector.ts";
import { AgentLink } from "./agent_link.ts";

/** A way to reach the session's agent. */
export interface AgentConnector {
  /** what the summary says about the agent, e.g. `agent at 10.0.0.2:61337` */
  readonly description: string;
  /** Creates the agent and waits for it, when the connector has to (Kubernetes). */
  prepare?(report: CreationReporter): Promise<void>;
  /** Opens a fresh connection (the CLI's own; the intproxy opens its own later). */
  connect(): Promise<AgentLink>;
  /** `MIRRORD_AGENT_CONNECT_INFO` for the intproxy, or undefined when `connect_tcp` says it all */
  readonly connectInfo: string | undefined;
}

/** The agent at `connect_tcp`. */
export class DirectConnector implements AgentConnector {
  readonly connectInfo = undefined;

  /** @param address `IP:PORT` of the agent */
  constructor(readonly address: string) {}

  get description(): string {
    return `agent at ${this.address}`;
  }

  async connect(): Promise<AgentLink> {
    const match = /^\[([^\]]+)\]:(\d+)$/.exec(this.address) ??
      /^([^:\[\]]+):(\d+)$/.exec(this.address);
    if (!match) {
      throw new CliError(`Cannot use connect_tcp "${this.address}": it is not IP:PORT`, {
        hint: 'write it like "127.0.0.1:61337"',
      });
    }
    try {
      const conn = await Deno.connect({ hostname: match[1], port: Number(match[2]) });
      conn.setNoDelay(true);
      return new AgentLink(conn);
    } catch (error) {
      throw new CliError(
        `Cannot connect to the agent at ${this.address}: ${(error as Error).message}`,
        { hint: "check that the agent is running and connect_tcp points at it", cause: error },
      );
    }
  }
}

/**
 * Chooses how to reach the agent for this config.
 *
 * @param config the resolved config
 * @param env the environment (kubeconfig and credential plugins read it)
 * @returns the connector
 */
export function agentConnectorFor(
  config: ResolvedConfig,
  env: Record<string, string> = Deno.env.toObject(),
): AgentConnector {
  if (config.connect_tcp) return new DirectConnector(config.connect_tcp);
  return new KubernetesConnector(config, env);
}
