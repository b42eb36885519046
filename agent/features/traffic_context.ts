/**
 * What the handlers of redirected connections share: the subscription table, the registries of
 * stolen and mirrored flows, the settings, and where a connection came from and went to.
 *
 * @module
 */
import type { NewTcpConnectionV1 } from "../../protocol-wasm/mod.ts";
import type { Logger } from "../log.ts";
import type { RequestOrigin } from "./incoming_messages.ts";
import type { IncomingSettings } from "./incoming_settings.ts";
import type { MirrorFlows } from "./mirror.ts";
import type { PortSubscriptions } from "./port_subscriptions.ts";
import type { StealRegistry } from "./steal.ts";

/** Agent-wide incoming-traffic state. */
export interface TrafficContext {
  subscriptions: PortSubscriptions;
  steals: StealRegistry;
  mirrors: MirrorFlows;
  settings: IncomingSettings;
  log: Logger;
  /** for the 502 body of a failed passthrough */
  agentVersion: string;
  /** a connection id no client has seen yet */
  nextConnectionId(): bigint;
  /** counts for metrics */
  stats: TrafficStats;
}

/** What the agent counts about redirected connections (metrics). */
export interface TrafficStats {
  /** connections by detected protocol since the agent started */
  detected: { http1: number; h2: number; raw: number };
  /** of the raw ones, those whose peer sent nothing conclusive within the detection timeout */
  detectionTimeouts: number;
}

/** An IP and port. */
export interface Endpoint {
  ip: string;
  port: number;
}

/** One redirected connection's addresses. */
export interface ConnectionMeta {
  /** the target port the peer connected to */
  port: number;
  /** the peer */
  peer: Endpoint;
  /** the original destination (the pod's address and `port`) */
  destination: Endpoint;
}

/**
 * @param ip an address as Deno reports it
 * @returns IPv4-mapped IPv6 addresses as plain IPv4, others unchanged
 */
export function plainIp(ip: string): string {
  return ip.startsWith("::ffff:") && ip.includes(".") ? ip.slice(7) : ip;
}

/**
 * @param endpoint an address
 * @returns `ip:port`, IPv6 in brackets
 */
export function socketAddress(endpoint: Endpoint): string {
  return endpoint.ip.includes(":")
    ? `[${endpoint.ip}]:${endpoint.port}`
    : `${endpoint.ip}:${endpoint.port}`;
}

/**
 * @param meta a connection's addresses
 * @returns the origin of its HTTP requests
 */
export function originOf(meta: ConnectionMeta): RequestOrigin {
  return {
    port: meta.port,
    source: socketAddress(meta.peer),
    destination: socketAddress(meta.destination),
  };
}

/**
 * @param meta a connection's addresses
 * @param id the connection id for one client
 * @returns the `NewTcpConnectionV1` describing it
 */
export function connectionInfo(meta: ConnectionMeta, id: bigint): NewTcpConnectionV1 {
  return {
    connection_id: id,
    remote_address: meta.peer.ip,
    destination_port: meta.port,
    source_port: meta.peer.port,
    local_address: meta.destination.ip,
  };
}
