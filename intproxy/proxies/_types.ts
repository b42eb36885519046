/**
 * The protocol and config types the sub-proxies use, from their one home each (protocol-wasm and
 * schema), gathered so proxies import them from one place.
 *
 * @module
 */
export type {
  ChunkedRequest,
  ClientMessage,
  ConnMetadataRequest,
  ConnMetadataResponse,
  DaemonConnect,
  DaemonMessage,
  DaemonRead,
  DaemonTcp,
  DirEntryInternal,
  FileRequest,
  FileResponse,
  GateName,
  GetAddrInfoRequestV2,
  GetAddrInfoResponse,
  GetEnvVarsRequest,
  HttpFilter,
  HttpHeaders,
  HttpRequest,
  HttpVersion,
  IncomingRequest,
  InternalHttpBodyFrame,
  LayerId,
  LayerTcp,
  LayerTcpSteal,
  ListeningOn,
  NewTcpConnectionV1,
  OutgoingConnectRequest,
  OutgoingRequest,
  PortSubscription,
  ProxyToLayerMessage,
  ReadFileRequest,
  ResponseError,
  SeekFileRequest,
  SocketAddress,
  StealType,
} from "../../protocol-wasm/mod.ts";
export type { ResolvedConfig } from "../../schema/mod.ts";
