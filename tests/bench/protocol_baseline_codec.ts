/**
 * Pure-TypeScript encoders/decoders of exactly the benchmark messages (DaemonMessage::Tcp(Data),
 * ClientMessage::FileRequest(Read)), the comparison point for the WASM facade. Not a codec to
 * use: it knows only these two shapes.
 *
 * @module
 */

/** The benchmark's agent → client message. */
export interface TcpDataMessage {
  Tcp: { Data: { connection_id: bigint; bytes: Uint8Array } };
}

/** The benchmark's client → agent message. */
export interface FileReadMessage {
  FileRequest: { Read: { remote_fd: bigint; buffer_size: bigint } };
}

function varintLength(v: bigint): number {
  return v < 251n ? 1 : v < 0x10000n ? 3 : v < 0x100000000n ? 5 : 9;
}

function writeVarint(out: Uint8Array, view: DataView, at: number, v: bigint): number {
  if (v < 251n) {
    out[at] = Number(v);
    return at + 1;
  }
  if (v < 0x10000n) {
    out[at] = 251;
    view.setUint16(at + 1, Number(v), true);
    return at + 3;
  }
  if (v < 0x100000000n) {
    out[at] = 252;
    view.setUint32(at + 1, Number(v), true);
    return at + 5;
  }
  out[at] = 253;
  view.setBigUint64(at + 1, v, true);
  return at + 9;
}

function readVarint(bytes: Uint8Array, view: DataView, at: number): [bigint, number] {
  const first = bytes[at];
  if (first === undefined) throw new RangeError("need more");
  if (first < 251) return [BigInt(first), at + 1];
  const size = first === 251 ? 2 : first === 252 ? 4 : first === 253 ? 8 : 0;
  if (!size) throw new Error(`invalid varint marker ${first}`);
  if (at + 1 + size > bytes.length) throw new RangeError("need more");
  if (size === 2) return [BigInt(view.getUint16(at + 1, true)), at + 3];
  if (size === 4) return [BigInt(view.getUint32(at + 1, true)), at + 5];
  return [view.getBigUint64(at + 1, true), at + 9];
}

/**
 * Encodes `Tcp(Data{connection_id, bytes})`.
 *
 * @param m the message
 * @returns its bytes
 */
export function encodeTcpData(m: TcpDataMessage): Uint8Array {
  const { connection_id, bytes } = m.Tcp.Data;
  const len = BigInt(bytes.length);
  const out = new Uint8Array(2 + varintLength(connection_id) + varintLength(len) + bytes.length);
  const view = new DataView(out.buffer);
  out[0] = 1;
  out[1] = 1;
  let at = writeVarint(out, view, 2, connection_id);
  at = writeVarint(out, view, at, len);
  out.set(bytes, at);
  return out;
}

/**
 * Decodes `Tcp(Data{…})` (copies the payload once, like the facade).
 *
 * @param bytes the message bytes
 * @returns the message
 */
export function decodeTcpData(bytes: Uint8Array): TcpDataMessage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== 1 || bytes[1] !== 1) throw new Error("not Tcp(Data)");
  const [connection_id, at] = readVarint(bytes, view, 2);
  const [len, start] = readVarint(bytes, view, at);
  const end = start + Number(len);
  if (end > bytes.length) throw new RangeError("need more");
  return { Tcp: { Data: { connection_id, bytes: bytes.slice(start, end) } } };
}

/**
 * Encodes `FileRequest(Read{remote_fd, buffer_size})`.
 *
 * @param m the message
 * @returns its bytes
 */
export function encodeFileRead(m: FileReadMessage): Uint8Array {
  const { remote_fd, buffer_size } = m.FileRequest.Read;
  const out = new Uint8Array(2 + varintLength(remote_fd) + varintLength(buffer_size));
  const view = new DataView(out.buffer);
  out[0] = 5;
  out[1] = 2;
  writeVarint(out, view, writeVarint(out, view, 2, remote_fd), buffer_size);
  return out;
}

/**
 * Decodes `FileRequest(Read{…})`.
 *
 * @param bytes the message bytes
 * @returns the message
 */
export function decodeFileRead(bytes: Uint8Array): FileReadMessage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== 5 || bytes[1] !== 2) throw new Error("not FileRequest(Read)");
  const [remote_fd, at] = readVarint(bytes, view, 2);
  const [buffer_size] = readVarint(bytes, view, at);
  return { FileRequest: { Read: { remote_fd, buffer_size } } };
}
