//! Shared set-up: a mock Halo on loopback and a client pointed at it.
#![allow(dead_code)]

use halo_api_ext::{HaloClient, HaloConfig, RetryPolicy};
use httpmock::prelude::*;
use std::time::Duration;

pub const SECRET: &str = "s3cret-client-secret-value";
pub const TOKEN: &str = "tok-abc-123";

/// A config for `server` as a cloud instance with tenant `acme`, no rate
/// limit and fast retries.
pub fn config(server: &MockServer) -> HaloConfig {
    let mut c = HaloConfig::cloud(&server.base_url(), "acme", "client-1", SECRET);
    c.rate_limit = None;
    c.retry = RetryPolicy::default()
        .with_max_attempts(4)
        .with_base_delay(Duration::from_millis(5))
        .with_max_delay(Duration::from_secs(5))
        .with_max_total_wait(Duration::from_secs(10));
    c
}

pub fn client(server: &MockServer) -> HaloClient {
    HaloClient::new(config(server)).unwrap()
}

/// The token endpoint of a cloud instance: POST /auth/token?tenant=acme.
pub async fn token_mock(server: &MockServer) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/auth/token")
                .query_param("tenant", "acme")
                .header("content-type", "application/x-www-form-urlencoded")
                .form_urlencoded_tuple("grant_type", "client_credentials")
                .form_urlencoded_tuple("client_id", "client-1")
                .form_urlencoded_tuple("client_secret", SECRET)
                .form_urlencoded_tuple("scope", "all");
            then.status(200).json_body(serde_json::json!({
                "access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600
            }));
        })
        .await
}

pub mod scripted;
pub mod window;

pub fn bearer() -> String {
    format!("Bearer {TOKEN}")
}

/// A `tracing` writer that keeps what it is given, for asserting on logs.
#[derive(Clone, Default)]
pub struct Captured(pub std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}
