/**
 * An HTTP body arriving in pieces (agent `Body` messages, or a local response being read), handed
 * on as an async iterable of frames. The agent link has no flow control, so what arrives before it
 * is consumed waits here; a body abort is an error thrown to the consumer.
 *
 * @module
 */
import type { InternalHttpBodyFrame } from "./_types.ts";

/** Frames in arrival order, then the end (or an error). */
export class BodyQueue implements AsyncIterable<InternalHttpBodyFrame> {
  #frames: InternalHttpBodyFrame[] = [];
  #bytes = 0;
  #flow: { high: number; pause: () => void; resume: () => void; paused: boolean } | null = null;
  #ended = false;
  #error: Error | null = null;
  #wake: (() => void) | null = null;
  #consumed = false;

  /** Whether the end (or an error) was pushed. */
  get ended(): boolean {
    return this.#ended || this.#error !== null;
  }

  /** Whether the body was aborted. */
  get failed(): boolean {
    return this.#error !== null;
  }

  /**
   * Back-pressure for a producer that can pause (a local response being read): `pause` is called
   * when more than `high` bytes wait here, `resume` once the consumer took them.
   *
   * @param high bytes
   * @param pause stop producing
   * @param resume produce again
   */
  flowControl(high: number, pause: () => void, resume: () => void): void {
    this.#flow = { high, pause, resume, paused: false };
  }

  /**
   * Adds frames.
   *
   * @param frames the frames
   * @param isLast whether the body ends with them
   */
  push(frames: InternalHttpBodyFrame[], isLast = false): void {
    if (this.ended) return;
    this.#frames.push(...frames);
    for (const frame of frames) if ("Data" in frame) this.#bytes += frame.Data.length;
    if (isLast) this.#ended = true;
    if (this.#flow && !this.#flow.paused && this.#bytes > this.#flow.high) {
      this.#flow.paused = true;
      this.#flow.pause();
    }
    this.#notify();
  }

  /**
   * Aborts the body.
   *
   * @param error why
   */
  fail(error: Error): void {
    if (this.ended) return;
    this.#error = error;
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  /**
   * Every frame already here, without waiting (for the head of a request).
   *
   * @returns the frames taken
   */
  takeAvailable(): InternalHttpBodyFrame[] {
    this.#bytes = 0;
    return this.#frames.splice(0);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<InternalHttpBodyFrame> {
    if (this.#consumed) throw new Error("a body can be read once");
    this.#consumed = true;
    while (true) {
      if (this.#frames.length > 0) {
        const frame = this.#frames.shift()!;
        if ("Data" in frame) this.#bytes -= frame.Data.length;
        if (this.#flow?.paused && this.#bytes <= this.#flow.high / 2) {
          this.#flow.paused = false;
          this.#flow.resume();
        }
        yield frame;
        continue;
      }
      if (this.#error) throw this.#error;
      if (this.#ended) return;
      await new Promise<void>((resolve) => this.#wake = resolve);
    }
  }
}
