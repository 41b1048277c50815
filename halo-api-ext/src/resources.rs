//! The named actions of the resources integrations use, each a generated
//! operation plus policy:
//!
//! | action | generated operation | adds |
//! |---|---|---|
//! | `list_tickets()` | `get_tickets` | paging, the list wrapper, typed filters |
//! | `get_ticket(id)` | `get_tickets_by_id` | `id`; a blank record (id 0) is `NotFound`; typed options |
//! | `upsert_tickets(records)` | `post_tickets` | one record or many; an object or an array answered |
//! | `delete_ticket(id)` | `delete_tickets_by_id` | `id` |
//!
//! Each is one line calling a generic action ([`HaloClient::list`],
//! [`HaloClient::get`], [`HaloClient::upsert`], [`HaloClient::delete`]) on
//! the resource's type: halo-api's build generates one per row of
//! spec/resources.toml, implementing [`halo_api::Resource`] (operations,
//! record types, path, list fields, change rule). build.rs spells the names
//! from the same table. So the table follows the Cargo features: a resource
//! whose operations were not generated has no named actions.

use crate::changes::{ChangeRule, Cursor, Feed};
use crate::client::HaloClient;
use crate::list::{AnyOperation, List, Marker, Source};
use crate::records::OneOrMany;
use futures::future::BoxFuture;
use halo_api::{HaloError, Operation};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::fmt;
use std::marker::PhantomData;

/// One record or many, for `upsert_*`.
#[derive(Debug, Clone)]
pub struct Records<T>(pub Vec<T>);

impl<T> From<T> for Records<T> {
    fn from(r: T) -> Self {
        Records(vec![r])
    }
}
impl<T> From<Vec<T>> for Records<T> {
    fn from(r: Vec<T>) -> Self {
        Records(r)
    }
}
impl<T, const N: usize> From<[T; N]> for Records<T> {
    fn from(r: [T; N]) -> Self {
        Records(r.into())
    }
}

/// A named get: `halo.get_ticket(7).await?`, or with the operation's
/// options first: `halo.get_ticket(7).includedetails(true).await?`.
///
/// It is `IntoFuture`, not a `Future`: for combinators that take futures
/// (`try_join_all`), call `.into_future()`.
#[must_use = "a get does nothing until it is awaited"]
#[derive(Debug, Clone)]
pub struct Get<'a, B, T> {
    op: B,
    extra: Vec<(String, String)>,
    _t: Marker<'a, T>,
}

impl<'a, B, T> Get<'a, B, T> {
    pub(crate) fn new(op: B) -> Self {
        Self { op, extra: Vec::new(), _t: PhantomData }
    }

    /// A query parameter by Halo's name, for parameters Halo's document does
    /// not list: the escape hatch. Prefer the typed methods.
    pub fn filter(mut self, key: impl Into<String>, value: impl ToString) -> Self {
        self.extra.push((key.into(), value.to_string()));
        self
    }

    /// Sets something on the generated operation (what the typed options do).
    pub fn map(mut self, f: impl FnOnce(B) -> B) -> Self {
        self.op = f(self.op);
        self
    }

    /// The record as the JSON Halo sent, every field kept.
    pub fn as_json(self) -> Get<'a, B, Value> {
        Get { op: self.op, extra: self.extra, _t: PhantomData }
    }
}

impl<'a, B: Operation<'a> + Clone + Send + Sync + 'a, T> Get<'a, B, T> {
    /// The same get with the operation's type erased.
    pub fn erase(self) -> Get<'a, AnyOperation<'a>, T> {
        Get { op: AnyOperation::new(self.op), extra: self.extra, _t: PhantomData }
    }
}

impl<'a, B: Source<'a>, T> Get<'a, B, T> {
    /// The generated operation's id: `get_tickets_by_id`.
    pub fn operation_id(&self) -> &'static str {
        self.op.id()
    }

    /// Halo's names of the query parameters the operation declares: what
    /// [`Get::filter`] keys can be checked against.
    pub fn parameters(&self) -> &'static [&'static str] {
        self.op.query()
    }
}

