/**
 * Buffered reading from one redirected socket: protocol detection and the HTTP parsers look at
 * bytes without consuming them, and what they looked at is replayed to whoever handles the stream
 * next. At most one `read` is ever pending, so a wait that timed out loses nothing: the next
 * wait picks up the same read.
 *
 * @module
 */

/** Bytes per socket read: small enough that 1000 idle connections hold only ~16 MiB. */
export const READ_CHUNK = 16 * 1024;
const EMPTY = new Uint8Array(0);

/** What {@link ConnReader.fill} observed. */
export type FillResult = "data" | "eof" | "timeout";

/** A socket with a replay buffer. */
export class ConnReader {
  private held: Uint8Array = EMPTY;
  private pending: Promise<Uint8Array | null> | null = null;
  private ended = false;
  private readonly scratch = new Uint8Array(READ_CHUNK);

  /** @param conn the socket */
  constructor(readonly conn: Deno.Conn) {}

  /** The bytes read but not consumed yet. */
  get buffered(): Uint8Array {
    return this.held;
  }

  /** Whether the peer finished sending (bytes may still be buffered). */
  get atEof(): boolean {
    return this.ended;
  }

  /**
   * Reads more bytes into the buffer.
   *
   * @param timeoutMs give up waiting after this long (the read stays pending for the next call)
   * @returns "data" when bytes were added, "eof" at the end of the stream, "timeout"
   */
  async fill(timeoutMs?: number): Promise<FillResult> {
    if (this.ended) return "eof";
    this.pending ??= this.readOnce();
    let chunk: Uint8Array | null;
    if (timeoutMs === undefined) {
      chunk = await this.pending;
    } else {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), timeoutMs);
      });
      const outcome = await Promise.race([this.pending, timeout]);
      clearTimeout(timer);
      if (outcome === "timeout") return "timeout";
      chunk = outcome;
    }
    this.pending = null;
    if (chunk === null) {
      this.ended = true;
      return "eof";
    }
    this.held = this.held.length === 0 ? chunk : concat(this.held, chunk);
    return "data";
  }

  /**
   * Removes bytes from the front of the buffer.
   *
   * @param count how many (at most what is buffered)
   * @returns those bytes
   */
  consume(count: number): Uint8Array {
    const taken = this.held.subarray(0, count);
    this.held = count >= this.held.length ? EMPTY : this.held.subarray(count);
    return taken;
  }

  /**
   * The next bytes of the stream: the buffer if it holds any, else one socket read.
   *
   * @returns bytes, or null at the end of the stream
   */
  async read(): Promise<Uint8Array | null> {
    if (this.held.length === 0) {
      const result = await this.fill();
      if (result === "eof") return null;
    }
    return this.consume(this.held.length);
  }

  private async readOnce(): Promise<Uint8Array | null> {
    try {
      const n = await this.conn.read(this.scratch);
      return n === null ? null : this.scratch.slice(0, n);
    } catch {
      // A reset is the end of the stream for every reader of it.
      return null;
    }
  }
}

/**
 * @param a first bytes
 * @param b following bytes
 * @returns a new buffer holding both
 */
export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * Writes all of `bytes`.
 *
 * @param conn the socket
 * @param bytes what to write
 */
export async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}

/**
 * Closes a socket that may already be closed.
 *
 * @param conn the socket
 */
export function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}

/**
 * Shuts the write half of a TCP socket (the peer reads EOF), ignoring a socket already gone.
 *
 * @param conn the socket
 */
export async function closeWriteQuietly(conn: Deno.Conn): Promise<void> {
  try {
    await (conn as Deno.TcpConn).closeWrite();
  } catch {
    // Already closed or reset.
  }
}
