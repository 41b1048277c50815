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
//!     let resume_from = feed.cursor(); // serde: save it to resume after a restart
//! #   let _ = resume_from;
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
//!   ([`HaloError::Decode`] naming the field), yielded in its place: the
//!   feed cannot tell whether it changed, and saying so beats skipping it.
//!   The other records of the poll are yielded all the same. Halo writes an
//!   empty date as 1900-01-01 (or earlier): such an update time is no time,
//!   and the record is not a change.
//! - A change whose record does not decode as `T` is yielded as an error
//!   naming the record (`(record 42)` in the path) and counts as taken: the
//!   feed neither loses the changes before it nor stalls on it.
//! - An update time more than [`FUTURE_TOLERANCE`] ahead of Halo's clock
//!   (its `Date` header, see [`halo_now`]) is yielded once, with a WARN, and
//!   does not move the cursor: one record dated in the future cannot freeze
//!   the feed.
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
//! The cursor holds at most [`MAX_HELD`] pairs: past that (a bulk update
//! touching more records within the overlap), the oldest pairs are folded
//! into `from` (a time and an id: records at that very time with an id at
//! or below it count as handled), with a WARN. So memory is bounded, and a
//! change costs O(1): a [`Change`] carries no cursor.
//!
//! Every change of one poll is yielded oldest first. The cursor moves past a
//! change only when the caller takes it: when [`Feed::poll`] returns it, or
//! when [`Changes`] (the stream) yields it. Save [`Changes::cursor`] (or
//! [`Feed::cursor`]) after handling a change, and a program restarted from
//! it repeats nothing it handled and misses nothing after it.

use crate::list::{List, Source};
use chrono::{DateTime, TimeDelta, Utc};
use futures::StreamExt as _;
use futures::stream::BoxStream;
use halo_api::{HaloError, Identified};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeSet, HashSet, VecDeque};
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How far before the cursor the server-side filter asks: whether Halo
/// reads the filter's time as UTC or in the instance's zone is not known.
pub const FILTER_MARGIN: TimeDelta = TimeDelta::days(1);

/// The most (update time, id) pairs a [`Cursor`] holds.
pub const MAX_HELD: usize = 10_000;

/// How far ahead of Halo's clock an update time may be before it is taken
/// for a wrong date (it is yielded, and does not move the cursor).
pub const FUTURE_TOLERANCE: TimeDelta = TimeDelta::minutes(5);

/// Halo's clock, as its answers' `Date` headers give it (any client's; the
/// difference from the local clock is the local clock's error, the same for
/// every Halo instance), and the local clock until an answer came.
pub fn halo_now() -> DateTime<Utc> {
    Utc::now() + TimeDelta::milliseconds(clock::offset_ms())
}

/// Whether an answer with a `Date` header has been seen (so [`halo_now`]
/// is Halo's clock, not the local one).
pub fn halo_clock_known() -> bool {
    clock::known()
}

pub(crate) mod clock {
    use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

    static OFFSET_MS: AtomicI64 = AtomicI64::new(0);
    static KNOWN: AtomicBool = AtomicBool::new(false);

    /// Keeps Halo's clock from an answer's `Date` header.
    pub(crate) fn observe(headers: &reqwest::header::HeaderMap) {
        let Some(date) = headers.get(reqwest::header::DATE).and_then(|v| v.to_str().ok()) else { return };
        let Ok(at) = httpdate::parse_http_date(date) else { return };
        let now = std::time::SystemTime::now();
        let ms = match at.duration_since(now) {
            Ok(ahead) => ahead.as_millis().min(i64::MAX as u128) as i64,
            Err(behind) => -(behind.duration().as_millis().min(i64::MAX as u128) as i64),
        };
        OFFSET_MS.store(ms, Ordering::Relaxed);
        KNOWN.store(true, Ordering::Relaxed);
    }

    pub(crate) fn offset_ms() -> i64 {
        OFFSET_MS.load(Ordering::Relaxed)
    }

    pub(crate) fn known() -> bool {
        KNOWN.load(Ordering::Relaxed)
    }
}

/// A resource's change-feed facts: the `changes` row of the resource table
/// (defined in halo-api, which generates each resource's).
pub use halo_api::ChangeRule;

/// Where a feed is: what it has handled. Serde, to save and resume from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// Records updated before this are not changes.
    from: DateTime<Utc>,
    /// Records updated exactly at `from` with an id at or below this are
    /// handled too (set when pairs are folded in past [`MAX_HELD`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    from_id: Option<i64>,
    /// (update time, id) of the records handled at or after `from`.
    seen: BTreeSet<(DateTime<Utc>, i64)>,
}

