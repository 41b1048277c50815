//! Paging: Halo's stop rules (a short or empty page, or record_count reached;
//! never arithmetic on the page size asked for), never trusting the
//! page size asked for.

use crate::common;
use common::*;
use futures::StreamExt;
use httpmock::prelude::*;
use serde_json::{Value, json};

fn tickets(from: u32, n: u32) -> Vec<Value> {
    (from..from + n).map(|i| json!({"id": i, "summary": format!("t{i}")})).collect()
}

async fn page<'a>(server: &'a MockServer, size: &str, no: &str, body: Value) -> httpmock::Mock<'a> {
    let (size, no) = (size.to_string(), no.to_string());
    server
        .mock_async(move |when, then| {
            when.method(GET)
                .path("/api/Tickets")
                .query_param("pageinate", "true")
                .query_param("page_size", size)
                .query_param("page_no", no);
            then.status(200).json_body(body);
        })
        .await
}

fn ids(v: &[halo_api_ext::TicketListItem]) -> Vec<i32> {
    v.iter().map(|t| t.id.unwrap()).collect()
}

#[tokio::test]
async fn stops_when_record_count_is_reached() {
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    let p1 = page(&server, "2", "1", json!({"record_count": 4, "tickets": tickets(1, 2)})).await;
    let p2 = page(&server, "2", "2", json!({"record_count": 4, "tickets": tickets(3, 2)})).await;
    let p3 = page(&server, "2", "3", json!({"record_count": 4, "tickets": tickets(5, 2)})).await;
    let all = client(&server).list_tickets().page_size(2).collect().await.unwrap();
    assert_eq!(ids(&all), [1, 2, 3, 4]);
    p1.assert_calls_async(1).await;
    p2.assert_calls_async(1).await;
    p3.assert_calls_async(0).await;
}

#[tokio::test]
async fn stops_on_a_short_page_without_a_total() {
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    let p1 = page(&server, "2", "1", json!(tickets(1, 2))).await;
    let p2 = page(&server, "2", "2", json!(tickets(3, 1))).await;
    let p3 = page(&server, "2", "3", json!(tickets(9, 2))).await;
    // Statuses answer bare arrays; tickets here too, to test the rule alone.
    let all = client(&server).list_tickets().page_size(2).collect().await.unwrap();
    assert_eq!(ids(&all), [1, 2, 3]);
    p1.assert_calls_async(1).await;
    p2.assert_calls_async(1).await;
    p3.assert_calls_async(0).await;
}

#[tokio::test]
async fn stops_on_an_empty_page() {
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    let p1 = page(&server, "2", "1", json!({"tickets": tickets(1, 2)})).await;
    let p2 = page(&server, "2", "2", json!({"tickets": []})).await;
    let p3 = page(&server, "2", "3", json!({"tickets": tickets(9, 2)})).await;
    let all = client(&server).list_tickets().page_size(2).collect().await.unwrap();
    assert_eq!(ids(&all), [1, 2]);
    p2.assert_calls_async(1).await;
    p3.assert_calls_async(0).await;
    p1.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_server_capping_the_page_size_still_yields_every_record_once() {
    // Asked for 100 a page, the server gives 10 (the 617-of-717 bug).
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    let mut mocks = Vec::new();
    for (no, from, n) in [(1, 1, 10), (2, 11, 10), (3, 21, 5)] {
        mocks.push(
            page(
                &server,
                "100",
                &no.to_string(),
                json!({"record_count": 25, "page_size": 10, "tickets": tickets(from, n)}),
            )
            .await,
        );
    }
    let extra = page(&server, "100", "4", json!({"record_count": 25, "tickets": []})).await;
    let all = client(&server).list_tickets().collect().await.unwrap();
    assert_eq!(ids(&all), (1..=25).collect::<Vec<_>>());
    for m in &mocks {
        m.assert_calls_async(1).await;
    }
    extra.assert_calls_async(0).await;
}

#[tokio::test]
async fn max_stops_early_without_fetching_extra_pages() {
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    let p1 = page(&server, "2", "1", json!({"record_count": 10, "tickets": tickets(1, 2)})).await;
    let p2 = page(&server, "2", "2", json!({"record_count": 10, "tickets": tickets(3, 2)})).await;
    let p3 = page(&server, "2", "3", json!({"record_count": 10, "tickets": tickets(5, 2)})).await;
    let all = client(&server).list_tickets().page_size(2).max(3).collect().await.unwrap();
    assert_eq!(ids(&all), [1, 2, 3]);
    p1.assert_calls_async(1).await;
    p2.assert_calls_async(1).await;
    p3.assert_calls_async(0).await;
}

#[tokio::test]
async fn the_stream_is_lazy() {
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    let p1 = page(&server, "2", "1", json!({"record_count": 6, "tickets": tickets(1, 2)})).await;
    let p2 = page(&server, "2", "2", json!({"record_count": 6, "tickets": tickets(3, 2)})).await;
    let halo = client(&server);
    let mut s = halo.list_tickets().page_size(2).stream();
    assert_eq!(s.next().await.unwrap().unwrap().id, Some(1));
    assert_eq!(s.next().await.unwrap().unwrap().id, Some(2));
    p1.assert_calls_async(1).await;
    p2.assert_calls_async(0).await;
    assert_eq!(s.next().await.unwrap().unwrap().id, Some(3));
    p2.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_server_ignoring_paging_ends_with_an_error_after_three_repeats_not_a_loop() {
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    // Same two records whatever page is asked for, no total.
    let any = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/Tickets");
            then.status(200).json_body(json!(tickets(1, 2)));
        })
        .await;
    let halo = client(&server);
    let got: Vec<_> = halo.list_tickets().page_size(2).stream().collect().await;
    assert_eq!(got.len(), 3, "two records, then the error: {got:?}");
    assert_eq!(got[0].as_ref().unwrap().id, Some(1));
    assert_eq!(got[1].as_ref().unwrap().id, Some(2));
    let e = got[2].as_ref().unwrap_err().to_string();
    assert!(e.contains("pages 2..=4 brought no record not yet listed: the server ignores page_no"), "{e}");
    any.assert_calls_async(1 + halo_api_ext::list::REPEATED_PAGES as usize).await;
    assert!(
        halo.list_tickets().page_size(2).collect().await.is_err(),
        "collect fails too: never a partial list as if whole"
    );
}

#[tokio::test]
async fn a_page_longer_than_asked_without_a_total_is_not_the_end() {
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    // Asked for 2, the server sends 3, then 1: four records.
    page(&server, "2", "1", json!(tickets(1, 3))).await;
    let second = page(&server, "2", "2", json!(tickets(4, 1))).await;
    let all = client(&server).list_tickets().page_size(2).collect().await.unwrap();
    assert_eq!(ids(&all), [1, 2, 3, 4]);
    second.assert_async().await;
}

#[tokio::test]
async fn one_page_at_a_time() {
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    page(&server, "5", "3", json!({"record_count": 12, "tickets": tickets(11, 2)})).await;
    let p = client(&server).list_tickets().page_size(5).page(3).await.unwrap();
    assert_eq!((p.page_no, p.record_count, ids(&p.records)), (3, Some(12), vec![11, 12]));
}
