//! The two messages of the agent link (protocol.md §3.1, §3.2).

use super::{dns::*, env::*, files::*, logs::*, outgoing::*, pause::*, share_link::*, tcp::*, vpn::*};
use super::RemoteResult;
use wire_derive::Wire;

/// Client (cli / intproxy) → agent.
#[derive(Debug, Clone, PartialEq, Wire)]
pub enum ClientMessage {
    /// The client is leaving; the agent ends this client's session.
    Close,
    /// Mirror subscriptions.
    Tcp(LayerTcp),
    /// Steal subscriptions and HTTP responses.
    TcpSteal(LayerTcpSteal),
    TcpOutgoing(LayerTcpOutgoing),
    UdpOutgoing(LayerUdpOutgoing),
    FileRequest(FileRequest),
    GetEnvVarsRequest(GetEnvVarsRequest),
    /// The agent must answer `Pong`.
    Ping,
    /// Legacy DNS, superseded by `GetAddrInfoRequestV2`.
    GetAddrInfoRequest(GetAddrInfoRequest),
    /// Deprecated: a current agent answers with `Close`.
    PauseTargetRequest(bool),
    /// Version negotiation: the client's protocol version.
    SwitchProtocolVersion(semver::Version),
    /// From now on the agent may send `LogMessage` (gate CLIENT_READY_FOR_LOGS).
    ReadyForLogs,
    Vpn(ClientVpn),
    /// Gate ADDRINFO_V2_VERSION.
    GetAddrInfoRequestV2(GetAddrInfoRequestV2),
    /// Operator: answer to `OperatorPing`, echoing its id.
    OperatorPong(u128),
    /// Operator-originated; gate REVERSE_DNS_VERSION.
    ReverseDnsLookup(ReverseDnsLookupRequest),
    /// Gate OUTGOING_SEQPACKET.
    SeqpacketOutgoing(LayerSeqpacket),
    /// Operator-originated; gate SHARE_LINK_VERSION.
    ShareLink(ShareLinkRequest),
}

/// Agent → client.
#[derive(Debug, Clone, PartialEq, Wire)]
pub enum DaemonMessage {
    /// Fatal for the client session; the reason.
    Close(String),
    /// Mirror traffic.
    Tcp(DaemonTcp),
    /// Steal traffic.
    TcpSteal(DaemonTcp),
    TcpOutgoing(DaemonTcpOutgoing),
    UdpOutgoing(DaemonUdpOutgoing),
    /// Only after `ReadyForLogs`.
    LogMessage(LogMessage),
    File(FileResponse),
    /// Only in reply to `Ping`.
    Pong,
    GetEnvVarsResponse(RemoteResult<RemoteEnvVars>),
    GetAddrInfoResponse(GetAddrInfoResponse),
    /// Deprecated, never sent by current agents.
    PauseTarget(DaemonPauseTarget),
    SwitchProtocolVersionResponse(semver::Version),
    Vpn(ServerVpn),
    /// Operator-originated; gate MIRRORD_OPERATOR_LATENCY_PING_PONG.
    OperatorPing(u128),
    ReverseDnsLookup(RemoteResult<ReverseDnsLookupResponse>),
    /// Gate OUTGOING_SEQPACKET.
    SeqpacketOutgoing(DaemonSeqpacket),
}
