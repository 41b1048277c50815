//! Connecting: token requests, reuse, renewal, concurrency, failures.

use crate::common;
use common::*;
use halo_api_ext::{HaloClient, HaloConfig, HaloError};
use httpmock::prelude::*;
use serde_json::json;
use std::time::Duration;

async fn statuses<'a>(server: &'a MockServer, token: &str) -> httpmock::Mock<'a> {
    let token = token.to_string();
    server
        .mock_async(move |when, then| {
            when.method(GET).path("/api/Status").header("authorization", format!("Bearer {token}"));
            then.status(200).json_body(json!([{"id": 1, "name": "New"}]));
        })
        .await
}

#[tokio::test]
async fn cloud_token_request_then_bearer_on_calls_and_token_reused() {
    let server = MockServer::start_async().await;
    let token = token_mock(&server).await;
    let api = statuses(&server, TOKEN).await;
    let halo = client(&server);
    for _ in 0..3 {
        let s = halo.list_statuses().collect().await.unwrap();
        assert_eq!(s[0].name.as_deref(), Some("New"));
    }
    token.assert_calls_async(1).await;
    api.assert_calls_async(3).await;
    assert_eq!(halo.token_requests(), 1);
}

#[tokio::test]
async fn separate_auth_host_on_prem_and_custom_scope() {
    let server = MockServer::start_async().await;
    // Auth server given: https://AUTH_HOST/token; on premise: no tenant.
    let token = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/idp/token")
                .query_param_missing("tenant")
                .form_urlencoded_tuple("scope", "read:tickets")
                .form_urlencoded_tuple("client_id", "client-1");
            then.status(200).json_body(json!({"access_token": "onprem-tok", "expires_in": 600}));
        })
        .await;
    let api = statuses(&server, "onprem-tok").await;
    let mut c = HaloConfig::on_prem(&server.base_url(), "client-1", SECRET);
    c.auth_host = Some(format!("{}/idp", server.base_url()));
    c.scope = "read:tickets".into();
    c.rate_limit = None;
    let halo = HaloClient::new(c).unwrap();
    halo.list_statuses().collect().await.unwrap();
    token.assert_async().await;
    api.assert_async().await;
}

#[tokio::test]
async fn cloud_with_auth_host_keeps_the_tenant() {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(POST).path("/auth/token").query_param("tenant", "acme");
            then.status(200).json_body(json!({"access_token": TOKEN, "expires_in": 600}));
        })
        .await;
    let api = statuses(&server, TOKEN).await;
    let mut c = config(&server);
    c.auth_host = Some(format!("{}/auth", server.base_url()));
    HaloClient::new(c).unwrap().list_statuses().collect().await.unwrap();
    token.assert_async().await;
    api.assert_async().await;
}

#[tokio::test]
async fn fifty_concurrent_calls_cause_one_token_request() {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(POST).path("/auth/token");
            then.status(200)
                .delay(Duration::from_millis(200))
                .json_body(json!({"access_token": TOKEN, "expires_in": 3600}));
        })
        .await;
    let api = statuses(&server, TOKEN).await;
    let halo = client(&server);
    let calls = (0..50).map(|_| {
        let h = halo.clone();
        tokio::spawn(async move { h.list_statuses().collect().await })
    });
    for r in futures::future::join_all(calls).await {
        r.unwrap().unwrap();
    }
    token.assert_calls_async(1).await;
    api.assert_calls_async(50).await;
}

#[tokio::test]
async fn token_renewed_before_expiry() {
    let server = MockServer::start_async().await;
    // expires_in 2 s: renewed at 90% of its life.
    let token = server
        .mock_async(|when, then| {
            when.method(POST).path("/auth/token");
            then.status(200).json_body(json!({"access_token": TOKEN, "expires_in": 2}));
        })
        .await;
    let api = statuses(&server, TOKEN).await;
    let halo = client(&server);
    halo.list_statuses().collect().await.unwrap();
    halo.list_statuses().collect().await.unwrap();
    token.assert_calls_async(1).await;
    tokio::time::sleep(Duration::from_millis(1900)).await;
    halo.list_statuses().collect().await.unwrap();
    token.assert_calls_async(2).await;
    api.assert_calls_async(3).await;
}

