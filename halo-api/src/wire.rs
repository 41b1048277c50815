//! What happens on the wire once an operation's request is built: the
//! answer is read (never more than a limit), a status that is not a success
//! becomes a [`HaloError`], and the body is decoded naming the operation and
//! the JSON path of a field that does not fit.
//!
//! One module for both halves of halo-rs: halo-api's own exchange (no
//! [`crate::Transport`]) and halo-api-ext's policy read and judge answers with
//! these same functions, so a generated operation, a named action and a
//! generic request fail in the same way for the same answer.

use crate::error::{HaloError, excerpt};
use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::{DeserializeOwned, DeserializeSeed};
use std::marker::PhantomData;
use std::time::Duration;

/// How much of an answer is read by default: 256 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 256 << 20;

/// A successful answer, read whole.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The HTTP status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body, read up to the limit.
    pub body: Bytes,
}

/// Why an answer's body could not be read.
#[derive(Debug)]
pub enum BodyError {
    /// Longer than the limit (declared or counted): reading stopped there.
    TooLarge,
    /// The connection broke mid-body.
    CutOff(reqwest::Error),
}

/// Reads `resp`'s body, at most `limit` bytes: a longer answer is an error,
/// not an allocation, and one that declares a longer length is refused
/// before anything is read.
pub async fn read_body(resp: &mut reqwest::Response, limit: u64) -> Result<Bytes, BodyError> {
    if resp.content_length().is_some_and(|n| n > limit) {
        return Err(BodyError::TooLarge);
    }
    let mut body = bytes::BytesMut::with_capacity(resp.content_length().unwrap_or(0).min(limit) as usize);
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                if (body.len() + chunk.len()) as u64 > limit {
                    return Err(BodyError::TooLarge);
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body.freeze()),
            Err(e) => return Err(BodyError::CutOff(e)),
        }
    }
}

/// Halo's Retry-After: seconds or an HTTP date (capped at a day).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(86_400.0)));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(when.duration_since(std::time::SystemTime::now()).unwrap_or(Duration::ZERO).min(Duration::from_secs(86_400)))
}

