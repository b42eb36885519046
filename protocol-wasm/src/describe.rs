//! Description of every protocol type, emitted as JSON by the module (`describe()`); the build
//! renders it into the TypeScript types and tests use it to generate random messages. Types are
//! thus declared once, in Rust.

use serde_json::{json, Value};

/// A type expression.
#[derive(Debug, Clone)]
pub enum Ty {
    /// leaf with a fixed representation: bool, u8, u16, u32, i32, u64, i64, u128, string, bytes,
    /// unit, ip, socket, semver, uuid, http_method, http_uri, http_version, http_status,
    /// http_headers
    Leaf(&'static str),
    Option(Box<Ty>),
    Vec(Box<Ty>),
    Array(Box<Ty>, usize),
    Result(Box<Ty>, Box<Ty>),
    /// string → string map (hash-ordered on the wire)
    StringMap,
    /// set of strings (hash-ordered on the wire)
    StringSet,
    Ref(&'static str, Vec<Ty>),
    Param(&'static str),
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: &'static str,
    pub ty: Ty,
    pub doc: &'static str,
}

#[derive(Debug, Clone)]
pub enum VariantKind {
    Unit,
    Tuple(Vec<Ty>),
    Struct(Vec<Field>),
}

#[derive(Debug, Clone)]
pub struct Variant {
    pub name: &'static str,
    pub kind: VariantKind,
    pub doc: &'static str,
}

#[derive(Debug, Clone)]
pub enum DeclKind {
    Unit,
    Newtype(Ty),
    Struct(Vec<Field>),
    Enum(Vec<Variant>),
}

#[derive(Debug, Clone)]
pub struct Decl {
    pub name: &'static str,
    pub params: Vec<&'static str>,
    pub doc: &'static str,
    pub kind: DeclKind,
}

pub trait Describe {
    fn ty() -> Ty;
    fn register(_reg: &mut Registry) {}
}

/// The declaration of a named type (implemented by the derive).
pub trait DescribeDecl {
    fn decl_kind() -> DeclKind;
    /// registers the field types (generic ones through their placeholder)
    fn register_fields(reg: &mut Registry);
}

/// Every named type reachable from the roots, in first-seen order.
#[derive(Default)]
pub struct Registry {
    decls: Vec<Decl>,
    seen: Vec<&'static str>,
}

impl Registry {
    /// True the first time `name` is seen.
    pub fn begin(&mut self, name: &'static str) -> bool {
        if self.seen.contains(&name) {
            return false;
        }
        self.seen.push(name);
        true
    }

    pub fn add(&mut self, decl: Decl) {
        self.decls.push(decl);
    }

    pub fn decls(&self) -> &[Decl] {
        &self.decls
    }
}

/// Placeholders for generic parameters, so generic types are described once.
pub mod params {
    pub struct B;
    pub struct T;
    impl super::Describe for B {
        fn ty() -> super::Ty {
            super::Ty::Param("B")
        }
    }
    impl super::Describe for T {
        fn ty() -> super::Ty {
            super::Ty::Param("T")
        }
    }
}

macro_rules! leaf {
    ($t:ty, $name:literal) => {
        impl Describe for $t {
            fn ty() -> Ty {
                Ty::Leaf($name)
            }
        }
    };
}
leaf!(bool, "bool");
leaf!(u8, "u8");
leaf!(u16, "u16");
leaf!(u32, "u32");
leaf!(i32, "i32");
leaf!(u64, "u64");
leaf!(i64, "i64");
leaf!(u128, "u128");
leaf!(String, "string");
leaf!((), "unit");
leaf!(std::net::IpAddr, "ip");
leaf!(std::net::SocketAddr, "socket");
leaf!(semver::Version, "semver");

impl<T: Describe> Describe for Option<T> {
    fn ty() -> Ty {
        Ty::Option(Box::new(T::ty()))
    }
    fn register(reg: &mut Registry) {
        T::register(reg)
    }
}

impl<T: Describe> Describe for Vec<T> {
    fn ty() -> Ty {
        Ty::Vec(Box::new(T::ty()))
    }
    fn register(reg: &mut Registry) {
        T::register(reg)
    }
}

impl<T: Describe, const N: usize> Describe for [T; N] {
    fn ty() -> Ty {
        Ty::Array(Box::new(T::ty()), N)
    }
    fn register(reg: &mut Registry) {
        T::register(reg)
    }
}

impl<T: Describe, E: Describe> Describe for Result<T, E> {
    fn ty() -> Ty {
        Ty::Result(Box::new(T::ty()), Box::new(E::ty()))
    }
    fn register(reg: &mut Registry) {
        T::register(reg);
        E::register(reg);
    }
}

// ---- JSON form of the description ----

pub fn ty_json(ty: &Ty) -> Value {
    match ty {
        Ty::Leaf(name) => json!({ "leaf": name }),
        Ty::Option(t) => json!({ "option": ty_json(t) }),
        Ty::Vec(t) => json!({ "vec": ty_json(t) }),
        Ty::Array(t, n) => json!({ "array": ty_json(t), "len": n }),
        Ty::Result(t, e) => json!({ "result": [ty_json(t), ty_json(e)] }),
        Ty::StringMap => json!({ "map": "string" }),
        Ty::StringSet => json!({ "set": "string" }),
        Ty::Ref(name, args) => json!({ "ref": name, "args": args.iter().map(ty_json).collect::<Vec<_>>() }),
        Ty::Param(name) => json!({ "param": name }),
    }
}

fn fields_json(fields: &[Field]) -> Value {
    Value::Array(
        fields.iter().map(|f| json!({ "name": f.name, "type": ty_json(&f.ty), "doc": f.doc })).collect(),
    )
}

pub fn decl_json(decl: &Decl) -> Value {
    let kind = match &decl.kind {
        DeclKind::Unit => json!({ "kind": "unit" }),
        DeclKind::Newtype(t) => json!({ "kind": "newtype", "type": ty_json(t) }),
        DeclKind::Struct(fields) => json!({ "kind": "struct", "fields": fields_json(fields) }),
        DeclKind::Enum(variants) => json!({
            "kind": "enum",
            "variants": variants.iter().map(|v| {
                let (kind, body) = match &v.kind {
                    VariantKind::Unit => ("unit", Value::Null),
                    VariantKind::Tuple(tys) => ("tuple", Value::Array(tys.iter().map(ty_json).collect())),
                    VariantKind::Struct(fields) => ("struct", fields_json(fields)),
                };
                json!({ "name": v.name, "kind": kind, "fields": body, "doc": v.doc })
            }).collect::<Vec<_>>(),
        }),
    };
    let mut out = json!({ "name": decl.name, "params": decl.params, "doc": decl.doc });
    if let (Value::Object(o), Value::Object(k)) = (&mut out, kind) {
        o.extend(k);
    }
    out
}
