/**
 * An HTTP/2 (h2c, prior knowledge) connection on a redirected port: each stream is one request,
 * routed on its own like HTTP/1 requests (request_routing.ts). Stolen requests go to their client
 * as `HTTP/2.0` requests whose URI is absolute (`http://<authority><path>`, as hyper gives it);
 * the rest travel over one h2c connection to the target's server, opened on first use. Request
 * and response bodies stream both ways at once (gRPC bidirectional streams), trailers included.
 *
 * @module
 */
import type { ClientHandle } from "../client_handle.ts";
import type { HttpHeaders, HttpVersion, InternalHttpBodyFrame } from "../../protocol-wasm/mod.ts";
import type { ConnReader } from "./conn_reader.ts";
import { ErrorCode } from "./h2_frames.ts";
import { H2Session, type H2Stream, type StreamItem } from "./h2_session.ts";
import { type RequestView, splitTarget } from "./http_filter.ts";
import { latin1 } from "./http1_parser.ts";
import { NO_CACHE } from "./http1_writer.ts";
import { joinBytes } from "../../cli/join_bytes.ts";
import type { RequestHead } from "./incoming_messages.ts";
import { MirroredRequest } from "./mirror.ts";
import { connectOriginal } from "./passthrough.ts";
import { filtersNeedBody, routeRequest } from "./request_routing.ts";
import { type ResponseSink, StolenRequest } from "./stolen_request.ts";
import { WriteQueue } from "./write_queue.ts";
import { type ConnectionMeta, originOf, type TrafficContext } from "./traffic_context.ts";

/** Headers HTTP/2 forbids (RFC 9113 §8.2.2). */
const CONNECTION_SPECIFIC = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
]);

function textValue(value: string | Uint8Array): string {
  return typeof value === "string" ? value : latin1(value);
}

function h2Headers(headers: HttpHeaders): [string, string][] {
  return headers
    .map(([name, value]) => [name.toLowerCase(), textValue(value)] as [string, string])
    .filter(([name, value]) =>
      !CONNECTION_SPECIFIC.has(name) && !(name === "te" && value !== "trailers")
    );
}

function framesOf(item: StreamItem): InternalHttpBodyFrame[] {
  return "data" in item ? [{ Data: item.data }] : [{ Trailers: item.trailers }];
}

/** A redirected HTTP/2 connection. */
export class H2Connection {
  private server: H2Session | null = null;
  private serverOpening: Promise<H2Session> | null = null;

  /**
   * @param ctx agent-wide incoming state
   * @param reader the peer's connection (starting with the preface)
   * @param meta its addresses
   */
  constructor(
    private readonly ctx: TrafficContext,
    private readonly reader: ConnReader,
    private readonly meta: ConnectionMeta,
  ) {}

  /** Serves streams until the connection ends. */
  async serve(): Promise<void> {
    const session = new H2Session(this.reader, "server", (stream) => {
      this.serveStream(stream).catch((error) => {
        this.ctx.log.debug(`HTTP/2 stream ${stream.id} on port ${this.meta.port}: ${error}`);
        stream.reset(ErrorCode.INTERNAL_ERROR);
      });
    });
    await session.run();
    this.server?.close();
  }

  private async serveStream(stream: H2Stream): Promise<void> {
    const pseudo = (name: string) => stream.headers.find(([n]) => n === name)?.[1];
    const method = pseudo(":method") ?? "GET";
    const target = pseudo(":path") ?? "/";
    const headers = stream.headers.filter(([name]) => !name.startsWith(":"));
    const authority = pseudo(":authority") ?? headers.find(([n]) => n === "host")?.[1];
    const uri = authority ? `${pseudo(":scheme") ?? "http"}://${authority}${target}` : target;
    const { path, query } = splitTarget(target);
    const view: RequestView = { method, path, query, headers, body: null };
    const state = this.ctx.subscriptions.get(this.meta.port);
    const items = stream.items();
    const early: StreamItem[] = [];
    if (filtersNeedBody(state) && !stream.remoteEnded) {
      view.body = await this.bufferBody(items, early);
    }
    const route = routeRequest(state, view, false);
    const wireHead: RequestHead = { method, uri, headers, version: "HTTP/2.0" };
    const origin = originOf(this.meta);
    const mirrors = route.mirrors.map((client) =>
      new MirroredRequest(client, this.ctx.nextConnectionId(), wireHead, origin, this.ctx.mirrors)
    );
    const body = replay(early, items);
    if (route.stealer) await this.steal(route.stealer, stream, wireHead, body, mirrors);
    else await this.passThrough(stream, body, mirrors);
  }

