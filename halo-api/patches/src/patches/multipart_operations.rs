//! Upstream defect: 7 operations take `multipart/form-data` bodies, which
//! progenitor 0.15 cannot generate (it supports JSON bodies only).
//!
//! Fix: remove those operations from the document and record each one, with
//! its reason, in the exclusion list that codegen prints and writes to
//! `spec/halo.lock`. POST /Attachment/image, the one users need, is provided by
//! hand in halo-api-ext (`HaloClient::upload_attachment_image`).

use super::{Context, Excluded, METHODS, Patch, WhenStale};
use anyhow::Result;
use serde_json::Value;

pub const PATCH: Patch = Patch {
    name: "multipart_operations",
    defect: "operations with multipart/form-data bodies, which progenitor cannot generate",
    when_stale: WhenStale::Fail,
    apply,
};

const REASON: &str = "multipart/form-data request body (progenitor generates JSON bodies only)";

fn apply(doc: &mut Value, ctx: &mut Context) -> Result<usize> {
    let mut changed = 0;
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(0);
    };
    let mut emptied = Vec::new();
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        let multipart: Vec<String> = item
            .iter()
            .filter(|(m, op)| {
                METHODS.contains(&m.as_str())
                    && op
                        .pointer("/requestBody/content")
                        .and_then(Value::as_object)
                        .is_some_and(|c| c.contains_key("multipart/form-data"))
            })
            .map(|(m, _)| m.clone())
            .collect();
        for m in multipart {
            item.remove(&m);
            let reason = if path == "/Attachment/image" && m == "post" {
                format!("{REASON}; provided by hand: halo_api_ext::HaloClient::upload_attachment_image")
            } else {
                REASON.to_string()
            };
            ctx.excluded.push(Excluded { method: m.to_uppercase(), path: path.clone(), reason });
            changed += 1;
        }
        if !item.keys().any(|k| METHODS.contains(&k.as_str())) {
            emptied.push(path.clone());
        }
    }
    for p in emptied {
        paths.remove(&p);
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patches::test_util::doc;
    use serde_json::json;

    #[test]
    fn removes_multipart_operations_and_records_them() {
        let mut d = doc(
            json!({
                "/Attachment/image": {
                    "get": {"responses": {}},
                    "post": {"requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object"}}}}}
                },
                "/Notify/Twilio": {
                    "post": {"requestBody": {"content": {"multipart/form-data": {}}}}
                }
            }),
            json!({}),
        );
        let mut ctx = Context::default();
        assert_eq!(apply(&mut d, &mut ctx).unwrap(), 2);
        assert!(d.pointer("/paths/~1Attachment~1image/get").is_some());
        assert!(d.pointer("/paths/~1Attachment~1image/post").is_none());
        assert!(d.pointer("/paths/~1Notify~1Twilio").is_none(), "empty path item removed");
        assert_eq!(ctx.excluded.len(), 2);
        assert!(ctx.excluded[0].reason.contains("upload_attachment_image"));
    }

    #[test]
    fn stale_when_no_multipart() {
        let mut d =
            doc(json!({"/Tickets": {"post": {"requestBody": {"content": {"application/json": {}}}}}}), json!({}));
        assert_eq!(apply(&mut d, &mut Context::default()).unwrap(), 0);
    }
}
