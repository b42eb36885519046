/**
 * The protocol and config types the sub-proxies use, from their one home each (protocol-wasm and
 * schema), gathered so proxies import them from one place.
 *
 * @module
 */
export type {
  ClientMessage,
  DaemonConnect,
  DaemonMessage,
  DaemonRead,
  DirEntryInternal,
  FileRequest,
  FileResponse,
  GateName,
  GetAddrInfoRequestV2,
  GetAddrInfoResponse,
  GetEnvVarsRequest,
  IncomingRequest,
  LayerId,
  OutgoingConnectRequest,
  OutgoingRequest,
  ProxyToLayerMessage,
  ReadFileRequest,
  ResponseError,
  SeekFileRequest,
  SocketAddress,
} from "../../protocol-wasm/mod.ts";
export type { ResolvedConfig } from "../../schema/mod.ts";
