//! Upstream defect: `format: date-span` (12 places in 2025-04) is .NET's
//! TimeSpan, not an OpenAPI format. Halo sends it as `"hh:mm:ss"` text.
//!
//! Fix: drop the format so the property is a plain string, and say so in its
//! description.

use super::{Context, Patch, WhenStale, append_description, walk_all_schemas};
use anyhow::Result;
use serde_json::Value;

pub const PATCH: Patch = Patch {
    name: "date_span",
    defect: "`format: date-span` (.NET TimeSpan) is not an OpenAPI format",
    when_stale: WhenStale::Fail,
    apply,
};

fn apply(doc: &mut Value, _: &mut Context) -> Result<usize> {
    let mut changed = 0;
    walk_all_schemas(doc, &mut |s| {
        if s.get("format").and_then(Value::as_str) == Some("date-span") {
            let o = s.as_object_mut().expect("walk_all_schemas visits objects");
            o.remove("format");
            append_description(o, "A .NET TimeSpan as text, `hh:mm:ss` or `d.hh:mm:ss`.");
            changed += 1;
        }
    })?;
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patches::test_util::{doc, run};
    use serde_json::json;

    #[test]
    fn drops_the_format() {
        let mut d = doc(
            json!({}),
            json!({"Faults": {"type": "object", "properties": {
                "starttime": {"type": "string", "format": "date-span", "nullable": true},
                "dateoccurred": {"type": "string", "format": "date-time"}
            }}}),
        );
        assert_eq!(run(&PATCH, &mut d), 1);
        let p = &d["components"]["schemas"]["Faults"]["properties"];
        assert!(p["starttime"].get("format").is_none());
        assert_eq!(p["starttime"]["nullable"], true);
        assert_eq!(p["dateoccurred"]["format"], "date-time");
    }

    #[test]
    fn stale_without_date_span() {
        let mut d = doc(json!({}), json!({"A": {"type": "string"}}));
        assert_eq!(run(&PATCH, &mut d), 0);
    }
}
