/**
 * Read-ahead for files a layer opened read-only (how-it-works.md §4.4, `readonly_file_buffer`):
 * the intproxy keeps the file position itself, asks the agent for positional `ReadLimited`s of at
 * least the buffer size and serves following reads from what came back.
 *
 * @module
 */
import type { SeekFileRequest } from "./_types.ts";

/** The position and cached bytes of one read-only remote file. */
export class ReadOnlyFile {
  /** where the next `read()` starts */
  position = 0n;
  #start = 0n;
  #bytes: Uint8Array | null = null;

  /**
   * Cached bytes at the current position, consuming them.
   *
   * @param size what the layer asked for
   * @returns up to `size` bytes, or null when the position is outside the cache
   */
  take(size: bigint): Uint8Array | null {
    if (this.#bytes === null) return null;
    const offset = this.position - this.#start;
    if (offset < 0n || offset >= BigInt(this.#bytes.length)) return null;
    const end = offset + size < BigInt(this.#bytes.length)
      ? offset + size
      : BigInt(this.#bytes.length);
    const bytes = this.#bytes.subarray(Number(offset), Number(end));
    this.position += BigInt(bytes.length);
    return bytes;
  }

  /**
   * Caches bytes read at the current position and consumes the first `size` of them.
   *
   * @param bytes what the agent returned for a read at `position`
   * @param size what the layer asked for
   * @returns the bytes for the layer
   */
  fill(bytes: Uint8Array, size: bigint): Uint8Array {
    this.#start = this.position;
    this.#bytes = bytes;
    return this.take(size) ?? new Uint8Array(0);
  }

  /**
   * The seek to send to the agent: relative seeks become absolute, since the agent's own file
   * position is not used for buffered files.
   *
   * @param seek the layer's seek
   * @returns the seek for the agent, or null when the result would be negative (EINVAL)
   */
  absoluteSeek(seek: SeekFileRequest): SeekFileRequest | null {
    if (!("Current" in seek.seek_from)) return seek;
    const target = this.position + seek.seek_from.Current;
    if (target < 0n) return null;
    return { fd: seek.fd, seek_from: { Start: target } };
  }

  /**
   * Records the position a seek landed on; the cache stays valid (positional).
   *
   * @param offset the agent's result offset
   */
  seeked(offset: bigint): void {
    this.position = offset;
  }
}

/**
 * Whether `open` options are read-only (no write, append, truncate or create), the files the
 * read-ahead applies to.
 *
 * @param options the layer's open options
 * @returns true for read-only
 */
export function isReadOnlyOpen(options: {
  read: boolean;
  write: boolean;
  append: boolean;
  truncate: boolean;
  create: boolean;
  create_new: boolean;
}): boolean {
  return options.read && !options.write && !options.append && !options.truncate &&
    !options.create && !options.create_new;
}
