//! Each operation builder's `async fn send`, as progenitor writes it, made
//! into three parts:
//! - `fn prepare(self)`: the plain code before the exchange (parameter
//!   checks, URL, query, headers, body), as progenitor wrote it;
//! - `impl crate::Operation for X`: the operation's name (`ID`), the
//!   query parameters it declares (`QUERY`, Halo's names, read off
//!   `prepare`'s `QueryParam::new("name", ..)` calls) and `build_request`, `prepare` with its error named: what halo-api-ext
//!   builds its named actions on;
//! - `send`: `build_request`, then one shared async exchange in
//!   `crate::support`, which hands the request to the client's transport and
//!   decodes a success. Every generated operation takes this one path.
//!
//! Why not keep `async fn send`: an `async fn` per operation made rustc
//! build, type-check and transform 1,324 large coroutines (measured: a
//! quarter of halo-api's compile time); and progenitor's exchange reads the
//! answer outside any policy (no size bound, no repeat of a cut-off GET).
//!
//! A `send` whose exchange is not one of the two shapes below (a 200 decoded,
//! or a 200 with no body) is an error naming the builder: the build stops
//! rather than keep a second request path.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Item;

/// Splits every builder's `send`; answers how many. Fails on the first
/// builder it cannot split, and when a builder struct has no `send`.
pub fn split_sends(items: &mut Vec<Item>) -> Result<usize, String> {
    let builders: Vec<String> = items
        .iter()
        .filter_map(|i| match i {
            Item::Struct(s) if s.generics.lifetimes().count() == 1 => Some(s.ident.to_string()),
            _ => None,
        })
        .collect();
    let mut out = Vec::with_capacity(items.len() + builders.len());
    let mut split = Vec::new();
    for item in items.drain(..) {
        let Item::Impl(mut imp) = item else {
            out.push(item);
            continue;
        };
        let has_send = imp.items.iter().any(|i| matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "send"));
        if imp.trait_.is_some() || !has_send {
            out.push(Item::Impl(imp));
            continue;
        }
        let name = self_name(&imp);
        let operation = split_one(&mut imp).map_err(|why| format!("post-pass operations: builder `{name}`: {why}"))?;
        out.push(Item::Impl(imp.clone()));
        out.push(Item::Impl(operation));
        split.push(name);
    }
    *items = out;
    if let Some(missing) = builders.iter().find(|b| !split.contains(b)) {
        return Err(format!("post-pass operations: builder `{missing}` has no `send` to split"));
    }
    Ok(split.len())
}

fn self_name(imp: &syn::ItemImpl) -> String {
    match &*imp.self_ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default(),
        t => quote!(#t).to_string(),
    }
}

/// Rewrites `imp`'s `send` in place and answers the `Operation` impl.
fn split_one(imp: &mut syn::ItemImpl) -> Result<syn::ItemImpl, String> {
    if imp.items.iter().any(|i| matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "prepare")) {
        return Err("it already has a method `prepare`".into());
    }
    let at = imp
        .items
        .iter()
        .position(|i| matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "send"))
        .expect("caller checked");
    let syn::ImplItem::Fn(send) = &imp.items[at] else { unreachable!() };
    if send.sig.asyncness.is_none() {
        return Err("`send` is not async".into());
    }
    let stmts = &send.block.stmts;
    let info_at = stmts
        .iter()
        .position(|s| matches!(s, syn::Stmt::Local(l) if matches!(&l.pat, syn::Pat::Ident(p) if p.ident == "info")))
        .ok_or("no `let info = OperationInfo { .. }` in `send`")?;
    let syn::Stmt::Local(info) = &stmts[info_at] else { unreachable!() };
    let Some(syn::Expr::Struct(info)) = info.init.as_ref().map(|i| &*i.expr) else {
        return Err("`info` is not an OperationInfo literal".into());
    };
    let operation = info
        .fields
        .iter()
        .find_map(|f| match (&f.member, &f.expr) {
            (syn::Member::Named(n), syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }))
                if n == "operation_id" =>
            {
                Some(s.clone())
            }
            _ => None,
        })
        .ok_or("OperationInfo has no literal operation_id")?;
    let tail = &stmts[info_at + 1..];
    let tail = quote!(#(#tail)*).to_string();
    let run = if tail == exchange_tail(quote!(ResponseValue::from_response(response).await)).to_string() {
        quote!(crate::support::exchange_decoded)
    } else if tail == exchange_tail(quote!(Ok(ResponseValue::empty(response)))).to_string() {
        quote!(crate::support::exchange_empty)
    } else {
        return Err(format!("`send` answers in a way it does not know: {tail}"));
    };
    let answer = answer_type(&send.sig.output)?;
    let prepare = &stmts[..info_at];
    let query = query_names(prepare)?;
    let attrs = &send.attrs;
    let prepare: syn::ImplItemFn = syn::parse_quote! {
        fn prepare(self) -> Result<(&'a super::Client, ::reqwest::Request), Error<()>> {
            #(#prepare)*
            Ok((client, request))
        }
    };
    let send: syn::ImplItemFn = syn::parse_quote! {
        #(#attrs)*
        pub fn send(self) -> impl ::std::future::Future<Output = Result<ResponseValue<#answer>, crate::HaloError>> + 'a {
            #run(crate::Operation::build_request(self), #operation)
        }
    };
    imp.items[at] = syn::ImplItem::Fn(send);
    imp.items.insert(at, syn::ImplItem::Fn(prepare));
    let (generics, ty) = (&imp.generics, &imp.self_ty);
    Ok(syn::parse_quote! {
        impl #generics crate::Operation<'a> for #ty {
            const ID: &'static str = #operation;
            const QUERY: &'static [&'static str] = &[#(#query),*];
            fn build_request(self) -> Result<(&'a super::Client, ::reqwest::Request), crate::HaloError> {
                crate::support::prepared(self.prepare(), #operation)
            }
        }
    })
}

