//! JSON backend of the value mapping: the codec tool's fixed contract. Same shapes as the facade;
//! byte buffers are base64 (standard, padded) strings and integers beyond 2^53 − 1 are decimal
//! strings (smaller ones are numbers; both forms are accepted on input).

use crate::value::{ConvertError, Shape, ValueIn, ValueOut, Variants};
use base64::Engine as _;
use serde_json::{Map, Number, Value};

const MAX_SAFE: u128 = (1u128 << 53) - 1;

fn wide(n: u128, negative: bool) -> Value {
    if n <= MAX_SAFE {
        let v = n as i64;
        Value::Number(Number::from(if negative { -v } else { v }))
    } else if negative {
        Value::String(format!("-{n}"))
    } else {
        Value::String(n.to_string())
    }
}

pub struct JsonOut;

impl ValueOut for JsonOut {
    type V = Value;
    type Rec = Map<String, Value>;
    type Arr = Vec<Value>;
    type Map = Map<String, Value>;

    fn null(&mut self) -> Value {
        Value::Null
    }
    fn boolean(&mut self, b: bool) -> Value {
        Value::Bool(b)
    }
    fn small(&mut self, n: f64) -> Value {
        Value::Number(Number::from(n as i64))
    }
    fn u64(&mut self, n: u64) -> Value {
        wide(n as u128, false)
    }
    fn i64(&mut self, n: i64) -> Value {
        wide(n.unsigned_abs() as u128, n < 0)
    }
    fn u128(&mut self, n: u128) -> Value {
        wide(n, false)
    }
    fn string(&mut self, s: &str) -> Value {
        Value::String(s.to_string())
    }
    fn bytes(&mut self, b: &[u8]) -> Value {
        Value::String(base64::engine::general_purpose::STANDARD.encode(b))
    }
    fn opaque_bytes(&mut self, b: &[u8]) -> Value {
        Value::Array(b.iter().map(|x| Value::Number(Number::from(*x))).collect())
    }
    fn record(&mut self, shape: &'static Shape) -> Map<String, Value> {
        Map::with_capacity(shape.keys.len())
    }
    fn field(&mut self, rec: &mut Map<String, Value>, shape: &'static Shape, index: usize, v: Value) {
        rec.insert(shape.keys[index].to_string(), v);
    }
    fn finish_record(&mut self, rec: Map<String, Value>) -> Value {
        Value::Object(rec)
    }
    fn array(&mut self, len: usize) -> Vec<Value> {
        Vec::with_capacity(len)
    }
    fn push(&mut self, arr: &mut Vec<Value>, v: Value) {
        arr.push(v);
    }
    fn finish_array(&mut self, arr: Vec<Value>) -> Value {
        Value::Array(arr)
    }
    fn map(&mut self) -> Map<String, Value> {
        Map::new()
    }
    fn entry(&mut self, map: &mut Map<String, Value>, key: &str, v: Value) {
        map.insert(key.to_string(), v);
    }
    fn finish_map(&mut self, map: Map<String, Value>) -> Value {
        Value::Object(map)
    }
    fn unit_variant(&mut self, variants: &'static Variants, index: usize) -> Value {
        Value::String(variants.names[index].to_string())
    }
    fn tagged(&mut self, variants: &'static Variants, index: usize, v: Value) -> Value {
        let mut map = Map::with_capacity(1);
        map.insert(variants.names[index].to_string(), v);
        Value::Object(map)
    }
}

pub struct JsonIn;

fn parse_wide(v: &Value) -> Option<i128> {
    match v {
        Value::Number(n) => n.as_i64().map(|x| x as i128).or_else(|| n.as_u64().map(|x| x as i128)),
        Value::String(s) => {
            let digits = s.strip_prefix('-').unwrap_or(s);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            s.parse::<i128>().ok()
        }
        _ => None,
    }
}

impl ValueIn for JsonIn {
    type V = Value;

    fn is_null(&self, v: &Value) -> bool {
        v.is_null()
    }
    fn is_object(&self, v: &Value) -> bool {
        v.is_object()
    }
    fn boolean(&self, v: &Value) -> Option<bool> {
        v.as_bool()
    }
    fn number(&self, v: &Value) -> Option<f64> {
        v.as_f64()
    }
    fn u64(&self, v: &Value) -> Option<u64> {
        parse_wide(v).and_then(|n| u64::try_from(n).ok())
    }
    fn i64(&self, v: &Value) -> Option<i64> {
        parse_wide(v).and_then(|n| i64::try_from(n).ok())
    }
    fn u128(&self, v: &Value) -> Option<u128> {
        match v {
            Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => s.parse().ok(),
            _ => parse_wide(v).and_then(|n| u128::try_from(n).ok()),
        }
    }
    fn string(&self, v: &Value) -> Option<String> {
        v.as_str().map(str::to_string)
    }
    fn bytes(&self, v: &Value) -> Option<Vec<u8>> {
        base64::engine::general_purpose::STANDARD.decode(v.as_str()?).ok()
    }
    fn opaque_bytes(&self, v: &Value) -> Option<Vec<u8>> {
        v.as_array()?.iter().map(|x| x.as_u64().and_then(|n| u8::try_from(n).ok())).collect()
    }
    fn array(&self, v: &Value) -> Option<Vec<Value>> {
        v.as_array().cloned()
    }
    fn field(&self, v: &Value, shape: &'static Shape, index: usize) -> Value {
        v.get(shape.keys[index]).cloned().unwrap_or(Value::Null)
    }
    fn entries(&self, v: &Value) -> Option<Vec<(String, Value)>> {
        Some(v.as_object()?.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
    }
    fn variant(
        &self,
        v: &Value,
        variants: &'static Variants,
    ) -> Result<(usize, Option<Value>), ConvertError> {
        let fail = || {
            ConvertError::expected(
                format!("a {} variant (\"Name\" or {{\"Name\": value}})", variants.name),
                self.describe(v),
            )
        };
        match v {
            Value::String(s) => {
                variants.names.iter().position(|n| n == s).map(|i| (i, None)).ok_or_else(fail)
            }
            Value::Object(map) if map.len() == 1 => {
                let (k, inner) = map.iter().next().ok_or_else(fail)?;
                let i = variants.names.iter().position(|n| n == k).ok_or_else(fail)?;
                Ok((i, Some(inner.clone())))
            }
            _ => Err(fail()),
        }
    }
    fn describe(&self, v: &Value) -> String {
        let text = v.to_string();
        if text.len() > 60 {
            format!("{}…", &text[..text.char_indices().nth(60).map_or(text.len(), |(i, _)| i)])
        } else {
            text
        }
    }
}
