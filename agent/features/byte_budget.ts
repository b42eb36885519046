/**
 * A limit on bytes queued in the agent for several producers at once — everything waiting for
 * one client's socket, or everything one client sent for its stolen connections' peers. Producers
 * that find it full wait in line (first come, first served) and are let through one at a time as
 * the bytes drain, so what is queued stays within the limit plus one message per producer let
 * through, however many producers there are.
 *
 * @module
 */

/** Bytes queued against a limit, with a line of producers waiting for room. */
export class ByteBudget {
  private queued = 0;
  private readonly line: (() => void)[] = [];
  private admitting = false;

  /** @param limit bytes that may be queued before producers wait */
  constructor(readonly limit: number) {}

  /** Bytes queued now. */
  get used(): number {
    return this.queued;
  }

  /** @param bytes queued by a producer */
  add(bytes: number): void {
    this.queued += bytes;
  }

  /** @param bytes no longer queued (written, or dropped with their socket) */
  release(bytes: number): void {
    this.queued -= bytes;
    this.admit();
  }

  /**
   * Waits for room when the budget is full.
   *
   * @returns null when there is room now (go ahead synchronously), else a promise resolved when
   *   it is this producer's turn
   */
  room(): Promise<void> | null {
    if (this.queued < this.limit && this.line.length === 0 && !this.admitting) return null;
    return new Promise((resolve) => {
      this.line.push(resolve);
      this.admit();
    });
  }

  /** Lets every waiting producer go (the consumer is gone: nothing will drain any more). */
  releaseAll(): void {
    for (const resolve of this.line.splice(0)) resolve();
  }

  /**
   * Lets the first producer in line go while there is room; the next one is considered only
   * after the one let through had a chance to queue its bytes (its continuation runs first).
   */
  private admit(): void {
    if (this.admitting || this.line.length === 0 || this.queued >= this.limit) return;
    this.admitting = true;
    this.line.shift()!();
    queueMicrotask(() => {
      this.admitting = false;
      this.admit();
    });
  }
}
