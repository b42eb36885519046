/**
 * Recycled 16 KiB buffers for the agent's socket writers: a burst of small writes to a socket is
 * gathered in one of them and written with one system call, and the buffer goes back here once
 * written — so busy sockets allocate nothing per write and idle sockets hold no buffer at all.
 *
 * @module
 */

/** Size of every pooled buffer. */
export const POOLED_BUFFER_BYTES = 16 * 1024;
/** Buffers kept for reuse at most (1 MiB); more are left to the garbage collector. */
const MAX_POOLED = 64;

const free: Uint8Array[] = [];

/** @returns a buffer of {@link POOLED_BUFFER_BYTES} (contents undefined) */
export function takeBuffer(): Uint8Array {
  return free.pop() ?? new Uint8Array(POOLED_BUFFER_BYTES);
}

/** @param buffer a buffer from {@link takeBuffer} that nobody uses any more */
export function giveBuffer(buffer: Uint8Array): void {
  if (free.length < MAX_POOLED) free.push(buffer);
}

/** Buffers waiting for reuse, for tests. */
export function pooledBufferCount(): number {
  return free.length;
}
