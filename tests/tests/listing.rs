//! List streams over shifting pages: each record once, the next page asked
//! for while the current one is consumed, and a WARN when Halo's
//! record_count changes. Logs are captured, so this file is its own process.

mod common;
use common::Captured;
use common::scripted::{Reply, Scripted, ok};
use futures::{StreamExt, TryStreamExt};
use halo_api_ext::RetryPolicy;
use serde_json::json;
use std::time::Duration;

fn page(count: u32, ids: &[u32]) -> Reply {
    let rows: Vec<_> = ids.iter().map(|i| json!({"id": i, "summary": format!("t{i}")})).collect();
    ok(&json!({"record_count": count, "tickets": rows}).to_string())
}

#[tokio::test]
async fn shifting_pages_yield_each_record_once_and_say_that_the_count_changed() {
    let captured = Captured::default();
    let sink = captured.clone();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("halo=warn"))
        .with_writer(move || sink.clone())
        .with_ansi(false)
        .init();

    // Record 0 is created after page 1 was read: page 2 starts with 3 again.
    let s = Scripted::start(vec![page(6, &[1, 2, 3]), page(7, &[3, 4, 5]), page(7, &[6, 7])]).await;
    let halo = s.client(RetryPolicy::none());
    let all = halo.list_tickets().page_size(3).collect().await.unwrap();
    let ids: Vec<_> = all.iter().map(|t| t.id.unwrap()).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5, 6, 7], "3 once, and the listing still reaches the new total");
    assert_eq!(s.seen().len(), 3);
    let seen: Vec<_> = s.seen().iter().map(|r| r.path.clone()).collect();
    assert!(seen[2].contains("page_no=3"), "{seen:?}");

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("WARN"), "{logs}");
    assert!(logs.contains("record_count changed from 6 to 7"), "{logs}");
    assert!(logs.contains("record_count_before=6") && logs.contains("record_count=7"), "{logs}");
    assert!(logs.contains("operation=\"get_tickets\""), "{logs}");

    // The same with records as JSON (the CLI's form).
    let s = Scripted::start(vec![page(4, &[1, 2]), page(5, &[2, 3]), page(5, &[4, 5])]).await;
    let halo = s.client(RetryPolicy::none());
    let all = halo.list_tickets().page_size(2).as_json().collect().await.unwrap();
    let ids: Vec<_> = all.iter().map(|t| t["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
}

#[tokio::test]
async fn the_next_page_is_asked_for_while_the_current_one_is_consumed() {
    let s = Scripted::start(vec![page(6, &[1, 2, 3]), page(6, &[4, 5, 6])]).await;
    let halo = s.client(RetryPolicy::none());
    let mut stream = halo.list_tickets().page_size(3).stream();
    let first = stream.try_next().await.unwrap().unwrap();
    assert_eq!(first.id, Some(1));
    // Page 1 is not consumed yet; page 2 is already on its way.
    for _ in 0..100 {
        if s.seen().len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(s.seen().len(), 2, "page 2 was asked for before page 1 was consumed");
    let rest: Vec<_> = stream.map(|t| t.unwrap().id.unwrap()).collect().await;
    assert_eq!(rest, [2, 3, 4, 5, 6]);
    assert_eq!(s.seen().len(), 2, "no third page: the total is reached");
}

#[tokio::test]
async fn at_most_one_page_is_in_flight_and_a_stream_dropped_mid_page_ends_cleanly() {
    let s = Scripted::start(vec![page(900, &[1, 2, 3]), Reply::Hang, page(900, &[7, 8, 9])]).await;
    let halo = s.client(RetryPolicy::none());
    let mut stream = halo.list_tickets().page_size(3).stream();
    assert_eq!(stream.try_next().await.unwrap().unwrap().id, Some(1));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(s.seen().len(), 2, "page 2 in flight, page 3 not asked for");
    drop(stream);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        s.seen().len(),
        2,
        "nothing more after the stream was dropped (its page in flight is aborted, not awaited)"
    );
}
