/**
 * An HTTP/1 connection on a redirected port, served one request at a time (pipelined requests
 * wait in the reader): each request is routed on its own (request_routing.ts) — to a stealing
 * client, whose response is written back here, or unchanged (raw head and body bytes) to the
 * target's server over one upstream connection kept for the whole keep-alive connection — and
 * copied to mirroring clients. Bodies stream in both directions without being buffered whole
 * (except up to `MIRRORD_MAX_BODY_BUFFER_SIZE` when a body filter needs them). After a 101 the
 * connection becomes raw: stolen (relayed with the client) or spliced with the server.
 *
 * @module
 */
import type { ClientHandle } from "../client_handle.ts";
import type { HttpHeaders, HttpVersion, InternalHttpBodyFrame } from "../../protocol-wasm/mod.ts";
import type { ByteBudget } from "./byte_budget.ts";
import type { ConnReader } from "./conn_reader.ts";
import { type RequestView, splitTarget } from "./http_filter.ts";
import {
  BodyDecoder,
  closesConnection,
  expectsContinue,
  type Http1Head,
  HttpParseError,
  isUpgradeRequest,
  parseHead,
  requestFraming,
  responseFraming,
} from "./http1_parser.ts";
import {
  chunkHeader,
  CRLF,
  headerValueBytes,
  lastChunk,
  NO_CACHE,
  responseHead,
  simpleResponse,
  withHeaders,
} from "./http1_writer.ts";
import type { RequestHead, RequestOrigin } from "./incoming_messages.ts";
import { MirroredRequest } from "./mirror.ts";
import { type BufferedSocket, connectOriginal, splice, SPLICE_QUEUE_LIMIT } from "./passthrough.ts";
import { filtersNeedBody, routeRequest } from "./request_routing.ts";
import { SocketWriter } from "./socket_writer.ts";
import { PEER_QUEUE_LIMIT, StolenConnection } from "./stolen_connection.ts";
import { type ResponseSink, StolenRequest } from "./stolen_request.ts";
import { type ConnectionMeta, originOf, type TrafficContext } from "./traffic_context.ts";
import { joinBytes } from "../../cli/join_bytes.ts";

const CONTINUE = new TextEncoder().encode("HTTP/1.1 100 Continue\r\n\r\n");
const EMPTY = new Uint8Array(0);

/**
 * A body chunk as read: raw bytes for passthrough, frames for clients. Both are views into the
 * reader's buffer, valid until it reads again (see conn_reader.ts), unless {@link kept}.
 */
interface BodyPiece {
  raw: Uint8Array;
  frames: InternalHttpBodyFrame[];
  done: boolean;
}

const LAST_PIECE: BodyPiece = { raw: EMPTY, frames: [], done: true };

/** How a request's exchange ended. */
type Outcome = "keep-alive" | "close" | "handed-off";

function lowerHeaders(headers: [string, string][]): HttpHeaders {
  return headers.map(([name, value]) => [name.toLowerCase(), wireValue(value)]);
}

/** Lower-cased headers → what the facade sends; the same list when every value is ASCII. */
function wireHeaders(lowered: [string, string][]): HttpHeaders {
  for (const [, value] of lowered) {
    if (wireValue(value) !== value) return lowered.map(([name, v]) => [name, wireValue(v)]);
  }
  return lowered;
}

/** Latin-1 text of raw header bytes → the value the facade sends (bytes when not ASCII). */
function wireValue(value: string): string | Uint8Array {
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) > 0x7e) return Uint8Array.from(value, (c) => c.charCodeAt(0));
  }
  return value;
}

function framesOf(
  data: Uint8Array[],
  trailers: [string, string][] | null,
): InternalHttpBodyFrame[] {
  const frames: InternalHttpBodyFrame[] = [];
  for (const d of data) if (d.length > 0) frames.push({ Data: d });
  if (trailers) frames.push({ Trailers: lowerHeaders(trailers) });
  return frames;
}

/** A copy of a piece that must outlive the reader's next read. */
function kept(piece: BodyPiece): BodyPiece {
  return {
    raw: piece.raw.slice(),
    frames: piece.frames.map((frame) => "Data" in frame ? { Data: frame.Data.slice() } : frame),
    done: piece.done,
  };
}

/** One message body, piece by piece: synchronously while the reader holds bytes. */
class BodyReader {
  /**
   * @param reader where the body comes from
   * @param decoder its framing
   */
  constructor(private readonly reader: ConnReader, readonly decoder: BodyDecoder) {}

