/**
 * What agent-wide features (mirror, steal) see of one client: its id, its announced protocol
 * version, a way to send it messages, and the two limits that keep what the agent buffers for it
 * bounded (bytes waiting for its socket; bytes it sent that wait for its stolen connections'
 * peers).
 *
 * @module
 */

import type { DaemonMessage, LayerTcp, LayerTcpSteal, LogLevel } from "../protocol-wasm/mod.ts";
import type { ByteBudget } from "./features/byte_budget.ts";

/** Log levels of `DaemonMessage::LogMessage`. */
export type ClientLogLevel = LogLevel;

/** One connected client, as features address it. */
export interface ClientHandle {
  /** agent-wide unique client id */
  readonly id: number;
  /** the version the client announced (1.2.2 until it does) */
  readonly version: string;
  /**
   * Queues a `DaemonMessage` for the client's socket, in order. Never waits: producers that can
   * pause (a stolen connection's reader) ask for {@link room} first.
   */
  send(message: DaemonMessage): void;
  /** bytes of sent messages not yet written to the client's socket */
  readonly pendingBytes: number;
  /**
   * Waits for room in what may be queued for the client's socket.
   *
   * @returns null when a message may be sent now, else a promise resolved in turn
   */
  room(): Promise<void> | null;
  /** bytes this client sent for peers of its stolen traffic that are not written yet */
  readonly peerBudget: ByteBudget;
  /** Sends a `LogMessage` if the client asked for logs (Info only to clients ≥1.13.4). */
  log(level: ClientLogLevel, message: string): void;
}

/**
 * A feature shared by all clients (mirror, steal): it receives the client's `Tcp` / `TcpSteal`
 * messages and is told when a client leaves so it can drop its subscriptions.
 */
export interface IncomingFeature {
  /** a mirror request; a promise when the client's next messages must wait for it */
  mirror(client: ClientHandle, request: LayerTcp): Promise<void> | void;
  /**
   * a steal request (subscriptions, data and HTTP responses of stolen traffic); a promise when
   * the client's next messages must wait (a subscription, or a peer that is not keeping up)
   */
  steal(client: ClientHandle, request: LayerTcpSteal): Promise<void> | void;
  /** the client disconnected */
  release(client: ClientHandle): void;
  /** the agent exits: undo what the feature changed in the target (iptables rules) */
  shutdown?(): Promise<void>;
}
