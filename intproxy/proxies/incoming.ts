/**
 * The incoming sub-proxy's place (mirror / steal, issue 6). Until it is built the intproxy takes
 * no port subscriptions: a layer's `PortSubscribe` is answered `Err(NotImplemented)` (its app's
 * listener then stays a plain local one), `PortUnsubscribe` has nothing to undo, and the agent's
 * `Tcp` / `TcpSteal` traffic — which it only sends after a subscription — is logged and dropped.
 *
 * @module
 */
import type { ProxyContext, SubProxy } from "./context.ts";
import type { DaemonMessage, IncomingRequest, LayerId } from "./_types.ts";

type DaemonTcp = Extract<DaemonMessage, { Tcp: unknown }>["Tcp"];

/** Incoming traffic of every layer. */
export class IncomingProxy implements SubProxy {
  readonly #ctx: ProxyContext;
  #warned = false;

  /** @param ctx the session */
  constructor(ctx: ProxyContext) {
    this.#ctx = ctx;
  }

  /**
   * Handles one incoming request of a layer.
   *
   * @param layer the layer
   * @param messageId its message id
   * @param request the request
   */
  request(layer: LayerId, messageId: bigint, request: IncomingRequest): void {
    if ("PortSubscribe" in request) {
      if (!this.#warned) {
        this.#warned = true;
        this.#ctx.log.warn(
          "incoming: port subscriptions are not supported by this intproxy yet; " +
            "listening sockets stay local",
          { listening_on: request.PortSubscribe.listening_on },
        );
      }
      this.#ctx.reply(layer, messageId, { Incoming: { PortSubscribe: { Err: "NotImplemented" } } });
    } else if ("ConnMetadata" in request) {
      // Only connections this proxy delivered have metadata, and it delivers none.
      this.#ctx.log.warn("incoming: connection metadata asked for an unknown connection", {
        request: request.ConnMetadata,
      });
      this.#ctx.reply(layer, messageId, {
        Incoming: {
          ConnMetadata: {
            remote_source: request.ConnMetadata.peer_address,
            local_address: request.ConnMetadata.listener_address.replace(/:\d+$/, "")
              .replace(/^\[(.*)\]$/, "$1"),
          },
        },
      });
    }
  }

  /**
   * Agent mirror (`Tcp`) or steal (`TcpSteal`) traffic.
   *
   * @param mode which of the two
   * @param message the message
   */
  agentMessage(mode: "mirror" | "steal", message: DaemonTcp): void {
    this.#ctx.log.warn("incoming: traffic from the agent without a subscription, dropped", {
      mode,
      variant: Object.keys(message)[0],
    });
  }

  forkLayer(): void {
    // No subscriptions to inherit.
  }

  dropLayer(): void {
    // No subscriptions to remove.
  }

  shutdown(): void {
    // Nothing is waiting.
  }
}