impl<'a, B: Source<'a> + 'a, T: DeserializeOwned + Send + 'a> std::future::IntoFuture for Get<'a, B, T> {
    type Output = Result<T, HaloError>;
    type IntoFuture = BoxFuture<'a, Result<T, HaloError>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let operation = self.op.id();
            let (client, mut request) = self.op.build()?;
            if !self.extra.is_empty() {
                request.url_mut().query_pairs_mut().extend_pairs(&self.extra);
            }
            let path = request.url().path().to_string();
            let answer = client.exchange(request, operation).await?;
            #[derive(serde::Deserialize)]
            struct Peek {
                id: Option<Value>,
            }
            if let Ok(Peek { id: Some(v) }) = serde_json::from_slice::<Peek>(&answer.body)
                && v.as_f64() == Some(0.0)
            {
                return Err(HaloError::NotFound {
                    what: format!("{operation}: {path} (Halo answered a blank record)"),
                });
            }
            halo_api::wire::decode(operation, &answer.body)
        })
    }
}

/// Sends a generated POST and reads what Halo saved, whether it answers one
/// object or an array.
async fn saved<'a, B: Operation<'a> + 'a, T: DeserializeOwned>(op: B) -> Result<Vec<T>, HaloError> {
    let answer = op.exchange().await?;
    Ok(halo_api::wire::decode::<OneOrMany<T>>(B::ID, &answer.body)?.0)
}

/// The POST of `op` with its JSON body replaced by `body` (the by-name
/// upsert sends the caller's JSON exactly, unknown fields included).
fn json_post<'a, B: Operation<'a> + 'a>(
    op: B,
    body: &[Value],
) -> Result<(&'a halo_api::Client, reqwest::Request), HaloError> {
    let (client, mut request) = op.build_request()?;
    let bytes = serde_json::to_vec(body).map_err(|e| HaloError::InvalidRequest(format!("{}: body: {e}", B::ID)))?;
    *request.body_mut() = Some(bytes.into());
    Ok((client, request))
}

/// As [`saved`], the body [`json_post`]'s.
async fn saved_json<'a, B: Operation<'a> + 'a>(op: B, body: &[Value]) -> Result<Vec<Value>, HaloError> {
    let (client, request) = json_post(op, body)?;
    let answer = client.exchange(request, B::ID).await?;
    Ok(halo_api::wire::decode::<OneOrMany<Value>>(B::ID, &answer.body)?.0)
}

/// A resource of the table, for generic code and the CLI: its facts, and
/// its actions by name with records as JSON.
#[derive(Clone, Copy)]
pub struct Resource {
    /// `tickets`, `kb_articles`...
    pub name: &'static str,
    /// `ticket`, `kb_article`...
    pub one: &'static str,
    /// `/Tickets`...
    pub path: &'static str,
    /// Where a wrapped list keeps its records.
    pub fields: &'static [&'static str],
    /// Its change feed's facts, if it has one.
    pub changes: Option<ChangeRule>,
    /// Halo's names of its list's query parameters ([`List::parameters`]).
    pub list_parameters: &'static [&'static str],
    /// Halo's names of its get's query parameters ([`Get::parameters`]).
    pub get_parameters: &'static [&'static str],
    actions: Actions,
}

type Saved<'a> = BoxFuture<'a, Result<Vec<Value>, HaloError>>;

#[derive(Clone, Copy)]
struct Actions {
    list: for<'a> fn(&'a HaloClient) -> List<'a, AnyOperation<'a>, Value>,
    get: for<'a> fn(&'a HaloClient, i64) -> Get<'a, AnyOperation<'a>, Value>,
    upsert: for<'a> fn(&'a HaloClient, &'a [Value]) -> Saved<'a>,
    upsert_request: fn(&HaloClient, &[Value]) -> Result<reqwest::Request, HaloError>,
    delete: for<'a> fn(&'a HaloClient, i64) -> BoxFuture<'a, Result<(), HaloError>>,
}

impl fmt::Debug for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resource")
            .field("name", &self.name)
            .field("path", &self.path)
            .field("fields", &self.fields)
            .field("changes", &self.changes)
            .finish_non_exhaustive()
    }
}

impl PartialEq for Resource {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}
impl Eq for Resource {}