/// The error an answer that is not a success means. `body` is quoted, cut
/// to [`crate::EXCERPT_BYTES`].
pub fn status_error(operation: &str, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> HaloError {
    match status.as_u16() {
        401 => HaloError::Auth { status: 401, message: excerpt(body) },
        403 => HaloError::Forbidden { operation: operation.into(), message: excerpt(body) },
        404 => HaloError::NotFound { what: format!("{operation}: {}", excerpt(body)) },
        429 => HaloError::RateLimited { retry_after: retry_after(headers) },
        s => HaloError::Api { operation: operation.into(), status: s, body: excerpt(body) },
    }
}

/// An answer judged: a 2xx is the [`Answer`], anything else its error.
pub fn judge(operation: &str, status: StatusCode, headers: HeaderMap, body: Bytes) -> Result<Answer, HaloError> {
    if status.is_success() {
        Ok(Answer { status, headers, body })
    } else {
        Err(status_error(operation, status, &headers, &body))
    }
}

/// The error for a body that could not be read.
pub fn body_error(operation: &str, e: BodyError, limit: u64, may_have_applied: bool) -> HaloError {
    match e {
        BodyError::TooLarge => HaloError::ResponseTooLarge { operation: operation.into(), limit },
        BodyError::CutOff(e) => HaloError::Transport {
            operation: operation.into(),
            message: format!("reading the answer: {}", describe(&e)),
            may_have_applied,
            source: Some(Box::new(e)),
        },
    }
}

/// A reqwest error's text with its causes.
pub fn describe(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s
}

/// Whether a method may be repeated after it may have reached Halo.
pub fn is_idempotent(m: &reqwest::Method) -> bool {
    use reqwest::Method;
    matches!(*m, Method::GET | Method::HEAD | Method::DELETE | Method::OPTIONS)
}

/// halo-api's exchange when no [`crate::Transport`] is set: one attempt, no
/// auth, no retries; the answer read up to `limit` bytes and judged.
pub async fn exchange_plain(
    client: &reqwest::Client,
    request: reqwest::Request,
    operation: &str,
    limit: u64,
) -> Result<Answer, HaloError> {
    let writes = !is_idempotent(request.method());
    let mut resp = client.execute(request).await.map_err(|e| HaloError::Transport {
        operation: operation.into(),
        message: describe(&e),
        may_have_applied: writes && !e.is_connect(),
        source: Some(Box::new(e)),
    })?;
    let status = resp.status();
    let body = read_body(&mut resp, limit).await.map_err(|e| body_error(operation, e, limit, writes))?;
    judge(operation, status, resp.headers().clone(), body)
}

/// Decodes JSON, naming the operation and the JSON path of a bad field.
pub fn decode<T: DeserializeOwned>(operation: &str, body: &[u8]) -> Result<T, HaloError> {
    decode_seed(operation, body, PhantomData::<T>)
}

/// Decodes JSON already read into a `Value` (a record picked out of a
/// larger answer), naming the operation and the JSON path of a bad field,
/// under `at` when `at` is not empty.
pub fn decode_value<T: DeserializeOwned>(operation: &str, at: &str, value: serde_json::Value) -> Result<T, HaloError> {
    serde_path_to_error::deserialize(value).map_err(|e| HaloError::Decode {
        operation: operation.into(),
        path: if at.is_empty() { e.path().to_string() } else { format!("{at}.{}", e.path()) },
        message: e.into_inner().to_string(),
    })
}

/// Decodes JSON with `seed`. The JSON path of a failure is tracked only on
/// a second pass, after the first failed: tracking every key costs a fifth
/// of the decoding time, and answers that do not decode are rare.
pub fn decode_seed<'de, S: DeserializeSeed<'de> + Clone>(
    operation: &str,
    body: &'de [u8],
    seed: S,
) -> Result<S::Value, HaloError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let first = seed.clone().deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    first.map_err(|first| {
        let mut de = serde_json::Deserializer::from_slice(body);
        let mut track = serde_path_to_error::Track::new();
        let again = seed.deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track));
        let message = match again.and_then(|_| de.end()) {
            Err(e) => e.to_string(),
            Ok(()) => first.to_string(),
        };
        HaloError::Decode { operation: operation.into(), path: track.path().to_string(), message }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_errors_that_name_the_operation() {
        let h = HeaderMap::new();
        let e = status_error("get_tickets", StatusCode::BAD_REQUEST, &h, b"bad filter");
        assert!(
            matches!(&e, HaloError::Api { operation, status: 400, body } if operation == "get_tickets" && body == "bad filter"),
            "{e:?}"
        );
        assert!(matches!(status_error("x", StatusCode::UNAUTHORIZED, &h, b""), HaloError::Auth { status: 401, .. }));
        let e = status_error("get_tickets", StatusCode::FORBIDDEN, &h, b"no permission");
        assert!(
            matches!(&e, HaloError::Forbidden { operation, message } if operation == "get_tickets" && message == "no permission")
        );
        assert_eq!(e.status(), Some(403));
        assert!(e.to_string().contains("get_tickets (403)") && e.to_string().contains("HALO_SCOPE"), "{e}");
        let e = status_error("get_tickets_by_id", StatusCode::NOT_FOUND, &h, b"gone");
        assert_eq!(e.to_string(), "not found: get_tickets_by_id: gone");
        let mut h = HeaderMap::new();
        h.insert(reqwest::header::RETRY_AFTER, "7".parse().unwrap());
        assert!(matches!(
            status_error("x", StatusCode::TOO_MANY_REQUESTS, &h, b""),
            HaloError::RateLimited { retry_after: Some(d) } if d == Duration::from_secs(7)
        ));
        let ok = judge("x", StatusCode::CREATED, HeaderMap::new(), Bytes::from_static(b"{}")).unwrap();
        assert_eq!(ok.status, StatusCode::CREATED);
    }

    #[test]
    fn retry_after_takes_seconds_or_a_date() {
        let mut h = HeaderMap::new();
        h.insert(reqwest::header::RETRY_AFTER, "1.5".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_millis(1500)));
        h.insert(reqwest::header::RETRY_AFTER, "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::ZERO), "a date in the past: no wait");
        h.insert(reqwest::header::RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn decode_errors_name_the_path() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct T {
            a: Vec<i32>,
        }
        let e = decode::<T>("op", br#"{"a": [1, "x"]}"#).unwrap_err();
        assert!(
            matches!(&e, HaloError::Decode { operation, path, .. } if operation == "op" && path == "a[1]"),
            "{e:?}"
        );
    }
}
