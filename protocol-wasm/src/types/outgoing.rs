//! Outgoing traffic: TCP, UDP and unix-seqpacket connections made by the agent on the user
//! app's behalf (protocol.md §3.8).

use super::{ConnectionId, RemoteResult};
use crate::leaves::payload::Payload;
use crate::leaves::uid::Uid;
use std::net::SocketAddr;
use wire_derive::Wire;

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum SocketAddress {
    Ip(SocketAddr),
    Unix(UnixAddr),
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum UnixAddr {
    Pathname(String),
    /// Abstract name without the leading NUL.
    Abstract(Payload),
    Unnamed,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct LayerConnect {
    pub remote_address: SocketAddress,
}

/// Empty bytes shut down the write half at the agent (trap 13).
#[derive(Debug, Clone, PartialEq, Wire)]
pub struct LayerWrite {
    pub connection_id: ConnectionId,
    pub bytes: Payload,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct LayerClose {
    pub connection_id: ConnectionId,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct DaemonConnect {
    pub connection_id: ConnectionId,
    pub remote_address: SocketAddress,
    pub local_address: SocketAddress,
}

/// Empty bytes = the remote closed its write half.
#[derive(Debug, Clone, PartialEq, Wire)]
pub struct DaemonRead {
    pub connection_id: ConnectionId,
    pub bytes: Payload,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct LayerConnectV2 {
    pub uid: Uid,
    pub remote_address: SocketAddress,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct DaemonConnectV2 {
    pub uid: Uid,
    pub connect: RemoteResult<DaemonConnect>,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum LayerTcpOutgoing {
    /// Legacy: replies matched by order.
    Connect(LayerConnect),
    Write(LayerWrite),
    Close(LayerClose),
    /// Gate OUTGOING_CONNECT_V2; replies matched by uid.
    ConnectV2(LayerConnectV2),
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum LayerUdpOutgoing {
    Connect(LayerConnect),
    Write(LayerWrite),
    Close(LayerClose),
    ConnectV2(LayerConnectV2),
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum DaemonTcpOutgoing {
    Connect(RemoteResult<DaemonConnect>),
    Read(RemoteResult<DaemonRead>),
    Close(ConnectionId),
    ConnectV2(DaemonConnectV2),
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum DaemonUdpOutgoing {
    Connect(RemoteResult<DaemonConnect>),
    Read(RemoteResult<DaemonRead>),
    Close(ConnectionId),
    ConnectV2(DaemonConnectV2),
}

/// Unix seqpacket; each `Write` is one packet (gate OUTGOING_SEQPACKET).
#[derive(Debug, Clone, PartialEq, Wire)]
pub enum LayerSeqpacket {
    Write(LayerWrite),
    Close(LayerClose),
    ConnectV2(LayerConnectV2),
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum DaemonSeqpacket {
    Read(RemoteResult<DaemonRead>),
    Close(ConnectionId),
    ConnectV2(DaemonConnectV2),
}
