/**
 * The contract between the outgoing sub-proxy and one interceptor: the local socket a layer's
 * connect is redirected to, bridged to one agent connection (TCP, unix stream or UDP).
 *
 * @module
 */
import type { SocketAddress } from "./_types.ts";

/** interceptor --Write/Close--> agent, for one agent connection. */
export interface AgentSide {
  /** Sends bytes to the remote peer; empty bytes shut the agent's write half (trap 13). */
  write(bytes: Uint8Array): void;
  /** Ends the agent connection. */
  close(): void;
  /** Resolves when the agent link has room again (back-pressure towards the user app). */
  room(): Promise<void>;
}

/** One intercepted connection. */
export interface Interceptor {
  /** what the layer connects the user app's socket to */
  readonly layerAddress: SocketAddress;
  /** whether the user app's socket reached the interceptor */
  readonly accepted: boolean;
  /** whether the relay is over */
  readonly finished: boolean;
  /** The agent connection exists: start relaying. */
  attach(agent: AgentSide): void;
  /** agent --Read--> user app; empty bytes = the remote peer stopped sending. */
  fromAgent(bytes: Uint8Array): void;
  /** The agent closed the connection, or it could not be made. */
  agentClosed(): void;
  /** The layer closed its socket (`Outgoing(Close)`). */
  layerClosed(): void;
  /** Tears everything down without telling the agent (session over). */
  abort(): void;
  /** Resolves once the interceptor is finished. */
  readonly done: Promise<void>;
}
