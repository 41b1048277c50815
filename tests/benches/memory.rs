//! Peak memory while streaming 1,000 and 10,000 tickets: it must not grow
//! with the total, because `stream()` holds one page at a time.
//! Run: `cargo bench -p halo-contract-tests --bench memory`.
//!
//! This process serves the tickets; each measurement is a child process
//! (this same binary) that streams N tickets and reports its own peak
//! resident set (VmHWM). As a control, a child that collects 10,000 tickets
//! into a Vec shows what growing with the total looks like. Exits non-zero
//! when streaming 10,000 peaks more than 10% (+4 MB) above streaming 1,000.

mod support;

use futures::TryStreamExt as _;
use std::process::Command;

const RUNS: usize = 3;

fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// The child: stream (or collect) `n` tickets from `url`, print peak RSS.
fn child(url: &str, n: u64, collect: bool) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let halo = support::client(url);
    let seen = rt.block_on(async {
        let list = halo.list_tickets().page_size(100).max(n);
        if collect {
            let all = list.collect().await.unwrap();
            let n = all.len() as u64;
            std::hint::black_box(all);
            n
        } else {
            list.stream()
                .try_fold(0u64, |n, t| async move {
                    std::hint::black_box(t);
                    Ok(n + 1)
                })
                .await
                .unwrap()
        }
    });
    assert_eq!(seen, n);
    println!("{}", peak_rss_kib());
}

fn measure(url: &str, n: u64, collect: bool) -> u64 {
    let mut peaks: Vec<u64> = (0..RUNS)
        .map(|_| {
            let out = Command::new(std::env::current_exe().unwrap())
                .env("HALO_BENCH_CHILD", format!("{url} {n} {}", if collect { "collect" } else { "stream" }))
                .output()
                .unwrap();
            assert!(out.status.success(), "child failed: {}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
        })
        .collect();
    peaks.sort();
    peaks[RUNS / 2]
}

fn main() {
    if let Ok(args) = std::env::var("HALO_BENCH_CHILD") {
        let a: Vec<&str> = args.split(' ').collect();
        return child(a[0], a[1].parse().unwrap(), a[2] == "collect");
    }
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list`: nothing to list
    }
    let server = support::Server::start(support::ticket_pages(10_000, 100));
    let mib = |kib: u64| kib as f64 / 1024.0;
    let s1 = measure(&server.base_url, 1_000, false);
    let s10 = measure(&server.base_url, 10_000, false);
    let c10 = measure(&server.base_url, 10_000, true);
    println!("peak RSS of a process listing tickets (median of {RUNS} runs, pages of 100)\n");
    println!("| tickets | stream() | collect() |");
    println!("|---|---|---|");
    println!("| 1,000 | {:.1} MiB | - |", mib(s1));
    println!("| 10,000 | {:.1} MiB | {:.1} MiB |", mib(s10), mib(c10));
    let growth = s10 as f64 / s1 as f64;
    println!("\nstream: 10,000 / 1,000 = {growth:.2}x; collect (the control) holds every ticket.");
    if s10 > s1 + s1 / 10 + 4096 {
        eprintln!("FAIL: streaming 10,000 tickets peaks above streaming 1,000 by more than 10% + 4 MiB");
        std::process::exit(1);
    }
    if c10 <= s10 {
        eprintln!("FAIL: the control (collect) did not grow: the measurement cannot see growth");
        std::process::exit(1);
    }
}
