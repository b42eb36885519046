/**
 * An HTTP/1 client connection to the user app, written by hand so that requests reach the app as
 * the agent gave them: header names and values byte for byte (fetch would rewrite them), bodies
 * streamed both ways with their own framing (content-length, chunked with trailers, or
 * close-delimited responses), interim 1xx responses skipped, and a `101` handing the raw socket
 * over. One request at a time; the pool decides about reuse.
 *
 * @module
 */
import type { HttpHeaders, HttpVersion, InternalHttpBodyFrame } from "./_types.ts";
import { ByteReader, ReadLimitError } from "./byte_reader.ts";
import { joinBytes } from "../../cli/join_bytes.ts";

const CRLF = new Uint8Array([13, 10]);
const HEAD_END = new Uint8Array([13, 10, 13, 10]);
const MAX_HEAD = 64 * 1024;
const MAX_CHUNK_LINE = 4 * 1024;
const FRAME_BYTES = 64 * 1024;
const encoder = new TextEncoder();
const utf8 = new TextDecoder("utf-8", { fatal: true });
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** A request for the app. */
export interface LocalRequest {
  method: string;
  /** the request target as received (origin form, or absolute form) */
  target: string;
  version: "HTTP/1.0" | "HTTP/1.1";
  headers: HttpHeaders;
  /** body frames available now */
  frames: InternalHttpBodyFrame[];
  /** the rest of the body, or null when `frames` is all of it */
  rest: AsyncIterable<InternalHttpBodyFrame> | null;
}

/** The app's response. */
export interface LocalResponse {
  status: number;
  version: HttpVersion;
  headers: HttpHeaders;
  /** data frames, then a trailers frame if any; throws when the connection breaks */
  body: AsyncIterable<InternalHttpBodyFrame>;
  /** the whole body when it had arrived with the head (then `body` is empty): no streaming */
  whole?: InternalHttpBodyFrame[];
  /** after a `101`: the socket and the bytes the app already sent past the head */
  upgrade: { conn: Deno.TcpConn; early: Uint8Array } | null;
}

/** The exchange failed; `beforeResponse` = no byte of a response arrived. */
export class LocalHttpError extends Error {
  /**
   * @param message what happened
   * @param beforeResponse whether the app sent nothing back
   */
  constructor(message: string, readonly beforeResponse: boolean) {
    super(message);
  }
}

/**
 * @param bytes bytes
 * @returns one char per byte
 */
export function latin1(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return out;
}

function headerText(value: string | Uint8Array): string {
  return typeof value === "string" ? value : latin1(value);
}

function find(headers: HttpHeaders, name: string): string | undefined {
  const entry = headers.find(([n]) => n.toLowerCase() === name);
  return entry ? headerText(entry[1]) : undefined;
}

function isChunked(headers: HttpHeaders): boolean {
  const te = headers.filter(([n]) => n.toLowerCase() === "transfer-encoding")
    .map(([, v]) => headerText(v)).join(",");
  const codings = te.split(",").map((c) => c.trim().toLowerCase()).filter(Boolean);
  return codings.at(-1) === "chunked";
}

/**
 * Whether an HTTP/1 request carries a body (content-length or chunked).
 *
 * @param headers the request's headers
 * @returns true when it does
 */
export function hasBodyFraming(headers: HttpHeaders): boolean {
  return isChunked(headers) || find(headers, "content-length") !== undefined;
}

function fieldLines(headers: HttpHeaders): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (const [name, value] of headers) {
    parts.push(encoder.encode(`${name}: `));
    parts.push(typeof value === "string" ? encoder.encode(value) : value);
    parts.push(CRLF);
  }
  return parts;
}

/**
 * Whether a field value can travel: no control bytes but tab (the agent link's header check,
 * protocol.md trap 18, and HTTP's own rule).
 *
 * @param value a value as text (one char per byte) or bytes
 * @returns true when valid
 */
export function validFieldValue(value: string | Uint8Array): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = typeof value === "string" ? value.charCodeAt(i) : value[i];
    if ((c < 32 && c !== 9) || c === 127) return false;
  }
  return true;
}

/** Whether a field name is an HTTP token. */
export function validFieldName(name: string): boolean {
  return TOKEN.test(name);
}

const PRINTABLE_ASCII = /^[\x20-\x7e\t]*$/;

/** A value with bytes ≥ 0x80 (one char per byte): UTF-8 text, or the bytes themselves. */
function decodedValue(raw: string): string | Uint8Array {
  const bytes = Uint8Array.from(raw, (c) => c.charCodeAt(0));
  try {
    return utf8.decode(bytes);
  } catch {
    return bytes;
  }
}

/**
 * Parses header field lines.
 *
 * @param lines the lines (no CRLF), e.g. a head without its start line
 * @returns the fields; values as text, or bytes when not UTF-8
 */
