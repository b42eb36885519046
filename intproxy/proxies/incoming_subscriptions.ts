/**
 * Port subscriptions of the incoming proxy (how-it-works.md §4.4): per remote port and mode there
 * is one agent subscription and a queue of layer sources (listening sockets) behind it. The newest
 * source is active and receives the traffic; an older one becomes active again when a newer one
 * unsubscribes (e.g. a server that re-execs itself). The agent's `SubscribeResult` is fanned out
 * to every source waiting for it. Pure bookkeeping: the caller sends the messages it returns.
 *
 * @module
 */
import type { LayerId, ListeningOn, ResponseError } from "./_types.ts";

/** mirror (`Tcp`) or steal (`TcpSteal`) */
export type IncomingMode = "mirror" | "steal";

/** One layer's listening socket behind a subscription. */
export interface Source {
  layer: LayerId;
  listeningOn: ListeningOn;
  /** the layer's `PortSubscribe` message id while it waits for the agent's answer */
  waiting: bigint | null;
}

/** The agent side of one (mode, port). */
export interface Subscription {
  mode: IncomingMode;
  port: number;
  /** the agent-link subscribe message's identity (what was asked), to notice a change */
  request: string;
  /** `pending` until the agent answered */
  state: "pending" | "active";
  /** oldest first; the last one is active */
  sources: Source[];
}

/** A reply the caller must send to a layer. */
export interface SourceReply {
  layer: LayerId;
  messageId: bigint;
  result: { Ok: null } | { Err: ResponseError };
}

const key = (mode: IncomingMode, port: number) => `${mode}:${port}`;

/** Whether two `ListeningOn` values name the same socket. */
export function sameListeningOn(a: ListeningOn, b: ListeningOn): boolean {
  if ("Socket" in a && "Socket" in b) return a.Socket === b.Socket;
  if ("Hostname" in a && "Hostname" in b) {
    return a.Hostname.host === b.Hostname.host && a.Hostname.port === b.Hostname.port;
  }
  return false;
}

/** Every subscription of the session. */
export class SubscriptionTable {
  readonly #byKey = new Map<string, Subscription>();
  /** subscribe requests sent and not answered, per mode, oldest first */
  readonly #inFlight: Record<IncomingMode, Subscription[]> = { mirror: [], steal: [] };

  /**
   * @param mode the mode
   * @param port the remote port
   * @returns the subscription, if any
   */
  get(mode: IncomingMode, port: number): Subscription | undefined {
    return this.#byKey.get(key(mode, port));
  }

