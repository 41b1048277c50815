//! Change feeds: each change once, across polls, restarts, servers that
//! ignore the filter or the order, and failures. What goes on the wire is
//! checked on every poll (the table's filter, the order, the paging).

use crate::common;
use common::scripted::{Reply, Scripted, ok, status};
use common::{client, token_mock};
use futures::StreamExt;
use halo_api_ext::changes::{Change, Cursor, parse_time};
use halo_api_ext::{HaloError, Resource, RetryPolicy};
use httpmock::prelude::*;
use serde_json::{Value, json};
use std::time::Duration;

const SINCE: &str = "2025-04-01T10:00:00Z";
/// The filter asks from a day before the cursor (changes::FILTER_MARGIN).
const FILTER_FROM: &str = "2025-03-31T10:00:00";

fn ticket(id: i64, updated: &str) -> Value {
    json!({"id": id, "summary": format!("t{id}"), "last_update": updated})
}

/// GET /Tickets as the feed asks for it, answering `rows` (newest first
/// is the caller's business) as one wrapped page.
async fn tickets<'a>(server: &'a MockServer, rows: &[Value]) -> httpmock::Mock<'a> {
    tickets_from(server, FILTER_FROM, rows).await
}

/// As [`tickets`], for a cursor whose `from` has moved: the filter asks
/// from `startdate` with `lastupdatefromdate`, the filter a production sync
/// of Halo uses for tickets.
async fn tickets_from<'a>(server: &'a MockServer, startdate: &str, rows: &[Value]) -> httpmock::Mock<'a> {
    let body = json!({"record_count": rows.len(), "tickets": rows});
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/Tickets")
                .query_param("lastupdatefromdate", startdate)
                .query_param_missing("datesearch")
                .query_param("order", "last_update")
                .query_param("orderdesc", "true")
                .query_param("pageinate", "true")
                .query_param("page_no", "1")
                .header("authorization", common::bearer());
            then.status(200).json_body(body);
        })
        .await
}

/// GET /Tickets answering `pages` by page_no, with the total of them all.
async fn paged<'a>(server: &'a MockServer, pages: &[Vec<Value>]) -> Vec<httpmock::Mock<'a>> {
    let total: usize = pages.iter().map(Vec::len).sum();
    let mut mocks = Vec::new();
    for (i, rows) in pages.iter().enumerate() {
        let body = json!({"record_count": total, "tickets": rows});
        let mock = server
            .mock_async(|when, then| {
                when.method(GET).path("/api/Tickets").query_param("page_no", (i + 1).to_string());
                then.status(200).json_body(body);
            })
            .await;
        mocks.push(mock);
    }
    mocks
}

/// The changes of a poll that were all records (no error in their place).
fn oks<T: std::fmt::Debug>(polled: Vec<Result<Change<T>, HaloError>>) -> Vec<Change<T>> {
    polled.into_iter().map(|c| c.unwrap()).collect()
}

fn ids<T: std::fmt::Debug>(changes: Vec<Result<Change<T>, HaloError>>) -> Vec<i64> {
    oks(changes).iter().map(|c| c.id).collect()
}

fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
    parse_time(s).unwrap()
}

#[tokio::test]
async fn a_new_record_is_yielded_once_and_an_update_again() {
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    let halo = client(&server);
    let mut feed = halo.list_tickets().changes(Cursor::since(at(SINCE)));

    // Before the cursor: not a change. At or after it: one.
    let m = tickets(&server, &[ticket(1, "2025-04-01T10:00:05Z"), ticket(9, "2025-04-01T09:59:59Z")]).await;
    let first = oks(feed.poll().await.unwrap());
    assert_eq!(first.iter().map(|c| c.id).collect::<Vec<_>>(), [1]);
    assert_eq!(first[0].record.summary.as_deref(), Some("t1"), "decoded as the list's record type");
    assert_eq!(first[0].updated, at("2025-04-01T10:00:05Z"));
    m.assert_calls_async(1).await;
    m.delete_async().await;

    // Ticket 2 was created between the polls.
    let m = tickets(&server, &[ticket(2, "2025-04-01T10:01:00"), ticket(1, "2025-04-01T10:00:05Z")]).await;
    assert_eq!(ids(feed.poll().await.unwrap()), [2], "1 is not yielded twice; 2 once");
    assert!(feed.poll().await.unwrap().is_empty(), "nothing new: nothing yielded");
    m.assert_calls_async(2).await;
    m.delete_async().await;

    // Ticket 1 was updated: a change again, with its new time.
    let m = tickets(&server, &[ticket(1, "2025-04-01T10:02:00.500"), ticket(2, "2025-04-01T10:01:00")]).await;
    let again = oks(feed.poll().await.unwrap());
    assert_eq!(again.iter().map(|c| c.id).collect::<Vec<_>>(), [1]);
    assert_eq!(again[0].updated, at("2025-04-01T10:02:00.500Z"));
    assert!(feed.poll().await.unwrap().is_empty());
    m.assert_calls_async(2).await;
}

