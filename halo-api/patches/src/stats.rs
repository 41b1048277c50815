//! Counts that describe a Halo document, recorded in the lock.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::patches::METHODS;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub paths: usize,
    pub operations: usize,
    pub schemas: usize,
    pub properties: usize,
}

pub fn counts(doc: &Value) -> Counts {
    let paths = doc.get("paths").and_then(Value::as_object);
    let schemas = doc.pointer("/components/schemas").and_then(Value::as_object);
    Counts {
        paths: paths.map_or(0, |p| p.len()),
        operations: operations(doc).len(),
        schemas: schemas.map_or(0, |s| s.len()),
        properties: schemas.map_or(0, |s| {
            s.values().map(|s| s.get("properties").and_then(Value::as_object).map_or(0, |p| p.len())).sum()
        }),
    }
}

/// "METHOD /path" for every operation, sorted.
pub fn operations(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (path, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
        for method in item.as_object().into_iter().flat_map(|o| o.keys()) {
            if METHODS.contains(&method.as_str()) {
                out.push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    out.sort();
    out
}
