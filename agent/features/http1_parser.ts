/**
 * An incremental HTTP/1.x parser for both directions of a redirected connection: request and
 * response heads (kept as the raw bytes too, so passthrough forwards them unchanged, header case
 * included), body framing per RFC 9112 (Content-Length, chunked with trailers, until-close, none)
 * and the connection semantics the agent needs (keep-alive, upgrade, `Expect: 100-continue`).
 *
 * The parser never buffers on its own: callers hand it what their reader holds and consume what
 * it reports as used, so pipelined requests stay in the reader for the next round.
 *
 * @module
 */

/** Largest request or response head accepted. */
export const MAX_HEAD_BYTES = 64 * 1024;
const MAX_LINE_BYTES = 8 * 1024;

/** A malformed message; the connection is answered 400 (requests) or dropped. */
export class HttpParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HttpParseError";
  }
}

/** HTTP/1 versions. */
export type Http1Version = "HTTP/1.0" | "HTTP/1.1";

/** A parsed head. */
export interface Http1Head {
  /** request: method; response: "" */
  method: string;
  /** request target as sent */
  target: string;
  /** response status; 0 for requests */
  status: number;
  reason: string;
  version: Http1Version;
  /** names in their original case, values as latin-1 text of the raw bytes */
  headers: [string, string][];
  /** the head as received, through the empty line */
  raw: Uint8Array;
  /** {@link headerTokens} already computed, by lower-case name */
  tokens?: Map<string, string[]>;
}

/** How a message body is delimited. */
export type BodyFraming =
  | { kind: "none" }
  | { kind: "length"; length: number }
  | { kind: "chunked" }
  | { kind: "close" };

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) +(\S+) +HTTP\/1\.([01])$/;
const STATUS_LINE = /^HTTP\/1\.([01]) +(\d{3})(?: (.*))?$/;

/**
 * @param bytes raw bytes
 * @param start first index
 * @param end index after the last
 * @returns the bytes as latin-1 text (one char per byte)
 */
export function latin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let text = "";
  for (let i = start; i < end; i += 4096) {
    // `apply` takes the typed array as it is; a spread would iterate it byte by byte.
    const chunk = bytes.subarray(i, Math.min(end, i + 4096)) as unknown as number[];
    text += String.fromCharCode.apply(null, chunk);
  }
  return text;
}

/** Index after the empty line ending a head, or -1. */
function headEnd(buf: Uint8Array): number {
  const limit = Math.min(buf.length, MAX_HEAD_BYTES);
  for (let i = 0; i < limit; i++) {
    if (buf[i] !== 0x0a) continue;
    if (buf[i + 1] === 0x0a) return i + 2;
    if (buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) return i + 3;
  }
  if (buf.length >= MAX_HEAD_BYTES) {
    throw new HttpParseError(`head larger than ${MAX_HEAD_BYTES} bytes`);
  }
  return -1;
}

