/**
 * A stolen raw TCP connection (or an HTTP request after `101 Switching Protocols`), relayed
 * between the peer that connected to the target and one client (how-it-works §3.9.2):
 *
 * - peer → client: `TcpSteal(Data{connection_id, bytes})`, awaited per chunk (the client link's
 *   pace is the peer's); an empty `Data` when the peer finished sending;
 * - client → peer: `LayerTcpSteal::Data`, queued with a bound; empty bytes shut the peer's read
 *   side (write half-close);
 * - `TcpSteal(Close{connection_id})` once both directions ended or the peer reset; nothing is
 *   sent when the client closed it (`ConnectionUnsubscribe`) or left.
 *
 * @module
 */
import type { ClientHandle } from "../client_handle.ts";
import { closeQuietly, closeWriteQuietly, type ConnReader, writeAll } from "./conn_reader.ts";
import { WriteQueue } from "./write_queue.ts";

/** A relayed stolen connection. */
export class StolenConnection {
  private readonly writes: WriteQueue;
  private peerDone = false;
  private clientDone = false;
  private closed = false;

  /**
   * @param client the stealing client
   * @param id the connection id the client knows it by
   * @param reader the peer's socket (buffered bytes are relayed first)
   * @param onClosed called once when the connection is gone
   * @param tap called with each chunk from the peer (mirror copies), then with null at its end
   */
  constructor(
    readonly client: ClientHandle,
    readonly id: bigint,
    private readonly reader: ConnReader,
    private readonly onClosed: (connection: StolenConnection) => void,
    private readonly tap: (bytes: Uint8Array | null) => void = () => {},
  ) {
    this.writes = new WriteQueue(() => this.close(true));
  }

  /** Starts relaying the peer's bytes to the client. */
  async pump(): Promise<void> {
    while (!this.closed) {
      const bytes = await this.reader.read();
      if (this.closed) return;
      if (bytes === null) break;
      this.tap(bytes);
      await this.client.send({ TcpSteal: { Data: { connection_id: this.id, bytes } } });
    }
    if (this.closed) return;
    this.tap(null);
    this.peerDone = true;
    await this.client.send({
      TcpSteal: { Data: { connection_id: this.id, bytes: new Uint8Array(0) } },
    });
    if (this.clientDone) this.close(true);
  }

  /**
   * Bytes from the client for the peer.
   *
   * @param bytes data; empty = the client finished sending
   */
  async write(bytes: Uint8Array): Promise<void> {
    if (this.closed) return;
    if (bytes.length === 0) {
      this.clientDone = true;
      await this.writes.push(0, async () => {
        await closeWriteQuietly(this.reader.conn);
        if (this.peerDone) this.close(true);
      });
      return;
    }
    await this.writes.push(bytes.length, () => writeAll(this.reader.conn, bytes));
  }

  /**
   * Closes the peer's socket.
   *
   * @param notify whether the client gets `Close` (not when it asked for the close itself)
   */
  close(notify: boolean): void {
    if (this.closed) return;
    this.closed = true;
    closeQuietly(this.reader.conn);
    this.onClosed(this);
    if (notify) {
      this.client.send({ TcpSteal: { Close: { connection_id: this.id } } }).catch(() => {});
    }
  }
}
