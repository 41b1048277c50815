//! The seam between the generated client and a policy layer.
//!
//! progenitor calls `ClientHooks::pre` and `ClientHooks::exec` around every
//! request of every operation. halo-api implements them once, here, by
//! handing the request to the [`Transport`] held in the client's [`Inner`]:
//! halo-api-ext's transport adds the bearer token, rate limiting and retries.
//! With no transport (the default), requests go straight to reqwest.

use crate::generated::{Client, ClientInfo};
use progenitor_client::{ClientHooks, Error, OperationInfo};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What every generated operation goes through.
pub trait Transport: Send + Sync + 'static {
    /// Runs before the request is sent, e.g. to add the Authorization header.
    /// An `Err` stops the operation with `Error::Custom(message)`.
    fn prepare<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        operation: &'static str,
    ) -> BoxFuture<'a, Result<(), String>> {
        let _ = (request, operation);
        Box::pin(async { Ok(()) })
    }

    /// Sends the request and answers the response the operation decodes.
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        operation: &'static str,
    ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>>;
}

/// The client's inner value: an optional [`Transport`]. Cheap to clone.
#[derive(Clone, Default)]
pub struct Inner {
    transport: Option<Arc<dyn Transport>>,
}

impl Inner {
    pub fn new(transport: impl Transport) -> Self {
        Self { transport: Some(Arc::new(transport)) }
    }

    pub fn from_arc(transport: Arc<dyn Transport>) -> Self {
        Self { transport: Some(transport) }
    }

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

impl ClientHooks<Inner> for Client {
    async fn pre<E>(&self, request: &mut reqwest::Request, info: &OperationInfo) -> Result<(), Error<E>> {
        match &self.inner().transport {
            Some(t) => t.prepare(request, info.operation_id).await.map_err(Error::Custom),
            None => Ok(()),
        }
    }

    async fn exec(&self, request: reqwest::Request, info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
        match &self.inner().transport {
            Some(t) => t.execute(self.client(), request, info.operation_id).await,
            None => self.client().execute(request).await,
        }
    }
}
