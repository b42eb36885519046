/**
 * One HTTP/2 connection (RFC 9113), as a server (a redirected h2c connection with prior
 * knowledge) or as a client (the passthrough connection to the target's server): streams,
 * header blocks, flow control both ways, SETTINGS/PING/GOAWAY/RST_STREAM.
 *
 * Received DATA is queued per stream and the peer's window is given back only as the stream's
 * consumer takes it, so a slow consumer (a client link, the target's server) slows its stream's
 * sender instead of growing the agent's memory: at most {@link STREAM_WINDOW} bytes per stream.
 *
 * @module
 */
import { closeQuietly, concat, type ConnReader } from "./conn_reader.ts";
import { SocketWriter } from "./socket_writer.ts";
import {
  DEFAULT_MAX_FRAME,
  DEFAULT_WINDOW,
  ErrorCode,
  Flag,
  type Frame,
  frameBytes,
  FrameType,
  H2ProtocolError,
  PREFACE,
  readFrame,
  Setting,
  settingsPayload,
  u32,
  unpadded,
} from "./h2_frames.ts";
import { HeaderDecoder, HeaderEncoder } from "./h2_hpack.ts";

/** The receive window the agent grants each stream. */
export const STREAM_WINDOW = 1024 * 1024;
/** Bytes of frames queued for the socket before the streams writing them wait. */
const SEND_QUEUE_LIMIT = 256 * 1024;
const CONNECTION_WINDOW = 16 * 1024 * 1024;

/** Something a stream received after its headers. */
export type StreamItem =
  | { data: Uint8Array }
  | { trailers: [string, string][] };

/** One stream. */
export class H2Stream {
  /** request headers (server role) */
  headers: [string, string][] = [];
  /** response headers (client role), set once the final response head arrived */
  readonly response: Promise<[string, string][]>;
  sendWindow: number;
  private readonly queue: StreamItem[] = [];
  private ended = false;
  private error: Error | null = null;
  private wake: (() => void) | null = null;
  private resolveResponse!: (headers: [string, string][]) => void;
  private rejectResponse!: (error: Error) => void;
  localEnded = false;

  constructor(readonly id: number, private readonly session: H2Session, window: number) {
    this.sendWindow = window;
    this.response = new Promise((resolve, reject) => {
      this.resolveResponse = resolve;
      this.rejectResponse = reject;
    });
    this.response.catch(() => {});
  }

  /** Items received, in order, until the peer ends the stream; throws if it was reset. */
  async *items(): AsyncGenerator<StreamItem> {
    while (true) {
      const item = this.queue.shift();
      if (item) {
        if ("data" in item) this.session.consumed(this, item.data.length);
        yield item;
        continue;
      }
      if (this.error) throw this.error;
      if (this.ended) return;
      await new Promise<void>((resolve) => this.wake = resolve);
    }
  }

  /** Whether the peer ended its side. */
  get remoteEnded(): boolean {
    return this.ended;
  }

  /** @internal */
  deliver(item: StreamItem): void {
    this.queue.push(item);
    this.notify();
  }

  /** @internal */
  end(): void {
    this.ended = true;
    this.notify();
  }

  /** @internal */
  fail(error: Error): void {
    this.error ??= error;
    this.rejectResponse(error);
    this.notify();
  }

  /** @internal */
  setResponse(headers: [string, string][]): void {
    this.resolveResponse(headers);
  }

  /**
   * @param headers header list (pseudo-headers first)
   * @param endStream whether no body follows
   */
  sendHeaders(headers: [string, string][], endStream: boolean): Promise<void> {
    return this.session.sendHeaders(this, headers, endStream);
  }

  /**
   * @param data body bytes
   * @param endStream whether the body ends
   */
  sendData(data: Uint8Array, endStream: boolean): Promise<void> {
    return this.session.sendData(this, data, endStream);
  }

