//! halo-rs maintenance tasks, run as `cargo xtask <task>`.
//!
//! The pipeline: [`fetch`] Halo's document, verify it against [`lock`]
//! (`spec/halo.lock`), apply [`patches`], and write the patched document that
//! halo-api's build script feeds to progenitor ([`codegen`]).

pub mod bench_build;
pub mod codegen;
pub mod diff;
pub mod fetch;
pub mod package;

/// The patches, the resource table, the lock and the counts live in
/// halo-patches (halo-api/patches), which halo-api's build script uses too.
pub use halo_patches::{lock, patches, resources, stats};

use std::path::PathBuf;

/// Halo's published document: the default source.
pub const DEFAULT_SOURCE: &str = "https://halo.halopsa.com/api/swagger/v2/swagger.json";

/// The environment variable that overrides the default source.
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

pub fn lock_path() -> PathBuf {
    workspace_root().join("spec").join("halo.lock")
}

pub fn resources_path() -> PathBuf {
    workspace_root().join("spec").join("resources.toml")
}

/// Raw documents seen before, by sha256, so that a changed document can be
/// compared with the locked one. Under target/: never committed.
pub fn cache_dir() -> PathBuf {
    workspace_root().join("target").join("halo-spec")
}
