//! Where halo-api's build script gets the patched document, in order:
//!
//! 1. `HALO_PATCHED_SPEC`: a patched document written elsewhere;
//! 2. `halo.patched.json` beside halo-api's Cargo.toml: written by
//!    `cargo xtask codegen` in the workspace, and carried by the published
//!    package;
//! 3. Halo's document itself, verified against `spec/halo.lock` (sha256) and
//!    patched here with `spec/resources.toml`: `HALO_SPEC_SOURCE` (a path; an
//!    override for experiments) or else `spec/halo-swagger.json`, committed
//!    beside the lock. That is how a git dependency builds: cargo's checkout
//!    holds `spec/`, and no variable is needed.
//!
//! With none of them (a copy of halo-api/ alone, without its workspace), the
//! error says what to use instead.

use std::path::{Path, PathBuf};

/// The patched document, and the files and variables the build depends on
/// (for `cargo:rerun-if-...`).
#[derive(Debug)]
pub struct ForBuild {
    pub patched: Vec<u8>,
    pub files: Vec<PathBuf>,
    pub env: Vec<&'static str>,
}

pub fn patched_document(manifest_dir: &Path) -> Result<ForBuild, String> {
    let env = vec!["HALO_PATCHED_SPEC", crate::SOURCE_ENV];
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    let read = |p: &Path| std::fs::read(p).map_err(|e| format!("reading {}: {e}", p.display()));
    if let Some(p) = var("HALO_PATCHED_SPEC") {
        let p = PathBuf::from(p);
        return Ok(ForBuild { patched: read(&p)?, files: vec![p], env });
    }
    let beside = manifest_dir.join("halo.patched.json");
    if beside.exists() {
        return Ok(ForBuild { patched: read(&beside)?, files: vec![beside], env });
    }
    let spec = manifest_dir.join("..").join("spec");
    let source = match var(crate::SOURCE_ENV) {
        Some(s) if s.starts_with("http://") || s.starts_with("https://") => {
            return Err(format!(
                "{} is a URL ({s}); the build reads a local file. Unset it to build from spec/{}, or \
                 download the document first.",
                crate::SOURCE_ENV,
                crate::DOCUMENT
            ));
        }
        Some(s) => PathBuf::from(s),
        None => spec.join(crate::DOCUMENT),
    };
    if !source.exists() {
        return Err(format!(
            "halo-api is generated from Halo's OpenAPI document, and this build has none: \
             {} does not exist.\n\
             Build halo-api from the halo-rs repository (a git dependency or a checkout: spec/ holds \
             the document) or from its published package (it carries the patched document).",
            source.display()
        ));
    }
    let lock_path = spec.join("halo.lock");
    let resources_path = spec.join("resources.toml");
    let lock = crate::lock::Lock::read(&lock_path)
        .map_err(|e| format!("{e:#}"))?
        .ok_or_else(|| format!("{} is missing: the build needs it to verify the document", lock_path.display()))?;
    let bytes = read(&source)?;
    let sha = crate::sha256_hex(&bytes);
    if sha != lock.document.sha256 {
        return Err(format!(
            "{} has sha256 {sha}, but {} pins {}: this halo-rs version is generated from another \
             version of Halo's document. Restore it (`git checkout spec/`), unset {}, or accept the new \
             document with `cargo xtask codegen --update --from PATH`.",
            source.display(),
            lock_path.display(),
            lock.document.sha256,
            crate::SOURCE_ENV
        ));
    }
    let resources = crate::resources::load(&resources_path).map_err(|e| format!("{e:#}"))?;
    let patched =
        crate::patch(&bytes, resources.clone()).map_err(|e| format!("patching {}: {e:#}", source.display()))?;
    crate::patches::check_stale(&patched.report).map_err(|e| format!("{e:#}"))?;
    let text = crate::render(patched.doc, &sha, &resources).map_err(|e| e.to_string())?;
    Ok(ForBuild { patched: text.into_bytes(), files: vec![source, lock_path, resources_path], env })
}