#[tokio::test]
async fn a_server_that_ignores_the_filter_and_the_order_gives_the_same_changes() {
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    let halo = client(&server);
    // Every ticket, oldest id first, over three pages of two.
    let all = [
        ticket(1, "2025-04-01T09:00:00Z"),
        ticket(2, "2025-04-01T09:30:00Z"),
        ticket(3, "2025-04-01T10:05:00Z"),
        ticket(4, "2025-04-01T09:10:00Z"),
        ticket(5, "2025-04-01T10:06:00Z"),
    ];
    let pages = paged(&server, &all.chunks(2).map(<[Value]>::to_vec).collect::<Vec<_>>()).await;
    let mut feed = halo.list_tickets().page_size(2).changes(Cursor::since(at(SINCE)));
    let changes = feed.poll().await.unwrap();
    assert_eq!(ids(changes), [3, 5], "oldest first, only what changed after the cursor");
    for p in &pages {
        p.assert_calls_async(1).await; // not in order: read to the end
    }
    assert!(feed.poll().await.unwrap().is_empty());
}

#[tokio::test]
async fn newest_first_stops_paging_after_a_page_that_ends_before_the_cursor() {
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    let halo = client(&server);
    let pages = [
        vec![ticket(5, "2025-04-01T10:06:00Z"), ticket(3, "2025-04-01T10:05:00Z")],
        vec![ticket(2, "2025-04-01T09:30:00Z"), ticket(4, "2025-04-01T09:10:00Z")],
        vec![ticket(1, "2025-04-01T09:00:00Z"), ticket(6, "2025-04-01T08:00:00Z")],
        vec![ticket(7, "2025-04-01T07:00:00Z")],
    ];
    let mocks = paged(&server, &pages).await;
    let changes = halo.list_tickets().page_size(2).changes(Cursor::since(at(SINCE))).poll().await.unwrap();
    assert_eq!(ids(changes), [3, 5]);
    mocks[0].assert_calls_async(1).await;
    mocks[1].assert_calls_async(1).await;
    // Page 3 may have been prefetched while page 2 was read; page 4 never.
    mocks[3].assert_calls_async(0).await;
}

#[tokio::test]
async fn resuming_from_a_saved_cursor_repeats_nothing_and_misses_nothing() {
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    let rows =
        [ticket(5, "2025-04-01T10:06:00Z"), ticket(3, "2025-04-01T10:05:00Z"), ticket(2, "2025-04-01T09:00:00Z")];
    let m = tickets(&server, &rows).await;

    // The program handled 3, saved the cursor, and stopped before 5: the
    // cursor moves past a change only when it is taken.
    let halo = client(&server);
    let mut feed = halo.list_tickets().changes(Cursor::since(at(SINCE)));
    let mut polled = feed.poll_each().await.unwrap();
    assert_eq!(polled.remaining(), 2);
    assert_eq!(polled.next().unwrap().unwrap().id, 3);
    let saved = serde_json::to_string(polled.cursor()).unwrap();
    drop(polled);

    // Restarted (a new client and feed) from what it saved.
    let halo = client(&server);
    let resumed: Cursor = serde_json::from_str(&saved).unwrap();
    // From moved up to the overlap (2 min) before 10:05: the filter follows.
    assert_eq!(resumed.from(), at("2025-04-01T10:03:00Z"));
    let m2 = tickets_from(&server, "2025-03-31T10:03:00", &rows).await;
    let mut feed = halo.list_tickets().changes(resumed);
    assert_eq!(ids(feed.poll().await.unwrap()), [5], "3 is not repeated, 5 is not missed");
    let m3 = tickets_from(&server, "2025-03-31T10:04:00", &rows).await;
    assert!(feed.poll().await.unwrap().is_empty());
    m.assert_calls_async(1).await;
    m2.assert_calls_async(1).await;
    m3.assert_calls_async(1).await;
    m3.delete_async().await;

    let mut rows = rows.to_vec();
    rows.insert(0, ticket(8, "2025-04-01T10:07:00Z"));
    tickets_from(&server, "2025-03-31T10:04:00", &rows).await;
    let last = serde_json::to_string(feed.cursor()).unwrap();
    let changes = client(&server).list_tickets().changes(serde_json::from_str(&last).unwrap()).poll().await.unwrap();
    assert_eq!(ids(changes), [8]);
}