impl Resource {
    /// By name: `tickets`, `kb_articles` or `kb-articles`.
    pub fn named(name: &str) -> Option<&'static Resource> {
        let n = name.replace('-', "_");
        RESOURCES.iter().find(|r| r.name == n)
    }

    /// The named list, records as JSON: `list_tickets().as_json()`.
    pub fn list<'a>(&self, halo: &'a HaloClient) -> List<'a, AnyOperation<'a>, Value> {
        (self.actions.list)(halo)
    }

    /// The named get, the record as JSON.
    pub fn get<'a>(&self, halo: &'a HaloClient, id: i64) -> Get<'a, AnyOperation<'a>, Value> {
        (self.actions.get)(halo, id)
    }

    /// The named upsert with records as JSON, sent exactly as given.
    ///
    /// # Errors
    /// What Halo answers to the POST, as [`HaloError`].
    pub async fn upsert(&self, halo: &HaloClient, records: &[Value]) -> Result<Vec<Value>, HaloError> {
        if records.is_empty() {
            return Ok(Vec::new());
        }
        (self.actions.upsert)(halo, records).await
    }

    /// The request [`Resource::upsert`] would send for `records`, built and
    /// not sent (method, URL, headers, body): for a dry run.
    ///
    /// # Errors
    /// `InvalidRequest` when the records cannot be sent as JSON.
    pub fn upsert_request(&self, halo: &HaloClient, records: &[Value]) -> Result<reqwest::Request, HaloError> {
        (self.actions.upsert_request)(halo, records)
    }

    /// The change feed, records as JSON: `list_tickets().changes(cursor)`.
    /// An error naming the resources that have one when this one does not.
    pub fn changes<'a>(
        &self,
        halo: &'a HaloClient,
        cursor: Cursor,
    ) -> Result<Feed<'a, AnyOperation<'a>, Value>, HaloError> {
        let rule = self.changes.ok_or_else(|| {
            let with: Vec<_> = RESOURCES.iter().filter(|r| r.changes.is_some()).map(|r| r.name).collect();
            HaloError::InvalidRequest(format!("{} has no change feed; these do: {}", self.name, with.join(", ")))
        })?;
        Ok(self.list(halo).changes_by(rule, cursor))
    }

    /// The named delete.
    ///
    /// # Errors
    /// `NotFound` when there is no such record, as [`HaloError`].
    pub async fn delete(&self, halo: &HaloClient, id: i64) -> Result<(), HaloError> {
        (self.actions.delete)(halo, id).await
    }
}

/// A change rule the resource has: checked when the build expands it.
pub(crate) const fn change_rule<R: halo_api::Resource>() -> ChangeRule {
    match R::CHANGES {
        Some(rule) => rule,
        None => panic!("the resource has no change rule"),
    }
}

/// The generic actions, on any [`halo_api::Resource`]: what the named ones
/// (`list_tickets`, `get_ticket`, `upsert_tickets`, `delete_ticket`) call,
/// for code written once for every resource (`halo.list::<Tickets>()`,
/// with `halo_api::resources::Tickets`).
impl HaloClient {
    /// Lists resource `R` (its list operation), page by page on demand.
    pub fn list<R: halo_api::Resource>(&self) -> List<'_, R::List<'_>, R::Item> {
        List::new(R::FIELDS, R::list(self.raw()))
    }

    /// Lists with any generated operation that takes Halo's paging
    /// parameters, its filters set on it first:
    /// `halo.list_of(halo.raw().get_sales_order().client_id(3))`. The same
    /// [`List`] as the named lists: paged, each record once, typed records
    /// where Halo's document declares them (else `serde_json::Value`).
    pub fn list_of<'a, B: halo_api::Paged<'a> + 'a>(&'a self, operation: B) -> List<'a, B, B::Item> {
        List::new(B::FIELDS, operation)
    }

    /// One record of resource `R` by id. See the named gets (`get_ticket`).
    pub fn get<R: halo_api::Resource>(&self, id: i64) -> Get<'_, R::Get<'_>, R::Record> {
        Get::new(R::get(self.raw(), id))
    }

    /// Creates or updates records of resource `R`. See the named upserts.
    ///
    /// # Errors
    /// What Halo answers to the POST, as [`HaloError`].
    pub async fn upsert<R: halo_api::Resource>(
        &self,
        records: impl Into<Records<R::Record>>,
    ) -> Result<Vec<R::Record>, HaloError> {
        let records = records.into().0;
        if records.is_empty() {
            return Ok(Vec::new());
        }
        saved(R::post(self.raw(), records)).await
    }

    /// Deletes one record of resource `R`. See the named deletes.
    ///
    /// # Errors
    /// `NotFound` when there is no such record, as [`HaloError`].
    pub async fn delete<R: halo_api::Resource>(&self, id: i64) -> Result<(), HaloError> {
        R::delete(self.raw(), id).exchange().await.map(|_| ())
    }
}

