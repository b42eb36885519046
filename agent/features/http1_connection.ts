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
import { closeQuietly, ConnReader, writeAll } from "./conn_reader.ts";
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
  chunk,
  headerValueBytes,
  lastChunk,
  NO_CACHE,
  responseHead,
  simpleResponse,
  withHeaders,
} from "./http1_writer.ts";
import type { RequestHead } from "./incoming_messages.ts";
import { MirroredRequest } from "./mirror.ts";
import { connectOriginal, splice } from "./passthrough.ts";
import { filtersNeedBody, routeRequest } from "./request_routing.ts";
import { StolenConnection } from "./stolen_connection.ts";
import { type ResponseSink, StolenRequest } from "./stolen_request.ts";
import { type ConnectionMeta, originOf, type TrafficContext } from "./traffic_context.ts";

const CONTINUE = new TextEncoder().encode("HTTP/1.1 100 Continue\r\n\r\n");

/** A body chunk as read from the peer: raw bytes for passthrough, frames for clients. */
interface BodyPiece {
  raw: Uint8Array;
  frames: InternalHttpBodyFrame[];
  done: boolean;
}

/** How a request's exchange ended. */
type Outcome = "keep-alive" | "close" | "handed-off";

function lowerHeaders(headers: [string, string][]): HttpHeaders {
  return headers.map(([name, value]) => [name.toLowerCase(), wireValue(value)]);
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
  const frames: InternalHttpBodyFrame[] = data.filter((d) => d.length > 0).map((d) => ({
    Data: d.slice(),
  }));
  if (trailers) frames.push({ Trailers: lowerHeaders(trailers) });
  return frames;
}

/** A redirected HTTP/1 connection. */
export class Http1Connection {
  private server: ConnReader | null = null;
  private handedOff = false;

  /**
   * @param ctx agent-wide incoming state
   * @param reader the peer's connection
   * @param meta its addresses
   */
  constructor(
    private readonly ctx: TrafficContext,
    private readonly reader: ConnReader,
    private readonly meta: ConnectionMeta,
  ) {}