#[tokio::test]
async fn a_record_without_its_update_time_is_an_error_naming_the_field() {
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    let halo = client(&server);
    tickets(&server, &[json!({"id": 4, "summary": "no time"}), ticket(5, "2025-04-01T10:06:00Z")]).await;
    let mut feed = halo.list_tickets().changes(Cursor::since(at(SINCE)));
    let mut polled = feed.poll().await.unwrap();
    assert_eq!(polled.len(), 2, "the error in its place, and the other record all the same");
    assert_eq!(polled.pop().unwrap().unwrap().id, 5);
    // 5 moved the cursor to 10:04: the next poll asks from there.
    tickets_from(
        &server,
        "2025-03-31T10:04:00",
        &[json!({"id": 4, "summary": "no time"}), ticket(5, "2025-04-01T10:06:00Z")],
    )
    .await;
    assert!(feed.poll().await.unwrap().is_empty(), "said once per feed, not on every poll");
    let e = polled.pop().unwrap().unwrap_err();
    match &e {
        HaloError::Decode { operation, path, .. } => {
            assert_eq!(operation, "get_tickets");
            assert_eq!(path, "[0].last_update");
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("update time"), "{e}");
}

#[tokio::test]
async fn by_name_the_table_says_which_resources_have_a_feed() {
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    let halo = client(&server);
    let m = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/Client")
                .query_param("lastupdatefromdate", FILTER_FROM)
                .query_param("order", "alastupdate")
                .query_param("orderdesc", "true");
            then.status(200).json_body(json!({"record_count": 1, "clients": [{"id": 3, "name": "Acme", "alastupdate": "2025-04-01T11:00:00"}]}));
        })
        .await;
    let mut feed = Resource::named("clients").unwrap().changes(&halo, Cursor::since(at(SINCE))).unwrap();
    let changes = oks(feed.poll().await.unwrap());
    assert_eq!(changes[0].record["name"], "Acme");
    m.assert_calls_async(1).await;

    let with: Vec<_> = halo_api_ext::RESOURCES.iter().filter(|r| r.changes.is_some()).map(|r| r.name).collect();
    assert_eq!(with, ["actions", "assets", "clients", "sites", "tickets", "users"]);
    let e = Resource::named("teams").unwrap().changes(&halo, Cursor::now()).unwrap_err().to_string();
    assert!(e.contains("teams has no change feed; these do: actions, assets, clients, sites, tickets, users"), "{e}");
}

fn page(rows: &[Value]) -> Reply {
    ok(&json!({"record_count": rows.len(), "tickets": rows}).to_string())
}

#[tokio::test]
async fn a_429_during_a_poll_delays_it_and_loses_nothing() {
    let rows = [ticket(3, "2025-04-01T10:05:00Z")];
    let s =
        Scripted::start(vec![Reply::Http(429, vec![("retry-after", "1".into())], String::new()), page(&rows)]).await;
    let retry = RetryPolicy::default().with_base_delay(Duration::from_millis(5));
    let halo = s.client(retry);
    let started = std::time::Instant::now();
    let changes = halo.list_tickets().changes(Cursor::since(at(SINCE))).poll().await.unwrap();
    assert_eq!(ids(changes), [3]);
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After was waited out");
    let seen: Vec<_> = s.seen().into_iter().filter(|r| r.path.starts_with("/api/Tickets")).collect();
    assert_eq!(seen.len(), 2, "the same poll, asked again");
    assert_eq!(seen[0].path, seen[1].path);
}

