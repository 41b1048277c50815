//! Fixups for defects in Halo's published OpenAPI document.
//!
//! One small function per upstream defect, in the style of k8s-openapi's
//! codegen fixups. Each one:
//! - says which defect it fixes ([`Patch::defect`]),
//! - counts the places it changed,
//! - reports itself *stale* when it changes nothing, so that a defect Halo has
//!   fixed shows up as a stale patch, not as silent drift. A stale patch is a
//!   warning when newer Halo documents are known to fix that defect
//!   ([`WhenStale::Warn`]) and an error otherwise ([`WhenStale::Fail`]).
//!
//! Patches work on the document as JSON (`serde_json::Value`), so that parts
//! of it we do not model are carried through untouched.

use anyhow::{Result, bail};
use serde_json::Value;
use std::fmt::Write as _;

pub mod binary_in_json;
pub mod closed_integer_enums;
pub mod closed_objects;
pub mod csharp_parameter_types;
pub mod date_filters;
pub mod date_span;
pub mod duplicate_parameters;
pub mod multipart_operations;
pub mod operation_ids;
pub mod response_schemas;
pub mod rust_name_collisions;
pub mod schema_required;
pub mod schemaless_parameters;
pub mod single_json_media_type;
pub mod undeclared_fields;

/// What a stale patch means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhenStale {
    /// Newer Halo documents are known to fix this defect: a stale patch is
    /// expected one day and only warns.
    Warn,
    /// Nothing says Halo fixed this: a stale patch means the document changed
    /// in a way we do not understand, and codegen stops.
    Fail,
}

/// One fixup.
#[derive(Debug)]
pub struct Patch {
    /// Short name, printed in reports.
    pub name: &'static str,
    /// The upstream defect this patch fixes.
    pub defect: &'static str,
    pub when_stale: WhenStale,
    /// Applies the fix and returns how many places it changed.
    pub apply: fn(&mut Value, &mut Context) -> Result<usize>,
}

/// Inputs and side results shared by patches.
#[derive(Default, Debug)]
pub struct Context {
    /// The resource table (`spec/resources.toml`), used by response_schemas.
    pub resources: Vec<crate::resources::Resource>,
    /// Operations removed from the document, with the reason.
    pub excluded: Vec<Excluded>,
    /// Free-form notes a patch wants printed (e.g. "kept upstream's response").
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Excluded {
    pub method: String,
    pub path: String,
    pub reason: String,
}

/// The outcome of one patch.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub name: &'static str,
    pub defect: &'static str,
    pub changed: usize,
    pub when_stale: WhenStale,
}

impl Outcome {
    pub fn is_stale(&self) -> bool {
        self.changed == 0
    }
}

/// Every patch, in the order they run. Order matters in two places:
/// multipart operations go before the media-type patch, and operation ids are
/// given before response schemas are added (so reports can name operations).
pub const ALL: &[Patch] = &[
    multipart_operations::PATCH,
    operation_ids::PATCH,
    csharp_parameter_types::PATCH,
    date_filters::PATCH,
    schemaless_parameters::PATCH,
    duplicate_parameters::PATCH,
    single_json_media_type::PATCH,
    date_span::PATCH,
    binary_in_json::PATCH,
    rust_name_collisions::PATCH,
    schema_required::PATCH,
    closed_objects::PATCH,
    undeclared_fields::PATCH,
    closed_integer_enums::PATCH,
    response_schemas::PATCH,
];

/// The result of running every patch.
#[derive(Debug)]
pub struct Report {
    pub outcomes: Vec<Outcome>,
    pub excluded: Vec<Excluded>,
    pub notes: Vec<String>,
}

impl Report {
    /// Stale patches whose defect is not known to be fixed upstream.
    pub fn failures(&self) -> Vec<&Outcome> {
        self.outcomes.iter().filter(|o| o.is_stale() && o.when_stale == WhenStale::Fail).collect()
    }

    pub fn render(&self) -> String {
        let mut s = String::new();
        for o in &self.outcomes {
            let status = match (o.is_stale(), o.when_stale) {
                (false, _) => format!("{:>6} changed", o.changed),
                (true, WhenStale::Warn) => "  STALE (warning: upstream fixed it?)".to_string(),
                (true, WhenStale::Fail) => "  STALE (error: found nothing to fix)".to_string(),
            };
            let _ = writeln!(s, "  {:<26} {status}", o.name);
        }
        for n in &self.notes {
            let _ = writeln!(s, "  note: {n}");
        }
        s
    }
}

