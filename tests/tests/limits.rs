//! The rolling-window rate limit against a server that enforces one, and
//! what it does after a 429. Counts, not speed: the speed goals are in the
//! benches (tests/benches/paging.rs).

mod common;
use common::window::Window;
use halo_api_ext::{HaloClient, HaloConfig, RateLimit, RetryPolicy};
use std::time::{Duration, Instant};

fn client(base: &str, rate: RateLimit) -> HaloClient {
    let mut c = HaloConfig::cloud(base, "acme", "id", "secret-value");
    c.rate_limit = Some(rate);
    c.retry = RetryPolicy {
        max_attempts: 6,
        base_delay: Duration::from_millis(50),
        max_delay: Duration::from_secs(2),
        max_total_wait: Duration::from_secs(20),
    };
    HaloClient::new(c).unwrap()
}

async fn statuses(halo: &HaloClient, n: usize) {
    for _ in 0..n {
        halo.raw().get_status().send().await.unwrap();
    }
}

#[tokio::test]
async fn under_the_budget_nothing_waits_and_a_full_window_waits_for_room() {
    let per = Duration::from_millis(800);
    let server = Window::start(40, per, "[]").await;
    let halo = client(&server.base_url, RateLimit { requests: 40, per });
    let start = Instant::now();
    statuses(&halo, 30).await;
    assert!(start.elapsed() < per, "30 requests under 40 per {per:?} were paced: {:?}", start.elapsed());
    statuses(&halo, 20).await;
    assert!(start.elapsed() >= per, "50 requests under 40 per {per:?} took {:?}", start.elapsed());
    assert_eq!(server.counts(), (50, 0), "a server enforcing exactly that window answered no 429");
}

#[tokio::test]
async fn a_server_stricter_than_configured_sees_a_handful_of_429s_and_every_request_completes() {
    let per = Duration::from_millis(500);
    // Configured 40 per window; the server allows 10.
    let server = Window::start(10, per, "[]").await;
    let halo = client(&server.base_url, RateLimit { requests: 40, per });
    statuses(&halo, 60).await;
    let (ok, too_many) = server.counts();
    assert_eq!(ok, 60, "every request completed");
    assert!((1..=3).contains(&too_many), "429s: {too_many}");
    // Clones share the window and what it learned.
    let other = halo.clone();
    statuses(&other, 10).await;
    assert_eq!(server.counts().1, too_many, "no new 429 from a clone");
}
