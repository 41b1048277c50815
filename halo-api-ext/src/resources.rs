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
//! None of it is written here by hand: halo-api's build generates the table
//! from spec/resources.toml and the generated code
//! (`halo_api::__for_each_resource!`), and [`resources!`] below expands it.
//! So the table follows the Cargo features: a resource whose operations were
//! not generated has no named actions.

use crate::changes::{ChangeRule, Cursor, Feed};
use crate::client::HaloClient;
use crate::list::{AnyOperation, List, ListShape, Marker, Source};
use futures::future::BoxFuture;
use halo_api::{HaloError, Operation};
use serde::de::{self, DeserializeOwned, MapAccess, SeqAccess, Visitor};
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

/// The one record an upsert of one record saved, or a `Decode` error
/// saying Halo answered none. (For the helpers of notes and attachments.)
#[cfg(any(feature = "actions", feature = "attachments"))]
pub(crate) fn one_saved<T>(saved: Vec<T>, operation: &str, what: &str) -> Result<T, HaloError> {
    saved.into_iter().next().ok_or_else(|| HaloError::Decode {
        operation: operation.into(),
        path: String::new(),
        message: format!("Halo answered no {what}"),
    })
}

/// A ticket id as Halo's records hold it (`i32`), or an error naming the
/// action and the id.
#[cfg(any(feature = "actions", feature = "attachments"))]
pub(crate) fn ticket_id(action: &str, id: i64) -> Result<i32, HaloError> {
    i32::try_from(id).map_err(|_| HaloError::InvalidRequest(format!("{action}: ticket id {id} is out of Halo's range")))
}

/// As [`saved`], with the operation's JSON body replaced by `body` (the
/// by-name upsert sends the caller's JSON exactly, unknown fields included).
async fn saved_json<'a, B: Operation<'a> + 'a>(op: B, body: &[Value]) -> Result<Vec<Value>, HaloError> {
    let (client, mut request) = op.build_request()?;
    let bytes = serde_json::to_vec(body).map_err(|e| HaloError::InvalidRequest(format!("{}: body: {e}", B::ID)))?;
    *request.body_mut() = Some(bytes.into());
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
    actions: &'static Actions,
}

type Saved<'a> = BoxFuture<'a, Result<Vec<Value>, HaloError>>;

struct Actions {
    list: for<'a> fn(&'a HaloClient) -> List<'a, AnyOperation<'a>, Value>,
    get: for<'a> fn(&'a HaloClient, i64) -> Get<'a, AnyOperation<'a>, Value>,
    upsert: for<'a> fn(&'a HaloClient, &'a [Value]) -> Saved<'a>,
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
    pub async fn upsert(&self, halo: &HaloClient, records: &[Value]) -> Result<Vec<Value>, HaloError> {
        if records.is_empty() {
            return Ok(Vec::new());
        }
        (self.actions.upsert)(halo, records).await
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
    pub async fn delete(&self, halo: &HaloClient, id: i64) -> Result<(), HaloError> {
        (self.actions.delete)(halo, id).await
    }
}

