/**
 * A pull-style byte stream (the `read`/`write`/`close` part of `Deno.Conn`) over a Node socket.
 * The Kubernetes transport uses `node:tls` because it is the one TLS client under Deno that takes
 * a client certificate, a CA, a server name *and* "do not verify" (`accept_invalid_certificates`);
 * this adapter gives the HTTP, WebSocket and agent-link code the same interface a `Deno.Conn` has.
 *
 * @module
 */
import type { Socket } from "node:net";

/** What the agent link, HTTP and WebSocket code need from a connection. */
export interface ByteStream {
  /** Reads into `buffer`; `null` at end of stream. */
  read(buffer: Uint8Array): Promise<number | null>;
  /** Writes some of `data`; returns how many bytes were taken. */
  write(data: Uint8Array): Promise<number>;
  /** Closes both directions. */
  close(): void;
}

/** Bytes buffered from the socket before it is paused (the reader is slower than the network). */
const HIGH_WATER = 1024 * 1024;

/** A {@link ByteStream} over a connected Node socket (plain or TLS). */
export class SocketStream implements ByteStream {
  readonly #socket: Socket;
  readonly #chunks: Uint8Array[] = [];
  #buffered = 0;
  #ended = false;
  #error: Error | null = null;
  #wake: (() => void) | null = null;
  #closed = false;

  /** @param socket a connected socket; this stream owns it from now on */
  constructor(socket: Socket) {
    this.#socket = socket;
    socket.on("data", (chunk: Uint8Array) => {
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
      if (this.#buffered > HIGH_WATER) socket.pause();
      this.#notify();
    });
    socket.on("end", () => {
      this.#ended = true;
      this.#notify();
    });
    socket.on("error", (error: Error) => {
      this.#error ??= error;
      this.#notify();
    });
    socket.on("close", () => {
      this.#ended = true;
      this.#notify();
    });
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  async read(buffer: Uint8Array): Promise<number | null> {
    while (this.#chunks.length === 0) {
      if (this.#error) throw this.#error;
      if (this.#ended || this.#closed) return null;
      await new Promise<void>((resolve) => this.#wake = resolve);
    }
    const chunk = this.#chunks[0];
    const n = Math.min(chunk.length, buffer.length);
    buffer.set(chunk.subarray(0, n));
    if (n === chunk.length) this.#chunks.shift();
    else this.#chunks[0] = chunk.subarray(n);
    this.#buffered -= n;
    if (this.#buffered <= HIGH_WATER / 2 && this.#socket.isPaused()) this.#socket.resume();
    return n;
  }

  async write(data: Uint8Array): Promise<number> {
    if (this.#error) throw this.#error;
    if (this.#closed || this.#socket.destroyed) throw new Deno.errors.BrokenPipe("stream closed");
    // The socket keeps its own reference; copy since callers may reuse their buffer.
    const flushed = this.#socket.write(data.slice());
    if (!flushed) {
      await new Promise<void>((resolve, reject) => {
        const done = () => {
          this.#socket.off("drain", done);
          this.#socket.off("close", done);
          if (this.#error) reject(this.#error);
          else resolve();
        };
        this.#socket.on("drain", done);
        this.#socket.on("close", done);
      });
    }
    return data.length;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.destroy();
    this.#notify();
  }
}
