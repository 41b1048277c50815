//! Change feeds: the records created or updated after a point, as they
//! happen, by polling a named list.
//!
//! ```no_run
//! # use halo_api_ext::{HaloClient, HaloError, changes::Cursor};
//! # use futures::TryStreamExt;
//! # async fn run(halo: HaloClient) -> Result<(), HaloError> {
//! let mut feed = halo.list_tickets().changes(Cursor::now()).stream();
//! while let Some(change) = feed.try_next().await? {
//!     println!("ticket {} changed at {}", change.id, change.updated);
//!     // save change.cursor (it is serde) to resume from here after a restart
//! }
//! # Ok(()) }
//! ```
//!
//! A feed is a named list (its typed filters, paging, prefetch, and the
//! client's policy: token, rate limit, retries) asked again every
//! [`Feed::interval`]. Which query parameters ask Halo for recent records,
//! and which field holds a record's update time, is the `changes` row of
//! the resource table (spec/resources.toml): tickets, actions, clients,
//! sites, users and assets have one.
//!
//! # What is known and what is assumed
//!
//! Halo's document does not say which parameters filter by update time
//! (`lastupdatefromdate` is typed and described as a bool; tickets' and
//! actions' `datesearch` names the date field, `startdate` the start), nor
//! in which time zone Halo reads them. So the feed trusts none of it:
//!
//! - Every record's update time (the row's `updated` field, read from the
//!   JSON) is checked against the [`Cursor`] on this side. A server that
//!   ignores the filter costs more requests, never a wrong result.
//! - The filter asks from [`FILTER_MARGIN`] (a day) before the cursor, so
//!   that a server reading the time in its own zone still answers every
//!   change.
//! - Where the list has `order`, the feed asks newest first
//!   (`order=<field>&orderdesc=true`) and stops paging after a page that
//!   ends before the cursor, but only while the answer keeps that order
//!   (every record so far newest first, with at least two distinct times):
//!   a server that ignores `order` is read to the end.
//! - Update times come with `Z`, an offset, or none: none is read as UTC.
//! - A record without an `id` or without its update time is an error
//!   ([`HaloError::Decode`] naming the field): the feed cannot tell whether
//!   it changed, and saying so beats skipping it.
//!
//! # Each change once
//!
//! The cursor holds a time, `from`, and the (update time, id) pairs handled
//! at or after it. A record is a change when its update time is at or
//! after `from` and its pair is not held: a record created between two
//! polls is yielded once; an update to a record already seen (a new update
//! time) is yielded again. `from` trails the latest update time handled by
//! [`Feed::overlap`] (two minutes by default), so a record that becomes
//! visible late, with an update time up to that much older than the newest
//! one handled, is still yielded; the pairs held are those of that window.
//! Two updates to one record within the same instant (as Halo reports it)
//! are one change.
//!
//! Every change of one poll is yielded oldest first, each with the cursor
//! that includes it: save [`Change::cursor`] after handling a change, and a
//! program restarted from it repeats nothing it handled and misses nothing
//! after it.

use crate::list::{List, Source};
use chrono::{DateTime, TimeDelta, Utc};
use futures::StreamExt as _;
use futures::stream::BoxStream;
use halo_api::{HaloError, Identified};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeSet, VecDeque};
use std::marker::PhantomData;
use std::time::Duration;

/// How far before the cursor the server-side filter asks: whether Halo
/// reads the filter's time as UTC or in the instance's zone is not known.
pub const FILTER_MARGIN: TimeDelta = TimeDelta::days(1);

/// A resource's change feed facts: the `changes` row of the resource table.
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

/// Where a feed is: what it has handled. Serde, to save and resume from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// Records updated before this are not changes.
    from: DateTime<Utc>,
    /// (update time, id) of the records handled at or after `from`.
    seen: BTreeSet<(DateTime<Utc>, i64)>,
}

impl Cursor {
    /// Changes at or after `time`.
    pub fn since(time: DateTime<Utc>) -> Self {
        Self { from: time, seen: BTreeSet::new() }
    }

    /// Changes from now on.
    pub fn now() -> Self {
        Self::since(Utc::now())
    }

    /// Records updated before this time are not changes.
    pub fn from(&self) -> DateTime<Utc> {
        self.from
    }

    /// Whether a record with this id and update time is a change.
    pub fn is_new(&self, id: i64, updated: DateTime<Utc>) -> bool {
        updated >= self.from && !self.seen.contains(&(updated, id))
    }

