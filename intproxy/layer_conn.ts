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
  readonly #buffer = new Uint8Array(128 * 1024);
  readonly #writer: StreamWriter;
  #eof = false;
  #closed = false;

  /** @param conn the accepted connection */
  constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
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
   * @returns the frame, or null once the layer closed the link at a frame boundary
   * @throws {LayerProtocolError} on an undecodable frame, EOF inside a frame or a read error
   */
  async receive(): Promise<LayerFrame | null> {
    while (true) {
      if (this.#closed) return null;
      let frame: LayerFrame | undefined;
      try {
        frame = this.#decoder.next();
      } catch (error) {
        throw new LayerProtocolError((error as Error).message, { cause: error });
      }
      if (frame !== undefined) return frame;
      if (this.#eof) {
        if (this.#decoder.bufferedBytes > 0) {
          throw new LayerProtocolError(
            `the layer closed its connection inside a frame (${this.#decoder.bufferedBytes} ` +
              "bytes left over)",
          );
        }
        return null;
      }
      let n: number | null;
      try {
        n = await this.#conn.read(this.#buffer);
      } catch (error) {
        if (this.#closed) return null;
        if (error instanceof Deno.errors.ConnectionReset) return null;
        throw new LayerProtocolError(`reading from the layer failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
      if (n === null) this.#eof = true;
      else this.#decoder.push(this.#buffer.subarray(0, n));
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
