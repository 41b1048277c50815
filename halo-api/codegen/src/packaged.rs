//! The published package's source: one file for every choice of features.
//!
//! In the workspace and from git, halo-api's build script runs the
//! generator on the operations the enabled features select
//! ([`crate::select`]). A crate built from the registry should not compile
//! or run the generator, so the package carries the generated source
//! instead, and the features must still choose what compiles.
//!
//! [`gate`] takes the whole API's generation (`full`) and one generation per
//! resource feature, and puts on each item of the whole API the `cfg` of the
//! features whose own generation holds it:
//!
//! - an item every feature's generation holds (the `Client`, shared
//!   imports) stays as it is;
//! - an item some hold gets `#[cfg(any(feature = "full", feature = "a", ..))]`;
//! - an item none holds gets `#[cfg(feature = "full")]`.
//!
//! A selection of several features is the union of their operations and the
//! closure of the schemas those reach, so the gated file with features `a`
//! and `b` on is what the generator writes for `a` and `b` (xtask's
//! `packaged` test compares the two).
//!
//! The unit of gating is a top-level item of a module, except in the three
//! places one item serves every feature: `impl Client` (a method each),
//! and `resources::visit_resources` (a statement each). The rule of the
//! post-pass holds here too: an item that one feature's generation writes
//! otherwise than the whole API's, or that only a feature's generation
//! writes, stops the packaging and names the item.

use quote::ToTokens;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use syn::{Expr, ImplItem, Item, Stmt};

/// What one feature's generation holds: each unit's key and its tokens, and
/// its table's rows.
#[derive(Debug)]
pub struct Presence {
    feature: String,
    units: BTreeMap<String, String>,
    rows: BTreeMap<String, Value>,
}

impl Presence {
    /// Reads one feature's generation.
    pub fn of(feature: &str, file: &syn::File, table: &Value) -> Result<Presence, String> {
        let mut units = BTreeMap::new();
        walk(&file.items, "", &mut |key, tokens| {
            if units.insert(key.clone(), tokens).is_some() {
                return Err(format!("packaging: `{key}` is generated twice for feature `{feature}`"));
            }
            Ok(())
        })?;
        Ok(Presence { feature: feature.to_string(), units, rows: rows(table)? })
    }
}

/// The table's rows by key (`resources/NAME`, `lists/OPERATION`).
fn rows(table: &Value) -> Result<BTreeMap<String, Value>, String> {
    let mut out = BTreeMap::new();
    for (section, key) in [("resources", "name"), ("lists", "operation")] {
        let rows = table[section].as_array().ok_or(format!("packaging: the resource table has no `{section}`"))?;
        for row in rows {
            let k = row[key].as_str().ok_or(format!("packaging: a row of `{section}` has no `{key}`: {row}"))?;
            out.insert(format!("{section}/{k}"), row.clone());
        }
    }
    Ok(out)
}

