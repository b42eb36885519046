//! Operator share-link keys (protocol.md §3.14).

use wire_derive::Wire;

#[derive(Debug, Clone, PartialEq, Wire)]
#[cfg_attr(test, derive(bincode::Encode, bincode::Decode))]
pub enum ShareLinkRequest {
    RegisterKey(String),
    RemoveKey(String),
}
