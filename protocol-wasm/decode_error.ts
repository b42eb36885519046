/**
 * The error a streaming decoder throws on corrupt input.
 *
 * @module
 */

/** What the module reports about corrupt input. */
export interface DecodeFailure {
  /** the message being decoded, e.g. `DaemonMessage` */
  messageType: string;
  /** innermost protocol type containing the fault, e.g. `OpenOptionsInternal` */
  typeName: string;
  /** field of `typeName` (name, or position in a tuple variant), when known */
  field: string | null;
  /** byte offset of the fault from the message start (local link: the frame start) */
  offset: number;
  /** stream offset of the message start */
  streamOffset: number;
  /** what is wrong, e.g. `invalid bool byte 0x02` */
  reason: string;
  /** reason, offset and location in one line */
  detail: string;
}

/**
 * Corrupt bytes on a link. The stream cannot be resynchronised (protocol.md §2.1): close the
 * connection. Every later `next()` of the same decoder throws it again.
 */
export class ProtocolDecodeError extends Error {
  /** the message being decoded */
  readonly messageType: string;
  /** innermost protocol type containing the fault */
  readonly typeName: string;
  /** field of `typeName`, when known */
  readonly field: string | null;
  /** byte offset of the fault from the message (or frame) start */
  readonly offset: number;
  /** stream offset of the message start */
  readonly streamOffset: number;
  /** what is wrong */
  readonly reason: string;

  /**
   * @param failure the module's report
   */
  constructor(failure: DecodeFailure) {
    super(
      `Cannot decode ${failure.messageType}: ${failure.detail} (message at stream offset ` +
        `${failure.streamOffset}) — the peer sent bytes this protocol version does not ` +
        "understand; close the connection",
    );
    this.name = "ProtocolDecodeError";
    this.messageType = failure.messageType;
    this.typeName = failure.typeName;
    this.field = failure.field;
    this.offset = failure.offset;
    this.streamOffset = failure.streamOffset;
    this.reason = failure.reason;
  }
}
