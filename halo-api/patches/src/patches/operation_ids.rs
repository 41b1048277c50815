//! Upstream defect: no operation has an `operationId`; progenitor needs one
//! for every operation (it becomes the method name on `halo_api::Client`).
//!
//! The rule, applied to every operation that lacks an id:
//!
//! `operationId = METHOD + "_" + the path's segments in snake_case joined by "_"`,
//! where a path parameter `{name}` becomes `by_name`.
//!
//! | operation | id |
//! |---|---|
//! | GET /Tickets | `get_tickets` |
//! | GET /Tickets/{id} | `get_tickets_by_id` |
//! | POST /Attachment/image | `post_attachment_image` |
//! | DELETE /KBArticle/{id} | `delete_kb_article_by_id` |
//!
//! The id depends only on method and path, so it is stable across Halo
//! releases: an operation keeps its method name as long as its path does.
//! Two operations that would get the same id are an error (never a silent
//! `_2` suffix, which would depend on document order); ids upstream already
//! gives are kept.

use super::{Context, Patch, WhenStale, for_each_operation};
use anyhow::{Result, bail};
use heck::ToSnakeCase;
use serde_json::Value;
use std::collections::BTreeMap;

pub const PATCH: Patch =
    Patch { name: "operation_ids", defect: "no operationId on any operation", when_stale: WhenStale::Fail, apply };

/// The documented rule: see the module docs.
pub fn operation_id(method: &str, path: &str) -> String {
    let mut id = method.to_ascii_lowercase();
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        id.push('_');
        if let Some(param) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            id.push_str("by_");
            id.push_str(&param.to_snake_case());
        } else {
            id.push_str(&seg.to_snake_case());
        }
    }
    id
}

fn apply(doc: &mut Value, _: &mut Context) -> Result<usize> {
    let mut changed = 0;
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for_each_operation(doc, |method, path, op| {
        let here = format!("{} {path}", method.to_uppercase());
        let id = match op.get("operationId").and_then(Value::as_str) {
            Some(upstream) => upstream.to_string(),
            None => {
                let id = operation_id(method, path);
                op["operationId"] = Value::String(id.clone());
                changed += 1;
                id
            }
        };
        if let Some(other) = seen.insert(id.clone(), here.clone()) {
            bail!("operationId `{id}` would name both {other} and {here}: the naming rule needs a tie-breaker");
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
    fn the_rule() {
        assert_eq!(operation_id("get", "/Tickets"), "get_tickets");
        assert_eq!(operation_id("get", "/Tickets/{id}"), "get_tickets_by_id");
        assert_eq!(operation_id("delete", "/KBArticle/{id}"), "delete_kb_article_by_id");
        assert_eq!(operation_id("post", "/Attachment/image"), "post_attachment_image");
        assert_eq!(
            operation_id("get", "/IntegrationData/Get/ServiceNowIntegration"),
            "get_integration_data_get_service_now_integration"
        );
        assert_eq!(operation_id("post", "/Notify/PRTGAlerts/{tenant}"), "post_notify_prtg_alerts_by_tenant");
    }

    #[test]
    fn fills_missing_ids_keeps_upstream_ones() {
        let mut d = doc(json!({"/Tickets": {"get": {}, "post": {"operationId": "CreateTickets"}}}), json!({}));
        assert_eq!(run(&PATCH, &mut d), 1);
        assert_eq!(d["paths"]["/Tickets"]["get"]["operationId"], "get_tickets");
        assert_eq!(d["paths"]["/Tickets"]["post"]["operationId"], "CreateTickets");
    }

    #[test]
    fn collision_is_an_error() {
        let mut d = doc(json!({"/KBArticle": {"get": {}}, "/KbArticle": {"get": {}}}), json!({}));
        let err = (PATCH.apply)(&mut d, &mut Context::default()).unwrap_err();
        assert!(err.to_string().contains("get_kb_article"), "{err}");
    }

    #[test]
    fn stale_when_upstream_has_ids() {
        let mut d = doc(json!({"/Tickets": {"get": {"operationId": "x"}}}), json!({}));
        assert_eq!(run(&PATCH, &mut d), 0);
    }
}
