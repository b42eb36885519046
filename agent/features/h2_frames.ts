/**
 * HTTP/2 framing (RFC 9113 §4, §6): the 9-byte frame header, frame types, flags, settings and
 * error codes, and reading one frame from a buffered socket.
 *
 * @module
 */
import type { ConnReader } from "./conn_reader.ts";

/** The client connection preface. */
export const PREFACE = new TextEncoder().encode("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

/** Frame types. */
export const FrameType = {
  DATA: 0,
  HEADERS: 1,
  PRIORITY: 2,
  RST_STREAM: 3,
  SETTINGS: 4,
  PUSH_PROMISE: 5,
  PING: 6,
  GOAWAY: 7,
  WINDOW_UPDATE: 8,
  CONTINUATION: 9,
} as const;

/** Frame flags. */
export const Flag = {
  END_STREAM: 0x1,
  ACK: 0x1,
  END_HEADERS: 0x4,
  PADDED: 0x8,
  PRIORITY: 0x20,
} as const;

/** Settings identifiers. */
export const Setting = {
  HEADER_TABLE_SIZE: 1,
  ENABLE_PUSH: 2,
  MAX_CONCURRENT_STREAMS: 3,
  INITIAL_WINDOW_SIZE: 4,
  MAX_FRAME_SIZE: 5,
} as const;

/** Error codes. */
export const ErrorCode = {
  NO_ERROR: 0,
  PROTOCOL_ERROR: 1,
  INTERNAL_ERROR: 2,
  FLOW_CONTROL_ERROR: 3,
  STREAM_CLOSED: 5,
  FRAME_SIZE_ERROR: 6,
  REFUSED_STREAM: 7,
  CANCEL: 8,
  COMPRESSION_ERROR: 9,
} as const;

/** Largest frame payload accepted from a peer. */
export const MAX_ACCEPTED_FRAME = 16 * 1024 * 1024;
/** The frame size every peer accepts until it says otherwise. */
export const DEFAULT_MAX_FRAME = 16384;
/** Every window's size until settings or updates change it. */
export const DEFAULT_WINDOW = 65535;

/** One frame. */
export interface Frame {
  type: number;
  flags: number;
  streamId: number;
  payload: Uint8Array;
}

/** A violation that ends the whole connection. */
export class H2ProtocolError extends Error {
  constructor(message: string, readonly code: number = ErrorCode.PROTOCOL_ERROR) {
    super(message);
    this.name = "H2ProtocolError";
  }
}

/**
 * Serializes a frame.
 *
 * @param type frame type
 * @param flags flags
 * @param streamId stream (0 for the connection)
 * @param payload payload bytes
 * @returns the frame's bytes
 */
export function frameBytes(
  type: number,
  flags: number,
  streamId: number,
  payload: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const out = new Uint8Array(9 + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, payload.length << 8 | type);
  out[4] = flags;
  view.setUint32(5, streamId & 0x7fffffff);
  out.set(payload, 9);
  return out;
}

/**
 * @param pairs settings as [id, value]
 * @returns a SETTINGS payload
 */
export function settingsPayload(pairs: [number, number][]): Uint8Array {
  const out = new Uint8Array(pairs.length * 6);
  const view = new DataView(out.buffer);
  pairs.forEach(([id, value], i) => {
    view.setUint16(i * 6, id);
    view.setUint32(i * 6 + 2, value);
  });
  return out;
}

/**
 * @param value a 31-bit number (window increment, error code, stream id)
 * @returns 4 bytes big-endian
 */
export function u32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value >>> 0);
  return out;
}

/**
 * Reads the next frame.
 *
 * @param reader the connection
 * @returns the frame, or null at the end of the stream
 * @throws {H2ProtocolError} for an oversized frame or a stream ending mid-frame
 */
export async function readFrame(reader: ConnReader): Promise<Frame | null> {
  while (reader.buffered.length < 9) {
    if (await reader.fill() === "eof") {
      if (reader.buffered.length === 0) return null;
      throw new H2ProtocolError("connection closed inside a frame");
    }
  }
  const head = reader.buffered;
  const length = head[0] << 16 | head[1] << 8 | head[2];
  if (length > MAX_ACCEPTED_FRAME) {
    throw new H2ProtocolError(`frame of ${length} bytes`, ErrorCode.FRAME_SIZE_ERROR);
  }
  while (reader.buffered.length < 9 + length) {
    if (await reader.fill() === "eof") {
      throw new H2ProtocolError("connection closed inside a frame");
    }
  }
  // Frames outlive the reader's next read (header blocks, queued DATA): copy them out.
  const bytes = reader.consume(9 + length).slice();
  return {
    type: bytes[3],
    flags: bytes[4],
    streamId: new DataView(bytes.buffer, bytes.byteOffset + 5, 4).getUint32(0) & 0x7fffffff,
    payload: bytes.subarray(9),
  };
}

/**
 * Strips padding (and HEADERS priority fields) from a payload.
 *
 * @param frame a DATA or HEADERS frame
 * @returns the content
 * @throws {H2ProtocolError} when the padding is longer than the frame
 */
export function unpadded(frame: Frame): Uint8Array {
  let payload = frame.payload;
  let pad = 0;
  if (frame.flags & Flag.PADDED) {
    pad = payload[0] ?? 0;
    payload = payload.subarray(1);
  }
  if (frame.type === FrameType.HEADERS && frame.flags & Flag.PRIORITY) {
    payload = payload.subarray(5);
  }
  if (pad > payload.length) throw new H2ProtocolError("padding longer than the frame");
  return payload.subarray(0, payload.length - pad);
}
