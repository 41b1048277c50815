//! Each recipe of examples/, run against httpmock: the requests it makes
//! (method, path, query, body, token) and what it answers.

#[path = "../bulk_clients_from_csv.rs"]
mod bulk_clients_from_csv;
#[path = "../client_onboarding.rs"]
mod client_onboarding;
#[path = "../contact_assets_to_ticket.rs"]
mod contact_assets_to_ticket;
#[path = "../new_ticket_triage.rs"]
mod new_ticket_triage;
#[path = "../react_to_new_tickets.rs"]
mod react_to_new_tickets;
#[path = "../webhook_receiver.rs"]
mod webhook_receiver;

use halo_api_ext::changes::{Cursor, parse_time};
use halo_api_ext::{HaloClient, HaloConfig, RetryPolicy};
use httpmock::prelude::*;
use serde_json::json;

const TOKEN: &str = "recipe-token";

async fn halo(server: &MockServer) -> HaloClient {
    server
        .mock_async(|when, then| {
            when.method(POST).path("/auth/token").query_param("tenant", "acme").form_urlencoded_tuple("client_id", "r");
            then.status(200).json_body(json!({"access_token": TOKEN, "expires_in": 3600}));
        })
        .await;
    let mut c = HaloConfig::cloud(&server.base_url(), "acme", "r", "recipe-secret");
    c.rate_limit = None;
    c.retry = RetryPolicy::none();
    HaloClient::new(c).unwrap()
}

fn bearer() -> String {
    format!("Bearer {TOKEN}")
}

fn since() -> Cursor {
    Cursor::since(parse_time("2025-04-01T10:00:00Z").unwrap())
}

/// The tickets feed's first poll answering `rows`.
async fn feed<'a>(server: &'a MockServer, rows: serde_json::Value) -> httpmock::Mock<'a> {
    let n = rows.as_array().map_or(0, Vec::len);
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/Tickets")
                .query_param_exists("lastupdatefromdate")
                .query_param("order", "last_update")
                .query_param("orderdesc", "true")
                .header("authorization", bearer());
            then.status(200).json_body(json!({"record_count": n, "tickets": rows}));
        })
        .await
}

#[tokio::test]
async fn react_to_new_tickets_sees_new_tickets_not_updates_to_old_ones() {
    let server = MockServer::start_async().await;
    let halo = halo(&server).await;
    let poll = feed(
        &server,
        json!([
            {"id": 8, "summary": "New one", "dateoccurred": "2025-04-01T10:05:00Z", "last_update": "2025-04-01T10:05:00Z"},
            {"id": 3, "summary": "Old one, updated", "dateoccurred": "2025-03-01T09:00:00Z", "last_update": "2025-04-01T10:04:00Z"}
        ]),
    )
    .await;
    let mut seen = Vec::new();
    react_to_new_tickets::run(&halo, since(), 1, |t| seen.push((t.id, t.summary.clone()))).await.unwrap();
    assert_eq!(seen, [(Some(8), Some("New one".to_string()))]);
    poll.assert_calls_async(1).await;
}

#[tokio::test]
async fn triage_assigns_a_team_and_acknowledges_once() {
    assert_eq!(new_ticket_triage::classify("Printer on fire"), "Hardware");
    assert_eq!(new_ticket_triage::classify("Reset my PASSWORD"), "Service Desk");
    assert_eq!(new_ticket_triage::classify("Something else"), new_ticket_triage::DEFAULT_TEAM);

    let server = MockServer::start_async().await;
    let halo = halo(&server).await;
    feed(
        &server,
        json!([
            {"id": 12, "summary": "Invoice is wrong", "dateoccurred": "2025-04-01T10:06:00Z", "last_update": "2025-04-01T10:06:00Z"},
            {"id": 11, "summary": "Printer jammed", "team": "Hardware", "dateoccurred": "2025-04-01T10:05:00Z", "last_update": "2025-04-01T10:05:00Z"}
        ]),
    )
    .await;
    let assign = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/Tickets")
                .header("authorization", bearer())
                .json_body(json!([{"id": 12, "team": "Accounts"}]));
            then.status(200).json_body(json!({"id": 12, "team": "Accounts"}));
        })
        .await;
    let acknowledge = server
        .mock_async(|when, then| {
            when.method(POST).path("/api/Actions").header("authorization", bearer()).json_body(json!([{
                "ticket_id": 12, "outcome": "Note", "hiddenfromuser": false,
                "note": "Thank you: we have your request, and our Accounts team is on it."
            }]));
            then.status(200).json_body(json!({"id": 70, "ticket_id": 12}));
        })
        .await;
    let done = new_ticket_triage::run(&halo, since(), 1).await.unwrap();
    assert_eq!(done, [(12, "Accounts")], "11 already had a team: left alone");
    assign.assert_calls_async(1).await;
    acknowledge.assert_calls_async(1).await;
}

