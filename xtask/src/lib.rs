//! halo-rs maintenance tasks, run as `cargo xtask <task>`.
//!
//! The pipeline: Halo's document, committed in `spec/` as [`fetch`]ed,
//! verified against [`lock`] (`spec/halo.lock`), [`patches`] applied, and the
//! patched document written for halo-api's build script to feed to
//! progenitor ([`codegen`]). Fetching is the update step
//! (`cargo xtask codegen --update`).

pub mod bench_build;
pub mod bench_users;
pub mod codegen;
pub mod diff;
pub mod dist;
pub mod fetch;
pub mod package;

/// The patches, the resource table, the lock and the counts live in
/// halo-patches (halo-api/patches), which halo-api's build script uses too.
pub use halo_patches::{lock, patches, resources, stats};

use std::path::PathBuf;

/// Halo's published document: where `cargo xtask codegen --update` fetches
/// from by default.
pub const DEFAULT_SOURCE: &str = "https://halo.halopsa.com/api/swagger/v2/swagger.json";

/// The environment variable that overrides the default source of `--update`.
pub const SOURCE_ENV: &str = halo_patches::SOURCE_ENV;

/// The workspace root (the parent of this crate's folder). `cargo run`
/// and `cargo test` set CARGO_MANIFEST_DIR when they start xtask: that one
/// is this checkout's, where the compiled-in one may be another checkout's
/// whose build cargo reused.
pub fn workspace_root() -> PathBuf {
    let manifest =
        std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    manifest.parent().expect("xtask lives in the workspace").to_path_buf()
}

/// Where the patched document goes: halo-api's build script reads it.
pub fn patched_path() -> PathBuf {
    workspace_root().join("halo-api").join("halo.patched.json")
}

/// `spec/`: Halo's document, its lock, the resource table, the changelog.
pub fn spec_dir() -> PathBuf {
    workspace_root().join("spec")
}

pub fn lock_path() -> PathBuf {
    codegen::Spec::new(spec_dir()).lock()
}

pub fn resources_path() -> PathBuf {
    codegen::Spec::new(spec_dir()).resources()
}

/// Halo's document as committed: `spec/halo-swagger.json`.
pub fn document_path() -> PathBuf {
    codegen::Spec::new(spec_dir()).document()
}

/// The `out_dir` of halo-api's build script, from cargo's JSON messages
/// (`--message-format json...`): where it wrote the generated source, its
/// stats and, for `cargo xtask package`, the packaged source.
pub fn halo_api_out_dir(cargo_stdout: &str) -> Option<PathBuf> {
    cargo_stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["reason"] == "build-script-executed")
        .filter(|m| m["package_id"].as_str().is_some_and(|p| p.contains("/halo-api#") || p.contains("halo-api@")))
        .find_map(|m| m["out_dir"].as_str().map(PathBuf::from))
}
