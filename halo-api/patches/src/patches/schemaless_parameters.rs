//! Upstream defect: a few query parameters have no `schema` at all (5 in
//! 2025-04, e.g. GET /Address `openedafter`), which progenitor rejects.
//!
//! Fix: read the C# type Halo writes at the start of the description
//! ("(bool) Only return ...", "(int) Filter ...") and give the parameter that
//! type; with no such hint, `string`.

use super::{Context, Patch, WhenStale, for_each_operation};
use anyhow::Result;
use serde_json::{Value, json};

pub const PATCH: Patch = Patch {
    name: "schemaless_parameters",
    defect: "query parameters without a schema",
    when_stale: WhenStale::Fail,
    apply,
};

fn schema_from_description(desc: &str) -> Value {
    let hint = desc.trim_start().strip_prefix('(').and_then(|s| s.split_once(')')).map(|(t, _)| t.trim());
    match hint {
        Some("bool") | Some("boolean") => json!({"type": "boolean"}),
        Some("int") | Some("integer") => json!({"type": "integer", "format": "int32"}),
        Some("double") => json!({"type": "number", "format": "double"}),
        _ => json!({"type": "string"}),
    }
}

fn apply(doc: &mut Value, _: &mut Context) -> Result<usize> {
    let mut changed = 0;
    for_each_operation(doc, |_, _, op| {
        for p in op.get_mut("parameters").and_then(Value::as_array_mut).into_iter().flatten() {
            if p.get("schema").is_none() && p.get("content").is_none() {
                let desc = p.get("description").and_then(Value::as_str).unwrap_or("");
                p["schema"] = schema_from_description(desc);
                changed += 1;
            }
        }
        Ok(())
    })?;
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patches::test_util::{doc, run};

    #[test]
    fn types_from_the_description_hint() {
        let mut d = doc(
            json!({"/Address": {"get": {"parameters": [
                {"name": "a", "in": "query", "description": "(bool) Only return..."},
                {"name": "b", "in": "query", "description": "(int) Filter..."},
                {"name": "c", "in": "query"},
                {"name": "d", "in": "query", "schema": {"type": "string"}}
            ]}}}),
            json!({}),
        );
        assert_eq!(run(&PATCH, &mut d), 3);
        let ps = &d["paths"]["/Address"]["get"]["parameters"];
        assert_eq!(ps[0]["schema"]["type"], "boolean");
        assert_eq!(ps[1]["schema"]["type"], "integer");
        assert_eq!(ps[2]["schema"]["type"], "string");
    }

    #[test]
    fn stale_when_all_have_schemas() {
        let mut d = doc(
            json!({"/A": {"get": {"parameters": [{"name": "a", "in": "query", "schema": {"type": "string"}}]}}}),
            json!({}),
        );
        assert_eq!(run(&PATCH, &mut d), 0);
    }
}
