//! Operator share-link keys (protocol.md §3.14).

use wire_derive::Wire;

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum ShareLinkRequest {
    RegisterKey(String),
    RemoveKey(String),
}
