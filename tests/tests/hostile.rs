//! Broken or hostile servers on loopback: each gives a typed error in
//! bounded time and memory, no panic, and a repeat only where the retry
//! rules allow (GET yes; a POST that may have reached Halo, no).

use crate::common;
use common::scripted::{Reply, Scripted, ok};
use halo_api_ext::{HaloClient, HaloConfig, HaloError, RetryPolicy, Ticket};
use std::time::{Duration, Instant};

fn config(s: &Scripted, attempts: u32) -> HaloConfig {
    let mut c = HaloConfig::cloud(&s.base_url, "acme", "id", "secret-value");
    c.retry = RetryPolicy::default()
        .with_max_attempts(attempts)
        .with_base_delay(Duration::from_millis(10))
        .with_max_delay(Duration::from_secs(1))
        .with_max_total_wait(Duration::from_secs(5));
    c.rate_limit = None;
    c.request_timeout = Duration::from_millis(800);
    c
}

fn client(s: &Scripted, attempts: u32) -> HaloClient {
    HaloClient::new(config(s, attempts)).unwrap()
}

fn cut_off() -> Reply {
    Reply::Raw(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"id\": 1, \"summ".to_vec(),
    )
}

fn html(code: u16) -> Reply {
    let page =
        "<!DOCTYPE html><html><head><title>Runtime Error</title></head><body><h1>Server Error in '/' Application.</h1>"
            .to_string()
            + &"<p>padding</p>".repeat(200)
            + "</body></html>";
    Reply::Http(code, vec![("content-type", "text/html".into())], page)
}

fn ticket() -> Ticket {
    Ticket { summary: Some("only once".into()), ..Default::default() }
}

