/**
 * mirrord's wire protocol for every Deno component: the agent link (`ClientMessage` /
 * `DaemonMessage`, protocol 1.29.0) and the layer ⇄ intproxy link (`LocalMessage`, mirrord
 * 3.250.0), byte-compatible with mirrord. Values are serde_json's externally tagged shapes of
 * the Rust types, with byte buffers as `Uint8Array` and 64/128-bit integers as `bigint`
 * (ARCHITECTURE.md, "The protocol facade").
 *
 * @example Ping the agent and read its answer
 * ```ts
 * import { DaemonMessageDecoder, encodeClientMessage } from "./mod.ts";
 * const decoder = new DaemonMessageDecoder();
 * const bytes = encodeClientMessage("Ping"); // write to the agent socket
 * decoder.push(new Uint8Array([0x07])); // bytes read back
 * decoder.next(); // "Pong"
 * ```
 *
 * @module
 */
export type * from "./generated/v0.1.0/types.ts";
export { MODULE_VERSION, PROTOCOL_VERSION } from "./_module.ts";
export { ASSUMED_PEER_VERSION, GATES, settleVersion, supports } from "./versions.ts";
export {
  encodeClientMessage,
  encodeDaemonMessage,
  encodeLayerFrame,
  encodeProxyFrame,
} from "./encoders.ts";
export {
  ClientMessageDecoder,
  DaemonMessageDecoder,
  type DecoderOptions,
  LayerFrameDecoder,
  ProxyFrameDecoder,
} from "./stream_decoders.ts";
export { type DecodeFailure, ProtocolDecodeError } from "./decode_error.ts";
