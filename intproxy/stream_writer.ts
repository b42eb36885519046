/**
 * Ordered, non-blocking writes to a byte stream: callers enqueue whole messages and go on; one
 * pump writes them in order, coalescing small messages into one syscall. The backlog is what
 * back-pressure decisions look at.
 *
 * @module
 */
import { joinBytes } from "../cli/join_bytes.ts";

/** Coalesce queued messages into writes of at most this many bytes. */
const COALESCE_BYTES = 64 * 1024;

/** Anything with a `write` like `Deno.Conn`. */
export interface ByteSink {
  write(bytes: Uint8Array): Promise<number>;
}

/** Enqueues writes and performs them in order. */
export class StreamWriter {
  readonly #sink: ByteSink;
  #queue: Uint8Array[] = [];
  #backlog = 0;
  #pumping = false;
  #error: Error | null = null;
  #drainWaiters: (() => void)[] = [];
  readonly #onError: (error: Error) => void;

  /**
   * @param sink where bytes go
   * @param onError called once when a write fails (the stream is then dead)
   */
  constructor(sink: ByteSink, onError: (error: Error) => void) {
    this.#sink = sink;
    this.#onError = onError;
  }

  /** Bytes enqueued and not yet written. */
  get backlog(): number {
    return this.#backlog;
  }

  /** The write error, once one happened. */
  get error(): Error | null {
    return this.#error;
  }

  /**
   * Enqueues bytes (silently dropped after a write error).
   *
   * @param bytes a whole message; not copied, so do not reuse the buffer
   */
  write(bytes: Uint8Array): void {
    if (this.#error || bytes.length === 0) return;
    this.#queue.push(bytes);
    this.#backlog += bytes.length;
    if (this.#pumping) return;
    // Start on a microtask: messages enqueued by the same synchronous code (a response head and
    // its body, a burst of replies) leave in one syscall.
    this.#pumping = true;
    queueMicrotask(() => this.#pump());
  }

  /**
   * Resolves once the backlog is at most `threshold` bytes (or the stream failed).
   *
   * @param threshold bytes
   */
  async drained(threshold = 0): Promise<void> {
    while (this.#backlog > threshold && !this.#error) {
      await new Promise<void>((resolve) => this.#drainWaiters.push(resolve));
    }
  }

  #take(): Uint8Array {
    if (this.#queue.length === 1 || this.#queue[0].length >= COALESCE_BYTES) {
      return this.#queue.shift()!;
    }
    let size = 0;
    let count = 0;
    while (count < this.#queue.length && size + this.#queue[count].length <= COALESCE_BYTES) {
      size += this.#queue[count++].length;
    }
    if (count <= 1) return this.#queue.shift()!;
    return joinBytes(this.#queue.splice(0, count));
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      while (this.#queue.length > 0) {
        const chunk = this.#take();
        let written = 0;
        while (written < chunk.length) written += await this.#sink.write(chunk.subarray(written));
        this.#backlog -= chunk.length;
        const waiters = this.#drainWaiters;
        this.#drainWaiters = [];
        for (const wake of waiters) wake();
      }
    } catch (error) {
      this.#error = error instanceof Error ? error : new Error(String(error));
      this.#queue = [];
      this.#backlog = 0;
      for (const wake of this.#drainWaiters.splice(0)) wake();
      this.#onError(this.#error);
    } finally {
      this.#pumping = false;
    }
  }
}
