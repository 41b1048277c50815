//! A syn pass over progenitor's output. Three jobs, each counted:
//!
//! 1. Strip typify's per-type builders (`types::builder`, ~5x the code) and
//!    point progenitor's operation builders at the plain types instead:
//!    `body_map` then takes `types::X`.
//! 2. Give colliding fields the names `cargo xtask codegen` chose
//!    (`x-halo-rust-name`, e.g. `Uname::_signature` beside `Uname::signature`).
//! 3. Replace serde's derives on record structs (all fields optional) by a
//!    compact implementation through `crate::codec`: one arm per field,
//!    fields found by binary search, Halo's payload quirks handled there.
//!    serde's derive costs about ten items per field, which is most of the
//!    compile time of Halo's 19,784 properties.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;
use std::collections::HashMap;
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
use syn::{Attribute, Fields, Item, ItemStruct, Token, Type};

#[derive(Default)]
pub struct Stats {
    type_builders_removed: usize,
    compact_structs: usize,
    derived_structs: usize,
    renamed_fields: usize,
    setter_closures: usize,
    send_checks: usize,
    boxed_fields: usize,
    sends_split: usize,
    sends_kept: usize,
}

impl std::fmt::Display for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(
            f,
            "Post-pass: {} type builders removed, {} structs with compact serde, {} kept serde's derive, {} fields renamed, \
             {} setter closures and {} parameter checks made plain calls, {} record fields boxed, \
             {} sends split into a plain request builder and a shared exchange ({} kept as generated).",
            self.type_builders_removed,
            self.compact_structs,
            self.derived_structs,
            self.renamed_fields,
            self.setter_closures,
            self.send_checks,
            self.boxed_fields,
            self.sends_split,
            self.sends_kept
        )
    }
}

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

pub fn run(file: &mut syn::File, renames: &HashMap<String, String>) -> Stats {
    let mut stats = Stats::default();
    for item in &mut file.items {
        let Item::Mod(m) = item else { continue };
        let Some((_, items)) = &mut m.content else { continue };
        match m.ident.to_string().as_str() {
            "types" => types(items, renames, &mut stats),
            "builder" => {
                let mut pass = OperationBuilders::default();
                items.iter_mut().for_each(|i| pass.visit_item_mut(i));
                stats.setter_closures = pass.setter_closures;
                stats.send_checks = pass.send_checks;
                stats.sends_split = pass.sends_split;
                stats.sends_kept = pass.sends_kept;
            }
            _ => {}
        }
    }
    stats
}

fn types(items: &mut Vec<Item>, renames: &HashMap<String, String>, stats: &mut Stats) {
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
    stats.type_builders_removed = before - items.len();
    let mut extra = Vec::new();
    for item in items.iter_mut() {
        if let Item::Struct(s) = item {
            stats.renamed_fields += rename_collisions(s, renames);
            stats.boxed_fields += box_records(s);
            match compact_serde(s) {
                Some(impls) => {
                    extra.push(syn::parse2::<syn::File>(impls).expect("generated impls parse").items);
                    stats.compact_structs += 1;
                }
                None => stats.derived_structs += 1,
            }
        }
    }
    items.extend(extra.into_iter().flatten());
}

/// progenitor's operation builders (module `builder`):
/// - `types::builder::X` -> `types::X` (typify's builders are gone);
/// - in setters, `.map_err(|_| "message".to_string())` ->
///   `crate::support::conversion(.., "message")`;
/// - in `send`, `let p = p.map_err(Error::InvalidRequest)?;` for each
///   parameter -> `let p = crate::support::take(p, &mut invalid);` with one
///   check after the last.
/// - `async fn send` -> `fn build_request` (plain code: checks, URL, query,
///   headers, body) and a `send` that hands the request to one shared async
///   exchange in `crate::support`. An `async fn` per operation made rustc
///   build, type-check and transform 1,324 large coroutines: measured, a
///   quarter of halo-api's compile time.
#[derive(Default)]
struct OperationBuilders {
    setter_closures: usize,
    send_checks: usize,
    sends_split: usize,
    sends_kept: usize,
}

