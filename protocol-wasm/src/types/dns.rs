//! DNS (protocol.md §3.10).

use super::RemoteResult;
use std::net::IpAddr;
use wire_derive::Wire;

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct GetAddrInfoRequest {
    pub node: String,
}

/// `flags` and `protocol` use Linux numbering.
#[derive(Debug, Clone, PartialEq, Wire)]
pub struct GetAddrInfoRequestV2 {
    pub node: String,
    pub service_port: u16,
    pub family: AddressFamily,
    pub socktype: SockType,
    pub flags: i32,
    pub protocol: i32,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum AddressFamily {
    Ipv4Only,
    Ipv6Only,
    Both,
    Any,
    /// Placeholder, never sent.
    UnknownAddressFamilyFromNewerClient,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum SockType {
    Stream,
    Dgram,
    Any,
    /// Placeholder, never sent.
    UnknownSockTypeFromNewerClient,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct LookupRecord {
    pub name: String,
    pub ip: IpAddr,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct DnsLookup(pub Vec<LookupRecord>);

/// Answers both DNS request forms, FIFO.
#[derive(Debug, Clone, PartialEq, Wire)]
pub struct GetAddrInfoResponse(pub RemoteResult<DnsLookup>);

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct ReverseDnsLookupRequest {
    pub ip_address: IpAddr,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct ReverseDnsLookupResponse {
    pub hostname: RemoteResult<String>,
}
