//! OAuth2 client credentials, as Halo's integrations use them.
//!
//! The token is cached and renewed a minute before it expires (or at 90% of
//! its life for short tokens). Callers that find no valid token queue on one
//! async mutex, so any number of tasks starting at once cause one token
//! request. A 401 invalidates exactly the token it was answered for, so that
//! concurrent 401s renew it once.
//!
//! The token endpoint is an ordinary HTTP service: it can answer 5xx, reset
//! a connection or rate-limit like the API, and a long-running client meets
//! that at some hourly renewal. So the token request goes through the same
//! retry bounds ([`RetryPolicy`]): network errors, 500/502/503/504 and 429
//! (its Retry-After honoured up to `max_retry_after`) are tried again;
//! asking for a token twice is harmless. A 400/401 (bad credentials) is not.
//!
//! The answer is read up to `max_response_bytes`. `expires_in` of any shape
//! gives a lifetime between [`MIN_LIFETIME`] and [`MAX_LIFETIME`]: missing,
//! unreadable, zero or negative means an hour (a token that turns out to be
//! expired is answered 401, which renews it once), huge means a day.
//!
//! The secret goes to the token URL only: the token request follows no
//! redirect (its client is built with `redirect::Policy::none()`), so a 307
//! or 308 cannot carry the form, secret included, to another origin or to
//! plain http. Halo's error text is scrubbed of the secret (as sent and in
//! its URL-encoded form) before it is cut to an excerpt.

use crate::config::RetryPolicy;
use halo_api::HaloError;
use halo_api::error::excerpt;
use halo_api::wire::{self, BodyError, describe};
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

    /// The token itself, for scrubbing it from error text.
    pub(crate) fn expose(&self) -> &str {
        self.secret.expose_secret()
    }

    fn same(&self, other: &Token) -> bool {
        Arc::ptr_eq(&self.secret, &other.secret)
    }
}

/// The shortest token lifetime assumed, whatever `expires_in` says: at
/// most one token request a second.
pub const MIN_LIFETIME: Duration = Duration::from_secs(1);
/// The longest: a day.
pub const MAX_LIFETIME: Duration = Duration::from_secs(86_400);
/// When `expires_in` is missing or unreadable.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

pub(crate) struct Auth {
    /// Follows no redirect.
    http: reqwest::Client,
    token_url: Url,
    client_id: String,
    client_secret: SecretString,
    scope: String,
    retry: RetryPolicy,
    max_response_bytes: u64,
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
    /// `http` must follow no redirect (see the module docs).
    pub(crate) fn new(
        http: reqwest::Client,
        token_url: Url,
        client_id: String,
        secret: SecretString,
        scope: String,
        retry: RetryPolicy,
        max_response_bytes: u64,
    ) -> Self {
        Self {
            http,
            token_url,
            client_id,
            client_secret: secret,
            scope,
            retry,
            max_response_bytes,
            current: Mutex::new(None),
            requests: Default::default(),
        }
    }

    /// The client secret, for scrubbing it from error text.
    pub(crate) fn secret(&self) -> &str {
        self.client_secret.expose_secret()
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

    /// One token, trying again on what is transient (see the module docs).
    async fn request(&self) -> Result<Token, HaloError> {
        let mut waited = Duration::ZERO;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let (error, retry_after) = match self.request_once().await {
                Ok(token) => return Ok(token),
                Err(Failure::Final(e)) => return Err(e),
                Err(Failure::Transient(e, retry_after)) => (e, retry_after),
            };
            let wait = match retry_after {
                Some(d) if d <= self.retry.max_retry_after => d,
                Some(_) => return Err(error),
                None => self.retry.backoff(attempt),
            };
            if attempt >= self.retry.max_attempts || waited + wait > self.retry.max_total_wait {
                return Err(error);
            }
            if wait > crate::limiter::WARN_WAIT {
                tracing::warn!(target: "halo", attempt, wait_s = wait.as_secs_f64(), error = %error, "the token request failed; waiting {:.0} s before asking again", wait.as_secs_f64());
            } else {
                tracing::info!(target: "halo", attempt, wait_ms = wait.as_millis() as u64, error = %error, "the token request failed; asking again");
            }
            tokio::time::sleep(wait).await;
            waited += wait;
        }
    }