  /** @returns the next piece made of buffered bytes, or null when more must be read */
  take(): BodyPiece | null {
    if (this.decoder.done) return LAST_PIECE;
    const buffered = this.reader.buffered;
    if (buffered.length === 0) return null;
    const progress = this.decoder.push(buffered);
    if (progress.consumed === 0 && !progress.done) return null;
    const frames = framesOf(progress.data, progress.trailers);
    return { raw: this.reader.consume(progress.consumed), frames, done: progress.done };
  }

  /** @returns the next piece, reading as needed */
  async next(): Promise<BodyPiece> {
    while (true) {
      const piece = this.take();
      if (piece) return piece;
      if (await this.reader.fill() === "eof") {
        if (!this.decoder.done && !this.decoder.untilClose) {
          throw new HttpParseError("connection closed inside a body");
        }
        return LAST_PIECE;
      }
    }
  }
}

/** A request body: the pieces a body filter already read, then the rest from the reader. */
class RequestBody {
  constructor(private readonly early: BodyPiece[], private readonly body: BodyReader) {}

  /** @returns the next piece; synchronously when it is already here */
  next(): BodyPiece | Promise<BodyPiece> {
    return this.early.shift() ?? this.body.take() ?? this.body.next();
  }
}

/** A redirected HTTP/1 connection. */
export class Http1Connection {
  private server: BufferedSocket | null = null;
  private handedOff = false;
  private readonly out: SocketWriter;
  private response: Http1ResponseWriter | null = null;
  private readonly origin: RequestOrigin;

  /**
   * @param ctx agent-wide incoming state
   * @param reader the peer's connection
   * @param meta its addresses
   */
  constructor(
    private readonly ctx: TrafficContext,
    private readonly reader: ConnReader,
    private readonly meta: ConnectionMeta,
  ) {
    this.out = new SocketWriter(reader.conn, () => this.response?.fail());
    this.origin = originOf(meta);
  }

  /** Serves requests until the connection ends. */
  async serve(): Promise<void> {
    try {
      while (true) {
        const head = await this.readHead(this.reader, "request");
        if (head === null) break;
        const outcome = await this.exchange(head);
        if (outcome !== "keep-alive" || this.out.closed) break;
      }
    } catch (error) {
      if (error instanceof HttpParseError) {
        this.out.write(simpleResponse(400, `${error.message}\n`));
      }
      this.ctx.log.debug(`HTTP/1 connection on port ${this.meta.port} ended: ${error}`);
    } finally {
      if (!this.handedOff) {
        await this.out.drained();
        this.out.close();
        this.server?.writer.close();
      }
    }
  }

  private async readHead(
    reader: ConnReader,
    kind: "request" | "response",
  ): Promise<Http1Head | null> {
    while (true) {
      const parsed = parseHead(reader.buffered, kind);
      if (parsed) {
        reader.consume(parsed.length);
        return parsed.head;
      }
      if (await reader.fill() === "eof") {
        if (reader.buffered.some((b) => b !== 0x0d && b !== 0x0a)) {
          throw new HttpParseError(`connection closed inside a ${kind} head`);
        }
        return null;
      }
    }
  }

  private async exchange(head: Http1Head): Promise<Outcome> {
    const framing = requestFraming(head);
    const upgrade = isUpgradeRequest(head);
    const { path, query } = splitTarget(head.target);
    const headers = head.headers.map(([n, v]) => [n.toLowerCase(), v] as [string, string]);
    const view: RequestView = { method: head.method, path, query, headers, body: null };
    const state = this.ctx.subscriptions.get(this.meta.port);
    const body = new BodyReader(this.reader, new BodyDecoder(framing));
    const early: BodyPiece[] = [];
    let continued = false;
    if (filtersNeedBody(state) && framing.kind !== "none") {
      head.raw = head.raw.slice(); // the reader reads on before the head is forwarded
      if (expectsContinue(head)) this.out.write(CONTINUE);
      continued = true;
      view.body = await this.bufferBody(body, early);
    }
    const route = routeRequest(state, view, upgrade);
    const wireHead: RequestHead = {
      method: head.method,
      uri: head.target,
      headers: wireHeaders(headers),
      version: head.version as HttpVersion,
    };
    const mirrors = route.mirrors.map((client) =>
      new MirroredRequest(
        client,
        this.ctx.nextConnectionId(),
        wireHead,
        this.origin,
        this.ctx.mirrors,
      )
    );
    const pieces = new RequestBody(early, body);
    if (route.stealer) {
      const sendContinue = !continued && expectsContinue(head) && framing.kind !== "none";
      return await this.steal(route.stealer, head, wireHead, pieces, mirrors, sendContinue);
    }
    return await this.passThrough(head, pieces, mirrors);
  }

