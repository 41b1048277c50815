//! Getting Halo's document for `cargo xtask codegen --update` and
//! `spec-diff`: from a URL (Halo's published one, or a tenant's
//! `https://TENANT.halopsa.com/api/swagger/v2/swagger.json`) or a local file.

use anyhow::{Context as _, Result, bail};
use std::io::Read as _;
use std::time::Duration;

/// Documents are about 4 MB; refuse anything absurdly larger.
const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// Where the document comes from, by precedence: `--from`, then
/// `HALO_SPEC_SOURCE`, then Halo's published URL.
pub fn resolve_source(from: Option<&str>) -> String {
    if let Some(f) = from {
        return f.to_string();
    }
    match std::env::var(crate::SOURCE_ENV) {
        Ok(s) if !s.trim().is_empty() => s,
        _ => crate::DEFAULT_SOURCE.to_string(),
    }
}

pub fn is_url(source: &str) -> bool {
    source.starts_with("https://") || source.starts_with("http://")
}

/// The document's bytes and their sha256 (lower-case hex).
#[derive(Debug)]
pub struct Fetched {
    pub source: String,
    pub bytes: Vec<u8>,
    pub sha256: String,
}

pub use halo_patches::sha256_hex;

pub fn fetch(source: &str) -> Result<Fetched> {
    let bytes = if is_url(source) {
        download(source).map_err(|e| {
            e.context(format!(
                "could not download Halo's OpenAPI document from {source}\n\
                 Only updating needs the network: a plain `cargo xtask codegen` reads spec/{}.\n\
                 To update from a copy you have: cargo xtask codegen --update --from path/to/swagger.json\n\
                 (a tenant's https://TENANT.halopsa.com/api/swagger/v2/swagger.json works too)",
                halo_patches::DOCUMENT
            ))
        })?
    } else {
        std::fs::read(source).with_context(|| {
            format!(
                "could not read Halo's OpenAPI document from the file {source} (set by --from or {})",
                crate::SOURCE_ENV
            )
        })?
    };
    Ok(Fetched { source: source.to_string(), sha256: sha256_hex(&bytes), bytes })
}

fn download(url: &str) -> Result<Vec<u8>> {
    let agent: ureq::Agent =
        ureq::Agent::config_builder().timeout_global(Some(Duration::from_secs(120))).build().into();
    let resp = agent.get(url).header("Accept", "application/json").call()?;
    let mut bytes = Vec::new();
    resp.into_body().into_reader().take(MAX_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_BYTES {
        bail!("the answer is larger than {MAX_BYTES} bytes: not Halo's document");
    }
    Ok(bytes)
}
