/**
 * Streaming decoders: `push(chunk)` what the socket gave, then call `next()` until it returns
 * `undefined` (more bytes needed). Partial messages stay buffered; a declared length is never
 * allocated up front; corrupt input throws {@link ProtocolDecodeError}.
 *
 * @module
 */
import { KIND, type KindName, wasm } from "./_module.ts";
import { type DecodeFailure, ProtocolDecodeError } from "./decode_error.ts";
import type {
  ClientMessage,
  DaemonMessage,
  LayerToProxyMessage,
  LocalMessage,
  ProxyToLayerMessage,
} from "./generated/v0.1.0/types.ts";

/** Options of a decoder. */
export interface DecoderOptions {
  /**
   * Largest message (local link: frame payload) accepted, in bytes; a message declaring more is
   * corrupt input. Default 512 MiB (mirrord itself sets no limit).
   */
  maxMessageBytes?: number;
}

const DEFAULT_MAX_MESSAGE = 512 * 1024 * 1024;
const FRAMING = { none: 0, strict: 1, lenient: 2 } as const;

class StreamDecoder<T> {
  #inner: InstanceType<typeof wasm.StreamDecoder>;

  constructor(kind: KindName, framing: keyof typeof FRAMING, options: DecoderOptions = {}) {
    const max = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE;
    this.#inner = new wasm.StreamDecoder(KIND[kind], FRAMING[framing], max);
  }

  /**
   * Appends received bytes (copied once into the module).
   *
   * @param chunk bytes as read from the socket
   */
  push(chunk: Uint8Array): void {
    this.#inner.push(chunk);
  }

  /**
   * The next whole message.
   *
   * @returns the message, or `undefined` when more bytes are needed
   * @throws {ProtocolDecodeError} on corrupt input (and on every call after it)
   */
  next(): T | undefined {
    try {
      return this.#inner.next() as T | undefined;
    } catch (failure) {
      if (failure instanceof Error) throw failure;
      throw new ProtocolDecodeError(failure as DecodeFailure);
    }
  }

  /**
   * Every whole message buffered now.
   *
   * @returns the messages in stream order (possibly none)
   */
  drain(): T[] {
    const out: T[] = [];
    for (let m = this.next(); m !== undefined; m = this.next()) out.push(m);
    return out;
  }

  /** Bytes received and not yet returned as messages. */
  get bufferedBytes(): number {
    return this.#inner.buffered();
  }

  /** Releases the module-side buffer now instead of at garbage collection. */
  free(): void {
    this.#inner.free();
  }
}

/** Agent side of the agent link: decodes `ClientMessage`s (no framing). */
export class ClientMessageDecoder extends StreamDecoder<ClientMessage> {
  /** @param options see {@link DecoderOptions} */
  constructor(options?: DecoderOptions) {
    super("client", "none", options);
  }
}

/** Client side of the agent link: decodes `DaemonMessage`s (no framing). */
export class DaemonMessageDecoder extends StreamDecoder<DaemonMessage> {
  /** @param options see {@link DecoderOptions} */
  constructor(options?: DecoderOptions) {
    super("daemon", "none", options);
  }
}

/**
 * intproxy side of the local link: decodes layer frames. Like mirrord's intproxy, a frame with
 * bytes left over after its message is corrupt input.
 */
export class LayerFrameDecoder extends StreamDecoder<LocalMessage<LayerToProxyMessage>> {
  /** @param options see {@link DecoderOptions} */
  constructor(options?: DecoderOptions) {
    super("layer", "strict", options);
  }
}

/**
 * Layer side of the local link: decodes intproxy frames. Like mirrord's layer, bytes left over
 * inside a frame are ignored.
 */
export class ProxyFrameDecoder extends StreamDecoder<LocalMessage<ProxyToLayerMessage>> {
  /** @param options see {@link DecoderOptions} */
  constructor(options?: DecoderOptions) {
    super("proxy", "lenient", options);
  }
}
