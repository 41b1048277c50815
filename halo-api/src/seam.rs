//! The seam between the generated client and a policy layer.
//!
//! Every generated operation builds its request (`Operation::build_request`)
//! and hands it to [`Client::exchange`](crate::Client::exchange), which
//! gives it to the [`Transport`] held in the client's [`Inner`]: halo-api-ext's
//! transport adds the bearer token, rate limiting and retries, and reads the
//! answer inside its retry loop. With no transport (the default), the request
//! goes straight to reqwest, once, and the answer is read up to
//! [`DEFAULT_MAX_RESPONSE_BYTES`](crate::wire::DEFAULT_MAX_RESPONSE_BYTES).

use crate::HaloError;
use crate::generated::{Client, ClientInfo as _};
use crate::wire::{Answer, DEFAULT_MAX_RESPONSE_BYTES};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A boxed future that can be sent between threads.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What every request of every operation goes through.
pub trait Transport: Send + Sync + 'static {
    /// Sends `request` and answers the whole answer of a success, or the
    /// error it ended with. `operation` names it in spans, logs and errors.
    fn exchange<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        operation: &'static str,
    ) -> BoxFuture<'a, Result<Answer, HaloError>>;
}

/// The client's inner value: an optional [`Transport`]. Cheap to clone.
#[derive(Clone, Default)]
pub struct Inner {
    transport: Option<Arc<dyn Transport>>,
}

impl Inner {
    /// With `transport` as the request path.
    pub fn new(transport: impl Transport) -> Self {
        Self { transport: Some(Arc::new(transport)) }
    }

    /// With a shared transport.
    pub fn from_arc(transport: Arc<dyn Transport>) -> Self {
        Self { transport: Some(transport) }
    }

    /// The transport, if one is set.
    pub fn transport(&self) -> Option<&Arc<dyn Transport>> {
        self.transport.as_ref()
    }
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inner")
            .field("transport", &if self.transport.is_some() { "custom" } else { "reqwest" })
            .finish()
    }
}

impl Client {
    /// Sends a request under this client's [`Transport`]: what every
    /// generated operation does once its request is built. For requests no
    /// operation describes (halo-api-ext's generic `request()` and multipart
    /// upload use it), with the same guarantees.
    pub async fn exchange(&self, request: reqwest::Request, operation: &'static str) -> Result<Answer, HaloError> {
        match &self.inner().transport {
            Some(t) => t.exchange(self.client(), request, operation).await,
            None => crate::wire::exchange_plain(self.client(), request, operation, DEFAULT_MAX_RESPONSE_BYTES).await,
        }
    }
}
