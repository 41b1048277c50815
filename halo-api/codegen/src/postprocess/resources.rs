//! The resource table (spec/resources.toml, carried in the patched
//! document's `info.x-halo-rs.resources`) as types: one per resource whose
//! operations were generated (Cargo features), implementing
//! `crate::Resource` (its four operations, its record types, path, list
//! fields and change rule), in `pub mod resources`; and `impl Paged` for
//! every list operation that takes Halo's paging parameters.
//!
//! Each entry is read off the generated code, not guessed: the builders of
//! `GET <path>`, `GET <path>/{id}`, `POST <path>` and `DELETE <path>/{id}`,
//! the typed setters of the two GETs, the record type (what GET by id
//! answers) and the list item type (what the list answer holds under its
//! field, or its array). A shape it does not know is an error.
//!
//! The table is also handed to halo-api-ext's build script as data (JSON,
//! through Cargo's `links` metadata): the resource's type, its names, and
//! the typed setters of its list and get (leaving out what the named action
//! sets itself: `pageinate`, `page_size` and `page_no` on lists, `id` on
//! gets), each with Halo's description. halo-api-ext spells its named
//! actions from it; the facts stay here.

use quote::{format_ident, quote};
use serde_json::Value;
use std::collections::HashMap;
use syn::{Item, Type};

pub struct Table {
    /// `pub mod resources` (the `Resource` impls and `visit_resources`) and
    /// the `Paged` impls.
    pub items: Vec<Item>,
    pub count: usize,
    pub paged: usize,
    /// The table as data, for halo-api-ext's build script (its named
    /// actions and their typed setters, and every paged list by name):
    /// `{"resources": [..], "lists": [..]}`.
    pub data: Value,
}

/// Halo's paging parameters: an operation that takes the three is a list
/// `Paged` can page; the named list sets them itself.
const PAGING: &[&str] = &["pageinate", "page_size", "page_no"];

struct Entry {
    name: String,
    one: String,
    path: String,
    fields: Vec<String>,
    changes: Option<Changes>,
}

/// A change feed's row (spec/resources.toml, `changes`).
struct Changes {
    updated: String,
    order: Option<String>,
    query: Vec<(String, String)>,
}

