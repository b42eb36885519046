/**
 * Test fixture: an agent whose answers the test scripts. It listens on loopback, speaks the real
 * agent link through the protocol facade, answers `Ping` and `SwitchProtocolVersion` itself (with a
 * chosen agent version) and hands every other message to the test.
 *
 * @module
 */
import {
  type ClientMessage,
  ClientMessageDecoder,
  type DaemonMessage,
  encodeDaemonMessage,
  PROTOCOL_VERSION,
  settleVersion,
} from "../../protocol-wasm/mod.ts";

/** Options of {@link ScriptedAgent.start}. */
export interface ScriptedAgentOptions {
  /** the agent's protocol version (default: ours) */
  version?: string;
  /** answers messages the fixture does not handle itself; return true when handled */
  handle?: (message: ClientMessage, agent: ScriptedAgent) => boolean | void;
  /** do not answer `Ping` (a dead agent) */
  silent?: boolean;
}

/** A scripted agent; messages of every client land in one inbox, `send` goes to the newest. */
export class ScriptedAgent implements AsyncDisposable {
  readonly #listener: Deno.TcpListener;
  readonly #options: ScriptedAgentOptions;
  #conn: Deno.TcpConn | null = null;
  readonly #clients = new Set<Deno.TcpConn>();
  #paused: PromiseWithResolvers<void> | null = null;
  #inbox: ClientMessage[] = [];
  #waiters: (() => void)[] = [];
  /** every message received, in order */
  readonly received: ClientMessage[] = [];
  #connected!: () => void;
  /** resolves when a client connected */
  readonly connected = new Promise<void>((resolve) => this.#connected = resolve);
  #disconnected!: () => void;
  /** resolves when the client went away */
  readonly disconnected = new Promise<void>((resolve) => this.#disconnected = resolve);

  private constructor(listener: Deno.TcpListener, options: ScriptedAgentOptions) {
    this.#listener = listener;
    this.#options = options;
    this.#accept();
  }

  /**
   * Starts listening on `127.0.0.1:<free port>`.
   *
   * @param options see {@link ScriptedAgentOptions}
   * @returns the agent
   */
  static start(options: ScriptedAgentOptions = {}): ScriptedAgent {
    return new ScriptedAgent(Deno.listen({ hostname: "127.0.0.1", port: 0 }), options);
  }

  /** `127.0.0.1:<port>`, for `connect_tcp`. */
  get address(): string {
    return `127.0.0.1:${this.#listener.addr.port}`;
  }

  /**
   * Sends a message to the connected client.
   *
   * @param message the message
   */
  send(message: DaemonMessage): void {
    this.sendRaw(encodeDaemonMessage(message));
  }

  /**
   * Sends raw bytes (e.g. garbage, or a message of a newer protocol).
   *
   * @param bytes what to send
   */
  sendRaw(bytes: Uint8Array, conn = this.#conn): void {
    if (!conn) throw new Error("no client connected to the scripted agent");
    (async () => {
      let written = 0;
      while (written < bytes.length) written += await conn.write(bytes.subarray(written));
    })().catch(() => {});
  }

  /**
   * The next message the fixture did not handle, optionally the next one matching `match`
   * (others stay queued).
   *
   * @param match which message to wait for
   * @param timeoutMs how long to wait
   * @returns the message
   */
  async next(
    match: (message: ClientMessage) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<ClientMessage> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const index = this.#inbox.findIndex(match);
      if (index !== -1) return this.#inbox.splice(index, 1)[0];
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `the scripted agent got no matching message within ${timeoutMs} ms; queued: ` +
            JSON.stringify(this.#inbox.map((m) => typeof m === "string" ? m : Object.keys(m)[0])),
        );
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
    }
  }

  /** Stops reading from clients (a slow agent); their writes back up. */
  pauseReading(): void {
    this.#paused ??= Promise.withResolvers<void>();
  }

  /** Reads again after {@link pauseReading}. */
  resumeReading(): void {
    this.#paused?.resolve();
    this.#paused = null;
  }

  /** Drops the client connection (the agent "dies"). */
  dropClient(): void {
    for (const conn of this.#clients) {
      try {
        conn.close();
      } catch {
        // Already closed.
      }
    }
  }

  async #accept(): Promise<void> {
    for await (const conn of this.#listener) {
      conn.setNoDelay(true);
      this.#conn = conn;
      this.#clients.add(conn);
      this.#connected();
      this.#serve(conn).then(() => {
        this.#clients.delete(conn);
        if (this.#conn === conn) this.#disconnected();
      });
    }
  }

  async #serve(conn: Deno.TcpConn): Promise<void> {
    const decoder = new ClientMessageDecoder();
    const buffer = new Uint8Array(256 * 1024);
    while (true) {
      if (this.#paused) await this.#paused.promise;
      let n: number | null;
      try {
        n = await conn.read(buffer);
      } catch {
        return;
      }
      if (n === null) return;
      decoder.push(buffer.subarray(0, n));
      for (const message of decoder.drain()) this.#dispatch(conn, message);
    }
  }

  #dispatch(conn: Deno.TcpConn, message: ClientMessage): void {
    this.received.push(message);
    if (message === "Ping") {
      if (!this.#options.silent) this.sendRaw(encodeDaemonMessage("Pong"), conn);
      return;
    }
    if (typeof message === "object" && "SwitchProtocolVersion" in message) {
      const ours = this.#options.version ?? PROTOCOL_VERSION;
      const settled = settleVersion(ours, message.SwitchProtocolVersion);
      this.sendRaw(encodeDaemonMessage({ SwitchProtocolVersionResponse: settled }), conn);
      return;
    }
    if (message === "ReadyForLogs") return;
    if (this.#options.handle?.(message, this)) return;
    this.#inbox.push(message);
    for (const wake of this.#waiters.splice(0)) wake();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.dropClient();
    try {
      this.#listener.close();
    } catch {
      // Already closed.
    }
    await Promise.resolve();
  }
}
