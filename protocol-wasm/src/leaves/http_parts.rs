//! The HTTP pieces inside the serde islands of HTTP messages (protocol.md §1.13, trap 7, 18):
//! method, URI and version as strings, status as `uv16`, headers as a map of name → list of
//! byte strings in the `http` crate's order. Header names and values are validated with the
//! `http` crate's rules both ways, because one invalid header kills the peer's connection.

use crate::codec::{read_bytes, read_len, read_str, read_u16, write_bytes, write_len, Decode, DecodeError, Encode, Reader};
use crate::describe::{Describe, Ty};
use crate::value::{ConvertError, FromValue, ToValue, ValueIn, ValueOut};

macro_rules! string_leaf {
    ($name:ident, $what:literal, $leaf:literal, $check:expr, $expect:literal) => {
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(pub String);

        impl Encode for $name {
            fn encode(&self, out: &mut Vec<u8>) {
                write_bytes(out, self.0.as_bytes());
            }
        }
        impl Decode for $name {
            fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
                let start = r.position();
                let text = read_str(r, $what)?;
                let check: fn(&str) -> Option<String> = $check;
                match check(text) {
                    Some(_) => Ok($name(text.to_string())),
                    None => Err(r.invalid_at(start, $what, None, format!("invalid {} {:?}", $what, text))),
                }
            }
        }
        impl ToValue for $name {
            fn to_value<O: ValueOut>(&self, o: &mut O) -> O::V {
                o.string(&self.0)
            }
        }
        impl FromValue for $name {
            fn from_value<I: ValueIn>(i: &I, src: I::V) -> Result<Self, ConvertError> {
                let check: fn(&str) -> Option<String> = $check;
                i.string(&src)
                    .and_then(|s| check(&s))
                    .map($name)
                    .ok_or_else(|| ConvertError::expected($expect, i.describe(&src)))
            }
        }
        impl Describe for $name {
            fn ty() -> Ty {
                Ty::Leaf($leaf)
            }
        }
    };
}

string_leaf!(
    HttpMethod,
    "http::Method",
    "http_method",
    |s| http::Method::from_bytes(s.as_bytes()).ok().map(|m| m.as_str().to_string()),
    "HTTP method token like \"GET\""
);

string_leaf!(
    HttpUri,
    "http::Uri",
    "http_uri",
    |s| s.parse::<http::Uri>().ok().map(|u| u.to_string()),
    "URI string like \"/path?query\""
);

const VERSIONS: [&str; 5] = ["HTTP/0.9", "HTTP/1.0", "HTTP/1.1", "HTTP/2.0", "HTTP/3.0"];

string_leaf!(
    HttpVersion,
    "http::Version",
    "http_version",
    |s| VERSIONS.contains(&s).then(|| s.to_string()),
    "one of \"HTTP/0.9\", \"HTTP/1.0\", \"HTTP/1.1\", \"HTTP/2.0\", \"HTTP/3.0\""
);

/// HTTP status code, `uv16` on the wire; the receiver accepts 100…999 only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusCode(pub u16);

impl Encode for StatusCode {
    fn encode(&self, out: &mut Vec<u8>) {
        self.0.encode(out);
    }
}

impl Decode for StatusCode {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let start = r.position();
        let code = read_u16(r)?;
        if (100..=999).contains(&code) {
            Ok(StatusCode(code))
        } else {
            Err(r.invalid_at(start, "http::StatusCode", None, format!("invalid HTTP status {code}")))
        }
    }
}

impl ToValue for StatusCode {
    fn to_value<O: ValueOut>(&self, o: &mut O) -> O::V {
        o.small(self.0 as f64)
    }
}

impl FromValue for StatusCode {
    fn from_value<I: ValueIn>(i: &I, src: I::V) -> Result<Self, ConvertError> {
        match i.number(&src) {
            Some(n) if n.fract() == 0.0 && (100.0..=999.0).contains(&n) => Ok(StatusCode(n as u16)),
            _ => Err(ConvertError::expected("HTTP status 100…999", i.describe(&src))),
        }
    }
}

impl Describe for StatusCode {
    fn ty() -> Ty {
        Ty::Leaf("http_status")
    }
}