  /** Buffers up to the body-filter limit; what was read is replayed by {@link RequestBody}. */
  private async bufferBody(body: BodyReader, early: BodyPiece[]): Promise<Uint8Array> {
    const deadline = Date.now() + this.ctx.settings.maxBodyBufferMs;
    const data: Uint8Array[] = [];
    let size = 0;
    while (!body.decoder.done && size < this.ctx.settings.maxBodyBuffer && Date.now() < deadline) {
      const timeLeft = deadline - Date.now();
      if (this.reader.buffered.length === 0 && await this.reader.fill(timeLeft) === "timeout") {
        break;
      }
      const piece = kept(body.take() ?? await body.next());
      early.push(piece);
      for (const frame of piece.frames) {
        if ("Data" in frame) {
          data.push(frame.Data);
          size += frame.Data.length;
        }
      }
      if (piece.done) break;
    }
    return joinBytes(data);
  }

  private async steal(
    client: ClientHandle,
    head: Http1Head,
    wireHead: RequestHead,
    body: RequestBody,
    mirrors: MirroredRequest[],
    sendContinue: boolean,
  ): Promise<Outcome> {
    const writer = new Http1ResponseWriter(this, head, client.peerBudget);
    this.response = writer;
    const request = new StolenRequest(
      client,
      this.ctx.nextConnectionId(),
      wireHead,
      this.origin,
      writer,
      (done) => this.ctx.steals.removeRequest(done),
    );
    this.ctx.steals.addRequest(request);
    if (sendContinue) this.out.write(CONTINUE);
    try {
      while (true) {
        const next = body.next();
        const piece = next instanceof Promise ? await next : next;
        // Both copies are encoded now, before the piece's bytes are read over.
        const waiting = request.body(piece.frames, piece.done);
        for (const mirror of mirrors) mirror.body(piece.frames, piece.done);
        if (piece.done) break;
        if (waiting) await waiting;
      }
    } catch (error) {
      request.abort((error as Error).message);
      for (const mirror of mirrors) mirror.fail((error as Error).message);
      throw error;
    }
    const result = await writer.finished;
    this.response = null;
    if (result === "upgraded") return "handed-off";
    if (result === "failed" || writer.closeAfter || closesConnection(head)) return "close";
    return "keep-alive";
  }

  /** Hands the peer's connection over to a stolen raw relay (after a 101 from the client). */
  upgradeToStolen(client: ClientHandle, id: bigint): void {
    this.handedOff = true;
    this.server?.writer.close();
    const stolen = new StolenConnection(
      client,
      id,
      this.reader,
      (done) => this.ctx.steals.removeConnection(done),
      undefined,
      this.out,
    );
    this.ctx.steals.addConnection(stolen, this.meta.port);
    stolen.pump().catch(() => stolen.close(true));
  }

  /**
   * Queues bytes for the peer.
   *
   * @param bytes what to write (read now)
   * @param budget the client budget they count against, if a client sent them
   * @returns a promise when the peer has more than {@link PEER_QUEUE_LIMIT} waiting
   */
  write(bytes: Uint8Array, budget: ByteBudget | null = null): Promise<void> | void {
    this.out.write(bytes, false, budget);
    if (this.out.pendingBytes > PEER_QUEUE_LIMIT) return this.out.drained(PEER_QUEUE_LIMIT);
  }

  /** Ends the peer's connection at once (a stolen request failed). */
  abortPeer(): void {
    this.out.close();
  }

  /** Extra response headers the agent adds. */
  extraHeaders(kind: "forwarded-to-client" | "passed-through"): [string, string][] {
    const extra: [string, string][] = [];
    if (this.ctx.settings.overrideCacheControl) extra.push(["cache-control", NO_CACHE]);
    if (this.ctx.settings.injectHeaders) extra.push(["mirrord-agent", kind]);
    return extra;
  }

  private async passThrough(
    head: Http1Head,
    body: RequestBody,
    mirrors: MirroredRequest[],
  ): Promise<Outcome> {
    let server: BufferedSocket;
    try {
      server = this.server ??= await connectOriginal(this.meta.destination);
    } catch (error) {
      this.server = null;
      while (true) {
        const piece = await body.next();
        for (const mirror of mirrors) mirror.body(piece.frames, piece.done);
        if (piece.done) break;
      }
      this.out.write(
        simpleResponse(
          502,
          `mirrord-agent v${this.ctx.agentVersion}: ${(error as Error).message}\n`,
        ),
      );
      return closesConnection(head) ? "close" : "keep-alive";
    }
    server.writer.write(head.raw);
    const forwardBody = async () => {
      while (true) {
        const next = body.next();
        const piece = next instanceof Promise ? await next : next;
        for (const mirror of mirrors) mirror.body(piece.frames, piece.done);
        server.writer.write(piece.raw);
        if (piece.done) return;
        if (server.writer.pendingBytes > SPLICE_QUEUE_LIMIT) {
          await server.writer.drained(SPLICE_QUEUE_LIMIT);
        }
      }
    };
    const [, outcome] = await Promise.all([forwardBody(), this.relayResponse(server, head)]);
    return outcome;
  }

