//! serde's derives on record structs (named fields, all `Option`) replaced
//! by a table through `crate::codec`: `impl Record` (the field table, one
//! non-generic arm per field to read, one line per field to write), and a
//! `Deserialize`/`Serialize` of one line each that reach it through `dyn`.
//! Fields are found by binary search on a hash; Halo's payload quirks are
//! handled in codec. serde's derive costs about ten items per field, and its
//! generic code was compiled again for every deserializer in every crate
//! that decodes a record: most of the compile time of Halo's 19,784
//! properties. A struct of another shape keeps serde's derive (counted in
//! the banner): that is correct, only slower to compile.

use super::boxing::option_inner;
use super::field_names::{serde_args, wire_name};
use proc_macro2::TokenStream;
use quote::quote;
use syn::punctuated::Punctuated;
use syn::{Fields, Item, ItemStruct, Token, Type};

fn is_scalar(ty: &Type) -> bool {
    let Type::Path(p) = ty else { return false };
    let last = p.path.segments.last().unwrap().ident.to_string();
    matches!(last.as_str(), "i32" | "i64" | "f32" | "f64" | "bool" | "String" | "Uuid" | "DateTime")
}

/// For a record struct (named fields, all `Option`, serde + Default derived,
/// no container serde attributes): drops the serde derives and field
/// attributes and returns the compact impls. `None` leaves the struct as is.
pub fn compact_serde(s: &mut ItemStruct) -> Result<Option<Vec<Item>>, String> {
    let Some(impls) = compact_impls(s) else { return Ok(None) };
    syn::parse2::<syn::File>(impls)
        .map(|f| Some(f.items))
        .map_err(|e| format!("post-pass compact_serde: the impls for `{}` do not parse: {e}", s.ident))
}

fn compact_impls(s: &mut ItemStruct) -> Option<TokenStream> {
    let Fields::Named(named) = &s.fields else { return None };
    if s.attrs.iter().any(|a| a.path().is_ident("serde")) || !s.generics.params.is_empty() {
        return None;
    }
    let derive_at = s.attrs.iter().position(|a| a.path().is_ident("derive"))?;
    let derives = s.attrs[derive_at].parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated).ok()?;
    let last = |p: &syn::Path| p.segments.last().unwrap().ident.to_string();
    let names: Vec<String> = derives.iter().map(last).collect();
    if !["Deserialize", "Serialize", "Default"].iter().all(|d| names.iter().any(|n| n == d)) {
        return None;
    }
    let allowed = ["rename", "skip_serializing_if", "default"];
    for f in &named.named {
        option_inner(&f.ty)?;
        if serde_args(&f.attrs).iter().any(|(k, _)| !allowed.contains(&k.as_str())) {
            return None;
        }
    }

    // Field table, sorted by the hash of the JSON name (`field_hash`): the
    // lookup is a binary search on integers and one string comparison.
    // (JSON name, field, decoded as a lenient scalar, boxed)
    let mut fields: Vec<(String, syn::Ident, bool, bool)> = named
        .named
        .iter()
        .map(|f| {
            let (inner, boxed) = option_inner(&f.ty).unwrap();
            (wire_name(f), f.ident.clone().unwrap(), !boxed && is_scalar(inner), boxed)
        })
        .collect();
    fields.sort_by_key(|f| field_hash(&f.0));
    if fields.windows(2).any(|w| field_hash(&w[0].0) == field_hash(&w[1].0)) {
        // Two names with one hash (or one name twice): keep serde's derive.
        return None;
    }

    // Rewrite the struct: no serde derive, no serde field attributes.
    let kept: Punctuated<syn::Path, Token![,]> =
        derives.into_iter().filter(|p| !matches!(last(p).as_str(), "Deserialize" | "Serialize")).collect();
    s.attrs[derive_at] = syn::parse_quote!(#[derive(#kept)]);
    let syn::Fields::Named(named) = &mut s.fields else { unreachable!() };
    for f in named.named.iter_mut() {
        f.attrs.retain(|a| !a.path().is_ident("serde"));
    }

    let ident = &s.ident;
    let name = ident.to_string();
    let wire = fields.iter().map(|f| {
        let (h, w) = (field_hash(&f.0), &f.0);
        quote!((#h, #w))
    });
    // One arm per field, in a non-generic function: the record's code is
    // compiled once, here, whatever deserializer reads it (halo_api::codec,
    // "Records by table").
    let arms = fields.iter().enumerate().map(|(i, (_, f, scalar, _))| {
        let read = if *scalar { quote!(read_scalar) } else { quote!(read_any) };
        quote!(#i => crate::codec::#read(reader, &mut self.#f),)
    });
    let mut by_decl: Vec<_> = fields.iter().collect();
    by_decl.sort_by_key(|f| named.named.iter().position(|d| d.ident.as_ref() == Some(&f.1)));
    let puts = by_decl.iter().map(|(w, f, _, boxed)| {
        let value = if *boxed { quote!(&*self.#f) } else { quote!(&self.#f) };
        quote!(crate::codec::put_field(writer, #w, #value);)
    });
    Some(quote! {
        impl crate::codec::Record for #ident {
            const NAME: &'static str = #name;
            const FIELDS: &'static [(u64, &'static str)] = &[#(#wire),*];
            fn set_field(&mut self, index: usize, reader: &mut dyn crate::codec::Reader<'_>) {
                match index {
                    #(#arms)*
                    _ => {}
                }
            }
            fn put_fields(&self, writer: &mut dyn crate::codec::Writer) {
                #(#puts)*
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                crate::codec::deserialize_record(deserializer)
            }
        }
        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                crate::codec::serialize_record(self, serializer)
            }
        }
    })
}

/// FNV-1a (64 bits) of a JSON field name: the generated field tables are
/// sorted by it. The same function is `halo_api::codec::field_hash`; both
/// test the same known values.
pub fn field_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod field_hash_tests {
    #[test]
    fn field_hash_is_fnv1a_64() {
        assert_eq!(super::field_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(super::field_hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(super::field_hash("foobar"), 0x8594_4171_f739_67e8);
    }
}
