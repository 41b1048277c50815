//! `cargo xtask spec-diff`: the two real versions of Halo's document against counts computed
//! here independently, and small inline documents for each kind of change.

mod common;

use serde_json::{Value, json};
use std::collections::BTreeSet;
use xtask::diff::diff;

fn ops(doc: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (p, item) in doc["paths"].as_object().unwrap() {
        for m in
            item.as_object().unwrap().keys().filter(|m| ["get", "post", "put", "delete", "patch"].contains(&m.as_str()))
        {
            out.insert(format!("{} {p}", m.to_uppercase()));
        }
    }
    out
}

fn schemas(doc: &Value) -> BTreeSet<String> {
    doc["components"]["schemas"].as_object().unwrap().keys().cloned().collect()
}

#[test]
fn the_two_snapshots_raw_and_through_our_patches() {
    let (old, new) = (common::older(), common::current());
    let (a, b): (Value, Value) = (serde_json::from_slice(&old).unwrap(), serde_json::from_slice(&new).unwrap());

    // Independent counts, from the raw documents.
    let (oa, ob) = (ops(&a), ops(&b));
    let (sa, sb) = (schemas(&a), schemas(&b));
    let changed = sa
        .intersection(&sb)
        .filter(|s| {
            let keys = |d: &Value| -> BTreeSet<String> {
                d["components"]["schemas"][s.as_str()]["properties"]
                    .as_object()
                    .map(|p| p.keys().cloned().collect())
                    .unwrap_or_default()
            };
            keys(&a) != keys(&b)
        })
        .count();
    assert_eq!(
        (ob.difference(&oa).count(), oa.difference(&ob).count()),
        (116, 1),
        "Halo's 2024-09 and 2025-04 documents"
    );
    assert_eq!((sb.difference(&sa).count(), sa.difference(&sb).count(), changed), (75, 1, 133));

    let raw = xtask::codegen::diff_bytes("2024-09", &old, "2025-04", &new, true).unwrap();
    assert_eq!(raw.operations_added.len(), 116);
    assert_eq!(raw.operations_removed, ["POST /IntegrationData/Post/Liongard"]);
    assert_eq!((raw.schemas_added.len(), raw.schemas_removed.len()), (75, 1));
    // Property sets changed in 133 schemas; a few more changed only types.
    assert!(raw.changed_schemas() >= 133, "{}", raw.changed_schemas());

    // Through our patches: what halo-api users compile against.
    let patched = xtask::codegen::diff_bytes("2024-09", &old, "2025-04", &new, false).unwrap();
    let pa = xtask::codegen::patch_bytes(&old).unwrap().doc;
    let pb = xtask::codegen::patch_bytes(&new).unwrap().doc;
    let (poa, pob) = (ops(&pa), ops(&pb));
    // Every operation Halo added is listed, those our patches exclude marked
    // "not generated" with the reason (POST /Notify/PRTGAlerts/{tenant}:
    // multipart).
    let generated_added: Vec<String> = pob.difference(&poa).cloned().collect();
    assert_eq!(generated_added.len(), 115);
    assert_eq!(patched.operations_added.len(), 116, "as many as Halo added");
    assert!(generated_added.iter().all(|o| patched.operations_added.contains(o)));
    assert_eq!(patched.not_generated.len(), 1, "{:?}", patched.not_generated);
    assert_eq!(patched.not_generated[0].at, "POST /Notify/PRTGAlerts/{tenant}");
    assert!(patched.not_generated[0].what.contains("multipart"), "{:?}", patched.not_generated);
    assert!(patched.summary().contains("116 operations added (1 not generated)"), "{}", patched.summary());
    assert!(patched.markdown().contains("`POST /Notify/PRTGAlerts/{tenant}` (not generated: multipart"));
    assert_eq!(patched.operations_removed, ["POST /IntegrationData/Post/Liongard"]);
    assert!(patched.methods_renamed.is_empty(), "ids depend on method and path only");
    // Upstream typed parameters the same way in both: the C# types our patch
    // fixes are not reported as retyped.
    assert!(
        !patched.parameters.iter().any(|c| c.what.contains("-> bool") || c.what.contains("int ->")),
        "{:?}",
        patched.parameters.first()
    );
    assert!(patched.patches.is_empty(), "every patch applies to both: {:?}", patched.patches);
    let md = patched.markdown();
    assert!(md.contains("**BREAKING** `POST /IntegrationData/Post/Liongard`"), "{md:.400}");
}

