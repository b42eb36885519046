/**
 * A UDP interceptor: a loopback UDP socket the layer points the user app's datagrams at. Each
 * datagram from the app becomes an agent `Write`; each agent `Read` is sent back to the app's
 * address (the last one a datagram came from). UDP has no close, so the layer's
 * `Outgoing(Close)` ends it.
 *
 * @module
 */
import type { SocketAddress } from "./_types.ts";
import type { AgentSide, Interceptor } from "./interceptor.ts";

/** Datagrams the app may send before the agent connection exists; later ones are dropped. */
const MAX_EARLY_DATAGRAMS = 64;

/** The relay of one UDP "connection". */
export class DatagramInterceptor implements Interceptor {
  readonly layerAddress: SocketAddress;
  readonly done: Promise<void>;
  readonly #socket: Deno.DatagramConn;
  #agent: AgentSide | null = null;
  #app: Deno.NetAddr | null = null;
  #early: Uint8Array[] = [];
  #finished = false;
  #resolveDone!: () => void;
  readonly #onDrop: (reason: string) => void;

  private constructor(socket: Deno.DatagramConn, onDrop: (reason: string) => void) {
    this.#socket = socket;
    this.#onDrop = onDrop;
    const addr = socket.addr as Deno.NetAddr;
    this.layerAddress = {
      Ip: addr.hostname.includes(":")
        ? `[${addr.hostname}]:${addr.port}`
        : `${addr.hostname}:${addr.port}`,
    };
    this.done = new Promise((resolve) => this.#resolveDone = resolve);
    this.#receive();
  }

  /**
   * Binds the loopback UDP socket of the remote's IP family.
   *
   * @param remote where the user app sends to
   * @param onDrop told about datagrams that cannot be forwarded
   * @returns the interceptor
   */
  static open(remote: SocketAddress, onDrop: (reason: string) => void): DatagramInterceptor {
    const v6 = "Ip" in remote && remote.Ip.startsWith("[");
    const socket = Deno.listenDatagram({
      transport: "udp",
      hostname: v6 ? "::1" : "127.0.0.1",
      port: 0,
    });
    return new DatagramInterceptor(socket, onDrop);
  }

  get accepted(): boolean {
    return this.#app !== null;
  }

  get finished(): boolean {
    return this.#finished;
  }

  attach(agent: AgentSide): void {
    this.#agent = agent;
    for (const datagram of this.#early.splice(0)) agent.write(datagram);
  }

  fromAgent(bytes: Uint8Array): void {
    if (this.#finished || !this.#app || bytes.length === 0) return;
    this.#socket.send(bytes, this.#app).catch((error) => {
      this.#onDrop(`cannot deliver a datagram to the app: ${(error as Error).message}`);
    });
  }

  agentClosed(): void {
    this.#agent = null;
    this.#finish();
  }

  layerClosed(): void {
    this.#agent?.close();
    this.#finish();
  }

  abort(): void {
    this.#agent = null;
    this.#finish();
  }

  async #receive(): Promise<void> {
    while (!this.#finished) {
      let datagram: Uint8Array;
      let from: Deno.Addr;
      try {
        [datagram, from] = await this.#socket.receive();
      } catch {
        return this.#finish();
      }
      this.#app = from as Deno.NetAddr;
      if (datagram.length === 0) {
        // An empty Write means "shut down" on the agent link (trap 13): it cannot carry this.
        this.#onDrop("dropped an empty datagram from the app");
        continue;
      }
      if (this.#agent) {
        this.#agent.write(datagram);
      } else if (this.#early.length < MAX_EARLY_DATAGRAMS) {
        this.#early.push(datagram);
      } else {
        this.#onDrop("dropped a datagram sent before the agent connection existed");
      }
    }
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    try {
      this.#socket.close();
    } catch {
      // Already closed.
    }
    this.#resolveDone();
  }
}
