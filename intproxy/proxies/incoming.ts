/**
 * The incoming sub-proxy (how-it-works.md §4.4, protocol.md §3.4–3.7, §5.4): layers' listening
 * sockets become agent subscriptions (mirror → `Tcp`, steal → `TcpSteal`), and every connection or
 * HTTP request the agent delivers becomes a real local connection to the app's listener, whose
 * `ConnMetadata` tells the layer the remote peer to show in `accept`/`getpeername`.
 *
 * @module
 */
import type { ProxyContext, SubProxy } from "./context.ts";
import type {
  ChunkedRequest,
  ClientMessage,
  DaemonMessage,
  HttpFilter,
  HttpRequest,
  IncomingRequest,
  InternalHttpBodyFrame,
  LayerId,
  ListeningOn,
  NewTcpConnectionV1,
  PortSubscription,
} from "./_types.ts";
import { IncomingHttpRequest, type IncomingHttpStart } from "./incoming_http.ts";
import { ConnMetadataStore, formatAddress, ipOf } from "./incoming_metadata.ts";
import { IncomingRelay } from "./incoming_relay.ts";
import {
  type IncomingMode,
  type Subscription,
  SubscriptionTable,
} from "./incoming_subscriptions.ts";
import { type AppAddress, connectWithRetries, LocalHttpPool } from "./local_http_pool.ts";

type DaemonTcp = Extract<DaemonMessage, { Tcp: unknown }>["Tcp"];
type PortSubscribe = Extract<IncomingRequest, { PortSubscribe: unknown }>["PortSubscribe"];

const AGENT_BACKLOG_HIGH = 4 * 1024 * 1024;
const AGENT_BACKLOG_LOW = 1024 * 1024;

/** The gates a filter needs (protocol.md §4.2: the client refuses older agents). */
function filterGates(filter: HttpFilter): Parameters<ProxyContext["supports"]>[0][] {
  if ("Composite" in filter) {
    return ["HTTP_COMPOSITE_FILTER_VERSION", ...filter.Composite.filters.flatMap(filterGates)];
  }
  if ("Method" in filter) return ["HTTP_METHOD_FILTER_VERSION"];
  if ("Body" in filter) return ["HTTP_BODY_JSON_FILTER_VERSION"];
  if ("HeaderJq" in filter) return ["HTTP_HEADER_JQ_FILTER_VERSION"];
  return [];
}

/**
 * Where to connect for a listening socket: a wildcard address becomes loopback of its family.
 *
 * @param on the layer's listening socket
 * @returns the address
 */
export function appAddress(on: ListeningOn): AppAddress {
  if ("Hostname" in on) return { hostname: on.Hostname.host, port: on.Hostname.port };
  const port = Number(/:(\d+)$/.exec(on.Socket)![1]);
  const ip = ipOf(on.Socket);
  if (ip === "0.0.0.0") return { hostname: "127.0.0.1", port };
  if (ip === "::") return { hostname: "::1", port };
  return { hostname: ip, port };
}

/** Incoming traffic of every layer. */
export class IncomingProxy implements SubProxy {
  readonly #ctx: ProxyContext;
  readonly #table = new SubscriptionTable();
  readonly #metadata = new ConnMetadataStore();
  readonly #pool: LocalHttpPool;
  readonly #relays = new Map<string, IncomingRelay>();
  readonly #requests = new Map<string, IncomingHttpRequest>();
  #closed = false;