impl Cursor {
    /// Changes at or after `time`.
    pub fn since(time: DateTime<Utc>) -> Self {
        Self { from: time, from_id: None, seen: BTreeSet::new() }
    }

    /// Changes from now on, by Halo's clock when an answer has given it
    /// ([`halo_now`]), else the local clock.
    pub fn now() -> Self {
        Self::since(halo_now())
    }

    /// Records updated before this time are not changes.
    pub fn from(&self) -> DateTime<Utc> {
        self.from
    }

    /// Whether a record with this id and update time is a change.
    pub fn is_new(&self, id: i64, updated: DateTime<Utc>) -> bool {
        let after_from = updated > self.from || (updated == self.from && self.from_id.is_none_or(|f| id > f));
        after_from && !self.seen.contains(&(updated, id))
    }

    /// Takes a handled change in: holds its pair, and moves `from` up to
    /// `overlap` before the latest update time handled that is not ahead of
    /// Halo's clock (by more than [`FUTURE_TOLERANCE`]); past [`MAX_HELD`]
    /// pairs, folds the oldest into `from`.
    pub fn handled(&mut self, id: i64, updated: DateTime<Utc>, overlap: Duration) {
        self.seen.insert((updated, id));
        let horizon = halo_now() + FUTURE_TOLERANCE;
        if updated > horizon {
            tracing::warn!(
                target: "halo",
                id,
                updated = %updated,
                halo_now = %halo_now(),
                "a record's update time is ahead of Halo's clock: it does not move the change feed's cursor"
            );
        }
        let Some(&(latest, _)) = self.seen.iter().rev().find(|(t, _)| *t <= horizon) else { return };
        let floor = latest - TimeDelta::from_std(overlap).unwrap_or(TimeDelta::MAX);
        if floor > self.from {
            self.from = floor;
            self.from_id = None;
            self.seen = self.seen.split_off(&(floor, i64::MIN));
        }
        if self.seen.len() > MAX_HELD {
            let folded = self.seen.len() - MAX_HELD;
            while self.seen.len() > MAX_HELD {
                let Some((t, id)) = self.seen.pop_first() else { break };
                self.from = t;
                self.from_id = Some(id);
            }
            tracing::warn!(
                target: "halo",
                folded,
                from = %self.from,
                "more than {MAX_HELD} changes within the overlap: the oldest are folded into the cursor's start; \
                 a record arriving late with an older update time is not caught"
            );
        }
    }

    /// How many (update time, id) pairs it holds (at most [`MAX_HELD`]).
    pub fn held(&self) -> usize {
        self.seen.len()
    }
}

/// Reads a time as Halo writes it: RFC 3339 (`Z` or an offset), or with no
/// offset at all (read as UTC), with or without fractions of a second; a
/// date alone is midnight UTC. The generated records' rule
/// (`halo_api::codec::parse_date_time`), here for feeds and callers.
pub use halo_api::codec::parse_date_time as parse_time;

/// One change: a record created or updated after the cursor. O(1): it
/// carries no cursor (the feed or its stream has it).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Change<T> {
    /// The record's id.
    pub id: i64,
    /// Its update time, as the record says.
    pub updated: DateTime<Utc>,
    /// The record, as the list answered it.
    pub record: T,
}

/// A change found by a poll and not yet taken: its pair, and the record or
/// why it cannot be one.
struct Found<T> {
    pair: Option<(DateTime<Utc>, i64)>,
    item: Result<Change<T>, HaloError>,
}

impl<T> Found<T> {
    /// Moves `cursor` past this change and hands it over.
    fn take(self, cursor: &mut Cursor, overlap: Duration) -> Result<Change<T>, HaloError> {
        if let Some((updated, id)) = self.pair {
            cursor.handled(id, updated, overlap);
        }
        self.item
    }
}

/// The changes of one poll, taken one at a time: see [`Feed::poll_each`].
pub struct Polled<'f, T> {
    cursor: &'f mut Cursor,
    overlap: Duration,
    found: std::vec::IntoIter<Found<T>>,
}

impl<T> Polled<'_, T> {
    /// The feed's cursor with every change handed over so far.
    pub fn cursor(&self) -> &Cursor {
        self.cursor
    }

    /// Changes of this poll not yet handed over.
    pub fn remaining(&self) -> usize {
        self.found.len()
    }
}

