//! JS backend of the value mapping: the facade's in-memory form. Byte buffers are `Uint8Array`
//! (copied once out of WASM memory), every 64/128-bit integer is a `bigint`, maps are plain
//! objects. Field and variant names are turned into JS strings once and cached.

use crate::value::{slot_get, slot_set, ConvertError, Shape, ValueIn, ValueOut, Variants};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(inline_js = r#"
export function obj_new() { return {}; }
export function obj_set(o, k, v) { o[k] = v; }
export function map_set(o, k, v) {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}
export function tagged(k, v) { return { [k]: v }; }
export function arr_new() { return []; }
export function arr_push(a, v) { a.push(v); }
export function get(o, k) { return o[k]; }
export function is_plain_object(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}
export function is_array(v) { return Array.isArray(v); }
export function arr_len(a) { return a.length; }
export function arr_get(a, i) { return a[i]; }
export function keys_of(o) { return Object.keys(o); }
export function variant_of(v, names) {
  if (typeof v === "string") { return names.indexOf(v); }
  if (typeof v !== "object" || v === null || Array.isArray(v)) { return -1; }
  let found = -1, count = 0;
  for (const k in v) { if (Object.hasOwn(v, k)) { count++; found = names.indexOf(k); } }
  return count === 1 && found >= 0 ? found + 65536 : -1;
}
export function safe_integer(v) {
  return typeof v === "number" && Number.isSafeInteger(v);
}
export function describe_value(v) {
  if (v === undefined) return "undefined (missing)";
  if (v === null) return "null";
  if (typeof v === "string") return `string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)}`;
  if (typeof v === "number" || typeof v === "boolean") return `${typeof v} ${v}`;
  if (typeof v === "bigint") return `bigint ${v}n`;
  if (v instanceof Uint8Array) return `Uint8Array(${v.length})`;
  if (Array.isArray(v)) return `array(${v.length})`;
  if (typeof v === "object") return `object {${Object.keys(v).slice(0, 4).join(", ")}}`;
  return typeof v;
}
"#)]
extern "C" {
    fn obj_new() -> JsValue;
    fn obj_set(o: &JsValue, k: &JsValue, v: JsValue);
    fn map_set(o: &JsValue, k: &str, v: JsValue);
    fn tagged(k: &JsValue, v: JsValue) -> JsValue;
    fn arr_new() -> JsValue;
    fn arr_push(a: &JsValue, v: JsValue);
    fn get(o: &JsValue, k: &JsValue) -> JsValue;
    fn is_plain_object(v: &JsValue) -> bool;
    fn is_array(v: &JsValue) -> bool;
    fn arr_len(a: &JsValue) -> u32;
    fn arr_get(a: &JsValue, i: u32) -> JsValue;
    fn keys_of(o: &JsValue) -> JsValue;
    fn variant_of(v: &JsValue, names: &JsValue) -> i32;
    fn safe_integer(v: &JsValue) -> bool;
    fn describe_value(v: &JsValue) -> String;
}

/// JS strings of every shape's keys and every enum's names, indexed by slot − 1.
struct Interned {
    keys: Vec<Vec<JsValue>>,
    names: Vec<(Vec<JsValue>, JsValue)>,
}

thread_local! {
    static INTERNED: RefCell<Interned> = const { RefCell::new(Interned { keys: vec![], names: vec![] }) };
}

fn shape_key(shape: &'static Shape, index: usize) -> JsValue {
    INTERNED.with(|cell| {
        let mut interned = cell.borrow_mut();
        let mut slot = slot_get(&shape.slot);
        if slot == 0 {
            interned.keys.push(shape.keys.iter().map(|k| JsValue::from_str(k)).collect());
            slot = interned.keys.len() as u32;
            slot_set(&shape.slot, slot);
        }
        interned.keys[slot as usize - 1][index].clone()
    })
}

fn variant_names(variants: &'static Variants) -> usize {
    let slot = slot_get(&variants.slot);
    if slot != 0 {
        return slot as usize - 1;
    }
    INTERNED.with(|cell| {
        let mut interned = cell.borrow_mut();
        let strings: Vec<JsValue> = variants.names.iter().map(|n| JsValue::from_str(n)).collect();
        let array = arr_new();
        for s in &strings {
            arr_push(&array, s.clone());
        }
        interned.names.push((strings, array));
        let slot = interned.names.len() as u32;
        slot_set(&variants.slot, slot);
        slot as usize - 1
    })
}

fn variant_name(variants: &'static Variants, index: usize) -> JsValue {
    let slot = variant_names(variants);
    INTERNED.with(|cell| cell.borrow().names[slot].0[index].clone())
}

fn variant_array(variants: &'static Variants) -> JsValue {
    let slot = variant_names(variants);
    INTERNED.with(|cell| cell.borrow().names[slot].1.clone())
}

/// Builds facade values.
pub struct JsOut;

impl ValueOut for JsOut {
    type V = JsValue;
    type Rec = JsValue;
    type Arr = JsValue;
    type Map = JsValue;

    fn null(&mut self) -> JsValue {
        JsValue::NULL
    }
    fn boolean(&mut self, b: bool) -> JsValue {
        JsValue::from_bool(b)
    }
    fn small(&mut self, n: f64) -> JsValue {
        JsValue::from_f64(n)
    }
    fn u64(&mut self, n: u64) -> JsValue {
        JsValue::from(n)
    }
    fn i64(&mut self, n: i64) -> JsValue {
        JsValue::from(n)
    }
    fn u128(&mut self, n: u128) -> JsValue {
        JsValue::from(n)
    }
    fn string(&mut self, s: &str) -> JsValue {
        JsValue::from_str(s)
    }
    fn bytes(&mut self, b: &[u8]) -> JsValue {
        js_sys::Uint8Array::from(b).into()
    }
    fn record(&mut self, _shape: &'static Shape) -> JsValue {
        obj_new()
    }
    fn field(&mut self, rec: &mut JsValue, shape: &'static Shape, index: usize, v: JsValue) {
        obj_set(rec, &shape_key(shape, index), v);
    }
    fn finish_record(&mut self, rec: JsValue) -> JsValue {
        rec
    }
    fn array(&mut self, _len: usize) -> JsValue {
        arr_new()
    }
    fn push(&mut self, arr: &mut JsValue, v: JsValue) {
        arr_push(arr, v);
    }
    fn finish_array(&mut self, arr: JsValue) -> JsValue {
        arr
    }
    fn map(&mut self) -> JsValue {
        obj_new()
    }
    fn entry(&mut self, map: &mut JsValue, key: &str, v: JsValue) {
        map_set(map, key, v);
    }
    fn finish_map(&mut self, map: JsValue) -> JsValue {
        map
    }
    fn unit_variant(&mut self, variants: &'static Variants, index: usize) -> JsValue {
        variant_name(variants, index)
    }
    fn tagged(&mut self, variants: &'static Variants, index: usize, v: JsValue) -> JsValue {
        tagged(&variant_name(variants, index), v)
    }
}

/// Reads facade values.
pub struct JsIn;

impl ValueIn for JsIn {
    type V = JsValue;

    fn is_null(&self, v: &JsValue) -> bool {
        v.is_null() || v.is_undefined()
    }
    fn is_object(&self, v: &JsValue) -> bool {
        is_plain_object(v)
    }
    fn boolean(&self, v: &JsValue) -> Option<bool> {
        v.as_bool()
    }
    fn number(&self, v: &JsValue) -> Option<f64> {
        v.as_f64()
    }
    fn u64(&self, v: &JsValue) -> Option<u64> {
        if v.is_bigint() {
            u64::try_from(v.clone()).ok()
        } else if safe_integer(v) {
            let n = v.as_f64()?;
            (n >= 0.0).then_some(n as u64)
        } else {
            None
        }
    }
    fn i64(&self, v: &JsValue) -> Option<i64> {
        if v.is_bigint() {
            i64::try_from(v.clone()).ok()
        } else if safe_integer(v) {
            Some(v.as_f64()? as i64)
        } else {
            None
        }
    }
    fn u128(&self, v: &JsValue) -> Option<u128> {
        if v.is_bigint() {
            u128::try_from(v.clone()).ok()
        } else if safe_integer(v) {
            let n = v.as_f64()?;
            (n >= 0.0).then_some(n as u128)
        } else {
            None
        }
    }
    fn string(&self, v: &JsValue) -> Option<String> {
        v.as_string()
    }
    fn bytes(&self, v: &JsValue) -> Option<Vec<u8>> {
        v.dyn_ref::<js_sys::Uint8Array>().map(|a| a.to_vec())
    }
    fn array(&self, v: &JsValue) -> Option<Vec<JsValue>> {
        if !is_array(v) {
            return None;
        }
        Some((0..arr_len(v)).map(|k| arr_get(v, k)).collect())
    }
    fn field(&self, v: &JsValue, shape: &'static Shape, index: usize) -> JsValue {
        get(v, &shape_key(shape, index))
    }
    fn entries(&self, v: &JsValue) -> Option<Vec<(String, JsValue)>> {
        if !is_plain_object(v) {
            return None;
        }
        let keys = keys_of(v);
        let mut out = Vec::new();
        for k in 0..arr_len(&keys) {
            let key = arr_get(&keys, k);
            let value = get(v, &key);
            out.push((key.as_string()?, value));
        }
        Some(out)
    }
    fn variant(
        &self,
        v: &JsValue,
        variants: &'static Variants,
    ) -> Result<(usize, Option<JsValue>), ConvertError> {
        let found = variant_of(v, &variant_array(variants));
        if found < 0 {
            return Err(ConvertError::expected(
                format!("a {} variant (\"Name\" or {{ Name: value }})", variants.name),
                describe_value(v),
            ));
        }
        if found >= 65536 {
            let index = (found - 65536) as usize;
            Ok((index, Some(get(v, &variant_name(variants, index)))))
        } else {
            Ok((found as usize, None))
        }
    }
    fn describe(&self, v: &JsValue) -> String {
        describe_value(v)
    }
}
