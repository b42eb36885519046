/**
 * One stolen HTTP request: sent to its client in the newest format the client understands
 * (incoming_messages.ts) with the body streamed as it arrives (whole for clients older than
 * 1.7.0), and the client's response — `HttpResponseChunked` (Start, Body…, Error),
 * `HttpResponseFramed` or legacy `HttpResponse` — handed to the HTTP connection that owns the
 * peer. The sink queues the bytes for the peer and returns a promise only when the peer has too
 * much waiting: that promise reaches the client connection, which then stops reading the client
 * until the peer caught up.
 *
 * @module
 */
import type { HttpHeaders, HttpVersion, InternalHttpBodyFrame } from "../../protocol-wasm/mod.ts";
import type { ClientHandle } from "../client_handle.ts";
import {
  requestBody,
  requestError,
  type RequestFormat,
  requestFormat,
  type RequestHead,
  type RequestOrigin,
  requestStart,
  wholeRequest,
} from "./incoming_messages.ts";

/**
 * The peer side of a stolen request: where the client's response goes. Calls come in order;
 * a returned promise asks the client's link to wait (the peer is not keeping up).
 */
export interface ResponseSink {
  /** the response head; a 101 makes the request a raw connection afterwards ({@link upgrade}) */
  head(status: number, version: HttpVersion, headers: HttpHeaders): Promise<void> | void;
  /** body frames; `isLast` ends the response */
  frames(frames: InternalHttpBodyFrame[], isLast: boolean): Promise<void> | void;
  /** the client failed the request or left: the peer's connection is closed */
  fail(reason: string): void;
  /** after a 101 head: relay raw bytes with the client under the request's connection id */
  upgrade(client: ClientHandle, id: bigint): void;
}

/** A request delivered to one client, waiting for its response. */
export class StolenRequest {
  readonly format: RequestFormat;
  private readonly held: InternalHttpBodyFrame[] = [];
  private started = false;
  private finished = false;

  /**
   * @param client the stealing client
   * @param id the request's fresh connection id
   * @param head the request head
   * @param origin addresses and port
   * @param sink where the response goes
   * @param onDone called once the response ended, failed or was upgraded
   */
  constructor(
    readonly client: ClientHandle,
    readonly id: bigint,
    private readonly head: RequestHead,
    private readonly origin: RequestOrigin,
    private readonly sink: ResponseSink,
    private readonly onDone: (request: StolenRequest) => void,
  ) {
    this.format = requestFormat(client.version);
  }

  /** The target port the request came to. */
  get port(): number {
    return this.origin.port;
  }

  /**
   * Sends (part of) the request body; the first call sends the head.
   *
   * @param frames body frames
   * @param isLast whether the body ends here
   * @returns a promise when the producer should wait for room in the client's link
   */
  body(frames: InternalHttpBodyFrame[], isLast: boolean): Promise<void> | void {
    if (this.finished) return;
    if (this.format === "framed" || this.format === "legacy") {
      this.held.push(...frames);
      if (!isLast) return;
      this.client.send({
        TcpSteal: wholeRequest(this.format, this.id, this.head, this.held, this.origin.port),
      });
      return this.client.room() ?? undefined;
    }
    if (!this.started) {
      this.started = true;
      const v2Last = this.format === "chunked-v2" && isLast;
      this.client.send({
        TcpSteal: requestStart(this.format, this.id, this.head, frames, v2Last, this.origin),
      });
      // StartV1 has no is_last: a separate final Body ends the body.
      if (isLast && this.format === "chunked-v1") {
        this.client.send({ TcpSteal: requestBody(this.id, [], true) });
      }
    } else {
      this.client.send({ TcpSteal: requestBody(this.id, frames, isLast) });
    }
    return this.client.room() ?? undefined;
  }

  /**
   * The peer side broke off before the request was complete.
   *
   * @param reason why
   */
  abort(reason: string): void {
    if (this.finished) return;
    if (this.started && (this.format === "chunked-v2" || this.format === "chunked-v1")) {
      this.client.send({ TcpSteal: requestError(this.format, this.id, reason) });
    }
    this.done();
  }

  /**
   * The head of the client's response.
   *
   * @param status status code
   * @param version HTTP version
   * @param headers headers
   * @param frames first body frames
   * @param isLast whether the response is complete
   */
  respond(
    status: number,
    version: HttpVersion,
    headers: HttpHeaders,
    frames: InternalHttpBodyFrame[],
    isLast: boolean,
  ): Promise<void> | void {
    if (this.finished) return;
    if (status === 101) {
      const waiting = this.sink.head(status, version, headers);
      this.done();
      this.sink.upgrade(this.client, this.id);
      return waiting;
    }
    if (isLast) this.done();
    const head = this.sink.head(status, version, headers);
    if (frames.length === 0 && !isLast) return head;
    const body = this.sink.frames(frames, isLast);
    return body ?? head;
  }

  /**
   * More of the client's response body.
   *
   * @param frames body frames
   * @param isLast whether the response ends
   * @returns a promise when the client's link should wait for the peer
   */
  respondBody(frames: InternalHttpBodyFrame[], isLast: boolean): Promise<void> | void {
    if (this.finished) return;
    if (isLast) this.done();
    return this.sink.frames(frames, isLast);
  }

  /**
   * The client could not answer (error response, disconnect).
   *
   * @param reason why
   */
  fail(reason: string): void {
    if (this.finished) return;
    this.sink.fail(reason);
    this.done();
  }

  private done(): void {
    if (this.finished) return;
    this.finished = true;
    this.onDone(this);
  }
}
