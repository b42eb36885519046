//! Incoming traffic: mirror and steal subscriptions, connections and data
//! (protocol.md §3.4–§3.6).

use super::filters::{Filter, HttpFilter};
use super::http::*;
use super::{ConnectionId, Port, RemoteResult};
use crate::leaves::payload::Payload;
use std::net::IpAddr;
use wire_derive::Wire;

/// Mirror subscriptions (inside `ClientMessage::Tcp`).
#[derive(Debug, Clone, PartialEq, Wire)]
pub enum LayerTcp {
    PortSubscribe(Port),
    ConnectionUnsubscribe(ConnectionId),
    PortUnsubscribe(Port),
    /// Gate MIRROR_HTTP_FILTER_VERSION.
    PortSubscribeFilteredHttp(Port, HttpFilter),
}

/// Steal subscriptions and replies (inside `ClientMessage::TcpSteal`).
#[derive(Debug, Clone, PartialEq, Wire)]
pub enum LayerTcpSteal {
    PortSubscribe(StealType),
    ConnectionUnsubscribe(ConnectionId),
    PortUnsubscribe(Port),
    Data(TcpData),
    /// Legacy: whole body in one buffer.
    HttpResponse(HttpResponse<Payload>),
    /// Gate HTTP_FRAMED_VERSION.
    HttpResponseFramed(HttpResponse<InternalHttpBody>),
    /// Gate HTTP_CHUNKED_RESPONSE_VERSION.
    HttpResponseChunked(ChunkedResponse),
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum StealType {
    All(Port),
    /// Deprecated header-regex form.
    FilteredHttp(Port, Filter),
    FilteredHttpEx(Port, HttpFilter),
}

/// Mirror subscription kind (local link only).
#[derive(Debug, Clone, PartialEq, Wire)]
pub enum MirrorType {
    All(Port),
    FilteredHttp(Port, HttpFilter),
}

/// Incoming traffic from the agent (inside `DaemonMessage::Tcp` and `TcpSteal`).
#[derive(Debug, Clone, PartialEq, Wire)]
pub enum DaemonTcp {
    NewConnectionV1(NewTcpConnectionV1),
    /// Empty bytes = the remote peer stopped sending.
    Data(TcpData),
    Close(TcpClose),
    SubscribeResult(RemoteResult<Port>),
    /// Legacy: body fully buffered, trailers dropped.
    HttpRequest(HttpRequest<Payload>),
    /// Gate HTTP_FRAMED_VERSION.
    HttpRequestFramed(HttpRequest<InternalHttpBody>),
    /// Gate HTTP_CHUNKED_REQUEST_VERSION.
    HttpRequestChunked(ChunkedRequest),
    /// Gate MODE_AGNOSTIC_HTTP_REQUESTS.
    NewConnectionV2(NewTcpConnectionV2),
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct NewTcpConnectionV1 {
    pub connection_id: ConnectionId,
    pub remote_address: IpAddr,
    pub destination_port: Port,
    pub source_port: Port,
    pub local_address: IpAddr,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct NewTcpConnectionV2 {
    pub connection: NewTcpConnectionV1,
    pub transport: IncomingTrafficTransportType,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum IncomingTrafficTransportType {
    Tcp,
    Tls { alpn_protocol: Option<Payload>, server_name: Option<String> },
}

/// Empty `bytes` means end-of-stream (trap 13).
#[derive(Debug, Clone, PartialEq, Wire)]
pub struct TcpData {
    pub connection_id: ConnectionId,
    pub bytes: Payload,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct TcpClose {
    pub connection_id: ConnectionId,
}
