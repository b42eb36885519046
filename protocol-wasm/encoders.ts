/**
 * Encoders of the two links. Agent link: one message, no prefix. Local link: one whole frame,
 * 4-byte big-endian length then the `LocalMessage`. A value that does not fit its type throws a
 * `TypeError` naming the path, e.g. `.FileRequest.Read.remote_fd`.
 *
 * @module
 */
import { KIND, wasm } from "./_module.ts";
import type {
  ClientMessage,
  DaemonMessage,
  LayerToProxyMessage,
  LocalMessage,
  ProxyToLayerMessage,
} from "./generated/v0.1.0/types.ts";

/**
 * Encodes a client → agent message.
 *
 * @param message the message
 * @returns its bytes
 * @example Ping
 * ```ts
 * encodeClientMessage("Ping"); // Uint8Array [0x07]
 * ```
 */
export function encodeClientMessage(message: ClientMessage): Uint8Array {
  return wasm.encode(KIND.client, message, false);
}

/**
 * Encodes an agent → client message.
 *
 * @param message the message
 * @returns its bytes
 * @example Pong
 * ```ts
 * encodeDaemonMessage("Pong"); // Uint8Array [0x07]
 * ```
 */
export function encodeDaemonMessage(message: DaemonMessage): Uint8Array {
  return wasm.encode(KIND.daemon, message, false);
}

/**
 * Encodes a layer → intproxy frame (length prefix included).
 *
 * @param message the envelope and message
 * @returns the frame's bytes
 * @example A GetEnv request
 * ```ts
 * encodeLayerFrame({ message_id: 1n, inner: { GetEnv: { env_vars_filter: [], env_vars_select: [] } } });
 * ```
 */
export function encodeLayerFrame(message: LocalMessage<LayerToProxyMessage>): Uint8Array {
  return wasm.encode(KIND.layer, message, true);
}

/**
 * Encodes an intproxy → layer frame (length prefix included).
 *
 * @param message the envelope and message
 * @returns the frame's bytes
 * @example A NewSession answer
 * ```ts
 * encodeProxyFrame({ message_id: 0n, inner: { NewSession: 0n } });
 * ```
 */
export function encodeProxyFrame(message: LocalMessage<ProxyToLayerMessage>): Uint8Array {
  return wasm.encode(KIND.proxy, message, true);
}
