//! Errors carried in `RemoteResult` (protocol.md §3.15).

use super::filters::{Filter, HttpFilter};
use super::outgoing::SocketAddress;
use super::tcp::StealType;
use super::Port;
use wire_derive::Wire;

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum ResponseError {
    /// Operation name.
    IdsExhausted(String),
    NotFound(u64),
    NotDirectory(u64),
    NotFile(u64),
    RemoteIO(RemoteIOError),
    DnsLookup(DnsLookupError),
    Remote(RemoteError),
    PortAlreadyStolen(Port),
    NotImplemented,
    Forbidden { blocked_action: BlockedAction, policy_name: Option<String> },
    StripPrefix(String),
    /// Gate OPEN_LOCAL_VERSION: open this file locally instead.
    OpenLocal,
    /// Gate MIRROR_POLICY_REASON_VERSION.
    ForbiddenWithReason { blocked_action: BlockedAction, policy_name: Option<String>, reason: String },
    /// Gate SYSTEM_FAILURE_VERSION; code 1 = the agent handling the request was lost.
    SystemFailure { can_retry: bool, code: u32, message: String },
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct RemoteIOError {
    /// errno
    pub raw_os_error: Option<i32>,
    pub kind: ErrorKindInternal,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct DnsLookupError {
    pub kind: ResolveErrorKindInternal,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum BlockedAction {
    Steal(StealType),
    /// Gate MIRROR_BLOCK_VERSION.
    Mirror(Port),
    OutgoingTcp(SocketAddress),
    OutgoingUdp(SocketAddress),
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum RemoteError {
    NameserverNotFound,
    AddressParsing(String),
    InvalidAddress(SocketAddress),
    ConnectTimedOut(SocketAddress),
    BadHttpFilterRegex(Filter, String),
    BadHttpFilterExRegex(HttpFilter, String),
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum ResolveErrorKindInternal {
    Message(String),
    NoConnections,
    NoRecordsFound(u16),
    Proto,
    Timeout,
    Unknown,
    NotFound,
    PermissionDenied,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum ErrorKindInternal {
    NotFound,
    PermissionDenied,
    ConnectionRefused,
    ConnectionReset,
    HostUnreachable,
    NetworkUnreachable,
    ConnectionAborted,
    NotConnected,
    AddrInUse,
    AddrNotAvailable,
    NetworkDown,
    BrokenPipe,
    AlreadyExists,
    WouldBlock,
    NotADirectory,
    IsADirectory,
    DirectoryNotEmpty,
    ReadOnlyFilesystem,
    FilesystemLoop,
    StaleNetworkFileHandle,
    InvalidInput,
    InvalidData,
    TimedOut,
    WriteZero,
    StorageFull,
    NotSeekable,
    FilesystemQuotaExceeded,
    FileTooLarge,
    ResourceBusy,
    ExecutableFileBusy,
    Deadlock,
    CrossesDevices,
    TooManyLinks,
    InvalidFilename,
    ArgumentListTooLong,
    Interrupted,
    Unsupported,
    UnexpectedEof,
    OutOfMemory,
    Other,
    /// Free-text catch-all.
    Unknown(String),
}