    /// Takes a handled change in: holds its pair, and moves `from` up to
    /// `overlap` before the latest update time handled.
    pub fn handled(&mut self, id: i64, updated: DateTime<Utc>, overlap: Duration) {
        self.seen.insert((updated, id));
        let latest = self.seen.last().map_or(updated, |(t, _)| *t);
        let floor = latest - TimeDelta::from_std(overlap).unwrap_or(TimeDelta::MAX);
        if floor > self.from {
            self.from = floor;
            self.seen = self.seen.split_off(&(floor, i64::MIN));
        }
    }

    /// How many (update time, id) pairs it holds.
    pub fn held(&self) -> usize {
        self.seen.len()
    }
}

/// Reads a time as Halo writes it: RFC 3339 (`Z` or an offset), or with no
/// offset at all (read as UTC), with or without fractions of a second; a
/// date alone is midnight UTC. The generated records' rule
/// (`halo_api::codec::parse_date_time`), here for feeds and callers.
pub use halo_api::codec::parse_date_time as parse_time;

/// One change: a record created or updated after the cursor.
#[derive(Debug, Clone)]
pub struct Change<T> {
    pub id: i64,
    /// Its update time, as the record says.
    pub updated: DateTime<Utc>,
    pub record: T,
    /// The feed's cursor with this change handled: save it after handling.
    pub cursor: Cursor,
}

/// A change feed on a named list: [`List::changes`]. Poll it once
/// ([`Feed::poll`]) or for ever ([`Feed::stream`]).
#[derive(Debug, Clone)]
pub struct Feed<'a, B, T> {
    list: List<'a, B, Value>,
    rule: ChangeRule,
    cursor: Cursor,
    interval: Duration,
    overlap: Duration,
    _t: PhantomData<fn() -> T>,
}

impl<'a, B, T> List<'a, B, T> {
    /// This list's change feed by `rule` (the typed `changes` of a resource
    /// with a `changes` row calls it with that row).
    pub fn changes_by(self, rule: ChangeRule, cursor: Cursor) -> Feed<'a, B, T> {
        Feed {
            list: self.as_json(),
            rule,
            cursor,
            interval: Duration::from_secs(30),
            overlap: Duration::from_secs(120),
            _t: PhantomData,
        }
    }
}

impl<'a, B, T> Feed<'a, B, T> {
    /// Time between the starts of two polls (default 30 s). Each poll is
    /// at least one request against the rate limit.
    pub fn interval(mut self, every: Duration) -> Self {
        self.interval = every;
        self
    }

    /// How far behind the newest change a late record is still caught
    /// (default 2 minutes); also bounds what the cursor holds.
    pub fn overlap(mut self, window: Duration) -> Self {
        self.overlap = window;
        self
    }

    /// Sets something on the list polled (a filter: `ticket_id` for actions).
    pub fn map_list(mut self, f: impl FnOnce(List<'a, B, Value>) -> List<'a, B, Value>) -> Self {
        self.list = f(self.list);
        self
    }

    /// The cursor: every change yielded so far is in it.
    pub fn cursor(&self) -> &Cursor {
        &self.cursor
    }

    /// The records as the JSON Halo sent.
    pub fn as_json(self) -> Feed<'a, B, Value> {
        Feed {
            list: self.list,
            rule: self.rule,
            cursor: self.cursor,
            interval: self.interval,
            overlap: self.overlap,
            _t: PhantomData,
        }
    }
}