#[tokio::test]
async fn onboarding_creates_what_is_missing_and_a_second_run_writes_nothing() {
    let server = MockServer::start_async().await;
    let halo = halo(&server).await;
    let o = client_onboarding::Onboarding {
        client: "Acme Ltd".into(),
        site: "Head Office".into(),
        user: "Jo Bloggs".into(),
        email: "jo@acme.example".into(),
        contract_ref: "ACME-2025".into(),
    };
    // First run: Halo has none of them.
    let mut lists = vec![
        server
            .mock_async(|when, then| {
                when.method(GET)
                    .path("/api/Client")
                    .query_param("search", "Acme Ltd")
                    .header("authorization", bearer());
                then.status(200)
                    .json_body(json!({"record_count": 1, "clients": [{"id": 4, "name": "Acme Ltd (old)"}]}));
            })
            .await,
    ];
    for (path, param, field) in [
        ("/api/Site", "client_id", "sites"),
        ("/api/Users", "site_id", "users"),
        ("/api/ClientContract", "client_id", "contracts"),
    ] {
        lists.push(
            server
                .mock_async(|when, then| {
                    when.method(GET).path(path).query_param_exists(param);
                    then.status(200).json_body(json!({"record_count": 0, field: []}));
                })
                .await,
        );
    }
    let posts = [
        ("/api/Client", json!([{"name": "Acme Ltd"}]), json!([{"id": 10, "name": "Acme Ltd"}])),
        ("/api/Site", json!([{"name": "Head Office", "client_id": 10.0}]), json!([{"id": 20, "name": "Head Office"}])),
        (
            "/api/Users",
            json!([{"name": "Jo Bloggs", "emailaddress": "jo@acme.example", "site_id": 20.0}]),
            json!([{"id": 30}]),
        ),
        ("/api/ClientContract", json!([{"client_id": 10, "ref": "ACME-2025"}]), json!([{"id": 40}])),
    ];
    let mut writes = Vec::new();
    for (path, body, answer) in posts {
        writes.push(
            server
                .mock_async(|when, then| {
                    when.method(POST).path(path).header("authorization", bearer()).json_body(body);
                    then.status(200).json_body(answer);
                })
                .await,
        );
    }
    let first = client_onboarding::run(&halo, &o).await.unwrap();
    assert_eq!(
        first,
        client_onboarding::Onboarded {
            client_id: 10,
            site_id: 20,
            user_id: 30,
            contract_id: 40,
            created: vec!["client", "site", "user", "contract"]
        }
    );
    for w in &writes {
        w.assert_calls_async(1).await;
    }
    for l in &mut lists {
        l.delete_async().await;
    }

    // Second run: each is found (names compared without case), nothing is written.
    let found = [
        ("/api/Client", "search", "Acme Ltd", json!({"record_count": 1, "clients": [{"id": 10, "name": "ACME LTD"}]})),
        ("/api/Site", "client_id", "10", json!({"record_count": 1, "sites": [{"id": 20, "name": "Head Office"}]})),
        (
            "/api/Users",
            "site_id",
            "20",
            json!({"record_count": 1, "users": [{"id": 30, "emailaddress": "jo@acme.example"}]}),
        ),
        (
            "/api/ClientContract",
            "client_id",
            "10",
            json!({"record_count": 1, "contracts": [{"id": 40, "ref": "ACME-2025"}]}),
        ),
    ];
    for (path, param, value, answer) in found {
        server
            .mock_async(|when, then| {
                when.method(GET).path(path).query_param(param, value);
                then.status(200).json_body(answer);
            })
            .await;
    }
    let second = client_onboarding::run(&halo, &o).await.unwrap();
    assert_eq!((second.client_id, second.site_id, second.user_id, second.contract_id), (10, 20, 30, 40));
    assert!(second.created.is_empty());
    for w in &writes {
        w.assert_calls_async(1).await; // still one: the second run wrote nothing
    }
}

