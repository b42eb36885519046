//! `semver::Version` goes through bincode's serde adapter as its `Display` string (§1.13),
//! e.g. `1.29.0` → `06 31 2E 32 39 2E 30`; decoding uses semver's strict parser.

use crate::codec::{read_str, write_bytes, Decode, DecodeError, Encode, Reader};
use crate::value::{ConvertError, FromValue, ToValue, ValueIn, ValueOut};
use semver::Version;

impl Encode for Version {
    fn encode(&self, out: &mut Vec<u8>) {
        write_bytes(out, self.to_string().as_bytes());
    }
}

impl Decode for Version {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let start = r.position();
        let text = read_str(r, "semver::Version")?;
        Version::parse(text).map_err(|e| {
            r.invalid_at(start, "semver::Version", None, format!("invalid version {text:?}: {e}"))
        })
    }
}

impl ToValue for Version {
    fn to_value<O: ValueOut>(&self, o: &mut O) -> O::V {
        o.string(&self.to_string())
    }
}

impl FromValue for Version {
    fn from_value<I: ValueIn>(i: &I, src: I::V) -> Result<Self, ConvertError> {
        i.string(&src)
            .and_then(|s| Version::parse(&s).ok())
            .ok_or_else(|| ConvertError::expected("semver string like \"1.29.0\"", i.describe(&src)))
    }
}