impl<'a, B: Source<'a> + Clone + 'a, T: DeserializeOwned + Send + 'a> Feed<'a, B, T> {
    /// One poll: the changes since the cursor, oldest first; the cursor
    /// moves past them.
    pub async fn poll(&mut self) -> Result<Vec<Change<T>>, HaloError> {
        use futures::TryStreamExt as _;
        let operation = self.list.op_id();
        let since = halo_api::codec::format_date_time(self.cursor.from - FILTER_MARGIN);
        let mut list = self.list.clone();
        for (k, v) in self.rule.query {
            list = list.filter(*k, v.replace("{since}", &since));
        }
        if let Some(order) = self.rule.order {
            list = list.filter("order", order).filter("orderdesc", "true");
        }
        let mut records = list.stream();
        let mut fresh = Vec::new();
        let (mut newest_first, mut previous, mut distinct) = (self.rule.order.is_some(), None, false);
        let mut index = 0usize;
        while let Some(record) = records.try_next().await? {
            let at = index;
            index += 1;
            let bad = |field: &str, message: &str| HaloError::Decode {
                operation: operation.to_string(),
                path: format!("[{at}].{field}"),
                message: message.to_string(),
            };
            let id = record.id_value().ok_or_else(|| {
                bad("id", "a record without an integer id: the change feed cannot tell it from others")
            })?;
            let updated =
                record.get(self.rule.updated).and_then(Value::as_str).and_then(parse_time).ok_or_else(|| {
                    bad(
                        self.rule.updated,
                        "no update time the change feed can read (the resource table's `changes.updated`)",
                    )
                })?;
            if let Some(p) = previous {
                distinct |= updated != p;
                newest_first &= updated <= p;
            }
            previous = Some(updated);
            if self.cursor.is_new(id, updated) {
                fresh.push((updated, id, record));
            } else if newest_first && distinct && updated < self.cursor.from && records.page_done() {
                tracing::debug!(target: "halo", operation, "change feed: past the cursor, newest first: not reading further pages");
                break;
            }
        }
        drop(records);
        fresh.sort_by_key(|(t, id, _)| (*t, *id));
        let mut out = Vec::with_capacity(fresh.len());
        for (updated, id, record) in fresh {
            let record: T = halo_api::wire::decode_value(operation, &format!("(record {id})"), record)?;
            self.cursor.handled(id, updated, self.overlap);
            out.push(Change { id, updated, record, cursor: self.cursor.clone() });
        }
        Ok(out)
    }

    /// Polls for ever, one poll every [`Feed::interval`] (the first at
    /// once), and yields each change as it arrives. An error (after the
    /// client's retries) is yielded and the next poll comes at its time:
    /// nothing is lost, the cursor did not move past it.
    pub fn stream(self) -> BoxStream<'a, Result<Change<T>, HaloError>>
    where
        B: Send,
        T: 'a,
    {
        let state = (self, VecDeque::new(), None::<tokio::time::Instant>);
        futures::stream::unfold(state, |(mut feed, mut queue, mut last)| async move {
            loop {
                if let Some(c) = queue.pop_front() {
                    return Some((Ok(c), (feed, queue, last)));
                }
                if let Some(t) = last {
                    tokio::time::sleep_until(t + feed.interval).await;
                }
                last = Some(tokio::time::Instant::now());
                match feed.poll().await {
                    Ok(changes) => queue.extend(changes),
                    Err(e) => return Some((Err(e), (feed, queue, last))),
                }
            }
        })
        .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        parse_time(s).unwrap()
    }

    #[test]
    fn times_with_and_without_offsets() {
        assert_eq!(t("2025-04-01T10:00:00Z"), t("2025-04-01T10:00:00"));
        assert_eq!(t("2025-04-01T12:00:00+02:00"), t("2025-04-01T10:00:00"));
        assert_eq!(t("2025-04-01T10:00:00.250").timestamp_subsec_millis(), 250);
        assert_eq!(t("2025-04-01"), t("2025-04-01T00:00:00"));
        assert!(parse_time("yesterday").is_none());
        assert!(parse_time("").is_none());
    }

    #[test]
    fn the_cursor_holds_only_the_overlap_and_says_what_is_new() {
        let overlap = Duration::from_secs(60);
        let mut c = Cursor::since(t("2025-04-01T10:00:00"));
        assert!(!c.is_new(1, t("2025-04-01T09:59:59")));
        assert!(c.is_new(1, t("2025-04-01T10:00:00")));
        c.handled(1, t("2025-04-01T10:00:00"), overlap);
        assert!(!c.is_new(1, t("2025-04-01T10:00:00")));
        assert!(c.is_new(1, t("2025-04-01T10:00:01")), "an update is a change again");
        c.handled(2, t("2025-04-01T10:05:00"), overlap);
        assert_eq!(c.from(), t("2025-04-01T10:04:00"));
        assert_eq!(c.held(), 1, "pairs before from are dropped");
        assert!(c.is_new(3, t("2025-04-01T10:04:30")), "late within the overlap");
        assert!(!c.is_new(3, t("2025-04-01T10:03:59")));
        let saved = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<Cursor>(&saved).unwrap(), c);
    }
}
