//! progenitor's operation builders check parameters with a closure in every
//! setter and a `?` per parameter in `send`. Made plain calls:
//! - in setters, `.map_err(|_| "message".to_string())` ->
//!   `crate::support::conversion(.., "message")`;
//! - in `send`, `let p = p.map_err(Error::InvalidRequest)?;` for each
//!   parameter -> `let p = crate::support::take(p, &mut invalid);`, with one
//!   check after the last.
//!
//! The same behaviour (the first conversion error fails the operation with
//! `InvalidRequest`) with far less for the compiler to check on Halo's
//! ~4,500 parameters. Body setters that quote the conversion's error
//! (`|s| format!(.., s)`, `|e| e.to_string()`) are kept; a `map_err` closure of any other form is
//! an error.

use syn::Item;
use syn::visit_mut::VisitMut;

#[derive(Default)]
struct PlainCalls {
    closures: usize,
    checks: usize,
    unknown: Vec<String>,
}

/// Returns (setter closures, parameter checks) rewritten.
pub fn plain_calls(items: &mut [Item]) -> Result<(usize, usize), String> {
    let mut pass = PlainCalls::default();
    items.iter_mut().for_each(|i| pass.visit_item_mut(i));
    match pass.unknown.first() {
        None => Ok((pass.closures, pass.checks)),
        Some(u) => Err(format!(
            "post-pass setters: a `map_err` closure of a form it does not know ({} places), e.g. `{u}`",
            pass.unknown.len()
        )),
    }
}

impl VisitMut for PlainCalls {
    fn visit_expr_mut(&mut self, e: &mut syn::Expr) {
        syn::visit_mut::visit_expr_mut(self, e);
        let syn::Expr::MethodCall(call) = e else { return };
        if call.method != "map_err" || call.args.len() != 1 {
            return;
        }
        let syn::Expr::Closure(c) = &call.args[0] else { return };
        // |_| "literal".to_string()
        let literal = match &*c.body {
            syn::Expr::MethodCall(body) if body.method == "to_string" && c.inputs.len() == 1 => match &*body.receiver {
                syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(msg), .. }) => Some(msg.clone()),
                _ => None,
            },
            _ => None,
        };
        let Some(msg) = literal else {
            // `|s| format!("conversion to `X` for body failed: {}", s)` and
            // `|e| e.to_string()`: body setters and `body_map` of a record
            // type quote the conversion's error. Kept.
            let quotes_error = match &*c.body {
                syn::Expr::Macro(m) => m.mac.path.is_ident("format"),
                syn::Expr::MethodCall(m) => m.method == "to_string" && matches!(&*m.receiver, syn::Expr::Path(_)),
                _ => false,
            };
            if !quotes_error {
                self.unknown.push(quote::quote!(#call).to_string());
            }
            return;
        };
        let receiver = &call.receiver;
        *e = syn::parse_quote!(crate::support::conversion(#receiver, #msg));
        self.closures += 1;
    }

    fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
        syn::visit_mut::visit_impl_item_fn_mut(self, f);
        if f.sig.ident != "send" {
            return;
        }
        let mut first = None;
        let mut last = None;
        for (i, stmt) in f.block.stmts.iter_mut().enumerate() {
            let syn::Stmt::Local(local) = stmt else { continue };
            let Some(init) = &mut local.init else { continue };
            let syn::Expr::Try(t) = &*init.expr else { continue };
            let syn::Expr::MethodCall(call) = &*t.expr else { continue };
            let is_invalid_request = call.method == "map_err"
                && call.args.len() == 1
                && matches!(&call.args[0], syn::Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "InvalidRequest"))
                && matches!(&*call.receiver, syn::Expr::Path(_));
            if !is_invalid_request {
                continue;
            }
            let receiver = &call.receiver;
            *init.expr = syn::parse_quote!(crate::support::take(#receiver, &mut invalid));
            first.get_or_insert(i);
            last = Some(i);
            self.checks += 1;
        }
        if let (Some(first), Some(last)) = (first, last) {
            f.block.stmts.insert(
                last + 1,
                syn::parse_quote! {
                    if let Some(e) = invalid {
                        return Err(Error::InvalidRequest(e));
                    }
                },
            );
            f.block.stmts.insert(first, syn::parse_quote!(let mut invalid: Option<String> = None;));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setter_closures_and_send_checks_become_plain_calls() {
        let mut items: Vec<Item> = vec![syn::parse_quote! {
            impl<'a> GetTickets<'a> {
                pub fn client_id<V>(mut self, value: V) -> Self where V: std::convert::TryInto<i32> {
                    self.client_id = value.try_into().map(Some).map_err(|_| "conversion to `i32` for client_id failed".to_string());
                    self
                }
                pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> {
                    let Self { client, client_id } = self;
                    let client_id = client_id.map_err(Error::InvalidRequest)?;
                    Ok(())
                }
            }
        }];
        assert_eq!(plain_calls(&mut items).unwrap(), (1, 1));
        let out = quote::quote!(#(#items)*).to_string();
        assert!(out.contains("crate :: support :: conversion (value . try_into () . map (Some) , \"conversion to `i32` for client_id failed\")"), "{out}");
        assert!(out.contains("crate :: support :: take (client_id , & mut invalid)"), "{out}");
        assert!(out.contains("if let Some (e) = invalid"), "{out}");
    }

    #[test]
    fn an_unknown_closure_is_an_error() {
        let mut items: Vec<Item> = vec![syn::parse_quote! {
            fn f(v: Result<i32, (u8,)>) { v.map_err(|e| e.0); }
        }];
        assert!(plain_calls(&mut items).unwrap_err().contains("map_err"));
    }
}
