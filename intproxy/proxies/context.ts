/**
 * What a sub-proxy may use of the session (the router in `session.ts`): the agent link, replies to
 * layers, the settled protocol version, and failing the whole session. Each feature is one
 * sub-proxy behind the router, as in mirrord's intproxy.
 *
 * @module
 */
import type {
  ClientMessage,
  GateName,
  LayerId,
  ProxyToLayerMessage,
  ResolvedConfig,
} from "./_types.ts";
import type { Logger } from "../log.ts";

/** The session as seen by a sub-proxy. */
export interface ProxyContext {
  readonly log: Logger;
  readonly config: ResolvedConfig;
  /**
   * Whether the agent supports what `gate` guards, by the settled version (protocol.md §4.1:
   * the client gates on the settled version).
   */
  supports(gate: GateName): boolean;
  /** intproxy --ClientMessage--> agent, in call order. */
  toAgent(message: ClientMessage): void;
  /** Bytes queued towards the agent and not yet written (for back-pressure). */
  agentBacklog(): number;
  /** Resolves once at most `threshold` bytes are queued towards the agent. */
  agentDrained(threshold: number): Promise<void>;
  /**
   * intproxy --ProxyToLayerMessage--> layer: answers request `messageId` of `layer`. Dropped when
   * the layer is gone or the request was already answered (e.g. by `ProxyFailed`).
   */
  reply(layer: LayerId, messageId: bigint, message: ProxyToLayerMessage): void;
  /** Whether `layer` is still connected. */
  hasLayer(layer: LayerId): boolean;
  /** Puts the session into its failed state (how-it-works.md §4.6). */
  fail(reason: string, agentReported?: boolean): void;
}

/** The life-cycle hooks every sub-proxy implements. */
export interface SubProxy {
  /** A forked child's session starts with its parent's state (protocol.md §5.7). */
  forkLayer(parent: LayerId, child: LayerId): void;
  /** A layer's connection ended: release what only it held. */
  dropLayer(layer: LayerId): void;
  /** The session failed: fail every waiter and close local sockets. */
  shutdown(error: Error): void;
}
