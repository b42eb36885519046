//! Environment (protocol.md §3.11).

use crate::leaves::string_collections::{StringMap, StringSet};
use wire_derive::Wire;

/// Glob patterns: `env_vars_filter` is a deny-list, `env_vars_select` an allow-list (empty = all).
#[derive(Debug, Clone, PartialEq, Wire)]
pub struct GetEnvVarsRequest {
    pub env_vars_filter: StringSet,
    pub env_vars_select: StringSet,
}

/// The target's environment (unordered on the wire).
#[derive(Debug, Clone, PartialEq, Wire)]
pub struct RemoteEnvVars(pub StringMap);
