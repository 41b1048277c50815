//! What the runtime benches share: a fast Halo stand-in on loopback (hyper,
//! on its own thread and runtime, so it does not compete with the client
//! under test for the benchmark's runtime) and ticket list pages shaped like
//! Halo's.
#![allow(dead_code)]

use bytes::Bytes;
use http_body_util::Full;
use hyper::{Request, Response, body::Incoming, server::conn::http1, service::service_fn};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

pub const TOKEN: &str = "bench-token";

/// A ticket as Halo lists it: the ~40 columns of a default list view.
pub fn ticket(id: u64) -> Value {
    json!({
        "id": id, "dateoccurred": "2025-03-01T09:30:00", "summary": format!("Printer on fire in room {id}"),
        "details": "<p>The third-floor printer is on fire again. Please send someone with an extinguisher.</p>",
        "status_id": 2, "tickettype_id": 1, "sla_id": 1, "priority_id": 3, "client_id": 12 + id % 40,
        "client_name": "Acme Industries", "site_id": 30.0, "site_name": "Head Office", "user_id": 455,
        "user_name": "Jane Doe", "team": "1st Line", "team_id": 4, "agent_id": 7, "category_1": "Hardware>Printer",
        "reportedby": "jane.doe@acme.example", "deadlinedate": "2025-03-02T09:30:00Z",
        "lastactiondate": "2025-03-01T10:00:00", "last_update": "2025-03-01T10:00:00.123", "inactive": false,
        "is_vip": 0, "respondbydate": "2025-03-01T13:30:00", "fixbydate": null, "excludefromsla": false,
        "onhold": false, "flagged": false, "read": true, "organisation_id": 1, "impact": 3, "urgency": 2,
        "source": 1, "starttime": "", "targetdate": "2025-03-05T17:00:00", "estimate": 1.5,
        "useful_links_count": 0, "matched_rule_id": null
    })
}

/// Pages of a ticket list of `total` tickets, `page_size` per page,
/// serialised once.
/// A value for every property of `schema`, by its declared type; nested
/// records one level deep, arrays with one element.
fn populate(doc: &Value, schema: &Value, depth: usize) -> Value {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap();
        return if depth > 1 { Value::Null } else { populate(doc, &doc["components"]["schemas"][name], depth + 1) };
    }
    match (schema["type"].as_str(), schema["format"].as_str()) {
        (Some("object"), _) | (None, _) if schema.get("properties").is_some() => {
            let mut m = serde_json::Map::new();
            for (k, v) in schema["properties"].as_object().unwrap() {
                m.insert(k.clone(), populate(doc, v, depth));
            }
            Value::Object(m)
        }
        (Some("integer"), _) => json!(12345),
        (Some("number"), _) => json!(12.5),
        (Some("boolean"), _) => json!(true),
        (Some("string"), Some("date-time")) => json!("2024-05-01T09:30:00Z"),
        (Some("string"), Some("uuid")) => json!("6f1c2b7e-3a4d-4c8e-9b1a-2d3e4f5a6b7c"),
        (Some("string"), _) => json!("Printer on fire in the third-floor copy room"),
        (Some("array"), _) => {
            let item = populate(doc, &schema["items"], depth + 1);
            if item.is_null() { json!([]) } else { json!([item]) }
        }
        _ => Value::Null,
    }
}

/// A ticket with every field of the patched document's `Faults` set (~890).
pub fn full_ticket() -> Value {
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../halo-api/halo.patched.json");
    let doc: Value = serde_json::from_slice(&std::fs::read(spec).expect("run `cargo xtask codegen` first")).unwrap();
    let ticket = populate(&doc, &doc["components"]["schemas"]["Faults"], 0);
    let fields = ticket.as_object().unwrap().len();
    assert!(fields >= 850, "every ticket field: {fields}");
    ticket
}

pub fn ticket_pages(total: u64, page_size: u64) -> Vec<Bytes> {
    pages_of(total, page_size, ticket)
}

/// Pages of `total` records made by `record(id)`, wrapped as Halo lists tickets.
pub fn pages_of(total: u64, page_size: u64, record: impl Fn(u64) -> Value) -> Vec<Bytes> {
    (0..total.div_ceil(page_size))
        .map(|p| {
            let tickets: Vec<Value> = (p * page_size + 1..=((p + 1) * page_size).min(total)).map(&record).collect();
            let page = json!({"page_no": p + 1, "page_size": page_size, "record_count": total, "tickets": tickets});
            Bytes::from(serde_json::to_vec(&page).unwrap())
        })
        .collect()
}

