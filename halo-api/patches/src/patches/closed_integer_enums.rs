//! Upstream defect: 22 schemas are closed integer enums (`AppointmentType`:
//! `enum: [0, 1, 2, 3]`) with no names for the values. Halo adds values in
//! new releases (and uses `-1` for "not set"), and a closed Rust type would
//! reject every record that carries one.
//!
//! Fix: make them plain integers and list the known values in the description.

use super::{Context, Patch, WhenStale, append_description, for_each_schema};
use anyhow::Result;
use serde_json::Value;

pub const PATCH: Patch = Patch {
    name: "closed_integer_enums",
    defect: "unnamed, closed integer enums that Halo extends between releases",
    when_stale: WhenStale::Fail,
    apply,
};

fn apply(doc: &mut Value, _: &mut Context) -> Result<usize> {
    let mut changed = 0;
    for_each_schema(doc, |_, s| {
        let Some(o) = s.as_object_mut() else { return };
        if o.get("type").and_then(Value::as_str) != Some("integer") {
            return;
        }
        if let Some(values) = o.remove("enum") {
            let list: Vec<String> = values.as_array().into_iter().flatten().map(|v| v.to_string()).collect();
            append_description(o, &format!("Known values: {}.", list.join(", ")));
            changed += 1;
        }
    });
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patches::test_util::{doc, run};
    use serde_json::json;

    #[test]
    fn opens_integer_enums() {
        let mut d = doc(
            json!({}),
            json!({
                "AppointmentType": {"type": "integer", "format": "int32", "enum": [0, 1, 2, 3]},
                "Colour": {"type": "string", "enum": ["red"]}
            }),
        );
        assert_eq!(run(&PATCH, &mut d), 1);
        let s = &d["components"]["schemas"]["AppointmentType"];
        assert!(s.get("enum").is_none());
        assert_eq!(s["description"], "Known values: 0, 1, 2, 3.");
        assert!(d["components"]["schemas"]["Colour"].get("enum").is_some());
    }

    #[test]
    fn stale_without_integer_enums() {
        let mut d = doc(json!({}), json!({"A": {"type": "integer"}}));
        assert_eq!(run(&PATCH, &mut d), 0);
    }
}
