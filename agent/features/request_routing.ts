/**
 * Who gets one HTTP request on a redirected port (how-it-works §3.8.3, §3.9.3): the first
 * filtered stealer whose filter matches (other matching clients are warned), else the unfiltered
 * stealer, else nobody (passthrough); plus every mirroring client whose filter (if any) matches.
 * Clients too old for the message format a request needs are skipped with an error log.
 *
 * @module
 */
import type { ClientHandle } from "../client_handle.ts";
import type { RequestView } from "./http_filter.ts";
import { takesFilteredUpgrade, takesModeAgnosticHttp } from "./incoming_messages.ts";
import type { PortState } from "./port_subscriptions.ts";

/** Where a request goes. */
export interface Route {
  /** the client answering it, or null for passthrough */
  stealer: ClientHandle | null;
  /** clients receiving a copy */
  mirrors: ClientHandle[];
}

/**
 * @param state the port's subscriptions
 * @returns whether a filter on the port looks at bodies (they are buffered before routing)
 */
export function filtersNeedBody(state: PortState | undefined): boolean {
  if (!state) return false;
  for (const filter of state.filteredStealers.values()) if (filter.needsBody) return true;
  for (const filter of state.mirrors.values()) if (filter?.needsBody) return true;
  return false;
}

function describe(request: RequestView): string {
  return `${request.method} ${request.path}${request.query === null ? "" : `?${request.query}`}`;
}

/**
 * Routes one request.
 *
 * @param state the port's subscriptions (undefined: nobody subscribed)
 * @param request what filters look at
 * @param upgrade whether the request asks for a protocol upgrade
 * @returns the route
 */
export function routeRequest(
  state: PortState | undefined,
  request: RequestView,
  upgrade: boolean,
): Route {
  if (!state) return { stealer: null, mirrors: [] };
  let stealer: ClientHandle | null = null;
  for (const [client, filter] of state.filteredStealers) {
    if (!filter.matches(request)) continue;
    if (upgrade && !takesFilteredUpgrade(client.version)) {
      client.log(
        "Error",
        `An upgrade request ${describe(request)} matched your filter, but your mirrord version ` +
          `is too old to receive upgraded connections — update mirrord`,
      );
      continue;
    }
    if (stealer === null) stealer = client;
    else {
      client.log(
        "Warn",
        `The request ${describe(request)} matched your filter too, but another client got it`,
      );
    }
  }
  const unfiltered = state.unfilteredStealer;
  if (stealer === null && unfiltered !== null) {
    if (takesModeAgnosticHttp(unfiltered.version)) stealer = unfiltered;
    else {
      unfiltered.log(
        "Error",
        `The HTTP request ${describe(request)} was passed through to the target: your mirrord ` +
          `version is too old to receive HTTP traffic on an unfiltered steal — update mirrord`,
      );
    }
  }
  const mirrors: ClientHandle[] = [];
  for (const [client, filter] of state.mirrors) {
    if (filter !== null && !filter.matches(request)) continue;
    if (takesModeAgnosticHttp(client.version)) mirrors.push(client);
    else {
      client.log(
        "Error",
        `The HTTP request ${describe(request)} was not mirrored: your mirrord version is too ` +
          `old to receive mirrored HTTP traffic — update mirrord`,
      );
    }
  }
  return { stealer, mirrors };
}