fn doc(paths: Value, schemas: Value) -> Value {
    json!({"openapi": "3.0.1", "info": {"title": "t", "version": "v2"}, "paths": paths, "components": {"schemas": schemas}})
}

#[test]
fn each_kind_of_change_and_its_breaking_marker() {
    let old = doc(
        json!({
            "/Tickets": {"get": {"operationId": "get_tickets", "parameters": [
                {"name": "client_id", "in": "query", "schema": {"type": "integer", "format": "int32"}},
                {"name": "gone", "in": "query", "schema": {"type": "string"}}
            ]}},
            "/Old": {"get": {"operationId": "get_old"}},
            "/Renamed": {"get": {"operationId": "a"}}
        }),
        json!({
            "Faults": {"type": "object", "properties": {"id": {"type": "integer"}, "summary": {"type": "string"}, "dropped": {"type": "string"}}},
            "Removed": {"type": "object"}
        }),
    );
    let new = doc(
        json!({
            "/Tickets": {"get": {"operationId": "get_tickets", "parameters": [
                {"name": "client_id", "in": "query", "schema": {"type": "string"}},
                {"name": "search", "in": "query", "schema": {"type": "string"}},
                {"name": "must", "in": "query", "required": true, "schema": {"type": "string"}}
            ]}},
            "/New": {"post": {"operationId": "post_new"}},
            "/Renamed": {"get": {"operationId": "b"}}
        }),
        json!({
            "Faults": {"type": "object", "properties": {"id": {"type": "string"}, "summary": {"type": "string"}, "added": {"type": "boolean"}}},
            "Added": {"type": "object"}
        }),
    );
    let d = diff("old", &old, "new", &new);
    assert_eq!(d.operations_added, ["POST /New"]);
    assert_eq!(d.operations_removed, ["GET /Old"]);
    assert_eq!(d.methods_renamed.len(), 1);
    assert!(d.methods_renamed[0].breaking && d.methods_renamed[0].what == "a -> b");
    let p = |s: &str| {
        d.parameters.iter().find(|c| c.what.starts_with(s)).unwrap_or_else(|| panic!("{s}: {:?}", d.parameters)).clone()
    };
    assert!(p("retyped client_id").breaking);
    assert!(!p("added search").breaking, "a new optional filter breaks nothing");
    assert!(p("added must").breaking, "a new required parameter breaks callers");
    assert!(p("removed gone").breaking);
    assert_eq!(
        (d.schemas_added.clone(), d.schemas_removed.clone()),
        (vec!["Added".to_string()], vec!["Removed".to_string()])
    );
    let q = |s: &str| d.properties.iter().find(|c| c.what.starts_with(s)).unwrap().clone();
    assert!(q("retyped id").breaking && q("removed dropped").breaking && !q("added added").breaking);
    assert_eq!(d.breaking(), 8);

    let md = d.markdown();
    for line in [
        "**BREAKING** `GET /Old`",
        "**BREAKING** `Faults`: removed dropped",
        "- `Faults`: added added: boolean",
        "**BREAKING** `Removed`",
    ] {
        assert!(md.contains(line), "{line} in\n{md}");
    }
    let j = serde_json::to_value(&d).unwrap();
    assert_eq!(j["operations_removed"], json!(["GET /Old"]));
    assert_eq!(j["properties"].as_array().unwrap().iter().filter(|c| c["breaking"] == true).count(), 2);

    assert!(diff("a", &old, "b", &old).is_empty());
}
