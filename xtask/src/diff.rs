//! What changed between two versions of Halo's document, as users of
//! halo-api see it: both documents go through our patches first, so a change
//! a patch absorbs is not reported, and a patch that goes stale is.
//!
//! Breaking (for code using halo-api): a removed operation, parameter,
//! schema or property; a changed type; a renamed method (operationId).

use crate::patches::Report;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct Diff {
    pub old: String,
    pub new: String,
    pub operations_added: Vec<String>,
    pub operations_removed: Vec<String>,
    /// `METHOD /path`: old id -> new id.
    pub methods_renamed: Vec<Change>,
    pub parameters: Vec<Change>,
    pub schemas_added: Vec<String>,
    pub schemas_removed: Vec<String>,
    /// Schemas whose properties changed, with the changes.
    pub properties: Vec<Change>,
    /// Patches whose outcome differs between the two documents.
    pub patches: Vec<Change>,
    /// Operations added or removed (listed above too) that halo-api does not
    /// generate, with the reason a patch excludes them.
    pub not_generated: Vec<Change>,
}

/// One change: where, what, and whether it breaks code using halo-api.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Change {
    pub at: String,
    pub what: String,
    pub breaking: bool,
}

impl Diff {
    pub fn breaking(&self) -> usize {
        self.operations_removed.iter().filter(|o| self.reason_not_generated(o).is_none()).count()
            + self.schemas_removed.len()
            + [&self.methods_renamed, &self.parameters, &self.properties, &self.patches]
                .iter()
                .flat_map(|v| v.iter())
                .filter(|c| c.breaking)
                .count()
    }

    /// Why halo-api does not generate `op`, when it does not.
    pub fn reason_not_generated(&self, op: &str) -> Option<&str> {
        self.not_generated.iter().find(|c| c.at == op).map(|c| c.what.as_str())
    }

    /// Schemas whose property set or property types changed.
    pub fn changed_schemas(&self) -> usize {
        self.properties.iter().map(|c| c.at.as_str()).collect::<BTreeSet<_>>().len()
    }

    pub fn is_empty(&self) -> bool {
        self.breaking() == 0
            && self.operations_added.is_empty()
            && self.schemas_added.is_empty()
            && self.parameters.is_empty()
            && self.properties.is_empty()
            && self.patches.is_empty()
    }

    pub fn summary(&self) -> String {
        format!(
            "{} operations added ({} not generated), {} removed, {} methods renamed, {} parameter changes; {} schemas added, {} removed, {} changed; {} breaking",
            self.operations_added.len(),
            self.operations_added.iter().filter(|o| self.reason_not_generated(o).is_some()).count(),
            self.operations_removed.len(),
            self.methods_renamed.len(),
            self.parameters.len(),
            self.schemas_added.len(),
            self.schemas_removed.len(),
            self.changed_schemas(),
            self.breaking()
        )
    }

    /// The changelog, as Markdown. Breaking items are marked **BREAKING**.
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "## Halo API: {} -> {}\n\n{}.\n", self.old, self.new, self.summary());
        let mark = |b: bool| if b { "**BREAKING** " } else { "" };
        let mut section = |title: &str, items: Vec<String>| {
            if !items.is_empty() {
                let _ = writeln!(s, "### {title}\n");
                for i in items {
                    let _ = writeln!(s, "- {i}");
                }
                s.push('\n');
            }
        };
        let op = |o: &String, breaking: &str| match self.reason_not_generated(o) {
            Some(why) => format!("`{o}` (not generated: {why})"),
            None => format!("{breaking}`{o}`"),
        };
        section("Operations added", self.operations_added.iter().map(|o| op(o, "")).collect());
        section("Operations removed", self.operations_removed.iter().map(|o| op(o, "**BREAKING** ")).collect());
        let changes = |v: &[Change]| v.iter().map(|c| format!("{}`{}`: {}", mark(c.breaking), c.at, c.what)).collect();
        section("Methods renamed", changes(&self.methods_renamed));
        section("Parameters", changes(&self.parameters));
        section("Schemas added", self.schemas_added.iter().map(|o| format!("`{o}`")).collect());
        section("Schemas removed", self.schemas_removed.iter().map(|o| format!("**BREAKING** `{o}`")).collect());
        section("Schema properties", changes(&self.properties));
        section("Patches", changes(&self.patches));
        s
    }
}

