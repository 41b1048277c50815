//! Halo's OpenAPI document, made fit for progenitor: the [`patches`] (one per
//! upstream defect), the [`resources`] table, the [`lock`] that pins the
//! document, and the patched document as halo-api's build reads it.
//!
//! Shared by `cargo xtask codegen` (which verifies, reports and writes, and
//! with `--update` fetches a new document) and halo-api's build script
//! (which, in a git checkout that never ran codegen, verifies and patches the
//! committed document itself).

pub mod build;
pub mod lock;
pub mod patches;
pub mod resources;
pub mod stats;

use anyhow::{Result, bail};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The environment variable that names another copy of Halo's document (a
/// path, or for `cargo xtask codegen --update` a URL): an override for
/// experiments. Nothing needs it: `spec/` holds the document.
pub const SOURCE_ENV: &str = "HALO_SPEC_SOURCE";

/// Halo's document as fetched, byte for byte, in `spec/` beside the lock
/// (`spec/halo.lock` pins its sha256).
pub const DOCUMENT: &str = "halo-swagger.json";

/// Halo's document after our patches.
#[derive(Debug)]
pub struct Patched {
    pub doc: Value,
    pub report: patches::Report,
}

/// sha256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses Halo's raw document: JSON, OpenAPI 3.x.
pub fn parse(bytes: &[u8]) -> Result<Value> {
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(80)]).replace('\n', " ");
        anyhow::anyhow!("the source is not JSON ({e}); it starts with: {head:?}")
    })?;
    match doc.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.") => Ok(doc),
        Some(v) => bail!("the source is OpenAPI {v}; halo-rs reads OpenAPI 3.x documents"),
        None => bail!("the source is JSON but not an OpenAPI document (no `openapi` field)"),
    }
}

/// Parses Halo's raw document and applies every patch, with `resources`
/// (spec/resources.toml).
pub fn patch(bytes: &[u8], resources: Vec<resources::Resource>) -> Result<Patched> {
    let mut doc = parse(bytes)?;
    let mut ctx = patches::Context { resources, ..Default::default() };
    let report = patches::apply_all(&mut doc, &mut ctx)?;
    Ok(Patched { doc, report })
}

/// The patched document as halo-api's build reads it: pretty JSON with a
/// trailing newline, plus `info.x-halo-rs` saying what it was made from.
///
/// `resources` carries the resource table (name, singular, path, list
/// fields, change feed) so that halo-api's build script can map its Cargo features to
/// operations, and generate the table halo-api-ext's named actions are
/// expanded from, without reading anything outside its own crate.
pub fn render(mut doc: Value, source_sha256: &str, resources: &[resources::Resource]) -> Result<String> {
    let resources: Vec<Value> = resources
        .iter()
        .map(|r| {
            let changes = r
                .changes
                .as_ref()
                .map(|c| serde_json::json!({"updated": c.updated, "order": c.order, "query": c.query}));
            serde_json::json!({"feature": r.name, "one": r.one, "path": r.path, "fields": r.fields, "changes": changes})
        })
        .collect();
    doc["info"]["x-halo-rs"] = serde_json::json!({
        "generated-by": "cargo xtask codegen",
        "source-sha256": source_sha256,
        "note": "Halo's document with halo-rs patches applied (halo-api/patches). A build input: do not edit, do not commit.",
        "resources": resources,
    });
    Ok(serde_json::to_string_pretty(&doc)? + "\n")
}
