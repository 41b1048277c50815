//! list / get / upsert / delete for each of the 23 resources: the request on
//! the wire and the decoded result, from realistic Halo payloads.

use crate::common;
use common::*;
use halo_api::{Resource, ResourceVisitor};
use halo_api_ext::{HaloClient, HaloError, RESOURCES};
use httpmock::prelude::*;
use serde_json::{Value, json};

/// A Halo-like list answer for `path`: wrapped under `field` with
/// record_count, or a bare array.
fn list_answer(field: Option<&str>, rows: Vec<Value>) -> Value {
    match field {
        Some(f) => json!({"page_no": 1, "page_size": 100, "record_count": rows.len(), f: rows}),
        None => Value::Array(rows),
    }
}

/// The first list field of the table, where the test wraps its list answer
/// (none: a bare array).
fn first(fields: &[&'static str]) -> Option<&'static str> {
    fields.first().copied()
}

// The contract, once, generic over the resource: run for each resource of
// the table halo-api's build generated from spec/resources.toml (the same
// types the named actions call).
async fn contract<R: Resource>() {
    let field = first(R::FIELDS);
    let server = MockServer::start_async().await;
    let token = token_mock(&server).await;
    let api = |p: &str| format!("/api{p}");
    let rows = vec![json!({"id": 7, "name": "seven", "unknown_field": {"x": 1}}), json!({"id": 8.0, "name": null})];

    // list: GET with Halo's paging and the filter; one short page.
    let list = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api(R::PATH))
                .header("authorization", bearer())
                .query_param("pageinate", "true")
                .query_param("page_size", "50")
                .query_param("page_no", "1")
                .query_param("search", "acme");
            then.status(200).json_body(list_answer(field, rows.clone()));
        })
        .await;
    // get: GET by id answers the bare object.
    let by_id = api(&format!("{}/7", R::PATH));
    let get = server
        .mock_async(|when, then| {
            when.method(GET).path(&by_id).header("authorization", bearer());
            then.status(200).json_body(json!({"id": 7, "name": "seven"}));
        })
        .await;
    let delete = server
        .mock_async(|when, then| {
            when.method(DELETE).path(&by_id).header("authorization", bearer());
            then.status(200);
        })
        .await;

    let halo = client(&server);
    let listed = halo.list::<R>().filter("search", "acme").page_size(50).collect().await.unwrap();
    assert_eq!(listed.len(), 2, "{}", R::NAME);
    let v = serde_json::to_value(&listed[0]).unwrap();
    assert_eq!(v["id"], json!(7), "{}", R::NAME);
    let one = halo.get::<R>(7).await.unwrap();
    assert_eq!(serde_json::to_value(&one).unwrap()["id"], json!(7), "{}", R::NAME);

    // upsert: POST the record (an `id` means update) as an array; Halo
    // answers the saved object.
    let sent = serde_json::to_value(&one).unwrap();
    assert_eq!(sent["id"], json!(7));
    let post = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api(R::PATH))
                .header("authorization", bearer())
                .header("content-type", "application/json")
                .json_body(json!([sent.clone()]));
            then.status(201).json_body(json!({"id": 7, "name": "renamed", "new_in_next_release": true}));
        })
        .await;
    let saved = halo.upsert::<R>(one).await.unwrap();
    assert_eq!(saved.len(), 1, "{}", R::NAME);
    assert_eq!(serde_json::to_value(&saved[0]).unwrap()["id"], json!(7), "{}", R::NAME);
    halo.delete::<R>(7).await.unwrap();

    for m in [&list, &get, &post, &delete] {
        m.assert_calls_async(1).await;
    }
    token.assert_calls_async(1).await;
}

type Contract = std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>;
struct Contracts(Vec<(&'static str, Contract)>);
impl ResourceVisitor for Contracts {
    fn visit<R: Resource>(&mut self) {
        self.0.push((R::NAME, Box::pin(contract::<R>())));
    }
}

#[tokio::test]
async fn list_get_upsert_delete_of_every_resource() {
    let mut all = Contracts(Vec::new());
    halo_api::resources::visit_resources(&mut all);
    assert_eq!(all.0.len(), 23);
    for (_, run) in all.0 {
        run.await;
    }
}

#[tokio::test]
async fn the_named_actions_are_the_generic_ones() {
    // `list_tickets` etc. call `list::<Tickets>()`: the same requests.
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    let list = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/Client").query_param("search", "acme").query_param("page_no", "1");
            then.status(200).json_body(json!({"record_count": 1, "clients": [{"id": 3, "name": "Acme"}]}));
        })
        .await;
    let get = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/Client/3");
            then.status(200).json_body(json!({"id": 3, "name": "Acme"}));
        })
        .await;
    let halo = client(&server);
    let listed = halo.list_clients().search("acme").collect().await.unwrap();
    assert_eq!(listed[0].name.as_deref(), Some("Acme"));
    let generic = halo.list::<halo_api::resources::Clients>().search("acme").collect().await.unwrap();
    assert_eq!(generic[0].id, listed[0].id);
    assert_eq!(halo.get_client(3).await.unwrap().id, Some(3));
    list.assert_calls_async(2).await;
    get.assert_calls_async(1).await;
}

#[test]
fn the_table_has_the_23_resources() {
    assert_eq!(RESOURCES.len(), 23);
}

