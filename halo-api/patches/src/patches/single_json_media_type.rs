//! Upstream defect: every JSON request body is declared under four media
//! types (`application/json-patch+json`, `application/json`, `text/json`,
//! `application/*+json`); progenitor panics on more than one.
//!
//! Fix: keep `application/json` alone. A body that declares several media
//! types but not `application/json` is an error: we would be guessing.

use super::{Context, Patch, WhenStale, for_each_operation};
use anyhow::{Result, bail};
use serde_json::Value;

pub const PATCH: Patch = Patch {
    name: "single_json_media_type",
    defect: "JSON request bodies declared under four media types",
    when_stale: WhenStale::Fail,
    apply,
};

fn apply(doc: &mut Value, _: &mut Context) -> Result<usize> {
    let mut changed = 0;
    for_each_operation(doc, |method, path, op| {
        let Some(content) = op.pointer_mut("/requestBody/content").and_then(Value::as_object_mut) else {
            return Ok(());
        };
        if content.len() <= 1 {
            return Ok(());
        }
        let Some(json) = content.get("application/json").cloned() else {
            bail!(
                "{} {path}: request body has {:?} but no application/json",
                method.to_uppercase(),
                content.keys().collect::<Vec<_>>()
            );
        };
        content.clear();
        content.insert("application/json".into(), json);
        changed += 1;
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
    fn keeps_application_json_only() {
        let s = json!({"type": "array"});
        let mut d = doc(
            json!({"/Tickets": {"post": {"requestBody": {"content": {
                "application/json-patch+json": {"schema": s}, "application/json": {"schema": s},
                "text/json": {"schema": s}, "application/*+json": {"schema": s}
            }}}}}),
            json!({}),
        );
        assert_eq!(run(&PATCH, &mut d), 1);
        let c = d["paths"]["/Tickets"]["post"]["requestBody"]["content"].as_object().unwrap();
        assert_eq!(c.keys().collect::<Vec<_>>(), ["application/json"]);
    }

    #[test]
    fn several_without_json_is_an_error() {
        let mut d = doc(
            json!({"/T": {"post": {"requestBody": {"content": {"text/json": {}, "application/*+json": {}}}}}}),
            json!({}),
        );
        assert!((PATCH.apply)(&mut d, &mut Context::default()).is_err());
    }

    #[test]
    fn stale_with_one_media_type() {
        let mut d = doc(json!({"/T": {"post": {"requestBody": {"content": {"application/json": {}}}}}}), json!({}));
        assert_eq!(run(&PATCH, &mut d), 0);
    }
}
