//! The rolling-window rate limit against a server that enforces one, and
//! what it does after a 429. Counts, not speed: the speed goals are in the
//! benches (tests/benches/paging.rs).

use crate::common;
use common::window::Window;
use halo_api_ext::{HaloClient, HaloConfig, RateLimit, RetryPolicy};
use std::time::{Duration, Instant};

fn client(base: &str, rate: RateLimit) -> HaloClient {
    let mut c = HaloConfig::cloud(base, "acme", "id", "secret-value");
    c.rate_limit = Some(rate);
    c.retry = RetryPolicy::default()
        .with_max_attempts(6)
        .with_base_delay(Duration::from_millis(50))
        .with_max_delay(Duration::from_secs(2))
        .with_max_total_wait(Duration::from_secs(20));
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
    let halo = client(&server.base_url, RateLimit::new(40, per));
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
    // Configured 40 per window; the server allows 30. Each 429 lowers the
    // budget by a twentieth of 40 (2): a handful of 429s, then none.
    let server = Window::start(30, per, "[]").await;
    let halo = client(&server.base_url, RateLimit::new(40, per));
    statuses(&halo, 90).await;
    let (ok, too_many) = server.counts();
    assert_eq!(ok, 90, "every request completed");
    assert!((1..=8).contains(&too_many), "429s: {too_many}");
    // Clones share the window and what it learned (the budget, lowered).
    let other = halo.clone();
    let budget = |h: &HaloClient| {
        let d = format!("{h:?}");
        let at = d.find("budget: ").expect("Debug shows the budget") + 8;
        d[at..].split(|c: char| !c.is_ascii_digit()).next().unwrap().parse::<u32>().unwrap()
    };
    assert!(budget(&other) < 40, "{other:?}");
    assert_eq!(budget(&other), budget(&halo));
    statuses(&other, 10).await;
    assert!(server.counts().1 <= too_many + 2, "a clone does not start from the configuration again");
}

#[tokio::test]
async fn a_server_far_stricter_than_configured_still_completes_every_request() {
    // The budget never goes below half the configuration (a 429 on the
    // first request must not cost a window): a server allowing a quarter
    // sees more 429s, each waited out, and every request completes.
    let per = Duration::from_millis(300);
    let server = Window::start(10, per, "[]").await;
    let halo = client(&server.base_url, RateLimit::new(40, per));
    statuses(&halo, 40).await;
    let (ok, too_many) = server.counts();
    assert_eq!(ok, 40, "every request completed");
    assert!(too_many >= 1, "429s: {too_many}");
}
