/**
 * Buffered reading from one redirected socket: protocol detection and the HTTP parsers look at
 * bytes without consuming them, and what they looked at is replayed to whoever handles the stream
 * next. At most one `read` is ever pending, so a wait that timed out loses nothing: the next
 * wait picks up the same read.
 *
 * Memory: each reader reads into one buffer of its own that starts small
 * ({@link MIN_READ_BUFFER}, enough for a request head) and doubles while reads fill it, up to
 * {@link MAX_READ_BUFFER} for bulk transfers, as long as all grown buffers together stay within
 * {@link READ_GROWTH_BUDGET}; it shrinks back once reads are small again. So thousands of
 * connections cost a few KiB each however busy they are, and no read allocates.
 *
 * **Views**: `buffered`, `consume()` and `read()` return views into that buffer, valid until the
 * next `fill()`/`read()` on this reader. Whoever keeps bytes longer must copy them.
 *
 * @module
 */

/** First (and smallest) read buffer of a connection. */
export const MIN_READ_BUFFER = 2 * 1024;
/**
 * Largest read buffer a connection grows to while data streams in: every connection with a read
 * pending holds its buffer, so this bounds the agent's memory per busy connection.
 */
export const MAX_READ_BUFFER = 16 * 1024;
/**
 * Bytes all readers together may hold beyond {@link MIN_READ_BUFFER} each: a few hundred busy
 * connections read in large chunks, thousands read in small ones, and the agent's memory for read
 * buffers stays near `connections × MIN_READ_BUFFER + READ_GROWTH_BUDGET`.
 */
export const READ_GROWTH_BUDGET = 2 * 1024 * 1024;
/** Small reads in a row after which a grown buffer shrinks back. */
const SMALL_READS_BEFORE_SHRINK = 32;

/** Bytes of grown read buffers beyond their minimum, over all readers. */
let grownBytes = 0;
/** Gives back the growth of readers dropped without reaching their end. */
const growthOwners = new FinalizationRegistry<{ bytes: number }>((held) => {
  grownBytes -= held.bytes;
});

/** Read buffer bytes beyond the minimum held by all readers now, for tests. */
export function grownReadBufferBytes(): number {
  return grownBytes;
}

/** What {@link ConnReader.fill} observed. */
export type FillResult = "data" | "eof" | "timeout";

/** A socket with a replay buffer. */
export class ConnReader {
  private buf: Uint8Array | null = null;
  private start = 0;
  private end = 0;
  private pending: Promise<number | null> | null = null;
  private settled = false;
  private ended = false;
  private smallReads = 0;
  /** this reader's share of {@link grownBytes} (shared with the finalization registry) */
  private growth: { bytes: number } | null = null;

  /** @param conn the socket */
  constructor(readonly conn: Deno.Conn) {}

  /** The bytes read but not consumed yet (a view, see the module notes). */
  get buffered(): Uint8Array {
    return this.buf === null ? EMPTY : this.buf.subarray(this.start, this.end);
  }

  /** Whether the peer finished sending (bytes may still be buffered). */
  get atEof(): boolean {
    return this.ended;
  }

  /** Size of the read buffer now, for tests. */
  get capacity(): number {
    return this.buf?.length ?? 0;
  }