  /** Every subscription. */
  all(): Subscription[] {
    return [...this.#byKey.values()];
  }

  /**
   * A layer subscribes a listening socket.
   *
   * @param mode the mode
   * @param port the remote port
   * @param request the agent-link request's identity
   * @param source the layer's socket (with its waiting message id)
   * @returns whether the caller must send the subscribe request to the agent, and a reply to send
   *   now (when the agent subscription exists already)
   */
  add(
    mode: IncomingMode,
    port: number,
    request: string,
    source: Source,
  ): { sendToAgent: boolean; reply: SourceReply | null } {
    const existing = this.#byKey.get(key(mode, port));
    if (!existing) {
      const sub: Subscription = { mode, port, request, state: "pending", sources: [source] };
      this.#byKey.set(key(mode, port), sub);
      this.#inFlight[mode].push(sub);
      return { sendToAgent: true, reply: null };
    }
    existing.sources.push(source);
    if (existing.request !== request) {
      // A different filter for the same port: the agent replaces this client's subscription, and
      // every source waits for the new answer.
      existing.request = request;
      existing.state = "pending";
      this.#inFlight[mode].push(existing);
      return { sendToAgent: true, reply: null };
    }
    if (existing.state === "pending") return { sendToAgent: false, reply: null };
    const reply = { layer: source.layer, messageId: source.waiting!, result: { Ok: null } };
    source.waiting = null;
    return { sendToAgent: false, reply };
  }

  /**
   * The agent answered a subscribe request of `mode`: `Ok(port)` names its port, an error goes to
   * the oldest request in flight (errors carry no port).
   *
   * @param mode the mode
   * @param result the agent's `SubscribeResult`
   * @returns the replies to send, and the subscription (`null` for an answer nobody waits for)
   */
  settle(
    mode: IncomingMode,
    result: { Ok: number } | { Err: ResponseError },
  ): { replies: SourceReply[]; subscription: Subscription | null } {
    const queue = this.#inFlight[mode];
    let index = 0;
    if ("Ok" in result) {
      index = queue.findIndex((s) => s.port === result.Ok);
      if (index < 0) return { replies: [], subscription: null };
    }
    if (queue.length === 0) return { replies: [], subscription: null };
    const [sub] = queue.splice(index, 1);
    if (queue.includes(sub)) return { replies: [], subscription: sub }; // a newer request follows
    const replies: SourceReply[] = [];
    const answer = "Ok" in result ? { Ok: null as null } : { Err: result.Err };
    for (const source of sub.sources) {
      if (source.waiting === null) continue;
      replies.push({ layer: source.layer, messageId: source.waiting, result: answer });
      source.waiting = null;
    }
    if ("Ok" in result) sub.state = "active";
    else {
      // Refused: the sources that asked are gone; sources already served keep nothing either,
      // since the agent dropped this client's subscription.
      this.#byKey.delete(key(mode, sub.port));
    }
    return { replies, subscription: sub };
  }

  /**
   * A layer unsubscribes one socket (its newest matching source).
   *
   * @param layer the layer
   * @param port the remote port
   * @param listeningOn the socket
   * @returns the subscriptions left without sources (the caller unsubscribes them at the agent)
   */
  remove(layer: LayerId, port: number, listeningOn: ListeningOn): Subscription[] {
    const emptied: Subscription[] = [];
    for (const mode of ["steal", "mirror"] as const) {
      const sub = this.#byKey.get(key(mode, port));
      if (!sub) continue;
      for (let i = sub.sources.length - 1; i >= 0; i--) {
        const source = sub.sources[i];
        if (source.layer === layer && sameListeningOn(source.listeningOn, listeningOn)) {
          sub.sources.splice(i, 1);
          break;
        }
      }
      if (sub.sources.length === 0) emptied.push(this.#drop(sub));
    }
    return emptied;
  }

  /**
   * A layer is gone: every source of it goes.
   *
   * @param layer the layer
   * @returns the subscriptions left without sources
   */
  dropLayer(layer: LayerId): Subscription[] {
    const emptied: Subscription[] = [];
    for (const sub of this.all()) {
      sub.sources = sub.sources.filter((source) => source.layer !== layer);
      if (sub.sources.length === 0) emptied.push(this.#drop(sub));
    }
    return emptied;
  }

  /**
   * A forked child shares its parent's listening sockets: each parent source gets a copy for the
   * child right after it (same socket, so which one is active does not matter for delivery).
   *
   * @param parent the parent layer
   * @param child the child layer
   */
  fork(parent: LayerId, child: LayerId): void {
    for (const sub of this.#byKey.values()) {
      const copied: Source[] = [];
      for (const source of sub.sources) {
        copied.push(source);
        if (source.layer === parent) {
          copied.push({ layer: child, listeningOn: source.listeningOn, waiting: null });
        }
      }
      sub.sources = copied;
    }
  }

  #drop(sub: Subscription): Subscription {
    this.#byKey.delete(key(sub.mode, sub.port));
    const queue = this.#inFlight[sub.mode];
    for (let i = queue.length - 1; i >= 0; i--) {
      // Keep in-flight entries so the agent's answer is still matched (and then ignored).
      if (queue[i] === sub) queue[i] = { ...sub, sources: [] };
    }
    return sub;
  }
}