  /** Serves requests until the connection ends. */
  async serve(): Promise<void> {
    try {
      while (true) {
        const head = await this.readHead(this.reader, "request");
        if (head === null) break;
        const outcome = await this.exchange(head);
        if (outcome !== "keep-alive") break;
      }
    } catch (error) {
      if (error instanceof HttpParseError) {
        await writeAll(this.reader.conn, simpleResponse(400, `${error.message}\n`)).catch(() => {});
      }
      this.ctx.log.debug(`HTTP/1 connection on port ${this.meta.port} ended: ${error}`);
    } finally {
      if (!this.handedOff) closeQuietly(this.reader.conn);
      if (this.server && !this.handedOff) closeQuietly(this.server.conn);
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

  /** Reads the next piece of a body from `reader`. */
  private async nextPiece(reader: ConnReader, decoder: BodyDecoder): Promise<BodyPiece> {
    while (true) {
      if (reader.buffered.length > 0) {
        const progress = decoder.push(reader.buffered);
        if (progress.consumed > 0 || progress.done) {
          const frames = framesOf(progress.data, progress.trailers);
          return { raw: reader.consume(progress.consumed), frames, done: progress.done };
        }
      }
      if (await reader.fill() === "eof") {
        if (!decoder.done && !decoder.untilClose) {
          throw new HttpParseError("connection closed inside a body");
        }
        return { raw: new Uint8Array(0), frames: [], done: true };
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
    const decoder = new BodyDecoder(framing);
    const early: BodyPiece[] = [];
    let continued = false;
    if (filtersNeedBody(state) && framing.kind !== "none") {
      if (expectsContinue(head)) await writeAll(this.reader.conn, CONTINUE);
      continued = true;
      view.body = await this.bufferBody(decoder, early);
    }
    const route = routeRequest(state, view, upgrade);
    const wireHead: RequestHead = {
      method: head.method,
      uri: head.target,
      headers: lowerHeaders(head.headers),
      version: head.version as HttpVersion,
    };
    const origin = originOf(this.meta);
    const mirrors = route.mirrors.map((client) =>
      new MirroredRequest(client, this.ctx.nextConnectionId(), wireHead, origin, this.ctx.mirrors)
    );
    const body = this.bodyPieces(decoder, early);
    if (route.stealer) {
      const sendContinue = !continued && expectsContinue(head) && framing.kind !== "none";
      return await this.steal(route.stealer, head, wireHead, body, mirrors, sendContinue);
    }
    return await this.passThrough(head, body, mirrors);
  }

  /** Buffers up to the body-filter limit; what was read is replayed by {@link bodyPieces}. */
  private async bufferBody(decoder: BodyDecoder, early: BodyPiece[]): Promise<Uint8Array> {
    const deadline = Date.now() + this.ctx.settings.maxBodyBufferMs;
    const data: Uint8Array[] = [];
    let size = 0;
    while (!decoder.done && size < this.ctx.settings.maxBodyBuffer && Date.now() < deadline) {
      const timeLeft = deadline - Date.now();
      if (this.reader.buffered.length === 0 && await this.reader.fill(timeLeft) === "timeout") {
        break;
      }
      const piece = await this.nextPiece(this.reader, decoder);
      early.push(piece);
      for (const frame of piece.frames) {
        if ("Data" in frame) {
          data.push(frame.Data);
          size += frame.Data.length;
        }
      }
      if (piece.done) break;
    }
    const out = new Uint8Array(size);
    let at = 0;
    for (const d of data) {
      out.set(d, at);
      at += d.length;
    }
    return out;
  }

  private async *bodyPieces(decoder: BodyDecoder, early: BodyPiece[]): AsyncGenerator<BodyPiece> {
    for (const piece of early) yield piece;
    if (early.at(-1)?.done || decoder.done) {
      if (early.length === 0) yield { raw: new Uint8Array(0), frames: [], done: true };
      return;
    }
    while (true) {
      const piece = await this.nextPiece(this.reader, decoder);
      yield piece;
      if (piece.done) return;
    }
  }

  private async steal(
    client: ClientHandle,
    head: Http1Head,
    wireHead: RequestHead,
    body: AsyncGenerator<BodyPiece>,
    mirrors: MirroredRequest[],
    sendContinue: boolean,
  ): Promise<Outcome> {
    const writer = new Http1ResponseWriter(this, head);
    const request = new StolenRequest(
      client,
      this.ctx.nextConnectionId(),
      wireHead,
      originOf(this.meta),
      writer,
      (done) => this.ctx.steals.removeRequest(done),
    );
    this.ctx.steals.addRequest(request);
    if (sendContinue) await writeAll(this.reader.conn, CONTINUE);
    try {
      for await (const piece of body) {
        await request.body(piece.frames, piece.done);
        for (const mirror of mirrors) mirror.body(piece.frames, piece.done);
      }
    } catch (error) {
      request.abort((error as Error).message);
      for (const mirror of mirrors) mirror.fail((error as Error).message);
      throw error;
    }
    const result = await writer.finished;
    if (result === "upgraded") return "handed-off";
    if (result === "failed" || writer.closeAfter || closesConnection(head)) return "close";
    return "keep-alive";
  }

  /** Hands the peer's connection over to a stolen raw relay (after a 101 from the client). */
  upgradeToStolen(client: ClientHandle, id: bigint): void {
    this.handedOff = true;
    if (this.server) closeQuietly(this.server.conn);
    const stolen = new StolenConnection(
      client,
      id,
      this.reader,
      (done) => this.ctx.steals.removeConnection(done),
    );
    this.ctx.steals.addConnection(stolen, this.meta.port);
    stolen.pump().catch(() => stolen.close(true));
  }

  /** Writes to the peer. */
  write(bytes: Uint8Array): Promise<void> {
    return writeAll(this.reader.conn, bytes);
  }

  /** Ends the peer's connection (a stolen request failed). */
  abortPeer(): void {
    closeQuietly(this.reader.conn);
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
    body: AsyncGenerator<BodyPiece>,
    mirrors: MirroredRequest[],
  ): Promise<Outcome> {
    let server: ConnReader;
    try {
      server = this.server ??= await connectOriginal(this.meta.destination);
      await writeAll(server.conn, head.raw);
    } catch (error) {
      this.server = null;
      for await (const piece of body) {
        for (const mirror of mirrors) mirror.body(piece.frames, piece.done);
      }
      await this.write(
        simpleResponse(
          502,
          `mirrord-agent v${this.ctx.agentVersion}: ${(error as Error).message}\n`,
        ),
      );
      return closesConnection(head) ? "close" : "keep-alive";
    }
    const forwardBody = async () => {
      let serverGone = false;
      for await (const piece of body) {
        for (const mirror of mirrors) mirror.body(piece.frames, piece.done);
        if (serverGone || piece.raw.length === 0) continue;
        await writeAll(server.conn, piece.raw).catch(() => serverGone = true);
      }
    };
    const [, outcome] = await Promise.all([forwardBody(), this.relayResponse(server, head)]);
    return outcome;
  }

  private async relayResponse(server: ConnReader, request: Http1Head): Promise<Outcome> {
    while (true) {
      const head = await this.readHead(server, "response");
      if (head === null) throw new Error("the target's server closed the connection");
      if (head.status === 101) {
        await this.write(head.raw);
        this.handedOff = true;
        this.server = null;
        splice(this.reader, server).catch(() => {});
        return "handed-off";
      }
      if (head.status < 200) {
        await this.write(head.raw);
        continue;
      }
      await this.write(withHeaders(head, this.extraHeaders("passed-through")));
      const framing = responseFraming(head, request.method);
      const decoder = new BodyDecoder(framing);
      while (!decoder.done) {
        const piece = await this.nextPiece(server, decoder);
        if (piece.raw.length > 0) await this.write(piece.raw);
        if (piece.done) break;
      }
      const close = framing.kind === "close" || closesConnection(head) || closesConnection(request);
      if (closesConnection(head) || framing.kind === "close") {
        closeQuietly(server.conn);
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

  constructor(private readonly connection: Http1Connection, private readonly request: Http1Head) {
    this.finished = new Promise((resolve) => this.settle = resolve);
  }

  async head(status: number, _version: HttpVersion, headers: HttpHeaders): Promise<void> {
    const method = this.request.method;
    this.noBody = method === "HEAD" || status < 200 || status === 204 || status === 304;
    const names = new Set(headers.map(([name]) => name.toLowerCase()));
    let out = headers.filter(([name]) => name.toLowerCase() !== "transfer-encoding");
    if (!this.noBody && !names.has("content-length")) {
      if (this.request.version === "HTTP/1.1") {
        this.chunked = true;
        out.push(["transfer-encoding", "chunked"]);
      } else this.closeAfter = true;
    }
    if (status !== 101) {
      const extra = this.connection.extraHeaders("forwarded-to-client");
      const extraNames = new Set(extra.map(([name]) => name));
      out = [...out.filter(([name]) => !extraNames.has(name.toLowerCase())), ...extra];
    }
    const connection = headers.find(([name]) => name.toLowerCase() === "connection");
    if (connection && /close/i.test(new TextDecoder().decode(headerValueBytes(connection[1])))) {
      this.closeAfter = true;
    }
    await this.connection.write(responseHead(status, out));
  }

  async frames(frames: InternalHttpBodyFrame[], isLast: boolean): Promise<void> {
    for (const frame of frames) {
      if ("Trailers" in frame) {
        this.trailers.push(...frame.Trailers);
        continue;
      }
      if (this.noBody || frame.Data.length === 0) continue;
      await this.connection.write(this.chunked ? chunk(frame.Data) : frame.Data);
    }
    if (!isLast) return;
    if (this.chunked) await this.connection.write(lastChunk(this.trailers));
    if (this.closeAfter) this.connection.abortPeer();
    this.settle("complete");
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
