/**
 * Incoming traffic for every client of the agent: the `Tcp` (mirror) and `TcpSteal` (steal)
 * messages — subscriptions, stolen data and responses — on top of the redirector.
 *
 * Replies: every subscription gets `SubscribeResult(Ok(port))` once the port is redirected, or
 * `Err(…)`: `PortAlreadyStolen(port)` when another client's steal clashes
 * (port_subscriptions.ts), `Remote(BadHttpFilterExRegex(filter, why))` /
 * `Remote(BadHttpFilterRegex(regex, why))` for a filter the agent cannot compile, `RemoteIO` with
 * the iptables error when redirecting failed. A targetless agent refuses both features with a
 * `Close`, as mirrord does.
 *
 * @module
 */
import type { LayerTcp, LayerTcpSteal, ResponseError } from "../../protocol-wasm/mod.ts";
import type { ClientHandle, IncomingFeature } from "../client_handle.ts";
import type { Logger } from "../log.ts";
import type { AgentMetrics } from "../metrics.ts";
import { compileHttpFilter, HttpFilterError, type HttpMatcher } from "./http_filter.ts";
import type { IncomingSettings } from "./incoming_settings.ts";
import { MirrorFlows } from "./mirror.ts";
import { PortSubscriptions } from "./port_subscriptions.ts";
import type { Redirector } from "./redirector.ts";
import { serveRedirected } from "./redirected_connection.ts";
import { StealRegistry } from "./steal.ts";
import type { TrafficContext } from "./traffic_context.ts";

/** `Close` text for `Tcp(…)` on a targetless agent. */
export const TARGETLESS_MIRROR_REFUSAL =
  "Mirroring is not available in targetless mode: the agent has no target whose traffic it " +
  "could mirror — run with a target, or disable incoming traffic (feature.network.incoming)";
/** `Close` text for `TcpSteal(…)` on a targetless agent. */
export const TARGETLESS_STEAL_REFUSAL =
  "Stealing is not available in targetless mode: the agent has no target whose traffic it " +
  "could steal — run with a target, or disable incoming traffic (feature.network.incoming)";

/** Incoming traffic for a targetless agent: refused. */
export class TargetlessIncoming implements IncomingFeature {
  /** @param close ends a client's session with a `Close(reason)` */
  constructor(private readonly close: (client: ClientHandle, reason: string) => Promise<void>) {}

  async mirror(client: ClientHandle): Promise<void> {
    await this.close(client, TARGETLESS_MIRROR_REFUSAL);
  }

  async steal(client: ClientHandle): Promise<void> {
    await this.close(client, TARGETLESS_STEAL_REFUSAL);
  }

  release(): void {}
}

type SubscribeReply = { Ok: number } | { Err: ResponseError };

function ioError(message: string): ResponseError {
  return { RemoteIO: { raw_os_error: null, kind: { Unknown: message } } };
}

/** Mirror and steal of a targeted agent. */
export class IncomingTraffic implements IncomingFeature {
  private readonly ctx: TrafficContext;
  private nextId = 0n;
  private redirector!: Redirector;
  private openConnections = 0;
  private acceptedConnections = 0;

  /**
   * @param makeRedirector builds the redirector, given where accepted connections go
   * @param settings incoming settings
   * @param agentVersion the agent's version (502 bodies)
   * @param log the agent logger
   */
  constructor(
    makeRedirector: (onConnection: (conn: Deno.TcpConn, port: number) => void) => Redirector,
    settings: IncomingSettings,
    agentVersion: string,
    log: Logger,
  ) {
    this.ctx = {
      subscriptions: new PortSubscriptions(),
      steals: new StealRegistry(),
      mirrors: new MirrorFlows(),
      settings,
      log,
      agentVersion,
      nextConnectionId: () => this.nextId++,
      stats: { detected: { http1: 0, h2: 0, raw: 0 }, detectionTimeouts: 0 },
    };
    this.redirector = makeRedirector((conn, port) => {
      this.openConnections++;
      this.acceptedConnections++;
      serveRedirected(this.ctx, conn, port)
        .catch((error) => log.debug(`redirected connection on port ${port}: ${error}`))
        .finally(() => this.openConnections--);
    });
  }