/// A type as code sees it: `$ref` name, or type/format, recursively for arrays.
fn type_of(s: &Value) -> String {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        return r.rsplit('/').next().unwrap_or(r).to_string();
    }
    if let Some(list) = s.get("oneOf").or(s.get("anyOf")).and_then(Value::as_array) {
        return list.iter().map(type_of).collect::<Vec<_>>().join(" | ");
    }
    let t = s.get("type").and_then(Value::as_str).unwrap_or("any");
    match (t, s.get("format").and_then(Value::as_str)) {
        ("array", _) => format!("[{}]", s.get("items").map(type_of).unwrap_or_else(|| "any".into())),
        (t, Some(f)) => format!("{t}({f})"),
        (t, None) => t.to_string(),
    }
}

fn operations(doc: &Value) -> BTreeMap<String, &Value> {
    let mut out = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (m, op) in item.as_object().into_iter().flatten() {
            if crate::patches::METHODS.contains(&m.as_str()) {
                out.insert(format!("{} {path}", m.to_uppercase()), op);
            }
        }
    }
    out
}

fn params(op: &Value) -> BTreeMap<String, (String, bool)> {
    op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let key = format!("{} ({})", p["name"].as_str().unwrap_or("?"), p["in"].as_str().unwrap_or("?"));
            (key, (p.get("schema").map(type_of).unwrap_or_else(|| "none".into()), p["required"] == true))
        })
        .collect()
}

fn body_and_response(op: &Value) -> (Option<String>, Option<String>) {
    let body = op.pointer("/requestBody/content/application~1json/schema").map(type_of);
    let resp = ["200", "201"]
        .iter()
        .find_map(|c| op.pointer(&format!("/responses/{c}/content/application~1json/schema")))
        .map(type_of);
    (body, resp)
}