#[tokio::test]
async fn a_401_renews_once_and_repeats_once() {
    let server = MockServer::start_async().await;
    // The token "old" works for a first call...
    let old_token = server
        .mock_async(|when, then| {
            when.method(POST).path("/auth/token");
            then.status(200).json_body(json!({"access_token": "old", "expires_in": 3600}));
        })
        .await;
    let old_ok = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/Status/1").header("authorization", "Bearer old");
            then.status(200).json_body(json!({"id": 1}));
        })
        .await;
    let halo = client(&server);
    halo.get_status(1).await.unwrap();
    old_token.assert_calls_async(1).await;
    old_token.delete_async().await;
    old_ok.delete_async().await;
    // ...then Halo revokes it: one 401, one renewal, one repeat with the new token.
    let revoked = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/Status/1").header("authorization", "Bearer old");
            then.status(401).body("token revoked");
        })
        .await;
    let new_token = token_mock(&server).await;
    let ok = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/Status/1").header("authorization", bearer());
            then.status(200).json_body(json!({"id": 1, "name": "New"}));
        })
        .await;
    let s = halo.get_status(1).await.unwrap();
    assert_eq!(s.name.as_deref(), Some("New"));
    revoked.assert_calls_async(1).await;
    new_token.assert_calls_async(1).await;
    ok.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_second_401_is_an_auth_error() {
    let server = MockServer::start_async().await;
    let token = token_mock(&server).await;
    let api = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/Status/1");
            then.status(401).body("{\"message\": \"Access denied\"}");
        })
        .await;
    let err = client(&server).get_status(1).await.unwrap_err();
    assert!(matches!(err, HaloError::Auth { status: 401, .. }), "{err:?}");
    assert!(err.to_string().contains("Access denied"), "{err}");
    api.assert_calls_async(2).await;
    token.assert_calls_async(2).await;
}

/// A 403 is a permission the agent lacks, not a stale token: it is
/// `Forbidden`, naming the operation and what to change, at once; the
/// token is not renewed and the request is not repeated.
#[tokio::test]
async fn a_403_is_forbidden_at_once_without_a_renewal() {
    let server = MockServer::start_async().await;
    let token = token_mock(&server).await;
    let api = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/Status/1").header("authorization", bearer());
            then.status(403).body("{\"message\": \"You do not have permission to view statuses\"}");
        })
        .await;
    let err = client(&server).get_status(1).await.unwrap_err();
    assert!(
        matches!(&err, HaloError::Forbidden { operation, message }
            if operation == "get_status_by_id" && message.contains("You do not have permission")),
        "{err:?}"
    );
    assert_eq!(err.status(), Some(403));
    assert!(!err.is_retryable());
    let text = err.to_string();
    assert!(text.contains("refused get_status_by_id (403)") && text.contains("lacks a permission"), "{text}");
    api.assert_calls_async(1).await;
    token.assert_calls_async(1).await;
}

#[tokio::test]
async fn bad_credentials_carry_halos_message_not_the_secret() {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(POST).path("/auth/token");
            then.status(400)
                .json_body(json!({"error": "invalid_client", "error_description": "Client authentication failed"}));
        })
        .await;
    let api = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/Status");
            then.status(200).json_body(json!([]));
        })
        .await;
    let halo = client(&server);
    let err = halo.list_statuses().collect().await.unwrap_err();
    assert!(matches!(err, HaloError::Auth { status: 400, .. }), "{err:?}");
    let text = format!("{err} {err:?} {halo:?}");
    assert!(text.contains("invalid_client: Client authentication failed"), "{text}");
    assert!(!text.contains(SECRET), "{text}");
    token.assert_calls_async(1).await;
    api.assert_calls_async(0).await;

    // The same through a generated operation: an auth error, nothing sent to the API.
    let raw = halo.raw().get_status().send().await.unwrap_err();
    assert!(raw.to_string().contains("invalid_client"), "{raw}");
    assert!(!raw.to_string().contains(SECRET));
    api.assert_calls_async(0).await;
}

#[tokio::test]
async fn a_bad_config_fails_before_any_request() {
    let server = MockServer::start_async().await;
    let mut c = config(&server);
    c.tenant = None;
    let err = HaloClient::new(c).unwrap_err();
    assert!(matches!(&err, HaloError::Config { setting, .. } if setting.contains("tenant")), "{err}");
    assert_eq!(
        server
            .mock_async(|w, t| {
                w.any_request();
                t.status(500);
            })
            .await
            .calls_async()
            .await,
        0
    );
}
