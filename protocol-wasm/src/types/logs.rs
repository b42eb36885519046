//! Agent log messages (protocol.md §3.12).

use wire_derive::Wire;

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum LogLevel {
    Warn,
    Error,
    /// Only to clients ≥ 1.13.4 (INFO_LOG_VERSION).
    Info,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct LogMessage {
    pub message: String,
    pub level: LogLevel,
}
