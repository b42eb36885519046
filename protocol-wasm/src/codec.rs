//! bincode 2 `standard()` wire rules (protocol.md §1): varints, zigzag, Option byte, Result and
//! enum `uv32` tags, length-prefixed strings, bytes and sequences.
//!
//! The decoder never allocates more than the input it has: a declared length is checked against
//! the buffered bytes first, and a shortfall is reported as [`DecodeError::NeedMore`] with the
//! total number of bytes the message needs at least, so a streaming caller can wait without
//! re-parsing (protocol.md §6 trap 22).

use std::fmt::Write as _;

/// Why a message could not be decoded.
#[derive(Debug, Clone, PartialEq)]
pub enum DecodeError {
    /// The input ends inside the message; at least `needed` bytes (from the message start) are
    /// required before another attempt can succeed.
    NeedMore { needed: u64 },
    /// The bytes are not a valid message.
    Invalid(Box<Invalid>),
}

/// A corrupt-input report: what was being decoded, where, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    /// innermost named protocol type (struct, enum or `Enum::Variant`) containing the fault
    pub owner: Option<&'static str>,
    /// field of `owner` (name, or position for tuple variants)
    pub field: Option<&'static str>,
    /// the wire type that failed (`bool`, `u16`, `String`, an enum name …)
    pub what: &'static str,
    /// byte offset of the fault from the start of the message
    pub offset: usize,
    pub reason: String,
}

impl DecodeError {
    /// Records the innermost protocol type and field around a fault (outer ones keep it).
    pub fn within(mut self, owner: &'static str, field: &'static str) -> Self {
        if let DecodeError::Invalid(inv) = &mut self {
            if inv.owner.is_none() {
                inv.owner = Some(owner);
                inv.field = Some(field);
            }
        }
        self
    }
}

impl Invalid {
    /// One-line description, e.g. `invalid bool byte 0x02 at offset 7 (OpenOptionsInternal.write)`.
    pub fn describe(&self) -> String {
        let mut s = format!("{} at offset {}", self.reason, self.offset);
        match (self.owner, self.field) {
            (Some(o), Some(f)) => {
                let _ = write!(s, " ({o}.{f})");
            }
            (Some(o), None) => {
                let _ = write!(s, " ({o})");
            }
            _ => {}
        }
        s
    }

    /// The name a user reads first: the innermost protocol type, else the wire type.
    pub fn type_name(&self) -> &'static str {
        self.owner.unwrap_or(self.what)
    }
}

/// Cursor over the buffered bytes of one message.
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    depth: u32,
}

/// Deepest nesting of sequences accepted (recursive `HttpFilter::Composite`): keeps hostile
/// input from exhausting the WASM stack, which has no guard page.
pub const MAX_NESTING: u32 = 64;

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0, depth: 0 }
    }

    pub fn position(&self) -> usize {
        self.pos
    }

    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub fn invalid_at(
        &self,
        offset: usize,
        what: &'static str,
        owner: Option<&'static str>,
        reason: String,
    ) -> DecodeError {
        DecodeError::Invalid(Box::new(Invalid { owner, field: None, what, offset, reason }))
    }

    pub fn byte(&mut self) -> Result<u8, DecodeError> {
        match self.buf.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                Ok(b)
            }
            None => Err(DecodeError::NeedMore { needed: self.pos as u64 + 1 }),
        }
    }

    /// Takes `n` bytes without copying; a shortfall is `NeedMore`, never an allocation.
    pub fn take(&mut self, n: u64) -> Result<&'a [u8], DecodeError> {
        let end = self.pos as u64 + n;
        if end > self.buf.len() as u64 {
            return Err(DecodeError::NeedMore { needed: end });
        }
        let slice = &self.buf[self.pos..end as usize];
        self.pos = end as usize;
        Ok(slice)
    }

    pub fn enter(&mut self) -> Result<(), DecodeError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            let reason = format!("sequences nested deeper than {MAX_NESTING} levels");
            return Err(self.invalid_at(self.pos, "Vec", None, reason));
        }
        Ok(())
    }

    pub fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Checks that `count` elements of at least one byte each can still be present.
    pub fn expect_elements(&self, count: u64) -> Result<(), DecodeError> {
        let end = self.pos as u64 + count;
        if end > self.buf.len() as u64 {
            return Err(DecodeError::NeedMore { needed: end });
        }
        Ok(())
    }
}

