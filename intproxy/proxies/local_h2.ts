/**
 * HTTP/2 requests to the user app over h2c with prior knowledge (what the agent stole was HTTP/2,
 * so the app speaks it), through `node:http2` (Deno's fetch cannot do h2c prior knowledge). One
 * session per app listener carries every request as its own stream; bodies and trailers stream
 * both ways.
 *
 * @module
 */
import http2 from "node:http2";
import type { HttpHeaders, InternalHttpBodyFrame } from "./_types.ts";
import { BodyQueue } from "./body_queue.ts";
import { LocalHttpError, type LocalResponse } from "./local_http1.ts";

/** Connection-specific fields HTTP/2 forbids (RFC 9113 §8.2.2). */
const CONNECTION_SPECIFIC = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "host",
  "expect",
]);

/** Response bytes read ahead of the agent link before the stream is paused. */
const RESPONSE_BUFFER = 1024 * 1024;

/** A request for the app over HTTP/2. */
export interface H2Request {
  method: string;
  /** absolute URI (the agent's form for HTTP/2) or a path */
  uri: string;
  headers: HttpHeaders;
  frames: InternalHttpBodyFrame[];
  rest: AsyncIterable<InternalHttpBodyFrame> | null;
}

const text = (value: string | Uint8Array) =>
  typeof value === "string" ? value : new TextDecoder().decode(value);

function requestHeaders(request: H2Request, fallbackAuthority: string): http2.OutgoingHttpHeaders {
  let path = request.uri;
  let authority = fallbackAuthority;
  let scheme = "http";
  const absolute = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/i.exec(request.uri);
  if (absolute) {
    // Not `new URL()`: it would drop a default port from the authority.
    [, scheme, authority, path] = absolute;
  } else {
    const host = request.headers.find(([n]) => n.toLowerCase() === "host");
    if (host) authority = text(host[1]);
  }
  const out: Record<string, string | string[]> = {
    ":method": request.method,
    ":path": path || "/",
    ":scheme": scheme,
    ":authority": authority,
  };
  for (const [rawName, value] of request.headers) {
    const name = rawName.toLowerCase();
    if (CONNECTION_SPECIFIC.has(name) || name.startsWith(":")) continue;
    const v = text(value);
    if (name === "te" && v.toLowerCase() !== "trailers") continue;
    const existing = out[name];
    out[name] = existing === undefined ? v : [...[existing].flat(), v];
  }
  return out;
}

function fromNodeHeaders(headers: http2.IncomingHttpHeaders): HttpHeaders {
  const out: HttpHeaders = [];
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(":") || value === undefined) continue;
    for (const v of [value].flat()) out.push([name, String(v)]);
  }
  return out;
}

/** One h2c session to an app listener. */
export class H2Session {
  readonly #session: http2.ClientHttp2Session;
  readonly #authority: string;
  /** our socket's address (the app's peer) */
  readonly localAddr: Deno.NetAddr;
  #closed = false;
  #onClose: (() => void)[] = [];
  #active = 0;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #idleMs: number;

