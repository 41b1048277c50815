//! Fields whose JSON names differ but whose Rust names collide (`Uname` has
//! `signature` and `_signature`, both `signature` to typify): each gets the
//! name `cargo xtask codegen` chose (`x-halo-rust-name`, patch
//! `rust_name_collisions`). A collision with no chosen name is an error: the
//! struct would not compile.

use serde_json::Value;
use std::collections::HashMap;
use syn::punctuated::Punctuated;
use syn::{Attribute, Fields, ItemStruct, Token};

/// JSON name -> Rust field name, from the `x-halo-rust-name` extension.
pub fn renames(doc: &Value) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for schema in doc.pointer("/components/schemas").and_then(Value::as_object).into_iter().flat_map(|s| s.values()) {
        for (wire, prop) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
            if let Some(rust) = prop.get("x-halo-rust-name").and_then(Value::as_str) {
                out.insert(wire.clone(), rust.to_string());
            }
        }
    }
    out
}

/// The JSON name of a field: its `#[serde(rename)]`, else its identifier.
pub fn wire_name(field: &syn::Field) -> String {
    serde_args(&field.attrs)
        .into_iter()
        .find_map(|(k, v)| (k == "rename").then_some(v).flatten())
        .unwrap_or_else(|| field.ident.as_ref().expect("named field").to_string())
}

/// `#[serde(a = "x", b)]` -> [("a", Some("x")), ("b", None)].
pub fn serde_args(attrs: &[Attribute]) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for a in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let Ok(metas) = a.parse_args_with(Punctuated::<syn::Meta, Token![,]>::parse_terminated) else {
            // Not `key = "value"` pairs: reported as an unknown argument.
            out.push((quote::quote!(#a).to_string(), None));
            continue;
        };
        for m in metas {
            let key = m.path().get_ident().map(|i| i.to_string()).unwrap_or_default();
            let val = match &m {
                syn::Meta::NameValue(nv) => match &nv.value {
                    syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
                    _ => None,
                },
                _ => None,
            };
            out.push((key, val));
        }
    }
    out
}

pub fn rename_collisions(s: &mut ItemStruct, renames: &HashMap<String, String>) -> Result<usize, String> {
    let Fields::Named(named) = &mut s.fields else { return Ok(0) };
    let mut count: HashMap<String, usize> = HashMap::new();
    for f in &named.named {
        *count.entry(f.ident.as_ref().expect("named field").to_string()).or_default() += 1;
    }
    let mut renamed = 0;
    for f in named.named.iter_mut() {
        if count[&f.ident.as_ref().expect("named field").to_string()] > 1
            && let Some(new) = renames.get(&wire_name(f))
        {
            f.ident = Some(syn::Ident::new(new, proc_macro2::Span::call_site()));
            renamed += 1;
        }
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(dup) = named.named.iter().map(|f| f.ident.as_ref().expect("named field")).find(|i| !seen.insert(*i)) {
        return Err(format!(
            "post-pass field_names: `{}` has two fields named `{dup}` and the document names no other for either \
             (x-halo-rust-name, patch rust_name_collisions)",
            s.ident
        ));
    }
    Ok(renamed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colliding_fields_take_the_chosen_names() {
        let mut s: ItemStruct = syn::parse_quote! {
            pub struct Uname {
                #[serde(rename = "signature")] pub signature: Option<String>,
                #[serde(rename = "_signature")] pub signature: Option<String>,
            }
        };
        let renames = HashMap::from([("_signature".to_string(), "_signature".to_string())]);
        assert_eq!(rename_collisions(&mut s, &renames).unwrap(), 1);
        let out = quote::quote!(#s).to_string();
        assert!(out.contains("pub _signature"), "{out}");
    }

    #[test]
    fn a_collision_without_a_chosen_name_is_an_error() {
        let mut s: ItemStruct = syn::parse_quote! {
            pub struct Uname { pub a: Option<String>, #[serde(rename = "A")] pub a: Option<String> }
        };
        assert!(rename_collisions(&mut s, &HashMap::new()).unwrap_err().contains("two fields named `a`"));
    }
}
