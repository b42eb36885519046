//! Deprecated pause feature (protocol.md §3.14): kept so indices do not shift.

use wire_derive::Wire;

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum DaemonPauseTarget {
    PauseResponse { changed: bool, container_paused: bool },
}
