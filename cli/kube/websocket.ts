/**
 * A WebSocket client (RFC 6455) over a connection the HTTP client upgraded: masked frames out,
 * fragmented messages reassembled, pings answered, close handshake. Kubernetes' port-forward and
 * exec subresources speak it; Deno's own `WebSocket` cannot skip certificate checks, so this one
 * runs over the same TLS streams as every other API request.
 *
 * @module
 */
import type { ByteStream } from "./byte_stream.ts";
import type { BufferedReader } from "./http1.ts";
import { joinBytes } from "../join_bytes.ts";

/** One received message. */
export interface WebSocketMessage {
  binary: boolean;
  data: Uint8Array;
}

const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

/** The GUID of RFC 6455 §1.3. */
const ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/**
 * A fresh `Sec-WebSocket-Key`.
 *
 * @returns 16 random bytes, base64
 */
export function webSocketKey(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

/**
 * The `Sec-WebSocket-Accept` the server must answer for a key.
 *
 * @param key the `Sec-WebSocket-Key` sent
 * @returns base64(SHA-1(key + GUID))
 * @example
 * ```ts
 * await webSocketAccept("dGhlIHNhbXBsZSBub25jZQ=="); // "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
 * ```
 */
export async function webSocketAccept(key: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-1",
    new TextEncoder().encode(key + ACCEPT_GUID),
  );
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

/**
 * Encodes one client frame (always masked, FIN set).
 *
 * @param opcode frame type
 * @param payload the data
 * @param mask 4 masking bytes (random unless a test fixes them)
 * @returns the frame bytes
 */
export function encodeClientFrame(
  opcode: number,
  payload: Uint8Array,
  mask: Uint8Array = crypto.getRandomValues(new Uint8Array(4)),
): Uint8Array {
  const length = payload.length;
  const headerLength = 2 + (length < 126 ? 0 : length < 65536 ? 2 : 8) + 4;
  const frame = new Uint8Array(headerLength + length);
  frame[0] = 0x80 | opcode;
  let at = 2;
  if (length < 126) {
    frame[1] = 0x80 | length;
  } else if (length < 65536) {
    frame[1] = 0x80 | 126;
    frame[2] = length >> 8;
    frame[3] = length & 0xff;
    at = 4;
  } else {
    frame[1] = 0x80 | 127;
    new DataView(frame.buffer).setBigUint64(2, BigInt(length));
    at = 10;
  }
  frame.set(mask, at);
  at += 4;
  frame.set(payload, at);
  applyMask(frame.subarray(at), mask);
  return frame;
}

function applyMask(data: Uint8Array, mask: Uint8Array): void {
  const words = data.length >> 2;
  if (words > 0 && data.byteOffset % 4 === 0) {
    const view = new Uint32Array(data.buffer, data.byteOffset, words);
    const key = new Uint32Array(mask.slice().buffer)[0];
    for (let i = 0; i < words; i++) view[i] ^= key;
    for (let i = words * 4; i < data.length; i++) data[i] ^= mask[i & 3];
    return;
  }
  for (let i = 0; i < data.length; i++) data[i] ^= mask[i & 3];
}

/** The server broke the protocol or the connection dropped mid-frame. */
export class WebSocketError extends Error {
  /** @param message what went wrong */
  constructor(message: string) {
    super(message);
    this.name = "WebSocketError";
  }
}

/** An open client WebSocket. */
export class WebSocketConnection {
  readonly #reader: BufferedReader;
  readonly #stream: ByteStream;
  /** the sub-protocol the server chose */
  readonly protocol: string;
  #writing: Promise<unknown> = Promise.resolve();
  #closeSent = false;
  #closed = false;
  /** code and reason of the server's close frame, once received */
  closeStatus: { code: number; reason: string } | null = null;

  /**
   * @param reader positioned after the `101` answer
   * @param stream the upgraded connection
   * @param protocol the chosen sub-protocol
   */
  constructor(reader: BufferedReader, stream: ByteStream, protocol: string) {
    this.#reader = reader;
    this.#stream = stream;
    this.protocol = protocol;
  }

  #writeFrame(opcode: number, payload: Uint8Array): Promise<void> {
    const frame = encodeClientFrame(opcode, payload);
    const write = this.#writing.then(async () => {
      let written = 0;
      while (written < frame.length) written += await this.#stream.write(frame.subarray(written));
    });
    this.#writing = write.catch(() => {});
    return write;
  }

  /**
   * Sends one message.
   *
   * @param data the payload
   * @param binary binary (default) or text frame
   */
  async send(data: Uint8Array, binary = true): Promise<void> {
    if (this.#closeSent || this.#closed) throw new WebSocketError("the WebSocket is closed");
    await this.#writeFrame(binary ? OP_BINARY : OP_TEXT, data);
  }

  /**
   * The next data message; control frames are handled on the way.
   *
   * @returns the message, or null once the server closed
   * @throws {WebSocketError} on a protocol violation or a dropped connection
   */
  async receive(): Promise<WebSocketMessage | null> {
    const parts: Uint8Array[] = [];
    let messageOpcode = -1;
    while (true) {
      if (this.#closed) return null;
      let header: Uint8Array;
      try {
        header = await this.#reader.readExact(2);
      } catch {
        this.#closed = true;
        if (this.#closeSent || parts.length === 0) return null;
        throw new WebSocketError("the connection ended inside a message");
      }
      const fin = (header[0] & 0x80) !== 0;
      const opcode = header[0] & 0x0f;
      let length = header[1] & 0x7f;
      if (length === 126) {
        const ext = await this.#reader.readExact(2);
        length = (ext[0] << 8) | ext[1];
      } else if (length === 127) {
        const ext = await this.#reader.readExact(8);
        length = Number(new DataView(ext.buffer, ext.byteOffset, 8).getBigUint64(0));
      }
      const masked = (header[1] & 0x80) !== 0;
      const mask = masked ? await this.#reader.readExact(4) : null;
      const payload = length > 0 ? await this.#reader.readExact(length) : new Uint8Array(0);
      if (mask) applyMask(payload, mask);
      switch (opcode) {
        case OP_PING:
          await this.#writeFrame(OP_PONG, payload).catch(() => {});
          continue;
        case OP_PONG:
          continue;
        case OP_CLOSE: {
          const code = payload.length >= 2 ? (payload[0] << 8) | payload[1] : 1005;
          const reason = new TextDecoder().decode(payload.subarray(2));
          this.closeStatus = { code, reason };
          if (!this.#closeSent) {
            this.#closeSent = true;
            await this.#writeFrame(OP_CLOSE, payload.subarray(0, 2)).catch(() => {});
          }
          this.#closed = true;
          this.#stream.close();
          return null;
        }
        case OP_TEXT:
        case OP_BINARY:
          if (messageOpcode !== -1) {
            throw new WebSocketError("a new message inside a fragmented one");
          }
          messageOpcode = opcode;
          break;
        case OP_CONTINUATION:
          if (messageOpcode === -1) {
            throw new WebSocketError("a continuation frame with no message");
          }
          break;
        default:
          throw new WebSocketError(`unknown frame opcode ${opcode}`);
      }
      parts.push(payload);
      if (fin) {
        const data = parts.length === 1 ? parts[0] : joinBytes(parts);
        return { binary: messageOpcode === OP_BINARY, data };
      }
    }
  }

  /**
   * Starts the close handshake and drops the connection shortly after.
   *
   * @param code close code (1000 = normal)
   */
  close(code = 1000): void {
    if (this.#closed) return;
    if (!this.#closeSent) {
      this.#closeSent = true;
      const payload = new Uint8Array([code >> 8, code & 0xff]);
      this.#writeFrame(OP_CLOSE, payload).catch(() => {}).finally(() => {
        // The server answers with its close frame; do not wait for it forever.
        Deno.unrefTimer(setTimeout(() => this.#shutdown(), 1000));
      });
    } else {
      this.#shutdown();
    }
  }

  #shutdown(): void {
    this.#closed = true;
    this.#stream.close();
  }
}