/// Halo's names of the query parameters `prepare` sends: the first
/// argument of each `QueryParam::new(..)`, which must be a string literal.
fn query_names(prepare: &[syn::Stmt]) -> Result<Vec<String>, String> {
    struct Names(Vec<String>, Option<String>);
    impl<'ast> syn::visit::Visit<'ast> for Names {
        fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
            if let syn::Expr::Path(p) = &*call.func {
                let segs: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
                if segs.ends_with(&["QueryParam".to_string(), "new".to_string()]) {
                    match call.args.first() {
                        Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. })) => self.0.push(s.value()),
                        other => {
                            self.1 =
                                Some(format!("QueryParam::new with a name that is not a literal: {}", quote!(#other)))
                        }
                    }
                }
            }
            syn::visit::visit_expr_call(self, call);
        }
    }
    let mut names = Names(Vec::new(), None);
    for s in prepare {
        syn::visit::Visit::visit_stmt(&mut names, s);
    }
    match names.1 {
        Some(e) => Err(e),
        None => Ok(names.0),
    }
}

/// The statements progenitor writes after `let info = ..`, answering `arm`
/// for a 200 and `UnexpectedResponse` for anything else.
fn exchange_tail(arm: TokenStream) -> TokenStream {
    quote! {
        client.pre(&mut request, &info).await?;
        let result = client.exec(request, &info).await;
        client.post(&result, &info).await?;
        let response = result?;
        match response.status().as_u16() {
            200u16 => { #arm }
            _ => Err(Error::UnexpectedResponse(response)),
        }
    }
}

/// `T` of `-> Result<ResponseValue<T>, Error<()>>`.
fn answer_type(output: &syn::ReturnType) -> Result<syn::Type, String> {
    let unknown = || format!("`send` returns `{}`, not Result<ResponseValue<T>, Error<()>>", quote!(#output));
    let syn::ReturnType::Type(_, ty) = output else { return Err(unknown()) };
    let args = |ty: &syn::Type, name: &str| -> Option<Vec<syn::Type>> {
        let syn::Type::Path(p) = ty else { return None };
        let last = p.path.segments.last()?;
        if last.ident != name {
            return None;
        }
        let syn::PathArguments::AngleBracketed(a) = &last.arguments else { return None };
        a.args
            .iter()
            .map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            })
            .collect()
    };
    let result = args(ty, "Result").filter(|r| r.len() == 2).ok_or_else(unknown)?;
    let error = args(&result[1], "Error").ok_or_else(unknown)?;
    if quote!(#(#error)*).to_string() != "()" {
        return Err(unknown());
    }
    let value = args(&result[0], "ResponseValue").filter(|v| v.len() == 1).ok_or_else(unknown)?;
    Ok(value[0].clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder(answer: TokenStream, arm: TokenStream) -> Vec<Item> {
        vec![
            syn::parse_quote! {
                pub struct GetTicketsById<'a> { client: &'a super::Client, id: Result<i32, String> }
            },
            syn::parse_quote! {
                impl<'a> GetTicketsById<'a> {
                    ///Sends a `GET` request to `/Tickets/{id}`
                    pub async fn send(self) -> Result<ResponseValue<#answer>, Error<()>> {
                        let Self { client, id } = self;
                        let url = format!("{}/Tickets/{}", client.baseurl, id);
                        #[allow(unused_mut)]
                        let mut request = client.client.get(url).query(&progenitor_client::QueryParam::new("includedetails", &id)).build()?;
                        let info = OperationInfo { operation_id: "get_tickets_by_id" };
                        client.pre(&mut request, &info).await?;
                        let result = client.exec(request, &info).await;
                        client.post(&result, &info).await?;
                        let response = result?;
                        match response.status().as_u16() {
                            200u16 => { #arm }
                            _ => Err(Error::UnexpectedResponse(response)),
                        }
                    }
                }
            },
        ]
    }

    fn split(mut items: Vec<Item>) -> Result<(usize, String), String> {
        let n = split_sends(&mut items)?;
        Ok((n, quote!(#(#items)*).to_string()))
    }

    #[test]
    fn a_decoded_send_becomes_prepare_an_operation_and_the_shared_exchange() {
        let (n, out) =
            split(builder(quote!(types::Faults), quote!(ResponseValue::from_response(response).await))).unwrap();
        assert_eq!(n, 1);
        assert!(
            out.contains(
                "fn prepare (self) -> Result < (& 'a super :: Client , :: reqwest :: Request) , Error < () > >"
            ),
            "{out}"
        );
        assert!(out.contains("impl < 'a > crate :: Operation < 'a > for GetTicketsById < 'a >"), "{out}");
        assert!(out.contains("const ID : & 'static str = \"get_tickets_by_id\""), "{out}");
        assert!(out.contains("const QUERY : & 'static [& 'static str] = & [\"includedetails\"]"), "{out}");
        assert!(out.contains("crate :: support :: prepared (self . prepare () , \"get_tickets_by_id\")"), "{out}");
        assert!(
            out.contains(
                "crate :: support :: exchange_decoded (crate :: Operation :: build_request (self) , \"get_tickets_by_id\")"
            ),
            "{out}"
        );
        assert!(out.contains("Output = Result < ResponseValue < types :: Faults > , crate :: HaloError >"), "{out}");
        assert!(out.contains("Sends a `GET` request to `/Tickets/{id}`\"] pub fn send"), "{out}");
        assert!(!out.contains("async") && !out.contains("client . pre"), "{out}");
    }

    #[test]
    fn an_empty_send_uses_the_empty_exchange() {
        let (_, out) = split(builder(quote!(()), quote!(Ok(ResponseValue::empty(response))))).unwrap();
        assert!(
            out.contains("crate :: support :: exchange_empty (crate :: Operation :: build_request (self)"),
            "{out}"
        );
    }

    #[test]
    fn a_send_that_answers_differently_stops_the_build() {
        let e = split(builder(quote!(()), quote!(Ok(ResponseValue::stream(response))))).unwrap_err();
        assert!(e.contains("builder `GetTicketsById`") && e.contains("does not know"), "{e}");
    }

    #[test]
    fn a_query_parameter_named_by_anything_but_a_literal_stops_the_build() {
        let stmts: Vec<syn::Stmt> = vec![syn::parse_quote! {
            let request = client.client.get(url).query(&progenitor_client::QueryParam::new(NAME, &id)).build()?;
        }];
        let e = query_names(&stmts).unwrap_err();
        assert!(e.contains("not a literal") && e.contains("NAME"), "{e}");
        let stmts: Vec<syn::Stmt> = vec![syn::parse_quote! {
            let request = client.client.get(url)
                .query(&progenitor_client::QueryParam::new("a", &a))
                .query(&progenitor_client::QueryParam::new("b", &b)).build()?;
        }];
        assert_eq!(query_names(&stmts).unwrap(), ["a", "b"]);
    }

    #[test]
    fn a_builder_without_send_stops_the_build() {
        let items = vec![syn::parse_quote! { pub struct Orphan<'a> { client: &'a super::Client } }];
        assert!(split(items).unwrap_err().contains("`Orphan` has no `send`"));
    }

    #[test]
    fn a_send_with_another_error_type_stops_the_build() {
        let mut items = builder(quote!(()), quote!(Ok(ResponseValue::empty(response))));
        let Item::Impl(imp) = &mut items[1] else { unreachable!() };
        let syn::ImplItem::Fn(f) = &mut imp.items[0] else { unreachable!() };
        f.sig.output = syn::parse_quote!(-> Result<ResponseValue<()>, Error<types::Problem>>);
        assert!(split(items).unwrap_err().contains("not Result<ResponseValue<T>, Error<()>>"));
    }
}
