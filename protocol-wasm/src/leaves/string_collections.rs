//! `HashMap<String, String>` and `HashSet<String>` of the protocol (§1.8). Their wire order is
//! the peer's hash order, so decoded entries keep wire order; a repeated key replaces the
//! earlier value and a repeated set element is dropped, like the Rust decoder. Plain object /
//! array of strings as values.

use crate::codec::{read_len, Decode, DecodeError, Encode, Reader};
use crate::describe::{Describe, Ty};
use crate::value::{ConvertError, FromValue, ToValue, ValueIn, ValueOut};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StringMap(pub Vec<(String, String)>);

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StringSet(pub Vec<String>);

impl StringMap {
    fn insert(&mut self, key: String, value: String) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => self.0.push((key, value)),
        }
    }
}

impl Encode for StringMap {
    fn encode(&self, out: &mut Vec<u8>) {
        crate::codec::write_len(out, self.0.len());
        for (k, v) in &self.0 {
            k.encode(out);
            v.encode(out);
        }
    }
}

impl Decode for StringMap {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let count = read_len(r)?;
        r.expect_elements(count.saturating_mul(2))?;
        let mut map = StringMap(Vec::with_capacity(count as usize));
        for _ in 0..count {
            let k = String::decode(r)?;
            let v = String::decode(r)?;
            map.insert(k, v);
        }
        Ok(map)
    }
}

impl Encode for StringSet {
    fn encode(&self, out: &mut Vec<u8>) {
        self.0.encode(out);
    }
}

impl Decode for StringSet {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let items = Vec::<String>::decode(r)?;
        let mut set: Vec<String> = Vec::with_capacity(items.len());
        for item in items {
            if !set.contains(&item) {
                set.push(item);
            }
        }
        Ok(StringSet(set))
    }
}

impl ToValue for StringMap {
    fn to_value<O: ValueOut>(&self, o: &mut O) -> O::V {
        let mut map = o.map();
        for (k, v) in &self.0 {
            let v = o.string(v);
            o.entry(&mut map, k, v);
        }
        o.finish_map(map)
    }
}

impl FromValue for StringMap {
    fn from_value<I: ValueIn>(i: &I, src: I::V) -> Result<Self, ConvertError> {
        let entries = i
            .entries(&src)
            .ok_or_else(|| ConvertError::expected("object of string values", i.describe(&src)))?;
        let mut map = StringMap::default();
        for (k, v) in entries {
            let v = String::from_value(i, v).map_err(|e| e.at(&k))?;
            map.insert(k, v);
        }
        Ok(map)
    }
}

impl ToValue for StringSet {
    fn to_value<O: ValueOut>(&self, o: &mut O) -> O::V {
        self.0.to_value(o)
    }
}

impl FromValue for StringSet {
    fn from_value<I: ValueIn>(i: &I, src: I::V) -> Result<Self, ConvertError> {
        let mut set = StringSet::default();
        for item in Vec::<String>::from_value(i, src)? {
            if !set.0.contains(&item) {
                set.0.push(item);
            }
        }
        Ok(set)
    }
}

impl Describe for StringMap {
    fn ty() -> Ty {
        Ty::StringMap
    }
}

impl Describe for StringSet {
    fn ty() -> Ty {
        Ty::StringSet
    }
}
