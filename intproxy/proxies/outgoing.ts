/**
 * The outgoing sub-proxy (how-it-works.md §4.4): for each connect a layer reports, an interceptor
 * socket the user app really connects to, and an agent connection made with `ConnectV2` (matched
 * by uid, agent ≥1.22.0) or legacy `Connect` (FIFO per protocol). TCP to an IP answers the layer
 * at once when `experimental.non_blocking_tcp_connect` is on (the agent connect finishes in the
 * background; a failure closes the app's socket); everything else waits for the agent first.
 *
 * @module
 */
import type { ProxyContext, SubProxy } from "./context.ts";
import type {
  ClientMessage,
  DaemonConnect,
  DaemonMessage,
  LayerId,
  OutgoingConnectRequest,
  OutgoingRequest,
  ResponseError,
  SocketAddress,
} from "./_types.ts";
import type { AgentSide, Interceptor } from "./interceptor.ts";
import { StreamInterceptor } from "./outgoing_stream.ts";
import { DatagramInterceptor } from "./outgoing_datagram.ts";
import { KeyedRequests, RequestQueue, SessionFailedError } from "../request_queue.ts";

type Protocol = "tcp" | "udp";
type ConnectResult = { Ok: DaemonConnect } | { Err: ResponseError };
type DaemonOutgoing = Extract<DaemonMessage, { TcpOutgoing: unknown }>["TcpOutgoing"];

/** Stop reading from user apps while this much waits to be written to the agent. */
const AGENT_BACKLOG_HIGH = 4 * 1024 * 1024;
/** ... and resume once it is down to this. */
const AGENT_BACKLOG_LOW = 1024 * 1024;

interface Connection {
  interceptor: Interceptor;
  protocol: Protocol;
  /** layers whose sockets may hold it (the connecting one and its forked children) */
  holders: Set<LayerId>;
  /** the agent's connection id, once connected */
  agentId: bigint | null;
  /** the agent-side local address (what `getsockname` reports), once connected */
  inCluster: SocketAddress | null;
  connected: Promise<void>;
}

function randomConnectionId(): bigint {
  const [hi, lo] = crypto.getRandomValues(new BigUint64Array(2));
  return (hi << 64n) | lo;
}

function wrap(protocol: Protocol, message: Record<string, unknown>): ClientMessage {
  return (protocol === "tcp"
    ? { TcpOutgoing: message }
    : { UdpOutgoing: message }) as ClientMessage;
}

