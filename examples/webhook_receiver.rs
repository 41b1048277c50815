//! Receives Halo's webhook deliveries: checks the Basic auth the webhook
//! is configured with, decodes single and batched deliveries, and prints
//! one JSON line per event. Answers 401 to wrong credentials, 400 to a body
//! that is not a delivery, 200 otherwise.
//!
//! ```text
//! HALO_WEBHOOK_USER=halo HALO_WEBHOOK_PASSWORD='long random' \
//!     cargo run -p halo-examples --example webhook_receiver -- 127.0.0.1:8080
//! ```
//! With neither variable set, deliveries are accepted without credentials
//! (Halo's "No Authentication"): put it behind something that checks.
//! In Halo: Configuration > Integrations > Webhooks, payload URL
//! `https://YOUR-HOST/halo`.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::post;
use halo_api_ext::webhooks::{BasicAuth, Event, decode};
use std::sync::Arc;

/// What the receiver does with each event.
pub type Handler = Arc<dyn Fn(Event) + Send + Sync>;

/// POST /halo: verify, decode, hand each event on.
pub fn app(auth: Option<BasicAuth>, handler: Handler) -> Router {
    Router::new().route("/halo", post(receive)).with_state((Arc::new(auth), handler))
}

async fn receive(
    State((auth, handler)): State<(Arc<Option<BasicAuth>>, Handler)>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    if let Some(auth) = auth.as_ref() {
        let given = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        if let Err(e) = auth.check(given) {
            return (StatusCode::UNAUTHORIZED, e.to_string());
        }
    }
    match decode(&body) {
        Ok(events) => {
            let n = events.len();
            events.into_iter().for_each(|e| handler(e));
            (StatusCode::OK, format!("{n} event(s)"))
        }
        Err(e) => (StatusCode::BAD_REQUEST, e.to_string()),
    }
}

#[allow(dead_code)]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8080".into());
    let auth = match (std::env::var("HALO_WEBHOOK_USER"), std::env::var("HALO_WEBHOOK_PASSWORD")) {
        (Ok(u), Ok(p)) => Some(BasicAuth::new(u, p)),
        (Err(_), Err(_)) => None,
        _ => return Err("set both HALO_WEBHOOK_USER and HALO_WEBHOOK_PASSWORD, or neither".into()),
    };
    let print: Handler = Arc::new(|e: Event| {
        let line = serde_json::json!({
            "event": e.event, "object_type": e.object_type, "object_id": e.object_id,
            "timestamp": e.timestamp, "has_record": e.object_type.as_deref().is_some_and(|t| e.raw.contains_key(t)),
        });
        println!("{line}");
    });
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    eprintln!("listening on http://{addr}/halo");
    axum::serve(listener, app(auth, print))
        .with_graceful_shutdown(async {
            tokio::signal::ctrl_c().await.ok();
        })
        .await?;
    Ok(())
}