export function parseFields(lines: string[]): HttpHeaders {
  const headers: HttpHeaders = [];
  for (const line of lines) {
    if (line === "") continue;
    if (line[0] === " " || line[0] === "\t") throw new ReadLimitError("obsolete header folding");
    const colon = line.indexOf(":");
    const name = line.slice(0, colon);
    if (colon <= 0 || !validFieldName(name)) {
      throw new ReadLimitError(`bad header line "${line.slice(0, 80)}"`);
    }
    const raw = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "");
    if (!validFieldValue(raw)) throw new ReadLimitError(`bad header value`);
    headers.push([name, PRINTABLE_ASCII.test(raw) ? raw : decodedValue(raw)]);
  }
  return headers;
}

/** One keep-alive connection to the app. */
export class Http1Connection {
  readonly conn: Deno.TcpConn;
  readonly #reader: ByteReader;
  #broken = false;
  #upgraded = false;
  #exchanges = 0;
  /** whether the next request may use this connection */
  reusable = true;

  readonly #onClose: () => void;

  /**
   * @param conn a connected socket
   * @param onClose called once when the pool is done with the socket
   */
  constructor(conn: Deno.TcpConn, onClose: () => void = () => {}) {
    this.conn = conn;
    this.#onClose = onClose;
    this.#reader = new ByteReader(conn);
    conn.setNoDelay(true);
  }

  /** Whether the connection served a request already (a failure then may be a stale socket). */
  get reused(): boolean {
    return this.#exchanges > 0;
  }