  /**
   * Reads more bytes into the buffer.
   *
   * A timeout is only reported if the read is still pending after the event loop had one more
   * turn to deliver it: when the agent is too busy to run timers on time, data that arrived long
   * ago must not be taken for silence.
   *
   * @param timeoutMs give up waiting after this long (the read stays pending for the next call)
   * @returns "data" when bytes were added, "eof" at the end of the stream, "timeout"
   */
  async fill(timeoutMs?: number): Promise<FillResult> {
    if (this.ended) return "eof";
    const pending = this.pending ??= this.readOnce();
    let n: number | null;
    if (timeoutMs === undefined) {
      n = await pending;
    } else {
      const outcome = await raceTimeout(pending, timeoutMs);
      if (outcome === TIMEOUT) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        if (!this.settled) return "timeout";
      }
      n = await pending;
    }
    this.pending = null;
    if (n === null) {
      this.ended = true;
      this.setGrowth(0);
      return "eof";
    }
    this.end += n;
    return "data";
  }

  /**
   * Removes bytes from the front of the buffer.
   *
   * @param count how many (at most what is buffered)
   * @returns those bytes (a view)
   */
  consume(count: number): Uint8Array {
    if (this.buf === null) return EMPTY;
    const taken = this.buf.subarray(this.start, Math.min(this.end, this.start + count));
    this.start += taken.length;
    return taken;
  }

  /**
   * The next bytes of the stream: the buffer if it holds any, else one socket read.
   *
   * @returns bytes (a view), or null at the end of the stream
   */
  async read(): Promise<Uint8Array | null> {
    if (this.start === this.end) {
      const result = await this.fill();
      if (result === "eof") return null;
    }
    return this.consume(this.end - this.start);
  }

  private async readOnce(): Promise<number | null> {
    const target = this.room();
    this.settled = false;
    let n: number | null;
    try {
      n = await this.conn.read(target);
    } catch {
      n = null; // A reset is the end of the stream for every reader of it.
    }
    this.settled = true;
    if (n !== null) this.adapt(n, target.length);
    return n;
  }

  /** Free space at the end of the buffer, made by compacting or growing it. */
  private room(): Uint8Array {
    if (this.buf === null) {
      this.buf = new Uint8Array(MIN_READ_BUFFER);
      this.start = this.end = 0;
    }
    const held = this.end - this.start;
    if (held === 0) this.start = this.end = 0;
    if (this.buf.length - this.end >= MIN_READ_BUFFER / 2) return this.buf.subarray(this.end);
    // Little room left: move what is held to the front, into a larger buffer if it is over half
    // (a parser waiting for the rest of a message grows it whatever the budget says).
    if (held > this.buf.length / 2) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf.subarray(this.start, this.end), 0);
      this.buf = next;
      this.setGrowth(next.length - MIN_READ_BUFFER);
    } else {
      this.buf.copyWithin(0, this.start, this.end);
    }
    this.start = 0;
    this.end = held;
    return this.buf.subarray(this.end);
  }

  /** Grows the buffer while reads fill it, shrinks it back after a run of small reads. */
  private adapt(read: number, offered: number): void {
    const buf = this.buf!;
    if (read === offered && buf.length < MAX_READ_BUFFER) {
      this.smallReads = 0;
      if (grownBytes + buf.length <= READ_GROWTH_BUDGET) this.resize(buf.length * 2, read);
      return;
    }
    if (buf.length > MIN_READ_BUFFER && read < buf.length / 4) {
      if (++this.smallReads >= SMALL_READS_BEFORE_SHRINK) {
        this.smallReads = 0;
        this.resize(Math.max(MIN_READ_BUFFER, buf.length / 2), read);
      }
    } else this.smallReads = 0;
  }

  /** Moves the held bytes (including `justRead` not yet counted in `end`) into a new buffer. */
  private resize(size: number, justRead: number): void {
    const held = this.end + justRead - this.start;
    if (held > size) return;
    const next = new Uint8Array(size);
    next.set(this.buf!.subarray(this.start, this.end + justRead), 0);
    this.buf = next;
    this.end = held - justRead;
    this.start = 0;
    this.setGrowth(size - MIN_READ_BUFFER);
  }

  private setGrowth(bytes: number): void {
    if (this.growth === null) {
      if (bytes === 0) return;
      // Registered only once grown: most readers never are, and registration has a cost.
      this.growth = { bytes: 0 };
      growthOwners.register(this, this.growth);
    }
    grownBytes += bytes - this.growth.bytes;
    this.growth.bytes = bytes;
  }
}

const EMPTY = new Uint8Array(0);
const TIMEOUT = Symbol("timeout");

async function raceTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMEOUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMEOUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMEOUT), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
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
