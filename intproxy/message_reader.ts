/**
 * Reading whole messages off a byte stream with one of the facade's streaming decoders: read,
 * push, decode until a message is complete. Shared by the agent link and the layer links.
 *
 * @module
 */

/** The part of the facade's streaming decoders a reader needs. */
export interface StreamingDecoder<T> {
  push(chunk: Uint8Array): void;
  next(): T | undefined;
  readonly bufferedBytes: number;
}

/** Why a stream stopped yielding messages before a clean end. */
export class MessageReadError extends Error {
  /**
   * @param kind `corrupt`: undecodable bytes; `truncated`: EOF inside a message; `io`: read error
   * @param message what happened
   * @param options the cause
   */
  constructor(
    readonly kind: "corrupt" | "truncated" | "io",
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "MessageReadError";
  }
}

/** Whole messages from one connection. */
export class MessageReader<T> {
  readonly #conn: Pick<Deno.Conn, "read">;
  readonly #decoder: StreamingDecoder<T>;
  readonly #buffer: Uint8Array;
  #eof = false;

  /**
   * @param conn the stream
   * @param decoder the facade decoder for its message type
   * @param bufferSize bytes read per syscall
   */
  constructor(
    conn: Pick<Deno.Conn, "read">,
    decoder: StreamingDecoder<T>,
    bufferSize = 256 * 1024,
  ) {
    this.#conn = conn;
    this.#decoder = decoder;
    this.#buffer = new Uint8Array(bufferSize);
  }

  /**
   * The next message.
   *
   * @returns the message, or null at EOF between messages
   * @throws {MessageReadError} on corrupt bytes, EOF inside a message or a read error
   */
  async next(): Promise<T | null> {
    while (true) {
      let message: T | undefined;
      try {
        message = this.#decoder.next();
      } catch (error) {
        throw new MessageReadError("corrupt", (error as Error).message, { cause: error });
      }
      if (message !== undefined) return message;
      if (this.#eof) {
        const left = this.#decoder.bufferedBytes;
        if (left === 0) return null;
        throw new MessageReadError(
          "truncated",
          `the connection closed in the middle of a message (${left} bytes left over)`,
        );
      }
      let n: number | null;
      try {
        n = await this.#conn.read(this.#buffer);
      } catch (error) {
        throw new MessageReadError("io", `reading failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
      if (n === null) this.#eof = true;
      else this.#decoder.push(this.#buffer.subarray(0, n));
    }
  }
}
