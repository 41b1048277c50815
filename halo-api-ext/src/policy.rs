//! What every request goes through, generated operation or not: the bearer
//! token, the client-side rate limit (a rolling window that lowers itself
//! after a 429: see `limiter.rs`), retries, and reading the answer.
//!
//! Retry rules:
//! - 429: waited out (Retry-After when Halo sends it, up to
//!   `max_retry_after`, 6 minutes by default, which covers Halo's 5-minute
//!   window; else exponential backoff with jitter) and repeated, whatever
//!   the method: Halo did not process the request. A wait longer than a few
//!   seconds is a WARN event (the CLI prints it on stderr);
//! - 502, 503, 504, timeouts, dropped connections and answers cut off
//!   mid-body: repeated for GET, HEAD and DELETE only. A POST (upsert) is
//!   never repeated once it may have reached Halo: a retry must not create a
//!   second ticket. A connection that could not be opened never reached
//!   Halo, so any method is repeated then;
//! - 401: the token is renewed once and the request repeated once; a 403
//!   is [`HaloError::Forbidden`] at once (a permission the agent lacks: a
//!   new token would not have it either);
//! - a DELETE repeated after a network error, a cut-off answer or a 5xx,
//!   and then answered 404, succeeded: the first attempt took, and the
//!   record is gone as asked. It is answered as a success (200, empty
//!   body), with an INFO event;
//! - all bounded by [`RetryPolicy`]: attempts and total waiting time. The
//!   answer is read inside the same loop, so an answer cut off mid-body uses
//!   the same attempts as any other failure (no second budget).
//!
//! Answers are read up to `max_response_bytes`; a longer one is
//! [`HaloError::ResponseTooLarge`], not an allocation. The body of an error
//! answer is scrubbed of the bearer token and the client secret (as sent
//! and URL-encoded) before it is quoted.
//!
//! Redirects: the API's HTTP client follows a redirect only to the same
//! origin (scheme, host and port), so no request carries the token or a
//! body to another origin, or from https to http; any other redirect is
//! answered as it is (an [`HaloError::Api`] naming its status). The token
//! request follows none (see `auth.rs`).
//!
//! Halo's clock: every answer's `Date` header is kept (see
//! [`crate::changes::halo_now`]), for change feeds.

use crate::auth::{Auth, Token};
use crate::config::{RateLimit, RetryPolicy};
use crate::limiter::RollingWindow;
use halo_api::HaloError;
use halo_api::wire::{self, Answer, BodyError};
use reqwest::{Request, StatusCode};
use std::time::{Duration, Instant};
use tracing::Instrument as _;

/// The policy every request of a [`crate::HaloClient`] goes through (token,
/// rate limit, retries, bounded reads), plugged into halo-api's
/// [`halo_api::Transport`] seam.
pub struct Policy {
    pub(crate) auth: Auth,
    limiter: Option<RollingWindow>,
    retry: RetryPolicy,
    max_response_bytes: u64,
}

impl std::fmt::Debug for Policy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Policy")
            .field("auth", &self.auth)
            .field("limiter", &self.limiter)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

/// A redirect policy that follows only within one origin (scheme, host,
/// port), at most 10 times.
pub(crate) fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let first = attempt.previous().first().cloned();
        let same = first.as_ref().is_some_and(|f| f.origin() == attempt.url().origin());
        if attempt.previous().len() > 10 {
            attempt.error("more than 10 redirects")
        } else if same {
            attempt.follow()
        } else {
            tracing::warn!(
                target: "halo",
                to = %attempt.url().origin().ascii_serialization(),
                "Halo redirected to another origin: not followed (no token or body leaves for another origin)"
            );
            attempt.stop()
        }
    })
}

impl Policy {
    pub(crate) fn new(auth: Auth, rate: Option<RateLimit>, retry: RetryPolicy, max_response_bytes: u64) -> Self {
        Self { auth, limiter: rate.map(RollingWindow::new), retry, max_response_bytes }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        self.retry.backoff(attempt)
    }

