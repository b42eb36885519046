//! Deprecated pause feature (protocol.md §3.14): kept so indices do not shift.

use wire_derive::Wire;

#[derive(Debug, Clone, PartialEq, Wire)]
#[cfg_attr(test, derive(bincode::Encode, bincode::Decode))]
pub enum DaemonPauseTarget {
    PauseResponse { changed: bool, container_paused: bool },
}
