/**
 * A stolen raw TCP connection (or an HTTP request after `101 Switching Protocols`), relayed
 * between the peer that connected to the target and one client (how-it-works §3.9.2):
 *
 * - peer → client: `TcpSteal(Data{connection_id, bytes})` per read; the peer is read again only
 *   once the client's send budget has room (its link's pace is the peer's); an empty `Data`
 *   when the peer finished sending;
 * - client → peer: `LayerTcpSteal::Data`, queued for the peer's socket; while more than
 *   {@link PEER_QUEUE_LIMIT} bytes wait for this peer, the client's next messages wait too
 *   (and the client's total for all its peers is bounded by its peer budget); empty bytes shut
 *   the peer's read side (write half-close);
 * - `TcpSteal(Close{connection_id})` once both directions ended or the peer reset; nothing is
 *   sent when the client closed it (`ConnectionUnsubscribe`) or left.
 *
 * @module
 */
import type { ClientHandle } from "../client_handle.ts";
import type { ConnReader } from "./conn_reader.ts";
import { SocketWriter } from "./socket_writer.ts";

/** Bytes queued for one peer before its client's messages wait (mirrord's 512 KiB). */
export const PEER_QUEUE_LIMIT = 512 * 1024;

/** A relayed stolen connection. */
export class StolenConnection {
  private readonly writer: SocketWriter;
  private peerDone = false;
  private clientDone = false;
  private closed = false;

  /**
   * @param client the stealing client
   * @param id the connection id the client knows it by
   * @param reader the peer's socket (buffered bytes are relayed first)
   * @param onClosed called once when the connection is gone
   * @param tap called with each chunk from the peer (mirror copies), then with null at its end
   * @param writer the peer's socket writer, if it already has one (an upgraded HTTP connection)
   */
  constructor(
    readonly client: ClientHandle,
    readonly id: bigint,
    private readonly reader: ConnReader,
    private readonly onClosed: (connection: StolenConnection) => void,
    private readonly tap: (bytes: Uint8Array | null) => void = () => {},
    writer?: SocketWriter,
  ) {
    this.writer = writer ??
      new SocketWriter(reader.conn, () => this.close(true), client.peerBudget);
  }

  /** Starts relaying the peer's bytes to the client. */
  async pump(): Promise<void> {
    while (!this.closed) {
      const bytes = await this.reader.read();
      if (this.closed) return;
      if (bytes === null) break;
      const room = this.client.room();
      if (room) await room;
      if (this.closed) return;
      // `bytes` is a view into the reader's buffer: both copies are made before the next read.
      this.tap(bytes);
      this.client.send({ TcpSteal: { Data: { connection_id: this.id, bytes } } });
    }
    if (this.closed) return;
    this.tap(null);
    this.peerDone = true;
    this.client.send({ TcpSteal: { Data: { connection_id: this.id, bytes: new Uint8Array(0) } } });
    if (this.clientDone) this.closeAfterWrites();
  }

  /**
   * Bytes from the client for the peer.
   *
   * @param bytes data (handed over: not used by the caller afterwards); empty = the client
   *   finished sending
   * @returns a promise when the client's next messages must wait for this peer
   */
  write(bytes: Uint8Array): Promise<void> | void {
    if (this.closed) return;
    if (bytes.length === 0) {
      this.clientDone = true;
      this.writer.closeWrite();
      if (this.peerDone) this.closeAfterWrites();
      return;
    }
    this.writer.write(bytes, true);
    if (this.writer.pendingBytes > PEER_QUEUE_LIMIT) return this.writer.drained(PEER_QUEUE_LIMIT);
  }

  /**
   * Closes the peer's socket.
   *
   * @param notify whether the client gets `Close` (not when it asked for the close itself)
   */
  close(notify: boolean): void {
    if (this.closed) return;
    this.closed = true;
    this.writer.close();
    this.onClosed(this);
    if (notify) this.client.send({ TcpSteal: { Close: { connection_id: this.id } } });
  }

  private closeAfterWrites(): void {
    this.writer.drained().then(() => this.close(true));
  }
}
