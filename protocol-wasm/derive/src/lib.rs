//! `#[derive(Wire)]`: from one Rust declaration of a protocol type, generates
//! - the bincode-2 `standard()` codec (`Encode`, `Decode`): fields in declaration order, enum
//!   variant index as `uv32`;
//! - the value mapping (`ToValue`, `FromValue`) shared by the JS facade and the JSON codec tool,
//!   in serde_json's externally tagged shape;
//! - the description (`Describe`) from which the TypeScript types are generated.
//!
//! The generated code refers to `crate::codec`, `crate::value` and `crate::describe`: the derive is
//! only used inside the protocol crate.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as Tokens};
use quote::{format_ident, quote};
use syn::{
    parse_macro_input, parse_quote, Attribute, Data, DeriveInput, Fields, GenericParam, Generics,
    Ident, LitStr, Type,
};

#[proc_macro_derive(Wire)]
pub fn derive_wire(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match expand(&input) {
        Ok(tokens) => tokens.into(),
        Err(err) => err.to_compile_error().into(),
    }
}

fn doc_of(attrs: &[Attribute]) -> String {
    let mut lines = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("doc") {
            continue;
        }
        if let syn::Meta::NameValue(nv) = &attr.meta {
            if let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) = &nv.value {
                lines.push(s.value().trim().to_string());
            }
        }
    }
    lines.join("\n")
}

fn lit(s: &str) -> LitStr {
    LitStr::new(s, Span::call_site())
}

