//! [`Resource`] and [`Paged`]: what halo-api's build says about the
//! generated operations, as traits other crates build on.
//!
//! - [`Resource`]: one type per row of the resource table
//!   (spec/resources.toml) whose operations this build generated, in
//!   [`resources`](crate::resources): `Tickets`, `Clients`, ... Its
//!   associated types are the four generated operations (list, get by id,
//!   post, delete by id) and the two record types; its consts are the path,
//!   where a wrapped list keeps its records, and the change-feed rule.
//!   [`visit_resources`](crate::resources::visit_resources) walks them all
//!   for generic code (a [`ResourceVisitor`]).
//! - [`Paged`]: every generated list operation that takes Halo's paging
//!   parameters (`pageinate`, `page_size`, `page_no`), with its list item
//!   type: the document's (or a response patch's) when it declares one,
//!   else `serde_json::Value`.

use crate::{Client, Identified, Operation};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A resource's change-feed facts: the `changes` row of the resource table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangeRule {
    /// The record field with its last update time: `last_update` on tickets.
    pub updated: &'static str,
    /// The `order` value that sorts by that time, if the list has `order`.
    pub order: Option<&'static str>,
    /// Query parameters asking for records updated since a time; `{since}`
    /// in a value is that time (`yyyy-MM-ddTHH:mm:ss`).
    pub query: &'static [(&'static str, &'static str)],
}

/// A row of the resource table, as generated operations and types: what
/// halo-api-ext's named actions (`list_tickets`, `get_ticket`,
/// `upsert_tickets`, `delete_ticket`) are built on.
///
/// Implemented by halo-api's build only, for the types in
/// [`resources`](crate::resources).
pub trait Resource: Send + Sync + 'static {
    /// The table's name, also the Cargo feature: `tickets`, `kb_articles`.
    const NAME: &'static str;
    /// One of them: `ticket`, `kb_article`.
    const ONE: &'static str;
    /// Halo's path: `/Tickets`.
    const PATH: &'static str;
    /// Where a wrapped list answer keeps its records (`tickets`); a bare
    /// array is read as well.
    const FIELDS: &'static [&'static str];
    /// The change-feed rule, when the table gives one.
    const CHANGES: Option<ChangeRule>;
    /// The record, as GET by id answers it and POST takes it.
    type Record: Serialize + DeserializeOwned + Identified + Clone + Send + Sync + 'static;
    /// A record as the list answers it.
    type Item: Serialize + DeserializeOwned + Identified + Send + 'static;
    /// `GET {PATH}`.
    type List<'a>: Operation<'a> + Clone + Send + Sync;
    /// `GET {PATH}/{id}`.
    type Get<'a>: Operation<'a> + Clone + Send + Sync;
    /// `POST {PATH}`.
    type Post<'a>: Operation<'a> + Send + Sync;
    /// `DELETE {PATH}/{id}`.
    type Delete<'a>: Operation<'a> + Send + Sync;

    /// The list operation, no parameter set.
    fn list(client: &Client) -> Self::List<'_>;
    /// The get operation for `id`.
    fn get(client: &Client, id: i64) -> Self::Get<'_>;
    /// The post operation with `records` as its body.
    fn post(client: &Client, records: Vec<Self::Record>) -> Self::Post<'_>;
    /// The delete operation for `id`.
    fn delete(client: &Client, id: i64) -> Self::Delete<'_>;
}

/// Generic code run once per [`Resource`] of this build, by
/// [`visit_resources`](crate::resources::visit_resources).
pub trait ResourceVisitor {
    /// Called for each resource, in the table's order.
    fn visit<R: Resource>(&mut self);
}

/// A generated list operation that takes Halo's paging parameters.
///
/// Implemented by halo-api's build for each such operation's builder
/// (`builder::GetSalesOrder`, `builder::GetTickets`, ...).
pub trait Paged<'a>: Operation<'a> + Clone + Send + Sync {
    /// A listed record: the type the document declares for the list's
    /// items, or `serde_json::Value` when it declares none.
    type Item: DeserializeOwned + Identified + Send + 'static;
    /// Where a wrapped list answer keeps its records. Empty when the
    /// document does not say: then the wrapper's one array is the records.
    const FIELDS: &'static [&'static str];
}
