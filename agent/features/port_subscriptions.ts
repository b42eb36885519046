/**
 * Who subscribed to which port of the target (how-it-works §3.8.1, §3.9.1): per port any number of
 * mirroring clients (each with an optional HTTP filter) and either one unfiltered stealer or
 * several filtered stealers.
 *
 * A client's new subscription on a port replaces its previous one there. A steal that would
 * take traffic another client already steals — a second unfiltered stealer, an unfiltered steal
 * beside filtered ones, a filtered steal beside an unfiltered one — is refused with
 * `PortAlreadyStolen` (mirrord's OSS agent silently evicts the earlier client instead, quirk
 * E.12; its operator answers `PortAlreadyStolen`, which intproxies already report to the user).
 *
 * @module
 */
import type { ClientHandle } from "../client_handle.ts";
import type { HttpMatcher } from "./http_filter.ts";

/** The subscriptions of one port. */
export interface PortState {
  /** mirroring clients → their filter (null = everything) */
  readonly mirrors: Map<ClientHandle, HttpMatcher | null>;
  /** the client stealing everything, if any */
  unfilteredStealer: ClientHandle | null;
  /** clients stealing matching HTTP requests → their filter */
  readonly filteredStealers: Map<ClientHandle, HttpMatcher>;
}

/** Outcome of a steal subscription. */
export type StealOutcome = { ok: true } | { ok: false; holder: ClientHandle };

function emptyState(): PortState {
  return { mirrors: new Map(), unfilteredStealer: null, filteredStealers: new Map() };
}

function isEmpty(state: PortState): boolean {
  return state.mirrors.size === 0 && state.unfilteredStealer === null &&
    state.filteredStealers.size === 0;
}

/** Every port's subscriptions. */
export class PortSubscriptions {
  private readonly ports = new Map<number, PortState>();

  /**
   * @param port a target port
   * @returns its subscriptions, or undefined when nobody subscribed
   */
  get(port: number): PortState | undefined {
    return this.ports.get(port);
  }

  /**
   * @param port a target port
   * @returns whether anyone subscribed to it
   */
  has(port: number): boolean {
    return this.ports.has(port);
  }

  /**
   * Adds or replaces a client's mirror subscription.
   *
   * @param client the subscriber
   * @param port the target port
   * @param filter null to mirror everything
   */
  mirror(client: ClientHandle, port: number, filter: HttpMatcher | null): void {
    this.stateOf(port).mirrors.set(client, filter);
  }

  /**
   * Adds or replaces a client's steal subscription unless another client's steal clashes.
   *
   * @param client the subscriber
   * @param port the target port
   * @param filter null to steal everything
   * @returns ok, or the client holding the port
   */
  steal(client: ClientHandle, port: number, filter: HttpMatcher | null): StealOutcome {
    const state = this.stateOf(port);
    const holder = state.unfilteredStealer;
    if (holder !== null && holder !== client) return this.refuse(port, holder);
    if (filter === null) {
      const other = [...state.filteredStealers.keys()].find((c) => c !== client);
      if (other) return this.refuse(port, other);
      state.filteredStealers.delete(client);
      state.unfilteredStealer = client;
    } else {
      state.unfilteredStealer = null;
      state.filteredStealers.set(client, filter);
    }
    return { ok: true };
  }

  /**
   * Removes a client's mirror subscription.
   *
   * @param client the subscriber
   * @param port the target port
   * @returns whether the port is left without subscribers
   */
  unsubscribeMirror(client: ClientHandle, port: number): boolean {
    const state = this.ports.get(port);
    if (!state) return false;
    state.mirrors.delete(client);
    return this.dropIfEmpty(port, state);
  }

  /**
   * Removes a client's steal subscription.
   *
   * @param client the subscriber
   * @param port the target port
   * @returns whether the port is left without subscribers
   */
  unsubscribeSteal(client: ClientHandle, port: number): boolean {
    const state = this.ports.get(port);
    if (!state) return false;
    if (state.unfilteredStealer === client) state.unfilteredStealer = null;
    state.filteredStealers.delete(client);
    return this.dropIfEmpty(port, state);
  }

  /**
   * Removes every subscription of a client (it disconnected).
   *
   * @param client the client
   * @returns the ports left without subscribers
   */
  release(client: ClientHandle): number[] {
    const emptied: number[] = [];
    for (const [port, state] of [...this.ports]) {
      state.mirrors.delete(client);
      if (state.unfilteredStealer === client) state.unfilteredStealer = null;
      state.filteredStealers.delete(client);
      if (this.dropIfEmpty(port, state)) emptied.push(port);
    }
    return emptied;
  }

  /** Subscriptions by kind over all ports (metrics). */
  get counts(): { mirror: number; filteredSteal: number; unfilteredSteal: number } {
    const counts = { mirror: 0, filteredSteal: 0, unfilteredSteal: 0 };
    for (const state of this.ports.values()) {
      counts.mirror += state.mirrors.size;
      counts.filteredSteal += state.filteredStealers.size;
      if (state.unfilteredStealer !== null) counts.unfilteredSteal++;
    }
    return counts;
  }

  private refuse(port: number, holder: ClientHandle): StealOutcome {
    const state = this.ports.get(port);
    if (state) this.dropIfEmpty(port, state);
    return { ok: false, holder };
  }

  private stateOf(port: number): PortState {
    let state = this.ports.get(port);
    if (!state) {
      state = emptyState();
      this.ports.set(port, state);
    }
    return state;
  }

  private dropIfEmpty(port: number, state: PortState): boolean {
    if (!isEmpty(state)) return false;
    this.ports.delete(port);
    return true;
  }
}
