//! `Payload`: every byte buffer of the protocol (`uv64` length + raw bytes, §1.12). A
//! `Uint8Array` in the facade, base64 in JSON.

use crate::codec::{read_bytes, write_bytes, Decode, DecodeError, Encode, Reader};
use crate::describe::{Describe, Ty};
use crate::value::{ConvertError, FromValue, ToValue, ValueIn, ValueOut};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Payload(pub Vec<u8>);

impl Encode for Payload {
    fn encode(&self, out: &mut Vec<u8>) {
        write_bytes(out, &self.0);
    }
}

impl Decode for Payload {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Payload(read_bytes(r)?.to_vec()))
    }
}

impl ToValue for Payload {
    fn to_value<O: ValueOut>(&self, o: &mut O) -> O::V {
        o.bytes(&self.0)
    }
}

impl FromValue for Payload {
    fn from_value<I: ValueIn>(i: &I, src: I::V) -> Result<Self, ConvertError> {
        i.bytes(&src)
            .map(Payload)
            .ok_or_else(|| ConvertError::expected("bytes (Uint8Array; base64 string in JSON)", i.describe(&src)))
    }
}

impl Describe for Payload {
    fn ty() -> Ty {
        Ty::Leaf("bytes")
    }
}
