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

/// `impl crate::CustomFields` for a struct with a
/// `customfields: Option<Vec<CustomField>>` field; `None` for one without.
/// A `customfields` of another type, or a struct without `Default` to build
/// the id-and-fields-only record from, is an error.
pub fn custom_fields(s: &ItemStruct) -> Result<Option<Item>, String> {
    let ident = &s.ident;
    let Fields::Named(named) = &s.fields else { return Ok(None) };
    let field = |n: &str| named.named.iter().find(|f| f.ident.as_ref().is_some_and(|i| i == n));
    let Some(cf) = field("customfields") else { return Ok(None) };
    let why = |m: &str| format!("post-pass identity: `{ident}.customfields` {m}");
    let inner = option_inner(&cf.ty).ok_or_else(|| why("is not an Option"))?.0;
    let Type::Path(p) = inner else { return Err(why("is not Option<Vec<CustomField>>")) };
    let last = p.path.segments.last().ok_or_else(|| why("is not Option<Vec<CustomField>>"))?;
    let is_vec_of_custom_field = last.ident == "Vec"
        && matches!(&last.arguments, syn::PathArguments::AngleBracketed(a)
            if matches!(a.args.first(), Some(syn::GenericArgument::Type(Type::Path(t)))
                if t.path.segments.last().is_some_and(|s| s.ident == "CustomField")));
    if !is_vec_of_custom_field {
        return Err(why("is not Option<Vec<CustomField>>"));
    }
    let derives_default = s.attrs.iter().any(|a| {
        a.path().is_ident("derive") && a.meta.require_list().is_ok_and(|l| l.tokens.to_string().contains("Default"))
    });
    if !derives_default {
        return Err(why("is on a struct without Default"));
    }
    let id = field("id").map(|_| quote!(id: self.id.clone(),));
    syn::parse2(quote! {
        impl crate::CustomFields for #ident {
            fn custom_field_entries(&self) -> ::std::vec::Vec<crate::FieldRef<'_>> {
                self.customfields.iter().flatten().map(|f| crate::FieldRef {
                    id: f.id.map(i64::from),
                    name: f.name.as_deref(),
                    label: f.label.as_deref(),
                    value: f.value.as_ref().filter(|v| !v.is_null()),
                }).collect()
            }
            fn set_custom_field_value(&mut self, index: usize, value: ::serde_json::Value) {
                if let Some(f) = self.customfields.as_mut().and_then(|a| a.get_mut(index)) {
                    f.value = Some(value);
                }
            }
            fn push_custom_field(&mut self, id: i64, name: &str, value: ::serde_json::Value) {
                self.customfields.get_or_insert_with(::std::vec::Vec::new).push(CustomField {
                    id: i32::try_from(id).ok(),
                    name: Some(name.to_string()),
                    value: Some(value),
                    ..::std::default::Default::default()
                });
            }
            fn only_custom_fields(&self) -> Self {
                Self { #id customfields: self.customfields.clone(), ..::std::default::Default::default() }
            }
        }
    })
    .map(Some)
    .map_err(|e| format!("post-pass identity: the CustomFields impl for `{ident}` does not parse: {e}"))
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

    #[test]
    fn custom_fields_of_the_known_shape_only() {
        let ok: ItemStruct = syn::parse_quote! {
            #[derive(Clone, Debug, Default)]
            pub struct Faults { pub id: Option<i32>, pub customfields: ::std::option::Option<::std::vec::Vec<CustomField>> }
        };
        let i = custom_fields(&ok).unwrap().unwrap();
        let text = quote!(#i).to_string();
        assert!(text.contains("impl crate :: CustomFields for Faults"), "{text}");
        assert!(text.contains("id : self . id . clone ()"), "{text}");
        let none: ItemStruct = syn::parse_quote! { #[derive(Default)] pub struct Status { pub id: Option<i32> } };
        assert!(custom_fields(&none).unwrap().is_none());
        let odd: ItemStruct =
            syn::parse_quote! { #[derive(Default)] pub struct Odd { pub customfields: Option<String> } };
        assert!(custom_fields(&odd).unwrap_err().contains("`Odd.customfields` is not Option<Vec<CustomField>>"));
        let no_default: ItemStruct = syn::parse_quote! { pub struct Nd { pub customfields: Option<Vec<CustomField>> } };
        assert!(custom_fields(&no_default).unwrap_err().contains("without Default"));
    }
}
