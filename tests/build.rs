//! Writes OUT_DIR/all_operations.rs: one call per operation of the patched
//! document (path parameters filled, required parameters and bodies given),
//! with the method and path it must put on the wire. Read by
//! tests/every_operation.rs.

use serde_json::Value;
use std::fmt::Write as _;

fn snake(s: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev_lower = i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if i > 0 && (prev_lower || (next_lower && chars[i - 1].is_uppercase())) && !out.ends_with('_') {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else if c.is_alphanumeric() {
            out.push(*c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out
}

fn main() {
    // Read when the script runs: cargo reuses a compiled script across
    // checkouts of one workspace, so a path compiled in may be another's.
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let spec = std::path::Path::new(&manifest).join("../halo-api/halo.patched.json");
    println!("cargo:rerun-if-changed={}", spec.display());
    let doc: Value = serde_json::from_slice(&std::fs::read(&spec).expect("run `cargo xtask codegen` first")).unwrap();
    let mut out = String::from("pub fn all_operations() -> Vec<Op> {\n    vec![\n");
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else { continue };
            let mut call = format!("c.{id}()");
            let mut wire = path.clone();
            for p in op.get("parameters").and_then(Value::as_array).into_iter().flatten() {
                let (name, loc) = (p["name"].as_str().unwrap(), p["in"].as_str().unwrap());
                if loc != "path" && !p.get("required").and_then(Value::as_bool).unwrap_or(false) {
                    continue;
                }
                let s = &p["schema"];
                let (arg, text) = match (s["type"].as_str(), s["format"].as_str()) {
                    (Some("integer"), _) => ("1".to_string(), "1".to_string()),
                    (Some("number"), _) => ("1.0".to_string(), "1".to_string()),
                    (Some("boolean"), _) => ("true".to_string(), "true".to_string()),
                    (Some("string"), Some("uuid")) => ("uuid::Uuid::nil()".to_string(), uuid_nil()),
                    _ => ("\"x\"".to_string(), "x".to_string()),
                };
                let _ = write!(call, ".{}({arg})", snake(name));
                if loc == "path" {
                    wire = wire.replace(&format!("{{{name}}}"), &text);
                }
            }
            // Bodies progenitor does not start from Default: arrays, strings, maps.
            if let Some(schema) = op.pointer("/requestBody/content/application~1json/schema") {
                match schema["type"].as_str() {
                    Some("array") => call.push_str(".body(Vec::new())"),
                    Some("string") => call.push_str(".body(\"x\")"),
                    Some("object") if schema.get("properties").is_none() => {
                        call.push_str(".body(serde_json::Map::new())")
                    }
                    _ => {}
                }
            }
            let _ = writeln!(
                out,
                "        Op {{ method: \"{}\", path: \"/api{wire}\", call: |c| Box::pin(async move {{ {call}.send().await.map(|_| ()).map_err(|e| e.to_string()) }}) }},",
                method.to_uppercase()
            );
        }
    }
    out.push_str("    ]\n}\n");
    let dir = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap());
    std::fs::write(dir.join("all_operations.rs"), out).unwrap();
    std::fs::write(dir.join("typed_calls.rs"), typed_calls(&doc)).unwrap();
    std::fs::write(dir.join("paged_lists.rs"), paged_lists(&doc)).unwrap();
}

/// A sample argument of a parameter's type (Rust, and as it reads on the wire).
fn sample(schema: &Value) -> (&'static str, &'static str) {
    match schema["type"].as_str() {
        Some("integer") => ("7", "7"),
        Some("boolean") => ("true", "true"),
        Some("number") => ("1.5", "1.5"),
        _ => ("\"x\"", "x"),
    }
}

/// The optional query parameters of `op`, less `skip`: `.name(sample)` calls
/// and what they put on the wire.
fn filters(op: &Value, skip: &[&str]) -> (String, Vec<(String, &'static str)>) {
    let mut calls = String::new();
    let mut wire = Vec::new();
    for p in op.get("parameters").and_then(Value::as_array).into_iter().flatten() {
        let (name, loc) = (p["name"].as_str().unwrap(), p["in"].as_str().unwrap());
        if loc != "query" || skip.contains(&name) {
            continue;
        }
        let (arg, text) = sample(&p["schema"]);
        // progenitor's name for a Rust keyword: `type` -> `type_`.
        let setter = match snake(name) {
            k if ["type", "match", "ref", "mod", "fn", "use", "where", "loop", "move"].contains(&k.as_str()) => {
                format!("{k}_")
            }
            n => n,
        };
        let _ = write!(calls, ".{setter}({arg})");
        wire.push((name.to_string(), text));
    }
    (calls, wire)
}

/// For each resource of the table (spec/resources.toml, in the patched
/// document) whose list operation exists: the named list with every typed
/// filter, the named get with every typed option, and the query each must
/// send. Names spelled here from the document, independently of halo-api's
/// build and halo-api-ext's: tests/typed.rs checks that they agree.
fn typed_calls(doc: &Value) -> String {
    let mut out = String::from("pub fn typed_calls() -> Vec<Typed> {\n    vec![\n");
    for r in doc["info"]["x-halo-rs"]["resources"].as_array().unwrap() {
        let (name, one, path) =
            (r["feature"].as_str().unwrap(), r["one"].as_str().unwrap(), r["path"].as_str().unwrap());
        let (list_calls, list_wire) = filters(&doc["paths"][path]["get"], &["pageinate", "page_size", "page_no"]);
        let (get_calls, get_wire) = filters(&doc["paths"][format!("{path}/{{id}}")]["get"], &["id"]);
        let _ = writeln!(
            out,
            "        Typed {{ name: \"{name}\", path: \"{path}\", list_query: &{list_wire:?}, get_query: &{get_wire:?},\n            \
             list: |h| Box::pin(async move {{ h.list_{name}(){list_calls}.page_size(10).page(1).await.map(|p| p.records.len()) }}),\n            \
             get: |h| Box::pin(async move {{ h.get_{one}(7){get_calls}.await.map(|r| halo_api::Identified::id_value(&r)) }}) }},"
        );
    }
    out.push_str("    ]\n}\n");
    out
}

/// Every list operation that takes Halo's paging parameters, listed with
/// `halo.list_of(..)`: its path and a call that collects every record as
/// JSON. For tests/list_of.rs.
fn paged_lists(doc: &Value) -> String {
    let mut out = String::from("pub fn paged_lists() -> Vec<PagedList> {\n    vec![\n");
    for (path, item) in doc["paths"].as_object().unwrap() {
        let Some(op) = item.get("get") else { continue };
        let names: Vec<&str> =
            op["parameters"].as_array().into_iter().flatten().filter_map(|p| p["name"].as_str()).collect();
        if !["pageinate", "page_size", "page_no"].iter().all(|p| names.contains(p)) {
            continue;
        }
        let id = op["operationId"].as_str().unwrap();
        let _ = writeln!(
            out,
            "        PagedList {{ path: \"{path}\", operation: \"{id}\", collect: |h| Box::pin(async move {{ \
             let rows = h.list_of(h.raw().{id}()).page_size(2).collect().await?; \
             rows.iter().map(|r| serde_json::to_value(r).map_err(|e| halo_api::HaloError::InvalidRequest(e.to_string()))).collect() }}) }},"
        );
    }
    out.push_str("    ]\n}\n");
    out
}

fn uuid_nil() -> String {
    "00000000-0000-0000-0000-000000000000".into()
}
