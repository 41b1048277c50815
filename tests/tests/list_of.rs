//! `halo.list_of(op)`: every generated list operation that takes Halo's
//! paging parameters lists with the named lists' guarantees, not only the
//! 23 of the resource table.

use crate::common;
use common::*;
use halo_api_ext::{HaloClient, HaloError};
use httpmock::prelude::*;
use serde_json::{Value, json};

/// A paged list operation of the document (spelled by tests/build.rs).
#[allow(missing_debug_implementations)]
pub struct PagedList {
    path: &'static str,
    operation: &'static str,
    collect: Collect,
}
type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;
/// Every record of a listing, as JSON.
type Collect = for<'a> fn(&'a HaloClient) -> BoxFuture<'a, Result<Vec<Value>, HaloError>>;
include!(concat!(env!("OUT_DIR"), "/paged_lists.rs"));

#[tokio::test]
async fn every_paged_operation_lists_every_record_once_across_pages() {
    let lists = paged_lists();
    assert_eq!(lists.len(), 54, "Halo's document has 54 list operations with its paging parameters");
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    let mut mocks = Vec::new();
    for l in &lists {
        let path = format!("/api{}", l.path);
        // Two full pages of two, the second repeating a record (pages
        // shifted), then a short one.
        for (page, rows) in
            [(1, json!([{"id": 1}, {"id": 2}])), (2, json!([{"id": 2}, {"id": 3}])), (3, json!([{"id": 4}]))]
        {
            let m = server
                .mock_async(|when, then| {
                    when.method(GET)
                        .path(&path)
                        .header("authorization", bearer())
                        .query_param("pageinate", "true")
                        .query_param("page_size", "2")
                        .query_param("page_no", page.to_string());
                    then.status(200).json_body(rows);
                })
                .await;
            mocks.push(m);
        }
    }
    let halo = client(&server);
    for l in &lists {
        let rows = (l.collect)(&halo).await.unwrap_or_else(|e| panic!("{} ({}): {e}", l.operation, l.path));
        let ids: Vec<_> = rows.iter().map(|r| r["id"].as_i64()).collect();
        assert_eq!(ids, [Some(1), Some(2), Some(3), Some(4)], "{} ({})", l.operation, l.path);
    }
    for m in &mocks {
        m.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn sales_orders_across_three_pages_with_typed_filters_and_halos_wrapper() {
    // /SalesOrder: Halo's document declares no answer, so the records are
    // JSON, read from the wrapper's one array, whatever its name.
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    let page = |n: u32, rows: Value| {
        let server = &server;
        async move {
            server
                .mock_async(|when, then| {
                    when.method(GET)
                        .path("/api/SalesOrder")
                        .query_param("client_id", "3")
                        .query_param("open", "true")
                        .query_param("pageinate", "true")
                        .query_param("page_size", "2")
                        .query_param("page_no", n.to_string());
                    then.status(200).json_body(json!({"record_count": 5, "page_no": n, "columns": [], "orders": rows}));
                })
                .await
        }
    };
    let pages = [
        page(1, json!([{"id": 10, "client_id": 3}, {"id": 11, "client_id": 3}])).await,
        page(2, json!([{"id": 12, "client_id": 3}, {"id": 13, "client_id": 3}])).await,
        page(3, json!([{"id": 14, "client_id": 3}])).await,
    ];
    let halo = client(&server);
    let orders =
        halo.list_of(halo.raw().get_sales_order().client_id(3).open(true)).page_size(2).collect().await.unwrap();
    let ids: Vec<_> = orders.iter().map(|o| o["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [10, 11, 12, 13, 14]);
    for p in &pages {
        p.assert_calls_async(1).await;
    }

    // Two non-empty arrays: which holds the records is not guessed.
    let odd = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/PurchaseOrder");
            then.status(200).json_body(json!({"record_count": 2, "orders": [{"id": 1}], "lines": [{"id": 2}]}));
        })
        .await;
    let e = halo.list_of(halo.raw().get_purchase_order()).collect().await.unwrap_err().to_string();
    assert!(e.contains("several arrays (") && e.contains("orders") && e.contains("lines"), "{e}");
    assert!(e.contains("get_purchase_order"), "{e}");
    odd.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_documented_list_is_typed() {
    // /Tickets declares its items: list_of gives typed records, read under
    // the resource's field.
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/Tickets").query_param("agent_id", "4");
            then.status(200).json_body(json!({"record_count": 1, "tickets": [{"id": 9, "summary": "Printer"}]}));
        })
        .await;
    let halo = client(&server);
    let tickets = halo.list_of(halo.raw().get_tickets().agent_id(4)).collect().await.unwrap();
    assert_eq!(tickets[0].summary.as_deref(), Some("Printer"));
}
