//! `cargo xtask bench-build --users`: what halo-rs costs the people who use
//! it, each build cold (a target folder of its own), side by side with what
//! a plain client costs on the same machine in the same run:
//!
//! - a crate outside the workspace built from the packages `cargo xtask
//!   package` wrote (what crates.io will serve), with halo-api-ext's default
//!   features (`core`), with `full` and with `tickets`, against a plain
//!   reqwest + serde + tokio client making the same call (debug);
//! - `cargo install --locked --path halo-cli` (the README's source install,
//!   release), against `cargo install` of a plain CLI with the same everyday
//!   crates (reqwest, tokio, clap, serde_json, csv, comfy-table).
//!
//! Dependencies are fetched first and not timed; nothing else is reused.

use anyhow::{Context as _, Result, bail};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PLAIN_DEPS: &str = r#"reqwest = { version = "0.13", features = ["json"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
tokio = { version = "1", features = ["rt-multi-thread", "macros"] }
"#;

const PLAIN_MAIN: &str = r#"#[derive(serde::Deserialize, Debug)]
struct Ticket { id: i64, summary: Option<String> }
#[derive(serde::Deserialize, Debug)]
struct Page { tickets: Vec<Ticket> }
#[tokio::main]
async fn main() {
    let client = reqwest::Client::new();
    if std::env::args().count() > 5 {
        let page: Page = client.get("https://example.halopsa.com/api/Tickets?client_id=3")
            .bearer_auth("t").send().await.unwrap().json().await.unwrap();
        println!("{page:?}");
    }
}
"#;

const HALO_MAIN: &str = r#"#[tokio::main]
async fn main() {
    let config = halo_api_ext::HaloConfig::cloud("example.halopsa.com", "acme", "id", "secret");
    let halo = halo_api_ext::HaloClient::new(config).unwrap();
    if std::env::args().count() > 5 {
        let tickets = halo.list_tickets().client_id(3).collect().await.unwrap();
        println!("{}", tickets.len());
    }
}
"#;

const PLAIN_CLI_DEPS: &str = r#"reqwest = { version = "0.13", features = ["json"] }
serde_json = "1"
tokio = { version = "1", features = ["rt-multi-thread", "macros"] }
clap = { version = "4", features = ["derive", "env"] }
csv = "1"
comfy-table = "7"
"#;