#[tokio::test]
async fn a_failed_poll_is_yielded_and_the_next_poll_catches_up() {
    let rows = [ticket(3, "2025-04-01T10:05:00Z")];
    let s = Scripted::start(vec![status(500), page(&rows)]).await;
    let halo = s.client(RetryPolicy::none());
    let mut stream = halo.list_tickets().changes(Cursor::since(at(SINCE))).interval(Duration::from_millis(50)).stream();
    assert!(matches!(stream.next().await, Some(Err(HaloError::Api { status: 500, .. }))));
    let next = stream.next().await.unwrap().unwrap();
    assert_eq!(next.id, 3);
    drop(stream);
    assert_eq!(s.seen().iter().filter(|r| r.path.starts_with("/api/Tickets")).count(), 2);
}

#[tokio::test]
async fn a_record_that_does_not_decode_is_an_error_in_its_place_and_the_feed_goes_on() {
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    let halo = client(&server);
    // Ticket 4's summary is a number: it does not decode as a ticket.
    let bad = json!({"id": 4, "summary": {"not": "text"}, "last_update": "2025-04-01T10:05:30Z"});
    let rows = [ticket(5, "2025-04-01T10:06:00Z"), bad, ticket(3, "2025-04-01T10:05:00Z")];
    let m = tickets(&server, &rows).await;
    let mut changes =
        halo.list_tickets().changes(Cursor::since(at(SINCE))).interval(Duration::from_millis(20)).stream();
    assert_eq!(changes.next().await.unwrap().unwrap().id, 3, "the record before it is not lost");
    match changes.next().await.unwrap() {
        Err(HaloError::Decode { operation, path, .. }) => {
            assert_eq!(operation, "get_tickets");
            assert!(path.starts_with("(record 4).summary"), "names the record: {path}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(changes.next().await.unwrap().unwrap().id, 5, "nor the one after it");
    let cursor = changes.cursor();
    assert!(!cursor.is_new(4, at("2025-04-01T10:05:30Z")), "taken: the feed does not stall on it");
    m.delete_async().await;
    // The next polls: nothing new, nothing repeated, no error.
    let m = tickets_from(&server, "2025-03-31T10:04:00", &rows).await;
    let next = tokio::time::timeout(Duration::from_millis(1000), changes.next()).await;
    assert!(next.is_err(), "no change and no error: {next:?}");
    assert!(m.calls_async().await >= 2, "it kept polling");
}

#[tokio::test]
async fn a_record_dated_in_the_future_is_yielded_once_and_does_not_freeze_the_feed() {
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    let halo = client(&server);
    let now = chrono::Utc::now();
    let t = |d: chrono::TimeDelta| (now + d).format("%Y-%m-%dT%H:%M:%S").to_string();
    let start = now - chrono::TimeDelta::minutes(10);
    let filter = (start - chrono::TimeDelta::days(1)).format("%Y-%m-%dT%H:%M:%S").to_string();
    let future = ticket(9, &t(chrono::TimeDelta::days(3650)));
    let m = tickets_from(&server, &filter, &[future.clone(), ticket(1, &t(-chrono::TimeDelta::minutes(5)))]).await;
    let mut feed = halo.list_tickets().changes(Cursor::since(start));
    assert_eq!(ids(feed.poll().await.unwrap()), [1, 9]);
    assert!(feed.cursor().from() < now, "the cursor did not jump ten years ahead");
    m.delete_async().await;
    // A change of a minute ago, after it: still caught; 9 not repeated.
    let recent = ticket(2, &t(-chrono::TimeDelta::minutes(1)));
    let m = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/Tickets");
            then.status(200).json_body(
                json!({"record_count": 3, "tickets": [future, recent, ticket(1, &t(-chrono::TimeDelta::minutes(5)))]}),
            );
        })
        .await;
    assert_eq!(ids(feed.poll().await.unwrap()), [2]);
    m.assert_calls_async(1).await;
}