/// The stand-in: POST /auth/token, GET /api/Tickets (paged), GET /api/Tickets/{id}.
#[derive(Clone)]
pub struct Server {
    pub base_url: String,
    pub token_requests: Arc<AtomicU64>,
    pub requests: Arc<AtomicU64>,
}

/// 429s the stand-in answers to list requests: the first one (when
/// `first`), then every `every`-th, with `Retry-After` when given.
#[derive(Clone, Copy, Debug, Default)]
pub struct Throttle {
    pub first: bool,
    pub every: u64,
    pub retry_after: Option<u64>,
}

impl Server {
    /// Serves `pages` (as [`ticket_pages`] makes them) on a thread of its own.
    pub fn start(pages: Vec<Bytes>) -> Server {
        Self::start_throttled(pages, Throttle::default())
    }

    /// As [`Server::start`], answering 429 as `throttle` says.
    pub fn start_throttled(pages: Vec<Bytes>, throttle: Throttle) -> Server {
        let pages = Arc::new(pages);
        let token_requests = Arc::new(AtomicU64::new(0));
        let requests = Arc::new(AtomicU64::new(0));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let (t, r) = (token_requests.clone(), requests.clone());
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                loop {
                    let Ok((stream, _)) = listener.accept().await else { continue };
                    let _ = stream.set_nodelay(true);
                    let (pages, t, r) = (pages.clone(), t.clone(), r.clone());
                    tokio::spawn(async move {
                        let service = service_fn(move |req: Request<Incoming>| {
                            let reply = answer(&req, &pages, &t, &r, throttle);
                            async move { Ok::<_, Infallible>(reply) }
                        });
                        let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                    });
                }
            });
        });
        Server { base_url, token_requests, requests }
    }
}

fn answer(
    req: &Request<Incoming>,
    pages: &[Bytes],
    tokens: &AtomicU64,
    requests: &AtomicU64,
    throttle: Throttle,
) -> Response<Full<Bytes>> {
    let json = |status: u16, body: Bytes| {
        Response::builder().status(status).header("content-type", "application/json").body(Full::new(body)).unwrap()
    };
    let path = req.uri().path();
    if path == "/auth/token" {
        tokens.fetch_add(1, Ordering::Relaxed);
        return json(
            200,
            Bytes::from(format!(r#"{{"access_token":"{TOKEN}","token_type":"Bearer","expires_in":3600}}"#)),
        );
    }
    let n = requests.fetch_add(1, Ordering::Relaxed) + 1;
    if (throttle.first && n == 1) || (throttle.every > 0 && n.is_multiple_of(throttle.every)) {
        let mut r = Response::builder().status(429);
        if let Some(s) = throttle.retry_after {
            r = r.header("retry-after", s.to_string());
        }
        return r.body(Full::new(Bytes::from_static(b"300 Requests per rolling 5 minute window"))).unwrap();
    }
    let authorised =
        req.headers().get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {TOKEN}"));
    if !authorised {
        return json(401, Bytes::new());
    }
    if path == "/api/Tickets" {
        let query = req.uri().query().unwrap_or("");
        let page_no: usize =
            query.split('&').find_map(|kv| kv.strip_prefix("page_no=")).and_then(|v| v.parse().ok()).unwrap_or(1);
        let total = pages.len();
        return match pages.get(page_no.wrapping_sub(1)) {
            Some(p) => json(200, p.clone()),
            None => json(200, Bytes::from(format!(r#"{{"record_count":{total},"tickets":[]}}"#))),
        };
    }
    if let Some(id) = path.strip_prefix("/api/Tickets/").and_then(|id| id.parse::<u64>().ok()) {
        return json(200, Bytes::from(serde_json::to_vec(&ticket(id)).unwrap()));
    }
    json(404, Bytes::new())
}

/// The hand-written loops' token request: client credentials, the token.
pub async fn token(http: &reqwest::Client, base: &str) -> String {
    let answer: Value = http
        .post(format!("{base}/auth/token?tenant=acme"))
        .form(&[("grant_type", "client_credentials"), ("client_id", "bench"), ("client_secret", "x")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["access_token"].as_str().unwrap().to_string()
}

/// A halo-rs client for the stand-in at `base_url`, with no rate limit (the
/// benches measure what the client adds, not the limit it keeps on purpose).
pub fn client(base_url: &str) -> halo_api_ext::HaloClient {
    let mut c = halo_api_ext::HaloConfig::cloud(base_url, "acme", "bench", "bench-secret");
    c.rate_limit = None;
    halo_api_ext::HaloClient::new(c).unwrap()
}
