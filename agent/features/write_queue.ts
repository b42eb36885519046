/**
 * Ordered writes to one socket with a bound on what is queued: the producer awaits `push` only
 * when more than {@link MAX_QUEUED_BYTES} wait, so one slow peer pauses only the traffic meant for
 * it (through the caller) instead of the agent buffering without limit.
 *
 * @module
 */

/** Bytes queued for one socket before its producer waits (mirrord's 512 KiB per direction). */
export const MAX_QUEUED_BYTES = 512 * 1024;

/** A serial queue of write jobs sized in bytes. */
export class WriteQueue {
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;
  private failed = false;

  /** @param onError called once when a job throws; later jobs are skipped */
  constructor(private readonly onError: (error: unknown) => void) {}

  /** Bytes waiting. */
  get pendingBytes(): number {
    return this.queued;
  }

  /**
   * Queues a job.
   *
   * @param size bytes it writes
   * @param job the write
   * @returns resolves once the queue is under its bound again
   */
  async push(size: number, job: () => Promise<void>): Promise<void> {
    this.queued += size;
    this.tail = this.tail.then(async () => {
      try {
        if (!this.failed) await job();
      } catch (error) {
        if (!this.failed) {
          this.failed = true;
          this.onError(error);
        }
      } finally {
        this.queued -= size;
      }
    });
    while (this.queued > MAX_QUEUED_BYTES) await this.tail;
  }

  /** Resolves when every queued job ran. */
  drained(): Promise<void> {
    return this.tail;
  }
}