/// Gates `full` (the whole API's file and table) by `runs` (one per resource
/// feature). Answers a line for the banner.
pub fn gate(full: &mut syn::File, table: &mut Value, runs: &[Presence]) -> Result<String, String> {
    let mut seen = BTreeSet::new();
    let mut counts = [0usize; 3]; // ungated, some features, `full` only
    let features = |key: &str, tokens: &str| -> Result<Vec<&str>, String> {
        let mut with = Vec::new();
        for run in runs {
            match run.units.get(key) {
                Some(t) if t == tokens => with.push(run.feature.as_str()),
                Some(_) => {
                    return Err(format!(
                        "packaging: feature `{}` generates `{key}` otherwise than the whole API does",
                        run.feature
                    ));
                }
                None => {}
            }
        }
        Ok(with)
    };
    gate_items(&mut full.items, "", &mut |key, tokens| {
        seen.insert(key.to_string());
        let with = features(key, tokens)?;
        Ok(if with.len() == runs.len() {
            counts[0] += 1;
            None
        } else {
            counts[if with.is_empty() { 2 } else { 1 }] += 1;
            Some(cfg(&with))
        })
    })?;
    for run in runs {
        if let Some(key) = run.units.keys().find(|k| !seen.contains(*k)) {
            return Err(format!("packaging: feature `{}` generates `{key}`, which the whole API lacks", run.feature));
        }
    }

    // The table: a row some features lack says which ones hold it, for
    // halo-api-ext's build script (it keeps a row when `full` or one of them
    // is on).
    let all = rows(table)?;
    for run in runs {
        for (key, row) in &run.rows {
            match all.get(key) {
                Some(r) if r == row => {}
                Some(_) => {
                    return Err(format!("packaging: feature `{}` has another table row `{key}`", run.feature));
                }
                None => {
                    return Err(format!(
                        "packaging: feature `{}` has a table row `{key}` the whole API lacks",
                        run.feature
                    ));
                }
            }
        }
    }
    for (section, key) in [("resources", "name"), ("lists", "operation")] {
        for row in table[section].as_array_mut().into_iter().flatten() {
            let k = format!("{section}/{}", row[key].as_str().unwrap_or_default());
            let with: Vec<&str> = runs.iter().filter(|r| r.rows.contains_key(&k)).map(|r| r.feature.as_str()).collect();
            if with.len() != runs.len() {
                row["features"] = with.into();
            }
        }
    }
    Ok(format!(
        "{} items for every feature, {} behind some features, {} only with `full`.",
        counts[0], counts[1], counts[2]
    ))
}

