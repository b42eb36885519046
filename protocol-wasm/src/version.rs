//! Version negotiation (protocol.md §4): the 31 named gates of mirrord-protocol, settling on
//! the lower of two versions, and the rule that a pre-release version satisfies no gate.

use semver::{Version, VersionReq};

/// The protocol version this module speaks.
pub const PROTOCOL_VERSION: &str = "1.29.0";

/// What an agent assumes of a client that never sent `SwitchProtocolVersion`.
pub const ASSUMED_PEER_VERSION: &str = "1.2.2";

/// `(constant name, minimum version)`, sorted by version, as in the protocol crate.
pub const GATES: [(&str, &str); 31] = [
    ("HTTP_FRAMED_VERSION", "1.3.0"),
    ("CLIENT_READY_FOR_LOGS", "1.3.1"),
    ("HTTP_FILTERED_UPGRADE_VERSION", "1.5.0"),
    ("READLINK_VERSION", "1.6.0"),
    ("HTTP_CHUNKED_REQUEST_VERSION", "1.7.0"),
    ("HTTP_CHUNKED_RESPONSE_VERSION", "1.8.1"),
    ("READDIR_BATCH_VERSION", "1.9.0"),
    ("HTTP_COMPOSITE_FILTER_VERSION", "1.11.0"),
    ("MIRROR_BLOCK_VERSION", "1.12.0"),
    ("MKDIR_VERSION", "1.13.0"),
    ("OPEN_LOCAL_VERSION", "1.13.3"),
    ("INFO_LOG_VERSION", "1.13.4"),
    ("RMDIR_VERSION", "1.14.0"),
    ("ADDRINFO_V2_VERSION", "1.15.0"),
    ("STATFS_VERSION", "1.16.0"),
    ("MIRROR_POLICY_REASON_VERSION", "1.17.0"),
    ("STATFS_V2_VERSION", "1.18.0"),
    ("HTTP_CHUNKED_REQUEST_V2_VERSION", "1.19.0"),
    ("MODE_AGNOSTIC_HTTP_REQUESTS", "1.19.4"),
    ("MIRRORD_OPERATOR_LATENCY_PING_PONG", "1.19.8"),
    ("HTTP_METHOD_FILTER_VERSION", "1.20.0"),
    ("RENAME_VERSION", "1.21.0"),
    ("MIRROR_HTTP_FILTER_VERSION", "1.21.1"),
    ("OUTGOING_CONNECT_V2", "1.22.0"),
    ("HTTP_BODY_JSON_FILTER_VERSION", "1.23.0"),
    ("COPYFILE_VERSION", "1.24.0"),
    ("REVERSE_DNS_VERSION", "1.25.0"),
    ("HTTP_HEADER_JQ_FILTER_VERSION", "1.26.0"),
    ("OUTGOING_SEQPACKET", "1.27.0"),
    ("SYSTEM_FAILURE_VERSION", "1.28.0"),
    ("SHARE_LINK_VERSION", "1.29.0"),
];

fn parse(version: &str) -> Result<Version, String> {
    Version::parse(version).map_err(|e| format!("Cannot parse protocol version {version:?}: {e}"))
}

/// Whether `version` satisfies the gate `>=X.Y.Z` (semver requirement rules: a pre-release
/// version satisfies none).
pub fn supports(gate: &str, version: &str) -> Result<bool, String> {
    let (_, min) = GATES.iter().find(|(name, _)| *name == gate).ok_or_else(|| {
        format!("Cannot check gate {gate:?}: unknown — use one of the constants of protocol.md §4.2")
    })?;
    let req = VersionReq::parse(&format!(">={min}")).expect("gate requirements are valid");
    Ok(req.matches(&parse(version)?))
}

/// The version both sides use: the lower of the two by semver precedence.
pub fn settle(ours: &str, theirs: &str) -> Result<String, String> {
    let (a, b) = (parse(ours)?, parse(theirs)?);
    Ok(if b.cmp_precedence(&a).is_lt() { b } else { a }.to_string())
}
