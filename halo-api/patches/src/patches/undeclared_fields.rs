//! Upstream defect: fields Halo takes on a write that its document does not
//! declare. Integrations that update tickets through actions send
//! `who_agent_id` (the agent the action is from) on POST /Actions, but the
//! `Actions` schema declares only the read-only `who_agentid` (both 2024-09
//! and 2025-04). Without the field, the typed `Actions` cannot carry it.
//!
//! Fix: declare each such field on its schema, with a description saying
//! it was added here. A schema that is missing stops codegen (the document
//! changed in a way this patch does not know); a field Halo now declares
//! itself is left alone, and when all are, the patch is stale (a warning:
//! upstream fixed it).

use super::{Context, Patch, WhenStale};
use anyhow::{Result, bail};
use serde_json::{Value, json};

pub const PATCH: Patch = Patch {
    name: "undeclared_fields",
    defect: "fields Halo takes on writes are missing from their schemas (`Actions.who_agent_id`)",
    when_stale: WhenStale::Warn,
    apply,
};

/// (schema, field, the field's schema): each field Halo takes and does not
/// declare. Why it is added is said in the field's description.
fn fields() -> Vec<(&'static str, &'static str, Value)> {
    vec![(
        "Actions",
        "who_agent_id",
        json!({
            "type": "integer",
            "format": "int32",
            "nullable": true,
            "description": "The agent the action is from, instead of the API application's agent (an agent id). \
                            Halo takes it on POST /Actions; its document declares only the read-only \
                            `who_agentid` (declared by halo-rs: patch undeclared_fields)."
        }),
    )]
}

fn apply(doc: &mut Value, _: &mut Context) -> Result<usize> {
    let mut changed = 0;
    for (schema, field, declared) in fields() {
        let Some(properties) =
            doc.pointer_mut(&format!("/components/schemas/{schema}/properties")).and_then(Value::as_object_mut)
        else {
            bail!("schema {schema} (to declare {field}) is not an object schema with properties in this document");
        };
        if !properties.contains_key(field) {
            properties.insert(field.to_string(), declared);
            changed += 1;
        }
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patches::test_util::{doc, run};

    #[test]
    fn declares_who_agent_id_on_actions() {
        let mut d = doc(
            json!({}),
            json!({"Actions": {"type": "object", "properties": {"who_agentid": {"type": "integer", "readOnly": true}}}}),
        );
        assert_eq!(run(&PATCH, &mut d), 1);
        let p = &d["components"]["schemas"]["Actions"]["properties"];
        assert_eq!(p["who_agent_id"]["format"], "int32");
        assert_eq!(p["who_agent_id"]["nullable"], true);
        assert_eq!(p["who_agentid"]["readOnly"], true, "the read-only field is kept");
    }

    #[test]
    fn stale_when_halo_declares_it() {
        let mut d =
            doc(json!({}), json!({"Actions": {"type": "object", "properties": {"who_agent_id": {"type": "integer"}}}}));
        assert_eq!(run(&PATCH, &mut d), 0);
        assert_eq!(d["components"]["schemas"]["Actions"]["properties"]["who_agent_id"], json!({"type": "integer"}));
    }

    #[test]
    fn a_missing_schema_stops_codegen() {
        let mut d = doc(json!({}), json!({"Tickets": {"type": "object", "properties": {}}}));
        let e = (PATCH.apply)(&mut d, &mut Context::default()).unwrap_err().to_string();
        assert!(e.contains("schema Actions") && e.contains("who_agent_id"), "{e}");
    }
}