function parseHeaderLines(lines: string[]): [string, string][] {
  const headers: [string, string][] = [];
  for (const line of lines) {
    if (line === "") continue;
    if (line[0] === " " || line[0] === "\t") {
      const last = headers.at(-1);
      if (!last) throw new HttpParseError("continuation line before any header");
      last[1] = `${last[1]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon) : "";
    if (!TOKEN.test(name)) throw new HttpParseError(`invalid header line "${line.slice(0, 80)}"`);
    headers.push([name, line.slice(colon + 1).trim()]);
  }
  return headers;
}

/**
 * Parses a head at the start of `buf`.
 *
 * @param buf buffered bytes
 * @param kind request or response
 * @returns the head and its length, or null when more bytes are needed
 * @throws {HttpParseError} on malformed input
 */
export function parseHead(
  buf: Uint8Array,
  kind: "request" | "response",
): { head: Http1Head; length: number } | null {
  let start = 0;
  // RFC 9112 §2.2: ignore empty lines before a request line.
  while (kind === "request" && (buf[start] === 0x0d || buf[start] === 0x0a)) start++;
  const end = headEnd(buf.subarray(start));
  if (end < 0) return null;
  const text = latin1(buf, start, start + end);
  const lines = text.split("\n").map((line) => line.endsWith("\r") ? line.slice(0, -1) : line);
  const first = lines[0];
  const headers = parseHeaderLines(lines.slice(1));
  const raw = buf.subarray(start, start + end);
  if (kind === "request") {
    const match = REQUEST_LINE.exec(first);
    if (!match) throw new HttpParseError(`invalid request line "${first.slice(0, 80)}"`);
    return {
      head: {
        method: match[1],
        target: match[2],
        status: 0,
        reason: "",
        version: `HTTP/1.${match[3]}` as Http1Version,
        headers,
        raw,
      },
      length: start + end,
    };
  }
  const match = STATUS_LINE.exec(first);
  if (!match) throw new HttpParseError(`invalid status line "${first.slice(0, 80)}"`);
  return {
    head: {
      method: "",
      target: "",
      status: Number(match[2]),
      reason: match[3] ?? "",
      version: `HTTP/1.${match[1]}` as Http1Version,
      headers,
      raw,
    },
    length: start + end,
  };
}

/**
 * @param head a head
 * @param name a header name (any case)
 * @returns every value of that header, comma lists split
 */
export function headerTokens(head: Http1Head, name: string): string[] {
  const lower = name.toLowerCase();
  // Asked several times per message (framing, keep-alive, upgrade, expect): computed once.
  const known = head.tokens?.get(lower);
  if (known) return known;
  const tokens: string[] = [];
  for (const value of headerValues(head, lower)) {
    for (const part of value.split(",")) {
      const token = part.trim().toLowerCase();
      if (token !== "") tokens.push(token);
    }
  }
  (head.tokens ??= new Map()).set(lower, tokens);
  return tokens;
}

/** Values of the headers named `lower` (a lower-case name), in order. */
function headerValues(head: Http1Head, lower: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < head.headers.length; i++) {
    const [name, value] = head.headers[i];
    if (name.length === lower.length && name.toLowerCase() === lower) values.push(value);
  }
  return values;
}

function contentLength(head: Http1Head): number | null {
  const values = headerValues(head, "content-length").flatMap((v) =>
    v.split(",").map((x) => x.trim())
  );
  if (values.length === 0) return null;
  if (!values.every((v) => /^\d+$/.test(v) && v === values[0])) {
    throw new HttpParseError(`invalid Content-Length "${values.join(", ")}"`);
  }
  const length = Number(values[0]);
  if (!Number.isSafeInteger(length)) throw new HttpParseError("Content-Length too large");
  return length;
}

function isChunked(head: Http1Head): boolean | null {
  const codings = headerTokens(head, "transfer-encoding");
  if (codings.length === 0) return null;
  return codings.at(-1) === "chunked";
}

/**
 * @param head a request head
 * @returns how its body is delimited
 * @throws {HttpParseError} for a body the server could not delimit
 */
export function requestFraming(head: Http1Head): BodyFraming {
  const chunked = isChunked(head);
  if (chunked === false) throw new HttpParseError("request Transfer-Encoding without chunked");
  if (chunked) return { kind: "chunked" };
  const length = contentLength(head);
  return length === null || length === 0 ? { kind: "none" } : { kind: "length", length };
}

/**
 * @param head a response head
 * @param requestMethod the method of the request it answers
 * @returns how its body is delimited
 */
export function responseFraming(head: Http1Head, requestMethod: string): BodyFraming {
  const status = head.status;
  if (requestMethod === "HEAD" || status < 200 || status === 204 || status === 304) {
    return { kind: "none" };
  }
  const chunked = isChunked(head);
  if (chunked) return { kind: "chunked" };
  if (chunked === false) return { kind: "close" };
  const length = contentLength(head);
  if (length === null) return { kind: "close" };
  return length === 0 ? { kind: "none" } : { kind: "length", length };
}

/**
 * @param head a request or response head
 * @returns whether the connection ends after this message
 */
export function closesConnection(head: Http1Head): boolean {
  const connection = headerTokens(head, "connection");
  if (connection.includes("close")) return true;
  return head.version === "HTTP/1.0" && !connection.includes("keep-alive");
}

/**
 * @param head a request head
 * @returns whether it asks for a protocol upgrade (e.g. WebSocket)
 */
export function isUpgradeRequest(head: Http1Head): boolean {
  return headerTokens(head, "upgrade").length > 0 &&
    headerTokens(head, "connection").includes("upgrade");
}

/**
 * @param head a request head
 * @returns whether the client waits for `100 Continue` before sending the body
 */
export function expectsContinue(head: Http1Head): boolean {
  return head.version === "HTTP/1.1" && headerTokens(head, "expect").includes("100-continue");
}

/** What one {@link BodyDecoder.push} found. */
export interface BodyProgress {
  /** input bytes that belong to the body (forward these unchanged for passthrough) */
  consumed: number;
  /** decoded payload pieces */
  data: Uint8Array[];
  /** trailers of a chunked body */
  trailers: [string, string][] | null;
  /** whether the body is complete */
  done: boolean;
}

type ChunkState = "size" | "data" | "data-end" | "trailers" | "done";

/** Decodes one body incrementally. */
export class BodyDecoder {
  private remaining: number;
  private state: ChunkState = "size";
  private trailerLines: string[] = [];

  /** @param framing how the body is delimited */
  constructor(private readonly framing: BodyFraming) {
    this.remaining = framing.kind === "length" ? framing.length : 0;
  }

  /** Whether the body ends only when the connection does. */
  get untilClose(): boolean {
    return this.framing.kind === "close";
  }

  /** Whether the body is complete. */
  get done(): boolean {
    if (this.framing.kind === "none") return true;
    if (this.framing.kind === "length") return this.remaining === 0;
    if (this.framing.kind === "chunked") return this.state === "done";
    return false;
  }

  /**
   * Feeds buffered input.
   *
   * @param input bytes at the current position of the stream
   * @returns what was used and found
   * @throws {HttpParseError} on a malformed chunked body
   */
  push(input: Uint8Array): BodyProgress {
    switch (this.framing.kind) {
      case "none":
        return { consumed: 0, data: [], trailers: null, done: true };
      case "close":
        return {
          consumed: input.length,
          data: input.length ? [input] : [],
          trailers: null,
          done: false,
        };
      case "length": {
        const n = Math.min(this.remaining, input.length);
        this.remaining -= n;
        const data = n > 0 ? [input.subarray(0, n)] : [];
        return { consumed: n, data, trailers: null, done: this.remaining === 0 };
      }
      case "chunked":
        return this.pushChunked(input);
    }
  }

  private pushChunked(input: Uint8Array): BodyProgress {
    const progress: BodyProgress = { consumed: 0, data: [], trailers: null, done: false };
    let at = 0;
    while (at < input.length && this.state !== "done") {
      if (this.state === "data") {
        const n = Math.min(this.remaining, input.length - at);
        progress.data.push(input.subarray(at, at + n));
        at += n;
        this.remaining -= n;
        if (this.remaining === 0) this.state = "data-end";
        progress.consumed = at;
        continue;
      }
      const newline = input.indexOf(0x0a, at);
      if (newline < 0) {
        if (input.length - at > MAX_LINE_BYTES) throw new HttpParseError("chunk line too long");
        break;
      }
      const line = latin1(input, at, input[newline - 1] === 0x0d ? newline - 1 : newline);
      at = newline + 1;
      progress.consumed = at;
      if (this.state === "size") {
        const size = line.split(";")[0].trim();
        if (!/^[0-9a-fA-F]{1,12}$/.test(size)) {
          throw new HttpParseError(`invalid chunk size "${line.slice(0, 40)}"`);
        }
        this.remaining = parseInt(size, 16);
        this.state = this.remaining === 0 ? "trailers" : "data";
      } else if (this.state === "data-end") {
        if (line !== "") throw new HttpParseError("chunk data longer than its size");
        this.state = "size";
      } else if (line === "") {
        this.state = "done";
        progress.done = true;
        if (this.trailerLines.length > 0) progress.trailers = parseHeaderLines(this.trailerLines);
      } else {
        this.trailerLines.push(line);
      }
    }
    return progress;
  }
}
