//! 1,000 concurrent calls on a fresh client: how many token requests (one),
//! and what waiting for that one token adds.
//! Run: `cargo bench -p halo-contract-tests --bench tokens`.
//!
//! "fresh": a new client fires 1,000 `get_ticket` calls at once; all of them
//! wait for the one token request. "token already held": a new client makes
//! one call first (untimed), then fires the same 1,000. Both open their
//! connections from scratch, so the difference is the token's cost.

mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

const CALLS: i64 = 1_000;

async fn burst(halo: &halo_api_ext::HaloClient) {
    // A named get is `IntoFuture`: `.into_future()` makes it a `Future` for combinators.
    let calls = (1..=CALLS).map(|id| std::future::IntoFuture::into_future(halo.get_ticket(id)));
    let tickets = futures::future::try_join_all(calls).await.unwrap();
    assert_eq!(tickets.len() as i64, CALLS);
    assert_eq!(tickets[41].id, Some(42));
}

/// `iters` new clients, each timed through one burst; with `hold_token`,
/// each makes one untimed call first.
async fn timed_bursts(base_url: String, iters: u64, hold_token: bool) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let halo = support::client(&base_url);
        if hold_token {
            halo.get_ticket(1).await.unwrap();
        }
        let t = Instant::now();
        burst(&halo).await;
        total += t.elapsed();
    }
    total
}

fn tokens(c: &mut Criterion) {
    let server = support::Server::start(Vec::new());
    let rt = tokio::runtime::Runtime::new().unwrap();

    // Counted once, outside the timing: a fresh client, 1,000 calls, one token.
    let before = server.token_requests.load(Ordering::Relaxed);
    let halo = support::client(&server.base_url);
    rt.block_on(burst(&halo));
    let asked = server.token_requests.load(Ordering::Relaxed) - before;
    assert_eq!(asked, 1, "1,000 concurrent calls on a fresh client asked for {asked} tokens");
    assert_eq!(halo.token_requests(), 1);
    println!("1,000 concurrent calls on a fresh client: {asked} token request");

    let mut g = c.benchmark_group("1,000 concurrent get_ticket calls");
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("fresh client (waits for its token)", |b| {
        b.to_async(&rt).iter_custom(|iters| timed_bursts(server.base_url.clone(), iters, false))
    });
    g.bench_function("new client, token already held", |b| {
        b.to_async(&rt).iter_custom(|iters| timed_bursts(server.base_url.clone(), iters, true))
    });
    g.finish();
}

criterion_group!(benches, tokens);
criterion_main!(benches);