  /** Closes the socket (not after an upgrade handed it over). */
  close(): void {
    this.reusable = false;
    this.#onClose();
    if (this.#upgraded) return;
    try {
      this.conn.close();
    } catch {
      // Already closed.
    }
  }

  /**
   * Sends a request and reads the response head. The request body keeps streaming in the
   * background; `done` resolves when both directions finished (then `reusable` is final).
   *
   * @param request the request
   * @returns the response, and the end of the exchange
   */
  async send(request: LocalRequest): Promise<{ response: LocalResponse; done: Promise<void> }> {
    this.#exchanges++;
    const headers = request.headers.filter(([n]) => n.toLowerCase() !== "expect");
    // The body framing is the request's own (RFC 9112 §6.3): without content-length or chunked
    // transfer-coding an HTTP/1 request has no body, whatever the agent's frames say.
    const chunked = isChunked(headers);
    const framed = chunked || find(headers, "content-length") !== undefined;
    if (!framed) request = { ...request, frames: [], rest: null };
    const connection = find(headers, "connection")?.toLowerCase() ?? "";
    if (
      /\bclose\b/.test(connection) ||
      (request.version === "HTTP/1.0" && !/\bkeep-alive\b/.test(connection))
    ) this.reusable = false;
    const head = joinBytes([
      encoder.encode(`${request.method} ${request.target} ${request.version}\r\n`),
      ...fieldLines(headers),
      CRLF,
    ]);
    const upgrading = /\bupgrade\b/.test(connection);
    const written = this.#writeRequest(head, request, chunked);
    written.catch(() => {});
    const receivedBefore = this.#reader.received;
    let response: LocalResponse;
    try {
      response = await this.#readResponse(request.method, upgrading);
    } catch (error) {
      this.#fail();
      throw new LocalHttpError(
        (error as Error).message,
        this.#reader.received === receivedBefore,
      );
    }
    const bodyDone = Promise.withResolvers<void>();
    if (response.upgrade || response.whole) bodyDone.resolve();
    const done = Promise.all([written.catch(() => this.#fail()), bodyDone.promise]).then(() => {});
    return { response: { ...response, body: this.#track(response.body, bodyDone.resolve) }, done };
  }

  async *#track(
    body: AsyncIterable<InternalHttpBodyFrame>,
    ended: () => void,
  ): AsyncGenerator<InternalHttpBodyFrame> {
    let complete = false;
    try {
      yield* body;
      complete = true;
    } finally {
      if (!complete) this.#fail(); // broken, or abandoned with bytes left unread
      ended();
    }
  }

  #fail(): void {
    this.#broken = true;
    this.reusable = false;
  }

  async #writeRequest(head: Uint8Array, request: LocalRequest, chunked: boolean): Promise<void> {
    const trailers: HttpHeaders = [];
    const encode = (frame: InternalHttpBodyFrame): Uint8Array[] => {
      if ("Trailers" in frame) {
        trailers.push(...frame.Trailers);
        return [];
      }
      if (frame.Data.length === 0) return [];
      if (!chunked) return [frame.Data];
      return [encoder.encode(`${frame.Data.length.toString(16)}\r\n`), frame.Data, CRLF];
    };
    const first = [head, ...request.frames.flatMap(encode)];
    const finish = () => chunked ? [encoder.encode("0\r\n"), ...fieldLines(trailers), CRLF] : [];
    if (request.rest === null) first.push(...finish());
    try {
      await this.#write(joinBytes(first));
      if (request.rest !== null) {
        for await (const frame of request.rest) {
          const parts = encode(frame);
          if (parts.length > 0) await this.#write(joinBytes(parts));
        }
        const last = finish();
        if (last.length > 0) await this.#write(joinBytes(last));
      }
    } catch (error) {
      this.#fail();
      throw error;
    }
  }

  async #write(bytes: Uint8Array): Promise<void> {
    let written = 0;
    while (written < bytes.length) written += await this.conn.write(bytes.subarray(written));
  }

  async #readResponse(method: string, upgrading: boolean): Promise<LocalResponse> {
    while (true) {
      const raw = await this.#reader.readUntil(HEAD_END, MAX_HEAD);
      if (raw === null) throw new Error("the app closed the connection without a response");
      const lines = latin1(raw.subarray(0, raw.length - 4)).split("\r\n");
      const status = /^HTTP\/(1\.[01]) (\d{3})(?: .*)?$/.exec(lines[0]);
      if (!status) throw new ReadLimitError(`bad status line "${lines[0].slice(0, 80)}"`);
      const code = Number(status[2]);
      const version: HttpVersion = status[1] === "1.0" ? "HTTP/1.0" : "HTTP/1.1";
      const headers = parseFields(lines.slice(1));
      if (code === 101 && upgrading) {
        this.#upgraded = true;
        this.reusable = false;
        return {
          status: code,
          version,
          headers,
          body: (async function* () {})(),
          upgrade: { conn: this.conn, early: this.#reader.takeBuffered() },
        };
      }
      if (code >= 100 && code < 200) continue; // 100 Continue, 103 Early Hints…
      const connection = find(headers, "connection")?.toLowerCase() ?? "";
      if (/\bclose\b/.test(connection)) this.reusable = false;
      if (version === "HTTP/1.0" && !/\bkeep-alive\b/.test(connection)) this.reusable = false;
      const whole = this.#bufferedBody(method, code, headers);
      return {
        status: code,
        version,
        headers,
        body: whole ? (async function* () {})() : this.#body(method, code, headers),
        whole: whole ?? undefined,
        upgrade: null,
      };
    }
  }

  /** A body that is already here in full (the common small response), taken at once. */
  #bufferedBody(
    method: string,
    status: number,
    headers: HttpHeaders,
  ): InternalHttpBodyFrame[] | null {
    if (method === "HEAD" || status === 204 || status === 304) return [];
    if (isChunked(headers)) return null;
    const length = find(headers, "content-length")?.trim();
    if (length === undefined || !/^\d+$/.test(length)) return null;
    const size = Number(length);
    if (size > this.#reader.available) return null;
    return size === 0 ? [] : [{ Data: this.#reader.take(size) }];
  }

  async *#body(
    method: string,
    status: number,
    headers: HttpHeaders,
  ): AsyncGenerator<InternalHttpBodyFrame> {
    if (method === "HEAD" || status === 204 || status === 304) return;
    if (isChunked(headers)) {
      yield* this.#chunked();
      return;
    }
    const length = find(headers, "content-length");
    if (length !== undefined) {
      if (!/^\d+$/.test(length.trim())) throw new ReadLimitError(`bad content-length "${length}"`);
      let left = Number(length.trim());
      while (left > 0) {
        const bytes = await this.#reader.readSome(Math.min(left, FRAME_BYTES));
        if (bytes === null) throw new Error("the app closed the connection inside a response body");
        left -= bytes.length;
        yield { Data: bytes };
      }
      return;
    }
    this.reusable = false;
    while (true) {
      const bytes = await this.#reader.readSome(FRAME_BYTES);
      if (bytes === null) return;
      yield { Data: bytes };
    }
  }

  async *#chunked(): AsyncGenerator<InternalHttpBodyFrame> {
    while (true) {
      const line = await this.#reader.readUntil(CRLF, MAX_CHUNK_LINE);
      if (line === null) throw new Error("the app closed the connection inside a chunked body");
      const size = parseInt(latin1(line).split(";")[0].trim(), 16);
      if (!Number.isFinite(size) || size < 0) throw new ReadLimitError("bad chunk size");
      if (size === 0) break;
      let left = size;
      while (left > 0) {
        const bytes = await this.#reader.readSome(Math.min(left, FRAME_BYTES));
        if (bytes === null) throw new Error("the app closed the connection inside a chunk");
        left -= bytes.length;
        yield { Data: bytes };
      }
      const end = await this.#reader.readUntil(CRLF, 2);
      if (end === null || end.length !== 2) throw new ReadLimitError("a chunk without its CRLF");
    }
    const trailerLines: string[] = [];
    while (true) {
      const line = await this.#reader.readUntil(CRLF, MAX_HEAD);
      if (line === null) throw new Error("the app closed the connection inside trailers");
      if (line.length === 2) break;
      trailerLines.push(latin1(line.subarray(0, line.length - 2)));
    }
    const trailers = parseFields(trailerLines);
    if (trailers.length > 0) yield { Trailers: trailers };
  }

  /** Whether the connection failed (it must not be reused). */
  get broken(): boolean {
    return this.#broken;
  }
}