/// Runs every patch in [`ALL`] on `doc`.
///
/// Errors from a patch itself (a document it cannot make sense of) stop at
/// once; staleness is reported in the [`Report`] and judged by the caller.
pub fn apply_all(doc: &mut Value, ctx: &mut Context) -> Result<Report> {
    let mut outcomes = Vec::new();
    for p in ALL {
        let changed = (p.apply)(doc, ctx).map_err(|e| e.context(format!("patch {}", p.name)))?;
        outcomes.push(Outcome { name: p.name, defect: p.defect, changed, when_stale: p.when_stale });
    }
    Ok(Report { outcomes, excluded: std::mem::take(&mut ctx.excluded), notes: std::mem::take(&mut ctx.notes) })
}

/// Fails when any patch that is not known to be fixed upstream was stale.
pub fn check_stale(report: &Report) -> Result<()> {
    let failures = report.failures();
    if failures.is_empty() {
        return Ok(());
    }
    let mut msg = String::from("stale patches: these found nothing to fix in the document:\n");
    for o in failures {
        let _ = writeln!(msg, "  {}: {}", o.name, o.defect);
    }
    msg.push_str(
        "Halo's document changed. If Halo fixed the defect, remove the patch from \
         halo-api/patches/src/patches/mod.rs (ALL); otherwise update the patch to find it again.",
    );
    bail!(msg)
}

// ---- helpers shared by patches -------------------------------------------------

/// HTTP methods OpenAPI allows as keys of a path item.
pub const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Adds `note` after a schema's description (or makes it the description).
pub fn append_description(schema: &mut serde_json::Map<String, Value>, note: &str) {
    let desc = match schema.get("description").and_then(Value::as_str) {
        Some(d) if !d.trim().is_empty() => format!("{d} {note}"),
        _ => note.to_string(),
    };
    schema.insert("description".into(), Value::String(desc));
}

/// Calls `f(method, path, operation)` for every operation of the document.
pub fn for_each_operation(doc: &mut Value, mut f: impl FnMut(&str, &str, &mut Value) -> Result<()>) -> Result<()> {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        bail!("the document has no `paths` object");
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for (method, op) in item.iter_mut() {
            if METHODS.contains(&method.as_str()) {
                f(method, path, op)?;
            }
        }
    }
    Ok(())
}

/// Calls `f(schema_name, schema)` for every schema in `components.schemas`.
pub fn for_each_schema(doc: &mut Value, mut f: impl FnMut(&str, &mut Value)) {
    if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        for (name, s) in schemas.iter_mut() {
            f(name, s);
        }
    }
}

/// Calls `f` on every schema object reachable inside `v` (nested properties,
/// items, additionalProperties, allOf/oneOf/anyOf), `v` included.
pub fn walk_schemas(v: &mut Value, f: &mut impl FnMut(&mut Value)) {
    if !v.is_object() {
        return;
    }
    f(v);
    let obj = v.as_object_mut().expect("checked above");
    if let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) {
        for p in props.values_mut() {
            walk_schemas(p, f);
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(s) = obj.get_mut(key) {
            walk_schemas(s, f);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(list) = obj.get_mut(key).and_then(Value::as_array_mut) {
            for s in list {
                walk_schemas(s, f);
            }
        }
    }
}

/// Calls `f` on every schema in the document: component schemas, parameter
/// schemas, request and response body schemas.
pub fn walk_all_schemas(doc: &mut Value, f: &mut impl FnMut(&mut Value)) -> Result<()> {
    for_each_schema(doc, |_, s| walk_schemas(s, f));
    for_each_operation(doc, |_, _, op| {
        if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
            for p in params {
                if let Some(s) = p.get_mut("schema") {
                    walk_schemas(s, f);
                }
            }
        }
        for key in ["requestBody"] {
            if let Some(content) = op.pointer_mut(&format!("/{key}/content")).and_then(Value::as_object_mut) {
                for media in content.values_mut() {
                    if let Some(s) = media.get_mut("schema") {
                        walk_schemas(s, f);
                    }
                }
            }
        }
        if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
            for r in responses.values_mut() {
                if let Some(content) = r.get_mut("content").and_then(Value::as_object_mut) {
                    for media in content.values_mut() {
                        if let Some(s) = media.get_mut("schema") {
                            walk_schemas(s, f);
                        }
                    }
                }
            }
        }
        Ok(())
    })
}

#[cfg(test)]
pub(crate) mod test_util {
    use super::*;

    /// A minimal document around some paths and schemas.
    pub fn doc(paths: Value, schemas: Value) -> Value {
        serde_json::json!({
            "openapi": "3.0.1",
            "info": {"title": "Halo API", "version": "v2"},
            "paths": paths,
            "components": {"schemas": schemas}
        })
    }

    pub fn run(p: &Patch, doc: &mut Value) -> usize {
        (p.apply)(doc, &mut Context::default()).unwrap()
    }
}
