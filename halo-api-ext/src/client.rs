//! [`HaloClient`]: one Halo instance, every request under one policy.

use crate::auth::Auth;
use crate::config::{Endpoints, HaloConfig};
use crate::error::{HaloError, excerpt};
use crate::policy::{Failure, FailureKind, Policy};
use bytes::Bytes;
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::{DeserializeOwned, DeserializeSeed};
use serde_json::Value;
use std::marker::PhantomData;
use std::sync::Arc;

/// A connected Halo instance. Cheap to clone; clones share the token, the
/// rate limiter and the connection pool. Independent of every other client.
#[derive(Clone)]
pub struct HaloClient {
    pub(crate) shared: Arc<Shared>,
}

pub(crate) struct Shared {
    pub(crate) raw: halo_api::Client,
    pub(crate) http: reqwest::Client,
    pub(crate) policy: Arc<Policy>,
    pub(crate) endpoints: Endpoints,
    insecure_http: bool,
    max_response_bytes: u64,
}

impl std::fmt::Debug for HaloClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HaloClient")
            .field("api_base", &self.shared.endpoints.api_base.as_str())
            .field("allow_insecure_http", &self.shared.insecure_http)
            .field("policy", &self.shared.policy)
            .finish()
    }
}

/// The seam: every generated operation of `halo_api::Client` goes through
/// the same policy as halo-api-ext's own calls.
struct Seam(Arc<Policy>);

impl halo_api::Transport for Seam {
    fn prepare<'a>(
        &'a self,
        _request: &'a mut reqwest::Request,
        _operation: &'static str,
    ) -> halo_api::BoxFuture<'a, Result<(), String>> {
        Box::pin(async move { self.0.auth.token().await.map(|_| ()).map_err(|e| e.to_string()) })
    }

    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        operation: &'static str,
    ) -> halo_api::BoxFuture<'a, reqwest::Result<reqwest::Response>> {
        Box::pin(async move {
            match self.0.send(client, request, operation).await {
                Ok(r) => Ok(r),
                Err(Failure { error: FailureKind::Network(e), .. }) => Err(e),
                // No reqwest::Error can carry this: answer as Halo would.
                Err(Failure { error: FailureKind::Auth(e), .. }) => {
                    let status = e.status().filter(|s| *s >= 400).unwrap_or(401);
                    let resp = http::Response::builder().status(status).body(e.to_string()).expect("valid response");
                    Ok(reqwest::Response::from(resp))
                }
            }
        })
    }
}

