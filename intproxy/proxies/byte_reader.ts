/**
 * Buffered reads from a connection for the HTTP/1 client: up to a delimiter (a head, a chunk-size
 * line), exact counts, or whatever is available — without copying the stream more than once.
 *
 * @module
 */

const READ_SIZE = 64 * 1024;

/** Anything with a `read` like `Deno.Conn`. */
export interface ByteSource {
  read(buffer: Uint8Array): Promise<number | null>;
}

/** The peer sent something the reader cannot accept. */
export class ReadLimitError extends Error {}

/** A read buffer over a {@link ByteSource}. */
export class ByteReader {
  readonly #source: ByteSource;
  #buffer = new Uint8Array(READ_SIZE);
  #start = 0;
  #end = 0;
  #eof = false;
  /** bytes received so far */
  received = 0;

  /** @param source where bytes come from */
  constructor(source: ByteSource) {
    this.#source = source;
  }

  /** Bytes buffered and not consumed. */
  get available(): number {
    return this.#end - this.#start;
  }

  /** Whether the source ended. */
  get eof(): boolean {
    return this.#eof;
  }

  /**
   * Reads more from the source.
   *
   * @returns false at EOF
   */
  async fill(): Promise<boolean> {
    if (this.#eof) return false;
    if (this.#end === this.#buffer.length) {
      if (this.#start > 0) {
        this.#buffer.copyWithin(0, this.#start, this.#end);
        this.#end -= this.#start;
        this.#start = 0;
      } else {
        const bigger = new Uint8Array(this.#buffer.length * 2);
        bigger.set(this.#buffer.subarray(0, this.#end));
        this.#buffer = bigger;
      }
    }
    const n = await this.#source.read(this.#buffer.subarray(this.#end));
    if (n === null) {
      this.#eof = true;
      return false;
    }
    this.#end += n;
    this.received += n;
    return true;
  }

  /**
   * Reads through the next `delimiter` (included).
   *
   * @param delimiter e.g. CRLF CRLF
   * @param limit the most bytes before the delimiter is found
   * @returns the bytes (a copy), or null at EOF before any byte
   */
  async readUntil(delimiter: Uint8Array, limit: number): Promise<Uint8Array | null> {
    let searchFrom = this.#start;
    while (true) {
      const at = indexOf(this.#buffer, delimiter, searchFrom, this.#end);
      if (at >= 0) {
        const stop = at + delimiter.length;
        const out = this.#buffer.slice(this.#start, stop);
        this.#start = stop;
        return out;
      }
      if (this.available > limit) throw new ReadLimitError(`more than ${limit} bytes without end`);
      searchFrom = Math.max(this.#start, this.#end - delimiter.length + 1);
      const before = this.#start;
      if (!await this.fill()) {
        if (this.available === 0) return null;
        throw new ReadLimitError("the connection ended inside a message head");
      }
      searchFrom += this.#start - before; // a compaction moved the bytes
    }
  }

  /**
   * Takes up to `max` bytes, reading once if none are buffered.
   *
   * @param max the most bytes
   * @returns a copy, or null at EOF
   */
  async readSome(max: number): Promise<Uint8Array | null> {
    if (this.available === 0 && !await this.fill()) return null;
    const n = Math.min(max, this.available);
    const out = this.#buffer.slice(this.#start, this.#start + n);
    this.#start += n;
    return out;
  }

  /**
   * Takes `n` buffered bytes (at most {@link available}).
   *
   * @param n how many
   * @returns a copy
   */
  take(n: number): Uint8Array {
    const count = Math.min(n, this.available);
    const out = this.#buffer.slice(this.#start, this.#start + count);
    this.#start += count;
    return out;
  }

  /**
   * Takes every buffered byte without reading (e.g. what follows a 101 head).
   *
   * @returns a copy
   */
  takeBuffered(): Uint8Array {
    const out = this.#buffer.slice(this.#start, this.#end);
    this.#start = this.#end;
    return out;
  }
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number, to: number): number {
  const first = needle[0];
  for (let i = haystack.indexOf(first, from); i >= 0 && i + needle.length <= to;) {
    let match = true;
    for (let j = 1; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) {
        match = false;
        break;
      }
    }
    if (match) return i;
    i = haystack.indexOf(first, i + 1);
  }
  return -1;
}
