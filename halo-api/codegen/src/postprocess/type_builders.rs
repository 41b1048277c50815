//! typify's per-type builders (`types::builder`), ~5x the code of the types
//! themselves: removed, and progenitor's operation builders pointed at the
//! plain types (`body_map` then takes `types::X`).

use syn::Item;
use syn::visit_mut::VisitMut;

/// Removes `mod builder` and every `impl X { fn builder() }` from `types`.
pub fn strip(items: &mut Vec<Item>) -> usize {
    let before = items.len();
    items.retain(|i| match i {
        Item::Mod(m) => m.ident != "builder",
        Item::Impl(imp) => {
            !(imp.trait_.is_none()
                && imp.items.len() == 1
                && matches!(&imp.items[0], syn::ImplItem::Fn(f) if f.sig.ident == "builder"))
        }
        _ => true,
    });
    before - items.len()
}

/// `types::builder::X` -> `types::X` in the operation builders. Fails if a
/// path into typify's builders remains in a form it did not rewrite.
pub fn retarget(items: &mut [Item]) -> Result<(), String> {
    struct Retarget(Vec<String>);
    impl VisitMut for Retarget {
        fn visit_path_mut(&mut self, p: &mut syn::Path) {
            let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
            if segs.len() >= 3 && segs[0] == "types" && segs[1] == "builder" {
                p.segments = p.segments.iter().enumerate().filter(|(i, _)| *i != 1).map(|(_, s)| s.clone()).collect();
            } else if segs.iter().any(|s| s == "builder") && segs.iter().any(|s| s == "types") {
                self.0.push(segs.join("::"));
            }
            syn::visit_mut::visit_path_mut(self, p);
        }
    }
    let mut pass = Retarget(Vec::new());
    items.iter_mut().for_each(|i| pass.visit_item_mut(i));
    match pass.0.first() {
        None => Ok(()),
        Some(p) => Err(format!(
            "post-pass type_builders: `{p}` points into typify's builders in a form it does not rewrite ({} places)",
            pass.0.len()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_into_type_builders_become_plain_types() {
        let mut items: Vec<Item> = vec![syn::parse_quote! {
            fn body_map(f: impl FnOnce(types::builder::Faults) -> types::builder::Faults) {}
        }];
        retarget(&mut items).unwrap();
        let out = quote::quote!(#(#items)*).to_string();
        assert!(out.contains("types :: Faults") && !out.contains("builder"), "{out}");
    }

    #[test]
    fn an_unknown_path_into_them_is_an_error() {
        let mut items: Vec<Item> = vec![syn::parse_quote! { fn f(x: super::types::builder::Faults) {} }];
        assert!(retarget(&mut items).unwrap_err().contains("super::types::builder::Faults"));
    }
}
