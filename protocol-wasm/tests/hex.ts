/**
 * Hex helpers for tests: protocol.md writes bytes as space-separated hex.
 *
 * @module
 */

/**
 * `"0A 06 31"` → bytes.
 *
 * @param text hex pairs, spaces allowed
 * @returns the bytes
 */
export function hex(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, "");
  return Uint8Array.from(
    { length: digits.length / 2 },
    (_, i) => parseInt(digits.slice(2 * i, 2 * i + 2), 16),
  );
}

/**
 * Bytes → `"0a 06 31"`.
 *
 * @param bytes the bytes
 * @returns spaced lower-case hex
 */
export function toSpacedHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}
