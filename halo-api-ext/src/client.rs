//! [`HaloClient`]: one Halo instance, every request under one policy.
//!
//! There is one request path. A generated operation (`halo.raw().get_x()`),
//! a named action (`halo.list_tickets()`, built on the generated operation)
//! and a generic request (`halo.request(..)`) all end in
//! [`halo_api::Client::exchange`], which hands the request to this crate's
//! [`Policy`] through the [`halo_api::Transport`] seam: token, rate limit,
//! retries, the answer read (bounded) inside the retry loop, and the same
//! [`HaloError`] for the same failure.

use crate::auth::Auth;
use crate::config::{Endpoints, HaloConfig};
use crate::policy::Policy;
use halo_api::HaloError;
use halo_api::wire::{self, Answer};
use reqwest::Method;
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;

/// A connected Halo instance. Cheap to clone; clones share the token, the
/// rate limiter and the connection pool. Independent of every other client.
#[derive(Clone)]
pub struct HaloClient {
    pub(crate) shared: Arc<Shared>,
}

pub(crate) struct Shared {
    pub(crate) raw: halo_api::Client,
    pub(crate) policy: Arc<Policy>,
    pub(crate) endpoints: Endpoints,
    insecure_http: bool,
    /// `/FieldInfo`, read once per client (and its clones).
    #[cfg(feature = "full")]
    /// Halo's custom field definitions once read (`custom_fields` reads
    /// and decodes them; kept here, type-erased, for this client's clones).
    pub(crate) field_definitions: tokio::sync::OnceCell<Arc<dyn std::any::Any + Send + Sync>>,
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

/// The seam: every request of `halo_api::Client` (every generated
/// operation, and what this crate sends through [`halo_api::Client::exchange`])
/// goes through this client's policy.
struct Seam(Arc<Policy>);

impl halo_api::Transport for Seam {
    fn exchange<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        operation: &'static str,
    ) -> halo_api::BoxFuture<'a, Result<Answer, HaloError>> {
        Box::pin(self.0.exchange(client, request, operation))
    }
}

impl HaloClient {
    /// Checks the config (every setting, before anything is sent) and builds
    /// the client. TLS is rustls with certificate validation on.
    ///
    /// # Errors
    /// `Config` naming the setting to change (host, tenant, secret...).
    pub fn new(config: HaloConfig) -> Result<Self, HaloError> {
        let endpoints = config.endpoints()?;
        let builder = |redirects| {
            reqwest::Client::builder()
                .timeout(config.request_timeout)
                .connect_timeout(config.request_timeout.min(std::time::Duration::from_secs(15)))
                .https_only(false)
                .redirect(redirects)
                .user_agent(concat!("halo-rs/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| HaloError::config("transport", format!("could not build the HTTP client: {e}")))
        };
        // The API follows redirects within its origin only; the token
        // request follows none (the secret goes to the token URL alone).
        let http = builder(crate::policy::same_origin_redirects())?;
        let auth = Auth::new(
            builder(reqwest::redirect::Policy::none())?,
            endpoints.token_url.clone(),
            config.client_id.clone(),
            config.client_secret.clone(),
            config.scope.clone(),
            config.retry,
            config.max_response_bytes,
        );
        let policy = Arc::new(Policy::new(auth, config.rate_limit, config.retry, config.max_response_bytes));
        let raw = halo_api::Client::new_with_client(
            endpoints.api_base.as_str(),
            http.clone(),
            halo_api::Inner::new(Seam(policy.clone())),
        );
        Ok(Self {
            shared: Arc::new(Shared {
                raw,
                policy,
                endpoints,
                insecure_http: config.allow_insecure_http,
                #[cfg(feature = "full")]
                field_definitions: tokio::sync::OnceCell::new(),
            }),
        })
    }

    /// [`HaloConfig::from_env`], then [`HaloClient::new`].
    ///
    /// # Errors
    /// `Config` naming the variable to set or change.
    pub fn from_env() -> Result<Self, HaloError> {
        Self::new(HaloConfig::from_env()?)
    }

    /// The generated client: every generated operation of Halo's API, with
    /// this client's token, rate limit, retries and answer limit. Its
    /// operations answer [`HaloError`], like everything else here.
    pub fn raw(&self) -> &halo_api::Client {
        &self.shared.raw
    }

    #[cfg(feature = "attachments")]
    pub(crate) fn http(&self) -> &reqwest::Client {
        use halo_api::ClientInfo as _;
        self.shared.raw.client()
    }

    /// `https://HOST/api`.
    pub fn api_base(&self) -> &url::Url {
        &self.shared.endpoints.api_base
    }

    /// How many token requests this client (and its clones) sent.
    pub fn token_requests(&self) -> u64 {
        self.shared.policy.auth.token_requests()
    }

    /// Gets a token now (or uses the cached one), sending no API request:
    /// a health check of the auth settings (`halo doctor` runs it first).
    ///
    /// # Errors
    /// `Auth` with the token endpoint's status and error (`invalid_client`:
    /// the client id or secret), `Transport` when it cannot be reached.
    pub async fn check_token(&self) -> Result<(), HaloError> {
        self.shared.policy.auth.token().await.map(|_| ())
    }

    /// The settings this client was built from, where they say where it
    /// connects: its endpoints (API base, token URL).
    pub fn endpoints(&self) -> &Endpoints {
        &self.shared.endpoints
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

    /// Sends `req` under the policy: the one request path.
    pub(crate) async fn exchange(&self, req: reqwest::Request, operation: &'static str) -> Result<Answer, HaloError> {
        self.shared.raw.exchange(req, operation).await
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
    /// Adds a query parameter.
    pub fn query(mut self, key: impl Into<String>, value: impl ToString) -> Self {
        self.query.push((key.into(), value.to_string()));
        self
    }

    /// Sets the JSON body.
    ///
    /// # Errors
    /// `InvalidRequest` when `body` does not serialise.
    pub fn json(mut self, body: impl Serialize) -> Result<Self, HaloError> {
        self.body = Some(serde_json::to_value(body).map_err(|e| HaloError::InvalidRequest(format!("body: {e}")))?);
        Ok(self)
    }

    /// Sends it; answers the JSON (`null` for an empty body).
    pub async fn send(self) -> Result<Value, HaloError> {
        let url = self.client.url(&self.path, &self.query)?;
        let mut req = reqwest::Request::new(self.method, url);
        let headers = req.headers_mut();
        headers.insert(reqwest::header::ACCEPT, reqwest::header::HeaderValue::from_static("application/json"));
        if let Some(b) = self.body {
            headers
                .insert(reqwest::header::CONTENT_TYPE, reqwest::header::HeaderValue::from_static("application/json"));
            *req.body_mut() = Some(b.to_string().into_bytes().into());
        }
        let answer = self.client.exchange(req, "request").await?;
        json_or_null("request", &answer.body)
    }
}

pub(crate) fn json_or_null(operation: &'static str, body: &[u8]) -> Result<Value, HaloError> {
    if body.iter().all(u8::is_ascii_whitespace) { Ok(Value::Null) } else { wire::decode(operation, body) }
}
