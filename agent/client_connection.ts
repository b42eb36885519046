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

// deno-lint-ignore no-explicit-any
type Message = any;

const READ_CHUNK = 64 * 1024;

function variantOf(value: Message): [string, Message] {
  if (typeof value === "string") return [value, undefined];
  const [name] = Object.keys(value);
  return [name, value[name]];
}

/** Serves one client until it leaves, is refused, or sends something undecodable. */
export class ClientConnection implements ClientHandle {
  version = ASSUMED_CLIENT_VERSION;
  private readyForLogs = false;
  private closed = false;
  private writeTail: Promise<void> = Promise.resolve();
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
    this.files = new FileManager(context.target.root);
    const events = (channel: "TcpOutgoing" | "UdpOutgoing") => ({
      read: (connection_id: bigint, bytes: Uint8Array) =>
        this.send({ [channel]: { Read: { Ok: { connection_id, bytes } } } }),
      close: (connection_id: bigint) => this.send({ [channel]: { Close: connection_id } }),
    });
    this.tcp = new OutgoingConnections("tcp", context.target.root, events("TcpOutgoing"));
    this.udp = new OutgoingConnections("udp", context.target.root, events("UdpOutgoing"));
  }

  /** Open remote fds and outgoing connections, for logs and tests. */
  get resourceCount(): number {
    return this.files.openCount + this.tcp.count + this.udp.count;
  }

  /**
   * Sends a `DaemonMessage`; resolves when it is on the socket. Messages after the session ended
   * are dropped.
   *
   * @param message the facade value
   */
  send(message: unknown): Promise<void> {
    if (this.closed) return Promise.resolve();
    const bytes = encodeDaemon(message);
    const write = this.writeTail.then(async () => {
      if (this.closed) return;
      let written = 0;
      while (written < bytes.length) written += await this.conn.write(bytes.subarray(written));
    });
    this.writeTail = write.catch(() => this.end());
    return this.writeTail;
  }

  log(level: ClientLogLevel, message: string): void {
    if (!this.readyForLogs) return;
    if (level === "Info" && !clientSupports(this.version, "INFO_LOG_VERSION")) level = "Warn";
    this.send({ LogMessage: { message, level } }).catch(() => {});
  }

  /**
   * Sends `Close(reason)` and ends the session.
   *
   * @param reason shown to the user by the client
   */
  async closeWith(reason: string): Promise<void> {
    await this.send({ Close: reason }).catch(() => {});
    this.end();
  }

  /** Ends the session: closes the socket and releases every resource of the client. */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.conn.close();
    } catch {
      // Already closed by the peer.
    }
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
        for (let message = decoder.next(); message !== undefined; message = decoder.next()) {
          await this.handle(message);
          if (this.closed) break;
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
    await this.writeTail;
    this.end();
  }

  private async handle(message: Message): Promise<void> {
    const [name, payload] = variantOf(message);
    switch (name) {
      case "SwitchProtocolVersion": {
        let settled: string;
        try {
          settled = negotiateVersion(payload);
        } catch {
          return await this.closeWith(
            `Cannot negotiate the protocol version: "${payload}" is not a semver version`,
          );
        }
        this.version = payload;
        await this.send({ SwitchProtocolVersionResponse: settled });
        return;
      }
      case "Ping":
        await this.send("Pong");
        return;
      case "ReadyForLogs":
        this.readyForLogs = true;
        return;
      case "Close":
        this.end();
        return;
      case "OperatorPong":
      case "ShareLink":
        return;
      case "PauseTargetRequest":
        return await this.closeWith("Pause isn't supported anymore.");
      case "Vpn":
        return await this.closeWith("VPN is not supported");
      case "GetEnvVarsRequest":
        this.queues.env.run(() => this.serveEnv(payload));
        return;
      case "FileRequest":
        this.queues.files.run(async () => {
          const response = await serveFileRequest(this.files, payload);
          if (response !== null) await this.send({ File: response });
        });
        return;
      case "GetAddrInfoRequest":
        this.queues.dns.run(() => this.serveAddrInfo(payload.node, "Ipv4Only"));
        return;
      case "GetAddrInfoRequestV2":
        this.queues.dns.run(() => this.serveAddrInfo(payload.node, payload.family));
        return;
      case "ReverseDnsLookup":
        this.queues.reverseDns.run(() => this.serveReverse(payload.ip_address));
        return;
      case "TcpOutgoing":
        return await this.serveOutgoing("TcpOutgoing", this.tcp, this.queues.tcpConnect, payload);
      case "UdpOutgoing":
        return await this.serveOutgoing("UdpOutgoing", this.udp, this.queues.udpConnect, payload);
      case "SeqpacketOutgoing":
        return await this.refuseSeqpacket(payload);
      case "Tcp":
        return await this.context.incoming.mirror(this, payload);
      case "TcpSteal":
        return await this.context.incoming.steal(this, payload);
    }
    this.context.log.warn(`client ${this.id} sent an unknown message "${name}"; closing it`);
    await this.closeWith(`The agent does not support the "${name}" message`);
  }

  private async serveEnv(request: Message): Promise<void> {
    const vars = selectEnv(
      this.context.target.env,
      [...request.env_vars_filter],
      [...request.env_vars_select],
    );
    await this.send({ GetEnvVarsResponse: { Ok: vars } });
  }

  private async serveAddrInfo(node: string, family: AddressFamily): Promise<void> {
    try {
      const records = await this.context.resolver.lookup(node, family);
      await this.send({ GetAddrInfoResponse: { Ok: records } });
    } catch (error) {
      const kind = error instanceof DnsLookupError
        ? error.kind
        : { Message: (error as Error).message };
      await this.send({ GetAddrInfoResponse: { Err: { DnsLookup: { kind } } } });
    }
  }

  private async serveReverse(ip: string): Promise<void> {
    let hostname;
    try {
      hostname = { Ok: await this.context.resolver.reverse(ip) };
    } catch (error) {
      const kind = error instanceof DnsLookupError
        ? error.kind
        : { Message: (error as Error).message };
      hostname = { Err: { DnsLookup: { kind } } };
    }
    await this.send({ ReverseDnsLookup: { Ok: { hostname } } });
  }

  private async serveOutgoing(
    channel: "TcpOutgoing" | "UdpOutgoing",
    connections: OutgoingConnections,
    connectQueue: SerialQueue,
    request: Message,
  ): Promise<void> {
    const [name, body] = variantOf(request);
    const connect = async (remote: SocketAddress) => {
      try {
        return { Ok: await connections.connect(remote) };
      } catch (error) {
        return { Err: { RemoteIO: remoteIOError(error) } };
      }
    };
    switch (name) {
      case "Connect":
        connectQueue.run(async () => {
          await this.send({ [channel]: { Connect: await connect(body.remote_address) } });
        });
        return;
      case "ConnectV2":
        connect(body.remote_address).then((result) =>
          this.send({ [channel]: { ConnectV2: { uid: body.uid, connect: result } } })
        );
        return;
      case "Write":
        return await connections.write(body.connection_id, body.bytes);
      case "Close":
        connections.close(body.connection_id);
        return;
    }
    await this.closeWith(`The agent does not support the "${channel}::${name}" message`);
  }

  private async refuseSeqpacket(request: Message): Promise<void> {
    const [name, body] = variantOf(request);
    if (name !== "ConnectV2") return;
    await this.send({
      SeqpacketOutgoing: { ConnectV2: { uid: body.uid, connect: { Err: "NotImplemented" } } },
    });
  }
}