pub fn table(file: &syn::File, doc: &Value) -> Result<Table, String> {
    let entries = entries(doc)?;
    let builders = Builders::read(file)?;
    let types = types_module(file);
    let docs = crate::postprocess::setter_docs::Docs::read(doc);
    let mut impls = Vec::new();
    let mut visits = Vec::new();
    let mut rows = Vec::new();
    // list operation -> (item type, fields, name) of the named resources.
    let mut named: HashMap<String, (String, Vec<String>, String)> = HashMap::new();
    for e in &entries {
        let op = |path: &str, method: &str| -> Option<String> {
            doc.pointer(&format!("/paths/{}/{method}/operationId", path.replace('~', "~0").replace('/', "~1")))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let by_id = format!("{}/{{id}}", e.path);
        let Some(list_op) = op(&e.path, "get") else { continue }; // not generated (features)
        let why = |what: &str| format!("post-pass resources: `{}`: {what}", e.name);
        let get_op = op(&by_id, "get").ok_or_else(|| why(&format!("no GET {by_id}")))?;
        let post_op = op(&e.path, "post").ok_or_else(|| why(&format!("no POST {}", e.path)))?;
        let delete_op = op(&by_id, "delete").ok_or_else(|| why(&format!("no DELETE {by_id}")))?;

        let list = builders.get(&list_op).map_err(|m| why(&m))?;
        let get = builders.get(&get_op).map_err(|m| why(&m))?;
        let post = builders.get(&post_op).map_err(|m| why(&m))?;
        let delete = builders.get(&delete_op).map_err(|m| why(&m))?;
        if !get.setters.iter().any(|(n, _)| n == "id") || !delete.setters.iter().any(|(n, _)| n == "id") {
            return Err(why("GET or DELETE by id has no `id` setter"));
        }
        if !post.setters.iter().any(|(n, _)| n == "body") {
            return Err(why("POST has no `body` setter"));
        }
        let record = types_name(&get.answer).ok_or_else(|| why("GET by id does not answer a generated type"))?;
        let item = list_item(&list.answer, &e.fields, &types).map_err(|m| why(&m))?;
        named.insert(list.method.clone(), (item.clone(), e.fields.clone(), e.name.clone()));

        let ty = format_ident!("{}", pascal(&e.name));
        let (name, one, path) = (&e.name, &e.one, &e.path);
        let fields = &e.fields;
        let record_ty = format_ident!("{record}");
        let item_ty = format_ident!("{item}");
        let [list_m, get_m, post_m, delete_m] = [&list, &get, &post, &delete].map(|b| format_ident!("{}", b.method));
        let [list_b, get_b, post_b, delete_b] = [&list, &get, &post, &delete].map(|b| format_ident!("{}", b.ident));
        let changes = match &e.changes {
            None => quote!(None),
            Some(c) => {
                changes_fit(c, &list, &record, &types).map_err(|m| why(&m))?;
                let updated = &c.updated;
                let order = match &c.order {
                    Some(o) => quote!(Some(#o)),
                    None => quote!(None),
                };
                let (keys, values): (Vec<_>, Vec<_>) = c.query.iter().cloned().unzip();
                quote!(Some(crate::ChangeRule { updated: #updated, order: #order, query: &[#((#keys, #values)),*] }))
            }
        };
        let doc_line = format!(
            "{name} (`{path}`): the record is [`types::{record}`], listed as [`types::{item}`]. \
             Operations: `{}`, `{}`, `{}`, `{}`.",
            list.method, get.method, post.method, delete.method
        );
        impls.push(quote! {
            #[doc = #doc_line]
            #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
            pub struct #ty;
            impl crate::Resource for #ty {
                const NAME: &'static str = #name;
                const ONE: &'static str = #one;
                const PATH: &'static str = #path;
                const FIELDS: &'static [&'static str] = &[#(#fields),*];
                const CHANGES: Option<crate::ChangeRule> = #changes;
                type Record = types::#record_ty;
                type Item = types::#item_ty;
                type List<'a> = builder::#list_b<'a>;
                type Get<'a> = builder::#get_b<'a>;
                type Post<'a> = builder::#post_b<'a>;
                type Delete<'a> = builder::#delete_b<'a>;
                fn list(client: &Client) -> Self::List<'_> {
                    client.#list_m()
                }
                fn get(client: &Client, id: i64) -> Self::Get<'_> {
                    client.#get_m().id(id)
                }
                fn post(client: &Client, records: Vec<Self::Record>) -> Self::Post<'_> {
                    client.#post_m().body(records)
                }
                fn delete(client: &Client, id: i64) -> Self::Delete<'_> {
                    client.#delete_m().id(id)
                }
            }
        });
        visits.push(quote!(v.visit::<#ty>();));
        let setters = |b: &Builder, skip: &[&str]| -> Value {
            b.setters
                .iter()
                .filter(|(n, _)| !skip.contains(&n.as_str()))
                .map(|(n, t)| {
                    let t = crate_path(t).to_string();
                    serde_json::json!({"name": n, "type": t, "doc": docs.setter(&b.method, n, &t)})
                })
                .collect()
        };
        rows.push(serde_json::json!({
            "name": e.name,
            "one": e.one,
            "path": e.path,
            "type": pascal(&e.name),
            "alias": pascal(&e.one),
            "list": {"operation": list.method, "builder": list.ident, "setters": setters(&list, PAGING)},
            "get": {"operation": get.method, "builder": get.ident, "setters": setters(&get, &["id"])},
            "post": post.method,
            "delete": delete.method,
            "changes": e.changes.as_ref().map(|c| c.updated.clone()),
        }));
    }
    let count = impls.len();
    let module: Item = syn::parse2(quote! {
        /// The resources of spec/resources.toml this build generated, one type
        /// each, implementing [`crate::Resource`]. halo-api-ext's named actions
        /// (`list_tickets`, `get_ticket`, ...) are built on them.
        pub mod resources {
            use super::{Client, builder, types};
            #(#impls)*
            /// Calls `v.visit::<R>()` for each resource of this build, in the
            /// table's order.
            pub fn visit_resources<V: crate::ResourceVisitor>(v: &mut V) {
                let _ = &v;
                #(#visits)*
            }
        }
    })
    .map_err(|e| format!("post-pass resources: the resources module does not parse: {e}"))?;
    let mut items = vec![module];
    let lists = paged_impls(&builders, &named, &types, &list_paths(doc), &mut items)?;
    let paged = lists.len();
    Ok(Table { items, count, paged, data: serde_json::json!({"resources": rows, "lists": lists}) })
}

/// operationId -> path, for every GET of the document.
fn list_paths(doc: &Value) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (path, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
        if let Some(id) = item.pointer("/get/operationId").and_then(Value::as_str) {
            out.insert(id.to_string(), path.clone());
        }
    }
    out
}

/// A paged list's name: its resource's (`kb_articles`) when it is a named
/// resource's list, else its path in snake case (`/SalesOrder` ->
/// `sales_order`, `/KBArticle/Tags` -> `kb_article_tags`).
fn list_name(path: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = path.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            continue;
        }
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if (prev.is_ascii_lowercase() || prev.is_ascii_digit() || (prev.is_ascii_uppercase() && next_lower))
                && !out.ends_with('_')
                && !out.is_empty()
            {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out.trim_end_matches('_').to_string()
}

/// The name of the one array field of list wrapper `name` (a struct, or the
/// struct variant of an untagged enum of wrapper and array); `None` when it
/// has several.
fn only_array_field(name: &str, types: &HashMap<String, &Item>) -> Result<Option<String>, String> {
    match types.get(name).copied() {
        Some(Item::Struct(s)) => {
            let arrays: Vec<String> = s
                .fields
                .iter()
                .filter(|f| vec_of(&f.ty).is_some())
                .filter_map(|f| f.ident.as_ref().map(|i| i.to_string()))
                .collect();
            match &arrays[..] {
                [one] => Ok(Some(one.clone())),
                [] => Err(format!("the list wrapper `{name}` has no array field")),
                _ => Ok(None),
            }
        }
        Some(Item::Enum(e)) => {
            let view = e.variants.iter().find_map(|v| match &v.fields {
                syn::Fields::Unnamed(u) if u.unnamed.len() == 1 => types_name(&u.unnamed[0].ty),
                _ => None,
            });
            only_array_field(&view.ok_or_else(|| format!("the list answer `{name}` has no wrapper variant"))?, types)
        }
        _ => Err(format!("the list answer `{name}` is not a generated struct or enum")),
    }
}

/// `impl Paged` for every operation builder with Halo's three paging
/// setters. Its item type: the named resource's, else the list answer's
/// array (bare, or a wrapper's one array field), else `serde_json::Value`
/// when the document declares no answer. Any other answer is an error.
/// Answers each as data: its name ([`list_name`]; two lists of one name
/// are an error), path, operation and builder.
fn paged_impls(
    builders: &Builders,
    named: &HashMap<String, (String, Vec<String>, String)>,
    types: &HashMap<String, &Item>,
    paths: &HashMap<String, String>,
    items: &mut Vec<Item>,
) -> Result<Vec<Value>, String> {
    let mut methods: Vec<&String> = builders.0.keys().collect();
    methods.sort();
    let mut lists: Vec<Value> = Vec::new();
    let mut names: HashMap<String, String> = HashMap::new();
    for method in methods {
        let Ok(b) = &builders.0[method] else { continue };
        if !PAGING.iter().all(|p| b.setters.iter().any(|(s, _)| s == p)) {
            continue;
        }
        let why = |m: &str| format!("post-pass paged: `{method}`: {m}");
        let path = paths.get(method).ok_or_else(|| why("not a GET of the document"))?;
        let name = match named.get(method) {
            Some((_, _, resource)) => resource.clone(),
            None => list_name(path),
        };
        if let Some(other) = names.insert(name.clone(), method.clone()) {
            return Err(why(&format!("its name `{name}` is also `{other}`'s")));
        }
        lists.push(serde_json::json!({"name": name, "path": path, "operation": method, "builder": b.ident}));
        let (item, fields): (proc_macro2::TokenStream, Vec<String>) = if let Some((item, fields, _)) = named.get(method)
        {
            let item = format_ident!("{item}");
            (quote!(types::#item), fields.clone())
        } else if let Some(x) = vec_of(&b.answer) {
            let x = format_ident!("{x}");
            (quote!(types::#x), Vec::new())
        } else if matches!(&b.answer, Type::Tuple(t) if t.elems.is_empty()) {
            (quote!(::serde_json::Value), Vec::new())
        } else {
            let wrapper = types_name(&b.answer)
                .ok_or_else(|| why("the list answers neither an array, a generated type nor nothing"))?;
            match only_array_field(&wrapper, types).map_err(|m| why(&m))? {
                Some(field) => {
                    let x = list_item(&b.answer, std::slice::from_ref(&field), types).map_err(|m| why(&m))?;
                    let x = format_ident!("{x}");
                    (quote!(types::#x), vec![field])
                }
                // Which array holds the records is not said (and no row of
                // the table says): JSON, from the answer's one non-empty array.
                None => (quote!(::serde_json::Value), Vec::new()),
            }
        };
        let ident = format_ident!("{}", b.ident);
        items.push(syn::parse_quote! {
            impl<'a> crate::Paged<'a> for builder::#ident<'a> {
                type Item = #item;
                const FIELDS: &'static [&'static str] = &[#(#fields),*];
            }
        });
    }
    Ok(lists)
}

fn entries(doc: &Value) -> Result<Vec<Entry>, String> {
    let table = doc
        .pointer("/info/x-halo-rs/resources")
        .and_then(Value::as_array)
        .ok_or("post-pass resources: no info.x-halo-rs.resources in the patched document: run `cargo xtask codegen`")?;
    table
        .iter()
        .map(|r| {
            let s = |k: &str| {
                r.get(k).and_then(Value::as_str).map(str::to_string).ok_or_else(|| {
                    format!("post-pass resources: an entry of info.x-halo-rs.resources has no `{k}`: run `cargo xtask codegen`")
                })
            };
            let fields = r.get("fields").and_then(Value::as_array).ok_or_else(|| {
                "post-pass resources: an entry of info.x-halo-rs.resources has no `fields`: run `cargo xtask codegen`".to_string()
            })?;
            let changes = match r.get("changes") {
                None | Some(Value::Null) => None,
                Some(c) => {
                    let bad = || "post-pass resources: an entry's `changes` is not {updated, order, query}: run `cargo xtask codegen`".to_string();
                    Some(Changes {
                        updated: c.get("updated").and_then(Value::as_str).ok_or_else(bad)?.to_string(),
                        order: c.get("order").and_then(Value::as_str).map(str::to_string),
                        query: c
                            .get("query")
                            .and_then(Value::as_object)
                            .ok_or_else(bad)?
                            .iter()
                            .map(|(k, v)| Ok((k.clone(), v.as_str().ok_or_else(bad)?.to_string())))
                            .collect::<Result<_, String>>()?,
                    })
                }
            };
            Ok(Entry {
                changes,
                name: s("feature")?,
                one: s("one")?,
                path: s("path")?,
                fields: fields.iter().filter_map(Value::as_str).map(str::to_string).collect(),
            })
        })
        .collect()
}

/// An operation builder as the generated code has it.
#[derive(Clone)]
struct Builder {
    /// The `Client` method: `get_tickets`.
    method: String,
    /// The builder struct: `GetTickets`.
    ident: String,
    /// (name, type) of each `fn name<V>(self, value: V) where V: TryInto<type>`.
    setters: Vec<(String, Type)>,
    /// `T` of `send`'s `ResponseValue<T>`.
    answer: Type,
}

struct Builders(HashMap<String, Result<Builder, String>>);

impl Builders {
    /// Every `Client` method that returns `builder::X<'_>`, with X's setters
    /// and answer type.
    fn read(file: &syn::File) -> Result<Self, String> {
        // builder -> (setters, send's answer type)
        type Read = (Vec<(String, Type)>, Option<Type>);
        let mut by_builder: HashMap<String, Read> = HashMap::new();
        for item in &file.items {
            let Item::Mod(m) = item else { continue };
            if m.ident != "builder" {
                continue;
            }
            for item in m.content.iter().flat_map(|(_, i)| i) {
                let Item::Impl(imp) = item else { continue };
                if imp.trait_.is_some() {
                    continue;
                }
                let Type::Path(p) = &*imp.self_ty else { continue };
                let ident = p.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
                let entry = by_builder.entry(ident).or_default();
                for f in imp.items.iter().filter_map(|i| match i {
                    syn::ImplItem::Fn(f) => Some(f),
                    _ => None,
                }) {
                    if f.sig.ident == "send" {
                        entry.1 = send_answer(&f.sig.output);
                    } else if let Some(t) = setter_type(f) {
                        entry.0.push((f.sig.ident.to_string(), t));
                    }
                }
            }
        }
        let mut out = HashMap::new();
        for item in &file.items {
            let Item::Impl(imp) = item else { continue };
            let is_client = matches!(&*imp.self_ty, Type::Path(p) if p.path.is_ident("Client"));
            if !is_client || imp.trait_.is_some() {
                continue;
            }
            for f in imp.items.iter().filter_map(|i| match i {
                syn::ImplItem::Fn(f) => Some(f),
                _ => None,
            }) {
                let syn::ReturnType::Type(_, ty) = &f.sig.output else { continue };
                let Type::Path(p) = &**ty else { continue };
                let segs: Vec<_> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
                if segs.len() != 2 || segs[0] != "builder" {
                    continue;
                }
                let method = f.sig.ident.to_string();
                let built = match by_builder.get(&segs[1]) {
                    Some((setters, Some(answer))) => Ok(Builder {
                        method: method.clone(),
                        ident: segs[1].clone(),
                        setters: setters.clone(),
                        answer: answer.clone(),
                    }),
                    Some((_, None)) => Err(format!("builder `{}` has no `send` of the known shape", segs[1])),
                    None => Err(format!("no builder `{}`", segs[1])),
                };
                out.insert(method, built);
            }
        }
        Ok(Builders(out))
    }

    fn get(&self, operation: &str) -> Result<Builder, String> {
        self.0.get(operation).cloned().unwrap_or_else(|| Err(format!("no `Client::{operation}` in the generated code")))
    }
}

/// `T` of `fn x<V>(mut self, value: V) -> Self where V: std::convert::TryInto<T>`.
pub(super) fn setter_type(f: &syn::ImplItemFn) -> Option<Type> {
    let where_clause = f.sig.generics.where_clause.as_ref()?;
    let [syn::WherePredicate::Type(pred)] = where_clause.predicates.iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    let [syn::TypeParamBound::Trait(bound)] = pred.bounds.iter().collect::<Vec<_>>()[..] else { return None };
    let last = bound.path.segments.last()?;
    if last.ident != "TryInto" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(a) = &last.arguments else { return None };
    match a.args.first()? {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

/// `T` of `-> impl Future<Output = Result<ResponseValue<T>, _>> + 'a` (the
/// `send` the operations job wrote).
fn send_answer(output: &syn::ReturnType) -> Option<Type> {
    let syn::ReturnType::Type(_, ty) = output else { return None };
    let Type::ImplTrait(t) = &**ty else { return None };
    let generic = |ty: &Type, name: &str| -> Option<Type> {
        let Type::Path(p) = ty else { return None };
        let last = p.path.segments.last()?;
        if last.ident != name {
            return None;
        }
        let syn::PathArguments::AngleBracketed(a) = &last.arguments else { return None };
        match a.args.first()? {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        }
    };
    for b in &t.bounds {
        let syn::TypeParamBound::Trait(tr) = b else { continue };
        let syn::PathArguments::AngleBracketed(a) = &tr.path.segments.last()?.arguments else { continue };
        for arg in &a.args {
            if let syn::GenericArgument::AssocType(at) = arg
                && at.ident == "Output"
            {
                return generic(&at.ty, "Result").and_then(|r| generic(&r, "ResponseValue"));
            }
        }
    }
    None
}

/// `X` of `types::X` (as the builders name it) or of a bare `X` that is a
/// generated type (as `types` itself names it).
fn types_name(ty: &Type) -> Option<String> {
    let Type::Path(p) = ty else { return None };
    let segs: Vec<_> = p.path.segments.iter().collect();
    match segs[..] {
        [t, x] if t.ident == "types" && x.arguments.is_empty() => Some(x.ident.to_string()),
        [x] if x.arguments.is_empty() && x.ident.to_string().starts_with(char::is_uppercase) && x.ident != "String" => {
            Some(x.ident.to_string())
        }
        _ => None,
    }
}

/// `X` of `Vec<types::X>` or `Option<Vec<types::X>>`, any path to Vec/Option.
fn vec_of(ty: &Type) -> Option<String> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(a) = &last.arguments else { return None };
    let syn::GenericArgument::Type(inner) = a.args.first()? else { return None };
    match last.ident.to_string().as_str() {
        "Vec" => types_name(inner),
        "Option" => vec_of(inner),
        _ => None,
    }
}

fn types_module(file: &syn::File) -> HashMap<String, &Item> {
    let mut out = HashMap::new();
    for item in &file.items {
        let Item::Mod(m) = item else { continue };
        if m.ident != "types" {
            continue;
        }
        for item in m.content.iter().flat_map(|(_, i)| i) {
            match item {
                Item::Struct(s) => out.insert(s.ident.to_string(), item),
                Item::Enum(e) => out.insert(e.ident.to_string(), item),
                _ => None,
            };
        }
    }
    out
}

/// The record type a list answer holds: `Vec<types::X>` (bare), a wrapper
/// struct's field named in the table (wrapped), or the array variant of an
/// untagged enum of the two (either).
fn list_item(answer: &Type, fields: &[String], types: &HashMap<String, &Item>) -> Result<String, String> {
    if let Some(x) = vec_of(answer) {
        return Ok(x);
    }
    let name = types_name(answer).ok_or("the list answers neither an array nor a generated type")?;
    match types.get(&name).copied() {
        Some(Item::Struct(s)) => {
            let syn::Fields::Named(named) = &s.fields else { return Err(format!("`{name}` has no named fields")) };
            named
                .named
                .iter()
                .find(|f| f.ident.as_ref().is_some_and(|i| fields.iter().any(|w| i == w)))
                .and_then(|f| vec_of(&f.ty))
                .ok_or_else(|| format!("the list wrapper `{name}` has no array field named {fields:?}"))
        }
        Some(Item::Enum(e)) => {
            let mut arrays = e.variants.iter().filter_map(|v| match &v.fields {
                syn::Fields::Unnamed(u) if u.unnamed.len() == 1 => vec_of(&u.unnamed[0].ty),
                _ => None,
            });
            let x = arrays.next().ok_or_else(|| format!("the list answer `{name}` has no array variant"))?;
            let view = e.variants.iter().find_map(|v| match &v.fields {
                syn::Fields::Unnamed(u) if u.unnamed.len() == 1 => types_name(&u.unnamed[0].ty),
                _ => None,
            });
            // The wrapper variant must hold the same item type.
            if let Some(view) = view {
                let inner = list_item(&syn::parse_str(&format!("types::{view}")).expect("a path"), fields, types)?;
                if inner != x {
                    return Err(format!("the list answer `{name}` holds `{x}` bare but `{inner}` wrapped"));
                }
            }
            Ok(x)
        }
        _ => Err(format!("the list answer `{name}` is not in `types`")),
    }
}

/// A change feed's row must fit the generated code: its query parameters
/// and `order` are the list operation's setters, and the record type has
/// the update-time field (so a typo in the table fails the build).
fn changes_fit(c: &Changes, list: &Builder, record: &str, types: &HashMap<String, &Item>) -> Result<(), String> {
    let has = |n: &str| list.setters.iter().any(|(s, _)| s == n);
    for (k, _) in &c.query {
        if !has(k) {
            return Err(format!("changes.query: `{k}` is not a query parameter of `{}`", list.method));
        }
    }
    if c.order.is_some() && !(has("order") && has("orderdesc")) {
        return Err(format!("changes.order: `{}` has no `order` and `orderdesc` parameters", list.method));
    }
    let Some(Item::Struct(s)) = types.get(record).copied() else {
        return Err(format!("changes.updated: the record type `{record}` is not a generated struct"));
    };
    let found = s.fields.iter().any(|f| f.ident.as_ref().is_some_and(|i| i == &c.updated));
    if !found {
        return Err(format!("changes.updated: the record type `{record}` has no field `{}`", c.updated));
    }
    Ok(())
}

/// `types::X` -> `::halo_api::types::X`; anything else as it is (std paths,
/// primitives). Types are handed to halo-api-ext's build script, which
/// spells them in halo-api-ext.
fn crate_path(ty: &Type) -> proc_macro2::TokenStream {
    match types_name(ty) {
        Some(x) => {
            let x = format_ident!("{x}");
            quote!(::halo_api::types::#x)
        }
        None => quote!(#ty),
    }
}

/// `kb_article` -> `KbArticle`.
fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_item_types() {
        assert_eq!(pascal("kb_article"), "KbArticle");
        assert_eq!(list_name("/SalesOrder"), "sales_order");
        assert_eq!(list_name("/KBArticle/Tags"), "kb_article_tags");
        assert_eq!(list_name("/Tickets"), "tickets");
        assert_eq!(list_name("/ToDo2Group"), "to_do2_group");
        let view: Item = syn::parse_quote! { pub struct FaultsView { pub record_count: Option<i32>, pub tickets: ::std::option::Option<::std::vec::Vec<FaultsList>> } };
        let either: Item = syn::parse_quote! { pub enum GetAgentResponse { Variant0(FaultsView), Variant1(::std::vec::Vec<FaultsList>) } };
        let types = HashMap::from([("FaultsView".to_string(), &view), ("GetAgentResponse".to_string(), &either)]);
        let t = |s: &str| -> Type { syn::parse_str(s).unwrap() };
        let f = vec!["tickets".to_string()];
        assert_eq!(list_item(&t("types::FaultsView"), &f, &types).unwrap(), "FaultsList");
        assert_eq!(list_item(&t("::std::vec::Vec<types::TStatus>"), &f, &types).unwrap(), "TStatus");
        assert_eq!(list_item(&t("types::GetAgentResponse"), &f, &types).unwrap(), "FaultsList");
        assert!(list_item(&t("types::FaultsView"), &["rows".into()], &types).unwrap_err().contains("no array field"));
        assert!(list_item(&t("()"), &f, &types).is_err());
    }

    #[test]
    fn a_change_row_that_does_not_fit_is_an_error() {
        let rec: Item =
            syn::parse_quote! { pub struct Faults { pub id: Option<i32>, pub last_update: Option<String> } };
        let types = HashMap::from([("Faults".to_string(), &rec)]);
        let list = Builder {
            method: "get_tickets".into(),
            ident: "GetTickets".into(),
            setters: vec![("startdate".into(), syn::parse_quote!(String)), ("order".into(), syn::parse_quote!(String))],
            answer: syn::parse_quote!(()),
        };
        let row = |updated: &str, order: Option<&str>, key: &str| Changes {
            updated: updated.into(),
            order: order.map(Into::into),
            query: vec![(key.into(), "{since}".into())],
        };
        assert!(changes_fit(&row("last_update", None, "startdate"), &list, "Faults", &types).is_ok());
        let e = changes_fit(&row("lastupdate", None, "startdate"), &list, "Faults", &types).unwrap_err();
        assert!(e.contains("no field `lastupdate`"), "{e}");
        let e = changes_fit(&row("last_update", None, "since"), &list, "Faults", &types).unwrap_err();
        assert!(e.contains("`since` is not a query parameter of `get_tickets`"), "{e}");
        let e =
            changes_fit(&row("last_update", Some("last_update"), "startdate"), &list, "Faults", &types).unwrap_err();
        assert!(e.contains("no `order` and `orderdesc`"), "{e}");
    }

    #[test]
    fn setter_and_answer_types_are_read_off_the_builders() {
        let f: syn::ImplItemFn = syn::parse_quote! {
            pub fn client_id<V>(mut self, value: V) -> Self where V: std::convert::TryInto<i32> { self }
        };
        let t = setter_type(&f).unwrap();
        assert_eq!(quote!(#t).to_string(), "i32");
        let out: syn::ReturnType = syn::parse_quote!(
            -> impl ::std::future::Future<Output = Result<ResponseValue<types::Faults>, crate::HaloError>> + 'a
        );
        let a = send_answer(&out).unwrap();
        assert_eq!(types_name(&a).as_deref(), Some("Faults"));
        let p = crate_path(&a);
        assert_eq!(p.to_string(), ":: halo_api :: types :: Faults");
    }
}