fn cfg(features: &[&str]) -> syn::Attribute {
    if features.is_empty() {
        return syn::parse_quote!(#[cfg(feature = "full")]);
    }
    syn::parse_quote!(#[cfg(any(feature = "full", #(feature = #features),*))])
}

/// A unit's key: what it is and its name, unique in its module.
fn key(prefix: &str, item: &Item) -> String {
    let name = match item {
        Item::Struct(s) => format!("struct {}", s.ident),
        Item::Enum(e) => format!("enum {}", e.ident),
        Item::Type(t) => format!("type {}", t.ident),
        Item::Fn(f) => format!("fn {}", f.sig.ident),
        Item::Const(c) => format!("const {}", c.ident),
        Item::Static(s) => format!("static {}", s.ident),
        Item::Trait(t) => format!("trait {}", t.ident),
        Item::Mod(m) => format!("mod {}", m.ident),
        Item::Impl(i) => {
            let (generics, self_ty) = (&i.generics, &i.self_ty);
            match &i.trait_ {
                Some((_, path, _)) => format!(
                    "impl{} {} for {}",
                    generics.to_token_stream(),
                    path.to_token_stream(),
                    self_ty.to_token_stream()
                ),
                None => format!("impl{} {}", generics.to_token_stream(), self_ty.to_token_stream()),
            }
        }
        other => other.to_token_stream().to_string(),
    };
    format!("{prefix}{name}")
}

fn is_client_impl(item: &Item) -> bool {
    matches!(item, Item::Impl(i) if i.trait_.is_none() && i.self_ty.to_token_stream().to_string() == "Client")
}

fn is_visitor(item: &Item) -> bool {
    matches!(item, Item::Fn(f) if f.sig.ident == "visit_resources")
}

/// Calls `unit(key, tokens)` for each unit of `items`.
fn walk(
    items: &[Item],
    prefix: &str,
    unit: &mut dyn FnMut(String, String) -> Result<(), String>,
) -> Result<(), String> {
    for item in items {
        let k = key(prefix, item);
        match item {
            Item::Mod(m) if m.content.is_some() => walk(&m.content.as_ref().unwrap().1, &format!("{k}::"), unit)?,
            Item::Impl(i) if is_client_impl(item) => {
                for it in &i.items {
                    let ImplItem::Fn(f) = it else {
                        return Err(format!("packaging: `{k}` holds an item that is not a method"));
                    };
                    unit(format!("{k}::fn {}", f.sig.ident), f.to_token_stream().to_string())?;
                }
            }
            Item::Fn(f) if is_visitor(item) => {
                for s in &f.block.stmts {
                    let tokens = s.to_token_stream().to_string();
                    unit(format!("{k}::{tokens}"), tokens)?;
                }
            }
            _ => unit(k, item.to_token_stream().to_string())?,
        }
    }
    Ok(())
}

type Decide<'a> = dyn FnMut(&str, &str) -> Result<Option<syn::Attribute>, String> + 'a;

/// Walks `items` as [`walk`] does and puts on each unit the attribute
/// `decide(key, tokens)` answers.
fn gate_items(items: &mut [Item], prefix: &str, decide: &mut Decide) -> Result<(), String> {
    for item in items.iter_mut() {
        let k = key(prefix, item);
        let (client, visitor) = (is_client_impl(item), is_visitor(item));
        match item {
            Item::Mod(m) if m.content.is_some() => {
                gate_items(&mut m.content.as_mut().unwrap().1, &format!("{k}::"), decide)?
            }
            Item::Impl(i) if client => {
                for it in &mut i.items {
                    let ImplItem::Fn(f) = it else {
                        return Err(format!("packaging: `{k}` holds an item that is not a method"));
                    };
                    if let Some(a) = decide(&format!("{k}::fn {}", f.sig.ident), &f.to_token_stream().to_string())? {
                        f.attrs.insert(0, a);
                    }
                }
            }
            Item::Fn(f) if visitor => {
                for s in &mut f.block.stmts {
                    let tokens = s.to_token_stream().to_string();
                    if let Some(a) = decide(&format!("{k}::{tokens}"), &tokens)? {
                        let attrs = stmt_attrs_mut(s).ok_or_else(|| {
                            format!("packaging: `{k}` has a statement of a shape it cannot gate: {tokens}")
                        })?;
                        attrs.insert(0, a);
                    }
                }
            }
            _ => {
                if let Some(a) = decide(&k, &item.to_token_stream().to_string())? {
                    attrs_mut(item).ok_or(format!("packaging: `{k}` is an item it cannot gate"))?.insert(0, a);
                }
            }
        }
    }
    Ok(())
}

/// The attributes of a statement of `visit_resources` that can be gated:
/// a call (`v.visit::<Tickets>()`) or a `let`.
fn stmt_attrs_mut(s: &mut Stmt) -> Option<&mut Vec<syn::Attribute>> {
    match s {
        Stmt::Expr(Expr::MethodCall(c), _) => Some(&mut c.attrs),
        Stmt::Expr(Expr::Call(c), _) => Some(&mut c.attrs),
        Stmt::Local(l) => Some(&mut l.attrs),
        _ => None,
    }
}

fn attrs_mut(item: &mut Item) -> Option<&mut Vec<syn::Attribute>> {
    Some(match item {
        Item::Struct(i) => &mut i.attrs,
        Item::Enum(i) => &mut i.attrs,
        Item::Type(i) => &mut i.attrs,
        Item::Fn(i) => &mut i.attrs,
        Item::Const(i) => &mut i.attrs,
        Item::Static(i) => &mut i.attrs,
        Item::Trait(i) => &mut i.attrs,
        Item::Mod(i) => &mut i.attrs,
        Item::Impl(i) => &mut i.attrs,
        Item::Use(i) => &mut i.attrs,
        Item::Macro(i) => &mut i.attrs,
        _ => return None,
    })
}

/// What a compiler keeps of the packaged source with `enabled` features on:
/// the items whose `cfg` holds, without the `cfg`. Only the attributes
/// [`gate`] writes are read. For the check that the package's source is
/// what the generator writes for the same features ([`same_as_generated`]).
pub fn select(file: &syn::File, enabled: &dyn Fn(&str) -> bool) -> Result<syn::File, String> {
    let mut file = file.clone();
    select_items(&mut file.items, enabled)?;
    Ok(file)
}

/// Whether `attrs` pass with `enabled` on; drops the gate.
fn keep(attrs: &mut Vec<syn::Attribute>, enabled: &dyn Fn(&str) -> bool) -> Result<bool, String> {
    let Some(at) = attrs.iter().position(|a| a.path().is_ident("cfg")) else { return Ok(true) };
    let text = attrs[at].meta.to_token_stream().to_string();
    let names: Vec<&str> = text.split('"').skip(1).step_by(2).collect();
    let shape = text.starts_with("cfg (feature =") || text.starts_with("cfg (any (feature =");
    if !shape || names.is_empty() {
        return Err(format!("packaging: a `cfg` it did not write: {text}"));
    }
    attrs.remove(at);
    Ok(names.iter().any(|f| enabled(f)))
}

fn select_items(items: &mut Vec<Item>, enabled: &dyn Fn(&str) -> bool) -> Result<(), String> {
    let mut err = None;
    items.retain_mut(|item| match attrs_mut(item).map(|a| keep(a, enabled)) {
        Some(Ok(k)) => k,
        Some(Err(e)) => {
            err = Some(e);
            true
        }
        None => true,
    });
    if let Some(e) = err {
        return Err(e);
    }
    for item in items.iter_mut() {
        let (client, visitor) = (is_client_impl(item), is_visitor(item));
        match item {
            Item::Mod(m) if m.content.is_some() => select_items(&mut m.content.as_mut().unwrap().1, enabled)?,
            Item::Impl(i) if client => {
                let mut err = None;
                i.items.retain_mut(|it| match it {
                    ImplItem::Fn(f) => keep(&mut f.attrs, enabled).unwrap_or_else(|e| {
                        err = Some(e);
                        true
                    }),
                    _ => true,
                });
                if let Some(e) = err {
                    return Err(e);
                }
            }
            Item::Fn(f) if visitor => {
                let mut err = None;
                f.block.stmts.retain_mut(|s| {
                    let Some(attrs) = stmt_attrs_mut(s) else { return true };
                    keep(attrs, enabled).unwrap_or_else(|e| {
                        err = Some(e);
                        true
                    })
                });
                if let Some(e) = err {
                    return Err(e);
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Checks that the packaged source, compiled with `features` on, is the
/// source the generator writes for them: the same items, in the same order,
/// token for token. `direct` is that generation's file.
pub fn same_as_generated(packaged: &syn::File, direct: &syn::File, features: &[&str]) -> Result<(), String> {
    let selected = select(packaged, &|f| features.contains(&f))?;
    let (a, b) = (prettyplease::unparse(&selected), prettyplease::unparse(direct));
    if a == b {
        return Ok(());
    }
    let line = a.lines().zip(b.lines()).position(|(x, y)| x != y).unwrap_or(a.lines().count().min(b.lines().count()));
    Err(format!(
        "packaging: with features {features:?} the package's source differs from the generator's at line {}:\n  package:   {}\n  generator: {}",
        line + 1,
        a.lines().nth(line).unwrap_or("(end)"),
        b.lines().nth(line).unwrap_or("(end)")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn presence(feature: &str, src: &str) -> Presence {
        let file: syn::File = syn::parse_str(src).unwrap();
        Presence::of(feature, &file, &serde_json::json!({"resources": [], "lists": []})).unwrap()
    }

    #[test]
    fn items_are_gated_by_the_features_that_generate_them() {
        let mut full: syn::File = syn::parse_str(
            "pub mod types { pub struct A; pub struct B; pub struct C; impl X for B {} } \
             pub struct Client; impl Client { pub fn a(&self) {} pub fn b(&self) {} } \
             pub mod resources { pub fn visit_resources(v: &mut V) { let _ = &v; v.visit::<A>(); v.visit::<B>(); } }",
        )
        .unwrap();
        let a = presence(
            "a",
            "pub mod types { pub struct A; } pub struct Client; impl Client { pub fn a(&self) {} } \
             pub mod resources { pub fn visit_resources(v: &mut V) { let _ = &v; v.visit::<A>(); } }",
        );
        let b = presence(
            "b",
            "pub mod types { pub struct A; pub struct B; impl X for B {} } pub struct Client; impl Client { pub fn b(&self) {} } \
             pub mod resources { pub fn visit_resources(v: &mut V) { let _ = &v; v.visit::<B>(); } }",
        );
        let mut table = serde_json::json!({"resources": [], "lists": []});
        let line = gate(&mut full, &mut table, &[a, b]).unwrap();
        let out = prettyplease::unparse(&full);
        let expect = r#"pub mod types {
    pub struct A;
    #[cfg(any(feature = "full", feature = "b"))]
    pub struct B;
    #[cfg(feature = "full")]
    pub struct C;
    #[cfg(any(feature = "full", feature = "b"))]
    impl X for B {}
}
pub struct Client;
impl Client {
    #[cfg(any(feature = "full", feature = "a"))]
    pub fn a(&self) {}
    #[cfg(any(feature = "full", feature = "b"))]
    pub fn b(&self) {}
}
pub mod resources {
    pub fn visit_resources(v: &mut V) {
        let _ = &v;
        #[cfg(any(feature = "full", feature = "a"))] v.visit::<A>();
        #[cfg(any(feature = "full", feature = "b"))] v.visit::<B>();
    }
}
"#;
        assert_eq!(out, expect);
        let only_a: syn::File = syn::parse_str(
            "pub mod types { pub struct A; } pub struct Client; impl Client { pub fn a(&self) {} } \
             pub mod resources { pub fn visit_resources(v: &mut V) { let _ = &v; v.visit::<A>(); } }",
        )
        .unwrap();
        same_as_generated(&full, &only_a, &["a"]).unwrap();
        let e = same_as_generated(&full, &only_a, &["b"]).unwrap_err();
        assert!(e.contains("differs from the generator's"), "{e}");
        let everything = select(&full, &|f| f == "full").unwrap();
        assert_eq!(everything.items.len(), 4);
        assert!(!prettyplease::unparse(&everything).contains("cfg"));
        assert_eq!(line, "3 items for every feature, 6 behind some features, 1 only with `full`.");
    }

    #[test]
    fn an_item_a_feature_writes_otherwise_stops_the_packaging() {
        let mut full: syn::File = syn::parse_str("pub mod types { pub struct A { x: i32 } }").unwrap();
        let a = presence("a", "pub mod types { pub struct A { x: i64 } }");
        let e = gate(&mut full, &mut serde_json::json!({"resources": [], "lists": []}), &[a]).unwrap_err();
        assert!(e.contains("feature `a` generates `mod types::struct A` otherwise"), "{e}");
    }

    #[test]
    fn an_item_only_a_feature_writes_stops_the_packaging() {
        let mut full: syn::File = syn::parse_str("pub mod types { pub struct A; }").unwrap();
        let a = presence("a", "pub mod types { pub struct A; pub struct Z; }");
        let e = gate(&mut full, &mut serde_json::json!({"resources": [], "lists": []}), &[a]).unwrap_err();
        assert!(e.contains("`mod types::struct Z`, which the whole API lacks"), "{e}");
    }

    #[test]
    fn table_rows_say_which_features_hold_them() {
        let mut full: syn::File = syn::parse_str("pub struct Client;").unwrap();
        let row = |n: &str| serde_json::json!({"name": n});
        let mut table = serde_json::json!({"resources": [row("a"), row("b")], "lists": [{"operation": "get_x"}]});
        let file: syn::File = syn::parse_str("pub struct Client;").unwrap();
        let a = Presence::of("a", &file, &serde_json::json!({"resources": [row("a")], "lists": []})).unwrap();
        let b = Presence::of("b", &file, &serde_json::json!({"resources": [row("b")], "lists": []})).unwrap();
        gate(&mut full, &mut table, &[a, b]).unwrap();
        assert_eq!(table["resources"][0]["features"], serde_json::json!(["a"]));
        assert_eq!(table["resources"][1]["features"], serde_json::json!(["b"]));
        assert_eq!(table["lists"][0]["features"], serde_json::json!([]));
    }
}