  private async relayResponse(server: BufferedSocket, request: Http1Head): Promise<Outcome> {
    while (true) {
      const head = await this.readHead(server.reader, "response");
      if (head === null) throw new Error("the target's server closed the connection");
      if (head.status === 101) {
        this.out.write(head.raw);
        this.handedOff = true;
        this.server = null;
        splice({ reader: this.reader, writer: this.out }, server).catch(() => {});
        return "handed-off";
      }
      if (head.status < 200) {
        this.out.write(head.raw);
        continue;
      }
      this.out.write(withHeaders(head, this.extraHeaders("passed-through")));
      const framing = responseFraming(head, request.method);
      const body = new BodyReader(server.reader, new BodyDecoder(framing));
      while (true) {
        // Synchronous while the server's bytes are buffered: head and body leave in one write.
        const piece = body.take() ?? await body.next();
        this.out.write(piece.raw);
        if (piece.done) break;
        if (this.out.pendingBytes > SPLICE_QUEUE_LIMIT) await this.out.drained(SPLICE_QUEUE_LIMIT);
      }
      const close = framing.kind === "close" || closesConnection(head) || closesConnection(request);
      if (closesConnection(head) || framing.kind === "close") {
        server.writer.close();
        this.server = null;
      }
      return close ? "close" : "keep-alive";
    }
  }
}

/** Writes a client's response to a stolen HTTP/1 request. */
class Http1ResponseWriter implements ResponseSink {
  /** resolves when the response is complete, failed, or the connection was upgraded */
  readonly finished: Promise<"complete" | "failed" | "upgraded">;
  /** the peer connection cannot be reused after this response */
  closeAfter = false;
  private settle!: (result: "complete" | "failed" | "upgraded") => void;
  private chunked = false;
  private noBody = false;
  private trailers: HttpHeaders = [];

  /**
   * @param connection the peer's connection
   * @param request the request's head
   * @param budget the answering client's peer budget
   */
  constructor(
    private readonly connection: Http1Connection,
    private readonly request: Http1Head,
    private readonly budget: ByteBudget,
  ) {
    this.finished = new Promise((resolve) => this.settle = resolve);
  }

  head(status: number, _version: HttpVersion, headers: HttpHeaders): Promise<void> | void {
    const method = this.request.method;
    this.noBody = method === "HEAD" || status < 200 || status === 204 || status === 304;
    let hasLength = false;
    let out: HttpHeaders = [];
    for (const header of headers) {
      const name = header[0].toLowerCase();
      if (name === "transfer-encoding") continue;
      if (name === "content-length") hasLength = true;
      if (name === "connection" && /close/i.test(textOf(header[1]))) this.closeAfter = true;
      out.push(header);
    }
    if (!this.noBody && !hasLength) {
      if (this.request.version === "HTTP/1.1") {
        this.chunked = true;
        out.push(["transfer-encoding", "chunked"]);
      } else this.closeAfter = true;
    }
    if (status !== 101) {
      const extra = this.connection.extraHeaders("forwarded-to-client");
      if (extra.length > 0) {
        const extraNames = new Set(extra.map(([name]) => name));
        out = [...out.filter(([name]) => !extraNames.has(name.toLowerCase())), ...extra];
      }
    }
    return this.connection.write(responseHead(status, out), this.budget);
  }

  frames(frames: InternalHttpBodyFrame[], isLast: boolean): Promise<void> | void {
    let waiting: Promise<void> | void = undefined;
    for (const frame of frames) {
      if ("Trailers" in frame) {
        this.trailers.push(...frame.Trailers);
        continue;
      }
      if (this.noBody || frame.Data.length === 0) continue;
      if (this.chunked) this.connection.write(chunkHeader(frame.Data.length), this.budget);
      waiting = this.connection.write(frame.Data, this.budget);
      if (this.chunked) waiting = this.connection.write(CRLF, this.budget);
    }
    if (!isLast) return waiting;
    if (this.chunked) waiting = this.connection.write(lastChunk(this.trailers), this.budget);
    this.settle("complete");
    return waiting;
  }

  fail(): void {
    this.connection.abortPeer();
    this.settle("failed");
  }

  upgrade(client: ClientHandle, id: bigint): void {
    this.connection.upgradeToStolen(client, id);
    this.settle("upgraded");
  }
}

function textOf(value: string | Uint8Array): string {
  return typeof value === "string" ? value : new TextDecoder().decode(headerValueBytes(value));
}
