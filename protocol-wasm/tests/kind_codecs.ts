/**
 * The facade's encoder and decoder for each message kind, by the codec tool's kind names, for
 * tests and the fuzzer that loop over all four.
 *
 * @module
 */
import {
  ClientMessageDecoder,
  DaemonMessageDecoder,
  type DecoderOptions,
  encodeClientMessage,
  encodeDaemonMessage,
  encodeLayerFrame,
  encodeProxyFrame,
  LayerFrameDecoder,
  ProxyFrameDecoder,
} from "../mod.ts";
import type { KindName } from "../_module.ts";

/** What the loops need of a decoder. */
export interface AnyDecoder {
  push(chunk: Uint8Array): void;
  next(): unknown;
  readonly bufferedBytes: number;
  free(): void;
}

/** Encoder (whole frame for the local link) and decoder factory of one kind. */
export interface KindCodec {
  // deno-lint-ignore no-explicit-any
  encode: (message: any) => Uint8Array;
  decoder: (options?: DecoderOptions) => AnyDecoder;
  /** bytes of the bincode message inside what `encode` returns (local link: after the prefix) */
  body: (encoded: Uint8Array) => Uint8Array;
}

const whole = (b: Uint8Array) => b;
const afterPrefix = (b: Uint8Array) => b.subarray(4);

/** The four kinds. */
export const KIND_CODECS: Record<KindName, KindCodec> = {
  client: { encode: encodeClientMessage, decoder: (o) => new ClientMessageDecoder(o), body: whole },
  daemon: { encode: encodeDaemonMessage, decoder: (o) => new DaemonMessageDecoder(o), body: whole },
  layer: { encode: encodeLayerFrame, decoder: (o) => new LayerFrameDecoder(o), body: afterPrefix },
  proxy: { encode: encodeProxyFrame, decoder: (o) => new ProxyFrameDecoder(o), body: afterPrefix },
};
