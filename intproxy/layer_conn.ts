/**
 * One layer's local link (protocol.md §2.3, §5): 4-byte big-endian length-prefixed frames of
 * `LocalMessage<LayerToProxyMessage>` in, `LocalMessage<ProxyToLayerMessage>` out, decoded and
 * encoded by the protocol facade. A frame that does not decode ends this link only.
 *
 * @module
 */
import {
  encodeProxyFrame,
  LayerFrameDecoder,
  type LayerToProxyMessage,
  type LocalMessage,
  type ProxyToLayerMessage,
} from "../protocol-wasm/mod.ts";
import { MessageReader, MessageReadError } from "./message_reader.ts";
import { StreamWriter } from "./stream_writer.ts";

/** A layer message with its envelope. */
export type LayerFrame = LocalMessage<LayerToProxyMessage>;

/** The layer sent bytes that are no valid frame. */
export class LayerProtocolError extends Error {
  /** @param message what was wrong @param options the cause */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LayerProtocolError";
  }
}

/** Largest frame a layer may send (a 1 MiB write plus headroom); more is corrupt input. */
const MAX_LAYER_FRAME = 64 * 1024 * 1024;

/** The intproxy's end of one layer connection. */
export class LayerConnection {
  readonly #conn: Deno.TcpConn;
  readonly #decoder = new LayerFrameDecoder({ maxMessageBytes: MAX_LAYER_FRAME });
  readonly #reader: MessageReader<LayerFrame>;
  readonly #writer: StreamWriter;
  #closed = false;

  /** @param conn the accepted connection */
  constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
    this.#reader = new MessageReader(conn, this.#decoder, 128 * 1024);
    conn.setNoDelay(true);
    this.#writer = new StreamWriter(conn, () => this.close());
  }

  /** The layer's address (for logs). */
  get peer(): string {
    const addr = this.#conn.remoteAddr;
    return `${addr.hostname}:${addr.port}`;
  }

  /**
   * Sends a frame to the layer (in order, without waiting).
   *
   * @param messageId the id of the request this answers
   * @param inner the message
   */
  send(messageId: bigint, inner: ProxyToLayerMessage): void {
    if (this.#closed) return;
    this.#writer.write(encodeProxyFrame({ message_id: messageId, inner }));
  }

  /**
   * The next frame from the layer.
   *
   * @returns the frame, or null once the layer closed (or reset) the link at a frame boundary
   * @throws {LayerProtocolError} on an undecodable frame, EOF inside a frame or a read error
   */
  async receive(): Promise<LayerFrame | null> {
    if (this.#closed) return null;
    try {
      return await this.#reader.next();
    } catch (error) {
      const reset = error instanceof MessageReadError && error.kind === "io" &&
        error.cause instanceof Deno.errors.ConnectionReset;
      if (this.#closed || reset) return null;
      throw new LayerProtocolError((error as Error).message, { cause: error });
    }
  }

  /** Closes the link. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
    this.#decoder.free();
  }
}
