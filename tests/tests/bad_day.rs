//! An ordinary bad day, in the default configuration (the rate limiter and
//! the retry policy on, as users keep them): 429s from the first request,
//! long Retry-Afters, token endpoints that fail once, redirects, repeated
//! DELETEs, hostile file names. Each test names the guarantee it holds; the
//! README and SECURITY.md point here.

use crate::common;
use common::scripted::{Reply, Scripted, ok, status};
use halo_api_ext::{HaloClient, HaloConfig, HaloError, RetryPolicy};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// The default configuration for a scripted server, as a user has it: the
/// default rate limit (290 per 5 minutes) and the default retry policy.
fn default_client(s: &Scripted) -> HaloClient {
    HaloClient::new(HaloConfig::cloud(&s.base_url, "acme", "id", "secret-value")).unwrap()
}

fn page(total: usize, from: usize, n: usize) -> Reply {
    let rows: Vec<Value> = (from..from + n).map(|i| json!({"id": i, "summary": format!("t{i}")})).collect();
    ok(&json!({"record_count": total, "tickets": rows}).to_string())
}

fn too_many(retry_after: Option<&str>) -> Reply {
    let headers = retry_after.map(|r| vec![("retry-after", r.to_string())]).unwrap_or_default();
    Reply::Http(429, headers, "{\"message\": \"300 Requests per rolling 5 minute window\"}".into())
}

/// A 429 on the first request costs its Retry-After, not a window; every
/// 4th request answering 429 (Retry-After: 1) still lets a listing of 237
/// tickets finish in seconds.
#[tokio::test]
async fn a_listing_where_every_fourth_request_is_429_completes_in_seconds() {
    // Requests: 429, p1, p2, 429, p3.
    let s = Scripted::start(vec![
        too_many(Some("1")),
        page(237, 1, 100),
        page(237, 101, 100),
        too_many(Some("1")),
        page(237, 201, 37),
    ])
    .await;
    let halo = default_client(&s);
    let started = Instant::now();
    let all = tokio::time::timeout(Duration::from_secs(60), halo.list_tickets().collect())
        .await
        .expect("finished within a minute, not stalled for a window")
        .unwrap();
    let took = started.elapsed();
    assert_eq!(all.len(), 237);
    assert!(took >= Duration::from_secs(2), "both Retry-Afters were waited out: {took:?}");
    assert!(took < Duration::from_secs(30), "seconds, not minutes: {took:?}");
    let pages: Vec<String> = s.seen().iter().map(|r| r.path.clone()).collect();
    assert_eq!(pages.len(), 5);
    assert!(pages[0].contains("page_no=1") && pages[1].contains("page_no=1"), "{pages:?}");
    assert!(pages[3].contains("page_no=3") && pages[4].contains("page_no=3"), "{pages:?}");
}

