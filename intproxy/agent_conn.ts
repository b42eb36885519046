/**
 * The intproxy's agent link: `ClientMessage`s out, `DaemonMessage`s in, over one TCP stream with
 * no framing (protocol.md §2.1), through the protocol facade. Also the start-up liveness check
 * (a `Ping` answered by `Pong` before anything else, how-it-works.md §4.1 step 6).
 *
 * @module
 */
import {
  type ClientMessage,
  type DaemonMessage,
  DaemonMessageDecoder,
  encodeClientMessage,
} from "../protocol-wasm/mod.ts";
import type { Logger } from "./log.ts";
import { MessageReader } from "./message_reader.ts";
import { StreamWriter } from "./stream_writer.ts";

/**
 * Splits `ip:port` / `[ipv6]:port` / `host:port`.
 *
 * @param address the text
 * @returns hostname and port
 * @throws {TypeError} when it has no valid port
 * @example
 * ```ts
 * parseHostPort("[::1]:61337"); // { hostname: "::1", port: 61337 }
 * ```
 */
export function parseHostPort(address: string): { hostname: string; port: number } {
  const text = address.trim();
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:\[\]]+):(\d+)$/.exec(text);
  const port = match ? Number(match[2]) : NaN;
  if (!match || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TypeError(`"${address}" is not an address of the form IP:PORT`);
  }
  return { hostname: match[1], port };
}

/** The agent's side of the link went away or sent something undecodable. */
export class AgentLinkError extends Error {
  /** @param message what happened @param options the cause */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AgentLinkError";
  }
}

/** A byte stream to the agent: TCP, or a Kubernetes port-forward. */
export type AgentStream = Pick<Deno.Conn, "read" | "write" | "close">;

/** One connection to the agent. */
export class AgentConnection {
  readonly #conn: AgentStream;
  readonly #reader: MessageReader<DaemonMessage>;
  readonly #writer: StreamWriter;
  #closed = false;
  #writeFailure: ((error: Error) => void) | null = null;

  /** @param conn an open stream to the agent */
  constructor(conn: AgentStream) {
    this.#conn = conn;
    this.#reader = new MessageReader(conn, new DaemonMessageDecoder());
    this.#writer = new StreamWriter(conn, (error) => this.#writeFailure?.(error));
  }

  /**
   * Opens a TCP connection to the agent.
   *
   * @param address `IP:PORT`
   * @returns the connection
   * @throws {Deno.errors.ConnectionRefused} and other connect errors
   */
  static async connect(address: string): Promise<AgentConnection> {
    const conn = await Deno.connect(parseHostPort(address));
    conn.setNoDelay(true);
    return new AgentConnection(conn);
  }

  /** @param handler called once if writing to the agent fails */
  onWriteFailure(handler: (error: Error) => void): void {
    this.#writeFailure = handler;
  }

  /**
   * Enqueues a message for the agent; returns at once (writes happen in order).
   *
   * @param message the message
   */
  send(message: ClientMessage): void {
    if (this.#closed) return;
    this.#writer.write(encodeClientMessage(message));
  }

  /** Bytes waiting to be written to the agent. */
  get backlog(): number {
    return this.#writer.backlog;
  }

  /**
   * Resolves once at most `threshold` bytes wait to be written.
   *
   * @param threshold bytes
   */
  async drained(threshold = 0): Promise<void> {
    await this.#writer.drained(threshold);
  }

  /**
   * The next message from the agent.
   *
   * @returns the message, or null once the agent closed the link
   * @throws {AgentLinkError} on undecodable bytes or a read error
   */
  async receive(): Promise<DaemonMessage | null> {
    try {
      return await this.#reader.next();
    } catch (error) {
      if (this.#closed) return null;
      const reason = (error as Error).message.replace(
        /^reading failed/,
        "reading from the agent failed",
      );
      throw new AgentLinkError(reason, { cause: error });
    }
  }

  /** Closes the link (the agent then drops everything of this client). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // Already closed by the peer.
    }
  }
}

/**
 * The start-up liveness check: `Ping`, then wait for `Pong`, answering `OperatorPing` and
 * logging Warn/Error `LogMessage`s on the way; anything else is an error.
 *
 * @param agent the fresh connection
 * @param log the logger
 * @param timeoutMs how long to wait for the `Pong`
 * @throws {AgentLinkError} when the agent closes, answers something else, or stays silent
 */
export async function pingAgent(
  agent: AgentConnection,
  log: Logger,
  timeoutMs: number,
): Promise<void> {
  agent.send("Ping");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new AgentLinkError(`the agent did not answer a ping within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    while (true) {
      const message = await Promise.race([agent.receive(), timeout]);
      if (message === null) {
        throw new AgentLinkError("the agent closed the connection before answering a ping");
      }
      if (message === "Pong") return;
      if (typeof message === "object" && "OperatorPing" in message) {
        agent.send({ OperatorPong: message.OperatorPing });
      } else if (
        typeof message === "object" && "LogMessage" in message &&
        message.LogMessage.level !== "Info"
      ) {
        log.log(message.LogMessage.level === "Error" ? "error" : "warn", "agent log", {
          agent_message: message.LogMessage.message,
        });
      } else if (typeof message === "object" && "Close" in message) {
        throw new AgentLinkError(`the agent closed the connection: ${message.Close}`);
      } else {
        throw new AgentLinkError(
          `the agent answered the start-up ping with ${describeDaemonMessage(message)}`,
        );
      }
    }
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A short name of a daemon message for logs, e.g. `File(Open)`.
 *
 * @param message the message
 * @returns its variant path
 */
export function describeDaemonMessage(message: DaemonMessage): string {
  if (typeof message === "string") return message;
  const [outer, inner] = Object.entries(message)[0];
  if (inner && typeof inner === "object" && !Array.isArray(inner)) {
    const keys = Object.keys(inner);
    if (keys.length === 1 && /^[A-Z]/.test(keys[0])) return `${outer}(${keys[0]})`;
  }
  return outer;
}