const PLAIN_CLI_MAIN: &str = r#"use clap::Parser;
#[derive(Parser)]
struct Args { resource: String, #[arg(long)] csv: bool }
#[tokio::main]
async fn main() {
    let args = Args::parse();
    let url = format!("https://example.halopsa.com/api/{}", args.resource);
    let rows: Vec<serde_json::Value> = reqwest::Client::new().get(url).send().await.unwrap().json().await.unwrap();
    if args.csv {
        let mut w = csv::Writer::from_writer(std::io::stdout());
        for r in &rows { w.write_record([r["id"].to_string()]).unwrap(); }
    } else {
        let mut t = comfy_table::Table::new();
        for r in &rows { t.add_row(vec![r["id"].to_string()]); }
        println!("{t}");
    }
}
"#;

/// One measured cold build.
#[derive(Debug, Clone, Copy)]
struct Measured {
    wall: Duration,
    peak_rss_bytes: u64,
}

pub fn run(runs: usize, install: bool) -> Result<()> {
    let root = crate::workspace_root();
    let version = env!("CARGO_PKG_VERSION");
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
    let packages = target.join("package");
    if !packages.join(format!("halo-api-{version}.crate")).exists() {
        bail!("{} has no halo-api package: run `cargo xtask package` first", packages.display());
    }
    let work = target.join("bench-users");
    let _ = std::fs::remove_dir_all(&work);
    let unpacked = work.join("unpacked");
    std::fs::create_dir_all(&unpacked)?;
    for p in ["halo-api", "halo-api-ext"] {
        let file = packages.join(format!("{p}-{version}.crate"));
        let status = Command::new("tar").arg("xzf").arg(&file).arg("-C").arg(&unpacked).status()?;
        if !status.success() {
            bail!("unpacking {}", file.display());
        }
    }
    let patch = format!(
        "[patch.crates-io]\nhalo-api-ext = {{ path = \"{0}/halo-api-ext-{version}\" }}\nhalo-api = {{ path = \"{0}/halo-api-{version}\" }}\n",
        unpacked.display()
    );
    let lock = root.join("Cargo.lock");
    let plain = new_crate(&work, "plain-client", PLAIN_DEPS, PLAIN_MAIN, "", &lock)?;
    // A crate calling halo-api-ext, given how it asks for it.
    let halo = |name: &str, halo_api_ext: String| {
        let deps = format!(
            "halo-api-ext = {halo_api_ext}\ntokio = {{ version = \"1\", features = [\"rt-multi-thread\", \"macros\"] }}\n"
        );
        new_crate(&work, name, &deps, HALO_MAIN, &patch, &lock)
    };
    let only = |features: &str| {
        format!("{{ version = \"{version}\", default-features = false, features = [\"{features}\"] }}")
    };
    let default = halo("halo-default", format!("\"{version}\""))?;
    let full = halo("halo-full", only("full"))?;
    let tickets = halo("halo-tickets", only("tickets"))?;
    let mut rows: Vec<(String, Vec<Measured>)> = Vec::new();
    for (name, dir) in [
        ("plain reqwest + serde + tokio client", &plain),
        ("halo-api-ext, default features (`core`)", &default),
        ("halo-api-ext, `full`", &full),
        ("halo-api-ext, `tickets`", &tickets),
    ] {
        fetch(dir)?;
        let mut m = Vec::new();
        for i in 0..runs {
            let _ = std::fs::remove_dir_all(dir.join("target"));
            let b = timed(Command::new(cargo()).current_dir(dir).args(["build", "--offline", "--quiet"]))
                .with_context(|| format!("building {}", dir.display()))?;
            eprintln!(
                "   {name} run {}: {:.1} s, {:.2} GB",
                i + 1,
                b.wall.as_secs_f64(),
                b.peak_rss_bytes as f64 / 1e9
            );
            m.push(b);
        }
        if name.starts_with("halo") {
            let tree = Command::new(cargo())
                .current_dir(dir)
                .args(["tree", "--offline", "-e", "normal,build", "--prefix", "none"])
                .output()?;
            let tree = String::from_utf8_lossy(&tree.stdout);
            let generator: Vec<&str> = tree
                .lines()
                .filter(|l| crate::package::GENERATOR.iter().any(|g| l.starts_with(&format!("{g} v"))))
                .collect();
            if !generator.is_empty() {
                bail!("{name} compiles the generator: {generator:?}");
            }
        }
        rows.push((name.to_string(), m));
    }
    println!(
        "\nA crate outside the workspace, cold debug build (`cargo build`, its own target folder), median of {runs}:\n"
    );
    table(&rows);

    if install {
        let cli = new_crate(&work, "plain-cli", PLAIN_CLI_DEPS, PLAIN_CLI_MAIN, "", &lock)?;
        fetch(&cli)?;
        let mut rows = Vec::new();
        let halo = ("cargo install --locked --path halo-cli", root.join("halo-cli"));
        let plain =
            ("cargo install --path (a plain CLI: reqwest, tokio, clap, serde_json, csv, comfy-table)", cli.clone());
        for (name, path) in [plain, halo] {
            let mut m = Vec::new();
            for i in 0..runs {
                let into = work.join("install");
                let _ = std::fs::remove_dir_all(&into);
                let b = timed(
                    Command::new(cargo())
                        .current_dir(&path)
                        .args(["install", "--locked", "--offline", "--quiet", "--path", "."])
                        .arg("--root")
                        .arg(into.join("root"))
                        .arg("--target-dir")
                        .arg(into.join("target")),
                )
                .with_context(|| name.to_string())?;
                eprintln!(
                    "   {name} run {}: {:.1} s, {:.2} GB",
                    i + 1,
                    b.wall.as_secs_f64(),
                    b.peak_rss_bytes as f64 / 1e9
                );
                m.push(b);
            }
            rows.push((name.to_string(), m));
        }
        println!("\nInstalling the CLI from source, cold (release, its own target folder), median of {runs}:\n");
        table(&rows);
    }
    Ok(())
}

fn table(rows: &[(String, Vec<Measured>)]) {
    let base = median(rows[0].1.iter().map(|m| m.wall.as_secs_f64()).collect());
    println!("| build | wall (runs) | x the first row | peak RSS |\n|---|---|---|---|");
    for (name, m) in rows {
        let walls: Vec<f64> = m.iter().map(|b| b.wall.as_secs_f64()).collect();
        let list = walls.iter().map(|w| format!("{w:.1}")).collect::<Vec<_>>().join(", ");
        let wall = median(walls);
        println!(
            "| {name} | **{wall:.1} s** ({list}) | {:.2}x | {:.2} GB |",
            wall / base,
            median(m.iter().map(|b| b.peak_rss_bytes as f64).collect()) / 1e9
        );
    }
}

fn new_crate(work: &Path, name: &str, deps: &str, main: &str, patch: &str, lock: &Path) -> Result<PathBuf> {
    let dir = work.join(name);
    std::fs::create_dir_all(dir.join("src"))?;
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n{deps}\n{patch}\n[workspace]\n"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest)?;
    std::fs::write(dir.join("src/main.rs"), main)?;
    // The versions halo-rs is tested with, for every crate alike.
    std::fs::copy(lock, dir.join("Cargo.lock"))?;
    Ok(dir)
}

fn fetch(dir: &Path) -> Result<()> {
    let status = Command::new(cargo()).current_dir(dir).args(["fetch", "--quiet"]).status()?;
    if !status.success() {
        bail!("cargo fetch in {} failed", dir.display());
    }
    Ok(())
}

fn timed(cmd: &mut Command) -> Result<Measured> {
    cmd.env("CARGO_INCREMENTAL", "0").env_remove("CARGO_TARGET_DIR").stdout(Stdio::piped()).stderr(Stdio::piped());
    let start = Instant::now();
    let child = cmd.spawn().context("starting cargo")?;
    let (status, peak_rss_bytes, (_, err)) = crate::bench_build::wait_with_peak_rss(child)?;
    if !status.success() {
        bail!("{cmd:?} failed:\n{err}");
    }
    Ok(Measured { wall: start.elapsed(), peak_rss_bytes })
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn median(v: Vec<f64>) -> f64 {
    crate::bench_build::median(v)
}