#[tokio::test]
async fn upsert_accepts_an_array_answer_and_many_records() {
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    let post = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/Tickets")
                .json_body(json!([{"summary": "a", "client_id": 1}, {"summary": "b", "client_id": 1}]));
            then.status(200).json_body(json!([{"id": 1, "summary": "a"}, {"id": 2, "summary": "b"}]));
        })
        .await;
    let t = |s: &str| halo_api_ext::Ticket { summary: Some(s.into()), client_id: Some(1), ..Default::default() };
    let saved = client(&server).upsert_tickets(vec![t("a"), t("b")]).await.unwrap();
    assert_eq!(saved.iter().map(|t| t.id).collect::<Vec<_>>(), [Some(1), Some(2)]);
    post.assert_async().await;
}

#[tokio::test]
async fn get_of_a_missing_id_is_not_found_for_404_and_blank_records() {
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/Tickets/404");
            then.status(404).body("Not found");
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/Tickets/5");
            then.status(200).json_body(json!({"id": 0, "summary": ""}));
        })
        .await;
    let halo = client(&server);
    assert!(matches!(halo.get_ticket(404).await, Err(HaloError::NotFound { .. })));
    assert!(matches!(halo.get_ticket(5).await, Err(HaloError::NotFound { .. })));
}

#[tokio::test]
async fn preview_report_rows_and_load_error() {
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    let ok = server
        .mock_async(|when, then| {
            when.method(POST).path("/api/Report").header("authorization", bearer()).json_body(json!([{
                "id": 0, "name": "", "sql": "SELECT faultid FROM faults", "_loadreportonly": true, "_testonly": false
            }]));
            then.status(200)
                .json_body(json!({"id": 0, "report": {"loaded": true, "rows": [{"faultid": 1}, {"faultid": 2}]}}));
        })
        .await;
    let bad = server
        .mock_async(|when, then| {
            when.method(POST).path("/api/Report").body_includes("SELEKT");
            then.status(200).json_body(
                json!({"id": 0, "report": {"loaded": false, "load_error": "Incorrect syntax near 'SELEKT'."}}),
            );
        })
        .await;
    let halo = client(&server);
    let rows = halo.preview_report("SELECT faultid FROM faults").await.unwrap();
    assert_eq!(rows.iter().map(|r| r["faultid"].clone()).collect::<Vec<_>>(), [json!(1), json!(2)]);
    let err = halo.preview_report("SELEKT 1").await.unwrap_err();
    assert!(matches!(&err, HaloError::Report(m) if m.contains("Incorrect syntax")), "{err}");
    ok.assert_async().await;
    bad.assert_async().await;
}

#[tokio::test]
async fn the_generic_request_any_method_path_query_and_body() {
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    let m = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/api/Custom/Thing")
                .query_param("a", "1")
                .query_param("b", "two words")
                .header("authorization", bearer())
                .json_body(json!({"k": [1, 2]}));
            then.status(200).json_body(json!({"done": true}));
        })
        .await;
    let empty = server
        .mock_async(|when, then| {
            when.method(DELETE).path("/api/Custom/Thing/3");
            then.status(204);
        })
        .await;
    let halo = client(&server);
    let v = halo
        .request(reqwest::Method::PUT, "/Custom/Thing")
        .query("a", 1)
        .query("b", "two words")
        .json(json!({"k": [1, 2]}))
        .unwrap()
        .send()
        .await
        .unwrap();
    assert_eq!(v, json!({"done": true}));
    assert_eq!(halo.request(reqwest::Method::DELETE, "/Custom/Thing/3").send().await.unwrap(), Value::Null);
    m.assert_async().await;
    empty.assert_async().await;
    let err = halo.request(reqwest::Method::GET, "https://elsewhere.example/x").send().await.unwrap_err();
    assert!(matches!(err, HaloError::InvalidRequest(_)), "{err}");
}

#[tokio::test]
async fn upload_attachment_image_is_multipart() {
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    let m = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/Attachment/image")
                .query_param("ticket_id", "42")
                .header("authorization", bearer())
                .header_includes("content-type", "multipart/form-data")
                .body_includes("name=\"file\"; filename=\"shot.png\"")
                .body_includes("PNGDATA");
            then.status(200).json_body(json!({"id": 99, "link": "/attachments/99"}));
        })
        .await;
    let v = client(&server)
        .upload_attachment_image("shot.png", "image/png", b"PNGDATA".to_vec(), &[("ticket_id".into(), "42".into())])
        .await
        .unwrap();
    assert_eq!(v["id"], json!(99));
    m.assert_async().await;
}

#[tokio::test]
async fn a_decode_error_names_the_operation_and_the_json_path() {
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/Tickets/3");
            then.status(200).json_body(json!({"id": 3, "customfields": [{"id": 1}, {"id": "not a number"}]}));
        })
        .await;
    let err = client(&server).get_ticket(3).await.unwrap_err();
    match &err {
        HaloError::Decode { operation, path, .. } => {
            assert_eq!(operation, "get_tickets_by_id", "one name per endpoint: the generated operation's");
            assert_eq!(path, "customfields[1].id");
        }
        e => panic!("{e:?}"),
    }
    assert!(err.to_string().contains("not a number"), "{err}");
}

#[allow(dead_code)]
fn _client_is_send_sync(c: HaloClient) -> impl Send + Sync {
    c
}
