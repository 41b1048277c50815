//! Paging through 10,000 tickets (100 pages of 100) from a local server:
//! halo-rs's `list_tickets().stream()` against the loops a careful user
//! would write with reqwest and serde_json, same server, same page size.
//! Run: `cargo bench -p halo-contract-tests --bench paging`.
//!
//! Two hand-written baselines: records as `serde_json::Value` (what one
//! writes without bindings), and records as a `#[derive(Deserialize)]`
//! struct of just the 40 listed columns (the leanest a user can go).
//!
//! halo-rs runs twice: with the rate limit off (what the client itself
//! costs), and in the default configuration, a new client each iteration as
//! a user's run would have (its own token request, the rolling window of
//! 290 per 300 s, which 101 requests stay under).

mod support;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use futures::TryStreamExt as _;
use serde::Deserialize;
use serde_json::Value;
use support::{Server, TOKEN, ticket_pages};

/// Every ticket of the list, counted (each one touched).
async fn count(halo: &halo_api_ext::HaloClient) -> u64 {
    halo.list_tickets()
        .page_size(PAGE as u32)
        .stream()
        .try_fold(0u64, |n, t| async move {
            std::hint::black_box(t);
            Ok(n + 1)
        })
        .await
        .unwrap()
}

const TOTAL: u64 = 10_000;
const PAGE: u64 = 100;

#[derive(Deserialize)]
struct PageOf<T> {
    record_count: Option<u64>,
    tickets: Vec<T>,
}

/// The listed columns, as a user would declare them for this one job.
#[allow(dead_code)]
#[derive(Deserialize)]
struct MyTicket {
    id: i64,
    dateoccurred: Option<String>,
    summary: Option<String>,
    details: Option<String>,
    status_id: Option<i64>,
    tickettype_id: Option<i64>,
    sla_id: Option<i64>,
    priority_id: Option<i64>,
    client_id: Option<i64>,
    client_name: Option<String>,
    site_id: Option<f64>,
    site_name: Option<String>,
    user_id: Option<i64>,
    user_name: Option<String>,
    team: Option<String>,
    team_id: Option<i64>,
    agent_id: Option<i64>,
    category_1: Option<String>,
    reportedby: Option<String>,
    deadlinedate: Option<String>,
    lastactiondate: Option<String>,
    last_update: Option<String>,
    inactive: Option<bool>,
    is_vip: Option<Value>,
    respondbydate: Option<String>,
    fixbydate: Option<String>,
    excludefromsla: Option<bool>,
    onhold: Option<bool>,
    flagged: Option<bool>,
    read: Option<bool>,
    organisation_id: Option<i64>,
    impact: Option<i64>,
    urgency: Option<i64>,
    source: Option<i64>,
    starttime: Option<String>,
    targetdate: Option<String>,
    estimate: Option<f64>,
    useful_links_count: Option<i64>,
    matched_rule_id: Option<i64>,
}

/// The hand-written loop: one token, then pages until the total is reached
/// or a page comes back short.
async fn hand_written<T: serde::de::DeserializeOwned>(http: &reqwest::Client, base: &str) -> u64 {
    assert_eq!(support::token(http, base).await, TOKEN);
    let (mut seen, mut page_no) = (0u64, 1u32);
    loop {
        let body = http
            .get(format!("{base}/api/Tickets"))
            .query(&[("pageinate", "true"), ("page_size", &PAGE.to_string()), ("page_no", &page_no.to_string())])
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let page: PageOf<T> = serde_json::from_slice(&body).unwrap();
        let n = page.tickets.len() as u64;
        seen += n;
        std::hint::black_box(page.tickets);
        if n < PAGE || page.record_count.is_some_and(|t| seen >= t) {
            return seen;
        }
        page_no += 1;
    }
}

fn paging(c: &mut Criterion) {
    let server = Server::start(ticket_pages(TOTAL, PAGE));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let halo = support::client(&server.base_url);
    let http = reqwest::Client::new();

    // Each side must see every ticket before it is timed.
    assert_eq!(rt.block_on(count(&halo)), TOTAL);
    assert_eq!(rt.block_on(hand_written::<Value>(&http, &server.base_url)), TOTAL);
    assert_eq!(rt.block_on(hand_written::<MyTicket>(&http, &server.base_url)), TOTAL);

    let mut g = c.benchmark_group("page through 10,000 tickets");
    g.throughput(Throughput::Elements(TOTAL));
    g.sample_size(20);
    g.bench_function("halo-rs list_tickets().stream()", |b| {
        b.to_async(&rt).iter(|| async { assert_eq!(count(&halo).await, TOTAL) })
    });
    g.bench_function("halo-rs list_tickets().stream(), default configuration, new client", |b| {
        b.to_async(&rt).iter(|| async {
            let c = halo_api_ext::HaloConfig::cloud(&server.base_url, "acme", "bench", "bench-secret");
            assert_eq!(count(&halo_api_ext::HaloClient::new(c).unwrap()).await, TOTAL);
        })
    });
    g.bench_function("hand-written reqwest + serde_json::Value", |b| {
        b.to_async(&rt).iter(|| hand_written::<Value>(&http, &server.base_url))
    });
    g.bench_function("hand-written reqwest + derived 40-field struct", |b| {
        b.to_async(&rt).iter(|| hand_written::<MyTicket>(&http, &server.base_url))
    });
    g.finish();
}

criterion_group!(benches, paging);
criterion_main!(benches);
