//! What every request goes through, generated operation or not: the bearer
//! token, the client-side rate limiter, and retries.
//!
//! Retry rules:
//! - 429: waited out (Retry-After when Halo sends it, else exponential
//!   backoff with jitter) and repeated, whatever the method: Halo did not
//!   process the request;
//! - 502, 503, 504, timeouts and dropped connections: repeated for GET,
//!   HEAD and DELETE only. A POST (upsert) is never repeated once it may have
//!   reached Halo: a retry must not create a second ticket. A connection that
//!   could not be opened never reached Halo, so any method is repeated then;
//! - 401: the token is renewed once and the request repeated once;
//! - all bounded by [`RetryPolicy`]: attempts and total waiting time.

use crate::auth::{Auth, Token};
use crate::config::{RateLimit, RetryPolicy};
use governor::{DefaultDirectRateLimiter, Quota};
use reqwest::{Method, Request, Response, StatusCode};
use std::num::NonZeroU32;
use std::time::{Duration, Instant};
use tracing::Instrument as _;

pub struct Policy {
    pub(crate) auth: Auth,
    limiter: Option<DefaultDirectRateLimiter>,
    retry: RetryPolicy,
}

impl std::fmt::Debug for Policy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Policy").field("auth", &self.auth).field("retry", &self.retry).finish_non_exhaustive()
    }
}

/// How a request ended when no response could be returned.
pub(crate) struct Failure {
    pub error: FailureKind,
    /// The request may have reached Halo (not repeated).
    pub may_have_applied: bool,
}

pub(crate) enum FailureKind {
    Auth(crate::HaloError),
    Network(reqwest::Error),
}

impl Policy {
    pub(crate) fn new(auth: Auth, rate: Option<RateLimit>, retry: RetryPolicy) -> Self {
        let limiter = rate.map(|r| {
            let period = r.per / r.requests.max(1);
            let quota = Quota::with_period(period.max(Duration::from_nanos(1)))
                .expect("period is not zero")
                .allow_burst(NonZeroU32::new(r.burst.max(1)).expect("burst is at least 1"));
            DefaultDirectRateLimiter::direct(quota)
        });
        Self { auth, limiter, retry }
    }

    pub(crate) fn max_attempts(&self) -> u32 {
        self.retry.max_attempts.max(1)
    }

    pub(crate) fn is_idempotent(m: &Method) -> bool {
        matches!(*m, Method::GET | Method::HEAD | Method::DELETE | Method::OPTIONS)
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self.retry.base_delay.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let capped = exp.min(self.retry.max_delay);
        // Jitter: between half and all of it.
        capped.mul_f64(0.5 + fastrand::f64() / 2.0)
    }

    /// Halo's Retry-After: seconds or an HTTP date.
    pub(crate) fn retry_after(resp: &Response) -> Option<Duration> {
        let v = resp.headers().get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
        if let Ok(secs) = v.parse::<f64>() {
            return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(86_400.0)));
        }
        let when = httpdate::parse_http_date(v).ok()?;
        Some(when.duration_since(std::time::SystemTime::now()).unwrap_or(Duration::ZERO))
    }

    /// Sends `request` under the policy. A response is returned whatever its
    /// status once the rules say stop; `Err` only when there is no response.
    pub(crate) async fn send(
        &self,
        client: &reqwest::Client,
        mut request: Request,
        operation: &'static str,
    ) -> Result<Response, Failure> {
        let method = request.method().clone();
        let idempotent = Self::is_idempotent(&method);
        let span = tracing::info_span!(
            target: "halo",
            "halo.request",
            operation,
            method = %method,
            path = %request.url().path(),
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        async move {
            let mut waited = Duration::ZERO;
            let mut renewed = false;
            let mut attempt = 0u32;
            loop {
                attempt += 1;
                let token = self
                    .auth
                    .token()
                    .await
                    .map_err(|e| Failure { error: FailureKind::Auth(e), may_have_applied: false })?;
                if let Some(l) = &self.limiter {
                    l.until_ready().await;
                }
                let spare = request.try_clone();
                request.headers_mut().insert(reqwest::header::AUTHORIZATION, token.header());
                let started = Instant::now();
                let result = client.execute(request).await;
                let span = tracing::Span::current();
                span.record("attempt", attempt);
                span.record("latency_ms", started.elapsed().as_millis() as u64);
                let can_retry = attempt < self.retry.max_attempts && spare.is_some();
                match result {
                    Ok(resp) => {
                        let status = resp.status();
                        span.record("status", status.as_u16());
                        tracing::debug!(target: "halo", status = status.as_u16(), attempt, "answer");
                        let wait = match status {
                            StatusCode::UNAUTHORIZED if !renewed && spare.is_some() => {
                                self.renew(&token).await;
                                renewed = true;
                                Some(Duration::ZERO)
                            }
                            StatusCode::TOO_MANY_REQUESTS if can_retry => {
                                Some(Self::retry_after(&resp).unwrap_or_else(|| self.backoff(attempt)))
                            }
                            StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT
                                if can_retry && idempotent =>
                            {
                                Some(self.backoff(attempt))
                            }
                            _ => None,
                        };
                        match wait {
                            Some(d) if waited + d <= self.retry.max_total_wait && d <= self.retry.max_delay => {
                                drop(resp);
                                tracing::info!(target: "halo", status = status.as_u16(), attempt, wait_ms = d.as_millis() as u64, "retrying");
                                tokio::time::sleep(d).await;
                                waited += d;
                                request = spare.expect("checked by can_retry / renew guard");
                            }
                            _ => return Ok(resp),
                        }
                    }
                    Err(e) => {
                        // A connection that never opened did not reach Halo.
                        let reached = !e.is_connect();
                        let retry = can_retry && (idempotent || !reached) && (e.is_timeout() || e.is_connect() || e.is_request() || e.is_body());
                        let d = self.backoff(attempt);
                        if retry && waited + d <= self.retry.max_total_wait {
                            tracing::info!(target: "halo", attempt, wait_ms = d.as_millis() as u64, error = %e, "retrying after a network error");
                            tokio::time::sleep(d).await;
                            waited += d;
                            request = spare.expect("checked by can_retry");
                            continue;
                        }
                        tracing::warn!(target: "halo", attempt, error = %e, "network error");
                        return Err(Failure { error: FailureKind::Network(e), may_have_applied: reached && !idempotent });
                    }
                }
            }
        }
        .instrument(span)
        .await
    }

    async fn renew(&self, used: &Token) {
        tracing::info!(target: "halo", "401: renewing the token once");
        self.auth.invalidate(used).await;
    }
}
