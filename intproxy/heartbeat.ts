/**
 * Agent liveness (how-it-works.md §4.6): every `ping_interval` seconds a `Ping`; if the previous
 * one is still unanswered and nothing else came from the agent during the period, the agent is
 * considered dead. A `Pong` nobody asked for is a protocol error (protocol.md §3.17).
 *
 * @module
 */

/** Tracks pings and agent traffic. */
export class Heartbeat {
  #outstanding = 0;
  #heardFrom = false;
  #timer: ReturnType<typeof setInterval> | undefined;

  /**
   * @param sendPing sends `Ping` to the agent
   * @param onDead called once when the agent stopped answering
   */
  constructor(
    private readonly sendPing: () => void,
    private readonly onDead: (reason: string) => void,
  ) {}

  /**
   * Starts the periodic check.
   *
   * @param intervalSecs `internal_proxy.ping_interval` (at least 1)
   */
  start(intervalSecs: number): void {
    const seconds = Math.max(1, intervalSecs);
    this.#timer = setInterval(() => this.tick(seconds), seconds * 1000);
  }

  /**
   * One period elapsed.
   *
   * @param seconds the period, for the message
   */
  tick(seconds: number): void {
    if (this.#outstanding > 0 && !this.#heardFrom) {
      this.stop();
      this.onDead(`the agent did not answer a ping for ${seconds} s`);
      return;
    }
    this.#heardFrom = false;
    if (this.#outstanding === 0) {
      this.#outstanding++;
      this.sendPing();
    }
  }

  /** Any message from the agent counts as a sign of life. */
  heard(): void {
    this.#heardFrom = true;
  }

  /**
   * A `Pong` arrived.
   *
   * @returns false when no ping was outstanding (a protocol error)
   */
  pong(): boolean {
    if (this.#outstanding === 0) return false;
    this.#outstanding--;
    return true;
  }

  /** Stops the periodic check. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
