/**
 * One buffer from several: bodies from their frames, coalesced writes, message heads. Shared by
 * the cli, the intproxy and the agent (whose image ships cli/ too).
 *
 * @module
 */

/**
 * @param parts byte arrays, in order
 * @returns a new array holding them one after the other
 */
export function joinBytes(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const part of parts) size += part.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