impl HaloClient {
    /// Checks the config (every setting, before anything is sent) and builds
    /// the client. TLS is rustls with certificate validation on.
    pub fn new(config: HaloConfig) -> Result<Self, HaloError> {
        let endpoints = config.endpoints()?;
        let http = reqwest::Client::builder()
            .timeout(config.request_timeout)
            .connect_timeout(config.request_timeout.min(std::time::Duration::from_secs(15)))
            .https_only(false)
            .user_agent(concat!("halo-rs/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| HaloError::config("transport", format!("could not build the HTTP client: {e}")))?;
        let auth = Auth::new(
            http.clone(),
            endpoints.token_url.clone(),
            config.client_id.clone(),
            config.client_secret.clone(),
            config.scope.clone(),
        );
        let policy = Arc::new(Policy::new(auth, config.rate_limit, config.retry));
        let raw = halo_api::Client::new_with_client(
            endpoints.api_base.as_str(),
            http.clone(),
            halo_api::Inner::new(Seam(policy.clone())),
        );
        Ok(Self {
            shared: Arc::new(Shared {
                raw,
                http,
                policy,
                endpoints,
                insecure_http: config.allow_insecure_http,
                max_response_bytes: config.max_response_bytes,
            }),
        })
    }

    /// [`HaloConfig::from_env`], then [`HaloClient::new`].
    pub fn from_env() -> Result<Self, HaloError> {
        Self::new(HaloConfig::from_env()?)
    }

    /// The generated client: every operation of Halo's API, with this
    /// client's token, rate limit and retries.
    pub fn raw(&self) -> &halo_api::Client {
        &self.shared.raw
    }

    /// `https://HOST/api`.
    pub fn api_base(&self) -> &url::Url {
        &self.shared.endpoints.api_base
    }

    /// How many token requests this client (and its clones) sent.
    pub fn token_requests(&self) -> u64 {
        self.shared.policy.auth.token_requests()
    }

    /// Any method on any path under the API base (`/Tickets/11` means
    /// `https://HOST/api/Tickets/11`), with any query and JSON body,
    /// answering JSON.
    pub fn request(&self, method: Method, path: &str) -> Request {
        Request { client: self.clone(), method, path: path.to_string(), query: Vec::new(), body: None }
    }

    pub(crate) fn url(&self, path: &str, query: &[(String, String)]) -> Result<url::Url, HaloError> {
        if !path.starts_with('/') || path.contains("://") || path.contains("..") || path.contains(['?', '#']) {
            return Err(HaloError::InvalidRequest(format!(
                "path `{path}` must start with / and be relative to the API base (e.g. /Tickets/11); put the query in .query()"
            )));
        }
        let mut u = self.shared.endpoints.api_base.clone();
        u.set_path(&format!("{}{path}", u.path().trim_end_matches('/')));
        if !query.is_empty() {
            u.query_pairs_mut().extend_pairs(query);
        }
        Ok(u)
    }

    /// Sends under the policy; a success answers its body.
    pub(crate) async fn call(
        &self,
        method: Method,
        url: url::Url,
        body: Option<Vec<u8>>,
        operation: &'static str,
    ) -> Result<(StatusCode, Bytes), HaloError> {
        let mut req = reqwest::Request::new(method, url);
        if let Some(b) = body {
            req.headers_mut().insert(reqwest::header::CONTENT_TYPE, "application/json".parse().expect("static"));
            *req.body_mut() = Some(b.into());
        }
        req.headers_mut().insert(reqwest::header::ACCEPT, "application/json".parse().expect("static"));
        self.call_request(req, operation).await
    }

    /// Sends `req` under the policy and reads the answer. An answer cut off
    /// mid-body is repeated like a dropped connection: for GET, HEAD and
    /// DELETE only, within the retry policy's attempts.
    pub(crate) async fn call_request(
        &self,
        req: reqwest::Request,
        operation: &'static str,
    ) -> Result<(StatusCode, Bytes), HaloError> {
        let idempotent = Policy::is_idempotent(req.method());
        let mut attempts_left = self.shared.policy.max_attempts().saturating_sub(1);
        let mut req = req;
        loop {
            let again = if idempotent && attempts_left > 0 { req.try_clone() } else { None };
            match (self.send_and_read(req, operation).await, again) {
                (Ok(answer), _) => return Ok(answer),
                (Err(Unread::Failed(e)), _) => return Err(e),
                (Err(Unread::CutOff(_)), Some(again)) => {
                    tracing::warn!(target: "halo", operation, "the answer was cut off; repeating the request");
                    attempts_left -= 1;
                    req = again;
                }
                (Err(Unread::CutOff(e)), None) => {
                    return Err(HaloError::Transport {
                        operation: operation.into(),
                        message: format!("reading the answer: {}", crate::auth::describe(&e)),
                        may_have_applied: !idempotent,
                    });
                }
            }
        }
    }

    async fn send_and_read(
        &self,
        req: reqwest::Request,
        operation: &'static str,
    ) -> Result<(StatusCode, Bytes), Unread> {
        let resp = match self.shared.policy.send(&self.shared.http, req, operation).await {
            Ok(r) => r,
            Err(Failure { error: FailureKind::Auth(e), .. }) => return Err(Unread::Failed(e)),
            Err(Failure { error: FailureKind::Network(e), may_have_applied }) => {
                return Err(Unread::Failed(HaloError::Transport {
                    operation: operation.into(),
                    message: crate::auth::describe(&e),
                    may_have_applied,
                }));
            }
        };
        response_body(resp, operation, self.shared.max_response_bytes).await
    }

    /// GET `path/{id}`: the record, or [`HaloError::NotFound`] for a 404 or a
    /// blank record (id 0).
    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        id: i64,
        query: &[(String, String)],
        operation: &'static str,
    ) -> Result<T, HaloError> {
        let (_, body) = self.call(Method::GET, self.url(&format!("{path}/{id}"), query)?, None, operation).await?;
        #[derive(serde::Deserialize)]
        struct Peek {
            id: Option<Value>,
        }
        if let Ok(Peek { id: Some(v) }) = serde_json::from_slice::<Peek>(&body)
            && v.as_f64() == Some(0.0)
        {
            return Err(HaloError::NotFound { what: format!("{path}/{id} (Halo answered a blank record)") });
        }
        decode(operation, &body)
    }

    /// POST `path` with the records as an array (an `id` means update):
    /// what Halo saved, whether it answers one object or an array.
    pub async fn upsert<T: Serialize + DeserializeOwned>(
        &self,
        path: &str,
        records: &[T],
        operation: &'static str,
    ) -> Result<Vec<T>, HaloError> {
        if records.is_empty() {
            return Ok(Vec::new());
        }
        let body = serde_json::to_vec(records).map_err(|e| HaloError::InvalidRequest(format!("body: {e}")))?;
        let (_, answer) = self.call(Method::POST, self.url(path, &[])?, Some(body), operation).await?;
        Ok(decode::<crate::list::OneOrMany<T>>(operation, &answer)?.0)
    }

    /// DELETE `path/{id}`.
    pub async fn delete(&self, path: &str, id: i64, operation: &'static str) -> Result<(), HaloError> {
        self.call(Method::DELETE, self.url(&format!("{path}/{id}"), &[])?, None, operation).await.map(|_| ())
    }

    /// Runs a report's SQL without saving it ("preview report") and answers
    /// its rows; Halo's `load_error` is [`HaloError::Report`].
    pub async fn preview_report(&self, sql: &str) -> Result<Vec<serde_json::Map<String, Value>>, HaloError> {
        let body = serde_json::json!([{"id": 0, "name": "", "sql": sql, "_loadreportonly": true, "_testonly": false}]);
        let (_, answer) = self
            .call(Method::POST, self.url("/Report", &[])?, Some(body.to_string().into_bytes()), "preview_report")
            .await?;
        let reports = decode::<crate::list::OneOrMany<halo_api::types::AnalyzerProfile>>("preview_report", &answer)?.0;
        let report = reports.into_iter().next().and_then(|r| r.report).unwrap_or_default();
        if let Some(err) = report.load_error.filter(|e| !e.trim().is_empty()) {
            return Err(HaloError::Report(err));
        }
        Ok(report.rows.unwrap_or_default())
    }

    /// POST /Attachment/image (multipart, not generated): uploads a file and
    /// answers Halo's JSON. `query` carries Halo's parameters, e.g.
    /// `ticket_id`. Not retried on failure (a multipart body is sent once).
    pub async fn upload_attachment_image(
        &self,
        file_name: &str,
        content_type: &str,
        data: Vec<u8>,
        query: &[(String, String)],
    ) -> Result<Value, HaloError> {
        let part = reqwest::multipart::Part::bytes(data)
            .file_name(file_name.to_string())
            .mime_str(content_type)
            .map_err(|e| HaloError::InvalidRequest(format!("content type `{content_type}`: {e}")))?;
        let form = reqwest::multipart::Form::new().part("file", part);
        let req = self
            .shared
            .http
            .post(self.url("/Attachment/image", query)?)
            .multipart(form)
            .build()
            .map_err(|e| HaloError::InvalidRequest(e.to_string()))?;
        let (_, body) = self.call_request(req, "post_attachment_image").await?;
        json_or_null("post_attachment_image", &body)
    }
}

/// A generic request: see [`HaloClient::request`].
#[derive(Debug)]
pub struct Request {
    client: HaloClient,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    body: Option<Value>,
}

impl Request {
    pub fn query(mut self, key: impl Into<String>, value: impl ToString) -> Self {
        self.query.push((key.into(), value.to_string()));
        self
    }

