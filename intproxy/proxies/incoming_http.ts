/**
 * One HTTP request from the agent (stolen or mirrored) delivered to the user app through the pool:
 * HTTP/1 requests over HTTP/1, HTTP/2 ones over h2c. The request body streams in from the agent's
 * `Body` messages; a stolen request's response streams back as `HttpResponseChunked` (agent
 * ≥1.8.1), or whole as `HttpResponseFramed` (≥1.3.0) / legacy `HttpResponse`. A failure before the
 * response becomes a `502` with a mirrord message; one in the middle of a body aborts it
 * (`Error`). A `101` hands the socket to a raw relay. Mirrored requests' responses are read and
 * dropped.
 *
 * @module
 */
import type { ProxyContext } from "./context.ts";
import type {
  ClientMessage,
  ConnMetadataResponse,
  HttpHeaders,
  HttpVersion,
  InternalHttpBodyFrame,
  LayerTcpSteal,
} from "./_types.ts";
import { BodyQueue } from "./body_queue.ts";
import { joinBytes } from "../../cli/join_bytes.ts";
import type { IncomingMode } from "./incoming_subscriptions.ts";
import type { AppAddress, Exchange, LocalHttpPool } from "./local_http_pool.ts";
import { validFieldName, validFieldValue } from "./local_http1.ts";

const AGENT_BACKLOG_HIGH = 4 * 1024 * 1024;
const AGENT_BACKLOG_LOW = 1024 * 1024;
/** Small responses with a known length are sent in one piece after their head. */
const GATHER_LIMIT = 64 * 1024;
const encoder = new TextEncoder();

/** A request as the agent started it. */
export interface IncomingHttpStart {
  mode: IncomingMode;
  connectionId: bigint;
  requestId: number;
  /** the remote port it came to */
  port: number;
  method: string;
  uri: string;
  version: HttpVersion;
  headers: HttpHeaders;
  frames: InternalHttpBodyFrame[];
  isLast: boolean;
  /** the remote peer and the pod address (StartV2 metadata), when known */
  metadata: ConnMetadataResponse | null;
}

/** What happens to the socket after a `101`. */
export type UpgradeHandler = (conn: Deno.TcpConn, early: Uint8Array) => void;

/** The response format the agent understands. */
type Format = "chunked" | "framed" | "legacy";

/** Header fields the agent link cannot carry (trap 18) are dropped rather than kill the link. */
function safeHeaders(headers: HttpHeaders): HttpHeaders {
  return headers.filter(([name, value]) => validFieldName(name) && validFieldValue(value));
}

/** One request in flight. */
export class IncomingHttpRequest {
  /** the rest of the request body, fed by the agent's `Body` messages */
  readonly body = new BodyQueue();
  readonly #ctx: ProxyContext;
  readonly #pool: LocalHttpPool;
  readonly #start: IncomingHttpStart;
  readonly #format: Format;
  #cancelled = false;

  /**
   * @param ctx the session
   * @param pool the HTTP clients to the app
   * @param start the request head
   */
  constructor(ctx: ProxyContext, pool: LocalHttpPool, start: IncomingHttpStart) {
    this.#ctx = ctx;
    this.#pool = pool;
    this.#start = start;
    this.#format = ctx.supports("HTTP_CHUNKED_RESPONSE_VERSION")
      ? "chunked"
      : ctx.supports("HTTP_FRAMED_VERSION")
      ? "framed"
      : "legacy";
    if (start.isLast) this.body.push([], true);
  }

  /** The session ended: stop answering. */
  cancel(): void {
    this.#cancelled = true;
    this.body.fail(new Error("the intproxy is exiting"));
  }

