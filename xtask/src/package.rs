//! `cargo xtask package`: the release command. Regenerates the patched
//! document (as `cargo xtask codegen` does, verified against the lock), then
//! writes the `.crate` files of halo-api and what it needs into
//! `target/package/`: halo-patches, halo-codegen, halo-api (carrying the
//! patched document, named in its `include`) and halo-api-ext. Each builds
//! offline on a machine that never ran codegen and has no `spec/`.

use anyhow::{Context as _, Result, bail};
use std::process::Command;

/// The packages, in dependency order.
pub const PACKAGES: &[&str] = &["halo-patches", "halo-codegen", "halo-api", "halo-api-ext", "halo-cli"];

/// crates.io refuses a `.crate` larger than this.
pub const MAX_CRATE_BYTES: u64 = 10 * 1024 * 1024;

pub fn run() -> Result<()> {
    crate::codegen::run(crate::codegen::Options::default())?;
    let root = crate::workspace_root();
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo.current_dir(&root).args(["package", "--locked", "--no-verify", "--allow-dirty"]);
    for p in PACKAGES {
        cargo.args(["-p", p]);
    }
    eprintln!("running {cargo:?}");
    let status = cargo.status().context("running cargo package")?;
    if !status.success() {
        bail!("cargo package failed");
    }
    let version = env!("CARGO_PKG_VERSION");
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map(std::path::PathBuf::from).unwrap_or_else(|| root.join("target"));
    let dir = target.join("package");
    println!("| package | size |\n|---|---|");
    for p in PACKAGES {
        let file = dir.join(format!("{p}-{version}.crate"));
        let size = std::fs::metadata(&file).with_context(|| format!("{} was not written", file.display()))?.len();
        println!("| {} | {:.2} MB |", file.display(), size as f64 / 1e6);
        if size > MAX_CRATE_BYTES {
            bail!("{} is {size} bytes: over crates.io's limit of {MAX_CRATE_BYTES}", file.display());
        }
    }
    let api = dir.join(format!("halo-api-{version}.crate"));
    let listing = Command::new("tar").arg("tzf").arg(&api).output().context("listing the halo-api package")?;
    let listing = String::from_utf8_lossy(&listing.stdout);
    if !listing.lines().any(|l| l.ends_with("/halo.patched.json")) {
        bail!("{} does not carry halo.patched.json: check `include` in halo-api/Cargo.toml", api.display());
    }
    eprintln!("the halo-api package carries the patched document (source sha256 in its info.x-halo-rs)");
    Ok(())
}
