/**
 * One client of the agent (the CLI fetching env, or an intproxy session): decodes its
 * `ClientMessage`s in order, routes them to the features and writes `DaemonMessage`s back.
 *
 * Each client owns its remote fds and outgoing connections; features without reply ids (files,
 * DNS, reverse DNS, legacy connects) run through one FIFO queue each so replies leave in request
 * order, while features are independent of each other (a slow DNS query does not hold files up).
 *
 * @module
 */
import type {
  ClientMessage,
  DaemonConnect,
  DaemonMessage,
  DaemonTcpOutgoing,
  GetEnvVarsRequest,
  LayerSeqpacket,
  LayerTcpOutgoing,
  ResponseError,
} from "../protocol-wasm/mod.ts";
import type { ClientHandle, ClientLogLevel, IncomingFeature } from "./client_handle.ts";
import type { Logger } from "./log.ts";
import { SerialQueue } from "./serial_queue.ts";
import type { Target } from "./target/target.ts";
import { type AddressFamily, DnsLookupError, type TargetResolver } from "./features/dns.ts";
import { selectEnv } from "./features/env.ts";
import { FileManager } from "./features/files.ts";
import { serveFileRequest } from "./features/file_requests.ts";
import { remoteIOError } from "./features/io_error.ts";
import { OutgoingConnections } from "./features/outgoing.ts";
import type { SocketAddress } from "./features/socket_address.ts";
import { ByteBudget } from "./features/byte_budget.ts";
import { noteBufferBytes } from "./buffer_reclaim.ts";
import { SocketWriter } from "./features/socket_writer.ts";
import {
  ASSUMED_CLIENT_VERSION,
  clientSupports,
  encodeDaemon,
  isDecodeError,
  negotiateVersion,
  newClientDecoder,
} from "./wire.ts";

/** Agent-wide state every client connection uses. */
export interface AgentContext {
  target: Target;
  resolver: TargetResolver;
  incoming: IncomingFeature;
  log: Logger;
}

const READ_CHUNK = 64 * 1024;
/**
 * Bytes queued for a client's socket before producers that can wait (stolen connections, outgoing
 * reads) do; mirror copies never wait, they are dropped above their own limit (mirror.ts).
 */
export const CLIENT_SEND_BUDGET = 1024 * 1024;
/**
 * Bytes a client sent for its stolen connections' peers that may wait for them before the agent
 * stops reading the client's socket (the client then waits, as with any slow TCP peer).
 */
export const CLIENT_PEER_BUDGET = 2 * 1024 * 1024;

type OutgoingChannel = "TcpOutgoing" | "UdpOutgoing";

/** Wraps a TCP/UDP outgoing reply (both channels carry the same shape). */
function outgoingMessage(channel: OutgoingChannel, body: DaemonTcpOutgoing): DaemonMessage {
  return channel === "TcpOutgoing" ? { TcpOutgoing: body } : { UdpOutgoing: body };
}

function nameOf(message: object | string): string {
  return typeof message === "string" ? message : Object.keys(message)[0];
}

/** Serves one client until it leaves, is refused, or sends something undecodable. */
export class ClientConnection implements ClientHandle {
  version = ASSUMED_CLIENT_VERSION;
  private readyForLogs = false;
  private closed = false;
  private readonly writer: SocketWriter;
  private readonly sendBudget = new ByteBudget(CLIENT_SEND_BUDGET);
  readonly peerBudget: ByteBudget = new ByteBudget(CLIENT_PEER_BUDGET);
  private readonly files: FileManager;
  private readonly tcp: OutgoingConnections;
  private readonly udp: OutgoingConnections;
  private readonly queues = {
    files: new SerialQueue(),
    dns: new SerialQueue(),
    reverseDns: new SerialQueue(),
    env: new SerialQueue(),
    tcpConnect: new SerialQueue(),
    udpConnect: new SerialQueue(),
  };

  /**
   * @param id agent-wide client id
   * @param conn the accepted socket
   * @param context the agent's shared state
   */
  constructor(
    readonly id: number,
    private readonly conn: Deno.Conn,
    private readonly context: AgentContext,
  ) {
    this.writer = new SocketWriter(conn, () => this.end(), this.sendBudget);
    this.files = new FileManager(context.target.root);
    const events = (channel: OutgoingChannel) => ({
      read: async (connection_id: bigint, bytes: Uint8Array) => {
        await this.room();
        this.send(outgoingMessage(channel, { Read: { Ok: { connection_id, bytes } } }));
      },
      close: (connection_id: bigint) => {
        this.send(outgoingMessage(channel, { Close: connection_id }));
        return Promise.resolve();
      },
    });
    this.tcp = new OutgoingConnections("tcp", context.target.root, events("TcpOutgoing"));
    this.udp = new OutgoingConnections("udp", context.target.root, events("UdpOutgoing"));
  }

