/**
 * Runs async jobs one after another: the order in which a client's replies must leave for
 * features whose replies carry no id (files, DNS, env, legacy connects).
 *
 * @module
 */

/** A FIFO of async jobs. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /**
   * Queues a job behind every job queued before it.
   *
   * @param job the work
   * @returns the job's result
   */
  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job);
    this.tail = result.catch(() => {});
    return result;
  }
}