/// Expands `halo_api::__for_each_resource!`'s table into the named actions.
macro_rules! resources {
    ($(
        $name:ident {
            names: $list:ident $get:ident $upsert:ident $delete:ident,
            path: $path:literal,
            fields: [$($field:literal),*],
            list: $list_op:ident $ListB:ident { $($lp:ident : $lt:ty),* },
            get: $get_op:ident $GetB:ident { $($gp:ident : $gt:ty),* },
            one: $one:ident,
            paged: $paged:literal,
            alias: $Alias:ident,
            item_alias: $ItemAlias:ident,
            record: $Record:ident,
            item: $Item:ident,
            upsert: $post_op:ident $PostB:ident,
            delete: $delete_op:ident $DeleteB:ident,
            changes: { $(updated: $updated:literal, order: $order:literal, query: { $($qk:literal = $qv:literal),* })? },
        }
    )*) => {
        /// The resources of the table this build has, in the table's order.
        pub const RESOURCES: &[Resource] = &[$(
            Resource {
                name: stringify!($name),
                one: stringify!($one),
                path: $path,
                fields: &[$($field),*],
                changes: {
                    #[allow(unused_variables)]
                    let rule: Option<ChangeRule> = None;
                    $(let rule = Some(change_rules::$name::RULE); let _ = $updated;)?
                    rule
                },
                actions: &Actions { list: by_name::$name::list, get: by_name::$name::get, upsert: by_name::$name::upsert, delete: by_name::$name::delete },
            }
        ),*];

        mod change_rules {$($(
            pub mod $name {
                use crate::changes::ChangeRule;
                pub const RULE: ChangeRule = ChangeRule {
                    updated: $updated,
                    order: if $order.is_empty() { None } else { Some($order) },
                    query: &[$(($qk, $qv)),*],
                };
            }
        )?)*}

        $($(
            impl<'a, T> List<'a, halo_api::builder::$ListB<'a>, T> {
                #[doc = concat!("The change feed of ", stringify!($name), ": records created or updated after `cursor`, ",
                    "by polling this list (its filters kept). Update time: `", $updated, "`. See [`crate::changes`].")]
                pub fn changes(self, cursor: Cursor) -> Feed<'a, halo_api::builder::$ListB<'a>, T> {
                    let _ = $updated;
                    self.changes_by(change_rules::$name::RULE, cursor)
                }
            }
        )?)*

        /// Halo's records, by the names integrations use.
        pub mod aliases {
            $(
                #[doc = concat!("A ", stringify!($one), " (", $path, "): `halo_api::types::", stringify!($Record), "`.")]
                pub type $Alias = halo_api::types::$Record;
                #[doc = concat!("A ", stringify!($one), " as ", $path, " lists it: `halo_api::types::", stringify!($Item), "`.")]
                pub type $ItemAlias = halo_api::types::$Item;
            )*
        }

        impl HaloClient {$(
            #[doc = concat!("Lists ", stringify!($name), ": GET ", $path, " (`", stringify!($list_op), "`), page by page on demand. ",
                "Its filters are the operation's query parameters, typed: `.", stringify!($list), "().search(\"acme\")`.")]
            pub fn $list(&self) -> List<'_, halo_api::builder::$ListB<'_>, halo_api::types::$Item> {
                const SHAPE: ListShape = ListShape { fields: &[$($field),*], paged: $paged };
                List::new(SHAPE, self.raw().$list_op())
            }

            #[doc = concat!("One ", stringify!($one), " by id: GET ", $path, "/{id} (`", stringify!($get_op), "`). ",
                "Await it, or set the operation's options first.")]
            pub fn $get(&self, id: i64) -> Get<'_, halo_api::builder::$GetB<'_>, halo_api::types::$Record> {
                Get::new(self.raw().$get_op().id(id))
            }

            #[doc = concat!("Creates or updates ", stringify!($name), ": POST ", $path, " (`", stringify!($post_op), "`); ",
                "an `id` means update. Answers what Halo saved.")]
            pub async fn $upsert(
                &self,
                records: impl Into<Records<halo_api::types::$Record>>,
            ) -> Result<Vec<halo_api::types::$Record>, HaloError> {
                let records = records.into().0;
                if records.is_empty() {
                    return Ok(Vec::new());
                }
                saved(self.raw().$post_op().body(records)).await
            }

            #[doc = concat!("Deletes one ", stringify!($one), ": DELETE ", $path, "/{id} (`", stringify!($delete_op), "`).")]
            pub async fn $delete(&self, id: i64) -> Result<(), HaloError> {
                self.raw().$delete_op().id(id).send().await.map(|_| ())
            }
        )*}

        $(
            impl<'a, T> List<'a, halo_api::builder::$ListB<'a>, T> {$(
                #[doc = concat!("Halo's `", stringify!($lp), "` query parameter (`", stringify!($lt), "`).")]
                pub fn $lp<V: ::std::convert::TryInto<$lt>>(self, value: V) -> Self {
                    self.map(move |op| op.$lp(value))
                }
            )*}

            impl<'a, T> Get<'a, halo_api::builder::$GetB<'a>, T> {$(
                #[doc = concat!("Halo's `", stringify!($gp), "` query parameter (`", stringify!($gt), "`).")]
                pub fn $gp<V: ::std::convert::TryInto<$gt>>(self, value: V) -> Self {
                    self.map(move |op| op.$gp(value))
                }
            )*}
        )*

        mod by_name {$(
            pub mod $name {
                use super::super::*;
                pub fn list(h: &HaloClient) -> List<'_, AnyOperation<'_>, Value> {
                    h.$list().as_json().erase()
                }
                pub fn get(h: &HaloClient, id: i64) -> Get<'_, AnyOperation<'_>, Value> {
                    h.$get(id).as_json().erase()
                }
                pub fn upsert<'a>(h: &'a HaloClient, records: &'a [Value]) -> BoxFuture<'a, Result<Vec<Value>, HaloError>> {
                    Box::pin(saved_json(h.raw().$post_op().body(Vec::<halo_api::types::$Record>::new()), records))
                }
                pub fn delete(h: &HaloClient, id: i64) -> BoxFuture<'_, Result<(), HaloError>> {
                    Box::pin(h.$delete(id))
                }
            }
        )*}
    };
}

halo_api::__for_each_resource!(resources);

/// One record or an array of them, as Halo answers a POST.
pub(crate) struct OneOrMany<T>(pub Vec<T>);

impl<'de, T: DeserializeOwned> de::Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: DeserializeOwned> Visitor<'de> for V<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a record or an array of records")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(r) = seq.next_element()? {
                    out.push(r);
                }
                Ok(OneOrMany(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(|r| OneOrMany(vec![r]))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}