  /** @param ctx the session */
  constructor(ctx: ProxyContext) {
    this.#ctx = ctx;
    this.#pool = new LocalHttpPool(
      this.#metadata,
      ctx.config.experimental.idle_local_http_connection_timeout,
    );
  }

  /**
   * Handles one incoming request of a layer.
   *
   * @param layer the layer
   * @param messageId its message id
   * @param request the request
   */
  request(layer: LayerId, messageId: bigint, request: IncomingRequest): void {
    if ("PortSubscribe" in request) return this.#subscribe(layer, messageId, request.PortSubscribe);
    if ("PortUnsubscribe" in request) {
      const { port, listening_on } = request.PortUnsubscribe;
      for (const sub of this.#table.remove(layer, port, listening_on)) this.#unsubscribeAgent(sub);
      return;
    }
    this.#metadata.lookup(request.ConnMetadata).then((answer) =>
      this.#ctx.reply(layer, messageId, { Incoming: { ConnMetadata: answer } })
    );
  }

  #subscribe(layer: LayerId, messageId: bigint, request: PortSubscribe): void {
    const built = this.#agentRequest(request.subscription);
    if ("error" in built) {
      this.#ctx.log.error(`incoming: ${built.error}`, { listening_on: request.listening_on });
      this.#ctx.reply(layer, messageId, {
        Incoming: { PortSubscribe: { Err: "NotImplemented" } },
      });
      return;
    }
    const { mode, port, message } = built;
    const identity = JSON.stringify(message);
    const source = { layer, listeningOn: request.listening_on, waiting: messageId };
    const { sendToAgent, reply } = this.#table.add(mode, port, identity, source);
    this.#ctx.log.info("incoming: port subscription", {
      layer,
      mode,
      port,
      listening_on: request.listening_on,
    });
    if (sendToAgent) this.#ctx.toAgent(message);
    if (reply) {
      this.#ctx.reply(reply.layer, reply.messageId, {
        Incoming: { PortSubscribe: reply.result },
      });
    }
  }

  /** The agent-link message for a layer's subscription, after the version gates. */
  #agentRequest(
    subscription: PortSubscription,
  ): { mode: IncomingMode; port: number; message: ClientMessage } | { error: string } {
    const version = this.#ctx.supports("CLIENT_READY_FOR_LOGS") ? "" : " (a very old agent)";
    if ("Steal" in subscription) {
      const steal = subscription.Steal;
      const [port, filter] = "All" in steal
        ? [steal.All, null]
        : "FilteredHttpEx" in steal
        ? steal.FilteredHttpEx
        : [steal.FilteredHttp[0], null];
      const missing = filter ? filterGates(filter).filter((g) => !this.#ctx.supports(g)) : [];
      if (missing.length > 0) {
        return {
          error: `the agent${version} is too old for this HTTP filter (needs ${missing[0]}); ` +
            `port ${port} stays local — update the agent image or simplify the filter`,
        };
      }
      return { mode: "steal", port, message: { TcpSteal: { PortSubscribe: steal } } };
    }
    const mirror = subscription.Mirror;
    if ("All" in mirror) {
      return { mode: "mirror", port: mirror.All, message: { Tcp: { PortSubscribe: mirror.All } } };
    }
    const [port, filter] = mirror.FilteredHttp;
    if (!this.#ctx.supports("MIRROR_HTTP_FILTER_VERSION")) {
      this.#ctx.log.warn(
        "incoming: the agent cannot filter mirrored HTTP (needs protocol 1.21.1); " +
          `mirroring all traffic of port ${port}`,
      );
      return { mode: "mirror", port, message: { Tcp: { PortSubscribe: port } } };
    }
    const missing = filterGates(filter).filter((g) => !this.#ctx.supports(g));
    if (missing.length > 0) {
      return {
        error: `the agent is too old for this HTTP filter (needs ${missing[0]}); ` +
          `port ${port} stays local — update the agent image or simplify the filter`,
      };
    }
    return {
      mode: "mirror",
      port,
      message: { Tcp: { PortSubscribeFilteredHttp: [port, filter] } },
    };
  }

  #unsubscribeAgent(sub: Subscription): void {
    this.#ctx.log.info("incoming: port unsubscribed", { mode: sub.mode, port: sub.port });
    this.#ctx.toAgent(
      sub.mode === "steal"
        ? { TcpSteal: { PortUnsubscribe: sub.port } }
        : { Tcp: { PortUnsubscribe: sub.port } },
    );
  }

  /**
   * Agent mirror (`Tcp`) or steal (`TcpSteal`) traffic.
   *
   * @param mode which of the two
   * @param message the message
   */
  agentMessage(mode: IncomingMode, message: DaemonTcp): void {
    if (this.#closed) return;
    if ("SubscribeResult" in message) return this.#settle(mode, message.SubscribeResult);
    if ("NewConnectionV2" in message) {
      return this.#newConnection(mode, message.NewConnectionV2.connection);
    }
    if ("NewConnectionV1" in message) return this.#newConnection(mode, message.NewConnectionV1);
    if ("Data" in message) {
      const { connection_id, bytes } = message.Data;
      this.#relays.get(`${mode}:${connection_id}`)?.fromAgent(bytes);
      return;
    }
    if ("Close" in message) {
      const key = `${mode}:${message.Close.connection_id}`;
      this.#relays.get(key)?.agentClosed();
      this.#requests.get(key)?.body.fail(new Error("the agent closed the request"));
      return;
    }
    if ("HttpRequestChunked" in message) return this.#chunked(mode, message.HttpRequestChunked);
    if ("HttpRequestFramed" in message) {
      return this.#whole(
        mode,
        message.HttpRequestFramed,
        message.HttpRequestFramed.internal_request.body,
      );
    }
    const legacy = message.HttpRequest;
    this.#whole(mode, legacy, [{ Data: legacy.internal_request.body }]);
  }

  #settle(mode: IncomingMode, result: { Ok: number } | { Err: unknown }): void {
    const settled = this.#table.settle(mode, result as Parameters<SubscriptionTable["settle"]>[1]);
    if ("Err" in result) {
      this.#ctx.log.warn("incoming: the agent refused a port subscription", {
        mode,
        port: settled.subscription?.port,
        error: result.Err,
      });
    } else if (settled.subscription) {
      this.#ctx.log.info("incoming: the agent subscribed the port", { mode, port: result.Ok });
    }
    for (const reply of settled.replies) {
      this.#ctx.reply(reply.layer, reply.messageId, { Incoming: { PortSubscribe: reply.result } });
    }
  }

  #target(mode: IncomingMode, port: number): AppAddress | null {
    const sub = this.#table.get(mode, port);
    const source = sub?.sources.at(-1);
    return source ? appAddress(source.listeningOn) : null;
  }

  #connectionUnsubscribe(mode: IncomingMode, id: bigint): void {
    this.#ctx.toAgent(
      mode === "steal"
        ? { TcpSteal: { ConnectionUnsubscribe: id } }
        : { Tcp: { ConnectionUnsubscribe: id } },
    );
  }

  #relay(mode: IncomingMode, id: bigint): IncomingRelay {
    const key = `${mode}:${id}`;
    const relay = new IncomingRelay(mode, {
      send: (bytes) => this.#ctx.toAgent({ TcpSteal: { Data: { connection_id: id, bytes } } }),
      unsubscribe: () => this.#connectionUnsubscribe(mode, id),
      room: () =>
        this.#ctx.agentBacklog() > AGENT_BACKLOG_HIGH
          ? this.#ctx.agentDrained(AGENT_BACKLOG_LOW)
          : Promise.resolve(),
    });
    this.#relays.set(key, relay);
    relay.done.then(() => {
      if (this.#relays.get(key) === relay) this.#relays.delete(key);
    });
    return relay;
  }

  #newConnection(mode: IncomingMode, connection: NewTcpConnectionV1): void {
    const id = connection.connection_id;
    const app = this.#target(mode, connection.destination_port);
    if (!app) {
      this.#ctx.log.debug("incoming: connection for a port no longer subscribed", {
        mode,
        port: connection.destination_port,
      });
      return this.#connectionUnsubscribe(mode, id);
    }
    const relay = this.#relay(mode, id);
    const metadata = {
      remote_source: formatAddress(connection.remote_address, connection.source_port),
      local_address: connection.local_address,
    };
    connectWithRetries(() =>
      this.#metadata.connect(
        () => Deno.connect({ hostname: app.hostname, port: app.port }),
        metadata,
      )
    ).then(({ conn, forget }) => {
      conn.setNoDelay(true);
      relay.done.then(forget);
      relay.attach(conn);
    }, (error) => {
      this.#ctx.log.warn("incoming: cannot connect to the local app", {
        mode,
        app: formatAddress(app.hostname, app.port),
        error: (error as Error).message,
      });
      relay.abort();
      if (!this.#closed) this.#connectionUnsubscribe(mode, id);
    });
  }

  #chunked(mode: IncomingMode, message: ChunkedRequest): void {
    if ("StartV2" in message) {
      const { connection_id, request_id, request, metadata } = message.StartV2;
      const { source, destination } = metadata.V1;
      return this.#startRequest({
        mode,
        connectionId: connection_id,
        requestId: request_id,
        port: Number(/:(\d+)$/.exec(destination)?.[1] ?? 0),
        method: request.method,
        uri: request.uri,
        version: request.version,
        headers: request.headers,
        frames: request.body.frames,
        isLast: request.body.is_last,
        metadata: { remote_source: source, local_address: ipOf(destination) },
      });
    }
    if ("StartV1" in message) {
      return this.#whole(mode, message.StartV1, message.StartV1.internal_request.body, false);
    }
    if ("Body" in message) {
      const { connection_id, frames, is_last } = message.Body;
      this.#requests.get(`${mode}:${connection_id}`)?.body.push(frames, is_last);
      return;
    }
    const [id, reason] = "ErrorV2" in message
      ? [message.ErrorV2.connection_id, message.ErrorV2.error_message]
      : [message.ErrorV1.connection_id, "the agent aborted the request"];
    this.#requests.get(`${mode}:${id}`)?.body.fail(new Error(reason));
  }

  #whole<B>(
    mode: IncomingMode,
    request: HttpRequest<B>,
    frames: InternalHttpBodyFrame[],
    isLast = true,
  ): void {
    const r = request.internal_request;
    this.#startRequest({
      mode,
      connectionId: request.connection_id,
      requestId: request.request_id,
      port: request.port,
      method: r.method,
      uri: r.uri,
      version: r.version,
      headers: r.headers,
      frames,
      isLast,
      metadata: null,
    });
  }

  #startRequest(start: IncomingHttpStart): void {
    const app = this.#target(start.mode, start.port);
    if (!app) {
      this.#ctx.log.debug("incoming: request for a port no longer subscribed", {
        mode: start.mode,
        port: start.port,
      });
      return this.#connectionUnsubscribe(start.mode, start.connectionId);
    }
    if (this.#ctx.log.enabled("debug")) {
      this.#ctx.log.debug("incoming: request", {
        mode: start.mode,
        port: start.port,
        method: start.method,
        uri: start.uri,
        version: start.version,
      });
    }
    const key = `${start.mode}:${start.connectionId}`;
    const request = new IncomingHttpRequest(this.#ctx, this.#pool, start);
    this.#requests.set(key, request);
    request.run(app, (conn, early) => {
      this.#requests.delete(key);
      this.#relay(start.mode, start.connectionId).attach(conn, early);
    }).catch((error) => {
      this.#ctx.log.error("incoming: request delivery failed (this is a bug, please report it)", {
        error: (error as Error).message,
      });
    }).finally(() => {
      if (this.#requests.get(key) === request) this.#requests.delete(key);
    });
  }

  forkLayer(parent: LayerId, child: LayerId): void {
    this.#table.fork(parent, child);
  }

  dropLayer(layer: LayerId): void {
    for (const sub of this.#table.dropLayer(layer)) this.#unsubscribeAgent(sub);
  }

  shutdown(): void {
    this.#closed = true;
    for (const relay of this.#relays.values()) relay.abort();
    this.#relays.clear();
    for (const request of this.#requests.values()) request.cancel();
    this.#requests.clear();
    this.#pool.close();
  }
}
