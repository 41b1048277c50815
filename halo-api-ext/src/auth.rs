//! OAuth2 client credentials, as Halo's integrations use them.
//!
//! The token is cached and renewed a minute before it expires (or at 90% of
//! its life for short tokens). Callers that find no valid token queue on one
//! async mutex, so any number of tasks starting at once cause one token
//! request. A 401 invalidates exactly the token it was answered for, so that
//! concurrent 401s renew it once.

use halo_api::HaloError;
use halo_api::error::excerpt;
use halo_api::wire::describe;
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;
use url::Url;

/// A bearer token. Never printed: `Debug` shows only that there is one.
#[derive(Clone)]
pub struct Token {
    secret: Arc<SecretString>,
    renew_at: Instant,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token([REDACTED])")
    }
}

impl Token {
    /// The `Authorization` header value, marked sensitive so that reqwest
    /// and anything that prints headers leave it out.
    pub(crate) fn header(&self) -> reqwest::header::HeaderValue {
        let mut v = reqwest::header::HeaderValue::from_str(&format!("Bearer {}", self.secret.expose_secret()))
            .unwrap_or_else(|_| reqwest::header::HeaderValue::from_static("Bearer invalid"));
        v.set_sensitive(true);
        v
    }

    fn same(&self, other: &Token) -> bool {
        Arc::ptr_eq(&self.secret, &other.secret)
    }
}

pub(crate) struct Auth {
    http: reqwest::Client,
    token_url: Url,
    client_id: String,
    client_secret: SecretString,
    scope: String,
    current: Mutex<Option<Token>>,
    requests: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth").field("token_url", &self.token_url.as_str()).field("client_id", &self.client_id).finish()
    }
}

#[derive(serde::Deserialize)]
struct TokenAnswer {
    access_token: Option<SecretString>,
    expires_in: Option<serde_json::Value>,
    error: Option<String>,
    error_description: Option<String>,
}

impl Auth {
    pub(crate) fn new(
        http: reqwest::Client,
        token_url: Url,
        client_id: String,
        secret: SecretString,
        scope: String,
    ) -> Self {
        Self {
            http,
            token_url,
            client_id,
            client_secret: secret,
            scope,
            current: Mutex::new(None),
            requests: Default::default(),
        }
    }

    /// How many token requests were sent.
    pub(crate) fn token_requests(&self) -> u64 {
        self.requests.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A valid token, from the cache or from one new request.
    pub(crate) async fn token(&self) -> Result<Token, HaloError> {
        let mut current = self.current.lock().await;
        if let Some(t) = current.as_ref().filter(|t| Instant::now() < t.renew_at) {
            return Ok(t.clone());
        }
        let t = self.request().await?;
        *current = Some(t.clone());
        Ok(t)
    }

    /// Forgets `used` if it is still the cached token (after a 401).
    pub(crate) async fn invalidate(&self, used: &Token) {
        let mut current = self.current.lock().await;
        if current.as_ref().is_some_and(|t| t.same(used)) {
            *current = None;
        }
    }

    async fn request(&self) -> Result<Token, HaloError> {
        self.requests.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose_secret()),
            ("scope", self.scope.as_str()),
        ];
        let started = Instant::now();
        let resp = self.http.post(self.token_url.clone()).form(&form).send().await.map_err(|e| HaloError::Auth {
            status: 0,
            message: format!("token request to {} failed: {}", redacted_url(&self.token_url), describe(&e)),
        })?;
        let status = resp.status().as_u16();
        let body = resp.bytes().await.map_err(|e| HaloError::Auth { status, message: describe(&e) })?;
        let answer: Option<TokenAnswer> = serde_json::from_slice(&body).ok();
        let halo_says = |a: &Option<TokenAnswer>| match a {
            Some(TokenAnswer { error: Some(e), error_description, .. }) => {
                format!("{e}{}", error_description.as_ref().map(|d| format!(": {d}")).unwrap_or_default())
            }
            _ => excerpt(&body),
        };
        if !(200..300).contains(&status) {
            return Err(HaloError::Auth { status, message: scrub(&halo_says(&answer), &self.client_secret) });
        }
        let Some(TokenAnswer { access_token: Some(secret), expires_in, .. }) = answer else {
            return Err(HaloError::Auth {
                status,
                message: format!(
                    "the token answer has no access_token: {}",
                    scrub(&halo_says(&answer), &self.client_secret)
                ),
            });
        };
        let lifetime = expires_in
            .and_then(|v| v.as_f64().or_else(|| v.as_str().and_then(|s| s.parse().ok())))
            .filter(|s| *s > 0.0)
            .map(Duration::from_secs_f64)
            .unwrap_or(Duration::from_secs(3600));
        let margin = Duration::from_secs(60).min(lifetime / 10);
        tracing::debug!(target: "halo", lifetime_s = lifetime.as_secs(), "token renewed");
        Ok(Token { secret: Arc::new(secret), renew_at: started + lifetime - margin })
    }
}

/// The token URL without its query (the tenant is not a secret, but keep
/// messages short and predictable).
fn redacted_url(u: &Url) -> String {
    let mut u = u.clone();
    u.set_query(None);
    u.to_string()
}

/// Halo's error text with the secret removed, should a server echo it.
fn scrub(text: &str, secret: &SecretString) -> String {
    let s = secret.expose_secret();
    if s.len() >= 4 { text.replace(s, "[REDACTED]") } else { text.to_string() }
}
