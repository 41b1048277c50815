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
pub mod error;
pub mod list;
pub mod policy;
mod resources;

pub use client::{HaloClient, Request, decode};
pub use config::{Endpoints, HaloConfig, RateLimit, RetryPolicy};
pub use error::{EXCERPT_BYTES, HaloError};
pub use list::{List, Page, decode_list};
pub use resources::{RESOURCES, Records, Resource};

/// The raw, generated client and its types.
pub use halo_api;
pub use halo_api::types;

/// Halo's records, by the names integrations use.
pub type Ticket = types::Faults;
pub type TicketListItem = types::FaultsList;
pub type Action = types::Actions;
pub type Agent = types::Uname;
pub type Appointment = types::Appointment;
pub type Asset = types::Device;
pub type Attachment = types::Attachment;
pub type Client = types::Area;
pub type Contract = types::ContractHeader;
pub type Invoice = types::InvoiceHeader;
pub type Item = types::Item;
pub type KbArticle = types::KbEntry;
pub type Opportunity = types::Faults;
pub type Organisation = types::Organisation;
pub type Project = types::Faults;
pub type Quote = types::QuotationHeader;
pub type Report = types::AnalyzerProfile;
pub type Site = types::Site;
pub type Status = types::TStatus;
pub type Supplier = types::Company;
pub type Team = types::SectionDetail;
pub type User = types::Users;
pub type TopLevel = types::Tree;
pub type TicketType = types::RequestType;