fn erased_list<R: halo_api::Resource>(h: &HaloClient) -> List<'_, AnyOperation<'_>, Value> {
    h.list::<R>().as_json().erase()
}
fn erased_get<R: halo_api::Resource>(h: &HaloClient, id: i64) -> Get<'_, AnyOperation<'_>, Value> {
    h.get::<R>(id).as_json().erase()
}
fn erased_upsert<'a, R: halo_api::Resource>(h: &'a HaloClient, records: &'a [Value]) -> Saved<'a> {
    Box::pin(saved_json(R::post(h.raw(), Vec::new()), records))
}
fn erased_upsert_request<R: halo_api::Resource>(
    h: &HaloClient,
    records: &[Value],
) -> Result<reqwest::Request, HaloError> {
    json_post(R::post(h.raw(), Vec::new()), records).map(|(_, request)| request)
}
fn erased_delete<R: halo_api::Resource>(h: &HaloClient, id: i64) -> BoxFuture<'_, Result<(), HaloError>> {
    Box::pin(h.delete::<R>(id))
}

impl Resource {
    /// The entry of resource `R`.
    pub(crate) const fn of<R: halo_api::Resource>() -> Resource {
        Resource {
            name: R::NAME,
            one: R::ONE,
            path: R::PATH,
            fields: R::FIELDS,
            changes: R::CHANGES,
            list_parameters: <R::List<'static> as Operation<'static>>::QUERY,
            get_parameters: <R::Get<'static> as Operation<'static>>::QUERY,
            actions: Actions {
                list: erased_list::<R>,
                get: erased_get::<R>,
                upsert: erased_upsert::<R>,
                upsert_request: erased_upsert_request::<R>,
                delete: erased_delete::<R>,
            },
        }
    }
}

/// A list Halo pages, by name, records as JSON: one for each generated
/// operation that takes Halo's paging parameters ([`LISTS`]), for generic
/// code and the `halo` CLI. Same paging and guarantees as
/// [`HaloClient::list_of`], which it calls.
///
/// Its name: the resource's when it is a named resource's list
/// (`tickets`, `kb_articles`), else its path in snake case
/// (`/SalesOrder`: `sales_order`). halo-api's build stops on two lists of
/// one name.
#[derive(Clone, Copy)]
pub struct PagedList {
    /// `tickets`, `sales_order`...
    pub name: &'static str,
    /// `/Tickets`, `/SalesOrder`...
    pub path: &'static str,
    /// The generated operation: `get_sales_order`.
    pub operation: &'static str,
    /// Halo's names of its query parameters ([`List::parameters`]).
    pub parameters: &'static [&'static str],
    list: for<'a> fn(&'a HaloClient) -> List<'a, AnyOperation<'a>, Value>,
}

impl fmt::Debug for PagedList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PagedList")
            .field("name", &self.name)
            .field("path", &self.path)
            .field("operation", &self.operation)
            .finish_non_exhaustive()
    }
}

impl PagedList {
    /// By name (`sales_order` or `sales-order`) or by path (`/SalesOrder`,
    /// any case).
    pub fn named(name: &str) -> Option<&'static PagedList> {
        let n = name.replace('-', "_");
        LISTS.iter().find(|l| l.name == n).or_else(|| {
            let p = if name.starts_with('/') { name.to_string() } else { format!("/{name}") };
            LISTS.iter().find(|l| l.path.eq_ignore_ascii_case(&p))
        })
    }

    /// The list, no filter set, records as JSON.
    pub fn list<'a>(&self, halo: &'a HaloClient) -> List<'a, AnyOperation<'a>, Value> {
        (self.list)(halo)
    }

    /// The named resource this list belongs to, if any.
    pub fn resource(&self) -> Option<&'static Resource> {
        RESOURCES.iter().find(|r| r.name == self.name)
    }
}

// RESOURCES, the record aliases, the named actions and their typed setters,
// and LISTS: spelled by build.rs from halo-api's resource table.
include!(concat!(env!("OUT_DIR"), "/named_actions.rs"));

/// Decodes one list answer of `resource`, as [`List`] does each page: a
/// bare array, or Halo's wrapper with `record_count` and the records under
/// the resource's field. For answers fetched another way
/// ([`crate::HaloClient::request`]); answers the records and the total.
pub fn decode_list<T: DeserializeOwned>(resource: &Resource, body: &[u8]) -> Result<(Vec<T>, Option<u64>), HaloError> {
    crate::list::decode_rows(resource.name, resource.fields, body)
}
