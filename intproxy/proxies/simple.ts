/**
 * The simple sub-proxy (how-it-works.md §4.4): DNS lookups and environment requests, each a
 * request/reply pair matched FIFO (protocol.md §3.10, §3.11). DNS goes out as
 * `GetAddrInfoRequestV2` when the agent has it (≥1.15.0), else as the legacy request.
 *
 * @module
 */
import type { ProxyContext, SubProxy } from "./context.ts";
import type {
  GetAddrInfoRequestV2,
  GetAddrInfoResponse,
  GetEnvVarsRequest,
  LayerId,
  ResponseError,
} from "./_types.ts";
import { RequestQueue, SessionFailedError } from "../request_queue.ts";

type EnvReply = { Ok: Record<string, string> } | { Err: ResponseError };

/** DNS and env requests of layers. */
export class SimpleProxy implements SubProxy {
  readonly #ctx: ProxyContext;
  readonly #dns = new RequestQueue<GetAddrInfoResponse>("DNS");
  readonly #env = new RequestQueue<EnvReply>("environment");

  /** @param ctx the session */
  constructor(ctx: ProxyContext) {
    this.#ctx = ctx;
  }

  /**
   * A layer's `getaddrinfo`.
   *
   * @param layer the layer
   * @param messageId its message id
   * @param request the lookup
   */
  lookup(layer: LayerId, messageId: bigint, request: GetAddrInfoRequestV2): void {
    const reply = this.#dns.wait();
    this.#ctx.toAgent(
      this.#ctx.supports("ADDRINFO_V2_VERSION")
        ? { GetAddrInfoRequestV2: request }
        : { GetAddrInfoRequest: { node: request.node } },
    );
    reply.then((response) => {
      if ("Err" in response && isPermissionDenied(response.Err)) {
        this.#ctx.fail(
          "the agent is not allowed to resolve DNS names in the target " +
            "(permission denied) — set agent.privileged to true",
          true,
        );
        return;
      }
      this.#ctx.reply(layer, messageId, { GetAddrInfo: response });
    }, ignoreSessionFailure);
  }

  /**
   * A layer's remote environment request (`load_from_process`).
   *
   * @param layer the layer
   * @param messageId its message id
   * @param request include/exclude patterns
   */
  environment(layer: LayerId, messageId: bigint, request: GetEnvVarsRequest): void {
    const reply = this.#env.wait();
    this.#ctx.toAgent({ GetEnvVarsRequest: request });
    reply.then(
      (response) => this.#ctx.reply(layer, messageId, { GetEnv: response }),
      ignoreSessionFailure,
    );
  }

  /**
   * The agent's next DNS reply.
   *
   * @param response the reply
   * @throws {UnexpectedReplyError} when no lookup is outstanding
   */
  agentDnsReply(response: GetAddrInfoResponse): void {
    this.#dns.resolveNext(response);
  }

  /**
   * The agent's next environment reply.
   *
   * @param response the reply
   * @throws {UnexpectedReplyError} when no request is outstanding
   */
  agentEnvReply(response: EnvReply): void {
    this.#env.resolveNext(response);
  }

  forkLayer(): void {
    // Lookups carry no per-layer state.
  }

  dropLayer(): void {
    // Replies to a layer that left are dropped by the session.
  }

  shutdown(error: Error): void {
    this.#dns.rejectAll(error);
    this.#env.rejectAll(error);
  }
}

function isPermissionDenied(error: ResponseError): boolean {
  return typeof error === "object" && "DnsLookup" in error &&
    error.DnsLookup.kind === "PermissionDenied";
}

function ignoreSessionFailure(error: unknown): void {
  if (!(error instanceof SessionFailedError)) throw error;
}
