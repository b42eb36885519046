//! Streaming decoders (protocol.md §2): chunks go in, whole messages come out, partial tails
//! stay buffered. The agent link has no framing: a message is decoded from the buffer start and
//! a shortfall says how many bytes it needs at least, so nothing is re-parsed until they are
//! there. The local link frames each message with a 4-byte big-endian length.
//!
//! A declared length never allocates: only bytes that actually arrived are held.

use crate::codec::{Decode, DecodeError, Invalid, Reader};
use crate::message_kind::{with_kind, MessageKind};
use crate::value::ToValue;
use crate::value_js::JsOut;
use wasm_bindgen::prelude::*;

/// Framing of a stream.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Framing {
    /// agent link: messages back to back
    None,
    /// local link, intproxy side: a frame must hold exactly one message
    Strict,
    /// local link, layer side: bytes after the message inside a frame are ignored
    Lenient,
}

const FRAME_HEADER: usize = 4;
/// Past this much consumed prefix, the buffer is compacted.
const COMPACT_AT: usize = 64 * 1024;

#[wasm_bindgen]
pub struct StreamDecoder {
    kind: MessageKind,
    framing: Framing,
    buf: Vec<u8>,
    /// start of the first undecoded message in `buf`
    start: usize,
    /// bytes (from `start`) the next message needs at least
    needed: u64,
    max_message: u64,
    /// stream offset of `buf[0]`
    base: u64,
    /// once corrupt, always corrupt: the stream cannot be resynchronised
    failure: Option<JsValue>,
}

fn failure_value(kind: MessageKind, inv: &Invalid, stream_offset: u64) -> JsValue {
    let o = js_sys::Object::new();
    let set = |k: &str, v: JsValue| {
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), &v);
    };
    set("messageType", JsValue::from_str(kind.type_name()));
    set("typeName", JsValue::from_str(inv.type_name()));
    set("field", inv.field.map_or(JsValue::NULL, JsValue::from_str));
    set("offset", JsValue::from_f64(inv.offset as f64));
    set("streamOffset", JsValue::from_f64(stream_offset as f64));
    set("reason", JsValue::from_str(&inv.reason));
    set("detail", JsValue::from_str(&inv.describe()));
    o.into()
}

fn limit_failure(what: &'static str, offset: usize, reason: String) -> Invalid {
    Invalid { owner: None, field: None, what, offset, reason }
}

#[wasm_bindgen]
impl StreamDecoder {
    /// `kind`: 0 client, 1 daemon, 2 layer, 3 proxy. `framing`: 0 none, 1 strict, 2 lenient.
    #[wasm_bindgen(constructor)]
    pub fn new(kind: u8, framing: u8, max_message_bytes: f64) -> Result<StreamDecoder, JsValue> {
        let kind = MessageKind::from_index(kind).map_err(|e| JsValue::from_str(&e))?;
        let framing = match framing {
            0 => Framing::None,
            1 => Framing::Strict,
            _ => Framing::Lenient,
        };
        Ok(StreamDecoder {
            kind,
            framing,
            buf: Vec::new(),
            start: 0,
            needed: 1,
            max_message: max_message_bytes as u64,
            base: 0,
            failure: None,
        })
    }

    /// Appends received bytes.
    pub fn push(&mut self, chunk: &[u8]) {
        if self.failure.is_none() {
            self.buf.extend_from_slice(chunk);
        }
    }

    /// Bytes received and not yet returned as messages.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.start
    }

    /// The next whole message, `undefined` when more bytes are needed; throws a failure record
    /// (`messageType`, `typeName`, `field`, `offset`, `streamOffset`, `reason`, `detail`) on
    /// corrupt input, and again on every later call.
    pub fn next(&mut self) -> Result<JsValue, JsValue> {
        if let Some(f) = &self.failure {
            return Err(f.clone());
        }
        if (self.buffered() as u64) < self.needed {
            return Ok(JsValue::UNDEFINED);
        }
        let message_offset = self.base + self.start as u64;
        match self.decode_one() {
            Ok(Some(value)) => Ok(value),
            Ok(None) => Ok(JsValue::UNDEFINED),
            Err(inv) => {
                let f = failure_value(self.kind, &inv, message_offset);
                self.failure = Some(f.clone());
                self.buf = Vec::new();
                self.start = 0;
                Err(f)
            }
        }
    }
}

impl StreamDecoder {
    fn decode_one(&mut self) -> Result<Option<JsValue>, Invalid> {
        let avail = &self.buf[self.start..];
        let (body, frame_len) = match self.framing {
            Framing::None => (avail, None),
            Framing::Strict | Framing::Lenient => {
                if avail.len() < FRAME_HEADER {
                    self.needed = FRAME_HEADER as u64;
                    return Ok(None);
                }
                let len = u32::from_be_bytes(avail[..FRAME_HEADER].try_into().unwrap()) as u64;
                if len > self.max_message {
                    let reason = format!("frame length {len} is over the limit of {} bytes", self.max_message);
                    return Err(limit_failure("frame length", 0, reason));
                }
                let total = FRAME_HEADER as u64 + len;
                if (avail.len() as u64) < total {
                    self.needed = total;
                    return Ok(None);
                }
                (&avail[FRAME_HEADER..total as usize], Some(total as usize))
            }
        };
        let mut r = Reader::new(body);
        let kind = self.kind;
        let decoded = with_kind!(kind, M => {
            <M as Decode>::decode(&mut r).map(|m| m.to_value(&mut JsOut))
        });
        let header = if frame_len.is_some() { FRAME_HEADER } else { 0 };
        let value = match decoded {
            Ok(v) => v,
            Err(DecodeError::NeedMore { needed }) => {
                if frame_len.is_some() {
                    let reason = format!("the frame of {} bytes ends inside the message", body.len());
                    return Err(limit_failure(kind.type_name(), header + body.len(), reason));
                }
                if needed > self.max_message {
                    let reason = format!(
                        "the message declares at least {needed} bytes, over the limit of {} bytes",
                        self.max_message
                    );
                    return Err(limit_failure(kind.type_name(), 0, reason));
                }
                self.needed = needed;
                return Ok(None);
            }
            Err(DecodeError::Invalid(mut inv)) => {
                inv.offset += header;
                return Err(*inv);
            }
        };
        let consumed = match frame_len {
            Some(total) => {
                if self.framing == Framing::Strict && r.remaining() != 0 {
                    let reason = format!("{} bytes left over in the frame after the message", r.remaining());
                    return Err(limit_failure(kind.type_name(), header + r.position(), reason));
                }
                total
            }
            None => r.position(),
        };
        self.start += consumed;
        self.needed = 1;
        self.compact();
        Ok(Some(value))
    }

    fn compact(&mut self) {
        if self.start == self.buf.len() {
            self.base += self.start as u64;
            self.start = 0;
            self.buf.clear();
            // A one-off large message must not pin its memory for the stream's life.
            if self.buf.capacity() > 4 * COMPACT_AT {
                self.buf.shrink_to(COMPACT_AT);
            }
        } else if self.start > COMPACT_AT && self.start > self.buf.len() / 2 {
            self.base += self.start as u64;
            self.buf.drain(..self.start);
            self.start = 0;
        }
    }
}