    pub fn json(mut self, body: impl Serialize) -> Result<Self, HaloError> {
        self.body = Some(serde_json::to_value(body).map_err(|e| HaloError::InvalidRequest(format!("body: {e}")))?);
        Ok(self)
    }

    /// Sends it; answers the JSON (`null` for an empty body).
    pub async fn send(self) -> Result<Value, HaloError> {
        let url = self.client.url(&self.path, &self.query)?;
        let body = self.body.map(|b| b.to_string().into_bytes());
        let (_, answer) = self.client.call(self.method, url, body, "request").await?;
        json_or_null("request", &answer)
    }
}

fn json_or_null(operation: &'static str, body: &[u8]) -> Result<Value, HaloError> {
    if body.iter().all(u8::is_ascii_whitespace) { Ok(Value::Null) } else { decode(operation, body) }
}

/// Why an exchange gave no answer to decode.
enum Unread {
    /// The answer was cut off mid-body: repeatable for GET, HEAD and DELETE.
    CutOff(reqwest::Error),
    /// Anything else: final.
    Failed(HaloError),
}

/// Reads a response: the body of a success, or the error it means. At most
/// `limit` bytes are read; a longer answer is an error, not an allocation.
async fn response_body(
    mut resp: reqwest::Response,
    operation: &str,
    limit: u64,
) -> Result<(StatusCode, Bytes), Unread> {
    let status = resp.status();
    let retry_after = Policy::retry_after(&resp);
    let too_large = || Unread::Failed(HaloError::ResponseTooLarge { operation: operation.into(), limit });
    if resp.content_length().is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let mut body = bytes::BytesMut::with_capacity(resp.content_length().unwrap_or(0).min(limit) as usize);
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                if (body.len() + chunk.len()) as u64 > limit {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => return Err(Unread::CutOff(e)),
        }
    }
    let body = body.freeze();
    let failed = match status.as_u16() {
        200..=299 => return Ok((status, body)),
        401 | 403 => HaloError::Auth { status: status.as_u16(), message: excerpt(&body) },
        404 => HaloError::NotFound { what: format!("{operation}: {}", excerpt(&body)) },
        429 => HaloError::RateLimited { retry_after },
        s => HaloError::Api { operation: operation.into(), status: s, body: excerpt(&body) },
    };
    Err(Unread::Failed(failed))
}

/// Decodes JSON, naming the operation and the JSON path of a bad field.
pub fn decode<T: DeserializeOwned>(operation: &str, body: &[u8]) -> Result<T, HaloError> {
    decode_seed(operation, body, PhantomData::<T>)
}

/// Decodes JSON with `seed`. The JSON path of a failure is tracked only on
/// a second pass, after the first failed: tracking every key costs a fifth
/// of the decoding time, and answers that do not decode are rare.
pub(crate) fn decode_seed<'de, S: DeserializeSeed<'de> + Clone>(
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