  /** @param metrics where the incoming-traffic figures are exported */
  registerMetrics(metrics: AgentMetrics): void {
    const subscriptions = () => this.ctx.subscriptions.counts;
    metrics.gauge(
      "mirrord_agent_mirror_port_subscription_count",
      "mirror subscriptions (client, port)",
      () => subscriptions().mirror,
    );
    metrics.gauge(
      "mirrord_agent_steal_filtered_port_subscription_count",
      "filtered steal subscriptions (client, port)",
      () => subscriptions().filteredSteal,
    );
    metrics.gauge(
      "mirrord_agent_steal_unfiltered_port_subscription_count",
      "unfiltered steal subscriptions (client, port)",
      () => subscriptions().unfilteredSteal,
    );
    metrics.gauge(
      "mirrord_agent_mirror_connection_subscription_count",
      "flows being copied to mirroring clients",
      () => this.ctx.mirrors.count,
    );
    metrics.gauge(
      "mirrord_agent_redirected_connections_count",
      "redirected connections open in the agent",
      () => this.openConnections,
    );
    metrics.counter(
      "mirrord_agent_redirected_connections_total",
      "redirected connections accepted since the agent started",
      () => this.acceptedConnections,
    );
    for (const protocol of ["http1", "h2", "raw"] as const) {
      metrics.counter(
        `mirrord_agent_redirected_${protocol}_connections_total`,
        `redirected connections detected as ${protocol}`,
        () => this.ctx.stats.detected[protocol],
      );
    }
    metrics.counter(
      "mirrord_agent_detection_timeouts_total",
      "redirected connections taken for raw TCP because the peer sent nothing conclusive in time",
      () => this.ctx.stats.detectionTimeouts,
    );
    metrics.counter(
      "mirrord_agent_mirror_flows_total",
      "flows (raw connections, HTTP requests) whose copy a mirroring client started to receive",
      () => this.ctx.mirrors.started,
    );
    metrics.counter(
      "mirrord_agent_mirror_flows_dropped_total",
      "copied flows a mirroring client lost because it read too slowly",
      () => this.ctx.mirrors.dropped,
    );
  }

  /** Live flows (stolen connections, pending stolen requests, mirrored flows), for tests. */
  get flowCount(): number {
    return this.ctx.steals.count + this.ctx.mirrors.count;
  }

  mirror(client: ClientHandle, request: LayerTcp): Promise<void> | void {
    if ("PortSubscribe" in request || "PortSubscribeFilteredHttp" in request) {
      return this.subscribeMirror(client, request);
    }
    if ("PortUnsubscribe" in request) {
      const port = request.PortUnsubscribe;
      if (this.ctx.subscriptions.unsubscribeMirror(client, port)) this.redirector.release(port);
      return;
    }
    this.ctx.mirrors.unsubscribe(client, request.ConnectionUnsubscribe);
  }

  steal(client: ClientHandle, request: LayerTcpSteal): Promise<void> | void {
    if ("PortSubscribe" in request) return this.subscribeSteal(client, request.PortSubscribe);
    if ("PortUnsubscribe" in request) {
      const port = request.PortUnsubscribe;
      this.ctx.steals.closePort(client, port);
      if (this.ctx.subscriptions.unsubscribeSteal(client, port)) this.redirector.release(port);
      return;
    }
    return this.ctx.steals.handle(client, request);
  }

