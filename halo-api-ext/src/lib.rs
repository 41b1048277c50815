//! Connect to Halo (HaloPSA, HaloITSM, HaloCRM) the way its integrations do,
//! and do the common jobs in one line each.
//!
//! ```no_run
//! use halo_api_ext::{HaloClient, HaloConfig, HaloError, Ticket};
//! use futures::TryStreamExt;
//!
//! # async fn run() -> Result<(), HaloError> {
//! // The six settings every Halo integration asks for; or HaloClient::from_env().
//! let halo = HaloClient::new(HaloConfig::cloud("example.halopsa.com", "acme", "CLIENT_ID", "CLIENT_SECRET"))?;
//!
//! // List with typed filters (the generated `get_tickets`'s query
//! // parameters): a lazy stream that pages on demand.
//! let mut open = halo.list_tickets().client_id(12).open_only(true).stream();
//! while let Some(t) = open.try_next().await? {
//!     println!("#{:?} {:?}", t.id, t.summary);
//! }
//! let acme = halo.list_clients().search("acme").collect().await?;
//!
//! // One record, with the operation's options, or without.
//! let ticket = halo.get_ticket(7).includedetails(true).await?;
//! let same = halo.get_ticket(7).await?;
//!
//! // Create a ticket (an `id` would update one); Halo answers what it saved.
//! let saved = halo
//!     .upsert_tickets(Ticket { summary: Some("Printer on fire".into()), client_id: Some(12), ..Default::default() })
//!     .await?;
//! if let Some(id) = saved.first().and_then(|t| t.id) {
//!     halo.delete_ticket(id.into()).await?;
//! }
//!
//! // Any generated operation, same policy, same error type; or any path.
//! let statuses = halo.raw().get_status().send().await?.into_inner();
//! let me = halo.request(reqwest::Method::GET, "/Agent/me").send().await?;
//!
//! // Any list Halo pages, its filters typed: the same paging and guarantees.
//! let orders = halo.list_of(halo.raw().get_sales_order().client_id(12)).collect().await?;
//!
//! // A parameter Halo's document does not list: the escape hatch.
//! let odd = halo.list_tickets().filter("undocumented_flag", true).max(10).collect().await?;
//! # let _ = (acme, ticket, same, statuses, me, odd, orders); Ok(()) }
//! ```
//!
//! Every named action is a generated operation plus policy ([`List`] and
//! [`Get`] wrap the generated builder and forward its typed setters); every request, named, generated (`raw()`) or
//! generic (`request()`), takes one path through one policy: the bearer token
//! (cached, renewed before it expires, one request for any number of waiting
//! tasks), a client-side rate limiter, retries that never repeat a write that
//! may have reached Halo, and the answer read up to `max_response_bytes`.
//! Every failure is one type, [`HaloError`]. See [`policy`].

#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "attachments")]
pub mod attachments;
mod auth;
pub mod changes;
mod client;
pub mod config;
pub mod custom_fields;
mod limiter;
pub mod list;
#[cfg(feature = "actions")]
pub mod notes;
pub mod policy;
pub mod profiles;
mod records;
#[cfg(feature = "reports")]
mod reports;
mod resources;
#[cfg(feature = "webhooks")]
pub mod webhooks;

pub use client::{HaloClient, Request};
pub use config::{Endpoints, HaloConfig, RateLimit, RetryPolicy};
pub use custom_fields::{CustomFieldsExt, FieldKey, FieldValue};
pub use halo_api::{CustomFields, FieldRef};
pub use list::{AnyOperation, List, ListStream, Page};
pub use resources::aliases::*;
pub use resources::{Get, LISTS, PagedList, RESOURCES, Records, Resource, decode_list};

/// The raw, generated client and its types.
pub use halo_api;
pub use halo_api::types;
/// One error type for all of halo-rs: generated operations, named actions,
/// generic requests and config checks (defined in halo-api).
pub use halo_api::{EXCERPT_BYTES, HaloError, Operation};
