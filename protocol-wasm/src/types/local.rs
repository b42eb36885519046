//! Layer ⇄ intproxy messages (protocol.md §5), framed by a 4-byte big-endian length.
//! Unversioned: layer and intproxy ship from the same build (mirrord 3.250.0 here).

use super::dns::{GetAddrInfoRequestV2, GetAddrInfoResponse};
use super::env::GetEnvVarsRequest;
use super::files::{FileRequest, FileResponse};
use super::outgoing::SocketAddress;
use super::tcp::{MirrorType, StealType};
use super::RemoteResult;
use crate::leaves::string_collections::StringMap;
use std::net::{IpAddr, SocketAddr};
use wire_derive::Wire;

/// Envelope of every local-link message; responses echo the request's id.
#[derive(Debug, Clone, PartialEq, Wire)]
pub struct LocalMessage<T> {
    pub message_id: u64,
    pub inner: T,
}

/// Layer session id assigned by the intproxy.
#[derive(Debug, Clone, PartialEq, Wire)]
pub struct LayerId(pub u64);

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum LayerToProxyMessage {
    NewSession(NewSessionRequest),
    /// The layer never sends `ReadDirBatch`.
    File(FileRequest),
    GetAddrInfo(GetAddrInfoRequestV2),
    Outgoing(OutgoingRequest),
    Incoming(IncomingRequest),
    GetEnv(GetEnvVarsRequest),
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum ProxyToLayerMessage {
    NewSession(LayerId),
    File(FileResponse),
    GetAddrInfo(GetAddrInfoResponse),
    Outgoing(OutgoingResponse),
    Incoming(IncomingResponse),
    GetEnv(RemoteResult<StringMap>),
    /// Answers pending and later requests once the intproxy failed.
    ProxyFailed { agent_reported: bool, message: String },
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct NewSessionRequest {
    /// Set after fork: the parent's layer id.
    pub parent_layer: Option<LayerId>,
    pub process_info: ProcessInfo,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct ProcessInfo {
    pub pid: i32,
    pub parent_pid: i32,
    pub name: String,
    pub cmdline: Vec<String>,
    /// False in the reduced "load-only" mode.
    pub loaded: bool,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum NetProtocol {
    /// TCP or unix stream.
    Stream,
    /// UDP.
    Datagrams,
    Seqpacket,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum OutgoingRequest {
    Connect(OutgoingConnectRequest),
    ConnMetadata(OutgoingConnMetadataRequest),
    /// No response.
    Close(OutgoingConnCloseRequest),
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct OutgoingConnectRequest {
    pub remote_address: SocketAddress,
    pub protocol: NetProtocol,
    pub metadata: OutgoingConnectRequestMetadata,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct OutgoingConnectRequestMetadata {
    /// The name the app resolved, if known.
    pub hostname: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct OutgoingConnMetadataRequest {
    pub conn_id: u128,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct OutgoingConnCloseRequest {
    pub conn_id: u128,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum OutgoingResponse {
    Connect(RemoteResult<OutgoingConnectResponse>),
    ConnMetadata(Option<OutgoingConnMetadataResponse>),
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct OutgoingConnectResponse {
    /// Random, chosen by the intproxy.
    pub connection_id: u128,
    /// Local socket the layer must really connect to.
    pub layer_address: SocketAddress,
    /// Absent for non-blocking connects.
    pub in_cluster_address: Option<SocketAddress>,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct OutgoingConnMetadataResponse {
    pub in_cluster_address: SocketAddr,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum IncomingRequest {
    PortSubscribe(PortSubscribe),
    /// No response.
    PortUnsubscribe(PortUnsubscribe),
    ConnMetadata(ConnMetadataRequest),
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct PortSubscribe {
    pub listening_on: ListeningOn,
    pub subscription: PortSubscription,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum ListeningOn {
    Socket(SocketAddr),
    /// Preview environments.
    Hostname { host: String, port: u16 },
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum PortSubscription {
    Steal(StealType),
    Mirror(MirrorType),
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct PortUnsubscribe {
    pub port: u16,
    pub listening_on: ListeningOn,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct ConnMetadataRequest {
    pub listener_address: SocketAddr,
    pub peer_address: SocketAddr,
}

/// Used to fake `getpeername` / `getsockname`.
#[derive(Debug, Clone, PartialEq, Wire)]
pub struct ConnMetadataResponse {
    pub remote_source: SocketAddr,
    pub local_address: IpAddr,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum IncomingResponse {
    PortSubscribe(RemoteResult<()>),
    ConnMetadata(ConnMetadataResponse),
}