  /**
   * Delivers the request and relays the response.
   *
   * @param app where the app listens
   * @param onUpgrade takes the socket after a `101`
   */
  async run(app: AppAddress, onUpgrade: UpgradeHandler): Promise<void> {
    const s = this.#start;
    let exchange: Exchange;
    try {
      exchange = await this.#send(app);
    } catch (error) {
      const reason = (error as Error).message;
      this.#ctx.log.warn("incoming: the local app did not answer a request", {
        mode: s.mode,
        port: s.port,
        app: `${app.hostname}:${app.port}`,
        method: s.method,
        uri: s.uri,
        error: reason,
      });
      if (s.mode === "steal") this.#errorResponse(app, reason);
      return;
    }
    const { response } = exchange;
    if (s.mode === "mirror") {
      if (response.upgrade) onUpgrade(response.upgrade.conn, response.upgrade.early);
      for await (const _ of response.body) {
        // Mirrored responses go nowhere.
      }
      await exchange.done;
      return;
    }
    if (response.upgrade) {
      this.#respondStart(response.status, response.version, response.headers, []);
      onUpgrade(response.upgrade.conn, response.upgrade.early);
      return;
    }
    if (response.whole) {
      this.#whole(response.status, response.version, response.headers, response.whole);
    } else {
      await this.#relayResponse(response.status, response.version, response.headers, response.body);
    }
    await exchange.done; // the request body may still be streaming to the app
  }

  #send(app: AppAddress): Promise<Exchange> {
    const s = this.#start;
    const frames = s.frames.concat(this.body.takeAvailable());
    const rest = this.body.ended && !this.body.failed ? null : this.body;
    if (s.version === "HTTP/2.0") {
      return this.#pool.sendH2(
        app,
        { method: s.method, uri: s.uri, headers: s.headers, frames, rest },
        s.metadata,
      );
    }
    return this.#pool.sendHttp1(app, {
      method: s.method,
      target: s.uri,
      version: s.version === "HTTP/1.0" ? "HTTP/1.0" : "HTTP/1.1",
      headers: s.headers,
      frames,
      rest,
    }, s.metadata);
  }

  async #relayResponse(
    status: number,
    version: HttpVersion,
    headers: HttpHeaders,
    body: AsyncIterable<InternalHttpBodyFrame>,
  ): Promise<void> {
    const length = Number(headers.find(([n]) => n.toLowerCase() === "content-length")?.[1]);
    const gather = this.#format !== "chunked" ||
      (Number.isFinite(length) && length <= GATHER_LIMIT);
    const held: InternalHttpBodyFrame[] = [];
    let started = false;
    try {
      if (!gather) {
        this.#respondStart(status, version, headers, []);
        started = true;
      }
      for await (const frame of body) {
        if (this.#cancelled) return;
        if (gather) {
          held.push(frame);
          continue;
        }
        if (this.#ctx.agentBacklog() > AGENT_BACKLOG_HIGH) {
          await this.#ctx.agentDrained(AGENT_BACKLOG_LOW);
        }
        this.#respondBody([frame], false);
      }
    } catch (error) {
      if (this.#cancelled) return;
      this.#ctx.log.warn("incoming: the local app's response broke off", {
        port: this.#start.port,
        uri: this.#start.uri,
        error: (error as Error).message,
      });
      if (started) this.#steal({ HttpResponseChunked: { Error: this.#ids() } });
      else this.#errorResponse(null, (error as Error).message);
      return;
    }
    if (this.#cancelled) return;
    if (gather) {
      this.#whole(status, version, headers, held);
      return;
    }
    this.#respondBody([], true);
  }

  #ids(): { connection_id: bigint; request_id: number } {
    return { connection_id: this.#start.connectionId, request_id: this.#start.requestId };
  }

  #steal(message: LayerTcpSteal): void {
    if (!this.#cancelled) this.#ctx.toAgent({ TcpSteal: message } as ClientMessage);
  }

  #respondStart(
    status: number,
    version: HttpVersion,
    headers: HttpHeaders,
    frames: InternalHttpBodyFrame[],
  ): void {
    this.#steal({
      HttpResponseChunked: {
        Start: {
          port: this.#start.port,
          ...this.#ids(),
          internal_response: { status, version, headers: safeHeaders(headers), body: frames },
        },
      },
    });
  }

  #respondBody(frames: InternalHttpBodyFrame[], isLast: boolean): void {
    this.#steal({ HttpResponseChunked: { Body: { frames, is_last: isLast, ...this.#ids() } } });
  }

  /** A whole response in the agent's format. */
  #whole(
    status: number,
    version: HttpVersion,
    headers: HttpHeaders,
    frames: InternalHttpBodyFrame[],
  ): void {
    const head = { port: this.#start.port, ...this.#ids() };
    const clean = safeHeaders(headers);
    if (this.#format === "chunked") {
      this.#respondStart(status, version, clean, frames);
      this.#respondBody([], true);
    } else if (this.#format === "framed") {
      this.#steal({
        HttpResponseFramed: {
          ...head,
          internal_response: { status, version, headers: clean, body: frames },
        },
      });
    } else {
      const body = joinBytes(frames.flatMap((f) => "Data" in f ? [f.Data] : []));
      this.#steal({
        HttpResponse: { ...head, internal_response: { status, version, headers: clean, body } },
      });
    }
  }

  #errorResponse(app: AppAddress | null, reason: string): void {
    const where = app ? ` on ${app.hostname}:${app.port}` : "";
    const text = `mirrord: the local application${where} did not answer this request: ${reason}\n`;
    const version = this.#start.version === "HTTP/2.0" ? "HTTP/2.0" : "HTTP/1.1";
    const payload = encoder.encode(text);
    this.#whole(502, version, [
      ["content-type", "text/plain; charset=utf-8"],
      ["content-length", String(payload.length)],
    ], [{ Data: payload }]);
  }
}
