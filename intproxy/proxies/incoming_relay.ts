/**
 * One raw incoming connection delivered to the user app (a stolen or mirrored TCP connection, or
 * an HTTP request after a `101`): bytes from the agent are written to our socket to the app in
 * order (an empty `Data` shuts our write side, trap 13); the app's bytes go back to the agent when
 * stealing, and are read and dropped when mirroring. An agent `Close` ends the relay (mirror keeps
 * the socket ~1 s longer so the app can finish reading); a broken app socket tells the agent to
 * drop the connection.
 *
 * @module
 */
import { StreamWriter } from "../stream_writer.ts";

const READ_CHUNK = 16 * 1024;
/** A mirrored connection stays open this long after the agent closed it. */
const MIRROR_LINGER_MS = 1000;

/** What the relay needs from the proxy. */
export interface RelayPeer {
  /** steal: app bytes to the agent (`TcpSteal(Data)`); empty = the app stopped sending */
  send(bytes: Uint8Array): void;
  /** the app side broke: tell the agent to drop the connection (`ConnectionUnsubscribe`) */
  unsubscribe(): void;
  /** resolves when the agent link has room (back-pressure towards the app) */
  room(): Promise<void>;
}

/** A raw relay between the agent and our socket to the app. */
export class IncomingRelay {
  readonly #mode: "mirror" | "steal";
  readonly #peer: RelayPeer;
  #conn: Deno.Conn | null = null;
  #writer: StreamWriter | null = null;
  #pending: Uint8Array[] = [];
  #agentClosed = false;
  #finished = false;
  #resolveDone!: () => void;
  /** resolves once the relay is over */
  readonly done = new Promise<void>((resolve) => this.#resolveDone = resolve);

  /**
   * @param mode whether the app's bytes go back to the agent
   * @param peer the proxy side
   */
  constructor(mode: "mirror" | "steal", peer: RelayPeer) {
    this.#mode = mode;
    this.#peer = peer;
  }

  /** Whether the relay is over. */
  get finished(): boolean {
    return this.#finished;
  }

  /**
   * The socket to the app is connected: start relaying.
   *
   * @param conn our socket to the app
   * @param early bytes the app already sent (after a 101 head)
   */
  attach(conn: Deno.Conn, early: Uint8Array = new Uint8Array(0)): void {
    if (this.#finished) {
      conn.close();
      return;
    }
    this.#conn = conn;
    this.#writer = new StreamWriter(conn, () => this.#broken());
    if (early.length > 0 && this.#mode === "steal") this.#peer.send(early);
    const pending = this.#pending;
    this.#pending = [];
    for (const bytes of pending) this.fromAgent(bytes);
    if (this.#agentClosed) this.agentClosed();
    this.#readApp();
  }

  /**
   * agent `Data` for this connection.
   *
   * @param bytes the bytes; empty = the remote peer stopped sending
   */
  fromAgent(bytes: Uint8Array): void {
    if (this.#finished) return;
    if (!this.#writer) {
      this.#pending.push(bytes);
      return;
    }
    if (bytes.length > 0) {
      this.#writer.write(bytes);
      return;
    }
    this.#afterWrites(async (conn) => {
      await (conn as Deno.TcpConn).closeWrite().catch(() => {});
    });
  }

  /** The agent closed the connection. */
  agentClosed(): void {
    this.#agentClosed = true;
    if (!this.#conn) return;
    this.#afterWrites(() => {
      if (this.#mode === "steal") return this.#finish();
      const timer = setTimeout(() => this.#finish(), MIRROR_LINGER_MS);
      Deno.unrefTimer(timer);
    });
  }

  /** Ends the relay without telling the agent (the session is over, or the connect failed). */
  abort(): void {
    this.#finish();
  }

  async #readApp(): Promise<void> {
    const conn = this.#conn!;
    const buffer = new Uint8Array(READ_CHUNK);
    while (!this.#finished) {
      if (this.#mode === "steal") await this.#peer.room();
      let n: number | null;
      try {
        n = await conn.read(buffer);
      } catch {
        return this.#broken();
      }
      if (this.#finished) return;
      if (n === null) {
        // The app stopped sending: a half-close for the agent. The relay ends with the agent's
        // Close (it comes once the remote peer is done too).
        if (this.#mode === "steal" && !this.#agentClosed) this.#peer.send(new Uint8Array(0));
        return;
      }
      // The agent link encodes synchronously, so the buffer can be reused right away.
      if (this.#mode === "steal" && !this.#agentClosed) this.#peer.send(buffer.subarray(0, n));
    }
  }

  #afterWrites(then: (conn: Deno.Conn) => void | Promise<void>): void {
    const conn = this.#conn!;
    this.#writer!.drained().then(() => {
      if (!this.#finished) return then(conn);
    });
  }

  #broken(): void {
    if (this.#finished) return;
    if (!this.#agentClosed) this.#peer.unsubscribe();
    this.#finish();
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    try {
      this.#conn?.close();
    } catch {
      // Already closed.
    }
    this.#resolveDone();
  }
}
