/**
 * Many outgoing connections over the CLI's one agent connection, for `mirrord port-forward`:
 * `TcpOutgoing(ConnectV2)` matched by uid, `Read`/`Close` routed by connection id, DNS answers
 * in request order (the agent answers them FIFO). Sends are serialized so messages never
 * interleave on the stream.
 *
 * @module
 */
import type { ClientMessage, DaemonMessage, LookupRecord } from "../../protocol-wasm/mod.ts";
import type { AgentLink } from "../exec/agent_link.ts";

/** What a forwarded connection hears from the agent. */
export interface ConnectionEvents {
  /** bytes from the remote; empty = the remote closed its write half */
  onRead(bytes: Uint8Array): void;
  /** the agent closed the connection (or the session ended) */
  onClose(reason?: string): void;
}

/** A failure the agent reported for one request. */
export class AgentRequestError extends Error {
  /** @param message what failed */
  constructor(message: string) {
    super(message);
    this.name = "AgentRequestError";
  }
}

type Pending<T> = { resolve: (value: T) => void; reject: (error: Error) => void };

function describe(error: unknown): string {
  return typeof error === "string" ? error : JSON.stringify(error);
}

/** The multiplexer; {@link run} must be running for anything to arrive. */
export class AgentMux {
  readonly #link: AgentLink;
  #sending: Promise<void> = Promise.resolve();
  readonly #connects = new Map<string, Pending<bigint>>();
  readonly #dns: Pending<LookupRecord[]>[] = [];
  readonly #connections = new Map<bigint, ConnectionEvents>();
  #closed: string | null = null;

  /** @param link a negotiated agent connection this mux now owns */
  constructor(link: AgentLink) {
    this.#link = link;
  }

  /**
   * Sends one message after the ones before it.
   *
   * @param message the message
   */
  send(message: ClientMessage): Promise<void> {
    const sent = this.#sending.then(() => {
      if (this.#closed) throw new AgentRequestError(this.#closed);
      return this.#link.send(message);
    });
    this.#sending = sent.catch(() => {});
    return sent;
  }

  /**
   * Asks the agent to connect to an address.
   *
   * @param address `ip:port` as the agent should dial it
   * @param events where the connection's traffic goes
   * @returns the connection id
   * @throws {AgentRequestError} when the agent cannot connect
   */
  async connect(address: string, events: ConnectionEvents): Promise<bigint> {
    const uid = crypto.randomUUID();
    const id = await new Promise<bigint>((resolve, reject) => {
      this.#connects.set(uid, { resolve, reject });
      this.send({ TcpOutgoing: { ConnectV2: { uid, remote_address: { Ip: address } } } })
        .catch(reject);
    });
    this.#connections.set(id, events);
    return id;
  }

  /**
   * Resolves a name with the target's DNS.
   *
   * @param name the host name
   * @param port the port the answer is for
   * @returns the records
   * @throws {AgentRequestError} when the name does not resolve
   */
  resolve(name: string, port: number): Promise<LookupRecord[]> {
    return new Promise((resolve, reject) => {
      this.#dns.push({ resolve, reject });
      this.send({
        GetAddrInfoRequestV2: {
          node: name,
          service_port: port,
          family: "Ipv4Only",
          socktype: "Stream",
          flags: 0,
          protocol: 0,
        },
      }).catch(reject);
    });
  }

  /**
   * Writes to a connection; empty bytes shut its write half at the agent.
   *
   * @param id the connection
   * @param bytes the data
   */
  write(id: bigint, bytes: Uint8Array): Promise<void> {
    return this.send({ TcpOutgoing: { Write: { connection_id: id, bytes } } });
  }

  /**
   * Closes a connection at the agent.
   *
   * @param id the connection
   */
  close(id: bigint): void {
    if (!this.#connections.delete(id)) return;
    this.send({ TcpOutgoing: { Close: { connection_id: id } } }).catch(() => {});
  }

  #dispatch(message: DaemonMessage): void {
    if (typeof message !== "object") return; // Pong and other unit answers
    if ("TcpOutgoing" in message) {
      const out = message.TcpOutgoing;
      if ("ConnectV2" in out) {
        const pending = this.#connects.get(out.ConnectV2.uid);
        this.#connects.delete(out.ConnectV2.uid);
        const result = out.ConnectV2.connect;
        if ("Ok" in result) pending?.resolve(result.Ok.connection_id);
        else pending?.reject(new AgentRequestError(describe(result.Err)));
      } else if ("Read" in out) {
        if ("Ok" in out.Read) {
          this.#connections.get(out.Read.Ok.connection_id)?.onRead(out.Read.Ok.bytes);
        }
      } else if ("Close" in out) {
        const events = this.#connections.get(out.Close);
        this.#connections.delete(out.Close);
        events?.onClose();
      }
    } else if ("GetAddrInfoResponse" in message) {
      const pending = this.#dns.shift();
      const result = message.GetAddrInfoResponse;
      if ("Ok" in result) pending?.resolve(result.Ok);
      else pending?.reject(new AgentRequestError(describe(result.Err)));
    } else if ("Close" in message) {
      this.#shutdown(`the agent closed the session: ${message.Close}`);
    }
  }

  #shutdown(reason: string): void {
    if (this.#closed) return;
    this.#closed = reason;
    for (const pending of [...this.#connects.values(), ...this.#dns]) {
      pending.reject(new AgentRequestError(reason));
    }
    this.#connects.clear();
    this.#dns.length = 0;
    for (const events of this.#connections.values()) events.onClose(reason);
    this.#connections.clear();
    this.#link.close();
  }

  /**
   * Reads the agent's messages until the link ends.
   *
   * @returns why it ended
   */
  async run(): Promise<string> {
    while (!this.#closed) {
      let message: DaemonMessage;
      try {
        message = await this.#link.receive(2 ** 31 - 1);
      } catch (error) {
        this.#shutdown(`the agent connection ended: ${(error as Error).message}`);
        break;
      }
      this.#dispatch(message);
    }
    return this.#closed!;
  }

  /** Ends everything. */
  stop(): void {
    this.#shutdown("stopped");
  }
}
