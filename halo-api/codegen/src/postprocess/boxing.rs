//! `Option<X>` -> `Option<Box<X>>` for fields holding another generated
//! record. typify puts nested records inline, so Halo's records grow to tens
//! of kilobytes by value (AnalyzerProfile 79 KB, Faults 21 KB): enough to
//! overflow a 2 MB thread stack in a debug build. Boxed, a record is a few
//! kilobytes at most.
//!
//! A field's type is either a plain value (the list below: kept) or a type
//! of the generated `types` module (boxed). Any other type is an error that
//! names the struct, the field and the type: the build stops rather than
//! guess.

use std::collections::HashSet;
use syn::{Fields, ItemStruct, Type};

/// Boxes `s`'s optional fields of a generated type (`generated`: the names
/// in `types`); answers how many.
pub fn box_records(s: &mut ItemStruct, generated: &HashSet<String>) -> Result<usize, String> {
    let Fields::Named(named) = &mut s.fields else { return Ok(0) };
    let mut boxed = 0;
    for f in named.named.iter_mut() {
        let Some((inner, false)) = option_inner(&f.ty) else { continue };
        let Type::Path(p) = inner else { continue };
        let last = p.path.segments.last().unwrap();
        let known = [
            "String",
            "Vec",
            "Value",
            "Map",
            "HashMap",
            "BTreeMap",
            "DateTime",
            "Uuid",
            "NaiveDate",
            "Box",
            "i8",
            "i16",
            "i32",
            "i64",
            "u8",
            "u16",
            "u32",
            "u64",
            "f32",
            "f64",
            "bool",
        ];
        let name = last.ident.to_string();
        if p.qself.is_none() && known.contains(&name.as_str()) {
            continue;
        }
        if p.qself.is_some() || !last.arguments.is_empty() || !generated.contains(&name) {
            let field = f.ident.as_ref().map(|i| i.to_string()).unwrap_or_default();
            return Err(format!(
                "post-pass boxing: `{}.{field}` is `Option<{}>`, neither a plain value nor a generated type",
                s.ident,
                quote::quote!(#inner)
            ));
        }
        let inner = inner.clone();
        f.ty = syn::parse_quote!(::std::option::Option<::std::boxed::Box<#inner>>);
        boxed += 1;
    }
    Ok(boxed)
}

/// `T` of a field typed `Option<T>`, or `Box<Option<T>>` (typify boxes
/// recursive references), with whether it is boxed.
pub fn option_inner(ty: &Type) -> Option<(&Type, bool)> {
    fn generic_arg<'a>(ty: &'a Type, wrapper: &str) -> Option<&'a Type> {
        let Type::Path(p) = ty else { return None };
        let last = p.path.segments.last()?;
        if last.ident != wrapper {
            return None;
        }
        match &last.arguments {
            syn::PathArguments::AngleBracketed(a) => match a.args.first()? {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            },
            _ => None,
        }
    }
    match generic_arg(ty, "Box") {
        Some(inner) => generic_arg(inner, "Option").map(|t| (t, true)),
        None => generic_arg(ty, "Option").map(|t| (t, false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_records_are_boxed_and_plain_values_are_not() {
        let mut s: ItemStruct = syn::parse_quote! {
            pub struct Faults {
                pub client: Option<Area>,
                pub summary: Option<String>,
                pub lines: Option<Vec<Line>>,
                pub parent: Box<Option<Faults>>,
            }
        };
        let generated = HashSet::from(["Area".to_string(), "Line".to_string(), "Faults".to_string()]);
        assert_eq!(box_records(&mut s, &generated), Ok(1));
        let out = quote::quote!(#s).to_string();
        assert!(out.contains("client : :: std :: option :: Option < :: std :: boxed :: Box < Area > >"), "{out}");
        assert!(out.contains("summary : Option < String >"), "{out}");
    }

    #[test]
    fn a_type_it_does_not_know_is_an_error() {
        let mut s: ItemStruct = syn::parse_quote! { pub struct Faults { pub odd: Option<Mystery> } };
        let e = box_records(&mut s, &HashSet::new()).unwrap_err();
        assert!(e.contains("`Faults.odd` is `Option<Mystery>`"), "{e}");
        let mut s: ItemStruct = syn::parse_quote! { pub struct Faults { pub odd: Option<Wrapper<i32>> } };
        assert!(box_records(&mut s, &HashSet::from(["Wrapper".to_string()])).is_err());
    }
}