#[tokio::test]
async fn a_get_cut_off_mid_body_is_repeated() {
    let s = Scripted::start(vec![cut_off(), ok(r#"{"id": 1, "summary": "whole"}"#)]).await;
    let t = client(&s, 3).get_ticket(1).await.unwrap();
    assert_eq!(t.summary.as_deref(), Some("whole"));
    assert_eq!(s.seen().len(), 2);
}

#[tokio::test]
async fn a_get_cut_off_every_time_stops_at_the_attempts_allowed() {
    let s = Scripted::start((0..5).map(|_| cut_off()).collect()).await;
    let err = client(&s, 2).get_ticket(1).await.unwrap_err();
    assert!(matches!(err, HaloError::Transport { may_have_applied: false, .. }), "{err:?}");
    assert!(err.to_string().contains("reading the answer"), "{err}");
    assert_eq!(s.seen().len(), 2);
}

#[tokio::test]
async fn an_upsert_cut_off_mid_answer_may_have_applied_and_is_sent_once() {
    let s = Scripted::start(vec![cut_off(), ok(r#"{"id": 1}"#)]).await;
    let err = client(&s, 5).upsert_tickets(ticket()).await.unwrap_err();
    assert!(matches!(err, HaloError::Transport { may_have_applied: true, .. }), "{err:?}");
    assert!(err.to_string().contains("may have been applied"), "{err}");
    assert_eq!(s.seen().len(), 1, "the POST reached the server once");
}

#[tokio::test]
async fn an_answer_that_never_ends_times_out() {
    let drip = || Reply::Endless { chunk: b" ".to_vec(), every: Duration::from_millis(50) };
    let s = Scripted::start(vec![drip(), drip()]).await;
    let start = Instant::now();
    let err = client(&s, 2).get_ticket(1).await.unwrap_err();
    assert!(matches!(err, HaloError::Transport { may_have_applied: false, .. }), "{err:?}");
    assert_eq!(s.seen().len(), 2, "a GET that timed out is repeated, within the attempts");
    assert!(start.elapsed() < Duration::from_secs(5), "two timeouts of 0.8 s took {:?}", start.elapsed());
}

#[tokio::test]
async fn a_server_that_never_answers_a_post_times_out_and_the_post_is_not_repeated() {
    let s = Scripted::start(vec![Reply::Hang, ok(r#"{"id": 1}"#)]).await;
    let err = client(&s, 5).upsert_tickets(ticket()).await.unwrap_err();
    assert!(matches!(err, HaloError::Transport { may_have_applied: true, .. }), "{err:?}");
    assert_eq!(s.seen().len(), 1);
}

#[tokio::test]
async fn an_endless_fast_answer_stops_at_max_response_bytes() {
    let s = Scripted::start(vec![Reply::Endless { chunk: vec![b' '; 64 * 1024], every: Duration::ZERO }]).await;
    let mut c = config(&s, 1);
    c.max_response_bytes = 4 << 20;
    c.request_timeout = Duration::from_secs(30);
    let start = Instant::now();
    let err = HaloClient::new(c).unwrap().get_ticket(1).await.unwrap_err();
    assert!(matches!(err, HaloError::ResponseTooLarge { limit, .. } if limit == 4 << 20), "{err:?}");
    assert!(err.to_string().contains("max_response_bytes"), "{err}");
    assert!(start.elapsed() < Duration::from_secs(10), "{:?}", start.elapsed());
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_refused_before_reading() {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 999999999999\r\n\r\n{";
    let s = Scripted::start(vec![Reply::Raw(head.as_bytes().to_vec())]).await;
    let err = client(&s, 1).get_ticket(1).await.unwrap_err();
    assert!(matches!(err, HaloError::ResponseTooLarge { .. }), "{err:?}");
}

#[tokio::test]
async fn an_html_error_page_is_an_api_error_with_a_short_excerpt() {
    let s = Scripted::start(vec![html(500)]).await;
    let err = client(&s, 3).get_ticket(1).await.unwrap_err();
    let HaloError::Api { status: 500, ref body, .. } = err else { panic!("{err:?}") };
    assert!(body.starts_with("<!DOCTYPE html>"), "{body}");
    assert!(body.len() <= halo_api_ext::EXCERPT_BYTES + 8, "excerpt of {} bytes", body.len());
    assert_eq!(s.seen().len(), 1, "a 500 is not repeated");
}

#[tokio::test]
async fn an_html_page_with_200_is_a_decode_error() {
    let s = Scripted::start(vec![html(200), html(200)]).await;
    let halo = client(&s, 3);
    let err = halo.get_ticket(1).await.unwrap_err();
    assert!(matches!(&err, HaloError::Decode { operation, .. } if operation == "get_tickets_by_id"), "{err:?}");
    let err = halo.list_tickets().page(1).await.unwrap_err();
    assert!(matches!(&err, HaloError::Decode { operation, .. } if operation == "get_tickets"), "{err:?}");
    assert_eq!(s.seen().len(), 2, "a decode error is not repeated");
}

#[tokio::test]
async fn an_empty_200_is_a_decode_error_where_a_record_was_expected() {
    let s = Scripted::start(vec![ok(""), ok("")]).await;
    let halo = client(&s, 3);
    let err = halo.get_ticket(1).await.unwrap_err();
    assert!(matches!(&err, HaloError::Decode { message, .. } if message.contains("EOF")), "{err:?}");
    let err = halo.list_tickets().collect().await.unwrap_err();
    assert!(matches!(err, HaloError::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn json_of_the_wrong_shape_names_where_it_went_wrong() {
    let s = Scripted::start(vec![
        ok("[1, 2, 3]"),
        ok(r#"{"record_count": 2, "tickets": "two"}"#),
        ok(r#"{"record_count": 1, "tickets": [{"id": 1, "summary": {"not": "a string"}}]}"#),
    ])
    .await;
    let halo = client(&s, 1);
    let err = halo.get_ticket(1).await.unwrap_err();
    assert!(matches!(err, HaloError::Decode { .. }), "{err:?}");
    let err = halo.list_tickets().collect().await.unwrap_err();
    assert!(matches!(&err, HaloError::Decode { path, .. } if path == "tickets"), "{err:?}");
    let err = halo.list_tickets().collect().await.unwrap_err();
    assert!(matches!(&err, HaloError::Decode { path, .. } if path == "tickets[0].summary"), "{err:?}");
}

#[tokio::test]
async fn a_ten_megabyte_string_field_decodes_within_the_limit() {
    let big = "x".repeat(10 << 20);
    let s = Scripted::start(vec![ok(&format!(r#"{{"id": 7, "details": "{big}"}}"#))]).await;
    let t = client(&s, 1).get_ticket(7).await.unwrap();
    assert_eq!(t.details.map(|d| d.len()), Some(10 << 20));
}

#[tokio::test]
async fn deeply_nested_json_is_an_error_or_ignored_never_a_stack_overflow() {
    let depth = 100_000;
    let nested = "[".repeat(depth) + &"]".repeat(depth);
    let s = Scripted::start(vec![
        ok(&format!(r#"{{"id": 1, "customfields": {nested}}}"#)),
        ok(&format!(r#"{{"id": 1, "no_such_field": {nested}}}"#)),
        ok(&format!(r#"{{"record_count": 1, "tickets": {nested}}}"#)),
    ])
    .await;
    let halo = client(&s, 1);
    // A typed field: the wrong type is found at the first level.
    let err = halo.get_ticket(1).await.unwrap_err();
    assert!(matches!(&err, HaloError::Decode { path, .. } if path == "customfields[0]"), "{err:?}");
    // An unknown field is skipped; serde_json skips without recursing.
    let t = halo.get_ticket(1).await.unwrap();
    assert_eq!(t.id, Some(1));
    let err = halo.list_tickets().collect().await.unwrap_err();
    assert!(matches!(&err, HaloError::Decode { path, .. } if path == "tickets[0]"), "{err:?}");
}

#[tokio::test]
async fn a_503_html_page_on_get_is_repeated_and_on_post_is_not() {
    let s = Scripted::start(vec![html(503), ok(r#"{"id": 1}"#)]).await;
    client(&s, 3).get_ticket(1).await.unwrap();
    assert_eq!(s.seen().len(), 2);

    let s = Scripted::start(vec![html(503), ok(r#"[{"id": 1}]"#)]).await;
    let err = client(&s, 3).upsert_tickets(ticket()).await.unwrap_err();
    assert!(matches!(err, HaloError::Api { status: 503, .. }), "{err:?}");
    assert_eq!(s.seen().len(), 1);
}

// The same servers through generated operations (`halo.raw()`): one request
// path, so the same outcome as the named actions above.

#[tokio::test]
async fn a_raw_get_cut_off_mid_body_is_repeated_like_a_named_one() {
    let s = Scripted::start(vec![cut_off(), ok(r#"{"id": 1, "summary": "whole"}"#)]).await;
    let t = client(&s, 3).raw().get_tickets_by_id().id(1).send().await.unwrap().into_inner();
    assert_eq!(t.summary.as_deref(), Some("whole"));
    assert_eq!(s.seen().len(), 2);

    let s = Scripted::start((0..5).map(|_| cut_off()).collect()).await;
    let err = client(&s, 2).raw().get_tickets_by_id().id(1).send().await.unwrap_err();
    assert!(matches!(err, HaloError::Transport { may_have_applied: false, .. }), "{err:?}");
    assert_eq!(s.seen().len(), 2, "the cut-off repeats share the policy's attempts: 2, not 2 x 2");
}

#[tokio::test]
async fn a_raw_post_cut_off_may_have_applied_and_is_sent_once() {
    let s = Scripted::start(vec![cut_off(), ok(r#"{"id": 1}"#)]).await;
    let err = client(&s, 5).raw().post_tickets().body(vec![ticket()]).send().await.unwrap_err();
    assert!(matches!(err, HaloError::Transport { may_have_applied: true, .. }), "{err:?}");
    assert_eq!(s.seen().len(), 1, "the POST reached the server once");
}

#[tokio::test]
async fn a_raw_answer_past_max_response_bytes_is_response_too_large() {
    // Endless: reading stops at the limit.
    let s = Scripted::start(vec![Reply::Endless { chunk: vec![b' '; 64 * 1024], every: Duration::ZERO }]).await;
    let mut c = config(&s, 1);
    c.max_response_bytes = 4 << 20;
    c.request_timeout = Duration::from_secs(30);
    let start = Instant::now();
    let err = HaloClient::new(c).unwrap().raw().get_status().send().await.unwrap_err();
    assert!(
        matches!(&err, HaloError::ResponseTooLarge { limit, operation } if *limit == 4 << 20 && operation == "get_status"),
        "{err:?}"
    );
    assert!(start.elapsed() < Duration::from_secs(10), "{:?}", start.elapsed());

    // Declared too long: refused before the body is read.
    let s = Scripted::start(vec![Reply::Raw(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 999999999\r\n\r\n[".to_vec(),
    )])
    .await;
    let mut c = config(&s, 1);
    c.max_response_bytes = 1 << 20;
    let err = HaloClient::new(c).unwrap().raw().get_status().send().await.unwrap_err();
    assert!(matches!(err, HaloError::ResponseTooLarge { .. }), "{err:?}");
}

#[tokio::test]
async fn a_raw_operation_fails_with_the_same_error_type_and_question_mark_works() {
    async fn statuses(halo: &HaloClient) -> Result<usize, HaloError> {
        let page = halo.raw().get_status().send().await?;
        Ok(page.into_inner().len())
    }
    let s = Scripted::start(vec![html(500)]).await;
    let err = statuses(&client(&s, 3)).await.unwrap_err();
    let HaloError::Api { operation, status: 500, body } = &err else { panic!("{err:?}") };
    assert_eq!(operation, "get_status");
    assert!(body.len() <= halo_api_ext::EXCERPT_BYTES + 8 && body.starts_with("<!DOCTYPE html>"), "{body}");
}
