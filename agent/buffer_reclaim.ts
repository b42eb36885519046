/**
 * Prompt reclaiming of dead message buffers. Every message the agent encodes or decodes gets a
 * fresh `Uint8Array` from the protocol facade; under load these die young, but V8 collects the
 * young generation only when its small JS objects fill it, by which time tens of MiB of dead
 * payload can be waiting outside the heap (and in the process' RSS). So the agent counts the
 * payload bytes it handles and asks for a young-generation collection every
 * {@link RECLAIM_EVERY_BYTES} — about half a millisecond each. Needs V8's `--expose-gc`, which the
 * iptables guard gives the agent (iptables_guard.ts); without it this does nothing.
 *
 * @module
 */

/** Payload bytes handled between two young-generation collections. */
export const RECLAIM_EVERY_BYTES = 2 * 1024 * 1024;

type GcFunction = (options: { type: "minor" | "major" }) => void;
const gc = (globalThis as { gc?: GcFunction }).gc;
let sinceLast = 0;
let collections = 0;

/**
 * Counts message bytes allocated (encoded or decoded).
 *
 * @param bytes their size
 */
export function noteBufferBytes(bytes: number): void {
  sinceLast += bytes;
  if (sinceLast < RECLAIM_EVERY_BYTES || gc === undefined) return;
  sinceLast = 0;
  collections++;
  gc({ type: "minor" });
}

/** Young-generation collections asked for so far (metrics). */
export function reclaimCount(): number {
  return collections;
}
