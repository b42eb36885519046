/**
 * Mirror delivery (how-it-works §3.8.5): copies of redirected traffic sent to mirroring clients
 * in `DaemonMessage::Tcp` while the agent passes the traffic through to the target's server.
 *
 * - raw TCP: `NewConnectionV2`/`V1`, `Data` (peer → server bytes only, in order), an empty
 *   `Data` when the peer finished sending, `Close`;
 * - HTTP (clients ≥1.19.4): every request as `HttpRequestChunked(StartV2)` + `Body` frames with
 *   its own connection id; clients never answer them.
 *
 * Copies are never waited for: a client with more than {@link MIRROR_CLIENT_BACKLOG} bytes not
 * yet written to its socket loses the flow being copied — a flow it already got part of ends with
 * `Close`/`ErrorV2`, a flow it got nothing of is skipped silently — and is warned once until it
 * catches up, so a slow client costs neither the agent's memory nor the real server's latency.
 *
 * @module
 */
import type {
  DaemonTcp,
  InternalHttpBodyFrame,
  NewTcpConnectionV1,
} from "../../protocol-wasm/mod.ts";
import type { ClientHandle } from "../client_handle.ts";
import {
  newConnection,
  requestBody,
  requestError,
  type RequestHead,
  type RequestOrigin,
  requestStart,
} from "./incoming_messages.ts";

/** Unwritten bytes a mirroring client may have before it loses the flow being copied. */
export const MIRROR_CLIENT_BACKLOG = 8 * 1024 * 1024;

/** One client's copy of one flow (a raw connection or an HTTP request). */
abstract class MirrorFlow {
  private dropped = false;
  private started = false;

  constructor(
    readonly client: ClientHandle,
    readonly id: bigint,
    private readonly registry: MirrorFlows,
  ) {
    registry.add(this);
  }

  /** Whether copies still go out. */
  get active(): boolean {
    return !this.dropped;
  }

  /** Stops copying without telling the client (it unsubscribed from the flow). */
  stop(): void {
    this.dropped = true;
    this.registry.remove(this);
  }

  protected emit(message: DaemonTcp): void {
    if (this.dropped) return;
    if (this.client.pendingBytes > MIRROR_CLIENT_BACKLOG) {
      this.stop();
      if (this.started) this.client.send({ Tcp: this.abortMessage() });
      this.registry.droppedFor(this.client);
      return;
    }
    this.started = true;
    this.client.send({ Tcp: message });
  }

  protected end(message: DaemonTcp): void {
    this.emit(message);
    this.stop();
  }

  protected abstract abortMessage(): DaemonTcp;
}

/** A mirrored raw TCP connection. */
export class MirroredConnection extends MirrorFlow {
  /**
   * Announces the connection to the client.
   *
   * @param client the mirroring client
   * @param id the connection id for this client
   * @param connection the connection's addresses
   * @param registry where the client's flows are tracked
   */
  constructor(
    client: ClientHandle,
    id: bigint,
    connection: NewTcpConnectionV1,
    registry: MirrorFlows,
  ) {
    super(client, id, registry);
    this.emit(newConnection(client.version, { ...connection, connection_id: id }));
  }

  /** @param bytes peer → server bytes */
  data(bytes: Uint8Array): void {
    if (bytes.length > 0) this.emit({ Data: { connection_id: this.id, bytes } });
  }

  /** The peer finished sending. */
  finish(): void {
    this.emit({ Data: { connection_id: this.id, bytes: new Uint8Array(0) } });
  }

  /** The connection is gone. */
  close(): void {
    this.end({ Close: { connection_id: this.id } });
  }

  protected abortMessage(): DaemonTcp {
    return { Close: { connection_id: this.id } };
  }
}

/** A mirrored HTTP request. */
export class MirroredRequest extends MirrorFlow {
  /**
   * Sends the request head to the client.
   *
   * @param client the mirroring client (≥1.19.4)
   * @param id the request's fresh connection id
   * @param head the request head
   * @param origin addresses
   * @param registry where the client's flows are tracked
   */
  constructor(
    client: ClientHandle,
    id: bigint,
    head: RequestHead,
    origin: RequestOrigin,
    registry: MirrorFlows,
  ) {
    super(client, id, registry);
    this.emit(requestStart("chunked-v2", id, head, [], false, origin));
  }

  /**
   * @param frames body frames
   * @param isLast whether the body ends
   */
  body(frames: InternalHttpBodyFrame[], isLast: boolean): void {
    if (isLast) this.end(requestBody(this.id, frames, true));
    else if (frames.length > 0) this.emit(requestBody(this.id, frames, false));
  }

  /** @param reason why the request broke off */
  fail(reason: string): void {
    this.end(requestError("chunked-v2", this.id, reason));
  }

  protected abortMessage(): DaemonTcp {
    return requestError("chunked-v2", this.id, "the client reads mirrored traffic too slowly");
  }
}

/** Mirror flows by client, for `ConnectionUnsubscribe` and disconnects. */
export class MirrorFlows {
  private readonly byClient = new Map<ClientHandle, Map<bigint, MirrorFlow>>();
  /** clients warned that they lose copies, until their backlog is half drained */
  private readonly warned = new WeakSet<ClientHandle>();
  /** flows copied to a client since the agent started (metrics) */
  started = 0;
  /** of those, flows a client lost because it read too slowly (metrics) */
  dropped = 0;

  /** @param flow a new flow */
  add(flow: MirrorFlow): void {
    this.started++;
    if (flow.client.pendingBytes <= MIRROR_CLIENT_BACKLOG / 2) this.warned.delete(flow.client);
    const flows = this.byClient.get(flow.client) ?? new Map<bigint, MirrorFlow>();
    flows.set(flow.id, flow);
    this.byClient.set(flow.client, flows);
  }

  /**
   * Counts a flow a client lost and warns the client, once per time it falls behind.
   *
   * @param client the slow client
   */
  droppedFor(client: ClientHandle): void {
    this.dropped++;
    if (this.warned.has(client)) return;
    this.warned.add(client);
    client.log(
      "Warn",
      `Mirrored traffic is being dropped: this client reads it too slowly (over ` +
        `${MIRROR_CLIENT_BACKLOG} bytes queued); flows are not mirrored until it catches up`,
    );
  }

  /** @param flow a finished flow */
  remove(flow: MirrorFlow): void {
    const flows = this.byClient.get(flow.client);
    flows?.delete(flow.id);
    if (flows?.size === 0) this.byClient.delete(flow.client);
  }

  /**
   * @param client the client
   * @param id a flow's connection id
   */
  unsubscribe(client: ClientHandle, id: bigint): void {
    this.byClient.get(client)?.get(id)?.stop();
  }

  /** @param client a client that left */
  release(client: ClientHandle): void {
    for (const flow of [...(this.byClient.get(client)?.values() ?? [])]) flow.stop();
  }

  /** Number of flows being copied. */
  get count(): number {
    let n = 0;
    for (const flows of this.byClient.values()) n += flows.size;
    return n;
  }
}
