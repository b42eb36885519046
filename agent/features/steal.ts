/**
 * What each client is stealing right now — raw connections and HTTP requests waiting for their
 * response — and the client → agent half of steal traffic: `Data`, the three response forms,
 * `ConnectionUnsubscribe` (how-it-works §3.9). Responses and data for unknown connection ids, or
 * with a request id other than 0, are dropped as mirrord does.
 *
 * @module
 */
import type { LayerTcpSteal } from "../../protocol-wasm/mod.ts";
import type { ClientHandle } from "../client_handle.ts";
import type { StolenConnection } from "./stolen_connection.ts";
import type { StolenRequest } from "./stolen_request.ts";

interface ClientSteals {
  connections: Map<bigint, { connection: StolenConnection; port: number }>;
  requests: Map<bigint, StolenRequest>;
}

/** Stolen traffic by client. */
export class StealRegistry {
  private readonly clients = new Map<ClientHandle, ClientSteals>();

  private of(client: ClientHandle): ClientSteals {
    let steals = this.clients.get(client);
    if (!steals) {
      steals = { connections: new Map(), requests: new Map() };
      this.clients.set(client, steals);
    }
    return steals;
  }

  /**
   * @param connection a new stolen connection
   * @param port the target port it came to
   */
  addConnection(connection: StolenConnection, port: number): void {
    this.of(connection.client).connections.set(connection.id, { connection, port });
  }

  /** @param connection a closed stolen connection */
  removeConnection(connection: StolenConnection): void {
    this.clients.get(connection.client)?.connections.delete(connection.id);
  }

  /** @param request a request sent to its client */
  addRequest(request: StolenRequest): void {
    this.of(request.client).requests.set(request.id, request);
  }

  /** @param request a finished request */
  removeRequest(request: StolenRequest): void {
    this.clients.get(request.client)?.requests.delete(request.id);
  }

  /** Stolen connections and pending requests, for logs and tests. */
  get count(): number {
    let n = 0;
    for (const steals of this.clients.values()) n += steals.connections.size + steals.requests.size;
    return n;
  }

  /**
   * Handles the traffic part of `LayerTcpSteal` (not subscriptions).
   *
   * @param client the sender
   * @param message Data, a response or ConnectionUnsubscribe
   * @returns a promise when the client's next messages must wait for a peer to catch up
   */
  handle(client: ClientHandle, message: LayerTcpSteal): Promise<void> | void {
    const steals = this.clients.get(client);
    if (!steals) return;
    if ("Data" in message) {
      const { connection_id, bytes } = message.Data;
      return steals.connections.get(connection_id)?.connection.write(bytes);
    }
    if ("ConnectionUnsubscribe" in message) {
      const id = message.ConnectionUnsubscribe;
      steals.connections.get(id)?.connection.close(false);
      steals.requests.get(id)?.fail("the client unsubscribed from the request");
      return;
    }
    if ("HttpResponseChunked" in message) {
      const chunked = message.HttpResponseChunked;
      if ("Start" in chunked) {
        const { connection_id, request_id, internal_response: r } = chunked.Start;
        const request = request_id === 0 ? steals.requests.get(connection_id) : undefined;
        return request?.respond(r.status, r.version, r.headers, r.body, false);
      }
      if ("Body" in chunked) {
        const { connection_id, request_id, frames, is_last } = chunked.Body;
        const request = request_id === 0 ? steals.requests.get(connection_id) : undefined;
        return request?.respondBody(frames, is_last);
      }
      const { connection_id, request_id } = chunked.Error;
      if (request_id === 0) {
        steals.requests.get(connection_id)?.fail("the client failed to answer the request");
      }
      return;
    }
    if ("HttpResponseFramed" in message) {
      const { connection_id, request_id, internal_response: r } = message.HttpResponseFramed;
      const request = request_id === 0 ? steals.requests.get(connection_id) : undefined;
      return request?.respond(r.status, r.version, r.headers, r.body, true);
    }
    if ("HttpResponse" in message) {
      const { connection_id, request_id, internal_response: r } = message.HttpResponse;
      const request = request_id === 0 ? steals.requests.get(connection_id) : undefined;
      const frames = r.body.length > 0 ? [{ Data: r.body }] : [];
      return request?.respond(r.status, r.version, r.headers, frames, true);
    }
  }

  /**
   * Closes a client's stolen raw connections on a port (it unsubscribed from the port).
   *
   * @param client the client
   * @param port the target port
   */
  closePort(client: ClientHandle, port: number): void {
    const steals = this.clients.get(client);
    if (!steals) return;
    for (const entry of [...steals.connections.values()]) {
      if (entry.port === port) entry.connection.close(false);
    }
  }

  /**
   * Drops everything of a client that left: its connections close, peers waiting for its
   * responses are disconnected.
   *
   * @param client the client
   */
  release(client: ClientHandle): void {
    const steals = this.clients.get(client);
    if (!steals) return;
    this.clients.delete(client);
    for (const { connection } of steals.connections.values()) connection.close(false);
    for (const request of steals.requests.values()) request.fail("the client disconnected");
  }
}