impl OperationBuilders {
    fn split_send(&mut self, imp: &mut syn::ItemImpl) {
        let Some(at) = imp.items.iter().position(|i| matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "send")) else {
            return;
        };
        let taken = imp.items.iter().any(|i| matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "build_request"));
        let syn::ImplItem::Fn(send) = &imp.items[at] else { unreachable!() };
        match split(send).filter(|_| !taken) {
            Some((build, send)) => {
                imp.items[at] = syn::ImplItem::Fn(send);
                imp.items.insert(at, syn::ImplItem::Fn(build));
                self.sends_split += 1;
            }
            None => self.sends_kept += 1,
        }
    }
}

/// `send` as progenitor writes it ends with the same five statements after
/// `let info = OperationInfo { .. }`, answering either the decoded body of
/// a 200 or an empty one. Anything else is left alone.
fn split(send: &syn::ImplItemFn) -> Option<(syn::ImplItemFn, syn::ImplItemFn)> {
    send.sig.asyncness?;
    let stmts = &send.block.stmts;
    let at = stmts
        .iter()
        .position(|s| matches!(s, syn::Stmt::Local(l) if matches!(&l.pat, syn::Pat::Ident(p) if p.ident == "info")))?;
    let syn::Stmt::Local(info) = &stmts[at] else { return None };
    let syn::Expr::Struct(info) = &*info.init.as_ref()?.expr else { return None };
    let operation = info.fields.iter().find_map(|f| match (&f.member, &f.expr) {
        (syn::Member::Named(n), syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. })) if n == "operation_id" => {
            Some(s.clone())
        }
        _ => None,
    })?;
    let tail = &stmts[at + 1..];
    let tail = quote!(#(#tail)*).to_string();
    let exchange = quote! {
        client.pre(&mut request, &info).await?;
        let result = client.exec(request, &info).await;
        client.post(&result, &info).await?;
        let response = result?;
    };
    let decoded = quote! {
        #exchange
        match response.status().as_u16() {
            200u16 => {
                ResponseValue::from_response(response).await
            }
            _ => Err(Error::UnexpectedResponse(response)),
        }
    };
    let empty = quote! {
        #exchange
        match response.status().as_u16() {
            200u16 => {
                Ok(ResponseValue::empty(response))
            }
            _ => Err(Error::UnexpectedResponse(response)),
        }
    };
    let run = if tail == decoded.to_string() {
        quote!(crate::support::exchange_decoded)
    } else if tail == empty.to_string() {
        quote!(crate::support::exchange_empty)
    } else {
        return None;
    };
    let syn::ReturnType::Type(_, answer) = &send.sig.output else { return None };
    let prepare = &stmts[..at];
    let attrs = &send.attrs;
    let build: syn::ImplItemFn = syn::parse_quote! {
        fn build_request(self) -> Result<(&'a super::Client, ::reqwest::Request), Error<()>> {
            #(#prepare)*
            Ok((client, request))
        }
    };
    let send: syn::ImplItemFn = syn::parse_quote! {
        #(#attrs)*
        pub fn send(self) -> impl ::std::future::Future<Output = #answer> + 'a {
            #run(self.build_request(), #operation)
        }
    };
    Some((build, send))
}

impl VisitMut for OperationBuilders {
    fn visit_item_impl_mut(&mut self, imp: &mut syn::ItemImpl) {
        syn::visit_mut::visit_item_impl_mut(self, imp);
        self.split_send(imp);
    }

    fn visit_path_mut(&mut self, p: &mut syn::Path) {
        let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        if segs.len() >= 3 && segs[0] == "types" && segs[1] == "builder" {
            p.segments = p.segments.iter().enumerate().filter(|(i, _)| *i != 1).map(|(_, s)| s.clone()).collect();
        }
        syn::visit_mut::visit_path_mut(self, p);
    }

