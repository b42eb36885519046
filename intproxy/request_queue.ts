/**
 * Matching agent replies that carry no request id (protocol.md §3.17): the agent answers each
 * kind of request in arrival order, so each kind has a FIFO queue of waiters, pushed at the
 * moment the request is handed to the agent link and popped when a reply of that kind arrives.
 *
 * @module
 */

/** A reply arrived with no request of its kind outstanding: the link is out of step. */
export class UnexpectedReplyError extends Error {
  /** @param kind the request kind, e.g. `file` */
  constructor(readonly kind: string) {
    super(`Cannot match the agent's ${kind} reply: no ${kind} request is outstanding`);
    this.name = "UnexpectedReplyError";
  }
}

/** The session failed before the reply arrived. */
export class SessionFailedError extends Error {
  /** @param reason why the session failed */
  constructor(reason: string) {
    super(reason);
    this.name = "SessionFailedError";
  }
}

interface Waiter<T> {
  resolve: (reply: T) => void;
  reject: (error: Error) => void;
}

/**
 * A FIFO of outstanding requests of one kind, each waiting for its reply.
 *
 * @example
 * ```ts
 * const files = new RequestQueue<FileResponse>("file");
 * const reply = files.wait(); // then send the request
 * files.resolveNext(response); // when the agent answers
 * ```
 */
export class RequestQueue<T> {
  #waiters: Waiter<T>[] = [];
  #head = 0;

  /** @param kind the request kind, named in errors */
  constructor(readonly kind: string) {}

  /** Outstanding requests. */
  get length(): number {
    return this.#waiters.length - this.#head;
  }

  /**
   * Registers the next outstanding request. Call it in the same synchronous step as the send, so
   * that queue order is send order.
   *
   * @returns the reply, once {@link resolveNext} delivers it
   */
  wait(): Promise<T> {
    return new Promise<T>((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /**
   * Delivers a reply to the oldest outstanding request.
   *
   * @param reply the agent's reply
   * @throws {UnexpectedReplyError} when nothing is outstanding
   */
  resolveNext(reply: T): void {
    if (this.#head >= this.#waiters.length) throw new UnexpectedReplyError(this.kind);
    const waiter = this.#waiters[this.#head];
    this.#waiters[this.#head++] = undefined as unknown as Waiter<T>;
    if (this.#head > 1024 && this.#head * 2 > this.#waiters.length) {
      this.#waiters = this.#waiters.slice(this.#head);
      this.#head = 0;
    }
    waiter.resolve(reply);
  }

  /**
   * Fails every outstanding request (the session is over).
   *
   * @param error what they fail with
   */
  rejectAll(error: Error): void {
    const waiters = this.#waiters.slice(this.#head);
    this.#waiters = [];
    this.#head = 0;
    for (const waiter of waiters) waiter.reject(error);
  }
}

/**
 * Waiters keyed by an id the reply carries (outgoing `ConnectV2` by uid).
 *
 * @example
 * ```ts
 * const connects = new KeyedRequests<string, DaemonConnectV2>("outgoing connect");
 * const reply = connects.wait(uid);
 * connects.resolve(uid, response);
 * ```
 */
export class KeyedRequests<K, T> {
  #waiters = new Map<K, Waiter<T>>();

  /** @param kind the request kind, named in errors */
  constructor(readonly kind: string) {}

  /** Outstanding requests. */
  get size(): number {
    return this.#waiters.size;
  }

  /**
   * Registers an outstanding request.
   *
   * @param key the id its reply will carry
   * @returns the reply
   */
  wait(key: K): Promise<T> {
    return new Promise<T>((resolve, reject) => this.#waiters.set(key, { resolve, reject }));
  }

  /**
   * Delivers a reply.
   *
   * @param key the id the reply carries
   * @param reply the reply
   * @throws {UnexpectedReplyError} when no request has that id
   */
  resolve(key: K, reply: T): void {
    const waiter = this.#waiters.get(key);
    if (!waiter) throw new UnexpectedReplyError(this.kind);
    this.#waiters.delete(key);
    waiter.resolve(reply);
  }

  /**
   * Fails every outstanding request.
   *
   * @param error what they fail with
   */
  rejectAll(error: Error): void {
    const waiters = [...this.#waiters.values()];
    this.#waiters.clear();
    for (const waiter of waiters) waiter.reject(error);
  }
}
