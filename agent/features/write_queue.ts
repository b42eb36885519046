/**
 * Ordered jobs that write to one peer (the parts of a client's response to a stolen request):
 * a job runs at once when nothing is pending — the usual case, since HTTP/1 writes only queue
 * bytes — and after the previous one when that one is still running (an HTTP/2 stream waiting for
 * its flow-control window). Up to {@link MAX_QUEUED_BYTES} may wait; beyond that `push` returns a
 * promise the producer waits for, so a slow peer pauses its client's link instead of the agent
 * buffering without limit.
 *
 * @module
 */

/** Bytes of pending jobs before the producer waits (mirrord's 512 KiB per direction). */
export const MAX_QUEUED_BYTES = 512 * 1024;

/** A serial queue of write jobs sized in bytes. */
export class WriteQueue {
  private tail: Promise<void> | null = null;
  private queued = 0;
  private failed = false;
  private waiters: (() => void)[] = [];

  /** @param onError called once when a job throws; later jobs are skipped */
  constructor(private readonly onError: (error: unknown) => void) {}

  /** Bytes of jobs not finished yet. */
  get pendingBytes(): number {
    return this.queued;
  }

  /**
   * Runs a job after the ones before it.
   *
   * @param size bytes it writes
   * @param job the write; a promise when it finishes later (or asks its producer to wait)
   * @returns a promise when the producer must wait before pushing more
   */
  push(size: number, job: () => Promise<void> | void): Promise<void> | void {
    if (this.failed) return;
    let running: Promise<void> | void;
    if (this.tail === null) {
      try {
        running = job();
      } catch (error) {
        return this.fail(error);
      }
      if (!running) return;
    } else {
      running = this.tail.then(() => this.failed ? undefined : job());
    }
    this.queued += size;
    const done: Promise<void> = running.then(
      () => {},
      (error) => this.fail(error),
    ).finally(() => {
      this.queued -= size;
      if (this.tail === done) this.tail = null;
      if (this.queued <= MAX_QUEUED_BYTES) { for (const wake of this.waiters.splice(0)) wake(); }
    });
    this.tail = done;
    if (this.queued > MAX_QUEUED_BYTES) {
      return new Promise((resolve) => this.waiters.push(resolve));
    }
  }

  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    for (const wake of this.waiters.splice(0)) wake();
    this.onError(error);
  }
}
