/**
 * The shapes of incoming-traffic messages by client version (protocol.md §3.6, §4.2;
 * how-it-works §3.9.5): `NewConnectionV2` for clients ≥1.19.4 (`MODE_AGNOSTIC_HTTP_REQUESTS`)
 * else `NewConnectionV1`; stolen HTTP requests as `HttpRequestChunked(StartV2)` (≥1.19.0),
 * `StartV1` (≥1.7.0), `HttpRequestFramed` (≥1.3.0, whole body) or the legacy `HttpRequest`.
 *
 * @module
 */
import type {
  DaemonTcp,
  HttpHeaders,
  HttpVersion,
  InternalHttpBodyFrame,
  NewTcpConnectionV1,
} from "../../protocol-wasm/mod.ts";
import { clientSupports } from "../wire.ts";
import { joinBytes } from "../../cli/join_bytes.ts";

/** How a client receives HTTP requests. */
export type RequestFormat = "chunked-v2" | "chunked-v1" | "framed" | "legacy";

/**
 * @param version the client's announced version
 * @returns the newest request format it understands
 */
export function requestFormat(version: string): RequestFormat {
  if (clientSupports(version, "HTTP_CHUNKED_REQUEST_V2_VERSION")) return "chunked-v2";
  if (clientSupports(version, "HTTP_CHUNKED_REQUEST_VERSION")) return "chunked-v1";
  if (clientSupports(version, "HTTP_FRAMED_VERSION")) return "framed";
  return "legacy";
}

/**
 * @param version the client's announced version
 * @returns whether it takes HTTP requests on unfiltered subscriptions and mirrored HTTP
 */
export function takesModeAgnosticHttp(version: string): boolean {
  return clientSupports(version, "MODE_AGNOSTIC_HTTP_REQUESTS");
}

/**
 * @param version the client's announced version
 * @returns whether it can carry an upgraded (101) connection of a filtered request
 */
export function takesFilteredUpgrade(version: string): boolean {
  return clientSupports(version, "HTTP_FILTERED_UPGRADE_VERSION");
}

/**
 * @param version the client's announced version
 * @param connection the connection's addresses
 * @returns the `DaemonTcp` announcing it
 */
export function newConnection(version: string, connection: NewTcpConnectionV1): DaemonTcp {
  return takesModeAgnosticHttp(version)
    ? { NewConnectionV2: { connection, transport: "Tcp" } }
    : { NewConnectionV1: connection };
}

/** The head of an incoming HTTP request as the protocol carries it. */
export interface RequestHead {
  method: string;
  uri: string;
  /** lower-case names */
  headers: HttpHeaders;
  version: HttpVersion;
}

/** Where a request came from and went to. */
export interface RequestOrigin {
  /** the target's port */
  port: number;
  /** `ip:port` of the peer */
  source: string;
  /** `ip:port` the peer connected to */
  destination: string;
}

/**
 * The first message of a request for a chunked-capable client.
 *
 * @param format chunked-v2 or chunked-v1
 * @param connectionId the request's fresh connection id
 * @param head the request head
 * @param frames body frames already available
 * @param isLast whether they are the whole body
 * @param origin addresses
 * @returns the `DaemonTcp`
 */
export function requestStart(
  format: "chunked-v2" | "chunked-v1",
  connectionId: bigint,
  head: RequestHead,
  frames: InternalHttpBodyFrame[],
  isLast: boolean,
  origin: RequestOrigin,
): DaemonTcp {
  if (format === "chunked-v2") {
    return {
      HttpRequestChunked: {
        StartV2: {
          connection_id: connectionId,
          request_id: 0,
          request: { ...head, body: { frames, is_last: isLast } },
          metadata: { V1: { source: origin.source, destination: origin.destination } },
          transport: "Tcp",
        },
      },
    };
  }
  return {
    HttpRequestChunked: {
      StartV1: {
        internal_request: { ...head, body: frames },
        connection_id: connectionId,
        request_id: 0,
        port: origin.port,
      },
    },
  };
}

/**
 * @param connectionId the request's connection id
 * @param frames more body frames
 * @param isLast whether the body ends here
 * @returns the `DaemonTcp`
 */
export function requestBody(
  connectionId: bigint,
  frames: InternalHttpBodyFrame[],
  isLast: boolean,
): DaemonTcp {
  return {
    HttpRequestChunked: {
      Body: { frames, is_last: isLast, connection_id: connectionId, request_id: 0 },
    },
  };
}

/**
 * @param format the client's format
 * @param connectionId the request's connection id
 * @param message why the request broke off
 * @returns the `DaemonTcp` aborting a chunked request
 */
export function requestError(
  format: "chunked-v2" | "chunked-v1",
  connectionId: bigint,
  message: string,
): DaemonTcp {
  return format === "chunked-v2"
    ? {
      HttpRequestChunked: {
        ErrorV2: { connection_id: connectionId, request_id: 0, error_message: message },
      },
    }
    : { HttpRequestChunked: { ErrorV1: { connection_id: connectionId, request_id: 0 } } };
}

/**
 * A whole request for clients without chunked support.
 *
 * @param format framed or legacy
 * @param connectionId the request's connection id
 * @param head the request head
 * @param frames the whole body
 * @param port the target's port
 * @returns the `DaemonTcp`
 */
export function wholeRequest(
  format: "framed" | "legacy",
  connectionId: bigint,
  head: RequestHead,
  frames: InternalHttpBodyFrame[],
  port: number,
): DaemonTcp {
  const common = { connection_id: connectionId, request_id: 0, port };
  if (format === "framed") {
    return { HttpRequestFramed: { internal_request: { ...head, body: frames }, ...common } };
  }
  const body = joinBytes(frames.flatMap((frame) => "Data" in frame ? [frame.Data] : []));
  return { HttpRequest: { internal_request: { ...head, body }, ...common } };
}
