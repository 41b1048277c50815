//! `cargo xtask dist [--target TRIPLE]`: the prebuilt `halo` for one
//! target, as the release workflow (.github/workflows/release.yml) uploads
//! it and `cargo binstall halo-cli` finds it.
//!
//! Builds `cargo build --release --locked -p halo-cli --target TRIPLE` and
//! packs the binary as `target/dist/halo-cli-TRIPLE-vVERSION.tgz` (`.zip` on
//! Windows) holding `halo-cli-TRIPLE-vVERSION/halo[.exe]`, with a `.sha256`
//! beside it. The name is the one halo-cli's `[package.metadata.binstall]`
//! spells (`pkg-url`, `bin-dir`); a test below reads that metadata and
//! checks the two agree.

use anyhow::{Context as _, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The archive's base name (no extension) for `target`.
pub fn base_name(target: &str, version: &str) -> String {
    format!("halo-cli-{target}-v{version}")
}

/// `tgz`, or `zip` for Windows targets.
pub fn format(target: &str) -> &'static str {
    if target.contains("windows") { "zip" } else { "tgz" }
}

pub fn run(target: Option<String>) -> Result<()> {
    let root = crate::workspace_root();
    let target = match target {
        Some(t) => t,
        None => host()?,
    };
    let version = env!("CARGO_PKG_VERSION");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(&root)
        .args(["build", "--release", "--locked", "-p", "halo-cli", "--target", &target])
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("cargo build --release -p halo-cli --target {target} failed");
    }
    let targets = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
    let exe = if target.contains("windows") { "halo.exe" } else { "halo" };
    let built = targets.join(&target).join("release").join(exe);
    let dist = targets.join("dist");
    let name = base_name(&target, version);
    let stage = dist.join(&name);
    let _ = std::fs::remove_dir_all(&stage);
    std::fs::create_dir_all(&stage)?;
    std::fs::copy(&built, stage.join(exe)).with_context(|| format!("copying {}", built.display()))?;
    for doc in ["README.md", "LICENSE-MIT", "LICENSE-APACHE"] {
        std::fs::copy(root.join(doc), stage.join(doc)).with_context(|| format!("copying {doc}"))?;
    }
    let archive = dist.join(format!("{name}.{}", format(&target)));
    let _ = std::fs::remove_file(&archive);
    let mut pack = if format(&target) == "zip" {
        let mut c = Command::new("7z");
        c.current_dir(&dist).arg("a").arg(&archive).arg(&name);
        c
    } else {
        let mut c = Command::new("tar");
        c.current_dir(&dist).arg("czf").arg(&archive).arg(&name);
        c
    };
    if !pack.status().with_context(|| format!("running {pack:?}"))?.success() {
        bail!("{pack:?} failed");
    }
    let sha = halo_patches::sha256_hex(&std::fs::read(&archive)?);
    let file_name = archive.file_name().and_then(|n| n.to_str()).context("archive name")?;
    std::fs::write(dist.join(format!("{file_name}.sha256")), format!("{sha}  {file_name}\n"))?;
    std::fs::remove_dir_all(&stage)?;
    println!("{}", archive.display());
    Ok(())
}

fn host() -> Result<String> {
    let out = Command::new("rustc").arg("-vV").output().context("running rustc -vV")?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .context("rustc -vV names no host")
}

/// halo-cli's `[package.metadata.binstall]`, for the test.
pub fn binstall_metadata(root: &Path) -> Result<toml::Table> {
    let text = std::fs::read_to_string(root.join("halo-cli/Cargo.toml"))?;
    let manifest: toml::Table = text.parse()?;
    manifest
        .get("package")
        .and_then(|p| p.get("metadata"))
        .and_then(|m| m.get("binstall"))
        .and_then(|b| b.as_table())
        .cloned()
        .context("halo-cli/Cargo.toml has no [package.metadata.binstall]")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What cargo-binstall does with the templates (`{ name }` etc.).
    fn expand(template: &str, target: &str, version: &str, format: &str) -> String {
        let exe = if target.contains("windows") { ".exe" } else { "" };
        template
            .replace("{ repo }", "https://github.com/halo-rs/halo-rs")
            .replace("{ name }", "halo-cli")
            .replace("{ target }", target)
            .replace("{ version }", version)
            .replace("{ archive-format }", format)
            .replace("{ archive-suffix }", &format!(".{format}"))
            .replace("{ bin }", "halo")
            .replace("{ binary-ext }", exe)
    }

    #[test]
    fn the_archives_are_where_binstall_looks() {
        let meta = binstall_metadata(&crate::workspace_root()).unwrap();
        let url = meta["pkg-url"].as_str().unwrap();
        let bin_dir = meta["bin-dir"].as_str().unwrap();
        assert_eq!(meta["pkg-fmt"].as_str(), Some("tgz"));
        for target in
            ["x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu", "aarch64-apple-darwin", "x86_64-pc-windows-msvc"]
        {
            let fmt = format(target);
            let over = meta.get("overrides").and_then(|o| o.get(target)).and_then(|o| o.get("pkg-fmt"));
            assert_eq!(over.and_then(|f| f.as_str()).unwrap_or("tgz"), fmt, "{target}'s pkg-fmt");
            let name = base_name(target, "1.2.3");
            assert_eq!(
                expand(url, target, "1.2.3", fmt),
                format!("https://github.com/halo-rs/halo-rs/releases/download/v1.2.3/{name}.{fmt}")
            );
            let exe = if target.contains("windows") { "halo.exe" } else { "halo" };
            assert_eq!(expand(bin_dir, target, "1.2.3", fmt), format!("{name}/{exe}"));
        }
    }

    #[test]
    fn the_release_workflow_builds_every_target_with_dist() {
        let workflow = std::fs::read_to_string(crate::workspace_root().join(".github/workflows/release.yml")).unwrap();
        for target in [
            "x86_64-unknown-linux-gnu",
            "aarch64-unknown-linux-gnu",
            "x86_64-apple-darwin",
            "aarch64-apple-darwin",
            "x86_64-pc-windows-msvc",
        ] {
            assert!(workflow.contains(&format!("target: {target}")), "the workflow does not build {target}");
        }
        assert!(
            workflow.contains("cargo xtask dist --target ${{ matrix.target }}"),
            "the workflow does not pack with xtask dist"
        );
    }
}
