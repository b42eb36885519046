/**
 * The CLI's own agent connection, used before the app starts (how-it-works.md §1.5 steps 9–11):
 * protocol negotiation and the remote environment. One request at a time, replies read in order.
 *
 * @module
 */
import {
  type ClientMessage,
  type DaemonMessage,
  DaemonMessageDecoder,
  encodeClientMessage,
} from "../../protocol-wasm/mod.ts";
import type { ByteStream } from "../kube/byte_stream.ts";

/** The agent went away, sent garbage, or took too long. */
export class AgentLinkError extends Error {
  /** @param message what happened @param options the cause */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AgentLinkError";
  }
}

/** A request/reply connection to the agent. */
export class AgentLink {
  readonly #conn: ByteStream;
  readonly #decoder = new DaemonMessageDecoder();
  readonly #buffer = new Uint8Array(64 * 1024);
  #eof = false;

  /** @param conn an open stream to the agent (TCP, or a Kubernetes port-forward) */
  constructor(conn: ByteStream) {
    this.#conn = conn;
  }

  /**
   * Sends one message.
   *
   * @param message the message
   */
  async send(message: ClientMessage): Promise<void> {
    const bytes = encodeClientMessage(message);
    let written = 0;
    while (written < bytes.length) written += await this.#conn.write(bytes.subarray(written));
  }

  /**
   * The next message from the agent.
   *
   * @param timeoutMs how long to wait
   * @returns the message
   * @throws {AgentLinkError} on EOF, garbage or timeout
   */
  async receive(timeoutMs: number): Promise<DaemonMessage> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      let message: DaemonMessage | undefined;
      try {
        message = this.#decoder.next();
      } catch (error) {
        throw new AgentLinkError((error as Error).message, { cause: error });
      }
      if (message !== undefined) return message;
      if (this.#eof) throw new AgentLinkError("the agent closed the connection");
      const left = deadline - Date.now();
      if (left <= 0) throw new AgentLinkError(`the agent did not answer within ${timeoutMs} ms`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const n = await Promise.race([
        this.#conn.read(this.#buffer).catch((error) => {
          throw new AgentLinkError(`reading from the agent failed: ${error.message}`);
        }),
        new Promise<"timeout">((resolve) => timer = setTimeout(() => resolve("timeout"), left)),
      ]).finally(() => clearTimeout(timer));
      if (n === "timeout") continue;
      if (n === null) this.#eof = true;
      else this.#decoder.push(this.#buffer.subarray(0, n));
    }
  }

  /** Closes the connection (the agent ends this client's session). */
  close(): void {
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
  }
}
