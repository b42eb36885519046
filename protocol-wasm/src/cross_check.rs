//! Differential check against the real `bincode` 2.0.1 and `http-serde` 2.1.1 crates (native
//! `cargo test` only). The protocol types also derive bincode's own `Encode`/`Decode` in test
//! builds, with the serde islands going through `with_serde` and the HTTP parts through
//! http-serde, exactly as in mirrord. For every input of a corpus (valid messages of every
//! variant plus mutations, written by `tests/bincode_cross_check_test.ts`), our decoder and
//! bincode's must agree on accept/reject and on the value, and both encoders must give the
//! same bytes.

use crate::codec::{DecodeError, Reader};
use crate::leaves::http_parts::{HeaderMap, HttpMethod, HttpUri, HttpVersion, StatusCode};
use crate::leaves::payload::Payload;
use crate::leaves::string_collections::{StringMap, StringSet};
use crate::leaves::uid::Uid;
use crate::message_kind::{with_kind, MessageKind};
use bincode::de::Decoder;
use bincode::enc::Encoder;
use bincode::error::{DecodeError as BinDecodeError, EncodeError};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

// ---- bincode impls of our leaves, matching mirrord's types ----

impl bincode::Encode for Payload {
    fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
        bincode::Encode::encode(&self.0, e)
    }
}
impl<C> bincode::Decode<C> for Payload {
    fn decode<D: Decoder<Context = C>>(d: &mut D) -> Result<Self, BinDecodeError> {
        Ok(Payload(<Vec<u8> as bincode::Decode<C>>::decode(d)?))
    }
}
bincode::impl_borrow_decode!(Payload);

impl Serialize for Payload {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}
impl<'de> Deserialize<'de> for Payload {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Payload;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Payload, E> {
                Ok(Payload(v.to_vec()))
            }
            fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Payload, E> {
                Ok(Payload(v))
            }
        }
        d.deserialize_byte_buf(V)
    }
}

impl bincode::Encode for StringMap {
    fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
        bincode::Encode::encode(&self.0, e)
    }
}
impl<C> bincode::Decode<C> for StringMap {
    fn decode<D: Decoder<Context = C>>(d: &mut D) -> Result<Self, BinDecodeError> {
        // Order-keeping stand-in for HashMap: same bytes, duplicates resolved like HashMap.
        let mut map = StringMap::default();
        for (k, v) in <Vec<(String, String)> as bincode::Decode<C>>::decode(d)? {
            match map.0.iter_mut().find(|(key, _)| *key == k) {
                Some(entry) => entry.1 = v,
                None => map.0.push((k, v)),
            }
        }
        Ok(map)
    }
}
bincode::impl_borrow_decode!(StringMap);

impl bincode::Encode for StringSet {
    fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
        bincode::Encode::encode(&self.0, e)
    }
}
impl<C> bincode::Decode<C> for StringSet {
    fn decode<D: Decoder<Context = C>>(d: &mut D) -> Result<Self, BinDecodeError> {
        let mut set = StringSet::default();
        for item in <Vec<String> as bincode::Decode<C>>::decode(d)? {
            if !set.0.contains(&item) {
                set.0.push(item);
            }
        }
        Ok(set)
    }
}
bincode::impl_borrow_decode!(StringSet);

impl bincode::Encode for Uid {
    fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
        bincode::Encode::encode(&self.0, e)
    }
}
impl<C> bincode::Decode<C> for Uid {
    fn decode<D: Decoder<Context = C>>(d: &mut D) -> Result<Self, BinDecodeError> {
        Ok(Uid(<u128 as bincode::Decode<C>>::decode(d)?))
    }
}
bincode::impl_borrow_decode!(Uid);

/// HTTP leaves: serde through http-serde on the real `http` types; bincode through serde.
macro_rules! http_leaf {
    ($ours:ident, $http:ty, $module:ident, $to:expr, $from:expr) => {
        impl Serialize for $ours {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let to: fn(&$ours) -> $http = $to;
                http_serde::$module::serialize(&to(self), s)
            }
        }
        impl<'de> Deserialize<'de> for $ours {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let from: fn($http) -> $ours = $from;
                Ok(from(http_serde::$module::deserialize(d)?))
            }
        }
        impl bincode::Encode for $ours {
            fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
                bincode::Encode::encode(&bincode::serde::BorrowCompat(self), e)
            }
        }
        impl<C> bincode::Decode<C> for $ours {
            fn decode<D: Decoder<Context = C>>(d: &mut D) -> Result<Self, BinDecodeError> {
                Ok(<bincode::serde::Compat<$ours> as bincode::Decode<C>>::decode(d)?.0)
            }
        }
        bincode::impl_borrow_decode!($ours);
    };
}

