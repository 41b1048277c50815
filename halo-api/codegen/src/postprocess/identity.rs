//! `impl crate::Identified` for every generated struct: its `id` as an
//! integer when it has an integer (or whole-number) `id` field, else `None`.
//! halo-api-ext's list streams use it to yield each record once while
//! Halo's offset paging shifts under them.

use super::boxing::option_inner;
use quote::quote;
use syn::{Fields, Item, ItemStruct, Type};

pub fn identified(s: &ItemStruct) -> Result<Item, String> {
    let ident = &s.ident;
    let id_type = match &s.fields {
        Fields::Named(named) => named.named.iter().find(|f| f.ident.as_ref().is_some_and(|i| i == "id")).map(|f| &f.ty),
        _ => None,
    };
    let inner = id_type.and_then(option_inner).and_then(|(t, boxed)| (!boxed).then_some(t)).and_then(|t| match t {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    });
    let body = match inner.as_deref() {
        Some("i32" | "i64") => quote!(self.id.map(i64::from)),
        Some("f64") => quote!(self.id.and_then(crate::identified::whole)),
        _ => quote!(None),
    };
    syn::parse2(quote! {
        impl crate::Identified for #ident {
            fn id_value(&self) -> ::std::option::Option<i64> {
                #body
            }
        }
    })
    .map_err(|e| format!("post-pass identity: the impl for `{ident}` does not parse: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_ids_are_read_and_other_ids_are_none() {
        let out = |s: ItemStruct| {
            let i = identified(&s).unwrap();
            quote!(#i).to_string()
        };
        let a = out(syn::parse_quote! { pub struct Faults { pub id: ::std::option::Option<i32> } });
        assert!(a.contains("self . id . map (i64 :: from)"), "{a}");
        let b = out(syn::parse_quote! { pub struct Priority { pub id: Option<::uuid::Uuid> } });
        assert!(b.contains("{ None }"), "{b}");
        let c = out(syn::parse_quote! { pub struct NoId { pub name: Option<String> } });
        assert!(c.contains("{ None }"), "{c}");
    }
}
