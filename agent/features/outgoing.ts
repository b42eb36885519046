/**
 * The outgoing feature: TCP, UDP and unix-stream connections made from the target's network
 * namespace (and root, for unix paths) on behalf of one client.
 *
 * Connection ids count from 0 per client and protocol. Reads are pushed to the client through
 * {@link OutgoingEvents}; awaiting them is the backpressure that stops an outgoing socket from
 * being read faster than the client link drains.
 *
 * @module
 */
import { ERRNO, ErrnoError } from "./io_error.ts";
import { resolveUnderRoot } from "./root_path.ts";
import { type SocketAddress, socketAddressOf, splitHostPort } from "./socket_address.ts";

/** Bytes one connection may have queued towards the remote before the client link pauses. */
export const MAX_PENDING_WRITE_BYTES = 512 * 1024;
const READ_CHUNK = 64 * 1024;

/** How a connection's traffic reaches the client (the client connection encodes it). */
export interface OutgoingEvents {
  /** data from the remote; empty bytes = the remote finished sending */
  read(connectionId: bigint, bytes: Uint8Array): Promise<void>;
  /** the connection is gone */
  close(connectionId: bigint): Promise<void>;
}

/** `DaemonConnect`. */
export interface DaemonConnect {
  connection_id: bigint;
  remote_address: SocketAddress;
  local_address: SocketAddress;
}

interface Connection {
  write(bytes: Uint8Array): Promise<void>;
  close(): void;
  pendingBytes: number;
  tail: Promise<void>;
}

/** The outgoing connections of one client for one protocol. */
export class OutgoingConnections {
  private readonly connections = new Map<bigint, Connection>();
  private nextId = 0n;

  /**
   * @param protocol TCP (streams, including unix) or UDP (datagrams)
   * @param root the target root, where unix socket paths are resolved
   * @param events where reads and closes go
   */
  constructor(
    private readonly protocol: "tcp" | "udp",
    private readonly root: string,
    private readonly events: OutgoingEvents,
  ) {}

  /** Number of open connections. */
  get count(): number {
    return this.connections.size;
  }

  /**
   * Connects to `remote` and starts relaying its data.
   *
   * @param remote where to connect
   * @returns the reply payload
   */
  async connect(remote: SocketAddress): Promise<DaemonConnect> {
    if (this.protocol === "udp") return this.connectUdp(remote);
    let conn: Deno.Conn;
    if ("Ip" in remote) {
      conn = await Deno.connect(splitHostPort(remote.Ip));
      (conn as Deno.TcpConn).setNoDelay(true);
    } else if (typeof remote.Unix === "object" && "Pathname" in remote.Unix) {
      const path = resolveUnderRoot(this.root, remote.Unix.Pathname, { followLast: true });
      conn = await Deno.connect({ transport: "unix", path });
    } else {
      throw new ErrnoError(
        ERRNO.EAFNOSUPPORT,
        "abstract and unnamed unix sockets are not supported",
      );
    }
    const id = this.nextId++;
    const connection: Connection = {
      write: async (bytes) => {
        if (bytes.length === 0) await (conn as Deno.TcpConn).closeWrite();
        else await writeAll(conn, bytes);
      },
      close: () => conn.close(),
      pendingBytes: 0,
      tail: Promise.resolve(),
    };
    this.connections.set(id, connection);
    this.pumpStream(id, conn);
    return {
      connection_id: id,
      remote_address: "Ip" in remote ? socketAddressOf(conn.remoteAddr) : remote,
      local_address: socketAddressOf(conn.localAddr),
    };
  }

  private connectUdp(remote: SocketAddress): DaemonConnect {
    if (!("Ip" in remote)) {
      throw new ErrnoError(ERRNO.EAFNOSUPPORT, "UDP to a unix address is not supported");
    }
    const target = splitHostPort(remote.Ip);
    const socket = Deno.listenDatagram({
      transport: "udp",
      hostname: target.hostname.includes(":") ? "::" : "0.0.0.0",
      port: 0,
    });
    const id = this.nextId++;
    this.connections.set(id, {
      write: async (bytes) => {
        await socket.send(bytes, { transport: "udp", ...target });
      },
      close: () => socket.close(),
      pendingBytes: 0,
      tail: Promise.resolve(),
    });
    this.pumpDatagrams(id, socket, target);
    return {
      connection_id: id,
      remote_address: remote,
      local_address: socketAddressOf(socket.addr),
    };
  }

  /**
   * Queues bytes for the remote, in order; empty bytes shut the write half (TCP).
   *
   * @param id the connection
   * @param bytes the data
   * @returns resolves when the connection has less than {@link MAX_PENDING_WRITE_BYTES} queued,
   *   so the caller can pause reading from its client
   */
  async write(id: bigint, bytes: Uint8Array): Promise<void> {
    const connection = this.connections.get(id);
    if (!connection) return;
    connection.pendingBytes += bytes.length;
    connection.tail = connection.tail.then(async () => {
      try {
        await connection.write(bytes);
      } catch {
        await this.drop(id);
      } finally {
        connection.pendingBytes -= bytes.length;
      }
    });
    while (connection.pendingBytes > MAX_PENDING_WRITE_BYTES) await connection.tail;
  }

  /**
   * Closes a connection at the client's request (no Close is sent back).
   *
   * @param id the connection
   */
  close(id: bigint): void {
    const connection = this.connections.get(id);
    this.connections.delete(id);
    if (connection) closeQuietly(connection);
  }

  /** Closes every connection (client gone). */
  closeAll(): void {
    for (const id of [...this.connections.keys()]) this.close(id);
  }

  private async drop(id: bigint): Promise<void> {
    const connection = this.connections.get(id);
    if (!connection) return;
    this.connections.delete(id);
    closeQuietly(connection);
    await this.events.close(id);
  }

  private async pumpStream(id: bigint, conn: Deno.Conn): Promise<void> {
    const buffer = new Uint8Array(READ_CHUNK);
    try {
      while (this.connections.has(id)) {
        const n = await conn.read(buffer);
        if (!this.connections.has(id)) return;
        if (n === null) {
          await this.events.read(id, new Uint8Array(0));
          break;
        }
        await this.events.read(id, buffer.slice(0, n));
      }
    } catch {
      // Reset or closed by us: either way the client learns it through Close.
    }
    // Keep the socket for writes after the remote's EOF until the client closes it
    // or a write fails; a read error means the connection is gone.
    if (this.connections.has(id)) await this.waitForWritesThenDrop(id);
  }

  private async waitForWritesThenDrop(id: bigint): Promise<void> {
    await this.connections.get(id)?.tail;
    await this.drop(id);
  }

  private async pumpDatagrams(
    id: bigint,
    socket: Deno.DatagramConn,
    target: { hostname: string; port: number },
  ): Promise<void> {
    try {
      while (this.connections.has(id)) {
        const [data, from] = await socket.receive();
        const source = from as Deno.NetAddr;
        if (source.port !== target.port || !sameHost(source.hostname, target.hostname)) continue;
        await this.events.read(id, data);
      }
    } catch {
      // Closed by the client or the socket failed.
    }
    if (this.connections.has(id)) await this.drop(id);
  }
}

function sameHost(a: string, b: string): boolean {
  const norm = (h: string) => h.replace(/^::ffff:/, "");
  return norm(a) === norm(b);
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}

function closeQuietly(connection: Connection): void {
  try {
    connection.close();
  } catch {
    // Already closed.
  }
}
