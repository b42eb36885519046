//! `Uid` of outgoing `ConnectV2` (§1.12): a UUID on the wire as a `uv128` whose value is the
//! UUID's 16 bytes read big-endian, so a v4 UUID appears as `FE` + its bytes reversed (trap 10).
//! Value: the UUID's hyphenated lowercase string, as serde_json writes a `Uuid`.

use crate::codec::{read_u128, write_varint, Decode, DecodeError, Encode, Reader};
use crate::describe::{Describe, Ty};
use crate::value::{ConvertError, FromValue, ToValue, ValueIn, ValueOut};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Uid(pub u128);

impl Uid {
    pub fn to_hyphenated(self) -> String {
        let h = format!("{:032x}", self.0);
        format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
    }

    /// Accepts the hyphenated form (any case) or 32 plain hex digits.
    pub fn parse(s: &str) -> Option<Uid> {
        let hex: String = if s.len() == 36 {
            let b = s.as_bytes();
            if b[8] != b'-' || b[13] != b'-' || b[18] != b'-' || b[23] != b'-' {
                return None;
            }
            s.chars().filter(|c| *c != '-').collect()
        } else {
            s.to_string()
        };
        if hex.len() != 32 || !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        u128::from_str_radix(&hex, 16).ok().map(Uid)
    }
}

impl Encode for Uid {
    fn encode(&self, out: &mut Vec<u8>) {
        write_varint(out, self.0);
    }
}

impl Decode for Uid {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Uid(read_u128(r)?))
    }
}

impl ToValue for Uid {
    fn to_value<O: ValueOut>(&self, o: &mut O) -> O::V {
        o.string(&self.to_hyphenated())
    }
}

impl FromValue for Uid {
    fn from_value<I: ValueIn>(i: &I, src: I::V) -> Result<Self, ConvertError> {
        i.string(&src)
            .and_then(|s| Uid::parse(&s))
            .ok_or_else(|| ConvertError::expected("UUID string", i.describe(&src)))
    }
}

impl Describe for Uid {
    fn ty() -> Ty {
        Ty::Leaf("uuid")
    }
}