/** Outgoing connections of every layer. */
export class OutgoingProxy implements SubProxy {
  readonly #ctx: ProxyContext;
  readonly #connections = new Map<bigint, Connection>();
  readonly #byAgentId: Record<Protocol, Map<bigint, Connection>> = {
    tcp: new Map(),
    udp: new Map(),
  };
  readonly #legacy: Record<Protocol, RequestQueue<ConnectResult>> = {
    tcp: new RequestQueue("outgoing TCP connect"),
    udp: new RequestQueue("outgoing UDP connect"),
  };
  readonly #v2 = new KeyedRequests<string, ConnectResult>("outgoing connect");

  /** @param ctx the session */
  constructor(ctx: ProxyContext) {
    this.#ctx = ctx;
  }

  /**
   * Handles one outgoing request of a layer.
   *
   * @param layer the layer
   * @param messageId its message id
   * @param request the request
   */
  request(layer: LayerId, messageId: bigint, request: OutgoingRequest): void {
    if ("Connect" in request) {
      this.#connect(layer, messageId, request.Connect).catch((error) => {
        if (!(error instanceof SessionFailedError)) {
          this.#ctx.fail(`outgoing: ${(error as Error).message}`);
        }
      });
    } else if ("ConnMetadata" in request) {
      this.#metadata(layer, messageId, request.ConnMetadata.conn_id);
    } else {
      this.#connections.get(request.Close.conn_id)?.interceptor.layerClosed();
    }
  }

  /**
   * Routes an agent outgoing message (`TcpOutgoing` / `UdpOutgoing`).
   *
   * @param protocol which of the two
   * @param message the message
   * @throws {UnexpectedReplyError} for a connect reply nobody waits for
   */
  agentMessage(protocol: Protocol, message: DaemonOutgoing): void {
    if ("Connect" in message) {
      this.#legacy[protocol].resolveNext(message.Connect);
    } else if ("ConnectV2" in message) {
      this.#v2.resolve(message.ConnectV2.uid, message.ConnectV2.connect);
    } else if ("Read" in message) {
      if ("Err" in message.Read) {
        this.#ctx.log.warn("outgoing: the agent reported a read error", {
          protocol,
          error: message.Read.Err,
        });
        return;
      }
      const { connection_id, bytes } = message.Read.Ok;
      const connection = this.#byAgentId[protocol].get(connection_id);
      if (connection) connection.interceptor.fromAgent(bytes);
      else this.#ctx.log.debug("outgoing: data for a closed connection", { connection_id });
    } else {
      const connection = this.#byAgentId[protocol].get(message.Close);
      connection?.interceptor.agentClosed();
    }
  }

  forkLayer(parent: LayerId, child: LayerId): void {
    for (const connection of this.#connections.values()) {
      if (connection.holders.has(parent)) connection.holders.add(child);
    }
  }

  dropLayer(layer: LayerId): void {
    for (const connection of this.#connections.values()) {
      if (!connection.holders.delete(layer) || connection.holders.size > 0) continue;
      // A TCP relay in use ends with the app's socket; UDP and unused interceptors end here.
      if (connection.protocol === "udp" || !connection.interceptor.accepted) {
        connection.interceptor.layerClosed();
      }
    }
  }

  shutdown(error: Error): void {
    this.#legacy.tcp.rejectAll(error);
    this.#legacy.udp.rejectAll(error);
    this.#v2.rejectAll(error);
    for (const connection of this.#connections.values()) connection.interceptor.abort();
  }

  async #connect(
    layer: LayerId,
    messageId: bigint,
    request: OutgoingConnectRequest,
  ): Promise<void> {
    const remote = request.remote_address;
    const refusal = this.#refusal(request);
    if (refusal) {
      this.#ctx.log.warn(`outgoing: connect refused locally: ${refusal}`, { remote });
      this.#ctx.reply(layer, messageId, { Outgoing: { Connect: { Err: "NotImplemented" } } });
      return;
    }
    const protocol: Protocol = request.protocol === "Datagrams" ? "udp" : "tcp";
    let interceptor: Interceptor;
    try {
      interceptor = protocol === "udp"
        ? DatagramInterceptor.open(remote, (reason) => this.#ctx.log.debug(`outgoing: ${reason}`))
        : StreamInterceptor.open(remote);
    } catch (error) {
      this.#ctx.log.error("outgoing: cannot open an interceptor socket", {
        error: (error as Error).message,
      });
      this.#ctx.reply(layer, messageId, {
        Outgoing: { Connect: { Err: { RemoteIO: { raw_os_error: null, kind: "Other" } } } },
      });
      return;
    }
    const id = randomConnectionId();
    let markConnected!: () => void;
    const connection: Connection = {
      interceptor,
      protocol,
      holders: new Set([layer]),
      agentId: null,
      inCluster: null,
      connected: new Promise((resolve) => markConnected = resolve),
    };
    this.#connections.set(id, connection);
    interceptor.done.then(() => this.#forget(id, connection));

    const nonBlocking = protocol === "tcp" && "Ip" in remote &&
      this.#ctx.config.experimental.non_blocking_tcp_connect;
    const layerAddress = interceptor.layerAddress;
    if (nonBlocking) {
      this.#ctx.reply(layer, messageId, {
        Outgoing: {
          Connect: {
            Ok: { connection_id: id, layer_address: layerAddress, in_cluster_address: null },
          },
        },
      });
    }
    let result: ConnectResult;
    try {
      result = await this.#agentConnect(protocol, remote);
    } finally {
      markConnected();
    }
    if ("Err" in result) {
      this.#ctx.log.debug("outgoing: the agent could not connect", { remote, error: result.Err });
      if (!nonBlocking) this.#ctx.reply(layer, messageId, { Outgoing: { Connect: result } });
      interceptor.agentClosed();
      return;
    }
    const agentId = result.Ok.connection_id;
    if (interceptor.finished) {
      this.#ctx.toAgent(wrap(protocol, { Close: { connection_id: agentId } }));
      return;
    }
    connection.agentId = agentId;
    connection.inCluster = result.Ok.local_address;
    this.#byAgentId[protocol].set(agentId, connection);
    interceptor.attach(this.#agentSide(protocol, agentId));
    if (!nonBlocking) {
      this.#ctx.reply(layer, messageId, {
        Outgoing: {
          Connect: {
            Ok: {
              connection_id: id,
              layer_address: layerAddress,
              in_cluster_address: result.Ok.local_address,
            },
          },
        },
      });
    }
  }

  /** Why a connect cannot be served, or null when it can. */
  #refusal(request: OutgoingConnectRequest): string | null {
    if (request.protocol === "Seqpacket") {
      return "unix seqpacket sockets cannot be intercepted by this intproxy";
    }
    if (request.protocol === "Datagrams" && !("Ip" in request.remote_address)) {
      return "unix datagram sockets are not supported";
    }
    const unix = "Unix" in request.remote_address ? request.remote_address.Unix : null;
    if (unix !== null && (typeof unix !== "object" || !("Pathname" in unix))) {
      return "only unix sockets with a path can be intercepted";
    }
    return null;
  }

  #agentConnect(protocol: Protocol, remote: SocketAddress): Promise<ConnectResult> {
    if (this.#ctx.supports("OUTGOING_CONNECT_V2")) {
      const uid = crypto.randomUUID();
      const reply = this.#v2.wait(uid);
      this.#ctx.toAgent(wrap(protocol, { ConnectV2: { uid, remote_address: remote } }));
      return reply;
    }
    const reply = this.#legacy[protocol].wait();
    this.#ctx.toAgent(wrap(protocol, { Connect: { remote_address: remote } }));
    return reply;
  }

  #agentSide(protocol: Protocol, agentId: bigint): AgentSide {
    return {
      write: (bytes) =>
        this.#ctx.toAgent(wrap(protocol, { Write: { connection_id: agentId, bytes } })),
      close: () => this.#ctx.toAgent(wrap(protocol, { Close: { connection_id: agentId } })),
      room: () =>
        this.#ctx.agentBacklog() > AGENT_BACKLOG_HIGH
          ? this.#ctx.agentDrained(AGENT_BACKLOG_LOW)
          : Promise.resolve(),
    };
  }

  async #metadata(layer: LayerId, messageId: bigint, id: bigint): Promise<void> {
    const connection = this.#connections.get(id);
    if (connection) await connection.connected;
    const inCluster = connection?.inCluster;
    this.#ctx.reply(layer, messageId, {
      Outgoing: {
        ConnMetadata: inCluster && "Ip" in inCluster ? { in_cluster_address: inCluster.Ip } : null,
      },
    });
  }

  #forget(id: bigint, connection: Connection): void {
    this.#connections.delete(id);
    if (connection.agentId !== null) {
      const map = this.#byAgentId[connection.protocol];
      if (map.get(connection.agentId) === connection) map.delete(connection.agentId);
    }
  }
}
