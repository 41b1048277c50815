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
    std::fs::write(std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("all_operations.rs"), out).unwrap();
}

fn uuid_nil() -> String {
    "00000000-0000-0000-0000-000000000000".into()
}
