/**
 * HPACK (RFC 7541) for the agent's HTTP/2 connections, through `hpack.js` (the codec under
 * node-spdy and webpack-dev-server). One compressor and one decompressor per connection: header
 * blocks must be decoded in the order they arrive, since they share the dynamic table.
 *
 * @module
 */
import hpack from "hpack.js";
import { Buffer } from "node:buffer";

interface HpackField {
  name: string;
  value: string;
}

interface HpackStream {
  write(data: unknown): void;
  execute?(): void;
  read(): unknown;
}

interface HpackModule {
  compressor: { create(options: { table: { size: number } }): HpackStream };
  decompressor: { create(options: { table: { size: number } }): HpackStream };
}

const codec = hpack as unknown as HpackModule;
const TABLE_SIZE = 4096;

/** A malformed header block: a connection error (COMPRESSION_ERROR). */
export class HpackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HpackError";
  }
}

/** Encodes header lists for one connection. */
export class HeaderEncoder {
  private readonly stream = codec.compressor.create({ table: { size: TABLE_SIZE } });

  /**
   * @param headers name/value pairs (lower-case names, pseudo-headers first)
   * @returns the header block
   */
  encode(headers: [string, string][]): Uint8Array {
    this.stream.write(headers.map(([name, value]) => ({ name, value })));
    const parts: Uint8Array[] = [];
    for (let part = this.stream.read(); part !== null; part = this.stream.read()) {
      parts.push(part as Uint8Array);
    }
    return new Uint8Array(Buffer.concat(parts));
  }
}

/** Decodes header blocks of one connection. */
export class HeaderDecoder {
  private readonly stream = codec.decompressor.create({ table: { size: TABLE_SIZE } });

  /**
   * @param block a complete header block (HEADERS + CONTINUATION payloads)
   * @returns the header list in order
   * @throws {HpackError} on a malformed block
   */
  decode(block: Uint8Array): [string, string][] {
    const headers: [string, string][] = [];
    try {
      this.stream.write(Buffer.from(block.buffer, block.byteOffset, block.length));
      this.stream.execute!();
      for (let field = this.stream.read(); field !== null; field = this.stream.read()) {
        const { name, value } = field as HpackField;
        headers.push([name, value]);
      }
    } catch (error) {
      throw new HpackError(`invalid header block: ${(error as Error).message}`);
    }
    return headers;
  }
}