/// Encodes a value of the protocol in bincode 2 `standard()` form.
pub trait Encode {
    fn encode(&self, out: &mut Vec<u8>);
}

/// Decodes a value of the protocol from bincode 2 `standard()` form.
pub trait Decode: Sized {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError>;
}

// ---- varints (§1.2, §1.3) ----

const U16_MARKER: u8 = 251;
const U32_MARKER: u8 = 252;
const U64_MARKER: u8 = 253;
const U128_MARKER: u8 = 254;

/// Writes the shortest varint form of `v` (canonical output, trap 4).
pub fn write_varint(out: &mut Vec<u8>, v: u128) {
    if v < U16_MARKER as u128 {
        out.push(v as u8);
    } else if v <= u16::MAX as u128 {
        out.push(U16_MARKER);
        out.extend_from_slice(&(v as u16).to_le_bytes());
    } else if v <= u32::MAX as u128 {
        out.push(U32_MARKER);
        out.extend_from_slice(&(v as u32).to_le_bytes());
    } else if v <= u64::MAX as u128 {
        out.push(U64_MARKER);
        out.extend_from_slice(&(v as u64).to_le_bytes());
    } else {
        out.push(U128_MARKER);
        out.extend_from_slice(&v.to_le_bytes());
    }
}

pub fn write_u32(out: &mut Vec<u8>, v: u32) {
    write_varint(out, v as u128);
}

/// Reads a varint for a target of `max_marker` width; longer forms than needed are accepted,
/// wider markers and 255 are not.
fn read_varint(r: &mut Reader<'_>, max_marker: u8, what: &'static str) -> Result<u128, DecodeError> {
    let start = r.position();
    let first = r.byte()?;
    if first < U16_MARKER {
        return Ok(first as u128);
    }
    if first > max_marker {
        return Err(r.invalid_at(
            start,
            what,
            None,
            format!("invalid varint marker 0x{first:02X} for {what}"),
        ));
    }
    let len = match first {
        U16_MARKER => 2,
        U32_MARKER => 4,
        U64_MARKER => 8,
        _ => 16,
    };
    let bytes = r.take(len)?;
    let mut le = [0u8; 16];
    le[..bytes.len()].copy_from_slice(bytes);
    Ok(u128::from_le_bytes(le))
}

pub fn read_u16(r: &mut Reader<'_>) -> Result<u16, DecodeError> {
    Ok(read_varint(r, U16_MARKER, "u16")? as u16)
}

pub fn read_u32(r: &mut Reader<'_>) -> Result<u32, DecodeError> {
    Ok(read_varint(r, U32_MARKER, "u32")? as u32)
}

pub fn read_u64(r: &mut Reader<'_>) -> Result<u64, DecodeError> {
    Ok(read_varint(r, U64_MARKER, "u64")? as u64)
}

pub fn read_u128(r: &mut Reader<'_>) -> Result<u128, DecodeError> {
    read_varint(r, U128_MARKER, "u128")
}

fn zigzag(v: i128) -> u128 {
    if v < 0 {
        ((-(v + 1)) as u128) * 2 + 1
    } else {
        (v as u128) * 2
    }
}

fn unzigzag(n: u128) -> i128 {
    if n % 2 == 0 {
        (n / 2) as i128
    } else {
        -((n / 2) as i128) - 1
    }
}

/// Length prefix of strings, byte buffers and sequences (`usize` = `uv64`).
pub fn write_len(out: &mut Vec<u8>, len: usize) {
    write_varint(out, len as u128);
}

pub fn read_len(r: &mut Reader<'_>) -> Result<u64, DecodeError> {
    Ok(read_varint(r, U64_MARKER, "usize")? as u64)
}

/// Length-prefixed raw bytes: checked against the buffered input before anything is copied.
pub fn read_bytes<'a>(r: &mut Reader<'a>) -> Result<&'a [u8], DecodeError> {
    let len = read_len(r)?;
    r.take(len)
}

pub fn write_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    write_len(out, bytes.len());
    out.extend_from_slice(bytes);
}