  /** Bytes of sent messages not yet on the socket (mirror copies are dropped above a limit). */
  get pendingBytes(): number {
    return this.writer.pendingBytes;
  }

  room(): Promise<void> | null {
    return this.closed ? null : this.sendBudget.room();
  }

  /** Open remote fds and outgoing connections, for logs and tests. */
  get resourceCount(): number {
    return this.files.openCount + this.tcp.count + this.udp.count;
  }

  /**
   * Queues a `DaemonMessage` (written with whatever else is queued in the same turn). Messages
   * after the session ended are dropped.
   *
   * @param message the facade value
   */
  send(message: DaemonMessage): void {
    if (this.closed) return;
    const bytes = encodeDaemon(message);
    noteBufferBytes(bytes.length);
    this.writer.write(bytes, true);
  }

  log(level: ClientLogLevel, message: string): void {
    if (!this.readyForLogs) return;
    if (level === "Info" && !clientSupports(this.version, "INFO_LOG_VERSION")) level = "Warn";
    this.send({ LogMessage: { message, level } });
  }

  /**
   * Sends `Close(reason)` and ends the session.
   *
   * @param reason shown to the user by the client
   */
  async closeWith(reason: string): Promise<void> {
    this.send({ Close: reason });
    await this.writer.drained();
    this.end();
  }