impl<T> Iterator for Polled<'_, T> {
    type Item = Result<Change<T>, HaloError>;
    fn next(&mut self) -> Option<Self::Item> {
        let found = self.found.next()?;
        Some(found.take(self.cursor, self.overlap))
    }
}

impl<T> std::fmt::Debug for Polled<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Polled").field("remaining", &self.found.len()).finish_non_exhaustive()
    }
}

fn lock(cursor: &Mutex<Cursor>) -> std::sync::MutexGuard<'_, Cursor> {
    // Nothing can panic while it is held with the cursor half-changed.
    cursor.lock().unwrap_or_else(|p| p.into_inner())
}

/// The stream of a [`Feed`] ([`Feed::stream`]): `Unpin`, so
/// `while let Some(c) = changes.try_next().await? { .. }`.
pub struct Changes<'a, T> {
    inner: BoxStream<'a, Result<Change<T>, HaloError>>,
    cursor: Arc<Mutex<Cursor>>,
}

impl<T> Changes<'_, T> {
    /// The cursor with every change yielded so far (a copy: save it).
    pub fn cursor(&self) -> Cursor {
        lock(&self.cursor).clone()
    }
}

impl<T> std::fmt::Debug for Changes<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Changes").field("cursor", &*lock(&self.cursor)).finish_non_exhaustive()
    }
}

impl<T> futures::Stream for Changes<'_, T> {
    type Item = Result<Change<T>, HaloError>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
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
    /// Ids of records already reported as unreadable (no update time), so
    /// that each is reported once per feed, not on every poll.
    reported: HashSet<i64>,
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
            reported: HashSet::new(),
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

    /// The cursor: every change taken so far is in it.
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
            reported: self.reported,
            _t: PhantomData,
        }
    }
}

/// Reads a record's update time; Halo's empty date (1900 or earlier) is no
/// time.
fn update_time(record: &Value, field: &str) -> Result<Option<DateTime<Utc>>, ()> {
    use chrono::Datelike as _;
    let t = record.get(field).and_then(Value::as_str).and_then(parse_time).ok_or(())?;
    Ok((t.year() > 1900).then_some(t))
}

