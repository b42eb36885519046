/**
 * Ordered, coalescing writes to one socket. `write()` only queues: small pieces are copied into a
 * pooled buffer, large ones the caller hands over are queued as they are; the queue is written
 * from a microtask, so everything queued in one synchronous stretch (an HTTP response head and
 * body, the replies to every message of one read from a client) leaves in one system call, and
 * what is queued while a write is in flight leaves together right after it.
 *
 * Nothing waits inside `write()`: producers look at {@link SocketWriter.pendingBytes} (or the
 * {@link ByteBudget} the writer charges) and wait with {@link SocketWriter.drained} when it is
 * above their limit, which is how a slow socket slows down whoever feeds it instead of growing
 * the agent's memory.
 *
 * @module
 */
import type { ByteBudget } from "./byte_budget.ts";
import { giveBuffer, POOLED_BUFFER_BYTES, takeBuffer } from "./buffer_pool.ts";

/** Handed-over pieces at least this large are queued as they are instead of copied. */
const COPY_LIMIT = 4 * 1024;

interface Waiter {
  limit: number;
  resolve: () => void;
}

/** Bytes of one piece charged to a budget (released once written). */
type Charges = [ByteBudget, number][];

/** The writing side of one socket. */
export class SocketWriter {
  /** sealed pieces, in order; `pooled[i]` is the pool buffer behind `pieces[i]`, if any */
  private pieces: Uint8Array[] = [];
  private pooled: (Uint8Array | null)[] = [];
  private charges: Charges[] = [];
  /** charges of the batch being written */
  private inFlight: Charges[] = [];
  private stage: Uint8Array | null = null;
  private stageEnd = 0;
  private stageCharges: Charges = NO_CHARGES;
  private queued = 0;
  private scheduled = false;
  private flushing = false;
  private endAfterFlush = false;
  private ended = false;
  private broken = false;
  private waiters: Waiter[] = [];

  /**
   * @param conn the socket
   * @param onError called once when a write fails (the socket is gone); later writes are dropped
   * @param budget charged with every queued byte until it is written, unless a write names its
   *   own
   */
  constructor(
    readonly conn: Deno.Conn,
    private readonly onError: (error: unknown) => void = () => {},
    private readonly budget: ByteBudget | null = null,
  ) {}

  /** Bytes queued and not yet written. */
  get pendingBytes(): number {
    return this.queued;
  }

  /** Whether the socket failed or was closed: writes are dropped. */
  get closed(): boolean {
    return this.broken;
  }

  /**
   * Queues bytes.
   *
   * @param bytes what to write; read now unless `handedOver`
   * @param handedOver the caller never touches `bytes` again (large ones are then not copied)
   * @param budget charged with these bytes until they are written (default: the writer's)
   */
  write(bytes: Uint8Array, handedOver = false, budget: ByteBudget | null = this.budget): void {
    const size = bytes.length;
    if (size === 0 || this.broken || this.endAfterFlush) return;
    this.queued += size;
    budget?.add(size);
    if (size >= COPY_LIMIT && (handedOver || size > POOLED_BUFFER_BYTES)) {
      this.seal();
      this.pieces.push(handedOver ? bytes : bytes.slice());
      this.pooled.push(null);
      this.charges.push(budget === null ? NO_CHARGES : [[budget, size]]);
    } else {
      if (this.stage !== null && this.stage.length - this.stageEnd < size) this.seal();
      if (this.stage === null) {
        this.stage = takeBuffer();
        this.stageEnd = 0;
      }
      this.stage.set(bytes, this.stageEnd);
      this.stageEnd += size;
      if (budget !== null) {
        if (this.stageCharges === NO_CHARGES) this.stageCharges = [];
        charge(this.stageCharges, budget, size);
      }
    }
    this.schedule();
  }

  /**
   * Waits until at most `limit` bytes are queued (or the socket is gone).
   *
   * @param limit bytes that may stay queued
   * @returns resolves once it is so
   */
  drained(limit = 0): Promise<void> {
    if (this.queued <= limit || this.broken) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ limit, resolve }));
  }

  /** Shuts the socket's write half once everything queued is written (the peer reads EOF). */
  closeWrite(): void {
    if (this.broken || this.endAfterFlush) return;
    this.endAfterFlush = true;
    this.schedule();
  }

  /** Drops whatever is queued and closes the socket. */
  close(): void {
    if (!this.broken) this.stop();
    try {
      this.conn.close();
    } catch {
      // Already closed.
    }
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /** Moves the stage's bytes into the pieces; its buffer goes back to the pool once written. */
  private seal(): void {
    if (this.stage === null || this.stageEnd === 0) return;
    this.pieces.push(this.stage.subarray(0, this.stageEnd));
    this.pooled.push(this.stage);
    this.charges.push(this.stageCharges);
    this.stage = null;
    this.stageCharges = NO_CHARGES;
  }

  private async flush(): Promise<void> {
    if (this.flushing || this.broken) return;
    this.flushing = true;
    try {
      while (!this.broken) {
        this.seal();
        if (this.pieces.length === 0) break;
        const pieces = this.pieces;
        const pooled = this.pooled;
        const charges = this.charges;
        this.pieces = [];
        this.pooled = [];
        this.charges = [];
        this.inFlight = charges;
        for (let i = 0; i < pieces.length; i++) {
          const piece = pieces[i];
          let written = await this.conn.write(piece);
          while (written < piece.length) {
            written += await this.conn.write(piece.subarray(written));
          }
          if (this.broken) return;
          this.queued -= piece.length;
          for (const [budget, size] of charges[i]) budget.release(size);
          charges[i] = NO_CHARGES;
          const buffer = pooled[i];
          if (buffer !== null) giveBuffer(buffer);
          this.wake();
        }
        this.inFlight = [];
      }
      if (this.endAfterFlush && !this.broken && !this.ended) {
        this.ended = true;
        await (this.conn as Deno.TcpConn).closeWrite();
      }
    } catch (error) {
      if (!this.broken) {
        this.stop();
        this.onError(error);
      }
    } finally {
      this.flushing = false;
    }
    if (this.broken) return;
    if (this.pieces.length > 0 || (this.stage !== null && this.stageEnd > 0)) this.schedule();
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (this.queued <= waiter.limit) waiter.resolve();
      else still.push(waiter);
    }
    this.waiters = still;
  }

  private stop(): void {
    this.broken = true;
    for (const list of [...this.inFlight, ...this.charges, this.stageCharges]) {
      for (const [budget, size] of list) budget.release(size);
    }
    this.inFlight = [];
    this.queued = 0;
    this.pieces = [];
    this.pooled = [];
    this.charges = [];
    this.stage = null;
    this.stageCharges = NO_CHARGES;
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
  }
}

const NO_CHARGES: Charges = [];

function charge(charges: Charges, budget: ByteBudget, size: number): void {
  const last = charges.at(-1);
  if (last !== undefined && last[0] === budget) last[1] += size;
  else charges.push([budget, size]);
}
