//! A listing on a bad day: the stand-in answers 429 to the first request
//! and then to every N-th, with or without Retry-After. The client runs in
//! its default configuration (rate limit and retries on, as users keep
//! them), and for comparison with the limit off.
//!
//! ```sh
//! cargo bench -p halo-contract-tests --bench bad_day
//! ```
//!
//! Prints a Markdown table of medians of 3 runs; every run is checked
//! (every ticket once, the number of 429s answered).

mod support;

use std::time::{Duration, Instant};
use support::{Server, Throttle, ticket_pages};

const RUNS: usize = 3;

struct Case {
    name: &'static str,
    total: u64,
    page: u32,
    throttle: Throttle,
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

async fn run(case: &Case, limiter: bool) -> (Duration, u64) {
    let server = Server::start_throttled(ticket_pages(case.total, case.page.into()), case.throttle);
    let mut c = halo_api_ext::HaloConfig::cloud(&server.base_url, "acme", "bench", "bench-secret");
    if !limiter {
        c.rate_limit = None;
    }
    let halo = halo_api_ext::HaloClient::new(c).unwrap();
    let started = Instant::now();
    let all = halo.list_tickets().page_size(case.page).collect().await.unwrap();
    let took = started.elapsed();
    assert_eq!(all.len() as u64, case.total, "{}: every ticket", case.name);
    let mut ids: Vec<_> = all.iter().map(|t| t.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len() as u64, case.total, "{}: each once", case.name);
    let requests = server.requests.load(std::sync::atomic::Ordering::Relaxed);
    (took, requests)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let cases = [
        Case {
            name: "237 tickets, 100 a page; 1st and every 4th request 429, Retry-After: 1",
            total: 237,
            page: 100,
            throttle: Throttle { first: true, every: 4, retry_after: Some(1) },
        },
        Case {
            name: "2,000 tickets, 100 a page; 1st and every 50th request 429, no Retry-After",
            total: 2_000,
            page: 100,
            throttle: Throttle { first: true, every: 50, retry_after: None },
        },
        Case {
            name: "2,000 tickets, 10 a page; 1st and every 50th request 429, no Retry-After",
            total: 2_000,
            page: 10,
            throttle: Throttle { first: true, every: 50, retry_after: None },
        },
    ];
    println!("| listing | requests | default config (limit on) | limit off |");
    println!("|---|---|---|---|");
    for case in &cases {
        let mut on = Vec::new();
        let mut off = Vec::new();
        let mut requests = 0;
        for _ in 0..RUNS {
            let (t, r) = rt.block_on(run(case, true));
            on.push(t);
            requests = r;
            off.push(rt.block_on(run(case, false)).0);
        }
        println!(
            "| {} | {requests} | {:.2} s | {:.2} s |",
            case.name,
            median(on).as_secs_f64(),
            median(off).as_secs_f64()
        );
    }
}
