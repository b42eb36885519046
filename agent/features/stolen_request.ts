/**
 * One stolen HTTP request: sent to its client in the newest format the client understands
 * (incoming_messages.ts) with the body streamed as it arrives (whole for clients older than
 * 1.7.0), and the client's response — `HttpResponseChunked` (Start, Body…, Error),
 * `HttpResponseFramed` or legacy `HttpResponse` — handed to the HTTP connection that owns the
 * peer, through a bounded queue so a slow peer never stalls the client's other traffic.
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
import { WriteQueue } from "./write_queue.ts";

/** The peer side of a stolen request: where the client's response goes. */
export interface ResponseSink {
  /** the response head; a 101 makes the request a raw connection afterwards ({@link upgrade}) */
  head(status: number, version: HttpVersion, headers: HttpHeaders): Promise<void>;
  /** body frames; `isLast` ends the response */
  frames(frames: InternalHttpBodyFrame[], isLast: boolean): Promise<void>;
  /** the client failed the request or left: the peer's connection is closed */
  fail(reason: string): void;
  /** after a 101 head: relay raw bytes with the client under the request's connection id */
  upgrade(client: ClientHandle, id: bigint): void;
}

function frameSize(frames: InternalHttpBodyFrame[]): number {
  let size = 0;
  for (const frame of frames) if ("Data" in frame) size += frame.Data.length;
  return size;
}

/** A request delivered to one client, waiting for its response. */
export class StolenRequest {
  readonly format: RequestFormat;
  private readonly held: InternalHttpBodyFrame[] = [];
  private readonly responses: WriteQueue;
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
    this.responses = new WriteQueue((error) => this.fail((error as Error).message));
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
   */
  async body(frames: InternalHttpBodyFrame[], isLast: boolean): Promise<void> {
    if (this.finished) return;
    if (this.format === "framed" || this.format === "legacy") {
      this.held.push(...frames);
      if (!isLast) return;
      await this.client.send({
        TcpSteal: wholeRequest(this.format, this.id, this.head, this.held, this.origin.port),
      });
      return;
    }
    if (!this.started) {
      this.started = true;
      const v2Last = this.format === "chunked-v2" && isLast;
      await this.client.send({
        TcpSteal: requestStart(this.format, this.id, this.head, frames, v2Last, this.origin),
      });
      // StartV1 has no is_last: a separate final Body ends the body.
      if (isLast && this.format === "chunked-v1") {
        await this.client.send({ TcpSteal: requestBody(this.id, [], true) });
      }
      return;
    }
    await this.client.send({ TcpSteal: requestBody(this.id, frames, isLast) });
  }

  /**
   * The peer side broke off before the request was complete.
   *
   * @param reason why
   */
  abort(reason: string): void {
    if (this.finished) return;
    if (this.started && (this.format === "chunked-v2" || this.format === "chunked-v1")) {
      this.client.send({ TcpSteal: requestError(this.format, this.id, reason) }).catch(() => {});
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
  async respond(
    status: number,
    version: HttpVersion,
    headers: HttpHeaders,
    frames: InternalHttpBodyFrame[],
    isLast: boolean,
  ): Promise<void> {
    if (this.finished) return;
    await this.responses.push(frameSize(frames), async () => {
      await this.sink.head(status, version, headers);
      if (status === 101) {
        this.done();
        this.sink.upgrade(this.client, this.id);
        return;
      }
      if (frames.length > 0 || isLast) await this.sink.frames(frames, isLast);
      if (isLast) this.done();
    });
  }

  /**
   * More of the client's response body.
   *
   * @param frames body frames
   * @param isLast whether the response ends
   */
  async respondBody(frames: InternalHttpBodyFrame[], isLast: boolean): Promise<void> {
    if (this.finished) return;
    await this.responses.push(frameSize(frames), async () => {
      await this.sink.frames(frames, isLast);
      if (isLast) this.done();
    });
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