/// Header list as `(lower-case name, value bytes)` pairs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HeaderMap(pub Vec<(String, Vec<u8>)>);

fn valid_name(name: &[u8]) -> Option<String> {
    http::HeaderName::from_bytes(name).ok().map(|n| n.as_str().to_string())
}

fn valid_value(value: &[u8]) -> bool {
    http::HeaderValue::from_bytes(value).is_ok()
}

impl Encode for HeaderMap {
    fn encode(&self, out: &mut Vec<u8>) {
        // One map entry per distinct name, in first-insertion order (the `http` crate's order).
        let mut names: Vec<&str> = Vec::new();
        for (name, _) in &self.0 {
            if !names.contains(&name.as_str()) {
                names.push(name);
            }
        }
        write_len(out, names.len());
        for name in names {
            write_bytes(out, name.as_bytes());
            let values: Vec<&Vec<u8>> = self.0.iter().filter(|(n, _)| n == name).map(|(_, v)| v).collect();
            write_len(out, values.len());
            for v in values {
                write_bytes(out, v);
            }
        }
    }
}

impl Decode for HeaderMap {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let count = read_len(r)?;
        r.expect_elements(count.saturating_mul(2))?;
        let mut headers = HeaderMap::default();
        for _ in 0..count {
            let start = r.position();
            let raw = read_bytes(r)?;
            let name = valid_name(raw).ok_or_else(|| {
                r.invalid_at(start, "http::HeaderName", None, format!("invalid header name {:?}", String::from_utf8_lossy(raw)))
            })?;
            let n = read_len(r)?;
            r.expect_elements(n)?;
            for _ in 0..n {
                let at = r.position();
                let value = read_bytes(r)?;
                if !valid_value(value) {
                    return Err(r.invalid_at(at, "http::HeaderValue", None, format!("invalid value of header {name:?}")));
                }
                headers.0.push((name.clone(), value.to_vec()));
            }
        }
        Ok(headers)
    }
}

impl ToValue for HeaderMap {
    fn to_value<O: ValueOut>(&self, o: &mut O) -> O::V {
        let mut arr = o.array(self.0.len());
        for (name, value) in &self.0 {
            let mut pair = o.array(2);
            let n = o.string(name);
            o.push(&mut pair, n);
            let v = match std::str::from_utf8(value) {
                Ok(text) => o.string(text),
                Err(_) => o.opaque_bytes(value),
            };
            o.push(&mut pair, v);
            let pair = o.finish_array(pair);
            o.push(&mut arr, pair);
        }
        o.finish_array(arr)
    }
}

impl FromValue for HeaderMap {
    fn from_value<I: ValueIn>(i: &I, src: I::V) -> Result<Self, ConvertError> {
        let items = i.array(&src).ok_or_else(|| ConvertError::expected("array of [name, value] pairs", i.describe(&src)))?;
        let mut headers = HeaderMap::default();
        for (k, item) in items.into_iter().enumerate() {
            let at = k.to_string();
            let pair = i
                .array(&item)
                .filter(|p| p.len() == 2)
                .ok_or_else(|| ConvertError::expected("[name, value]", i.describe(&item)).at(&at))?;
            let mut pair = pair.into_iter();
            let (name_v, value_v) = (pair.next().unwrap(), pair.next().unwrap());
            let name = i
                .string(&name_v)
                .and_then(|s| valid_name(s.as_bytes()))
                .ok_or_else(|| ConvertError::expected("valid header name", i.describe(&name_v)).at("0").at(&at))?;
            let value = match i.string(&value_v) {
                Some(s) => s.into_bytes(),
                None => i.opaque_bytes(&value_v).ok_or_else(|| {
                    ConvertError::expected("header value (string or bytes)", i.describe(&value_v)).at("1").at(&at)
                })?,
            };
            if !valid_value(&value) {
                return Err(ConvertError::expected(
                    "valid header value (no CR, LF, NUL or other control bytes)",
                    i.describe(&value_v),
                )
                .at("1")
                .at(&at));
            }
            headers.0.push((name, value));
        }
        Ok(headers)
    }
}

impl Describe for HeaderMap {
    fn ty() -> Ty {
        Ty::Leaf("http_headers")
    }
}
