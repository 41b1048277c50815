//! `Option<X>` -> `Option<Box<X>>` for fields holding another generated
//! record. typify puts nested records inline, so Halo's records grow to tens
//! of kilobytes by value (AnalyzerProfile 79 KB, Faults 21 KB): enough to
//! overflow a 2 MB thread stack in a debug build. Boxed, a record is a few
//! kilobytes at most.

use syn::{Fields, ItemStruct, Type};

pub fn box_records(s: &mut ItemStruct) -> usize {
    let Fields::Named(named) = &mut s.fields else { return 0 };
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
        if p.qself.is_some() || !last.arguments.is_empty() || known.contains(&last.ident.to_string().as_str()) {
            continue;
        }
        let inner = inner.clone();
        f.ty = syn::parse_quote!(::std::option::Option<::std::boxed::Box<#inner>>);
        boxed += 1;
    }
    boxed
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
        assert_eq!(box_records(&mut s), 1);
        let out = quote::quote!(#s).to_string();
        assert!(out.contains("client : :: std :: option :: Option < :: std :: boxed :: Box < Area > >"), "{out}");
        assert!(out.contains("summary : Option < String >"), "{out}");
    }
}
