//! One error type for all of halo-rs: every generated operation of halo-api
//! answers it, and halo-api-ext's named actions, generic requests and
//! config checks answer the same type (re-exported there as
//! `halo_api_ext::HaloError`). Messages never carry a secret or a token.

use std::time::Duration;

/// Bodies quoted in errors are cut to this many bytes.
pub const EXCERPT_BYTES: usize = 512;

/// Every failure of halo-rs, one variant per kind: match on it, or print
/// it (the message names the operation and what to change).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HaloError {
    /// A setting is missing or wrong; nothing was sent.
    #[error("Halo config: {setting} {message}")]
    Config {
        /// The setting to change: `HALO_HOST`, `client_secret`...
        setting: String,
        /// What is wrong with it.
        message: String,
    },

    /// The token request failed, or Halo answered 401 to an API request
    /// after a renewal. `message` is Halo's own text; never a secret or a
    /// token.
    #[error("Halo authentication failed ({status}): {message}")]
    Auth {
        /// The HTTP status (0 when the token request got no answer).
        status: u16,
        /// Halo's own text.
        message: String,
    },

    /// Halo answered 403: the token is good, but the agent the API
    /// application logs in as may not do this (its role's permissions, the
    /// teams it is a member of) or the application's scopes do not cover
    /// it. Renewing the token does not help, so it is not renewed.
    #[error(
        "Halo refused {operation} (403): {message}; the API application's agent lacks a permission for it (its \
         role, its teams) or the application's scopes (HALO_SCOPE) do not cover it"
    )]
    Forbidden {
        /// The operation: `get_tickets`.
        operation: String,
        /// At most [`EXCERPT_BYTES`] of Halo's answer.
        message: String,
    },

    /// 404, or a blank record (id 0) where one was asked for by id.
    #[error("not found: {what}")]
    NotFound {
        /// The operation and path asked for.
        what: String,
    },

    /// 429 after the retries allowed; `retry_after` is Halo's wait when given.
    #[error("rate limited by Halo{}", retry_after.map(|d| format!(" (retry after {}s)", d.as_secs())).unwrap_or_default())]
    RateLimited {
        /// Halo's Retry-After, when it sent one.
        retry_after: Option<Duration>,
    },

    /// Any other answer that is not a success.
    #[error("Halo answered {status} to {operation}: {body}")]
    Api {
        /// The operation: `get_tickets`.
        operation: String,
        /// The HTTP status.
        status: u16,
        /// At most [`EXCERPT_BYTES`] of Halo's answer, secrets scrubbed.
        body: String,
    },

    /// The answer did not decode: which operation, where in the JSON, why.
    #[error("could not decode Halo's answer to {operation} at `{path}`: {message}")]
    Decode {
        /// The operation: `get_tickets`.
        operation: String,
        /// Where in the JSON: `tickets[3].client_id`.
        path: String,
        /// Why it did not decode.
        message: String,
    },

    /// The network failed. `may_have_applied` is true for a write that may
    /// have reached Halo: it was not repeated; check before sending it again.
    /// `source` is the network library's error, when there is one.
    #[error("{}network error on {operation}: {message}", if *may_have_applied { "the write may have been applied; " } else { "" })]
    Transport {
        /// The operation: `get_tickets`.
        operation: String,
        /// What failed, with its causes.
        message: String,
        /// A write that may have reached Halo (it was not repeated).
        may_have_applied: bool,
        /// The network library's error.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },

    /// A local file could not be read or written: what was being done, the
    /// file, and the I/O error.
    #[error("{what} {}: {source}", path.display())]
    Io {
        /// What was being done: `download_attachment: writing`.
        what: String,
        /// The file.
        path: std::path::PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },

    /// The answer was longer than `max_response_bytes` allows; reading
    /// stopped there.
    #[error("Halo's answer to {operation} is longer than the {limit} bytes allowed (max_response_bytes)")]
    ResponseTooLarge {
        /// The operation: `get_tickets`.
        operation: String,
        /// `max_response_bytes`.
        limit: u64,
    },

    /// A report preview ran and Halo reported an error in its SQL (`load_error`).
    #[error("Halo could not run the report: {0}")]
    Report(String),

    /// The call itself was wrong (a parameter that does not convert, a bad
    /// path, a body that does not serialise...); nothing was sent.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
}

impl HaloError {
    /// A [`HaloError::Config`] naming the setting to change.
    pub fn config(setting: &str, message: impl Into<String>) -> Self {
        HaloError::Config { setting: setting.into(), message: message.into() }
    }

    /// Whether trying the same call again later can help.
    pub fn is_retryable(&self) -> bool {
        match self {
            HaloError::RateLimited { .. } => true,
            HaloError::Api { status, .. } => matches!(status, 408 | 429 | 502 | 503 | 504),
            HaloError::Transport { may_have_applied, .. } => !may_have_applied,
            _ => false,
        }
    }

    /// The HTTP status, when Halo answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            HaloError::Auth { status, .. } | HaloError::Api { status, .. } => Some(*status),
            HaloError::Forbidden { .. } => Some(403),
            HaloError::NotFound { .. } => Some(404),
            HaloError::RateLimited { .. } => Some(429),
            _ => None,
        }
    }
}

/// At most [`EXCERPT_BYTES`] of a body, cut on a character boundary.
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(EXCERPT_BYTES + 4)]);
    let mut end = text.len().min(EXCERPT_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let cut = if body.len() > EXCERPT_BYTES { "…" } else { "" };
    format!("{}{cut}", text[..end].trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_is_bounded() {
        let big = "é".repeat(10_000);
        let e = excerpt(big.as_bytes());
        assert!(e.len() <= EXCERPT_BYTES + 3);
        assert!(e.ends_with('…'));
        assert_eq!(excerpt(b"short"), "short");
    }

    #[test]
    fn retryable() {
        assert!(HaloError::RateLimited { retry_after: None }.is_retryable());
        assert!(
            !HaloError::Transport { operation: "x".into(), message: "m".into(), may_have_applied: true, source: None }
                .is_retryable()
        );
        assert!(!HaloError::NotFound { what: "x".into() }.is_retryable());
    }
}
