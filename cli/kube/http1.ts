/**
 * The small HTTP/1.1 client the Kubernetes API needs, over a {@link ByteStream}: one request per
 * connection (`Connection: close`), bodies by `Content-Length`, chunked or until EOF, and the
 * `101 Switching Protocols` answer for WebSocket upgrades (the reader keeps the bytes that
 * followed it). Watches and `follow` logs are long chunked bodies read line by line.
 *
 * @module
 */
import type { ByteStream } from "./byte_stream.ts";
import { joinBytes } from "../join_bytes.ts";

/** Reads lines and exact byte counts from a stream, keeping what it read ahead. */
export class BufferedReader {
  readonly #stream: ByteStream;
  /** what was read ahead, in order (joined only when a caller needs bytes that span chunks) */
  #chunks: Uint8Array[] = [];
  #length = 0;
  #eof = false;

  /** @param stream the stream to read */
  constructor(stream: ByteStream) {
    this.#stream = stream;
  }

  async #fill(): Promise<boolean> {
    if (this.#eof) return false;
    const chunk = new Uint8Array(64 * 1024);
    const n = await this.#stream.read(chunk);
    if (n === null) {
      this.#eof = true;
      return false;
    }
    this.#chunks.push(chunk.subarray(0, n));
    this.#length += n;
    return true;
  }