    fn visit_expr_mut(&mut self, e: &mut syn::Expr) {
        syn::visit_mut::visit_expr_mut(self, e);
        let syn::Expr::MethodCall(call) = e else { return };
        if call.method != "map_err" || call.args.len() != 1 {
            return;
        }
        // |_| "literal".to_string()
        let syn::Expr::Closure(c) = &call.args[0] else { return };
        let syn::Expr::MethodCall(body) = &*c.body else { return };
        let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(msg), .. }) = &*body.receiver else { return };
        if body.method != "to_string" || c.inputs.len() != 1 {
            return;
        }
        let receiver = &call.receiver;
        *e = syn::parse_quote!(crate::support::conversion(#receiver, #msg));
        self.setter_closures += 1;
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
            self.send_checks += 1;
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

/// The JSON name of a field: its `#[serde(rename)]`, else its identifier.
fn wire_name(field: &syn::Field) -> String {
    serde_args(&field.attrs)
        .into_iter()
        .find_map(|(k, v)| (k == "rename").then_some(v).flatten())
        .unwrap_or_else(|| field.ident.as_ref().unwrap().to_string())
}

/// `#[serde(a = "x", b)]` -> [("a", Some("x")), ("b", None)].
fn serde_args(attrs: &[Attribute]) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for a in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let metas = a.parse_args_with(Punctuated::<syn::Meta, Token![,]>::parse_terminated).expect("serde attribute");
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

fn rename_collisions(s: &mut ItemStruct, renames: &HashMap<String, String>) -> usize {
    let Fields::Named(named) = &mut s.fields else { return 0 };
    let mut count: HashMap<String, usize> = HashMap::new();
    for f in &named.named {
        *count.entry(f.ident.as_ref().unwrap().to_string()).or_default() += 1;
    }
    let mut renamed = 0;
    for f in named.named.iter_mut() {
        if count[&f.ident.as_ref().unwrap().to_string()] > 1
            && let Some(new) = renames.get(&wire_name(f))
        {
            f.ident = Some(syn::Ident::new(new, proc_macro2::Span::call_site()));
            renamed += 1;
        }
    }
    renamed
}

/// `Option<X>` -> `Option<Box<X>>` for fields holding another generated
/// record. typify puts nested records inline, so Halo's records grow to tens
/// of kilobytes by value (AnalyzerProfile 79 KB, Faults 21 KB): enough to
/// overflow a 2 MB thread stack in a debug build. Boxed, a record is a few
/// kilobytes at most.
fn box_records(s: &mut ItemStruct) -> usize {
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
fn option_inner(ty: &Type) -> Option<(&Type, bool)> {
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

fn is_scalar(ty: &Type) -> bool {
    let Type::Path(p) = ty else { return false };
    let last = p.path.segments.last().unwrap().ident.to_string();
    matches!(last.as_str(), "i32" | "i64" | "f32" | "f64" | "bool" | "String" | "Uuid" | "DateTime")
}

/// For a record struct (named fields, all `Option`, serde + Default derived,
/// no container serde attributes): drops the serde derives and field
/// attributes and returns the compact impls. `None` leaves the struct as is.
fn compact_serde(s: &mut ItemStruct) -> Option<TokenStream> {
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
    // No `?` per field: each one costs a match and a conversion in every
    // arm, and measured, that was half of the compile time. Errors go to a
    // slot instead, checked once per key.
    let arms = fields.iter().enumerate().map(|(i, (_, f, scalar, _))| {
        let set = if *scalar { quote!(set_scalar) } else { quote!(set_plain) };
        quote!(Some(#i) => crate::codec::#set(&mut map, &mut out.#f, &mut err),)
    });
    let mut by_decl: Vec<_> = fields.iter().collect();
    by_decl.sort_by_key(|f| named.named.iter().position(|d| d.ident.as_ref() == Some(&f.1)));
    let puts = by_decl.iter().map(|(w, f, _, boxed)| {
        let value = if *boxed { quote!(&*self.#f) } else { quote!(&self.#f) };
        quote!(crate::codec::put(&mut map, #w, #value, &mut err);)
    });
    Some(quote! {
        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                const FIELDS: &[(u64, &str)] = &[#(#wire),*];
                struct Visitor;
                impl<'de> ::serde::de::Visitor<'de> for Visitor {
                    type Value = #ident;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter) -> ::std::fmt::Result {
                        crate::codec::expecting(f, #name)
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<#ident, A::Error> {
                        let mut out = #ident::default();
                        let mut err = None;
                        while let Some(key) = map.next_key::<crate::codec::Key<'de>>()? {
                            match crate::codec::field_index(FIELDS, key.as_str()) {
                                #(#arms)*
                                _ => crate::codec::skip(&mut map, &mut err),
                            }
                            if err.is_some() {
                                break;
                            }
                        }
                        crate::codec::finish(out, err)
                    }
                }
                deserializer.deserialize_map(Visitor)
            }
        }
        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(None)?;
                let mut err = None;
                #(#puts)*
                match err {
                    Some(e) => Err(e),
                    None => map.end(),
                }
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

#[cfg(test)]
mod split_send_tests {
    use super::*;

    fn builder(answer: TokenStream, arm: TokenStream) -> syn::ItemImpl {
        syn::parse_quote! {
            impl<'a> GetTicket<'a> {
                ///Sends a `GET` request to `/Tickets/{id}`
                pub async fn send(self) -> Result<ResponseValue<#answer>, Error<()>> {
                    let Self { client, id } = self;
                    let url = format!("{}/Tickets/{}", client.baseurl, id);
                    #[allow(unused_mut)]
                    let mut request = client.client.get(url).build()?;
                    let info = OperationInfo { operation_id: "get_ticket_by_id" };
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
        }
    }

    fn split_one(mut imp: syn::ItemImpl) -> (OperationBuilders, String) {
        let mut pass = OperationBuilders::default();
        pass.visit_item_impl_mut(&mut imp);
        (pass, quote!(#imp).to_string())
    }

    #[test]
    fn a_decoded_send_becomes_a_plain_builder_and_the_shared_exchange() {
        let (pass, out) =
            split_one(builder(quote!(types::Faults), quote!(ResponseValue::from_response(response).await)));
        assert_eq!((pass.sends_split, pass.sends_kept), (1, 0));
        assert!(
            out.contains(
                "fn build_request (self) -> Result < (& 'a super :: Client , :: reqwest :: Request) , Error < () > >"
            ),
            "{out}"
        );
        assert!(
            out.contains("crate :: support :: exchange_decoded (self . build_request () , \"get_ticket_by_id\")"),
            "{out}"
        );
        assert!(out.contains("Output = Result < ResponseValue < types :: Faults > , Error < () > >"), "{out}");
        assert!(out.contains("Sends a `GET` request to `/Tickets/{id}`\"] pub fn send"), "{out}");
        assert!(!out.contains("async"), "{out}");
    }

    #[test]
    fn an_empty_send_uses_the_empty_exchange() {
        let (pass, out) = split_one(builder(quote!(()), quote!(Ok(ResponseValue::empty(response)))));
        assert_eq!(pass.sends_split, 1);
        assert!(
            out.contains("crate :: support :: exchange_empty (self . build_request () , \"get_ticket_by_id\")"),
            "{out}"
        );
    }

    #[test]
    fn a_send_that_answers_differently_is_kept_as_generated() {
        let (pass, out) = split_one(builder(quote!(()), quote!(Ok(ResponseValue::stream(response)))));
        assert_eq!((pass.sends_split, pass.sends_kept), (0, 1));
        assert!(out.contains("pub async fn send"), "{out}");
    }
}
