//! Tape backend of the value mapping, used for decoding to the facade: instead of building JS
//! objects through one import call per field, a decoded message is written as a postfix program
//! of 32-bit words that `tape_reader.ts` runs in one pass (objects built by literal, so they get
//! stable shapes). Strings are copied into an arena; byte buffers are referenced in place (the
//! decoded message is kept alive until the reader has copied them out, once).

use crate::value::{slot_get, slot_set, Shape, ValueOut, Variants};
use std::cell::RefCell;

/// Opcodes, mirrored in `tape_reader.ts` (checked by a test through `tape_opcodes()`).
pub const OPCODES: [(&str, u32); 15] = [
    ("NULL", 0),
    ("TRUE", 1),
    ("FALSE", 2),
    ("U32", 3),
    ("I32", 4),
    ("U64", 5),
    ("I64", 6),
    ("U128", 7),
    ("STR", 8),
    ("BYTES", 9),
    ("RECORD", 10),
    ("ARRAY", 11),
    ("MAP", 12),
    ("UNIT", 13),
    ("TAGGED", 14),
];
const NULL: u32 = 0;
const TRUE: u32 = 1;
const FALSE: u32 = 2;
const U32: u32 = 3;
const I32: u32 = 4;
const U64: u32 = 5;
const I64: u32 = 6;
const U128: u32 = 7;
const STR: u32 = 8;
const BYTES: u32 = 9;
const RECORD: u32 = 10;
const ARRAY: u32 = 11;
const MAP: u32 = 12;
const UNIT: u32 = 13;
const TAGGED: u32 = 14;

thread_local! {
    static SHAPES: RefCell<Vec<&'static Shape>> = const { RefCell::new(Vec::new()) };
    static VARIANTS: RefCell<Vec<&'static Variants>> = const { RefCell::new(Vec::new()) };
}

fn shape_id(shape: &'static Shape) -> u32 {
    let id = slot_get(&shape.tape_id);
    if id != 0 {
        return id - 1;
    }
    SHAPES.with(|s| {
        let mut s = s.borrow_mut();
        s.push(shape);
        slot_set(&shape.tape_id, s.len() as u32);
        s.len() as u32 - 1
    })
}

fn variants_id(variants: &'static Variants) -> u32 {
    let id = slot_get(&variants.tape_id);
    if id != 0 {
        return id - 1;
    }
    VARIANTS.with(|s| {
        let mut s = s.borrow_mut();
        s.push(variants);
        slot_set(&variants.tape_id, s.len() as u32);
        s.len() as u32 - 1
    })
}

/// Keys of a registered shape, for the reader (first use of an id only).
pub fn shape_keys(id: u32) -> Vec<&'static str> {
    SHAPES.with(|s| s.borrow().get(id as usize).map_or(vec![], |shape| shape.keys.to_vec()))
}

/// Variant names of a registered enum.
pub fn variant_names(id: u32) -> Vec<&'static str> {
    VARIANTS.with(|s| s.borrow().get(id as usize).map_or(vec![], |v| v.names.to_vec()))
}

#[derive(Default)]
pub struct TapeOut {
    pub words: Vec<u32>,
    pub arena: Vec<u8>,
}

impl TapeOut {
    pub fn clear(&mut self) {
        self.words.clear();
        self.arena.clear();
    }

    fn wide(&mut self, op: u32, v: u128, words: usize) {
        self.words.push(op);
        for k in 0..words {
            self.words.push((v >> (32 * k)) as u32);
        }
    }
}

impl ValueOut for TapeOut {
    type V = ();
    type Rec = &'static Shape;
    type Arr = u32;
    type Map = u32;

    fn null(&mut self) {
        self.words.push(NULL);
    }
    fn boolean(&mut self, b: bool) {
        self.words.push(if b { TRUE } else { FALSE });
    }
    fn small(&mut self, n: f64) {
        if n < 0.0 {
            self.words.extend_from_slice(&[I32, n as i32 as u32]);
        } else {
            self.words.extend_from_slice(&[U32, n as u32]);
        }
    }
    fn u64(&mut self, n: u64) {
        self.wide(U64, n as u128, 2);
    }
    fn i64(&mut self, n: i64) {
        self.wide(I64, n as u64 as u128, 2);
    }
    fn u128(&mut self, n: u128) {
        self.wide(U128, n, 4);
    }
    fn string(&mut self, s: &str) {
        let at = self.arena.len() as u32;
        self.arena.extend_from_slice(s.as_bytes());
        self.words.extend_from_slice(&[STR, at, s.len() as u32]);
    }
    fn bytes(&mut self, b: &[u8]) {
        // Absolute address in WASM memory: the bytes live in the decoded message.
        self.words.extend_from_slice(&[BYTES, b.as_ptr() as u32, b.len() as u32]);
    }
    fn record(&mut self, shape: &'static Shape) -> &'static Shape {
        shape
    }
    fn field(&mut self, _rec: &mut &'static Shape, _shape: &'static Shape, _index: usize, _v: ()) {}
    fn finish_record(&mut self, shape: &'static Shape) {
        let id = shape_id(shape);
        self.words.extend_from_slice(&[RECORD, id]);
    }
    fn array(&mut self, _len: usize) -> u32 {
        0
    }
    fn push(&mut self, arr: &mut u32, _v: ()) {
        *arr += 1;
    }
    fn finish_array(&mut self, len: u32) {
        self.words.extend_from_slice(&[ARRAY, len]);
    }
    fn map(&mut self) -> u32 {
        0
    }
    fn entry(&mut self, map: &mut u32, key: &str, _v: ()) {
        // The value is already on the tape; its key follows it.
        self.string(key);
        *map += 1;
    }
    fn finish_map(&mut self, len: u32) {
        self.words.extend_from_slice(&[MAP, len]);
    }
    fn unit_variant(&mut self, variants: &'static Variants, index: usize) {
        let id = variants_id(variants);
        self.words.extend_from_slice(&[UNIT, id, index as u32]);
    }
    fn tagged(&mut self, variants: &'static Variants, index: usize, _v: ()) {
        let id = variants_id(variants);
        self.words.extend_from_slice(&[TAGGED, id, index as u32]);
    }
}
