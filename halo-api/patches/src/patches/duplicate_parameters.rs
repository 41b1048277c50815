//! Upstream defect: 11 operations list the same parameter twice (GET /Tickets
//! `utcoffset`, GET /Asset `assettype_id`, GET /Roadmap eight of them...);
//! progenitor refuses duplicate parameter names.
//!
//! Fix: keep the first occurrence of each (name, in) pair. When the two
//! copies differ, the first one wins; the copies seen in Halo's documents
//! differ only in description.

use super::{Context, Patch, WhenStale, for_each_operation};
use anyhow::Result;
use serde_json::Value;
use std::collections::HashSet;

pub const PATCH: Patch = Patch {
    name: "duplicate_parameters",
    defect: "operations that list the same parameter twice",
    when_stale: WhenStale::Fail,
    apply,
};

fn apply(doc: &mut Value, _: &mut Context) -> Result<usize> {
    let mut changed = 0;
    for_each_operation(doc, |_, _, op| {
        if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
            let mut seen = HashSet::new();
            let before = params.len();
            params.retain(|p| {
                let key = (p["name"].as_str().unwrap_or("").to_string(), p["in"].as_str().unwrap_or("").to_string());
                seen.insert(key)
            });
            changed += before - params.len();
        }
        Ok(())
    })?;
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patches::test_util::{doc, run};
    use serde_json::json;

    #[test]
    fn keeps_first_of_each_name() {
        let mut d = doc(
            json!({"/Tickets": {"get": {"parameters": [
                {"name": "utcoffset", "in": "query", "description": "first"},
                {"name": "debug", "in": "query"},
                {"name": "utcoffset", "in": "query", "description": "second"},
                {"name": "id", "in": "path"},
                {"name": "id", "in": "query"}
            ]}}}),
            json!({}),
        );
        assert_eq!(run(&PATCH, &mut d), 1);
        let ps = d["paths"]["/Tickets"]["get"]["parameters"].as_array().unwrap();
        assert_eq!(ps.len(), 4);
        assert_eq!(ps[0]["description"], "first");
    }

    #[test]
    fn stale_without_duplicates() {
        let mut d = doc(json!({"/T": {"get": {"parameters": [{"name": "a", "in": "query"}]}}}), json!({}));
        assert_eq!(run(&PATCH, &mut d), 0);
    }
}
