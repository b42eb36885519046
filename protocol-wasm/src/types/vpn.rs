//! `mirrord vpn` messages (protocol.md §3.13).

use crate::leaves::payload::Payload;
use std::net::IpAddr;
use wire_derive::Wire;

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum ClientVpn {
    GetNetworkConfiguration,
    OpenSocket,
    Packet(Payload),
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum ServerVpn {
    NetworkConfiguration(NetworkConfiguration),
    Packet(Payload),
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct NetworkConfiguration {
    pub ip: IpAddr,
    pub net_mask: IpAddr,
    pub gateway: IpAddr,
}