  /** Ends the session: closes the socket and releases every resource of the client. */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.writer.close();
    this.sendBudget.releaseAll();
    this.peerBudget.releaseAll();
    this.files.closeAll();
    this.tcp.closeAll();
    this.udp.closeAll();
    this.context.incoming.release(this);
  }

  /** Reads and handles messages until the session ends. */
  async serve(): Promise<void> {
    const decoder = newClientDecoder();
    const buffer = new Uint8Array(READ_CHUNK);
    try {
      while (!this.closed) {
        const n = await this.conn.read(buffer);
        if (n === null) break;
        decoder.push(buffer.subarray(0, n));
        noteBufferBytes(n);
        // Messages are handled synchronously where they can be, so what they queue for sockets
        // (responses to peers, replies to the client) is written together after the batch.
        for (let message = decoder.next(); message !== undefined; message = decoder.next()) {
          const waiting = this.handle(message);
          if (waiting) await waiting;
          if (this.closed) break;
          const room = this.peerBudget.room();
          if (room) await room;
        }
      }
    } catch (error) {
      if (isDecodeError(error)) {
        this.context.log.warn(
          `client ${this.id} sent a message this agent cannot decode (${
            (error as Error).message
          }); closing its session`,
        );
        await this.closeWith(
          `The agent cannot decode a message from this client (protocol ${this.version}): ` +
            `${(error as Error).message} — use an agent at least as new as the client`,
        );
      } else if (!this.closed) {
        this.context.log.debug(`client ${this.id} connection failed: ${(error as Error).message}`);
      }
    }
    await this.writer.drained();
    this.end();
  }

  /** Handles one message; a promise when the next message must wait for it. */
  private handle(message: ClientMessage): Promise<void> | void {
    if (message === "Ping") return this.send("Pong");
    if (message === "ReadyForLogs") return void (this.readyForLogs = true);
    if (message === "Close") return this.end();
    if ("SwitchProtocolVersion" in message) {
      return this.switchVersion(message.SwitchProtocolVersion);
    }
    if ("OperatorPong" in message || "ShareLink" in message) return;
    if ("PauseTargetRequest" in message) return this.closeWith("Pause isn't supported anymore.");
    if ("Vpn" in message) return this.closeWith("VPN is not supported");
    if ("GetEnvVarsRequest" in message) {
      const request = message.GetEnvVarsRequest;
      return void this.queues.env.run(() => this.serveEnv(request));
    }
    if ("FileRequest" in message) {
      const request = message.FileRequest;
      return void this.queues.files.run(async () => {
        const response = await serveFileRequest(this.files, request);
        if (response !== null) this.send({ File: response });
      });
    }
    if ("GetAddrInfoRequest" in message) {
      const { node } = message.GetAddrInfoRequest;
      return void this.queues.dns.run(() => this.serveAddrInfo(node, "Ipv4Only"));
    }
    if ("GetAddrInfoRequestV2" in message) {
      const { node, family } = message.GetAddrInfoRequestV2;
      return void this.queues.dns.run(() => this.serveAddrInfo(node, family));
    }
    if ("ReverseDnsLookup" in message) {
      const ip = message.ReverseDnsLookup.ip_address;
      return void this.queues.reverseDns.run(() => this.serveReverse(ip));
    }
    if ("TcpOutgoing" in message) return this.serveOutgoing("TcpOutgoing", message.TcpOutgoing);
    if ("UdpOutgoing" in message) return this.serveOutgoing("UdpOutgoing", message.UdpOutgoing);
    if ("SeqpacketOutgoing" in message) return this.refuseSeqpacket(message.SeqpacketOutgoing);
    if ("Tcp" in message) return this.context.incoming.mirror(this, message.Tcp);
    if ("TcpSteal" in message) return this.context.incoming.steal(this, message.TcpSteal);
    const unknown: never = message;
    const name = nameOf(unknown);
    this.context.log.warn(`client ${this.id} sent an unknown message "${name}"; closing it`);
    return this.closeWith(`The agent does not support the "${name}" message`);
  }

  private switchVersion(announced: string): Promise<void> | void {
    let settled: string;
    try {
      settled = negotiateVersion(announced);
    } catch {
      return this.closeWith(
        `Cannot negotiate the protocol version: "${announced}" is not a semver version`,
      );
    }
    this.version = announced;
    this.send({ SwitchProtocolVersionResponse: settled });
  }

  private serveEnv(request: GetEnvVarsRequest): Promise<void> {
    const vars = selectEnv(
      this.context.target.env,
      [...request.env_vars_filter],
      [...request.env_vars_select],
    );
    this.send({ GetEnvVarsResponse: { Ok: vars } });
    return Promise.resolve();
  }

  private async serveAddrInfo(node: string, family: AddressFamily): Promise<void> {
    try {
      const records = await this.context.resolver.lookup(node, family);
      this.send({ GetAddrInfoResponse: { Ok: records } });
    } catch (error) {
      const kind = error instanceof DnsLookupError
        ? error.kind
        : { Message: (error as Error).message };
      this.send({ GetAddrInfoResponse: { Err: { DnsLookup: { kind } } } });
    }
  }

  private async serveReverse(ip: string): Promise<void> {
    let hostname: { Ok: string } | { Err: ResponseError };
    try {
      hostname = { Ok: await this.context.resolver.reverse(ip) };
    } catch (error) {
      const kind = error instanceof DnsLookupError
        ? error.kind
        : { Message: (error as Error).message };
      hostname = { Err: { DnsLookup: { kind } } };
    }
    this.send({ ReverseDnsLookup: { Ok: { hostname } } });
  }

  private serveOutgoing(
    channel: OutgoingChannel,
    request: LayerTcpOutgoing,
  ): Promise<void> | void {
    const connections = channel === "TcpOutgoing" ? this.tcp : this.udp;
    const connect = async (
      remote: SocketAddress,
    ): Promise<{ Ok: DaemonConnect } | { Err: ResponseError }> => {
      try {
        return { Ok: await connections.connect(remote) };
      } catch (error) {
        return { Err: { RemoteIO: remoteIOError(error) } };
      }
    };
    const reply = (body: DaemonTcpOutgoing) => this.send(outgoingMessage(channel, body));
    if ("Connect" in request) {
      const remote = request.Connect.remote_address;
      const queue = channel === "TcpOutgoing" ? this.queues.tcpConnect : this.queues.udpConnect;
      return void queue.run(async () => await reply({ Connect: await connect(remote) }));
    }
    if ("ConnectV2" in request) {
      const { uid, remote_address } = request.ConnectV2;
      return void connect(remote_address).then((result) =>
        reply({ ConnectV2: { uid, connect: result } })
      );
    }
    if ("Write" in request) {
      return connections.write(request.Write.connection_id, request.Write.bytes);
    }
    connections.close(request.Close.connection_id);
  }

  private refuseSeqpacket(request: LayerSeqpacket): void {
    if (!("ConnectV2" in request)) return;
    this.send({
      SeqpacketOutgoing: {
        ConnectV2: { uid: request.ConnectV2.uid, connect: { Err: "NotImplemented" } },
      },
    });
  }
}