  private async subscribeMirror(
    client: ClientHandle,
    request: Extract<LayerTcp, { PortSubscribe: unknown } | { PortSubscribeFilteredHttp: unknown }>,
  ): Promise<void> {
    if ("PortSubscribe" in request) {
      const port = request.PortSubscribe;
      this.ctx.subscriptions.mirror(client, port, null);
      const result = await this.redirect(port);
      if ("Err" in result) this.ctx.subscriptions.unsubscribeMirror(client, port);
      return this.reply(client, "Tcp", result);
    }
    const [port, filter] = request.PortSubscribeFilteredHttp;
    const matcher = this.compile(() => compileHttpFilter(filter), (why) => ({
      Remote: { BadHttpFilterExRegex: [filter, why] },
    }));
    if ("Err" in matcher) return this.reply(client, "Tcp", matcher, port);
    this.ctx.subscriptions.mirror(client, port, matcher.Ok);
    const result = await this.redirect(port);
    if ("Err" in result) this.ctx.subscriptions.unsubscribeMirror(client, port);
    return this.reply(client, "Tcp", result);
  }

  private async subscribeSteal(
    client: ClientHandle,
    subscription: Extract<LayerTcpSteal, { PortSubscribe: unknown }>["PortSubscribe"],
  ): Promise<void> {
    let port: number;
    let matcher: { Ok: HttpMatcher | null } | { Err: ResponseError; why: string };
    if ("All" in subscription) {
      port = subscription.All;
      matcher = { Ok: null };
    } else if ("FilteredHttp" in subscription) {
      const [p, regex] = subscription.FilteredHttp;
      port = p;
      matcher = this.compile(() => compileHttpFilter({ Header: regex }), (why) => ({
        Remote: { BadHttpFilterRegex: [regex, why] },
      }));
    } else {
      const [p, filter] = subscription.FilteredHttpEx;
      port = p;
      matcher = this.compile(() => compileHttpFilter(filter), (why) => ({
        Remote: { BadHttpFilterExRegex: [filter, why] },
      }));
    }
    if ("Err" in matcher) return this.reply(client, "TcpSteal", matcher, port);
    const outcome = this.ctx.subscriptions.steal(client, port, matcher.Ok);
    if (!outcome.ok) {
      client.log(
        "Error",
        `Cannot steal port ${port}: another mirrord session (agent client ${outcome.holder.id}) ` +
          `already steals it${matcher.Ok === null ? "" : " without an HTTP filter"} — stop ` +
          `that session, or give both sessions HTTP filters`,
      );
      return this.reply(client, "TcpSteal", { Err: { PortAlreadyStolen: port } });
    }
    const result = await this.redirect(port);
    if ("Err" in result) this.ctx.subscriptions.unsubscribeSteal(client, port);
    return this.reply(client, "TcpSteal", result);
  }

  release(client: ClientHandle): void {
    for (const port of this.ctx.subscriptions.release(client)) this.redirector.release(port);
    this.ctx.steals.release(client);
    this.ctx.mirrors.release(client);
  }

  /** Removes every redirect (agent exit). */
  async shutdown(): Promise<void> {
    await this.redirector.shutdown();
  }

  private compile(
    build: () => HttpMatcher,
    refusal: (why: string) => ResponseError,
  ): { Ok: HttpMatcher } | { Err: ResponseError; why: string } {
    try {
      return { Ok: build() };
    } catch (error) {
      if (error instanceof HttpFilterError) {
        return { Err: refusal(error.message), why: error.message };
      }
      throw error;
    }
  }

  private async redirect(port: number): Promise<SubscribeReply> {
    try {
      await this.redirector.redirect(port);
      return { Ok: port };
    } catch (error) {
      const message = (error as Error).message;
      this.ctx.log.error(`Cannot redirect port ${port}: ${message}`);
      return { Err: ioError(`Cannot redirect port ${port}: ${message}`) };
    }
  }

  private reply(
    client: ClientHandle,
    channel: "Tcp" | "TcpSteal",
    result: SubscribeReply | { Err: ResponseError; why: string },
    port?: number,
  ): void {
    if ("why" in result) {
      client.log("Error", `Cannot use the HTTP filter of port ${port}: ${result.why}`);
    }
    const body = { SubscribeResult: "Ok" in result ? result : { Err: result.Err } };
    client.send(channel === "Tcp" ? { Tcp: body } : { TcpSteal: body });
  }
}
