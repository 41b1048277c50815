//! Where halo-api's build script gets the patched document, in order:
//!
//! 1. `HALO_PATCHED_SPEC`: a patched document written elsewhere;
//! 2. `halo.patched.json` beside halo-api's Cargo.toml: written by
//!    `cargo xtask codegen` in the workspace, and carried by the published
//!    package;
//! 3. `HALO_SPEC_SOURCE` (a path to Halo's document): verified against
//!    `spec/halo.lock` (sha256) and patched here, with `spec/resources.toml`.
//!    That is how a git dependency builds: the checkout has `spec/`, not the
//!    document.
//!
//! With none of them, the error names both ways out.

use std::path::{Path, PathBuf};

/// The patched document, and the files and variables the build depends on
/// (for `cargo:rerun-if-...`).
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
    let Some(source) = var(crate::SOURCE_ENV) else {
        let pinned = crate::lock::Lock::read(&spec.join("halo.lock"))
            .ok()
            .flatten()
            .map(|l| format!(" (sha256 {})", l.document.sha256))
            .unwrap_or_default();
        return Err(format!(
            "halo-api is generated from Halo's OpenAPI document, and this build has none.\n\
             Two ways out:\n\
             - depend on the published package (crates.io, or the .crate files `cargo xtask package` writes): \
             it carries the patched document;\n\
             - or set {env}=path/to/halo-swagger.json, Halo's document whose sha256 is in {lock}{pinned} \
             (a git dependency or checkout then verifies and patches it while it builds).\n\
             In the halo-rs workspace itself: `cargo xtask codegen`.",
            env = crate::SOURCE_ENV,
            lock = spec.join("halo.lock").display()
        ));
    };
    if source.starts_with("http://") || source.starts_with("https://") {
        return Err(format!(
            "{} is a URL ({source}); the build reads a local file. Download it first \
             (or run `cargo xtask codegen` in a checkout, which fetches URLs).",
            crate::SOURCE_ENV
        ));
    }
    let source = PathBuf::from(source);
    let lock_path = spec.join("halo.lock");
    let resources_path = spec.join("resources.toml");
    let lock = crate::lock::Lock::read(&lock_path).map_err(|e| format!("{e:#}"))?.ok_or_else(|| {
        format!("{} is missing: {} needs the lock to verify the document", lock_path.display(), crate::SOURCE_ENV)
    })?;
    let bytes = read(&source)?;
    let sha = crate::sha256_hex(&bytes);
    if sha != lock.document.sha256 {
        return Err(format!(
            "{} ({}) has sha256 {sha}, but {} pins {}: this halo-rs version is generated from another \
             version of Halo's document. Point {} at that one, or use a halo-rs version made for yours.",
            source.display(),
            crate::SOURCE_ENV,
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
