//! Upstream defect: every object schema says `additionalProperties: false`
//! (681 in 2025-04), yet Halo adds fields to its records in every release.
//! typify turns that into `#[serde(deny_unknown_fields)]`, so a client built
//! today would fail to decode tomorrow's tickets.
//!
//! Fix: remove `additionalProperties: false`; unknown fields are then ignored.

use super::{Context, Patch, WhenStale, for_each_schema, walk_schemas};
use anyhow::Result;
use serde_json::Value;

pub const PATCH: Patch = Patch {
    name: "closed_objects",
    defect: "`additionalProperties: false` on objects that gain fields every release",
    when_stale: WhenStale::Fail,
    apply,
};

fn apply(doc: &mut Value, _: &mut Context) -> Result<usize> {
    let mut changed = 0;
    for_each_schema(doc, |_, s| {
        walk_schemas(s, &mut |s| {
            if s.get("additionalProperties") == Some(&Value::Bool(false)) {
                s.as_object_mut().expect("object").remove("additionalProperties");
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
    fn opens_closed_objects() {
        let mut d = doc(
            json!({}),
            json!({
                "Faults": {"type": "object", "additionalProperties": false, "properties": {}},
                "Map": {"type": "object", "additionalProperties": {"type": "string"}}
            }),
        );
        assert_eq!(run(&PATCH, &mut d), 1);
        assert!(d["components"]["schemas"]["Faults"].get("additionalProperties").is_none());
        assert!(d["components"]["schemas"]["Map"].get("additionalProperties").is_some());
    }

    #[test]
    fn stale_when_open() {
        let mut d = doc(json!({}), json!({"A": {"type": "object"}}));
        assert_eq!(run(&PATCH, &mut d), 0);
    }
}