impl<'a, B: Source<'a> + Clone + 'a, T: DeserializeOwned + Send + 'a> Feed<'a, B, T> {
    /// One poll: the changes since the cursor, oldest first, each a change
    /// or the error that stands in its place (a record that does not decode,
    /// or has no id or update time). All are taken: the cursor moves past
    /// them. The outer error is a failed poll (after the client's retries);
    /// the cursor did not move.
    ///
    /// # Errors
    /// The list request's failure (nothing handled: the next poll asks again); a record that does not decode is an error in its place in the answer.
    pub async fn poll(&mut self) -> Result<Vec<Result<Change<T>, HaloError>>, HaloError> {
        Ok(self.poll_each().await?.collect())
    }

    /// One poll, its changes taken one at a time: [`Polled`] is an iterator
    /// that moves the cursor past each change as it hands it over, so
    /// [`Polled::cursor`] after handling one includes exactly what was
    /// handled (what `halo watch` saves).
    pub async fn poll_each(&mut self) -> Result<Polled<'_, T>, HaloError> {
        let found = self.find(&self.cursor.clone()).await?;
        Ok(Polled { cursor: &mut self.cursor, overlap: self.overlap, found: found.into_iter() })
    }

    /// The changes since `cursor`, oldest first; nothing moves.
    async fn find(&mut self, cursor: &Cursor) -> Result<Vec<Found<T>>, HaloError> {
        use futures::TryStreamExt as _;
        let operation = self.list.operation_id();
        let since = halo_api::codec::format_date_time(cursor.from - FILTER_MARGIN);
        let mut list = self.list.clone();
        for (k, v) in self.rule.query {
            list = list.filter(*k, v.replace("{since}", &since));
        }
        if let Some(order) = self.rule.order {
            list = list.filter("order", order).filter("orderdesc", "true");
        }
        let mut records = list.stream();
        let mut fresh = Vec::new();
        let mut unreadable = Vec::new();
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
            let Some(id) = record.id_value() else {
                unreadable.push(Found {
                    pair: None,
                    item: Err(bad("id", "a record without an integer id: the change feed cannot tell it from others")),
                });
                continue;
            };
            let updated = match update_time(&record, self.rule.updated) {
                Ok(Some(t)) => t,
                Ok(None) => continue, // Halo's empty date: never updated
                Err(()) => {
                    if self.reported.insert(id) {
                        let message = format!(
                            "record {id} has no update time the change feed can read (the resource table's `changes.updated`)"
                        );
                        unreadable.push(Found { pair: None, item: Err(bad(self.rule.updated, &message)) });
                    }
                    continue;
                }
            };
            if let Some(p) = previous {
                distinct |= updated != p;
                newest_first &= updated <= p;
            }
            previous = Some(updated);
            if cursor.is_new(id, updated) {
                fresh.push((updated, id, record));
            } else if newest_first && distinct && updated < cursor.from && records.page_done() {
                tracing::debug!(target: "halo", operation, "change feed: past the cursor, newest first: not reading further pages");
                break;
            }
        }
        drop(records);
        fresh.sort_by_key(|(t, id, _)| (*t, *id));
        let mut out = unreadable;
        out.extend(fresh.into_iter().map(|(updated, id, record)| Found {
            pair: Some((updated, id)),
            item: halo_api::wire::decode_value(operation, &format!("(record {id})"), record).map(|record| Change {
                id,
                updated,
                record,
            }),
        }));
        Ok(out)
    }

    /// Polls for ever, one poll every [`Feed::interval`] (the first at
    /// once), and yields each change as it arrives; [`Changes::cursor`] is
    /// the cursor with every change yielded so far. A failed poll (after
    /// the client's retries) is yielded as an error and the next poll comes
    /// at its time: nothing is lost, the cursor did not move past it.
    pub fn stream(self) -> Changes<'a, T>
    where
        B: Send,
        T: 'a,
    {
        // The cursor lives here from now on, shared with the caller's handle.
        let shared = Arc::new(Mutex::new(self.cursor.clone()));
        let state = (self, VecDeque::<Found<T>>::new(), None::<tokio::time::Instant>, shared.clone());
        let inner = futures::stream::unfold(state, |(mut feed, mut queue, mut last, shared)| async move {
            loop {
                if let Some(found) = queue.pop_front() {
                    let item = found.take(&mut lock(&shared), feed.overlap);
                    return Some((item, (feed, queue, last, shared)));
                }
                if let Some(t) = last {
                    tokio::time::sleep_until(t + feed.interval).await;
                }
                last = Some(tokio::time::Instant::now());
                let cursor = lock(&shared).clone();
                match feed.find(&cursor).await {
                    Ok(found) => queue.extend(found),
                    Err(e) => return Some((Err(e), (feed, queue, last, shared))),
                }
            }
        })
        .boxed();
        Changes { inner, cursor: shared }
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
        assert!(!saved.contains("from_id"), "the form of earlier cursors, while nothing was folded");
    }

    #[test]
    fn a_burst_at_one_instant_is_bounded_and_repeats_nothing() {
        let at = t("2025-04-01T10:00:00");
        let mut c = Cursor::since(at);
        for id in 0..(MAX_HELD as i64 + 500) {
            assert!(c.is_new(id, at));
            c.handled(id, at, Duration::from_secs(120));
        }
        assert_eq!(c.held(), MAX_HELD, "bounded");
        for id in 0..(MAX_HELD as i64 + 500) {
            assert!(!c.is_new(id, at), "{id} is handled, folded or held");
        }
        assert!(c.is_new(MAX_HELD as i64 + 500, at), "a new id at the same instant is a change");
        let saved: Cursor = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        assert_eq!(saved, c, "from_id survives a restart");
    }

    #[test]
    fn a_time_far_ahead_does_not_move_the_cursor() {
        let now = halo_now();
        let mut c = Cursor::since(now - TimeDelta::minutes(10));
        let future = now + TimeDelta::days(400);
        c.handled(1, future, Duration::from_secs(120));
        assert_eq!(c.from(), now - TimeDelta::minutes(10), "not moved by a date in the future");
        assert!(!c.is_new(1, future), "yielded once");
        assert!(c.is_new(2, now - TimeDelta::minutes(1)), "a change of a minute ago is still caught");
    }

    #[test]
    fn halos_empty_date_is_no_time() {
        let r = serde_json::json!({"id": 1, "last_update": "1900-01-01T00:00:00", "other": "x"});
        assert_eq!(update_time(&r, "last_update"), Ok(None));
        assert_eq!(update_time(&r, "other"), Err(()));
        let r = serde_json::json!({"last_update": "2025-04-01T10:00:00Z"});
        assert_eq!(update_time(&r, "last_update"), Ok(Some(t("2025-04-01T10:00:00"))));
    }
}
