/**
 * The intproxy's main loop (how-it-works.md §4.3): negotiates the protocol version with the
 * agent while holding layer sessions back, then routes layer requests to the sub-proxies and
 * agent messages back to them; runs the idle timeouts and the heartbeat; and on any fatal error
 * enters the failed state (§4.6): every pending and later request is answered `ProxyFailed`, the
 * layers' processes get SIGTERM then SIGKILL, and the intproxy exits once idle.
 *
 * @module
 */
import {
  type DaemonMessage,
  type GateName,
  type LayerId,
  type LayerToProxyMessage,
  PROTOCOL_VERSION,
  type ProxyToLayerMessage,
  supports,
} from "../protocol-wasm/mod.ts";
import type { ResolvedConfig } from "../schema/mod.ts";
import { type AgentConnection, describeDaemonMessage } from "./agent_conn.ts";
import { Heartbeat } from "./heartbeat.ts";
import { LayerConnection, LayerProtocolError } from "./layer_conn.ts";
import type { Logger } from "./log.ts";
import type { ProxyContext } from "./proxies/context.ts";
import { FilesProxy } from "./proxies/files.ts";
import { IncomingProxy } from "./proxies/incoming.ts";
import { OutgoingProxy } from "./proxies/outgoing.ts";
import { SimpleProxy } from "./proxies/simple.ts";
import { SessionFailedError } from "./request_queue.ts";
import { terminateProcesses } from "./terminate.ts";

/** A connected layer. */
interface LayerState {
  id: LayerId;
  conn: LayerConnection;
  pid: number;
  name: string;
  loaded: boolean;
  /** message ids of requests not answered yet */
  pending: Set<bigint>;
}

/** Why the session failed. */
interface Failure {
  message: string;
  agentReported: boolean;
}

/** What the session needs. */
export interface SessionOptions {
  config: ResolvedConfig;
  agent: AgentConnection;
  listener: Deno.TcpListener;
  log: Logger;
  /** seconds between SIGTERM and SIGKILL of layer processes after a failure (mirrord: 2) */
  killGraceSecs?: number;
}

function describeLayerMessage(message: LayerToProxyMessage): string {
  const [outer, inner] = Object.entries(message)[0];
  const variant = inner && typeof inner === "object" ? Object.keys(inner)[0] : undefined;
  return variant && /^[A-Z]/.test(variant) ? `${outer}(${variant})` : outer;
}

function expectsReply(message: LayerToProxyMessage): boolean {
  if ("File" in message) return !("Close" in message.File) && !("CloseDir" in message.File);
  if ("Outgoing" in message) return !("Close" in message.Outgoing);
  if ("Incoming" in message) return !("PortUnsubscribe" in message.Incoming);
  return true;
}

/** One intproxy session: every layer of one `mirrord exec`, one agent connection. */
export class Session implements ProxyContext {
  readonly log: Logger;
  readonly config: ResolvedConfig;
  readonly #agent: AgentConnection;
  readonly #listener: Deno.TcpListener;
  readonly #killGraceSecs: number;
  readonly #files: FilesProxy;
  readonly #simple: SimpleProxy;
  readonly #outgoing: OutgoingProxy;
  readonly #incoming: IncomingProxy;
  readonly #heartbeat: Heartbeat;
  readonly #layers = new Map<LayerId, LayerState>();
  #nextLayerId = 0n;
  #connections = 0;
  #everConnected = false;
  #version: string | null = null;
  #negotiated!: () => void;
  readonly #whenNegotiated = new Promise<void>((resolve) => this.#negotiated = resolve);
  #failure: Failure | null = null;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #loggingTimer: ReturnType<typeof setInterval> | undefined;
  #exit!: (code: number) => void;
  readonly #exited = new Promise<number>((resolve) => this.#exit = resolve);
  #finished = false;

