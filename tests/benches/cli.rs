//! Listing as users run it, default configuration (rate limit on), against a
//! plain hand-written reqwest + serde_json loop over the same server in the
//! same run; and the rolling-window goals against a server that enforces one.
//!
//! Run (the bench times the release `halo` binary, so build it first):
//!
//! ```sh
//! cargo build --release -p halo-cli
//! cargo bench -p halo-contract-tests --bench cli
//! ```
//!
//! Prints Markdown tables of medians. Every run is checked: the CLI's output
//! is counted once per variant (2,000 lines), each loop counts its records.

mod support;
#[path = "../tests/common/window.rs"]
mod window;

use futures::TryStreamExt as _;
use serde_json::Value;
use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TOTAL: u64 = 2_000;
const PAGE: u64 = 100;
const RUNS: usize = 3;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn devnull() -> std::io::BufWriter<std::fs::File> {
    std::io::BufWriter::new(std::fs::OpenOptions::new().write(true).open("/dev/null").unwrap())
}

/// The plain loop: token, then pages until the total, records as `Value`,
/// one JSON line each to /dev/null.
async fn plain_loop(http: &reqwest::Client, base: &str) -> u64 {
    let token = support::token(http, base).await;
    let mut out = devnull();
    let (mut seen, mut page_no) = (0u64, 1u32);
    loop {
        let body = http
            .get(format!("{base}/api/Tickets"))
            .query(&[("pageinate", "true"), ("page_size", &PAGE.to_string()), ("page_no", &page_no.to_string())])
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let page: Value = serde_json::from_slice(&body).unwrap();
        let rows = page["tickets"].as_array().unwrap();
        for r in rows {
            serde_json::to_writer(&mut out, r).unwrap();
            out.write_all(b"\n").unwrap();
        }
        seen += rows.len() as u64;
        if (rows.len() as u64) < PAGE || page["record_count"].as_u64().is_some_and(|t| seen >= t) {
            out.flush().unwrap();
            return seen;
        }
        page_no += 1;
    }
}

/// halo-rs as a library, default configuration: the CLI's path in-process.
async fn library(base: &str, rate_limit: bool) -> u64 {
    let mut c = halo_api_ext::HaloConfig::cloud(base, "acme", "bench", "bench-secret");
    if !rate_limit {
        c.rate_limit = None;
    }
    let halo = halo_api_ext::HaloClient::new(c).unwrap();
    let mut out = devnull();
    let mut stream = halo.list_tickets().as_json().stream();
    let mut n = 0;
    while let Some(t) = stream.try_next().await.unwrap() {
        serde_json::to_writer(&mut out, &t).unwrap();
        out.write_all(b"\n").unwrap();
        n += 1;
    }
    out.flush().unwrap();
    n
}

fn halo_binary() -> std::path::PathBuf {
    // target/release/deps/cli-HASH -> target/release/halo
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().unwrap().parent().unwrap().join("halo");
    assert!(bin.exists(), "{} is missing: run `cargo build --release -p halo-cli` first", bin.display());
    bin
}

fn cli(bin: &std::path::Path, base: &str, extra: &[&str], stdout: Stdio) -> Command {
    let mut c = Command::new(bin);
    c.env_clear()
        .env("HALO_HOST", base)
        .env("HALO_TENANT", "acme")
        .env("HALO_CLIENT_ID", "bench")
        .env("HALO_CLIENT_SECRET", "bench-secret")
        .args(extra)
        .args(["list", "tickets"])
        .stdout(stdout)
        .stderr(Stdio::inherit());
    c
}

fn time_cli(bin: &std::path::Path, base: &str, extra: &[&str]) -> Duration {
    let out = cli(bin, base, extra, Stdio::piped()).output().unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout.iter().filter(|b| **b == b'\n').count() as u64, TOTAL, "{extra:?}: every ticket, once");
    let times = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let status =
                cli(bin, base, extra, Stdio::from(std::fs::File::create("/dev/null").unwrap())).status().unwrap();
            assert!(status.success());
            start.elapsed()
        })
        .collect();
    median(times)
}

fn main() {
    let bin = halo_binary();
    let full = support::full_ticket();
    let pages = support::pages_of(TOTAL, PAGE, |id| {
        let mut t = full.clone();
        t["id"] = id.into();
        t
    });
    let mb = pages.iter().map(|p| p.len()).sum::<usize>() as f64 / 1e6;
    let server = support::Server::start(pages);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let http = reqwest::Client::new();

    let time = |f: &dyn Fn() -> u64| {
        assert_eq!(f(), TOTAL);
        median(
            (0..RUNS)
                .map(|_| {
                    let start = Instant::now();
                    assert_eq!(f(), TOTAL);
                    start.elapsed()
                })
                .collect(),
        )
    };
    let plain = time(&|| rt.block_on(plain_loop(&http, &server.base_url)));
    let cli_default = time_cli(&bin, &server.base_url, &[]);
    let cli_off = time_cli(&bin, &server.base_url, &["--rate-limit", "off"]);
    let lib_default = time(&|| rt.block_on(library(&server.base_url, true)));
    let lib_off = time(&|| rt.block_on(library(&server.base_url, false)));

    println!(
        "\nListing {TOTAL} tickets with every field set ({mb:.0} MB of JSON, pages of {PAGE}) from a loopback stand-in, NDJSON to /dev/null; median of {RUNS}\n"
    );
    println!("| client | time | tickets/s | vs the plain loop |");
    println!("|---|---|---|---|");
    let row = |name: &str, d: Duration| {
        println!(
            "| {name} | {:.2} s | {:.0} | {:.2}x the time |",
            d.as_secs_f64(),
            TOTAL as f64 / d.as_secs_f64(),
            d.as_secs_f64() / plain.as_secs_f64()
        )
    };
    row("plain loop: reqwest + serde_json::Value", plain);
    row("`halo list tickets`, default configuration", cli_default);
    row("`halo list tickets --rate-limit off`", cli_off);
    row("library `list_tickets().as_json().stream()`, default configuration", lib_default);
    row("library, rate limit off", lib_off);

    // The rolling window against a server that enforces exactly 40 per 8 s.
    println!(
        "\nRequests (GET /Status) under a client limit of 40 per 8 s, against a server that enforces 40 per rolling 8 s\n"
    );
    println!("| requests | time | 429s | optimum |");
    println!("|---|---|---|---|");
    for (n, optimum) in [(30usize, "no waiting"), (100, "16 s (two full windows, then 20)")] {
        let (took, too_many) = rt.block_on(async {
            let server = window::Window::start(40, Duration::from_secs(8), "[]").await;
            let mut c = halo_api_ext::HaloConfig::cloud(&server.base_url, "acme", "bench", "bench-secret");
            c.rate_limit = Some(halo_api_ext::RateLimit::new(40, Duration::from_secs(8)));
            let halo = halo_api_ext::HaloClient::new(c).unwrap();
            halo.raw().get_status().send().await.unwrap();
            // A fresh window: the token and the warm-up request are out of it.
            tokio::time::sleep(Duration::from_secs(8)).await;
            let start = Instant::now();
            for _ in 0..n {
                halo.raw().get_status().send().await.unwrap();
            }
            (start.elapsed(), server.counts().1)
        });
        println!("| {n} | {:.2} s | {too_many} | {optimum} |", took.as_secs_f64());
    }
}
