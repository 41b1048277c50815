//! `cargo xtask bench-build`: what halo-api costs to build.
//!
//! For each profile (debug, release) and feature set (`full`, the default;
//! `core`; `tickets`): `cargo clean -p halo-api`, then a non-incremental
//! `cargo build -p halo-api` with only that feature, dependencies already
//! built. Each build is timed (wall clock) and its peak memory read from the
//! kernel (the largest resident set of cargo and everything it waited for,
//! i.e. rustc). The generated code's size and the build script's own time
//! come from the `halo_api.stats` file halo-api's build script writes.
//! Prints a Markdown table of medians.

use anyhow::{Context as _, Result, bail};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Options {
    pub runs: usize,
    pub features: Vec<String>,
    pub release: Vec<bool>,
}

/// One measured build.
#[derive(Debug, Clone)]
struct Build {
    wall: Duration,
    peak_rss_bytes: u64,
    code_bytes: u64,
    generate: Duration,
}

/// The goals of the codegen issue, debug builds on a 2-core machine.
fn goal(features: &str, release: bool) -> &'static str {
    match (features, release) {
        ("full", false) => "60 s, 4 GB",
        ("core", false) => "30 s",
        ("tickets", false) => "15 s",
        _ => "-",
    }
}

pub fn run(opts: Options) -> Result<()> {
    if !crate::patched_path().exists() {
        bail!("{} is missing: run `cargo xtask codegen` first", crate::patched_path().display());
    }
    let root = crate::workspace_root();
    let runs = opts.runs.max(1);

    // The codegen step a user runs, timed as they run it.
    let mut codegen = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let out = Command::new(cargo())
            .current_dir(&root)
            .env("RUST_BACKTRACE", "0")
            .args(["xtask", "codegen", "--check"])
            .stdin(Stdio::null())
            .output()?;
        if !out.status.success() {
            bail!("`cargo xtask codegen --check` failed:\n{}", String::from_utf8_lossy(&out.stderr));
        }
        codegen.push(t.elapsed());
    }

    let mut rows = Vec::new();
    for &release in &opts.release {
        let profile = if release { "release" } else { "debug" };
        eprintln!("== {profile}: building halo-api's dependencies (not measured)");
        cargo_build(&root, "tickets", release).context("building halo-api's dependencies")?;
        for features in &opts.features {
            let mut builds = Vec::new();
            for i in 0..runs {
                let mut clean = Command::new(cargo());
                clean.current_dir(&root).args(["clean", "-p", "halo-api"]).stderr(Stdio::null());
                if release {
                    clean.arg("--release");
                }
                if !clean.status()?.success() {
                    bail!("cargo clean -p halo-api failed");
                }
                let b = cargo_build(&root, features, release)?;
                eprintln!(
                    "   {profile} {features} run {}: {:.1} s, {:.2} GB",
                    i + 1,
                    b.wall.as_secs_f64(),
                    b.peak_rss_bytes as f64 / 1e9
                );
                builds.push(b);
            }
            rows.push((profile, features.clone(), builds));
        }
    }

    println!("\nhalo-api build cost: clean `-p halo-api`, CARGO_INCREMENTAL=0, dependencies built; median of {runs}\n");
    println!(
        "`cargo xtask codegen --check` (fetch, verify, patch): {:.1} s\n",
        median(codegen.iter().map(Duration::as_secs_f64).collect())
    );
    println!("| profile | features | generated code | build script (generate) | build (runs) | peak RSS | goal |");
    println!("|---|---|---|---|---|---|---|");
    for (profile, features, builds) in rows {
        let walls: Vec<f64> = builds.iter().map(|b| b.wall.as_secs_f64()).collect();
        let list = walls.iter().map(|w| format!("{w:.1}")).collect::<Vec<_>>().join(", ");
        println!(
            "| {profile} | `{features}` | {:.1} MB | {:.1} s | **{:.1} s** ({list}) | {:.2} GB | {} |",
            median(builds.iter().map(|b| b.code_bytes as f64).collect()) / 1e6,
            median(builds.iter().map(|b| b.generate.as_secs_f64()).collect()),
            median(walls),
            median(builds.iter().map(|b| b.peak_rss_bytes as f64).collect()) / 1e9,
            goal(&features, profile == "release"),
        );
    }
    Ok(())
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

pub(crate) fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// `cargo build -p halo-api --no-default-features --features F`, timed.
fn cargo_build(root: &std::path::Path, features: &str, release: bool) -> Result<Build> {
    let mut cmd = Command::new(cargo());
    cmd.current_dir(root)
        .env("CARGO_INCREMENTAL", "0")
        .args(["build", "-p", "halo-api", "--no-default-features", "--features", features])
        .args(["--message-format", "json-render-diagnostics"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if release {
        cmd.arg("--release");
    }
    let start = Instant::now();
    let child = cmd.spawn().context("starting cargo")?;
    let (status, peak_rss_bytes, output) = wait_with_peak_rss(child)?;
    let wall = start.elapsed();
    if !status.success() {
        bail!("cargo build -p halo-api --features {features} failed:\n{}", output.1);
    }
    let out_dir = crate::halo_api_out_dir(&output.0).context("cargo did not report halo-api's build script output")?;
    let stats = std::fs::read_to_string(out_dir.join("halo_api.stats"))
        .with_context(|| format!("reading {}", out_dir.join("halo_api.stats").display()))?;
    let field = |k: &str| -> Result<u64> {
        stats
            .lines()
            .find_map(|l| l.strip_prefix(k)?.strip_prefix('='))
            .with_context(|| format!("no {k} in halo_api.stats"))?
            .trim()
            .parse()
            .with_context(|| format!("{k} in halo_api.stats"))
    };
    Ok(Build {
        wall,
        peak_rss_bytes,
        code_bytes: field("bytes")?,
        generate: Duration::from_millis(field("generate_ms")?),
    })
}

/// Waits for `child`, reading its output, and returns its exit status, the
/// peak resident set of it and the descendants it waited for, and
/// (stdout, stderr).
#[cfg(unix)]
pub(crate) fn wait_with_peak_rss(
    mut child: std::process::Child,
) -> Result<(std::process::ExitStatus, u64, (String, String))> {
    use std::io::Read as _;
    use std::os::unix::process::ExitStatusExt as _;
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let mut out = String::new();
    stdout.read_to_string(&mut out)?;
    let err = err_reader.join().unwrap_or_default();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for our own child.
    #[allow(unsafe_code)]
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    #[allow(unsafe_code)]
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if r != pid {
        bail!("waiting for cargo: {}", std::io::Error::last_os_error());
    }
    // ru_maxrss is in kilobytes on Linux.
    Ok((std::process::ExitStatus::from_raw(status), usage.ru_maxrss as u64 * 1024, (out, err)))
}

#[cfg(not(unix))]
pub(crate) fn wait_with_peak_rss(
    child: std::process::Child,
) -> Result<(std::process::ExitStatus, u64, (String, String))> {
    let out = child.wait_with_output()?;
    Ok((
        out.status,
        0,
        (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned()),
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(super::median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(super::median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(super::median(vec![]).is_nan());
    }
}