    async fn request_once(&self) -> Result<Token, Failure> {
        self.requests.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose_secret()),
            ("scope", self.scope.as_str()),
        ];
        let started = Instant::now();
        let failed = |status: u16, message: String| HaloError::Auth { status, message };
        let mut resp = self.http.post(self.token_url.clone()).form(&form).send().await.map_err(|e| {
            Failure::Transient(
                failed(0, format!("token request to {} failed: {}", redacted_url(&self.token_url), describe(&e))),
                None,
            )
        })?;
        let status = resp.status().as_u16();
        if resp.status().is_redirection() {
            let to = resp.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("?");
            let to = Url::parse(to).map(|u| redacted_url(&u)).unwrap_or_else(|_| excerpt(to.as_bytes()));
            return Err(Failure::Final(failed(
                status,
                format!(
                    "the token endpoint {} redirected to {to}; not followed: the secret goes only to the \
                     configured token URL (set HALO_AUTH_HOST to the auth server Halo names)",
                    redacted_url(&self.token_url)
                ),
            )));
        }
        let retry_after = wire::retry_after(resp.headers());
        let body = match wire::read_body(&mut resp, self.max_response_bytes).await {
            Ok(b) => b,
            Err(BodyError::TooLarge) => {
                return Err(Failure::Final(failed(
                    status,
                    format!(
                        "the token answer is longer than the {} bytes allowed (max_response_bytes)",
                        self.max_response_bytes
                    ),
                )));
            }
            Err(BodyError::CutOff(e)) => {
                return Err(Failure::Transient(
                    failed(status, format!("reading the token answer: {}", describe(&e))),
                    None,
                ));
            }
        };
        let answer: Option<TokenAnswer> = serde_json::from_slice(&body).ok();
        let halo_says = |a: &Option<TokenAnswer>| match a {
            Some(TokenAnswer { error: Some(e), error_description, .. }) => scrub(
                &format!("{e}{}", error_description.as_ref().map(|d| format!(": {d}")).unwrap_or_default()),
                &self.client_secret,
            ),
            _ => excerpt(scrub(&String::from_utf8_lossy(&body), &self.client_secret).as_bytes()),
        };
        if !(200..300).contains(&status) {
            let e = failed(status, halo_says(&answer));
            return Err(match status {
                429 => Failure::Transient(e, retry_after),
                500 | 502 | 503 | 504 => Failure::Transient(e, None),
                _ => Failure::Final(e),
            });
        }
        let Some(TokenAnswer { access_token: Some(secret), expires_in, .. }) = answer else {
            return Err(Failure::Final(failed(
                status,
                format!("the token answer has no access_token: {}", halo_says(&answer)),
            )));
        };
        let lifetime = lifetime(expires_in.as_ref());
        let margin = Duration::from_secs(60).min(lifetime / 10);
        tracing::debug!(target: "halo", lifetime_s = lifetime.as_secs(), "token renewed");
        Ok(Token { secret: Arc::new(secret), renew_at: started + lifetime - margin })
    }
}

/// How a token request failed: worth another try, or not.
enum Failure {
    /// With Halo's Retry-After, when it sent one.
    Transient(HaloError, Option<Duration>),
    Final(HaloError),
}

/// A token's lifetime from `expires_in`, whatever its shape (see the module
/// docs): never a panic, never outside [`MIN_LIFETIME`]..=[`MAX_LIFETIME`].
fn lifetime(expires_in: Option<&serde_json::Value>) -> Duration {
    let secs = expires_in.and_then(|v| v.as_f64().or_else(|| v.as_str().and_then(|s| s.trim().parse::<f64>().ok())));
    match secs {
        Some(s) if s.is_nan() || s <= 0.0 => DEFAULT_LIFETIME,
        Some(s) if s <= MIN_LIFETIME.as_secs_f64() => MIN_LIFETIME,
        Some(s) if s >= MAX_LIFETIME.as_secs_f64() => MAX_LIFETIME,
        Some(s) => Duration::from_secs_f64(s),
        None => DEFAULT_LIFETIME,
    }
}

/// The token URL without its query (the tenant is not a secret, but keep
/// messages short and predictable).
fn redacted_url(u: &Url) -> String {
    let mut u = u.clone();
    u.set_query(None);
    u.to_string()
}

/// Halo's error text with the secret removed, should a server echo it: as
/// sent, and URL-encoded (as it went in the form). Call it before cutting an
/// excerpt, so that no part of the secret survives at the cut.
pub(crate) fn scrub(text: &str, secret: &SecretString) -> String {
    scrub_all(text, &[secret.expose_secret()])
}

/// [`scrub`] for several secrets (the client secret, a bearer token).
pub(crate) fn scrub_all(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_string();
    for s in secrets.iter().filter(|s| s.len() >= 4) {
        let encoded: String = url::form_urlencoded::byte_serialize(s.as_bytes()).collect();
        for form in [s.to_string(), encoded] {
            if out.contains(&form) {
                out = out.replace(&form, "[REDACTED]");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn any_expires_in_gives_a_sane_lifetime() {
        let l = |v: serde_json::Value| lifetime(Some(&v));
        assert_eq!(l(json!(3600)), Duration::from_secs(3600));
        assert_eq!(l(json!("1800")), Duration::from_secs(1800));
        assert_eq!(l(json!(1e300)), MAX_LIFETIME);
        assert_eq!(l(json!(u64::MAX)), MAX_LIFETIME);
        assert_eq!(l(json!(-5)), DEFAULT_LIFETIME);
        assert_eq!(l(json!(0)), DEFAULT_LIFETIME);
        assert_eq!(l(json!(0.001)), MIN_LIFETIME);
        assert_eq!(l(json!(2)), Duration::from_secs(2));
        assert_eq!(l(json!("NaN")), DEFAULT_LIFETIME);
        assert_eq!(l(json!("inf")), MAX_LIFETIME);
        assert_eq!(l(json!("soon")), DEFAULT_LIFETIME);
        assert_eq!(l(json!({"a": 1})), DEFAULT_LIFETIME);
        assert_eq!(lifetime(None), DEFAULT_LIFETIME);
    }

    #[test]
    fn the_secret_is_scrubbed_as_sent_and_url_encoded() {
        let secret = SecretString::from("s3cr+t/&=value");
        let text = "bad client_secret=s3cr%2Bt%2F%26%3Dvalue or s3cr+t/&=value";
        let out = scrub(text, &secret);
        assert_eq!(out, "bad client_secret=[REDACTED] or [REDACTED]");
    }
}
