//! Every type of mirrord-protocol 1.29.0 and of the local link of mirrord 3.250.0, in
//! declaration order (the variant index is the position: new variants only at the end).

pub mod dns;
pub mod env;
pub mod errors;
pub mod files;
pub mod filters;
pub mod http;
pub mod local;
pub mod logs;
pub mod messages;
pub mod outgoing;
pub mod pause;
pub mod share_link;
pub mod tcp;
pub mod vpn;

/// TCP/UDP port, `uv16`.
pub type Port = u16;
/// Agent-allocated connection id, `uv64`.
pub type ConnectionId = u64;
/// HTTP request id within a connection, `uv16`.
pub type RequestId = u16;
/// Result of a request the agent carried out.
pub type RemoteResult<T> = Result<T, errors::ResponseError>;