/// A Retry-After longer than `max_delay` (our own longest backoff) is
/// waited out up to `max_retry_after` (6 minutes by default).
#[tokio::test]
async fn a_retry_after_beyond_max_delay_is_waited_out() {
    let s = Scripted::start(vec![too_many(Some("2")), ok(r#"{"id": 1}"#)]).await;
    let mut c = HaloConfig::cloud(&s.base_url, "acme", "id", "secret-value");
    c.retry.max_delay = Duration::from_millis(100);
    c.retry.base_delay = Duration::from_millis(50);
    let halo = HaloClient::new(c).unwrap();
    let started = Instant::now();
    halo.get_ticket(1).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(2), "Halo's 2 s, not our 100 ms cap");
    assert_eq!(RetryPolicy::default().max_retry_after, Duration::from_secs(360), "covers Halo's 5-minute window");
}

/// The token endpoint is an ordinary HTTP service: a 503, a reset and a 429
/// at renewal are tried again; bad credentials are not.
#[tokio::test]
async fn a_token_endpoint_that_fails_once_is_asked_again() {
    for hiccup in [status(503), Reply::Drop, too_many(Some("1"))] {
        let s = Scripted::start_with_tokens(vec![ok(r#"{"id": 1}"#)], vec![hiccup]).await;
        let halo = default_client(&s);
        let t = halo.get_ticket(1).await.unwrap();
        assert_eq!(t.id, Some(1));
        assert_eq!(s.token_requests().len(), 2, "asked once more");
        assert_eq!(s.seen()[0].headers.iter().find(|(k, _)| k == "authorization").unwrap().1, "Bearer tok");
    }
    let bad = Reply::Http(400, vec![], r#"{"error": "invalid_client"}"#.into());
    let s = Scripted::start_with_tokens(vec![], vec![bad]).await;
    let e = default_client(&s).get_ticket(1).await.unwrap_err();
    assert!(matches!(&e, HaloError::Auth { status: 400, message } if message == "invalid_client"), "{e:?}");
    assert_eq!(s.token_requests().len(), 1, "bad credentials are not asked again");
    assert!(s.seen().is_empty());
}

/// Any `expires_in` gives a sane lifetime: never a panic.
#[tokio::test]
async fn any_expires_in_is_survived() {
    for expires in ["1e308", "-5", "0", "\"NaN\"", "\"soon\"", "18446744073709551615", "null"] {
        let answer = format!(r#"{{"access_token": "tok", "expires_in": {expires}}}"#);
        let s = Scripted::start_with_tokens(vec![ok(r#"{"id": 1}"#)], vec![ok(&answer)]).await;
        let t = default_client(&s).get_ticket(1).await.unwrap();
        assert_eq!(t.id, Some(1), "expires_in {expires}");
    }
}

/// The token answer is read up to `max_response_bytes`.
#[tokio::test]
async fn a_huge_token_answer_is_refused_not_read() {
    let huge = Reply::Endless { chunk: vec![b' '; 64 * 1024], every: Duration::ZERO };
    let s = Scripted::start_with_tokens(vec![], vec![huge]).await;
    let mut c = HaloConfig::cloud(&s.base_url, "acme", "id", "secret-value");
    c.max_response_bytes = 1 << 20;
    let e = HaloClient::new(c).unwrap().get_ticket(1).await.unwrap_err().to_string();
    assert!(e.contains("longer than the 1048576 bytes allowed (max_response_bytes)"), "{e}");
}

/// The token request follows no redirect: a 307 or 308 cannot carry the
/// form, secret included, to another origin (or to plain http).
#[tokio::test]
async fn the_token_request_follows_no_redirect() {
    let elsewhere = Scripted::start(vec![]).await;
    for code in [307, 308, 302] {
        let to = format!("{}/auth/token?tenant=acme", elsewhere.base_url);
        let s =
            Scripted::start_with_tokens(vec![], vec![Reply::Http(code, vec![("location", to)], String::new())]).await;
        let e = default_client(&s).get_ticket(1).await.unwrap_err();
        let text = e.to_string();
        assert!(matches!(e, HaloError::Auth { status, .. } if status == code), "{text}");
        assert!(text.contains("redirected to") && text.contains("not followed"), "{text}");
        assert!(!text.contains("secret-value"), "{text}");
    }
    assert!(elsewhere.token_requests().is_empty() && elsewhere.seen().is_empty(), "the secret never left");
}

/// The API follows a redirect within its origin only: no token and no body
/// go to another origin.
#[tokio::test]
async fn api_redirects_to_another_origin_are_not_followed() {
    let elsewhere = Scripted::start(vec![ok("[]"), ok("[]")]).await;
    let to = format!("{}/api/Tickets", elsewhere.base_url);
    let s = Scripted::start(vec![
        Reply::Http(307, vec![("location", to.clone())], String::new()),
        Reply::Http(308, vec![("location", "/api/Tickets/moved".into())], String::new()),
        ok(r#"[{"id": 5}]"#),
    ])
    .await;
    let halo = default_client(&s);
    let e = halo.upsert_tickets(halo_api_ext::Ticket { summary: Some("x".into()), ..Default::default() }).await;
    assert!(matches!(e, Err(HaloError::Api { status: 307, .. })), "{e:?}");
    assert!(elsewhere.seen().is_empty(), "nothing reached the other origin");
    // Same origin: followed, with the body and the token.
    let saved = halo.upsert_tickets(halo_api_ext::Ticket { summary: Some("y".into()), ..Default::default() }).await;
    assert_eq!(saved.unwrap()[0].id, Some(5));
    let seen = s.seen();
    assert_eq!(seen[2].path, "/api/Tickets/moved");
    assert!(seen[2].body.contains("\"summary\":\"y\""), "{}", seen[2].body);
    assert!(seen[2].headers.iter().any(|(k, v)| k == "authorization" && v == "Bearer tok"));
}

/// The secret is scrubbed from Halo's error text before it is cut to an
/// excerpt, as sent and URL-encoded: no part of it survives at the cut.
#[tokio::test]
async fn the_secret_is_scrubbed_before_the_excerpt_is_cut() {
    let secret = "p4ss+word/with=odd&chars-0123456789";
    let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    // The encoded secret straddles the excerpt's 512-byte cut.
    let body = format!("{}{encoded} and again {secret}", "x".repeat(500));
    let s = Scripted::start_with_tokens(vec![], vec![Reply::Http(400, vec![], body)]).await;
    let halo = HaloClient::new(HaloConfig::cloud(&s.base_url, "acme", "id", secret)).unwrap();
    let e = halo.get_ticket(1).await.unwrap_err().to_string();
    for part in [&secret[..8], &encoded[..8], "p4ss", "word%2F"] {
        assert!(!e.contains(part), "`{part}` in {e}");
    }
    assert!(e.contains("[REDACTED]"), "{e}");
    // An API error echoing the bearer token: scrubbed too.
    let token = ok(r#"{"access_token": "tok-1234-abcd", "expires_in": 3600}"#);
    let echo = Reply::Http(400, vec![], "bad token tok-1234-abcd in request".into());
    let s = Scripted::start_with_tokens(vec![echo], vec![token]).await;
    let e = default_client(&s).get_ticket(1).await.unwrap_err().to_string();
    assert!(e.contains("bad token [REDACTED] in request"), "{e}");
}

/// A DELETE repeated after a 5xx or a cut-off answer and then answered 404:
/// the first one took; success.
#[tokio::test]
async fn a_repeated_delete_answered_404_succeeded() {
    let cut = b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"partial".to_vec();
    for first in [status(503), Reply::Raw(cut), Reply::Drop] {
        let s = Scripted::start(vec![first, Reply::Http(404, vec![], "gone".into())]).await;
        let mut c = HaloConfig::cloud(&s.base_url, "acme", "id", "secret-value");
        c.retry.base_delay = Duration::from_millis(10);
        HaloClient::new(c).unwrap().delete_ticket(7).await.unwrap();
        let seen = s.seen();
        assert_eq!(seen.len(), 2);
        assert!(seen.iter().all(|r| r.method == "DELETE" && r.path == "/api/Tickets/7"));
    }
    // A first DELETE answered 404: the record was not there. An error.
    let s = Scripted::start(vec![Reply::Http(404, vec![], "no such ticket".into())]).await;
    let e = default_client(&s).delete_ticket(7).await.unwrap_err();
    assert!(matches!(e, HaloError::NotFound { .. }), "{e:?}");
}

/// A file name from Halo is made safe, and a download under Halo's name
/// never replaces an existing file unless asked.
#[tokio::test]
async fn a_hostile_file_name_neither_escapes_nor_overwrites() {
    // "from halo", base64.
    let record = |name: &str| ok(&json!({"id": 5, "filename": name, "data_base64": "ZnJvbSBoYWxv"}).to_string());
    let dir = std::env::temp_dir().join(format!("halo-hostile-names-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("bashrc"), "mine").unwrap();
    let s = Scripted::start(vec![
        record(".bashrc"),
        record(".bashrc"),
        record("../../escape.txt"),
        record("CON"),
        record("named-by-halo.txt"),
    ])
    .await;
    let halo = default_client(&s);
    let e = halo.download_attachment(5, Some(&dir), false).await.unwrap_err().to_string();
    assert!(e.contains("bashrc exists") && e.contains("not replaced"), "{e}");
    assert_eq!(std::fs::read_to_string(dir.join("bashrc")).unwrap(), "mine", "untouched");
    let path = halo.download_attachment(5, Some(&dir), true).await.unwrap();
    assert_eq!(path, dir.join("bashrc"), "no leading dot: not a hidden file");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "from halo", "replaced when asked");
    let path = halo.download_attachment(5, Some(&dir.join("sub")), false).await.unwrap();
    assert_eq!(path, dir.join("sub").join("escape.txt"), "no path of Halo's choosing");
    let path = halo.download_attachment(5, Some(&dir), false).await.unwrap();
    assert_eq!(path, dir.join("attachment-5-CON"));
    // A file the caller names is replaced: naming it is asking for it.
    let mine = dir.join("mine.txt");
    std::fs::write(&mine, "old").unwrap();
    assert_eq!(halo.download_attachment(5, Some(&mine), false).await.unwrap(), mine);
    assert_eq!(std::fs::read_to_string(&mine).unwrap(), "from halo");
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".part"))
        .collect();
    assert!(left.is_empty(), "no temporary file left: {left:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
