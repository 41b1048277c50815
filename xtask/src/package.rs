//! `cargo xtask package`: the release command. Regenerates the patched
//! document (as `cargo xtask codegen` does, verified against the lock), then
//! writes the `.crate` files of halo-api and what it needs into
//! `target/package/`: halo-patches, halo-codegen, halo-api, halo-api-ext
//! and halo-cli. Each builds offline on a machine that never ran codegen and
//! has no `spec/`.
//!
//! halo-api's package carries its generated source instead of a generator:
//! halo-api's build script writes it when HALO_API_PACKAGE is set (the
//! whole API, each item behind the `cfg` of the features that need it,
//! checked against the generator's own output for two resources and for
//! all of them: halo-codegen's `packaged`), and this rewrites the package
//! around it: `generated/` added, `build-from-package.rs` as its
//! `build.rs`, no `[build-dependencies]`. So a crate built from the
//! registry compiles none of progenitor, typify, openapiv3 or prettyplease.

use anyhow::{Context as _, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The packages, in dependency order.
pub const PACKAGES: &[&str] = &["halo-patches", "halo-codegen", "halo-api", "halo-api-ext", "halo-cli"];

/// crates.io refuses a `.crate` larger than this.
pub const MAX_CRATE_BYTES: u64 = 10 * 1024 * 1024;

/// What a crate built from the packages must not compile.
pub const GENERATOR: &[&str] = &["progenitor", "typify", "openapiv3", "prettyplease", "halo-codegen", "halo-patches"];

fn cargo(root: &Path) -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root);
    c
}

pub fn run() -> Result<()> {
    crate::codegen::run(crate::codegen::Options::default())?;
    let root = crate::workspace_root();
    let source = packaged_source(&root)?;

    let mut package = cargo(&root);
    package.args(["package", "--locked", "--no-verify", "--allow-dirty"]);
    for p in PACKAGES {
        package.args(["-p", p]);
    }
    eprintln!("running {package:?}");
    if !package.status().context("running cargo package")?.success() {
        bail!("cargo package failed");
    }
    let version = env!("CARGO_PKG_VERSION");
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
    let dir = target.join("package");
    rewrite_halo_api(&dir, version, &source)?;

    println!("| package | size |\n|---|---|");
    for p in PACKAGES {
        let file = dir.join(format!("{p}-{version}.crate"));
        let size = std::fs::metadata(&file).with_context(|| format!("{} was not written", file.display()))?.len();
        println!("| {} | {:.2} MB |", file.display(), size as f64 / 1e6);
        if size > MAX_CRATE_BYTES {
            bail!("{} is {size} bytes: over crates.io's limit of {MAX_CRATE_BYTES}", file.display());
        }
    }
    Ok(())
}

/// Has halo-api's build script write the packaged source (HALO_API_PACKAGE)
/// and answers the folder it wrote it to. `cargo check`: the script runs,
/// and the library is only checked.
fn packaged_source(root: &Path) -> Result<PathBuf> {
    let mut check = cargo(root);
    check.args(["check", "--locked", "-p", "halo-api", "--message-format=json-render-diagnostics"]);
    check.env("HALO_API_PACKAGE", "1").stderr(std::process::Stdio::inherit());
    eprintln!("running {check:?} (HALO_API_PACKAGE=1: the whole API and one generation per resource feature)");
    let output = check.output().context("running cargo check -p halo-api")?;
    if !output.status.success() {
        bail!("cargo check -p halo-api failed: its build script could not write the packaged source");
    }
    let out = crate::halo_api_out_dir(&String::from_utf8_lossy(&output.stdout))
        .context("cargo check -p halo-api said nothing of halo-api's build script")?;
    let dir = out.join("package");
    if !dir.join("halo_api.rs").exists() {
        bail!("halo-api's build script did not write {}", dir.join("halo_api.rs").display());
    }
    Ok(dir)
}

/// Rewrites halo-api's `.crate`: the generated source in, the generator out.
fn rewrite_halo_api(dir: &Path, version: &str, source: &Path) -> Result<()> {
    let name = format!("halo-api-{version}");
    let file = dir.join(format!("{name}.crate"));
    let work = dir.join(format!("{name}.rewrite"));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    run_tool(Command::new("tar").arg("xzf").arg(&file).arg("-C").arg(&work))?;
    let unpacked = work.join(&name);

    let generated = unpacked.join("generated");
    std::fs::create_dir_all(&generated)?;
    for f in ["halo_api.rs", "resources.json"] {
        std::fs::copy(source.join(f), generated.join(f)).with_context(|| format!("copying {f}"))?;
    }
    std::fs::rename(unpacked.join("build-from-package.rs"), unpacked.join("build.rs"))
        .context("the halo-api package has no build-from-package.rs: check `include` in halo-api/Cargo.toml")?;

    let manifest_path = unpacked.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest_path)?;
    let mut manifest: toml::Table = text.parse().context("halo-api's packaged Cargo.toml")?;
    let removed = manifest.remove("build-dependencies");
    let Some(toml::Value::Table(removed)) = removed else {
        bail!("halo-api's packaged Cargo.toml has no [build-dependencies] to remove: its shape changed");
    };
    let mut kept: Vec<&String> = removed.keys().collect();
    kept.retain(|k| !GENERATOR.contains(&k.as_str()));
    if !kept.is_empty() {
        bail!(
            "halo-api's build dependencies {kept:?} are not the generator's: the package's build script would lack them"
        );
    }
    let package = manifest.get_mut("package").and_then(toml::Value::as_table_mut).context("no [package]")?;
    package.insert("build".into(), "build.rs".into());
    let header = "# Written by `cargo xtask package`: halo-api's manifest as cargo packaged it,\n\
                  # without its build dependencies (the package carries the generated source).\n\n";
    std::fs::write(&manifest_path, format!("{header}{}", toml::to_string(&manifest)?))?;

    std::fs::remove_file(&file)?;
    run_tool(Command::new("tar").arg("czf").arg(&file).arg("-C").arg(&work).arg(&name))?;
    std::fs::remove_dir_all(&work)?;
    eprintln!("the halo-api package carries its generated source and no generator ({})", file.display());
    Ok(())
}

fn run_tool(c: &mut Command) -> Result<()> {
    let status = c.status().with_context(|| format!("running {c:?}"))?;
    if !status.success() {
        bail!("{c:?} failed");
    }
    Ok(())
}
