//! Connect to Halo (HaloPSA, HaloITSM, HaloCRM) the way its integrations do,
//! and do the common jobs in one line each.
//!
//! ```no_run
//! use halo_api_ext::{HaloClient, HaloConfig, Ticket};
//! use futures::TryStreamExt;
//!
//! # async fn run() -> Result<(), halo_api_ext::HaloError> {
//! // The six settings every Halo integration asks for; or HaloClient::from_env().
//! let halo = HaloClient::new(HaloConfig::cloud("example.halopsa.com", "acme", "CLIENT_ID", "CLIENT_SECRET"))?;
//!
//! // List with a filter: a lazy stream that pages on demand.
//! let mut open = halo.list_tickets().filter("client_id", 12).filter("open_only", true).stream();
//! while let Some(t) = open.try_next().await? {
//!     println!("#{:?} {:?}", t.id, t.summary);
//! }
//!
//! // Create a ticket (an `id` would update one); Halo answers what it saved.
//! let saved = halo
//!     .upsert_tickets(Ticket { summary: Some("Printer on fire".into()), client_id: Some(12), ..Default::default() })
//!     .await?;
//!
//! // Delete it again.
//! halo.delete_ticket(saved[0].id.unwrap_or_default().into()).await?;
//!
//! // Anything else: the generic call, or any generated operation.
//! let me = halo.request(reqwest::Method::GET, "/Agent/me").send().await?;
//! let statuses = halo.raw().get_status().send().await;
//! # let _ = (me, statuses); Ok(()) }
//! ```
//!
//! Every request, generated operation or not, goes through one policy: the
//! bearer token (cached, renewed before it expires, one request for any
//! number of waiting tasks), a client-side rate limiter, and retries that
//! never repeat a write that may have reached Halo. See [`policy`].

mod auth;
mod client;
pub mod config;
pub mod list;
pub mod policy;
mod resources;

pub use client::{HaloClient, Request};
pub use config::{Endpoints, HaloConfig, RateLimit, RetryPolicy};
pub use list::{AnyOperation, List, ListShape, Page, decode_list};
pub use resources::aliases::*;
pub use resources::{Get, RESOURCES, Records, Resource};

/// The raw, generated client and its types.
pub use halo_api;
pub use halo_api::types;
/// One error type for all of halo-rs: generated operations, named actions,
/// generic requests and config checks (defined in halo-api).
pub use halo_api::{EXCERPT_BYTES, HaloError, Operation};

/// Decodes JSON, naming the operation and the JSON path of a bad field.
pub use halo_api::wire::decode;

/// halo-api-ext's error module, kept for its path: the type is halo-api's.
pub mod error {
    pub use halo_api::error::*;
}
