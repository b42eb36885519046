/**
 * A stream interceptor (TCP or unix stream): a one-shot listener the layer connects the user
 * app's socket to, then a relay between that socket and the agent connection. Half-close is kept
 * both ways (an EOF from the app becomes an empty `Write`, an empty `Read` from the agent shuts
 * the app's read side); reading from the app pauses while the agent link is backed up.
 *
 * @module
 */
import type { SocketAddress } from "./_types.ts";
import type { AgentSide, Interceptor } from "./interceptor.ts";
import { StreamWriter } from "../stream_writer.ts";
import { randomAlnum } from "../log_destination.ts";

const READ_CHUNK = 64 * 1024;

/**
 * Where unix-stream interceptors live (mirrord: `<temp dir>/mirrord-unix-sockets/`).
 *
 * @returns the directory path
 */
export function unixInterceptorDir(): string {
  return `${Deno.env.get("TMPDIR") || "/tmp"}/mirrord-unix-sockets`;
}

function formatIp(hostname: string, port: number): string {
  return hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`;
}

/** The relay of one stream connection. */
export class StreamInterceptor implements Interceptor {
  readonly layerAddress: SocketAddress;
  readonly done: Promise<void>;
  #listener: Deno.Listener | null;
  #unixPath: string | null;
  #conn: Deno.Conn | null = null;
  #writer: StreamWriter | null = null;
  #agent: AgentSide | null = null;
  #pending: Uint8Array[] = [];
  #localEof = false;
  #remoteEof = false;
  #finished = false;
  #resolveDone!: () => void;

  private constructor(
    listener: Deno.Listener,
    layerAddress: SocketAddress,
    unixPath: string | null,
  ) {
    this.#listener = listener;
    this.layerAddress = layerAddress;
    this.#unixPath = unixPath;
    this.done = new Promise((resolve) => this.#resolveDone = resolve);
    this.#accept();
  }

  /**
   * Opens the listener for a connect to `remote`: loopback of the remote's IP family, or a fresh
   * unix socket path for unix streams.
   *
   * @param remote where the user app wants to go
   * @returns the interceptor, listening
   */
  static open(remote: SocketAddress): StreamInterceptor {
    if ("Ip" in remote) {
      const hostname = remote.Ip.startsWith("[") ? "::1" : "127.0.0.1";
      const listener = Deno.listen({ hostname, port: 0 });
      const port = (listener.addr as Deno.NetAddr).port;
      return new StreamInterceptor(listener, { Ip: formatIp(hostname, port) }, null);
    }
    const dir = unixInterceptorDir();
    Deno.mkdirSync(dir, { recursive: true });
    const path = `${dir}/${randomAlnum(16)}`;
    const listener = Deno.listen({ transport: "unix", path });
    return new StreamInterceptor(listener, { Unix: { Pathname: path } }, path);
  }

  get accepted(): boolean {
    return this.#conn !== null;
  }

  get finished(): boolean {
    return this.#finished;
  }

  attach(agent: AgentSide): void {
    this.#agent = agent;
    if (this.#conn) this.#relayFromApp();
  }

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
    this.#remoteEof = true;
    this.#afterWrites(async (conn) => {
      await (conn as Deno.TcpConn).closeWrite().catch(() => {});
      if (this.#localEof) this.#finish(true);
    });
  }

  agentClosed(): void {
    this.#agent = null;
    if (!this.#conn) return this.#finish(false);
    this.#afterWrites(() => this.#finish(false));
  }

  layerClosed(): void {
    // An accepted connection ends when the app's socket does; only an unused one is dropped here.
    if (!this.#conn) this.#finish(true);
  }

  abort(): void {
    this.#agent = null;
    this.#finish(false);
  }

  async #accept(): Promise<void> {
    let conn: Deno.Conn;
    try {
      conn = await this.#listener!.accept();
    } catch {
      return; // closed before the app connected
    }
    this.#closeListener();
    if (this.#finished) {
      conn.close();
      return;
    }
    if (conn.remoteAddr.transport === "tcp") (conn as Deno.TcpConn).setNoDelay(true);
    this.#conn = conn;
    this.#writer = new StreamWriter(conn, () => this.#finish(true));
    const pending = this.#pending;
    this.#pending = [];
    for (const bytes of pending) this.fromAgent(bytes);
    if (this.#agent) this.#relayFromApp();
  }

  async #relayFromApp(): Promise<void> {
    const conn = this.#conn!;
    const buffer = new Uint8Array(READ_CHUNK);
    while (!this.#finished) {
      await this.#agent?.room();
      let n: number | null;
      try {
        n = await conn.read(buffer);
      } catch {
        return this.#finish(true); // reset by the app
      }
      const agent = this.#agent;
      if (this.#finished || !agent) return;
      if (n === null) {
        this.#localEof = true;
        agent.write(new Uint8Array(0));
        if (this.#remoteEof) this.#afterWrites(() => this.#finish(true));
        return;
      }
      // The agent link encodes synchronously, so the buffer can be reused right away.
      agent.write(buffer.subarray(0, n));
    }
  }

  #afterWrites(then: (conn: Deno.Conn) => void | Promise<void>): void {
    const conn = this.#conn!;
    this.#writer!.drained().then(() => {
      if (!this.#finished) return then(conn);
    });
  }

  #closeListener(): void {
    try {
      this.#listener?.close();
    } catch {
      // Already closed.
    }
    this.#listener = null;
    if (this.#unixPath) {
      try {
        Deno.removeSync(this.#unixPath);
      } catch {
        // Already gone.
      }
      this.#unixPath = null;
    }
  }

  #finish(tellAgent: boolean): void {
    if (this.#finished) return;
    this.#finished = true;
    if (tellAgent) this.#agent?.close();
    this.#agent = null;
    this.#closeListener();
    try {
      this.#conn?.close();
    } catch {
      // Already closed.
    }
    this.#resolveDone();
  }
}
