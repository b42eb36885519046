//! Leaf types with a fixed wire form and value form (bytes, addresses, versions, HTTP parts).

pub mod http_parts;
pub mod net_addr;
pub mod payload;
pub mod semver_version;
pub mod string_collections;
pub mod uid;