  private async bufferBody(
    items: AsyncGenerator<StreamItem>,
    early: StreamItem[],
  ): Promise<Uint8Array> {
    const deadline = Date.now() + this.ctx.settings.maxBodyBufferMs;
    const parts: Uint8Array[] = [];
    let size = 0;
    while (size < this.ctx.settings.maxBodyBuffer) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const next = await Promise.race([
        items.next(),
        new Promise<"timeout">((resolve) => {
          timer = setTimeout(() => resolve("timeout"), Math.max(0, deadline - Date.now()));
        }),
      ]);
      clearTimeout(timer);
      if (next === "timeout" || next.done) break;
      early.push(next.value);
      if ("data" in next.value) {
        parts.push(next.value.data);
        size += next.value.data.length;
      }
    }
    return joinBytes(parts);
  }

  private async steal(
    client: ClientHandle,
    stream: H2Stream,
    head: RequestHead,
    body: AsyncGenerator<StreamItem>,
    mirrors: MirroredRequest[],
  ): Promise<void> {
    const writer = new H2ResponseWriter(stream, this.extraHeaders("forwarded-to-client"));
    const request = new StolenRequest(
      client,
      this.ctx.nextConnectionId(),
      head,
      originOf(this.meta),
      writer,
      (done) => this.ctx.steals.removeRequest(done),
    );
    this.ctx.steals.addRequest(request);
    const send = async (frames: InternalHttpBodyFrame[], isLast: boolean) => {
      await request.body(frames, isLast);
      for (const mirror of mirrors) mirror.body(frames, isLast);
    };
    try {
      if (stream.remoteEnded) {
        // The whole body is already here: one message with is_last.
        const frames: InternalHttpBodyFrame[] = [];
        for await (const item of body) frames.push(...framesOf(item));
        return await send(frames, true);
      }
      // Streaming (gRPC): the head goes at once, each frame as it comes.
      await send([], false);
      for await (const item of body) await send(framesOf(item), false);
    } catch (error) {
      request.abort((error as Error).message);
      for (const mirror of mirrors) mirror.fail((error as Error).message);
      return;
    }
    await send([], true);
  }

  private extraHeaders(kind: "forwarded-to-client" | "passed-through"): [string, string][] {
    const extra: [string, string][] = [];
    if (this.ctx.settings.overrideCacheControl) extra.push(["cache-control", NO_CACHE]);
    if (this.ctx.settings.injectHeaders) extra.push(["mirrord-agent", kind]);
    return extra;
  }

  private serverSession(): Promise<H2Session> {
    if (this.server?.usable) return Promise.resolve(this.server);
    this.serverOpening ??= (async () => {
      try {
        const socket = await connectOriginal(this.meta.destination);
        const session = new H2Session(socket.reader, "client", undefined, socket.writer);
        session.run().catch(() => {});
        this.server = session;
        return session;
      } finally {
        this.serverOpening = null;
      }
    })();
    return this.serverOpening;
  }

  private async passThrough(
    stream: H2Stream,
    body: AsyncGenerator<StreamItem>,
    mirrors: MirroredRequest[],
  ): Promise<void> {
    let upstream: H2Stream;
    try {
      upstream = (await this.serverSession()).open();
      await upstream.sendHeaders(stream.headers, false);
    } catch (error) {
      for await (const item of body) {
        for (const mirror of mirrors) mirror.body(framesOf(item), false);
      }
      for (const mirror of mirrors) mirror.body([], true);
      const message = `mirrord-agent v${this.ctx.agentVersion}: ${(error as Error).message}\n`;
      await stream.sendHeaders([[":status", "502"], ["content-type", "text/plain"]], false);
      await stream.sendData(new TextEncoder().encode(message), true);
      return;
    }
    const forward = async () => {
      try {
        for await (const item of body) {
          for (const mirror of mirrors) mirror.body(framesOf(item), false);
          if ("data" in item) await upstream.sendData(item.data, false);
          else await upstream.sendHeaders(item.trailers, true);
        }
        for (const mirror of mirrors) mirror.body([], true);
        if (!upstream.localEnded) await upstream.sendData(new Uint8Array(0), true);
      } catch (error) {
        for (const mirror of mirrors) mirror.fail((error as Error).message);
        upstream.reset();
      }
    };
    const relay = async () => {
      try {
        const response = await upstream.response;
        const extra = this.extraHeaders("passed-through");
        const names = new Set(extra.map(([name]) => name));
        await stream.sendHeaders([...response.filter(([n]) => !names.has(n)), ...extra], false);
        for await (const item of upstream.items()) {
          if ("data" in item) await stream.sendData(item.data, false);
          else await stream.sendHeaders(item.trailers, true);
        }
        if (!stream.localEnded) await stream.sendData(new Uint8Array(0), true);
      } catch {
        stream.reset(ErrorCode.INTERNAL_ERROR);
        upstream.reset();
      }
    };
    await Promise.all([forward(), relay()]);
  }
}

async function* replay(
  early: StreamItem[],
  rest: AsyncGenerator<StreamItem>,
): AsyncGenerator<StreamItem> {
  yield* early;
  yield* rest;
}

/** Writes a client's response to a stolen HTTP/2 request. */
class H2ResponseWriter implements ResponseSink {
  /** Orders the parts of the response: a stream may wait for its flow-control window. */
  private readonly writes: WriteQueue;

  constructor(private readonly stream: H2Stream, private readonly extra: [string, string][]) {
    this.writes = new WriteQueue(() => this.stream.reset(ErrorCode.INTERNAL_ERROR));
  }

  head(status: number, _version: HttpVersion, headers: HttpHeaders): Promise<void> | void {
    const names = new Set(this.extra.map(([name]) => name));
    const own = h2Headers(headers).filter(([name]) => !names.has(name));
    return this.writes.push(
      0,
      () => this.stream.sendHeaders([[":status", String(status)], ...own, ...this.extra], false),
    );
  }

  frames(frames: InternalHttpBodyFrame[], isLast: boolean): Promise<void> | void {
    let size = 0;
    for (const frame of frames) if ("Data" in frame) size += frame.Data.length;
    return this.writes.push(size, async () => {
      for (const frame of frames) {
        if ("Data" in frame) {
          if (frame.Data.length > 0) await this.stream.sendData(frame.Data, false);
        } else if (!this.stream.localEnded) {
          await this.stream.sendHeaders(h2Headers(frame.Trailers), true);
        }
      }
      if (isLast && !this.stream.localEnded) await this.stream.sendData(new Uint8Array(0), true);
    });
  }

  fail(): void {
    this.stream.reset(ErrorCode.INTERNAL_ERROR);
  }

  upgrade(): void {
    // HTTP/2 has no 101; a client answering one gets the stream reset.
    this.stream.reset(ErrorCode.PROTOCOL_ERROR);
  }
}