http_leaf!(HttpMethod, http::Method, method, |m| m.0.parse().unwrap(), |m| HttpMethod(m.to_string()));
http_leaf!(HttpUri, http::Uri, uri, |u| u.0.parse().unwrap(), |u| HttpUri(u.to_string()));
http_leaf!(
    HttpVersion,
    http::Version,
    version,
    |v| match v.0.as_str() {
        "HTTP/0.9" => http::Version::HTTP_09,
        "HTTP/1.0" => http::Version::HTTP_10,
        "HTTP/1.1" => http::Version::HTTP_11,
        "HTTP/2.0" => http::Version::HTTP_2,
        _ => http::Version::HTTP_3,
    },
    |v| HttpVersion(format!("{v:?}"))
);
http_leaf!(StatusCode, http::StatusCode, status_code, |c| http::StatusCode::from_u16(c.0).unwrap(), |c| StatusCode(c.as_u16()));
http_leaf!(
    HeaderMap,
    http::HeaderMap,
    header_map,
    |h| {
        let mut map = http::HeaderMap::new();
        for (name, value) in &h.0 {
            let name = http::HeaderName::from_bytes(name.as_bytes()).unwrap();
            map.append(name, http::HeaderValue::from_bytes(value).unwrap());
        }
        map
    },
    |map| {
        let mut pairs = Vec::new();
        for name in map.keys() {
            for value in map.get_all(name) {
                pairs.push((name.as_str().to_string(), value.as_bytes().to_vec()));
            }
        }
        HeaderMap(pairs)
    }
);

// ---- the differential check ----

/// Outcome of one decoder on one input, comparable across the two.
#[derive(Debug, PartialEq)]
enum Outcome<T> {
    Message(T, usize),
    Truncated,
    Corrupt,
    /// the reference would allocate what a hostile count declares (over the 64 MiB test
    /// limit; real bincode has none and aborts) or panicked: nothing to compare against
    NotComparable,
}

fn ours<M: crate::codec::Decode>(bytes: &[u8]) -> Outcome<M> {
    let mut r = Reader::new(bytes);
    match <M as crate::codec::Decode>::decode(&mut r) {
        Ok(m) => Outcome::Message(m, r.position()),
        Err(DecodeError::NeedMore { .. }) => Outcome::Truncated,
        Err(DecodeError::Invalid(_)) => Outcome::Corrupt,
    }
}

/// bincode with a 64 MiB limit, so that a hostile count fails instead of aborting the test.
fn theirs<M: bincode::Decode<()>>(bytes: &[u8]) -> Outcome<M> {
    let config = bincode::config::standard().with_limit::<{ 64 << 20 }>();
    let decoded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        bincode::decode_from_slice::<M, _>(bytes, config)
    }));
    match decoded {
        Ok(Ok((m, n))) => Outcome::Message(m, n),
        Ok(Err(BinDecodeError::UnexpectedEnd { .. })) => Outcome::Truncated,
        Ok(Err(BinDecodeError::LimitExceeded)) | Err(_) => Outcome::NotComparable,
        Ok(Err(_)) => Outcome::Corrupt,
    }
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2).map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap()).collect()
}

#[test]
fn our_codec_agrees_with_bincode_2_0_1_on_the_corpus() {
    let Ok(path) = std::env::var("PROTOCOL_CORPUS") else {
        eprintln!("PROTOCOL_CORPUS not set: run through tests/bincode_cross_check_test.ts");
        return;
    };
    let corpus = std::fs::read_to_string(path).expect("corpus file");
    let (mut checked, mut messages, mut skipped, mut failures) = (0, 0, 0, Vec::new());
    std::panic::set_hook(Box::new(|_| {}));
    for line in corpus.lines().filter(|l| !l.is_empty()) {
        let (kind, bytes) = line.split_once(' ').expect("`kind hex` lines");
        let kind = MessageKind::ALL.into_iter().find(|k| k.cli_name() == kind).expect("known kind");
        let bytes = hex(bytes);
        checked += 1;
        with_kind!(kind, M => {
            let (a, b) = (ours::<M>(&bytes), theirs::<M>(&bytes));
            if b == Outcome::NotComparable {
                skipped += 1;
            } else if a != b {
                failures.push(format!("{kind:?} {}: ours {a:?}, bincode {b:?}", line.split_once(' ').unwrap().1));
            } else if let Outcome::Message(m, _) = a {
                messages += 1;
                let mut mine = Vec::new();
                crate::codec::Encode::encode(&m, &mut mine);
                let real = bincode::encode_to_vec(&m, bincode::config::standard()).unwrap();
                if mine != real {
                    failures.push(format!("{kind:?} encode of {m:?}: ours {mine:02x?}, bincode {real:02x?}"));
                }
            }
        });
    }
    let _ = std::panic::take_hook(); // back to the default hook, so failures are printed
    assert!(failures.is_empty(), "{} of {checked} inputs disagree:\n{}", failures.len(), failures[..failures.len().min(20)].join("\n"));
    eprintln!(
        "cross-check: {checked} inputs, {messages} decoded messages, our codec and bincode 2.0.1 agree \
         ({skipped} inputs with counts bincode would try to allocate were not compared)"
    );
    assert!(messages > 0);
}
