/**
 * A protocol client for tests: speaks `ClientMessage`/`DaemonMessage` to an agent over TCP through
 * the protocol facade, one message at a time.
 *
 * ```ts
 * await using client = await AgentClient.connect(agent.address);
 * await client.negotiate();
 * const reply = await client.request({ GetEnvVarsRequest: { env_vars_filter: [], env_vars_select: ["*"] } });
 * ```
 *
 * @module
 */
import {
  DaemonMessageDecoder,
  encodeClientMessage,
  PROTOCOL_VERSION,
} from "../../../protocol-wasm/mod.ts";

// deno-lint-ignore no-explicit-any
type Message = any;

/** `OpenOptionsInternal` of a plain `open(path, O_RDONLY)`. */
export { READ_ONLY as OPEN_READ_ONLY } from "../../../agent/features/file_types.ts";

/** One test connection to an agent. */
export class AgentClient implements AsyncDisposable {
  private readonly decoder = new DaemonMessageDecoder();
  private readonly buffer = new Uint8Array(64 * 1024);
  private eof = false;

  private constructor(readonly conn: Deno.TcpConn) {}

  /**
   * Connects to an agent.
   *
   * @param address the agent's listener
   * @returns the client
   */
  static async connect(address: { hostname: string; port: number }): Promise<AgentClient> {
    const conn = await Deno.connect(address);
    conn.setNoDelay(true); // as mirrord's clients: no Nagle delay between small requests
    return new AgentClient(conn);
  }

  /** @param message a `ClientMessage` value */
  async send(message: Message): Promise<void> {
    await this.sendRaw(encodeClientMessage(message));
  }

  /** @param bytes anything, e.g. garbage */
  async sendRaw(bytes: Uint8Array): Promise<void> {
    let written = 0;
    while (written < bytes.length) written += await this.conn.write(bytes.subarray(written));
  }

  /**
   * The next `DaemonMessage`.
   *
   * @param timeoutMs how long to wait (default 15000)
   * @returns the message, or null when the agent closed the connection
   * @throws {Error} on timeout
   */
  async receive(timeoutMs = 15000): Promise<Message | null> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const message = this.decoder.next();
      if (message !== undefined) return message;
      if (this.eof) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no message from the agent within ${timeoutMs} ms`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const n = await Promise.race([
        this.conn.read(this.buffer).catch(() => null),
        new Promise<"timeout">((resolve) => timer = setTimeout(() => resolve("timeout"), left)),
      ]);
      clearTimeout(timer);
      if (n === "timeout") throw new Error(`no message from the agent within ${timeoutMs} ms`);
      if (n === null) this.eof = true;
      else this.decoder.push(this.buffer.slice(0, n));
    }
  }

  /**
   * Sends a request and returns the next message.
   *
   * @param message the request
   * @returns the reply
   */
  async request(message: Message): Promise<Message> {
    await this.send(message);
    return await this.receive();
  }

  /**
   * `SwitchProtocolVersion` with our version, then `ReadyForLogs`.
   *
   * @returns the settled version
   */
  async negotiate(): Promise<string> {
    const reply = await this.request({ SwitchProtocolVersion: PROTOCOL_VERSION });
    if (!reply || !("SwitchProtocolVersionResponse" in reply)) {
      throw new Error(`unexpected negotiation reply ${String(reply)}`);
    }
    await this.send("ReadyForLogs");
    return reply.SwitchProtocolVersionResponse;
  }

  close(): void {
    try {
      this.conn.close();
    } catch {
      // Already closed.
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}