  /** @param code RST_STREAM error code */
  reset(code: number = ErrorCode.CANCEL): void {
    this.session.reset(this, code);
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

/** An HTTP/2 connection. */
export class H2Session {
  private readonly streams = new Map<number, H2Stream>();
  private readonly encoder = new HeaderEncoder();
  private readonly decoder = new HeaderDecoder();
  private readonly writer: SocketWriter;
  private connectionSendWindow = DEFAULT_WINDOW;
  private peerInitialWindow = DEFAULT_WINDOW;
  private peerMaxFrame = DEFAULT_MAX_FRAME;
  private windowWaiters: (() => void)[] = [];
  private nextStreamId = 1;
  private unacknowledged = 0;
  private closed = false;
  private goingAway = false;

  /**
   * @param reader the connection (server role: its buffer starts with the client preface)
   * @param role which side the agent is
   * @param onStream server role: called for each new request stream once its headers arrived
   * @param writer the socket's writer, if it has one already
   */
  constructor(
    private readonly reader: ConnReader,
    private readonly role: "server" | "client",
    private readonly onStream: (stream: H2Stream) => void = () => {},
    writer?: SocketWriter,
  ) {
    this.writer = writer ?? new SocketWriter(reader.conn, () => this.close());
  }

  /** Open streams. */
  get streamCount(): number {
    return this.streams.size;
  }

  /**
   * Runs the connection until it ends.
   *
   * @returns resolves when the connection is closed
   */
  async run(): Promise<void> {
    try {
      if (this.role === "server") this.reader.consume(PREFACE.length);
      const settings = frameBytes(
        FrameType.SETTINGS,
        0,
        0,
        settingsPayload([
          [Setting.ENABLE_PUSH, 0],
          [Setting.INITIAL_WINDOW_SIZE, STREAM_WINDOW],
          [Setting.MAX_CONCURRENT_STREAMS, 1000],
        ]),
      );
      const grow = frameBytes(
        FrameType.WINDOW_UPDATE,
        0,
        0,
        u32(CONNECTION_WINDOW - DEFAULT_WINDOW),
      );
      await this.write(this.role === "client" ? [PREFACE, settings, grow] : [settings, grow]);
      while (!this.closed) {
        const frame = await readFrame(this.reader);
        if (frame === null) break;
        await this.handle(frame);
      }
    } catch (error) {
      const code = error instanceof H2ProtocolError ? error.code : ErrorCode.INTERNAL_ERROR;
      await this.write([frameBytes(FrameType.GOAWAY, 0, 0, concat(u32(0), u32(code)))]).catch(
        () => {},
      );
    }
    this.close(new Error("the HTTP/2 connection closed"));
  }

  /**
   * Opens a stream (client role).
   *
   * @returns the stream; send its headers next
   */
  open(): H2Stream {
    if (this.closed || this.goingAway) throw new Error("the HTTP/2 connection is closing");
    const stream = new H2Stream(this.nextStreamId, this, this.peerInitialWindow);
    this.nextStreamId += 2;
    this.streams.set(stream.id, stream);
    return stream;
  }

  /** Whether new streams can be opened. */
  get usable(): boolean {
    return !this.closed && !this.goingAway;
  }

  /** Closes the connection and fails every open stream. */
  close(error: Error = new Error("the HTTP/2 connection closed")): void {
    if (this.closed) return;
    this.closed = true;
    for (const stream of this.streams.values()) stream.fail(error);
    this.streams.clear();
    for (const wake of this.windowWaiters.splice(0)) wake();
    this.writer.close();
    closeQuietly(this.reader.conn);
  }

  /** @internal a stream's consumer took `size` bytes: give the window back */
  consumed(stream: H2Stream, size: number): void {
    if (size === 0 || this.closed) return;
    this.unacknowledged += size;
    const frames = [];
    if (!stream.remoteEnded) {
      frames.push(frameBytes(FrameType.WINDOW_UPDATE, 0, stream.id, u32(size)));
    }
    if (this.unacknowledged >= CONNECTION_WINDOW / 4) {
      frames.push(frameBytes(FrameType.WINDOW_UPDATE, 0, 0, u32(this.unacknowledged)));
      this.unacknowledged = 0;
    }
    if (frames.length) this.write(frames).catch(() => {});
  }

  /** @internal */
  async sendHeaders(stream: H2Stream, headers: [string, string][], endStream: boolean) {
    const block = this.encoder.encode(headers);
    const frames: Uint8Array[] = [];
    let at = 0;
    do {
      const piece = block.subarray(at, at + this.peerMaxFrame);
      at += piece.length;
      const last = at >= block.length;
      const type = frames.length === 0 ? FrameType.HEADERS : FrameType.CONTINUATION;
      const flags = (last ? Flag.END_HEADERS : 0) |
        (frames.length === 0 && endStream ? Flag.END_STREAM : 0);
      frames.push(frameBytes(type, flags, stream.id, piece));
    } while (at < block.length);
    // A header block must not be interleaved with other frames.
    await this.write(frames);
    if (endStream) this.localEnd(stream);
  }

  /** @internal */
  async sendData(stream: H2Stream, data: Uint8Array, endStream: boolean): Promise<void> {
    let at = 0;
    do {
      while (
        !this.closed && this.streams.has(stream.id) &&
        (stream.sendWindow <= 0 || this.connectionSendWindow <= 0) && data.length > 0
      ) {
        await new Promise<void>((resolve) => this.windowWaiters.push(resolve));
      }
      if (this.closed || !this.streams.has(stream.id)) throw new Error("the stream is closed");
      const size = Math.min(
        data.length - at,
        this.peerMaxFrame,
        stream.sendWindow,
        this.connectionSendWindow,
      );
      const piece = data.subarray(at, at + size);
      at += size;
      stream.sendWindow -= size;
      this.connectionSendWindow -= size;
      const last = at >= data.length;
      await this.write([
        frameBytes(FrameType.DATA, last && endStream ? Flag.END_STREAM : 0, stream.id, piece),
      ]);
    } while (at < data.length);
    if (endStream) this.localEnd(stream);
  }

  /** @internal */
  reset(stream: H2Stream, code: number): void {
    if (!this.streams.has(stream.id)) return;
    this.streams.delete(stream.id);
    stream.fail(new Error(`stream reset (code ${code})`));
    this.write([frameBytes(FrameType.RST_STREAM, 0, stream.id, u32(code))]).catch(() => {});
  }

  private localEnd(stream: H2Stream): void {
    stream.localEnded = true;
    if (stream.remoteEnded) this.streams.delete(stream.id);
  }

  /** Queues frames (written together with whatever else is queued in this turn). */
  private write(parts: Uint8Array[]): Promise<void> {
    if (this.closed) return Promise.resolve();
    for (const part of parts) this.writer.write(part, true);
    if (this.writer.pendingBytes <= SEND_QUEUE_LIMIT) return Promise.resolve();
    return this.writer.drained(SEND_QUEUE_LIMIT);
  }

  private async readHeaderBlock(first: Frame): Promise<Uint8Array> {
    let block = unpadded(first);
    let flags = first.flags;
    while (!(flags & Flag.END_HEADERS)) {
      const next = await readFrame(this.reader);
      if (!next || next.type !== FrameType.CONTINUATION || next.streamId !== first.streamId) {
        throw new H2ProtocolError("header block interrupted");
      }
      block = concat(block, next.payload);
      flags = next.flags;
    }
    return block;
  }

  private async handle(frame: Frame): Promise<void> {
    switch (frame.type) {
      case FrameType.SETTINGS:
        return await this.onSettings(frame);
      case FrameType.PING:
        if (!(frame.flags & Flag.ACK)) {
          await this.write([frameBytes(FrameType.PING, Flag.ACK, 0, frame.payload)]);
        }
        return;
      case FrameType.WINDOW_UPDATE:
        return this.onWindowUpdate(frame);
      case FrameType.HEADERS:
        return this.onHeaders(frame, this.decoder.decode(await this.readHeaderBlock(frame)));
      case FrameType.DATA:
        return this.onData(frame);
      case FrameType.RST_STREAM: {
        const stream = this.streams.get(frame.streamId);
        this.streams.delete(frame.streamId);
        stream?.fail(new Error("the peer reset the stream"));
        for (const wake of this.windowWaiters.splice(0)) wake();
        return;
      }
      case FrameType.GOAWAY: {
        this.goingAway = true;
        const last = new DataView(frame.payload.buffer, frame.payload.byteOffset).getUint32(0) &
          0x7fffffff;
        for (const [id, stream] of this.streams) {
          if (id > last && id % 2 === 1 && this.role === "client") {
            this.streams.delete(id);
            stream.fail(new Error("the server refused the stream (GOAWAY)"));
          }
        }
        if (this.streams.size === 0) this.close();
        return;
      }
      case FrameType.PUSH_PROMISE:
        throw new H2ProtocolError("push promise although push is disabled");
      case FrameType.CONTINUATION:
        throw new H2ProtocolError("continuation without headers");
      default:
        return; // PRIORITY and unknown frame types are ignored.
    }
  }

  private async onSettings(frame: Frame): Promise<void> {
    if (frame.flags & Flag.ACK) return;
    const view = new DataView(frame.payload.buffer, frame.payload.byteOffset, frame.payload.length);
    for (let at = 0; at + 6 <= frame.payload.length; at += 6) {
      const id = view.getUint16(at);
      const value = view.getUint32(at + 2);
      if (id === Setting.INITIAL_WINDOW_SIZE) {
        const delta = value - this.peerInitialWindow;
        this.peerInitialWindow = value;
        for (const stream of this.streams.values()) stream.sendWindow += delta;
      } else if (id === Setting.MAX_FRAME_SIZE) {
        this.peerMaxFrame = value;
      }
    }
    await this.write([frameBytes(FrameType.SETTINGS, Flag.ACK, 0)]);
    for (const wake of this.windowWaiters.splice(0)) wake();
  }

  private onWindowUpdate(frame: Frame): void {
    const increment = new DataView(frame.payload.buffer, frame.payload.byteOffset).getUint32(0) &
      0x7fffffff;
    if (frame.streamId === 0) this.connectionSendWindow += increment;
    else {
      const stream = this.streams.get(frame.streamId);
      if (stream) stream.sendWindow += increment;
    }
    for (const wake of this.windowWaiters.splice(0)) wake();
  }

  private onHeaders(frame: Frame, headers: [string, string][]): void {
    const endStream = (frame.flags & Flag.END_STREAM) !== 0;
    let stream = this.streams.get(frame.streamId);
    if (!stream) {
      if (this.role === "client" || frame.streamId % 2 === 0 || this.goingAway) {
        if (!endStream && this.role === "server") {
          this.write([
            frameBytes(FrameType.RST_STREAM, 0, frame.streamId, u32(ErrorCode.REFUSED_STREAM)),
          ])
            .catch(() => {});
        }
        return;
      }
      stream = new H2Stream(frame.streamId, this, this.peerInitialWindow);
      stream.headers = headers;
      this.streams.set(stream.id, stream);
      if (endStream) this.remoteEnd(stream);
      this.onStream(stream);
      return;
    }
    const status = Number(headers.find(([name]) => name === ":status")?.[1]);
    if (
      this.role === "client" && !stream.headers.length && headers.some(([n]) => n === ":status")
    ) {
      if (status >= 100 && status < 200) return;
      stream.headers = headers;
      stream.setResponse(headers);
    } else {
      stream.deliver({ trailers: headers });
    }
    if (endStream) this.remoteEnd(stream);
  }

  private onData(frame: Frame): void {
    const stream = this.streams.get(frame.streamId);
    const data = unpadded(frame);
    const padding = frame.payload.length - data.length;
    if (!stream) {
      // Count it against the connection window all the same.
      this.consumedUnknown(frame.payload.length);
      return;
    }
    if (padding > 0) this.consumedUnknown(padding);
    if (data.length > 0) stream.deliver({ data: data.slice() });
    if (frame.flags & Flag.END_STREAM) this.remoteEnd(stream);
  }

  private consumedUnknown(size: number): void {
    this.unacknowledged += size;
    if (this.unacknowledged >= CONNECTION_WINDOW / 4) {
      this.write([frameBytes(FrameType.WINDOW_UPDATE, 0, 0, u32(this.unacknowledged))]).catch(
        () => {},
      );
      this.unacknowledged = 0;
    }
  }

  private remoteEnd(stream: H2Stream): void {
    stream.end();
    if (stream.localEnded) this.streams.delete(stream.id);
  }
}
