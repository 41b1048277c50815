//! Upstream defect: `format: binary` inside JSON schemas (`Attachment.file`).
//! Binary is only meaningful for raw or multipart bodies; inside JSON Halo
//! carries file content as base64 text (`Attachment.data`, `format: byte`).
//!
//! Fix: drop the format so the property is a plain string. Runs after
//! `multipart_operations`, so the multipart bodies (where binary is right) are
//! already gone; any left would be changed too, which is harmless since those
//! operations are excluded.

use super::{Context, Patch, WhenStale, for_each_schema, walk_schemas};
use anyhow::Result;
use serde_json::Value;

pub const PATCH: Patch = Patch {
    name: "binary_in_json",
    defect: "`format: binary` on properties of JSON schemas",
    when_stale: WhenStale::Fail,
    apply,
};

fn apply(doc: &mut Value, _: &mut Context) -> Result<usize> {
    let mut changed = 0;
    for_each_schema(doc, |_, s| {
        walk_schemas(s, &mut |s| {
            if s.get("format").and_then(Value::as_str) == Some("binary") {
                s.as_object_mut().expect("object").remove("format");
                changed += 1;
            }
        })
    });
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patches::test_util::{doc, run};
    use serde_json::json;

    #[test]
    fn drops_binary_format_in_components() {
        let mut d = doc(
            json!({}),
            json!({"Attachment": {"type": "object", "properties": {
                "file": {"type": "string", "format": "binary", "nullable": true},
                "data": {"type": "string", "format": "byte"}
            }}}),
        );
        assert_eq!(run(&PATCH, &mut d), 1);
        let p = &d["components"]["schemas"]["Attachment"]["properties"];
        assert!(p["file"].get("format").is_none());
        assert_eq!(p["data"]["format"], "byte");
    }

    #[test]
    fn stale_without_binary() {
        let mut d = doc(json!({}), json!({"A": {"type": "object", "properties": {"x": {"type": "string"}}}}));
        assert_eq!(run(&PATCH, &mut d), 0);
    }
}
