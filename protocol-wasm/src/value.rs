//! The value mapping of protocol types, in serde_json's externally tagged shape (unit variant →
//! `"Name"`, one field → `{"Name": v}`, several → `{"Name": [a, b]}`, struct variant →
//! `{"Name": {…}}`). Two backends share it: JS values for the facade (`value_js`) and JSON for the
//! codec tool (`value_json`); they differ only in leaves (bytes, 64/128-bit integers).

use std::sync::atomic::{AtomicU32, Ordering};

/// Field names of a struct (or struct variant), with a slot a backend may use as a cache.
pub struct Shape {
    pub name: &'static str,
    pub keys: &'static [&'static str],
    pub slot: AtomicU32,
}

impl Shape {
    pub const fn new(name: &'static str, keys: &'static [&'static str]) -> Shape {
        Shape { name, keys, slot: AtomicU32::new(0) }
    }
}

/// Variant names of an enum, with a backend cache slot.
pub struct Variants {
    pub name: &'static str,
    pub names: &'static [&'static str],
    pub slot: AtomicU32,
}

impl Variants {
    pub const fn new(name: &'static str, names: &'static [&'static str]) -> Variants {
        Variants { name, names, slot: AtomicU32::new(0) }
    }
}

/// Reads a cache slot (0 = empty). Single-threaded WASM: relaxed ordering is enough.
pub fn slot_get(slot: &AtomicU32) -> u32 {
    slot.load(Ordering::Relaxed)
}

pub fn slot_set(slot: &AtomicU32, v: u32) {
    slot.store(v, Ordering::Relaxed)
}

/// Builds values of one backend.
pub trait ValueOut {
    type V;
    type Rec;
    type Arr;
    type Map;
    fn null(&mut self) -> Self::V;
    fn boolean(&mut self, b: bool) -> Self::V;
    /// integers that every backend holds exactly as a plain number (up to 32 bits)
    fn small(&mut self, n: f64) -> Self::V;
    fn u64(&mut self, n: u64) -> Self::V;
    fn i64(&mut self, n: i64) -> Self::V;
    fn u128(&mut self, n: u128) -> Self::V;
    fn string(&mut self, s: &str) -> Self::V;
    fn bytes(&mut self, b: &[u8]) -> Self::V;
    /// bytes that are normally text (non-UTF-8 header values): `Uint8Array` in JS, an array of
    /// byte numbers in JSON (where a string always means text)
    fn opaque_bytes(&mut self, b: &[u8]) -> Self::V {
        self.bytes(b)
    }
    fn record(&mut self, shape: &'static Shape) -> Self::Rec;
    fn field(&mut self, rec: &mut Self::Rec, shape: &'static Shape, index: usize, v: Self::V);
    fn finish_record(&mut self, rec: Self::Rec) -> Self::V;
    fn array(&mut self, len: usize) -> Self::Arr;
    fn push(&mut self, arr: &mut Self::Arr, v: Self::V);
    fn finish_array(&mut self, arr: Self::Arr) -> Self::V;
    fn map(&mut self) -> Self::Map;
    fn entry(&mut self, map: &mut Self::Map, key: &str, v: Self::V);
    fn finish_map(&mut self, map: Self::Map) -> Self::V;
    fn unit_variant(&mut self, variants: &'static Variants, index: usize) -> Self::V;
    fn tagged(&mut self, variants: &'static Variants, index: usize, v: Self::V) -> Self::V;
}

/// Reads values of one backend.
pub trait ValueIn {
    type V;
    /// null or absent
    fn is_null(&self, v: &Self::V) -> bool;
    fn is_object(&self, v: &Self::V) -> bool;
    fn boolean(&self, v: &Self::V) -> Option<bool>;
    fn number(&self, v: &Self::V) -> Option<f64>;
    fn u64(&self, v: &Self::V) -> Option<u64>;
    fn i64(&self, v: &Self::V) -> Option<i64>;
    fn u128(&self, v: &Self::V) -> Option<u128>;
    fn string(&self, v: &Self::V) -> Option<String>;
    fn bytes(&self, v: &Self::V) -> Option<Vec<u8>>;
    /// see [`ValueOut::opaque_bytes`]
    fn opaque_bytes(&self, v: &Self::V) -> Option<Vec<u8>> {
        self.bytes(v)
    }
    fn array(&self, v: &Self::V) -> Option<Vec<Self::V>>;
    /// the field's value, or the backend's "absent" value
    fn field(&self, v: &Self::V, shape: &'static Shape, index: usize) -> Self::V;
    fn entries(&self, v: &Self::V) -> Option<Vec<(String, Self::V)>>;
    /// `"Name"` → (index, None); `{"Name": x}` → (index, Some(x))
    fn variant(&self, v: &Self::V, variants: &'static Variants)
        -> Result<(usize, Option<Self::V>), ConvertError>;
    /// short description of a value for error messages
    fn describe(&self, v: &Self::V) -> String;
}

/// A value that does not fit the protocol type, with where it sits.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvertError {
    /// path segments, innermost first
    pub path: Vec<String>,
    pub expected: String,
    pub got: String,
}

impl ConvertError {
    pub fn expected(expected: impl Into<String>, got: String) -> ConvertError {
        ConvertError { path: vec![], expected: expected.into(), got }
    }

    pub fn at(mut self, segment: &str) -> ConvertError {
        self.path.push(segment.to_string());
        self
    }

    /// e.g. `expected bigint (u64) at .FileRequest.Read.remote_fd, got string "3"`
    pub fn describe(&self) -> String {
        let path: String = self.path.iter().rev().map(|s| format!(".{s}")).collect();
        let at = if path.is_empty() { "the top level".to_string() } else { path };
        format!("expected {} at {}, got {}", self.expected, at, self.got)
    }
}

pub trait ToValue {
    fn to_value<O: ValueOut>(&self, o: &mut O) -> O::V;
}

pub trait FromValue: Sized {
    fn from_value<I: ValueIn>(i: &I, src: I::V) -> Result<Self, ConvertError>;
}

// ---- scalar leaves ----

impl ToValue for bool {
    fn to_value<O: ValueOut>(&self, o: &mut O) -> O::V {
        o.boolean(*self)
    }
}

impl FromValue for bool {
    fn from_value<I: ValueIn>(i: &I, src: I::V) -> Result<Self, ConvertError> {
        i.boolean(&src).ok_or_else(|| ConvertError::expected("boolean", i.describe(&src)))
    }
}

macro_rules! small_int {
    ($t:ty, $label:literal) => {
        impl ToValue for $t {
            fn to_value<O: ValueOut>(&self, o: &mut O) -> O::V {
                o.small(*self as f64)
            }
        }
        impl FromValue for $t {
            fn from_value<I: ValueIn>(i: &I, src: I::V) -> Result<Self, ConvertError> {
                match i.number(&src) {
                    Some(n) if n.fract() == 0.0 && n >= <$t>::MIN as f64 && n <= <$t>::MAX as f64 => {
                        Ok(n as $t)
                    }
                    _ => Err(ConvertError::expected($label, i.describe(&src))),
                }
            }
        }
    };
}
small_int!(u8, "integer 0…255 (u8)");
small_int!(u16, "integer 0…65535 (u16)");
small_int!(u32, "integer 0…4294967295 (u32)");
small_int!(i32, "integer −2147483648…2147483647 (i32)");

impl ToValue for u64 {
    fn to_value<O: ValueOut>(&self, o: &mut O) -> O::V {
        o.u64(*self)
    }
}

impl FromValue for u64 {
    fn from_value<I: ValueIn>(i: &I, src: I::V) -> Result<Self, ConvertError> {
        i.u64(&src).ok_or_else(|| ConvertError::expected("bigint 0…2^64−1 (u64)", i.describe(&src)))
    }
}

impl ToValue for i64 {
    fn to_value<O: ValueOut>(&self, o: &mut O) -> O::V {
        o.i64(*self)
    }
}

impl FromValue for i64 {
    fn from_value<I: ValueIn>(i: &I, src: I::V) -> Result<Self, ConvertError> {
        i.i64(&src).ok_or_else(|| ConvertError::expected("bigint −2^63…2^63−1 (i64)", i.describe(&src)))
    }
}

impl ToValue for u128 {
    fn to_value<O: ValueOut>(&self, o: &mut O) -> O::V {
        o.u128(*self)
    }
}

impl FromValue for u128 {
    fn from_value<I: ValueIn>(i: &I, src: I::V) -> Result<Self, ConvertError> {
        i.u128(&src).ok_or_else(|| ConvertError::expected("bigint 0…2^128−1 (u128)", i.describe(&src)))
    }
}

impl ToValue for String {
    fn to_value<O: ValueOut>(&self, o: &mut O) -> O::V {
        o.string(self)
    }
}

impl FromValue for String {
    fn from_value<I: ValueIn>(i: &I, src: I::V) -> Result<Self, ConvertError> {
        i.string(&src).ok_or_else(|| ConvertError::expected("string", i.describe(&src)))
    }
}

impl ToValue for () {
    fn to_value<O: ValueOut>(&self, o: &mut O) -> O::V {
        o.null()
    }
}

impl FromValue for () {
    fn from_value<I: ValueIn>(i: &I, src: I::V) -> Result<Self, ConvertError> {
        if i.is_null(&src) {
            Ok(())
        } else {
            Err(ConvertError::expected("null", i.describe(&src)))
        }
    }
}

// ---- containers ----

impl<T: ToValue> ToValue for Option<T> {
    fn to_value<O: ValueOut>(&self, o: &mut O) -> O::V {
        match self {
            None => o.null(),
            Some(v) => v.to_value(o),
        }
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value<I: ValueIn>(i: &I, src: I::V) -> Result<Self, ConvertError> {
        if i.is_null(&src) {
            Ok(None)
        } else {
            Ok(Some(T::from_value(i, src)?))
        }
    }
}

static RESULT_VARIANTS: Variants = Variants::new("Result", &["Ok", "Err"]);

impl<T: ToValue, E: ToValue> ToValue for Result<T, E> {
    fn to_value<O: ValueOut>(&self, o: &mut O) -> O::V {
        match self {
            Ok(v) => {
                let v = v.to_value(o);
                o.tagged(&RESULT_VARIANTS, 0, v)
            }
            Err(e) => {
                let v = e.to_value(o);
                o.tagged(&RESULT_VARIANTS, 1, v)
            }
        }
    }
}

impl<T: FromValue, E: FromValue> FromValue for Result<T, E> {
    fn from_value<I: ValueIn>(i: &I, src: I::V) -> Result<Self, ConvertError> {
        let (index, inner) = i.variant(&src, &RESULT_VARIANTS)?;
        // `{ Ok: null }` may arrive as `{ Ok: undefined }` or `{}`-less shorthand from JS callers.
        let inner = match inner {
            Some(v) => v,
            None => {
                return Err(ConvertError::expected("{\"Ok\": value} or {\"Err\": error}", i.describe(&src)))
            }
        };
        if index == 0 {
            Ok(Ok(T::from_value(i, inner).map_err(|e| e.at("Ok"))?))
        } else {
            Ok(Err(E::from_value(i, inner).map_err(|e| e.at("Err"))?))
        }
    }
}

impl<T: ToValue> ToValue for Vec<T> {
    fn to_value<O: ValueOut>(&self, o: &mut O) -> O::V {
        let mut arr = o.array(self.len());
        for item in self {
            let v = item.to_value(o);
            o.push(&mut arr, v);
        }
        o.finish_array(arr)
    }
}

thread_local! {
    static NESTING: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

impl<T: FromValue> FromValue for Vec<T> {
    fn from_value<I: ValueIn>(i: &I, src: I::V) -> Result<Self, ConvertError> {
        let items = i.array(&src).ok_or_else(|| ConvertError::expected("array", i.describe(&src)))?;
        // Same nesting bound as the decoder: recursion on a hostile value must not exhaust the
        // WASM stack.
        let depth = NESTING.with(|d| d.get());
        if depth >= crate::codec::MAX_NESTING {
            return Err(ConvertError::expected(
                format!("arrays nested at most {} levels deep", crate::codec::MAX_NESTING),
                "deeper nesting".to_string(),
            ));
        }
        NESTING.with(|d| d.set(depth + 1));
        let result = items
            .into_iter()
            .enumerate()
            .map(|(k, v)| T::from_value(i, v).map_err(|e| e.at(&k.to_string())))
            .collect();
        NESTING.with(|d| d.set(depth));
        result
    }
}

impl<T: ToValue, const N: usize> ToValue for [T; N] {
    fn to_value<O: ValueOut>(&self, o: &mut O) -> O::V {
        let mut arr = o.array(N);
        for item in self {
            let v = item.to_value(o);
            o.push(&mut arr, v);
        }
        o.finish_array(arr)
    }
}

impl<T: FromValue, const N: usize> FromValue for [T; N] {
    fn from_value<I: ValueIn>(i: &I, src: I::V) -> Result<Self, ConvertError> {
        let items = i
            .array(&src)
            .filter(|a| a.len() == N)
            .ok_or_else(|| ConvertError::expected(format!("array of {N} items"), i.describe(&src)))?;
        let items: Vec<T> = items
            .into_iter()
            .enumerate()
            .map(|(k, v)| T::from_value(i, v).map_err(|e| e.at(&k.to_string())))
            .collect::<Result<_, _>>()?;
        Ok(items.try_into().unwrap_or_else(|_| unreachable!()))
    }
}