  private constructor(
    session: http2.ClientHttp2Session,
    authority: string,
    localAddr: Deno.NetAddr,
    idleMs: number,
  ) {
    this.#session = session;
    this.#authority = authority;
    this.localAddr = localAddr;
    this.#idleMs = idleMs;
    session.on("close", () => this.#ended());
    session.on("goaway", () => this.#closed = true);
    session.on("error", () => this.#closed = true);
    this.#armIdle();
  }

  /**
   * Connects with prior knowledge.
   *
   * @param hostname the app's IP
   * @param port the app's port
   * @param idleMs close the session after this long without a request
   * @returns the session, connected
   */
  static connect(hostname: string, port: number, idleMs: number): Promise<H2Session> {
    const authority = hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`;
    return new Promise((resolve, reject) => {
      const session = http2.connect(`http://${authority}`);
      const onError = (error: Error) => reject(error);
      session.once("error", onError);
      session.once("connect", () => {
        session.off("error", onError);
        const socket = session.socket;
        resolve(
          new H2Session(session, authority, {
            transport: "tcp",
            hostname: socket.localAddress ?? hostname,
            port: socket.localPort ?? 0,
          }, idleMs),
        );
      });
    });
  }

  /** Whether new requests can use this session. */
  get usable(): boolean {
    return !this.#closed && !this.#session.closed && !this.#session.destroyed;
  }

  /**
   * @param callback called once when the session is closed
   */
  onClose(callback: () => void): void {
    this.#onClose.push(callback);
  }

  /** Closes the session. */
  close(): void {
    this.#ended();
    this.#session.destroy();
  }

  #ended(): void {
    this.#closed = true;
    clearTimeout(this.#idleTimer);
    for (const callback of this.#onClose.splice(0)) callback();
  }

  #armIdle(): void {
    clearTimeout(this.#idleTimer);
    if (this.#active > 0) return;
    this.#idleTimer = setTimeout(() => this.close(), this.#idleMs);
    Deno.unrefTimer(this.#idleTimer);
  }

  /**
   * Sends a request as a new stream.
   *
   * @param request the request
   * @returns the response once its head arrived; `done` when the stream closed
   */
  send(request: H2Request): Promise<{ response: LocalResponse; done: Promise<void> }> {
    this.#active++;
    clearTimeout(this.#idleTimer);
    const complete = request.rest === null;
    const trailers = request.frames.filter((f) => "Trailers" in f);
    const stream = this.#session.request(requestHeaders(request, this.#authority), {
      endStream: complete && trailers.length === 0 &&
        !request.frames.some((f) => "Data" in f && f.Data.length > 0),
      waitForTrailers: !complete || trailers.length > 0,
    });
    const done = new Promise<void>((resolve) =>
      stream.once("close", () => {
        this.#active--;
        this.#armIdle();
        resolve();
      })
    );
    const body = new BodyQueue();
    body.flowControl(RESPONSE_BUFFER, () => stream.pause(), () => stream.resume());
    let responded = false;
    const result = new Promise<{ response: LocalResponse; done: Promise<void> }>(
      (resolve, reject) => {
        stream.once("response", (headers) => {
          responded = true;
          resolve({
            response: {
              status: Number(headers[":status"]),
              version: "HTTP/2.0",
              headers: fromNodeHeaders(headers),
              body,
              upgrade: null,
            },
            done,
          });
        });
        stream.on("error", (error: Error) => {
          body.fail(error);
          if (!responded) reject(new LocalHttpError(error.message, true));
        });
        stream.on("close", () => {
          if (!responded) {
            reject(new LocalHttpError(`the app reset the stream (code ${stream.rstCode})`, true));
          }
          body.fail(new Error(`the app reset the stream (code ${stream.rstCode})`));
        });
      },
    );
    stream.on("data", (chunk: Uint8Array) => body.push([{ Data: new Uint8Array(chunk) }]));
    stream.on("trailers", (headers) => body.push([{ Trailers: fromNodeHeaders(headers) }]));
    stream.on("end", () => body.push([], true));
    this.#writeBody(stream, request);
    return result;
  }

  async #writeBody(stream: http2.ClientHttp2Stream, request: H2Request): Promise<void> {
    const trailers: HttpHeaders = [];
    stream.on("wantTrailers", () => {
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of trailers) {
        const existing = out[name.toLowerCase()];
        out[name.toLowerCase()] = existing === undefined
          ? text(value)
          : [...[existing].flat(), text(value)];
      }
      stream.sendTrailers(out);
    });
    const write = async (frame: InternalHttpBodyFrame) => {
      if ("Trailers" in frame) {
        trailers.push(...frame.Trailers);
        return;
      }
      if (frame.Data.length === 0) return;
      if (!stream.write(frame.Data)) {
        await new Promise<void>((resolve) => {
          stream.once("drain", resolve);
          stream.once("close", resolve);
        });
      }
    };
    try {
      for (const frame of request.frames) await write(frame);
      if (request.rest) { for await (const frame of request.rest) await write(frame); }
      if (!stream.destroyed && !stream.writableEnded) stream.end();
    } catch {
      // The request broke off (agent error): reset the stream.
      stream.close(http2.constants.NGHTTP2_CANCEL);
    }
  }
}