  /** Removes and returns the first `n` buffered bytes (n ≤ buffered). */
  #take(n: number): Uint8Array {
    const first = this.#chunks[0];
    let out: Uint8Array;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
    } else {
      out = new Uint8Array(n);
      let at = 0;
      while (at < n) {
        const chunk = this.#chunks[0];
        const part = Math.min(chunk.length, n - at);
        out.set(chunk.subarray(0, part), at);
        at += part;
        if (part === chunk.length) this.#chunks.shift();
        else this.#chunks[0] = chunk.subarray(part);
      }
    }
    this.#length -= n;
    return out;
  }

  #indexOfNewline(): number {
    let offset = 0;
    for (const chunk of this.#chunks) {
      const at = chunk.indexOf(10);
      if (at !== -1) return offset + at;
      offset += chunk.length;
    }
    return -1;
  }

  /**
   * The next line without its CRLF (or LF).
   *
   * @returns the line, or null at EOF with nothing buffered
   */
  async readLine(): Promise<string | null> {
    while (true) {
      const nl = this.#indexOfNewline();
      if (nl !== -1) {
        const bytes = this.#take(nl + 1);
        const end = nl > 0 && bytes[nl - 1] === 13 ? nl - 1 : nl;
        return new TextDecoder().decode(bytes.subarray(0, end));
      }
      if (!await this.#fill()) {
        if (this.#length === 0) return null;
        return new TextDecoder().decode(this.#take(this.#length));
      }
    }
  }

  /**
   * Exactly `n` bytes.
   *
   * @param n how many
   * @returns the bytes (a view the caller owns)
   * @throws {Deno.errors.UnexpectedEof} when the stream ends first
   */
  async readExact(n: number): Promise<Uint8Array> {
    while (this.#length < n) {
      if (!await this.#fill()) {
        throw new Deno.errors.UnexpectedEof(`stream ended ${n - this.#length} bytes early`);
      }
    }
    return n === 0 ? new Uint8Array(0) : this.#take(n);
  }

  /**
   * Whatever is buffered, or the next chunk from the stream.
   *
   * @param max at most this many bytes
   * @returns the bytes, or null at EOF
   */
  async readSome(max: number): Promise<Uint8Array | null> {
    if (this.#length === 0 && !await this.#fill()) return null;
    return this.#take(Math.min(max, this.#chunks[0].length));
  }
}

/** A request to send. */
export interface HttpRequest {
  method: string;
  /** path and query, e.g. `/api/v1/namespaces/x/pods?watch=true` */
  target: string;
  /** `host[:port]` for the Host header */
  host: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
}

/** An answer whose body is read on demand. */
export interface HttpResponse {
  status: number;
  /** header names lower-cased */
  headers: Map<string, string>;
  /** the reader positioned at the body (for upgrades: at the first bytes of the new protocol) */
  reader: BufferedReader;
  /** The body's chunks as they arrive. */
  chunks(): AsyncIterable<Uint8Array>;
  /** The whole body as text. */
  text(): Promise<string>;
  /** The body split into lines (watch events, log lines). */
  lines(): AsyncIterable<string>;
}

async function* bodyChunks(
  reader: BufferedReader,
  status: number,
  method: string,
  headers: Map<string, string>,
): AsyncIterable<Uint8Array> {
  if (method === "HEAD" || status === 101 || status === 204 || status === 304) return;
  if ((headers.get("transfer-encoding") ?? "").toLowerCase().includes("chunked")) {
    while (true) {
      const sizeLine = await reader.readLine();
      if (sizeLine === null) throw new Deno.errors.UnexpectedEof("chunked body ended early");
      const size = parseInt(sizeLine.split(";")[0].trim(), 16);
      if (Number.isNaN(size)) throw new Deno.errors.InvalidData(`bad chunk size "${sizeLine}"`);
      if (size === 0) {
        let trailer: string | null;
        do trailer = await reader.readLine(); while (trailer !== null && trailer !== ""); // ignored
        return;
      }
      yield await reader.readExact(size);
      await reader.readLine();
    }
  }
  const length = headers.get("content-length");
  if (length !== undefined) {
    let left = Number(length);
    while (left > 0) {
      const bytes = await reader.readSome(left);
      if (bytes === null) throw new Deno.errors.UnexpectedEof("body ended early");
      left -= bytes.length;
      yield bytes;
    }
    return;
  }
  while (true) {
    const bytes = await reader.readSome(64 * 1024);
    if (bytes === null) return;
    yield bytes;
  }
}

/**
 * Sends a request and reads the status line and headers.
 *
 * @param stream a fresh connection (it serves this one request)
 * @param request what to send
 * @returns the response; its body is read through its methods
 * @throws {Deno.errors.InvalidData} when the answer is not HTTP/1.x
 */
export async function sendRequest(stream: ByteStream, request: HttpRequest): Promise<HttpResponse> {
  const head = [`${request.method} ${request.target} HTTP/1.1`, `Host: ${request.host}`];
  const headers: Record<string, string> = { ...request.headers };
  if (request.body) headers["Content-Length"] = String(request.body.length);
  if (!Object.keys(headers).some((h) => h.toLowerCase() === "connection")) {
    headers.Connection = "close";
  }
  for (const [name, value] of Object.entries(headers)) head.push(`${name}: ${value}`);
  const headBytes = new TextEncoder().encode(head.join("\r\n") + "\r\n\r\n");
  const message = request.body ? joinBytes([headBytes, request.body]) : headBytes;
  let written = 0;
  while (written < message.length) written += await stream.write(message.subarray(written));

  const reader = new BufferedReader(stream);
  const statusLine = await reader.readLine();
  const match = statusLine === null ? null : /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!match) {
    throw new Deno.errors.InvalidData(
      statusLine === null
        ? "the server closed the connection without an answer"
        : `the server did not answer in HTTP/1.1 ("${statusLine.slice(0, 60)}")`,
    );
  }
  const status = Number(match[1]);
  const responseHeaders = new Map<string, string>();
  while (true) {
    const line = await reader.readLine();
    if (line === null || line === "") break;
    const colon = line.indexOf(":");
    if (colon > 0) {
      responseHeaders.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
  }
  const chunks = () => bodyChunks(reader, status, request.method, responseHeaders);
  return {
    status,
    headers: responseHeaders,
    reader,
    chunks,
    async text() {
      const parts: Uint8Array[] = [];
      for await (const chunk of chunks()) parts.push(chunk);
      return new TextDecoder().decode(joinBytes(parts));
    },
    async *lines() {
      const decoder = new TextDecoder();
      let rest = "";
      for await (const chunk of chunks()) {
        rest += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = rest.indexOf("\n")) !== -1) {
          yield rest.slice(0, nl).replace(/\r$/, "");
          rest = rest.slice(nl + 1);
        }
      }
      rest += decoder.decode();
      if (rest) yield rest;
    },
  };
}
