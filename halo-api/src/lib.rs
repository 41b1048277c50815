//! The raw client for Halo's REST API (HaloPSA, HaloITSM, HaloCRM), generated
//! at build time by progenitor from Halo's own OpenAPI document.
//!
//! Every operation of the document is a method on [`Client`], named by the
//! rule in `halo-api/patches/src/patches/operation_ids.rs` (`get_tickets`,
//! `get_tickets_by_id`, `post_tickets`, `delete_tickets_by_id`...), and
//! returns a builder: set what you need, then `.send().await`.
//!
//! ```no_run
//! # async fn f() -> Result<(), halo_api::HaloError> {
//! let client = halo_api::Client::new("https://example.halopsa.com/api", halo_api::Inner::default());
//! let page = client.get_tickets().client_id(12).page_size(50).pageinate(true).send().await?;
//! for t in page.into_inner().tickets.unwrap_or_default() {
//!     println!("{:?} {:?}", t.id, t.summary);
//! }
//! # Ok(()) }
//! ```
//!
//! Every operation answers `Result<ResponseValue<T>, HaloError>`: one error
//! type for all of halo-rs (halo-api-ext answers the same one). A status that
//! is not a success is an error naming the operation, with the status and at
//! most [`EXCERPT_BYTES`] of the body.
//!
//! This crate has no policy: no auth, no retries, no rate limits. Those live
//! in `halo-api-ext`, which plugs into every operation through the
//! [`Transport`] seam: each operation builds its request
//! ([`Operation::build_request`]) and hands it to [`Client::exchange`]. With no
//! transport, a request is sent once and its answer read up to
//! [`wire::DEFAULT_MAX_RESPONSE_BYTES`]. Which operations are compiled is chosen with Cargo
//! features: `full` (the whole API), `core` (the 23 resources integrations
//! use), or one resource at a time (`tickets`, `clients`, ...).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod codec;
pub mod custom_fields;
pub mod error;
#[doc(hidden)]
pub mod identified;
mod operation;
mod resource;
mod seam;
#[doc(hidden)]
pub mod support;
pub mod wire;

pub use custom_fields::{CustomFields, FieldRef};
pub use error::{EXCERPT_BYTES, HaloError};
pub use identified::Identified;
pub use operation::Operation;
pub use resource::{ChangeRule, Paged, Resource, ResourceVisitor};
pub use seam::{BoxFuture, Inner, Transport};
pub use wire::Answer;

/// The generated code (progenitor, then halo-api's build post-pass).
#[allow(clippy::all, clippy::pedantic, unused_imports, unused_mut, rustdoc::all, missing_docs)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/halo_api.rs"));
}
pub use generated::*;
