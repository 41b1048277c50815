//! Rate limits, retries and faults, counted on a scripted loopback server.

use crate::common;
use common::scripted::{Reply, Scripted, ok, status};
use halo_api_ext::{HaloClient, HaloConfig, HaloError, RateLimit, RetryPolicy};
use std::time::Duration;

fn client(s: &Scripted, retry: RetryPolicy, rate: Option<RateLimit>) -> HaloClient {
    let mut c = HaloConfig::cloud(&s.base_url, "acme", "id", "secret-value");
    c.retry = retry;
    c.rate_limit = rate;
    c.request_timeout = Duration::from_secs(2);
    HaloClient::new(c).unwrap()
}

fn fast() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(4)
        .with_base_delay(Duration::from_millis(20))
        .with_max_delay(Duration::from_secs(5))
        .with_max_total_wait(Duration::from_secs(10))
}

const TICKET: &str = r#"{"id": 1, "summary": "x"}"#;

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_and_repeated() {
    let s = Scripted::start(vec![Reply::Http(429, vec![("retry-after", "1".into())], String::new()), ok(TICKET)]).await;
    let t = client(&s, fast(), None).get_ticket(1).await.unwrap();
    assert_eq!(t.id, Some(1));
    let seen = s.seen();
    assert_eq!(seen.len(), 2);
    let gap = seen[1].at - seen[0].at;
    assert!(gap >= Duration::from_millis(950), "waited {gap:?} for Retry-After: 1");
}

#[tokio::test]
async fn a_429_without_retry_after_backs_off_and_repeats_even_a_post() {
    let s = Scripted::start(vec![status(429), status(429), ok(TICKET)]).await;
    let halo = client(&s, fast(), None);
    let saved =
        halo.upsert_tickets(halo_api_ext::Ticket { summary: Some("x".into()), ..Default::default() }).await.unwrap();
    assert_eq!(saved[0].id, Some(1));
    let seen = s.seen();
    assert_eq!(seen.len(), 3, "Halo did not process a 429: repeating the POST is safe");
    assert!(seen.iter().all(|r| r.method == "POST" && r.body.contains("\"summary\":\"x\"")));
    assert!(
        seen[2].at - seen[1].at >= (seen[1].at - seen[0].at).saturating_sub(Duration::from_millis(15)),
        "backoff grows"
    );
}

#[tokio::test]
async fn a_503_on_get_is_repeated() {
    let s = Scripted::start(vec![status(503), status(502), ok(TICKET)]).await;
    client(&s, fast(), None).get_ticket(1).await.unwrap();
    assert_eq!(s.seen().len(), 3);
}

#[tokio::test]
async fn a_503_on_post_is_not_repeated() {
    let s = Scripted::start(vec![status(503), ok(TICKET)]).await;
    let err = client(&s, fast(), None)
        .upsert_tickets(halo_api_ext::Ticket { summary: Some("once".into()), ..Default::default() })
        .await
        .unwrap_err();
    assert!(matches!(err, HaloError::Api { status: 503, .. }), "{err:?}");
    assert_eq!(s.seen().len(), 1, "exactly one POST reached the server");
}

#[tokio::test]
async fn a_dropped_connection_after_a_post_may_have_applied_and_is_not_repeated() {
    let s = Scripted::start(vec![Reply::Drop, ok(TICKET)]).await;
    let err = client(&s, fast(), None)
        .upsert_tickets(halo_api_ext::Ticket { summary: Some("once".into()), ..Default::default() })
        .await
        .unwrap_err();
    assert!(matches!(err, HaloError::Transport { may_have_applied: true, .. }), "{err:?}");
    assert!(err.to_string().contains("may have been applied"), "{err}");
    assert_eq!(s.seen().len(), 1);
}

#[tokio::test]
async fn a_dropped_connection_on_get_is_repeated() {
    let s = Scripted::start(vec![Reply::Drop, ok(TICKET)]).await;
    client(&s, fast(), None).get_ticket(1).await.unwrap();
    assert_eq!(s.seen().len(), 2);
}

#[tokio::test]
async fn retries_stop_at_their_bound_with_a_clear_error() {
    let s = Scripted::start((0..10).map(|_| status(429)).collect()).await;
    let err = client(&s, fast(), None).get_ticket(1).await.unwrap_err();
    assert!(matches!(err, HaloError::RateLimited { .. }), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(s.seen().len(), 4, "max_attempts");

    let s = Scripted::start((0..10).map(|_| status(503)).collect()).await;
    let err = client(&s, fast(), None).get_ticket(1).await.unwrap_err();
    assert!(matches!(err, HaloError::Api { status: 503, .. }), "{err:?}");
    assert_eq!(s.seen().len(), 4);
}

#[tokio::test]
async fn a_retry_after_beyond_the_total_wait_is_not_waited() {
    let s =
        Scripted::start(vec![Reply::Http(429, vec![("retry-after", "3600".into())], String::new()), ok(TICKET)]).await;
    let err = client(&s, fast(), None).get_ticket(1).await.unwrap_err();
    assert!(
        matches!(err, HaloError::RateLimited { retry_after: Some(d) } if d == Duration::from_secs(3600)),
        "{err:?}"
    );
    assert_eq!(s.seen().len(), 1);
}

#[tokio::test]
async fn generated_operations_go_through_the_same_policy() {
    let s = Scripted::start(vec![status(503), ok(r#"[{"id": 1, "name": "New"}]"#)]).await;
    let halo = client(&s, fast(), None);
    let r = halo.raw().get_status().send().await.unwrap();
    assert_eq!(r.into_inner().len(), 1);
    assert_eq!(s.seen().len(), 2, "a 503 on a generated GET is retried too");
    assert_eq!(s.seen()[0].path, "/api/Status");
}