pub fn read_str<'a>(r: &mut Reader<'a>, what: &'static str) -> Result<&'a str, DecodeError> {
    let start = r.position();
    let bytes = read_bytes(r)?;
    std::str::from_utf8(bytes).map_err(|e| {
        r.invalid_at(start, what, None, format!("invalid UTF-8 in {what} (byte {} of the text)", e.valid_up_to()))
    })
}

// ---- scalar impls ----

impl Encode for bool {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(*self as u8);
    }
}

impl Decode for bool {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let start = r.position();
        match r.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(r.invalid_at(start, "bool", None, format!("invalid bool byte 0x{b:02X}"))),
        }
    }
}

impl Encode for u8 {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(*self);
    }
}

impl Decode for u8 {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.byte()
    }
}

macro_rules! unsigned {
    ($t:ty, $read:ident) => {
        impl Encode for $t {
            fn encode(&self, out: &mut Vec<u8>) {
                write_varint(out, *self as u128);
            }
        }
        impl Decode for $t {
            fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
                $read(r)
            }
        }
    };
}
unsigned!(u16, read_u16);
unsigned!(u32, read_u32);
unsigned!(u64, read_u64);
unsigned!(u128, read_u128);

macro_rules! signed {
    ($t:ty, $u:ty, $read:ident) => {
        impl Encode for $t {
            fn encode(&self, out: &mut Vec<u8>) {
                write_varint(out, zigzag(*self as i128));
            }
        }
        impl Decode for $t {
            fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
                Ok(unzigzag($read(r)? as u128) as $t)
            }
        }
    };
}
signed!(i32, u32, read_u32);
signed!(i64, u64, read_u64);

impl Encode for () {
    fn encode(&self, _out: &mut Vec<u8>) {}
}

impl Decode for () {
    fn decode(_r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(())
    }
}

impl Encode for String {
    fn encode(&self, out: &mut Vec<u8>) {
        write_bytes(out, self.as_bytes());
    }
}

impl Decode for String {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(read_str(r, "String")?.to_owned())
    }
}

// ---- containers ----

impl<T: Encode> Encode for Option<T> {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(v) => {
                out.push(1);
                v.encode(out);
            }
        }
    }
}

impl<T: Decode> Decode for Option<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let start = r.position();
        // The Option tag is a raw byte, not a varint (trap 2).
        match r.byte()? {
            0 => Ok(None),
            1 => Ok(Some(T::decode(r)?)),
            b => Err(r.invalid_at(start, "Option", None, format!("invalid Option tag 0x{b:02X}"))),
        }
    }
}

impl<T: Encode, E: Encode> Encode for Result<T, E> {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Ok(v) => {
                write_u32(out, 0);
                v.encode(out);
            }
            Err(e) => {
                write_u32(out, 1);
                e.encode(out);
            }
        }
    }
}

impl<T: Decode, E: Decode> Decode for Result<T, E> {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let start = r.position();
        match read_u32(r)? {
            0 => Ok(Ok(T::decode(r)?)),
            1 => Ok(Err(E::decode(r)?)),
            t => Err(r.invalid_at(start, "Result", None, format!("invalid Result tag {t}"))),
        }
    }
}

impl<T: Encode> Encode for Vec<T> {
    fn encode(&self, out: &mut Vec<u8>) {
        write_len(out, self.len());
        for v in self {
            v.encode(out);
        }
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let count = read_len(r)?;
        // Every element type of the protocol takes at least one byte, so the count is bounded
        // by the buffered input before any allocation.
        r.expect_elements(count)?;
        r.enter()?;
        let mut items = Vec::with_capacity(count as usize);
        for _ in 0..count {
            items.push(T::decode(r)?);
        }
        r.leave();
        Ok(items)
    }
}

impl<T: Encode, const N: usize> Encode for [T; N] {
    fn encode(&self, out: &mut Vec<u8>) {
        for v in self {
            v.encode(out);
        }
    }
}

impl<T: Decode, const N: usize> Decode for [T; N] {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let mut items = Vec::with_capacity(N);
        for _ in 0..N {
            items.push(T::decode(r)?);
        }
        Ok(items.try_into().unwrap_or_else(|_| unreachable!()))
    }
}