/// Compares two documents (patched or raw, as given).
pub fn diff(old_name: &str, old: &Value, new_name: &str, new: &Value) -> Diff {
    let mut d = Diff { old: old_name.into(), new: new_name.into(), ..Default::default() };
    let (a, b) = (operations(old), operations(new));
    for (k, op) in &b {
        let Some(prev) = a.get(k) else {
            d.operations_added.push(k.clone());
            continue;
        };
        let (ida, idb) = (prev["operationId"].as_str(), op["operationId"].as_str());
        if ida != idb {
            d.methods_renamed.push(Change {
                at: k.clone(),
                what: format!("{} -> {}", ida.unwrap_or("-"), idb.unwrap_or("-")),
                breaking: true,
            });
        }
        let (pa, pb) = (params(prev), params(op));
        for (name, (t, required)) in &pb {
            match pa.get(name) {
                None => d.parameters.push(Change {
                    at: k.clone(),
                    what: format!("added {name}: {t}{}", if *required { ", required" } else { "" }),
                    breaking: *required,
                }),
                Some((old_t, _)) if old_t != t => d.parameters.push(Change {
                    at: k.clone(),
                    what: format!("retyped {name}: {old_t} -> {t}"),
                    breaking: true,
                }),
                _ => {}
            }
        }
        for name in pa.keys().filter(|n| !pb.contains_key(*n)) {
            d.parameters.push(Change { at: k.clone(), what: format!("removed {name}"), breaking: true });
        }
        let ((ba, ra), (bb, rb)) = (body_and_response(prev), body_and_response(op));
        if ba != bb {
            d.parameters.push(Change {
                at: k.clone(),
                what: format!("body {} -> {}", ba.as_deref().unwrap_or("none"), bb.as_deref().unwrap_or("none")),
                breaking: true,
            });
        }
        if ra != rb {
            d.parameters.push(Change {
                at: k.clone(),
                what: format!("response {} -> {}", ra.as_deref().unwrap_or("none"), rb.as_deref().unwrap_or("none")),
                breaking: ra.is_some(),
            });
        }
    }
    d.operations_removed = a.keys().filter(|k| !b.contains_key(*k)).cloned().collect();

    let empty = serde_json::Map::new();
    let sa = old.pointer("/components/schemas").and_then(Value::as_object).unwrap_or(&empty);
    let sb = new.pointer("/components/schemas").and_then(Value::as_object).unwrap_or(&empty);
    d.schemas_added = sb.keys().filter(|k| !sa.contains_key(*k)).cloned().collect();
    d.schemas_removed = sa.keys().filter(|k| !sb.contains_key(*k)).cloned().collect();
    for (name, s) in sb {
        let Some(prev) = sa.get(name) else { continue };
        let props = |s: &Value| -> BTreeMap<String, String> {
            s["properties"].as_object().into_iter().flatten().map(|(k, v)| (k.clone(), type_of(v))).collect()
        };
        let (pa, pb) = (props(prev), props(s));
        for (p, t) in &pb {
            match pa.get(p) {
                None => {
                    d.properties.push(Change { at: name.clone(), what: format!("added {p}: {t}"), breaking: false })
                }
                Some(old_t) if old_t != t => d.properties.push(Change {
                    at: name.clone(),
                    what: format!("retyped {p}: {old_t} -> {t}"),
                    breaking: true,
                }),
                _ => {}
            }
        }
        for p in pa.keys().filter(|p| !pb.contains_key(*p)) {
            d.properties.push(Change { at: name.clone(), what: format!("removed {p}"), breaking: true });
        }
    }
    d
}

/// Adds to `d` (a diff of the patched documents) the operations Halo added
/// or removed that a patch excludes, so that the changelog lists every
/// operation Halo changed, marked "not generated" with the reason.
pub fn excluded_operations(d: &mut Diff, old_raw: &Value, new_raw: &Value, old: &Report, new: &Report) {
    let reasons: BTreeMap<String, String> = old
        .excluded
        .iter()
        .chain(&new.excluded)
        .map(|e| (format!("{} {}", e.method.to_uppercase(), e.path), e.reason.clone()))
        .collect();
    let (a, b) = (operations(old_raw), operations(new_raw));
    let added: Vec<&String> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    let removed: Vec<&String> = a.keys().filter(|k| !b.contains_key(*k)).collect();
    for (ops, list) in [(added, &mut d.operations_added), (removed, &mut d.operations_removed)] {
        for k in ops {
            if !list.contains(k) {
                list.push(k.clone());
                let why = reasons.get(k).cloned().unwrap_or_else(|| "excluded by a patch".into());
                d.not_generated.push(Change { at: k.clone(), what: why, breaking: false });
            }
        }
        list.sort();
    }
}

/// Patch outcomes that differ between the two documents: a patch going
/// stale is breaking when it is not known to be fixed upstream.
pub fn patch_changes(old: &Report, new: &Report) -> Vec<Change> {
    let mut out = Vec::new();
    for (a, b) in old.outcomes.iter().zip(&new.outcomes) {
        if a.is_stale() == b.is_stale() {
            continue;
        }
        let what = if b.is_stale() {
            format!("went stale (changed {} places before, none now): {}", a.changed, b.defect)
        } else {
            format!("applies again ({} places)", b.changed)
        };
        out.push(Change {
            at: b.name.to_string(),
            what,
            breaking: b.is_stale() && b.when_stale == crate::patches::WhenStale::Fail,
        });
    }
    out
}
