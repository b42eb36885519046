/**
 * What agent-wide features (mirror, steal) see of one client: its id, its announced protocol
 * version, and a way to send it messages.
 *
 * @module
 */

import type { DaemonMessage, LayerTcp, LayerTcpSteal, LogLevel } from "../protocol-wasm/mod.ts";

/** Log levels of `DaemonMessage::LogMessage`. */
export type ClientLogLevel = LogLevel;

/** One connected client, as features address it. */
export interface ClientHandle {
  /** agent-wide unique client id */
  readonly id: number;
  /** the version the client announced (1.2.2 until it does) */
  readonly version: string;
  /**
   * Sends a `DaemonMessage` value; resolves once it is written to the client's socket (await it
   * for backpressure).
   */
  send(message: DaemonMessage): Promise<void>;
  /** Sends a `LogMessage` if the client asked for logs (Info only to clients ≥1.13.4). */
  log(level: ClientLogLevel, message: string): void;
}

/**
 * A feature shared by all clients (mirror, steal): it receives the client's `Tcp` / `TcpSteal`
 * messages and is told when a client leaves so it can drop its subscriptions.
 */
export interface IncomingFeature {
  /** a mirror request */
  mirror(client: ClientHandle, request: LayerTcp): Promise<void>;
  /** a steal request (subscriptions, data and HTTP responses of stolen traffic) */
  steal(client: ClientHandle, request: LayerTcpSteal): Promise<void>;
  /** the client disconnected */
  release(client: ClientHandle): void;
}
