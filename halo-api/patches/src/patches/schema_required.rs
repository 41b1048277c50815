//! Upstream defect: two schemas (IntegrationLookUp, LiveChatIsTyping) declare
//! `required` properties. A struct with required fields gets no `Default`,
//! and progenitor's builder interface starts every body from
//! `Default::default()`: those operations do not compile. Halo itself
//! validates bodies on its side (an instance can make more fields mandatory,
//! and answers 400), so `required` in the document adds nothing we can rely on.
//!
//! Fix: drop `required` from component schemas, keeping the list in the
//! description so users still read it.

use super::{Context, Patch, WhenStale, append_description, for_each_schema};
use anyhow::Result;
use serde_json::Value;

pub const PATCH: Patch = Patch {
    name: "schema_required",
    defect: "`required` on schemas (IntegrationLookUp, LiveChatIsTyping) blocks Default",
    when_stale: WhenStale::Fail,
    apply,
};

fn apply(doc: &mut Value, _: &mut Context) -> Result<usize> {
    let mut changed = 0;
    for_each_schema(doc, |_, s| {
        let Some(o) = s.as_object_mut() else { return };
        if let Some(req) = o.remove("required") {
            let names: Vec<&str> = req.as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            append_description(o, &format!("Halo requires: {}.", names.join(", ")));
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
    fn drops_required() {
        let mut d = doc(
            json!({}),
            json!({"LiveChatIsTyping": {"type": "object", "required": ["chat_id", "sender_id"], "properties": {"chat_id": {"type": "integer"}}}}),
        );
        assert_eq!(run(&PATCH, &mut d), 1);
        let s = &d["components"]["schemas"]["LiveChatIsTyping"];
        assert!(s.get("required").is_none());
        assert_eq!(s["description"], "Halo requires: chat_id, sender_id.");
    }

    #[test]
    fn stale_without_required() {
        let mut d = doc(json!({}), json!({"A": {"type": "object"}}));
        assert_eq!(run(&PATCH, &mut d), 0);
    }
}