    /// Sends `request` under the policy and reads the answer: the whole
    /// answer of a success, or the error the rules ended with.
    pub(crate) async fn exchange(
        &self,
        client: &reqwest::Client,
        mut request: Request,
        operation: &'static str,
    ) -> Result<Answer, HaloError> {
        let method = request.method().clone();
        let idempotent = wire::is_idempotent(&method);
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
            // A repeat after an attempt that may have reached Halo.
            let mut repeated_after_reach = false;
            loop {
                attempt += 1;
                let token = self.auth.token().await?;
                let slot = match &self.limiter {
                    Some(l) => Some(l.acquire().await),
                    None => None,
                };
                let spare = request.try_clone();
                request.headers_mut().insert(reqwest::header::AUTHORIZATION, token.header());
                let started = Instant::now();
                let result = client.execute(request).await;
                if let (Some(l), Some(slot)) = (&self.limiter, slot) {
                    l.answered(slot);
                }
                let span = tracing::Span::current();
                span.record("attempt", attempt);
                let can_retry = attempt < self.retry.max_attempts && spare.is_some();
                let within = |d: Duration, waited: Duration| waited + d <= self.retry.max_total_wait;
                let mut resp = match result {
                    Ok(resp) => resp,
                    Err(e) => {
                        // A connection that never opened did not reach Halo.
                        let reached = !e.is_connect();
                        let retry = can_retry
                            && (idempotent || !reached)
                            && (e.is_timeout() || e.is_connect() || e.is_request() || e.is_body());
                        let d = self.backoff(attempt);
                        if retry && within(d, waited) {
                            tracing::info!(target: "halo", attempt, wait_ms = d.as_millis() as u64, error = %e, "retrying after a network error");
                            tokio::time::sleep(d).await;
                            waited += d;
                            repeated_after_reach |= reached;
                            request = spare.expect("checked by can_retry");
                            continue;
                        }
                        tracing::warn!(target: "halo", attempt, error = %e, "network error");
                        return Err(HaloError::Transport {
                            operation: operation.into(),
                            message: wire::describe(&e),
                            may_have_applied: reached && !idempotent,
                            source: Some(Box::new(e)),
                        });
                    }
                };
                let status = resp.status();
                span.record("status", status.as_u16());
                crate::changes::clock::observe(resp.headers());
                tracing::debug!(target: "halo", status = status.as_u16(), attempt, "answer");
                if status == StatusCode::NOT_FOUND && method == reqwest::Method::DELETE && repeated_after_reach {
                    tracing::info!(target: "halo", operation, attempt, "the DELETE was repeated after an attempt that may have reached Halo, and Halo answered 404: the first attempt took");
                    return Ok(Answer { status: StatusCode::OK, headers: resp.headers().clone(), body: Default::default() });
                }
                // (the wait, the longest allowed for it)
                let wait = match status {
                    StatusCode::UNAUTHORIZED if !renewed && spare.is_some() => {
                        self.renew(&token).await;
                        renewed = true;
                        Some((Duration::ZERO, Duration::ZERO))
                    }
                    StatusCode::TOO_MANY_REQUESTS => {
                        if let Some(l) = &self.limiter {
                            l.throttled();
                        }
                        can_retry.then(|| match wire::retry_after(resp.headers()) {
                            Some(d) => (d, self.retry.max_retry_after),
                            None => (self.backoff(attempt), self.retry.max_delay),
                        })
                    }
                    StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT
                        if can_retry && idempotent =>
                    {
                        repeated_after_reach = true;
                        Some((self.backoff(attempt), self.retry.max_delay))
                    }
                    _ => None,
                };
                if let Some((d, _)) = wait.filter(|(d, most)| within(*d, waited) && d <= most) {
                    drop(resp);
                    if d > crate::limiter::WARN_WAIT {
                        tracing::warn!(target: "halo", operation, status = status.as_u16(), attempt, wait_s = d.as_secs_f64(), "Halo answered {}: waiting {:.0} s before trying again", status.as_u16(), d.as_secs_f64());
                    } else {
                        tracing::info!(target: "halo", status = status.as_u16(), attempt, wait_ms = d.as_millis() as u64, "retrying");
                    }
                    tokio::time::sleep(d).await;
                    waited += d;
                    request = spare.expect("checked by can_retry / renew guard");
                    continue;
                }
                let limit = self.max_response_bytes;
                let body = wire::read_body(&mut resp, limit).await;
                span.record("latency_ms", started.elapsed().as_millis() as u64);
                match body {
                    Ok(body) if status.is_success() => {
                        return wire::judge(operation, status, resp.headers().clone(), body);
                    }
                    Ok(body) => {
                        let text = String::from_utf8_lossy(&body);
                        let scrubbed = crate::auth::scrub_all(&text, &[token.expose(), self.auth.secret()]);
                        let body = if scrubbed == text { body } else { scrubbed.into_bytes().into() };
                        return wire::judge(operation, status, resp.headers().clone(), body);
                    }
                    Err(BodyError::CutOff(e)) if can_retry && idempotent => {
                        let d = self.backoff(attempt);
                        if within(d, waited) {
                            tracing::warn!(target: "halo", attempt, error = %e, "the answer was cut off; repeating the request");
                            tokio::time::sleep(d).await;
                            waited += d;
                            repeated_after_reach = true;
                            request = spare.expect("checked by can_retry");
                            continue;
                        }
                        return Err(wire::body_error(operation, BodyError::CutOff(e), limit, false));
                    }
                    Err(e) => return Err(wire::body_error(operation, e, limit, !idempotent)),
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