#[tokio::test]
async fn the_contacts_assets_are_added_to_those_the_ticket_has() {
    let server = MockServer::start_async().await;
    let halo = halo(&server).await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/Tickets/77").header("authorization", bearer());
            then.status(200).json_body(json!({"id": 77, "user_id": 5, "assets": [{"id": 1}]}));
        })
        .await;
    let assets = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/Asset").query_param("user_id", "5");
            then.status(200)
                .json_body(json!({"record_count": 2, "assets": [{"id": 1}, {"id": 2, "inventory_number": "LT-2"}]}));
        })
        .await;
    let link = server
        .mock_async(|when, then| {
            when.method(POST).path("/api/Tickets").json_body(json!([{"id": 77, "assets": [{"id": 1}, {"id": 2}]}]));
            then.status(200).json_body(json!({"id": 77}));
        })
        .await;
    assert_eq!(contact_assets_to_ticket::run(&halo, 77).await.unwrap(), [2]);
    assets.assert_calls_async(1).await;
    link.assert_calls_async(1).await;

    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/Tickets/78");
            then.status(200).json_body(json!({"id": 78, "user_id": 0}));
        })
        .await;
    let e = contact_assets_to_ticket::run(&halo, 78).await.unwrap_err().to_string();
    assert!(e.contains("ticket 78 has no contact (user_id)"), "{e}");
}

#[tokio::test]
async fn bulk_creation_reports_bad_rows_by_line_and_sends_the_rest() {
    let server = MockServer::start_async().await;
    let halo = halo(&server).await;
    let post = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/Client")
                .header("authorization", bearer())
                .json_body(json!([{"name": "Acme"}, {"name": "Globex", "website": "globex.example"}]));
            then.status(200).json_body(json!([{"id": 1, "name": "Acme"}, {"id": 2, "name": "Globex"}]));
        })
        .await;
    let csv = "name,website\nAcme,\n,nameless.example\nGlobex,globex.example\nInitech,a,too many\n";
    let report = bulk_clients_from_csv::run(&halo, csv.as_bytes()).await.unwrap();
    assert_eq!(report.created, [1, 2]);
    assert_eq!(report.rejected.len(), 2, "{:?}", report.rejected);
    assert_eq!(report.rejected[0], (3, "no name".to_string()));
    assert_eq!(report.rejected[1].0, 5);
    assert!(report.rejected[1].1.contains("found record with 3 fields"), "{:?}", report.rejected[1]);
    post.assert_calls_async(1).await;
}

#[tokio::test]
async fn the_webhook_receiver_checks_credentials_then_decodes() {
    use std::sync::{Arc, Mutex};
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let handler: webhook_receiver::Handler = Arc::new(move |e| sink.lock().unwrap().push(e));
    let auth = halo_api_ext::webhooks::BasicAuth::new("halo", "hook-pass");
    let app = webhook_receiver::app(Some(auth.clone()), handler);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/halo", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let post = |auth: Option<String>, body: &'static str| {
        let url = url.clone();
        async move {
            let mut r = reqwest::Client::new().post(url).body(body);
            if let Some(a) = auth {
                r = r.header("authorization", a);
            }
            let r = r.send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let wrong = halo_api_ext::webhooks::BasicAuth::new("halo", "guess").header();
    assert_eq!(post(Some(wrong), r#"{"event": "x"}"#).await.0, 401);
    assert_eq!(post(None, r#"{"event": "x"}"#).await.0, 401);
    assert!(events.lock().unwrap().is_empty(), "nothing refused was handed on");

    let (status, text) = post(
        Some(auth.header()),
        r#"[{"event": "New Ticket Logged", "object_id": 5, "ticket": {"id": 5}}, {"event": "Ticket Closed", "object_id": 6}]"#,
    )
    .await;
    assert_eq!((status, text.as_str()), (200, "2 event(s)"));
    let (status, text) = post(Some(auth.header()), "not json").await;
    assert_eq!(status, 400);
    assert!(text.contains("not JSON"), "{text}");
    let got = events.lock().unwrap();
    assert_eq!(
        got.iter().map(|e| (e.event.as_deref(), e.object_id)).collect::<Vec<_>>(),
        [(Some("New Ticket Logged"), Some(5)), (Some("Ticket Closed"), Some(6))]
    );
    assert_eq!(got[0].ticket().unwrap().unwrap().id, Some(5));
}