  /** @param options see {@link SessionOptions} */
  constructor(options: SessionOptions) {
    this.log = options.log;
    this.config = options.config;
    this.#agent = options.agent;
    this.#listener = options.listener;
    this.#killGraceSecs = options.killGraceSecs ?? 2;
    this.#files = new FilesProxy(this);
    this.#simple = new SimpleProxy(this);
    this.#outgoing = new OutgoingProxy(this);
    this.#incoming = new IncomingProxy(this);
    this.#heartbeat = new Heartbeat(() => this.#agent.send("Ping"), (reason) => this.fail(reason));
  }

  /** The settled protocol version, once negotiated. */
  get version(): string | null {
    return this.#version;
  }

  /**
   * Runs until the session ends.
   *
   * @returns the exit status: 0 after an idle exit, 1 after a failure or when no layer came
   */
  async run(): Promise<number> {
    const proxy = this.config.internal_proxy;
    this.#agent.onWriteFailure((error) =>
      this.fail(`writing to the agent failed: ${error.message}`)
    );
    this.#agent.send({ SwitchProtocolVersion: PROTOCOL_VERSION });
    this.#readAgent();
    this.#acceptLayers();
    this.#armIdle(proxy.start_idle_timeout, () => {
      this.log.error(`no layer connected within ${proxy.start_idle_timeout} s, exiting`);
      this.#finish(1);
    });
    this.#loggingTimer = setInterval(
      () => this.#logLayers(),
      proxy.process_logging_interval * 1000,
    );
    return await this.#exited;
  }

  /**
   * Ends the session now (e.g. on SIGTERM): closes every layer connection and the agent link.
   *
   * @param code the exit status {@link run} resolves with
   */
  close(code = 0): void {
    this.log.info("intproxy closing", { code });
    this.#finish(code);
  }

  supports(gate: GateName): boolean {
    return this.#version !== null && supports(gate, this.#version);
  }

  toAgent(message: Parameters<AgentConnection["send"]>[0]): void {
    if (!this.#failure) this.#agent.send(message);
  }

  agentBacklog(): number {
    return this.#agent.backlog;
  }

  agentDrained(threshold: number): Promise<void> {
    return this.#agent.drained(threshold);
  }

  reply(layer: LayerId, messageId: bigint, message: ProxyToLayerMessage): void {
    const state = this.#layers.get(layer);
    if (!state || !state.pending.delete(messageId)) return;
    state.conn.send(messageId, message);
  }

  hasLayer(layer: LayerId): boolean {
    return this.#layers.has(layer);
  }

  fail(reason: string, agentReported = false): void {
    if (this.#failure || this.#finished) return;
    this.#failure = { message: reason, agentReported };
    this.log.error(`session failed: ${reason}`, { agent_reported: agentReported });
    this.#heartbeat.stop();
    const error = new SessionFailedError(reason);
    for (const proxy of [this.#files, this.#simple, this.#outgoing, this.#incoming]) {
      proxy.shutdown(error);
    }
    for (const state of this.#layers.values()) {
      for (const id of state.pending) state.conn.send(id, this.#proxyFailed());
      state.pending.clear();
    }
    this.#agent.close();
    this.#negotiated(); // held layers go on, to be answered ProxyFailed
    const pids = [...new Set([...this.#layers.values()].map((l) => l.pid))];
    terminateProcesses(pids, this.#killGraceSecs, this.log);
    if (this.#layers.size === 0) this.#armIdleExit();
  }

  #proxyFailed(): ProxyToLayerMessage {
    return {
      ProxyFailed: {
        agent_reported: this.#failure!.agentReported,
        message: this.#failure!.message,
      },
    };
  }

  async #readAgent(): Promise<void> {
    while (!this.#failure && !this.#finished) {
      let message: DaemonMessage | null;
      try {
        message = await this.#agent.receive();
      } catch (error) {
        this.fail(`agent connection failed: ${(error as Error).message}`);
        return;
      }
      if (this.#failure || this.#finished) return;
      if (message === null) {
        this.fail("the agent closed the connection");
        return;
      }
      this.#heartbeat.heard();
      if (this.log.enabled("trace")) {
        this.log.trace("agent message", { message: describeDaemonMessage(message) });
      }
      try {
        this.#route(message);
      } catch (error) {
        this.fail(`agent message ${describeDaemonMessage(message)}: ${(error as Error).message}`);
      }
    }
  }

  #route(message: DaemonMessage): void {
    if (message === "Pong") {
      if (!this.#heartbeat.pong()) throw new Error("a Pong arrived with no Ping outstanding");
      return;
    }
    if (typeof message !== "object") throw new Error(`unexpected agent message ${message}`);
    if ("SwitchProtocolVersionResponse" in message) {
      if (this.#version !== null) throw new Error("a second SwitchProtocolVersionResponse");
      return this.#settle(message.SwitchProtocolVersionResponse);
    }
    if ("LogMessage" in message) {
      const { level, message: text } = message.LogMessage;
      const ours = level === "Error" ? "error" : level === "Warn" ? "warn" : "info";
      return this.log.log(ours, `agent: ${text}`);
    }
    if ("OperatorPing" in message) return this.toAgent({ OperatorPong: message.OperatorPing });
    if ("Close" in message) {
      return this.fail(`agent closed connection with error: ${message.Close}`, true);
    }
    if (this.#version === null) {
      throw new Error(`${describeDaemonMessage(message)} arrived before version negotiation`);
    }
    if ("File" in message) return this.#files.agentReply(message.File);
    if ("GetAddrInfoResponse" in message) {
      return this.#simple.agentDnsReply(message.GetAddrInfoResponse);
    }
    if ("GetEnvVarsResponse" in message) {
      return this.#simple.agentEnvReply(message.GetEnvVarsResponse);
    }
    if ("TcpOutgoing" in message) return this.#outgoing.agentMessage("tcp", message.TcpOutgoing);
    if ("UdpOutgoing" in message) return this.#outgoing.agentMessage("udp", message.UdpOutgoing);
    if ("Tcp" in message) return this.#incoming.agentMessage("mirror", message.Tcp);
    if ("TcpSteal" in message) return this.#incoming.agentMessage("steal", message.TcpSteal);
    // PauseTarget, Vpn, ReverseDnsLookup, SeqpacketOutgoing: answers to nothing this intproxy
    // asks; like mirrord's intproxy, treat them as fatal.
    throw new Error(`unexpected agent message ${describeDaemonMessage(message)}`);
  }

  #settle(version: string): void {
    this.#version = version;
    this.log.info("protocol version negotiated", { ours: PROTOCOL_VERSION, settled: version });
    if (this.supports("CLIENT_READY_FOR_LOGS")) this.#agent.send("ReadyForLogs");
    this.#heartbeat.start(this.config.internal_proxy.ping_interval);
    this.#negotiated();
  }

  async #acceptLayers(): Promise<void> {
    while (!this.#finished) {
      let conn: Deno.TcpConn;
      try {
        conn = await this.#listener.accept();
      } catch {
        return; // listener closed at exit
      }
      this.#serveLayer(new LayerConnection(conn));
    }
  }

  async #serveLayer(conn: LayerConnection): Promise<void> {
    this.#connections++;
    clearTimeout(this.#idleTimer);
    let state: LayerState | null = null;
    try {
      state = await this.#register(conn);
      if (!state) return;
      while (!this.#finished) {
        const frame = await conn.receive();
        if (frame === null) break;
        this.#layerMessage(state, frame.message_id, frame.inner);
      }
    } catch (error) {
      const invalid = error instanceof LayerProtocolError;
      this.log.log(
        invalid ? "warn" : "error",
        invalid
          ? "dropping a layer that sent an invalid frame"
          : "dropping a layer after an internal error (this is a bug, please report it)",
        { layer: state?.id, pid: state?.pid, peer: conn.peer, error: (error as Error).message },
      );
    } finally {
      conn.close();
      if (state) {
        this.#layers.delete(state.id);
        for (const proxy of [this.#files, this.#simple, this.#outgoing, this.#incoming]) {
          proxy.dropLayer(state.id);
        }
        this.log.info("layer disconnected", { layer: state.id, pid: state.pid });
      }
      this.#connections--;
      if (this.#connections === 0 && this.#everConnected) this.#armIdleExit();
    }
  }

  /** Reads the first frame, which must be `NewSession`, and registers the layer. */
  async #register(conn: LayerConnection): Promise<LayerState | null> {
    const first = await conn.receive();
    if (first === null) return null;
    if (!("NewSession" in first.inner)) {
      throw new LayerProtocolError(
        `the first message was ${Object.keys(first.inner)[0]}, not NewSession`,
      );
    }
    await this.#whenNegotiated;
    if (this.#finished) return null;
    const request = first.inner.NewSession;
    const info = request.process_info;
    const state: LayerState = {
      id: this.#nextLayerId++,
      conn,
      pid: info.pid,
      name: info.name,
      loaded: info.loaded,
      pending: new Set(),
    };
    this.#layers.set(state.id, state);
    this.#everConnected = true;
    const parent = request.parent_layer;
    if (parent !== null) {
      if (this.#layers.has(parent)) {
        for (const proxy of [this.#files, this.#simple, this.#outgoing, this.#incoming]) {
          proxy.forkLayer(parent, state.id);
        }
      } else {
        this.log.warn("forked layer's parent session is gone; starting it fresh", {
          parent,
          pid: info.pid,
        });
      }
    }
    this.log.info("layer connected", {
      layer: state.id,
      parent,
      pid: info.pid,
      parent_pid: info.parent_pid,
      name: info.name,
      cmdline: info.cmdline,
      loaded: info.loaded,
    });
    conn.send(first.message_id, this.#failure ? this.#proxyFailed() : { NewSession: state.id });
    return state;
  }

  #layerMessage(state: LayerState, id: bigint, message: LayerToProxyMessage): void {
    if (this.log.enabled("trace")) {
      this.log.trace("layer message", {
        layer: state.id,
        id,
        message: describeLayerMessage(message),
      });
    }
    const wantsReply = expectsReply(message);
    if (this.#failure) {
      if (wantsReply) state.conn.send(id, this.#proxyFailed());
      return;
    }
    if (wantsReply) state.pending.add(id);
    if ("File" in message) this.#files.request(state.id, id, message.File);
    else if ("GetAddrInfo" in message) this.#simple.lookup(state.id, id, message.GetAddrInfo);
    else if ("Outgoing" in message) this.#outgoing.request(state.id, id, message.Outgoing);
    else if ("Incoming" in message) this.#incoming.request(state.id, id, message.Incoming);
    else if ("GetEnv" in message) this.#simple.environment(state.id, id, message.GetEnv);
    else throw new LayerProtocolError("a second NewSession on the same connection");
  }

  #armIdle(seconds: number, then: () => void): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(then, seconds * 1000);
  }

  #armIdleExit(): void {
    const seconds = this.config.internal_proxy.idle_timeout;
    this.#armIdle(seconds, () => {
      if (this.#connections > 0) return;
      this.log.info(`no layer connected for ${seconds} s, exiting`);
      this.#finish(this.#failure ? 1 : 0);
    });
  }

  #logLayers(): void {
    this.log.info("connected layers", {
      layers: [...this.#layers.values()].map((l) => ({
        layer: l.id,
        pid: l.pid,
        name: l.name,
        loaded: l.loaded,
      })),
    });
  }

  #finish(code: number): void {
    if (this.#finished) return;
    this.#finished = true;
    clearTimeout(this.#idleTimer);
    clearInterval(this.#loggingTimer);
    this.#heartbeat.stop();
    const error = new SessionFailedError("the intproxy is exiting");
    for (const proxy of [this.#files, this.#simple, this.#outgoing, this.#incoming]) {
      proxy.shutdown(error);
    }
    this.#negotiated();
    try {
      this.#listener.close();
    } catch {
      // Already closed.
    }
    for (const state of this.#layers.values()) state.conn.close();
    this.#agent.close();
    this.#exit(code);
  }
}
