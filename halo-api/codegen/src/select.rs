//! Cargo features -> the operations and schemas to generate.
//!
//! `full` keeps Halo's whole API. Otherwise each enabled resource feature
//! (`tickets`, `clients`, ... : the table in the patched document's
//! `info.x-halo-rs.resources`, from spec/resources.toml) keeps the operations
//! under its path (`/Tickets`, `/Tickets/{id}`, `/Tickets/...`), and only the
//! schemas those operations reach are kept: compile time follows what is used.

use serde_json::Value;
use std::collections::BTreeSet;

#[derive(Debug)]
pub struct Selection {
    pub features: Vec<String>,
    pub operations: usize,
    pub schemas: usize,
}

impl std::fmt::Display for Selection {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "Features [{}]: {} operations, {} schemas", self.features.join(", "), self.operations, self.schemas)
    }
}

/// Prunes `doc` to what the enabled features ask for.
pub fn by_features(doc: &mut Value, feature_enabled: &dyn Fn(&str) -> bool) -> Result<Selection, String> {
    let resources: Vec<(String, String)> = doc
        .pointer("/info/x-halo-rs/resources")
        .and_then(Value::as_array)
        .ok_or("the patched document has no resource table (info.x-halo-rs.resources): run `cargo xtask codegen`")?
        .iter()
        .map(|r| {
            (r["feature"].as_str().unwrap_or_default().to_string(), r["path"].as_str().unwrap_or_default().to_string())
        })
        .collect();
    let full = feature_enabled("full");
    let enabled: Vec<&(String, String)> = resources.iter().filter(|(f, _)| full || feature_enabled(f)).collect();
    let keep = |path: &str| full || enabled.iter().any(|(_, p)| path == p || path.starts_with(&format!("{p}/")));

    let paths = doc.get_mut("paths").and_then(Value::as_object_mut).ok_or("the patched document has no paths")?;
    paths.retain(|p, _| keep(p));
    let mut roots = BTreeSet::new();
    refs(&Value::Object(paths.clone()), &mut roots);
    let operations = paths.values().flat_map(|i| i.as_object().unwrap().keys()).filter(|k| *k != "parameters").count();

    let schemas = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .ok_or("the patched document has no components.schemas")?;
    if !full {
        // The closure of the schemas the kept operations refer to.
        let mut reached = BTreeSet::new();
        let mut todo: Vec<String> = roots.into_iter().collect();
        while let Some(name) = todo.pop() {
            if reached.insert(name.clone()) {
                let mut more = BTreeSet::new();
                if let Some(s) = schemas.get(&name) {
                    refs(s, &mut more);
                }
                todo.extend(more.into_iter().filter(|n| !reached.contains(n)));
            }
        }
        schemas.retain(|n, _| reached.contains(n));
    }
    let mut features: Vec<String> =
        if full { vec!["full".into()] } else { enabled.iter().map(|(f, _)| f.clone()).collect() };
    if features.is_empty() {
        println!(
            "cargo:warning=halo-api: no resource feature enabled, so no operation is generated (enable `full`, `core` or e.g. `tickets`)"
        );
        features.push("none".into());
    }
    Ok(Selection { features, operations, schemas: schemas.len() })
}

fn refs(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(o) => {
            for (k, v) in o {
                match (k.as_str(), v.as_str()) {
                    ("$ref", Some(r)) => {
                        out.insert(r.rsplit('/').next().unwrap().to_string());
                    }
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}