/// Adds `P: <bound>` for every type parameter.
fn bounded(generics: &Generics, bound: Tokens) -> Generics {
    let mut g = generics.clone();
    let params: Vec<Ident> = g.type_params().map(|p| p.ident.clone()).collect();
    let wc = g.make_where_clause();
    for p in params {
        wc.predicates.push(parse_quote!(#p: #bound));
    }
    g
}

fn param_names(generics: &Generics) -> Vec<Ident> {
    generics
        .params
        .iter()
        .filter_map(|p| match p {
            GenericParam::Type(t) => Some(t.ident.clone()),
            _ => None,
        })
        .collect()
}

/// One field list (of a struct or of an enum variant).
struct FieldList {
    /// named fields have names; tuple fields get "0", "1" …
    named: bool,
    names: Vec<String>,
    types: Vec<Type>,
    docs: Vec<String>,
}

impl FieldList {
    fn from(fields: &Fields) -> FieldList {
        let mut list = FieldList {
            named: matches!(fields, Fields::Named(_)),
            names: vec![],
            types: vec![],
            docs: vec![],
        };
        for (i, f) in fields.iter().enumerate() {
            list.names.push(f.ident.as_ref().map_or(i.to_string(), |id| id.to_string()));
            list.types.push(f.ty.clone());
            list.docs.push(doc_of(&f.attrs));
        }
        list
    }

    /// Identifiers bound by a pattern over these fields.
    fn bindings(&self) -> Vec<Ident> {
        (0..self.types.len()).map(|i| format_ident!("f{}", i)).collect()
    }

    fn pattern(&self, path: Tokens) -> Tokens {
        let binds = self.bindings();
        if self.types.is_empty() {
            path
        } else if self.named {
            let names: Vec<Ident> = self.names.iter().map(|n| format_ident!("{}", n)).collect();
            quote!(#path { #(#names: #binds),* })
        } else {
            quote!(#path ( #(#binds),* ))
        }
    }

    fn encode(&self) -> Tokens {
        let binds = self.bindings();
        quote!( #( crate::codec::Encode::encode(#binds, out); )* )
    }

    /// Expression building `path { … }` from the reader, naming `owner.field` on failure.
    fn decode(&self, path: Tokens, owner: &str) -> Tokens {
        let owner = lit(owner);
        let values: Vec<Tokens> = self
            .names
            .iter()
            .map(|n| {
                let n = lit(n);
                quote!(crate::codec::Decode::decode(r).map_err(|e| e.within(#owner, #n))?)
            })
            .collect();
        if self.types.is_empty() {
            path
        } else if self.named {
            let names: Vec<Ident> = self.names.iter().map(|n| format_ident!("{}", n)).collect();
            quote!(#path { #(#names: #values),* })
        } else {
            quote!(#path ( #(#values),* ))
        }
    }

    /// Value of named fields as an object with a fixed shape.
    fn record_to_value(&self, shape_name: &str) -> Tokens {
        let binds = self.bindings();
        let keys: Vec<LitStr> = self.names.iter().map(|n| lit(n)).collect();
        let idx: Vec<usize> = (0..binds.len()).collect();
        let shape_name = lit(shape_name);
        quote!({
            static SHAPE: crate::value::Shape = crate::value::Shape::new(#shape_name, &[#(#keys),*]);
            let mut rec = o.record(&SHAPE);
            #( let v = crate::value::ToValue::to_value(#binds, o); o.field(&mut rec, &SHAPE, #idx, v); )*
            o.finish_record(rec)
        })
    }

    /// Value of tuple fields as an array.
    fn tuple_to_value(&self) -> Tokens {
        let binds = self.bindings();
        let n = binds.len();
        quote!({
            let mut arr = o.array(#n);
            #( let v = crate::value::ToValue::to_value(#binds, o); o.push(&mut arr, v); )*
            o.finish_array(arr)
        })
    }

    /// Builds `path { … }` from an object value `src`.
    fn record_from_value(&self, path: Tokens, shape_name: &str) -> Tokens {
        let keys: Vec<LitStr> = self.names.iter().map(|n| lit(n)).collect();
        let names: Vec<Ident> = self.names.iter().map(|n| format_ident!("{}", n)).collect();
        let idx: Vec<usize> = (0..names.len()).collect();
        let shape_lit = lit(shape_name);
        quote!({
            static SHAPE: crate::value::Shape = crate::value::Shape::new(#shape_lit, &[#(#keys),*]);
            if !i.is_object(&src) {
                return Err(crate::value::ConvertError::expected(
                    concat!("an object (", #shape_lit, ")"), i.describe(&src)));
            }
            #path { #( #names: crate::value::FromValue::from_value(i, i.field(&src, &SHAPE, #idx))
                .map_err(|e| e.at(#keys))?, )* }
        })
    }

    fn tuple_from_value(&self, path: Tokens, owner: &str) -> Tokens {
        let n = self.types.len();
        let binds = self.bindings();
        let idx: Vec<LitStr> = (0..n).map(|k| lit(&k.to_string())).collect();
        let owner = lit(owner);
        quote!({
            let items = i.array(&src).filter(|a| a.len() == #n).ok_or_else(|| {
                crate::value::ConvertError::expected(
                    concat!("an array of ", stringify!(#n), " items (", #owner, ")"), i.describe(&src))
            })?;
            let mut items = items.into_iter();
            #( let #binds = crate::value::FromValue::from_value(i, items.next().unwrap())
                .map_err(|e| e.at(#idx))?; )*
            #path ( #(#binds),* )
        })
    }

    fn describe_fields(&self) -> Tokens {
        let names: Vec<LitStr> = self.names.iter().map(|n| lit(n)).collect();
        let types = &self.types;
        let docs: Vec<LitStr> = self.docs.iter().map(|d| lit(d)).collect();
        quote!(vec![ #( crate::describe::Field {
            name: #names, ty: <#types as crate::describe::Describe>::ty(), doc: #docs } ),* ])
    }

    fn register_fields(&self) -> Tokens {
        let types = &self.types;
        quote!( #( <#types as crate::describe::Describe>::register(reg); )* )
    }
}

fn expand(input: &DeriveInput) -> syn::Result<Tokens> {
    let name = &input.ident;
    let name_str = name.to_string();
    let doc = lit(&doc_of(&input.attrs));
    let params = param_names(&input.generics);
    let param_lits: Vec<LitStr> = params.iter().map(|p| lit(&p.to_string())).collect();

    let g_enc = bounded(&input.generics, quote!(crate::codec::Encode));
    let g_dec = bounded(&input.generics, quote!(crate::codec::Decode));
    let g_to = bounded(&input.generics, quote!(crate::value::ToValue));
    let g_from = bounded(&input.generics, quote!(crate::value::FromValue));
    let g_desc = bounded(&input.generics, quote!(crate::describe::Describe));
    let (_, ty_generics, _) = input.generics.split_for_impl();

    // The generic declaration is described once, with placeholder types named like the params.
    let marker_ty: Tokens = if params.is_empty() {
        quote!(#name)
    } else {
        quote!(#name < #( crate::describe::params::#params ),* >)
    };
    let name_lit = lit(&name_str);

    let (encode, decode, to_value, from_value, decl, register) = match &input.data {
        Data::Struct(s) => {
            let fl = FieldList::from(&s.fields);
            let pat = fl.pattern(quote!(Self));
            let enc = fl.encode();
            let encode = quote!( let #pat = self; #enc );
            let build = fl.decode(quote!(Self), &name_str);
            let decode = quote!(Ok(#build));
            let binds = fl.bindings();
            let (to_value, from_value, decl) = if fl.types.is_empty() {
                (
                    quote!( o.null() ),
                    quote!( if i.is_null(&src) { Ok(Self {}) } else {
                        Err(crate::value::ConvertError::expected("null", i.describe(&src))) } ),
                    quote!(crate::describe::DeclKind::Unit),
                )
            } else if !fl.named && fl.types.len() == 1 {
                // newtype: transparent in every representation
                let inner = &fl.types[0];
                let f0 = &binds[0];
                (
                    quote!( let #pat = self; crate::value::ToValue::to_value(#f0, o) ),
                    quote!( Ok(Self(crate::value::FromValue::from_value(i, src)?)) ),
                    quote!(crate::describe::DeclKind::Newtype(
                        <#inner as crate::describe::Describe>::ty())),
                )
            } else if fl.named {
                let build = fl.record_to_value(&name_str);
                let from = fl.record_from_value(quote!(Self), &name_str);
                let fields = fl.describe_fields();
                (
                    quote!( let #pat = self; #build ),
                    quote!( Ok(#from) ),
                    quote!(crate::describe::DeclKind::Struct(#fields)),
                )
            } else {
                return Err(syn::Error::new_spanned(
                    name,
                    "derive(Wire): tuple structs with several fields are not used by the protocol",
                ));
            };
            let register = fl.register_fields();
            (encode, decode, to_value, from_value, decl, register)
        }
        Data::Enum(e) => {
            let count = e.variants.len();
            let variant_names: Vec<LitStr> =
                e.variants.iter().map(|v| lit(&v.ident.to_string())).collect();
            let mut enc_arms = vec![];
            let mut dec_arms = vec![];
            let mut to_arms = vec![];
            let mut from_arms = vec![];
            let mut desc_variants = vec![];
            let mut registers = vec![];
            for (index, v) in e.variants.iter().enumerate() {
                let vname = &v.ident;
                let owner = format!("{}::{}", name_str, vname);
                let idx = index as u32;
                let fl = FieldList::from(&v.fields);
                let pat = fl.pattern(quote!(Self::#vname));
                let enc = fl.encode();
                enc_arms.push(quote!( #pat => { crate::codec::write_u32(out, #idx); #enc } ));
                let build = fl.decode(quote!(Self::#vname), &owner);
                dec_arms.push(quote!( #idx => Ok(#build), ));
                let vdoc = lit(&doc_of(&v.attrs));
                let vname_lit = lit(&vname.to_string());
                let (to, from, kind) = if fl.types.is_empty() {
                    (
                        quote!( o.unit_variant(&VARIANTS, #index) ),
                        quote!( Ok(Self::#vname) ),
                        quote!(crate::describe::VariantKind::Unit),
                    )
                } else if fl.named {
                    let build = fl.record_to_value(&owner);
                    let from = fl.record_from_value(quote!(Self::#vname), &owner);
                    let fields = fl.describe_fields();
                    (
                        quote!({ let v = #build; o.tagged(&VARIANTS, #index, v) }),
                        quote!( Ok(#from) ),
                        quote!(crate::describe::VariantKind::Struct(#fields)),
                    )
                } else if fl.types.len() == 1 {
                    let f0 = &fl.bindings()[0];
                    let inner = &fl.types[0];
                    (
                        quote!({ let v = crate::value::ToValue::to_value(#f0, o);
                                 o.tagged(&VARIANTS, #index, v) }),
                        quote!( Ok(Self::#vname(crate::value::FromValue::from_value(i, src)?)) ),
                        quote!(crate::describe::VariantKind::Tuple(vec![
                            <#inner as crate::describe::Describe>::ty()])),
                    )
                } else {
                    let build = fl.tuple_to_value();
                    let from = fl.tuple_from_value(quote!(Self::#vname), &owner);
                    let types = &fl.types;
                    (
                        quote!({ let v = #build; o.tagged(&VARIANTS, #index, v) }),
                        quote!( Ok(#from) ),
                        quote!(crate::describe::VariantKind::Tuple(vec![
                            #( <#types as crate::describe::Describe>::ty() ),* ])),
                    )
                };
                to_arms.push(quote!( #pat => #to, ));
                if fl.types.is_empty() {
                    from_arms.push(quote!( #index => #from, ));
                } else {
                    from_arms.push(quote!( #index => {
                        let src = inner.ok_or_else(|| crate::value::ConvertError::expected(
                            concat!("{\"", #vname_lit, "\": …} (variant ", #vname_lit, " has fields)"),
                            #vname_lit.to_string()))?;
                        (|| -> Result<Self, crate::value::ConvertError> { #from })()
                            .map_err(|e| e.at(#vname_lit))
                    } ));
                }
                desc_variants.push(quote!( crate::describe::Variant {
                    name: #vname_lit, kind: #kind, doc: #vdoc } ));
                registers.push(fl.register_fields());
            }
            let count_u32 = count as u32;
            let encode = quote!( match self { #(#enc_arms)* } );
            let decode = quote!({
                let start = r.position();
                let tag = crate::codec::read_u32(r).map_err(|e| e.within(#name_lit, "variant index"))?;
                match tag {
                    #(#dec_arms)*
                    _ => Err(r.invalid_at(start, #name_lit, None, format!(
                        "unknown variant index {} ({} has {} variants)", tag, #name_lit, #count_u32))),
                }
            });
            let variants_static = quote!(
                static VARIANTS: crate::value::Variants =
                    crate::value::Variants::new(#name_lit, &[#(#variant_names),*]);
            );
            let to_value = quote!( #variants_static match self { #(#to_arms)* } );
            let from_value = quote!({
                #variants_static
                let (index, inner) = i.variant(&src, &VARIANTS)?;
                match index {
                    #(#from_arms)*
                    _ => unreachable!(),
                }
            });
            let decl = quote!(crate::describe::DeclKind::Enum(vec![ #(#desc_variants),* ]));
            let register = quote!( #(#registers)* );
            (encode, decode, to_value, from_value, decl, register)
        }
        Data::Union(_) => {
            return Err(syn::Error::new_spanned(name, "derive(Wire): unions are not supported"))
        }
    };

    let (ie, _, we) = g_enc.split_for_impl();
    let (id, _, wd) = g_dec.split_for_impl();
    let (it, _, wt) = g_to.split_for_impl();
    let (ifr, _, wf) = g_from.split_for_impl();
    let (ids, _, wds) = g_desc.split_for_impl();
    let ty_args: Tokens = if params.is_empty() {
        quote!(vec![])
    } else {
        quote!(vec![ #( <#params as crate::describe::Describe>::ty() ),* ])
    };

    Ok(quote! {
        impl #ie crate::codec::Encode for #name #ty_generics #we {
            #[allow(unused_variables)]
            fn encode(&self, out: &mut Vec<u8>) { #encode }
        }
        impl #id crate::codec::Decode for #name #ty_generics #wd {
            #[allow(unused_variables)]
            fn decode(r: &mut crate::codec::Reader<'_>) -> Result<Self, crate::codec::DecodeError> {
                #decode
            }
        }
        impl #it crate::value::ToValue for #name #ty_generics #wt {
            #[allow(unused_variables)]
            fn to_value<O: crate::value::ValueOut>(&self, o: &mut O) -> O::V { #to_value }
        }
        impl #ifr crate::value::FromValue for #name #ty_generics #wf {
            #[allow(unused_variables)]
            fn from_value<I: crate::value::ValueIn>(i: &I, src: I::V)
                -> Result<Self, crate::value::ConvertError> { #from_value }
        }
        impl #ids crate::describe::Describe for #name #ty_generics #wds {
            fn ty() -> crate::describe::Ty { crate::describe::Ty::Ref(#name_lit, #ty_args) }
            fn register(reg: &mut crate::describe::Registry) {
                if reg.begin(#name_lit) {
                    reg.add(crate::describe::Decl {
                        name: #name_lit,
                        params: vec![ #(#param_lits),* ],
                        doc: #doc,
                        kind: <#marker_ty as crate::describe::DescribeDecl>::decl_kind(),
                    });
                    <#marker_ty as crate::describe::DescribeDecl>::register_fields(reg);
                }
                #( <#params as crate::describe::Describe>::register(reg); )*
            }
        }
        impl #ids crate::describe::DescribeDecl for #name #ty_generics #wds {
            fn decl_kind() -> crate::describe::DeclKind { #decl }
            fn register_fields(reg: &mut crate::describe::Registry) { #register }
        }
    })
}
