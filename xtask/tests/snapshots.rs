//! The pipeline on both real versions of Halo's document (2025-04, the
//! committed one, and the 2024-09 fixture): every patch applies (or says
//! clearly why not), the counts match what the document says independently,
//! and progenitor accepts the result.

mod common;

use serde_json::Value;
use xtask::patches::WhenStale;

/// Counts computed here from the raw document, independently of xtask.
fn raw_counts(doc: &Value) -> (usize, usize, usize, usize) {
    let mut ops = 0;
    let mut multipart = 0;
    for item in doc["paths"].as_object().unwrap().values() {
        for (m, op) in item.as_object().unwrap() {
            if ["get", "post", "put", "delete", "patch"].contains(&m.as_str()) {
                ops += 1;
                if op.pointer("/requestBody/content/multipart~1form-data").is_some() {
                    multipart += 1;
                }
            }
        }
    }
    let schemas = doc["components"]["schemas"].as_object().unwrap().len();
    (doc["paths"].as_object().unwrap().len(), ops, schemas, multipart)
}

fn check(name: &str, bytes: &[u8], paths: usize, ops: usize, schemas: usize) {
    let raw: Value = serde_json::from_slice(bytes).unwrap();
    let (p, o, s, multipart) = raw_counts(&raw);
    assert_eq!((p, o, s), (paths, ops, schemas), "{name}: the README's counts");

    let patched = xtask::codegen::patch_bytes(bytes).unwrap();
    for o in &patched.report.outcomes {
        if o.is_stale() {
            assert_eq!(
                o.when_stale,
                WhenStale::Warn,
                "{name}: patch {} is stale and not known to be fixed upstream",
                o.name
            );
        }
    }
    xtask::patches::check_stale(&patched.report).unwrap();

    let generated = xtask::stats::counts(&patched.doc).operations;
    assert_eq!(patched.report.excluded.len(), multipart, "{name}: exactly the multipart operations are excluded");
    assert_eq!(generated + multipart, ops, "{name}: every other operation is generated");

    // Every operation has an id, and ids are unique.
    let mut ids = std::collections::HashSet::new();
    for item in patched.doc["paths"].as_object().unwrap().values() {
        for (m, op) in item.as_object().unwrap() {
            if m != "parameters" {
                let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{name}: {m} without operationId"));
                assert!(ids.insert(id.to_string()), "{name}: duplicate id {id}");
            }
        }
    }

    // progenitor accepts it (the whole API, as the `full` feature builds it).
    let mut doc = patched.doc;
    doc["info"]["x-halo-rs"] = serde_json::json!({"source-sha256": "test", "resources": []});
    let text = serde_json::to_vec(&doc).unwrap();
    let source = halo_codegen::generate(&text, &|f| f == "full").unwrap().source;
    assert!(source.contains("pub struct Client"), "{name}: progenitor generated a client");
    // Each `send` either hands its id to the shared exchange or, as
    // progenitor wrote it, builds an OperationInfo.
    let n = source.matches("fn build_request(").count() + source.matches("operation_id: \"").count();
    assert_eq!(n, generated, "{name}: one generated operation per operation in the document");
}

#[test]
fn snapshot_2025_04() {
    check("2025-04", &common::current(), 886, 1331, 703);
}

#[test]
fn snapshot_2024_09() {
    check("2024-09", &common::older(), 808, 1216, 629);
}
