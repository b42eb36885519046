//! mirrord's wire protocol as one WASM module: the agent link (`ClientMessage` /
//! `DaemonMessage`, protocol 1.29.0) and the layer ⇄ intproxy link (`LocalMessage`, mirrord
//! 3.250.0). Loaded only through `protocol-wasm/mod.ts`.

pub mod codec;
pub mod describe;
pub mod leaves;
pub mod message_kind;
mod stream;
pub mod types;
pub mod value;
mod value_js;
pub mod value_json;
pub mod version;

use message_kind::{with_kind, MessageKind};
use value::{FromValue, ToValue};
use wasm_bindgen::prelude::*;

pub use stream::StreamDecoder;

/// This module's own version (the crate version); the output folder is named after it.
#[wasm_bindgen]
pub fn module_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The agent-link protocol version this module speaks.
#[wasm_bindgen]
pub fn protocol_version() -> String {
    version::PROTOCOL_VERSION.to_string()
}

fn type_error(message: String) -> JsValue {
    js_sys::TypeError::new(&message).into()
}

/// Encodes a facade value of `kind`; with `framed`, prepends the local link's 4-byte
/// big-endian length.
#[wasm_bindgen]
pub fn encode(kind: u8, value: JsValue, framed: bool) -> Result<Vec<u8>, JsValue> {
    let kind = MessageKind::from_index(kind).map_err(type_error)?;
    let mut out = Vec::with_capacity(64);
    if framed {
        out.extend_from_slice(&[0; 4]);
    }
    with_kind!(kind, M => {
        let message = M::from_value(&value_js::JsIn, value)
            .map_err(|e| type_error(format!("Cannot encode {}: {}", kind.type_name(), e.describe())))?;
        codec::Encode::encode(&message, &mut out);
    });
    if framed {
        let len = u32::try_from(out.len() - 4).map_err(|_| {
            type_error(format!("Cannot encode {}: the message is over 4 GiB, more than a frame holds", kind.type_name()))
        })?;
        out[..4].copy_from_slice(&len.to_be_bytes());
    }
    Ok(out)
}

/// JSON text (the codec tool's contract) → bytes of one message (no frame prefix).
#[wasm_bindgen]
pub fn encode_json(kind: u8, json: &str) -> Result<Vec<u8>, JsValue> {
    let kind = MessageKind::from_index(kind).map_err(type_error)?;
    encode_json_native(kind, json).map_err(type_error)
}

pub fn encode_json_native(kind: MessageKind, json: &str) -> Result<Vec<u8>, String> {
    let value: serde_json::Value = serde_json::from_str(json)
        .map_err(|e| format!("Cannot encode {}: the JSON does not parse: {e}", kind.type_name()))?;
    let mut out = Vec::new();
    with_kind!(kind, M => {
        let message = M::from_value(&value_json::JsonIn, value)
            .map_err(|e| format!("Cannot encode {}: {}", kind.type_name(), e.describe()))?;
        codec::Encode::encode(&message, &mut out);
    });
    Ok(out)
}

/// Bytes of exactly one message (no frame prefix) → JSON text.
#[wasm_bindgen]
pub fn decode_json(kind: u8, bytes: &[u8]) -> Result<String, JsValue> {
    let kind = MessageKind::from_index(kind).map_err(type_error)?;
    decode_json_native(kind, bytes).map_err(type_error)
}

pub fn decode_json_native(kind: MessageKind, bytes: &[u8]) -> Result<String, String> {
    let mut r = codec::Reader::new(bytes);
    let json = with_kind!(kind, M => {
        let message = <M as codec::Decode>::decode(&mut r).map_err(|e| match e {
            codec::DecodeError::NeedMore { needed } => format!(
                "Cannot decode {}: truncated — the message needs at least {needed} bytes, {} given",
                kind.type_name(), bytes.len()),
            codec::DecodeError::Invalid(inv) => format!("Cannot decode {}: {}", kind.type_name(), inv.describe()),
        })?;
        message.to_value(&mut value_json::JsonOut)
    });
    if r.remaining() != 0 {
        return Err(format!(
            "Cannot decode {}: {} bytes left over after the message at offset {}",
            kind.type_name(), r.remaining(), r.position()
        ));
    }
    Ok(json.to_string())
}

/// Every protocol type reachable from the four message kinds, as JSON (see `describe.rs`).
#[wasm_bindgen]
pub fn describe() -> String {
    describe_native().to_string()
}

pub fn describe_native() -> serde_json::Value {
    let mut reg = describe::Registry::default();
    for kind in MessageKind::ALL {
        with_kind!(kind, M => { <M as describe::Describe>::register(&mut reg); });
    }
    let gates: Vec<serde_json::Value> = version::GATES
        .iter()
        .map(|(name, min)| serde_json::json!({ "name": name, "version": min }))
        .collect();
    serde_json::json!({
        "module_version": env!("CARGO_PKG_VERSION"),
        "protocol_version": version::PROTOCOL_VERSION,
        "assumed_peer_version": version::ASSUMED_PEER_VERSION,
        "gates": gates,
        "kinds": MessageKind::ALL.iter().map(|k| serde_json::json!({
            "kind": k.cli_name(), "type": describe::ty_json(&with_kind!(*k, M => <M as describe::Describe>::ty())),
        })).collect::<Vec<_>>(),
        "types": reg.decls().iter().map(describe::decl_json).collect::<Vec<_>>(),
    })
}

/// Whether `version` satisfies the named gate of protocol.md §4.2.
#[wasm_bindgen]
pub fn supports(gate: &str, version: &str) -> Result<bool, JsValue> {
    version::supports(gate, version).map_err(type_error)
}

/// The settled version: the lower of the two.
#[wasm_bindgen]
pub fn settle_version(ours: &str, theirs: &str) -> Result<String, JsValue> {
    version::settle(ours, theirs).map_err(type_error)
}
