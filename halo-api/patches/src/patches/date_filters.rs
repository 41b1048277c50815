//! Upstream defect: the "updated since" filters are typed as booleans.
//! `lastupdatefromdate` and `lastupdatetodate` (GET /Tickets, /Client, /Site,
//! /Users, /Asset, ... : 16 parameters in 2025-04) are declared `bool` and
//! described as "Include the field ... in the response", but they are date
//! filters: integrations send `yyyy-MM-ddTHH:mm:ss` (a production sync of
//! Halo asks for tickets with `lastupdatefromdate=<last sync time>`). Typed
//! `bool`, halo-api could
//! only send `true` or `false`.
//!
//! Fix: give them `{"type": "string"}` (not `format: date-time`: that would
//! send RFC 3339 with an offset, and Halo documents the form without one) and
//! say so in the description. Runs after `csharp_parameter_types`, so it
//! sees `boolean` whichever generation of the document came in.

use super::{Context, Patch, WhenStale, for_each_operation};
use anyhow::Result;
use serde_json::{Value, json};

pub const PATCH: Patch = Patch {
    name: "date_filters",
    defect: "date filters (lastupdatefromdate, lastupdatetodate) typed bool",
    when_stale: WhenStale::Fail,
    apply,
};

/// The parameters known to be date filters although the document says bool.
pub const DATE_FILTERS: &[&str] = &["lastupdatefromdate", "lastupdatetodate"];

fn apply(doc: &mut Value, _: &mut Context) -> Result<usize> {
    let mut changed = 0;
    for_each_operation(doc, |_, _, op| {
        for p in op.get_mut("parameters").and_then(Value::as_array_mut).into_iter().flatten() {
            let named = p.get("name").and_then(Value::as_str).is_some_and(|n| DATE_FILTERS.contains(&n));
            let is_bool = p.pointer("/schema/type").and_then(Value::as_str) == Some("boolean");
            if named && is_bool {
                p["schema"] = json!({"type": "string"});
                p["description"] = json!(
                    "A date filter, `yyyy-MM-ddTHH:mm:ss` (Halo's document types it bool; halo-rs patch `date_filters`)."
                );
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
    fn retypes_the_date_filters_only() {
        let mut d = doc(
            json!({"/Client": {"get": {"parameters": [
                {"name": "lastupdatefromdate", "in": "query", "schema": {"type": "boolean"}},
                {"name": "lastupdatetodate", "in": "query", "schema": {"type": "boolean"}},
                {"name": "includeinactive", "in": "query", "schema": {"type": "boolean"}}
            ]}}}),
            json!({}),
        );
        assert_eq!(run(&PATCH, &mut d), 2);
        let ps = &d["paths"]["/Client"]["get"]["parameters"];
        assert_eq!(ps[0]["schema"], json!({"type": "string"}));
        assert_eq!(ps[1]["schema"], json!({"type": "string"}));
        assert_eq!(ps[2]["schema"]["type"], "boolean");
    }

    #[test]
    fn stale_once_upstream_types_them_as_strings() {
        let mut d = doc(
            json!({"/Client": {"get": {"parameters": [
                {"name": "lastupdatefromdate", "in": "query", "schema": {"type": "string", "format": "date-time"}}
            ]}}}),
            json!({}),
        );
        assert_eq!(run(&PATCH, &mut d), 0);
    }
}
