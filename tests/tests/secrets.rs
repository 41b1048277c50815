//! Secrets never reach logs, errors or Debug output: with tracing at TRACE
//! (our spans and reqwest's and hyper's own events), through success, bad
//! credentials, 401 loops and a token answer that does not parse.

mod common;
use common::*;
use httpmock::prelude::*;
use serde_json::json;

#[tokio::test]
async fn no_secret_or_token_in_trace_output_errors_or_debug() {
    let captured = Captured::default();
    let sink = captured.clone();
    // Everything at TRACE but the mock server's own logs (it prints the
    // requests it receives, secret included: that is the server, not us).
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("trace,httpmock=off"))
        .with_writer(move || sink.clone())
        .with_ansi(false)
        .init();

    let mut printed = Vec::new();
    // 1. Success: token, then a call.
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    server
        .mock_async(|w, t| {
            w.method(GET).path("/api/Tickets/1");
            t.status(200).json_body(json!({"id": 1}));
        })
        .await;
    let halo = client(&server);
    halo.get_ticket(1).await.unwrap();
    printed.push(format!("{halo:?}"));
    printed.push(format!("{:?}", config(&server)));

    // 2. A 401 loop: renewal, repeat, error.
    server
        .mock_async(|w, t| {
            w.method(GET).path("/api/Tickets/2");
            t.status(401).body("denied");
        })
        .await;
    let e = halo.get_ticket(2).await.unwrap_err();
    printed.push(format!("{e} {e:?}"));
    let raw = halo.raw().get_tickets_by_id().id(2).send().await.unwrap_err();
    printed.push(format!("{raw} {raw:?}"));

    // 3. Bad credentials, echoing the secret back (a server bug we must not repeat).
    let bad = MockServer::start_async().await;
    bad.mock_async(|w, t| {
        w.method(POST).path("/auth/token");
        t.status(401)
            .json_body(json!({"error": "invalid_client", "error_description": format!("bad secret {SECRET}")}));
    })
    .await;
    let e = client(&bad).get_ticket(1).await.unwrap_err();
    printed.push(format!("{e} {e:?}"));
    assert!(e.to_string().contains("invalid_client"));

    // 4. A token answer that does not parse / has no token.
    let odd = MockServer::start_async().await;
    odd.mock_async(|w, t| {
        w.method(POST).path("/auth/token");
        t.status(200).body(format!("<html>{TOKEN}</html>"));
    })
    .await;
    let e = client(&odd).get_ticket(1).await.unwrap_err();
    printed.push(format!("{e} {e:?}"));

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("halo.request"), "our spans were captured");
    assert!(logs.len() > 1000, "TRACE output from reqwest/hyper too: {} bytes", logs.len());
    for (what, text) in
        [("trace output", logs.as_str())].into_iter().chain(printed.iter().map(|p| ("printed", p.as_str())))
    {
        assert!(!text.contains(SECRET), "the client secret in {what}: {text:.300}");
        assert!(!text.contains("Bearer tok"), "a bearer token in {what}");
    }
    // The odd answer echoed a token-like string in HTML: it may show as Halo's
    // text, but never as a bearer credential; our own token never appears.
    assert!(!logs.contains(TOKEN), "the access token in trace output");
}
