//! Listing with Halo's paging, on the generated list operations.
//!
//! [`List`] wraps a generated list operation (`halo.raw().get_tickets()`):
//! its typed filters are that operation's query parameters
//! (`halo.list_tickets().client_id(12).open_only(true)`), and the list adds
//! Halo's paging to the request it builds: `pageinate=true&page_size=N&page_no=K`
//! (page_no from 1). [`List::filter`] adds a parameter the document does not
//! list, by name.
//!
//! The stream stops on an empty page; when Halo reports `record_count`, once
//! the rows seen reach it (a server may cap the page size, so a page shorter
//! than asked is not the end); with no total, on a page shorter than asked
//! (a page longer than asked is not the end either). A server that ignores
//! `page_no` answers the same rows again: after [`REPEATED_PAGES`] pages in a
//! row that bring nothing new, the listing ends with an error rather than
//! looping or pretending it is complete.

use futures::stream::BoxStream;
use halo_api::{HaloError, Operation};
use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::collections::VecDeque;
use std::fmt;
use std::future::Future as _;
use std::marker::PhantomData;
use std::sync::Arc;

/// Pages in a row that bring no record not yet yielded (or the very bytes
/// of the page before) before a listing gives up: the server ignores paging.
pub const REPEATED_PAGES: u32 = 3;

/// Carries a builder's lifetime and the record type, holding neither.
pub(crate) type Marker<'a, T> = PhantomData<(fn() -> T, &'a ())>;

/// One page of a list.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Page<T> {
    /// The page's records.
    pub records: Vec<T>,
    /// The total Halo reports (wrapped lists only).
    pub record_count: Option<u64>,
    /// Which page (from 1).
    pub page_no: u32,
}

/// A built request, from a generated operation or a type-erased one.
#[doc(hidden)]
pub trait Source<'a>: Send + Sync {
    fn id(&self) -> &'static str;
    fn query(&self) -> &'static [&'static str];
    fn build(&self) -> Result<(&'a halo_api::Client, reqwest::Request), HaloError>;
}

impl<'a, B: Operation<'a> + Clone + Send + Sync> Source<'a> for B {
    fn id(&self) -> &'static str {
        B::ID
    }
    fn query(&self) -> &'static [&'static str] {
        B::QUERY
    }
    fn build(&self) -> Result<(&'a halo_api::Client, reqwest::Request), HaloError> {
        self.clone().build_request()
    }
}

/// A generated operation with its type erased: what the resource table's
/// by-name actions hold, so that one type serves every resource.
#[derive(Clone)]
pub struct AnyOperation<'a> {
    id: &'static str,
    query: &'static [&'static str],
    build: Arc<dyn Fn() -> Result<(&'a halo_api::Client, reqwest::Request), HaloError> + Send + Sync + 'a>,
}

impl<'a> AnyOperation<'a> {
    /// Erases `op`'s type.
    pub fn new<B: Operation<'a> + Clone + Send + Sync + 'a>(op: B) -> Self {
        Self { id: B::ID, query: B::QUERY, build: Arc::new(move || op.clone().build_request()) }
    }
}

impl fmt::Debug for AnyOperation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AnyOperation").field("id", &self.id).finish_non_exhaustive()
    }
}

impl<'a> Source<'a> for AnyOperation<'a> {
    fn id(&self) -> &'static str {
        self.id
    }
    fn query(&self) -> &'static [&'static str] {
        self.query
    }
    fn build(&self) -> Result<(&'a halo_api::Client, reqwest::Request), HaloError> {
        (self.build)()
    }
}

/// A list request on generated operation `B`, records decoded as `T`:
/// filters (typed, from `B`), page size, a maximum; then [`List::stream`],
/// [`List::page`] or [`List::collect`].
#[derive(Debug, Clone)]
pub struct List<'a, B, T> {
    /// Where a wrapped answer keeps its records (empty: its one array).
    fields: &'static [&'static str],
    op: B,
    extra: Vec<(String, String)>,
    page_size: u32,
    max: Option<u64>,
    _t: Marker<'a, T>,
}

impl<'a, B, T> List<'a, B, T> {
    pub(crate) fn new(fields: &'static [&'static str], op: B) -> Self {
        Self { fields, op, extra: Vec::new(), page_size: 100, max: None, _t: PhantomData }
    }

    /// Sets something on the generated operation (what the typed filters do).
    pub fn map(mut self, f: impl FnOnce(B) -> B) -> Self {
        self.op = f(self.op);
        self
    }

    /// A query parameter by Halo's name, for parameters Halo's document does
    /// not list: the escape hatch. Prefer the typed methods (`.client_id(12)`):
    /// Halo ignores a name it does not know, silently.
    pub fn filter(mut self, key: impl Into<String>, value: impl ToString) -> Self {
        self.extra.push((key.into(), value.to_string()));
        self
    }

    /// Rows asked for per page (default 100, Halo's safe size).
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = n.max(1);
        self
    }

    /// Stop after this many records, without fetching further pages.
    pub fn max(mut self, n: u64) -> Self {
        self.max = Some(n);
        self
    }

    /// The records as the JSON Halo sent, every field kept.
    pub fn as_json(self) -> List<'a, B, Value> {
        List {
            fields: self.fields,
            op: self.op,
            extra: self.extra,
            page_size: self.page_size,
            max: self.max,
            _t: PhantomData,
        }
    }
}

impl<'a, B: Operation<'a> + Clone + Send + Sync + 'a, T> List<'a, B, T> {
    /// The same list with the operation's type erased.
    pub fn erase(self) -> List<'a, AnyOperation<'a>, T> {
        List {
            fields: self.fields,
            op: AnyOperation::new(self.op),
            extra: self.extra,
            page_size: self.page_size,
            max: self.max,
            _t: PhantomData,
        }
    }
}

impl<'a, B: Source<'a>, T> List<'a, B, T> {
    /// The generated operation's id: `get_tickets`.
    pub fn operation_id(&self) -> &'static str {
        self.op.id()
    }

    /// Halo's names of the query parameters the operation declares (its
    /// typed filters and the paging ones): what [`List::filter`] keys can
    /// be checked against before Halo silently ignores one it does not know.
    pub fn parameters(&self) -> &'static [&'static str] {
        self.op.query()
    }
}

impl<'a, B: Source<'a> + 'a, T: DeserializeOwned + Send + 'a> List<'a, B, T> {
    /// One page (`page_no` from 1).
    ///
    /// # Errors
    /// What Halo answers that is not a success, the network, or a page that does not decode, as [`HaloError`].
    pub async fn page(&self, page_no: u32) -> Result<Page<T>, HaloError> {
        let (client, request) = self.request(page_no)?;
        let answer = client.exchange(request, self.op.id()).await?;
        self.decode_page(page_no, &answer.body)
    }

    /// Decodes one page's answer: a bare array, or Halo's wrapper.
    fn decode_page(&self, page_no: u32, body: &[u8]) -> Result<Page<T>, HaloError> {
        let seed = PageSeed::<T> { fields: self.fields, _t: PhantomData };
        let (records, record_count) = halo_api::wire::decode_seed(self.op.id(), body, seed)?;
        Ok(Page { records, record_count, page_no })
    }

    /// The generated operation's request with the escape-hatch filters and
    /// Halo's paging added.
    fn request(&self, page_no: u32) -> Result<(&'a halo_api::Client, reqwest::Request), HaloError> {
        let (client, mut request) = self.op.build()?;
        {
            let mut q = request.url_mut().query_pairs_mut();
            for (k, v) in &self.extra {
                q.append_pair(k, v);
            }
            q.append_pair("pageinate", "true");
            q.append_pair("page_size", &self.page_size.to_string());
            q.append_pair("page_no", &page_no.to_string());
        }
        Ok((client, request))
    }

    /// Every record, page by page, each record once.
    ///
    /// Prefetching: when page k arrives, page k+1 is asked for at once, in a
    /// task of its own (sent and read there; decoded when the caller reaches
    /// it), while the caller consumes page k. At most two pages are held: the one being consumed
    /// and the one in flight; no further page is asked for until the caller
    /// reaches the end of the current one. Dropping the stream cancels the
    /// page in flight. Every request still goes through the client's rate
    /// limit and retries.
    ///
    /// Each record once: Halo pages by offset, so a record created while the
    /// listing runs shifts later records onto the next page, where they
    /// would be read twice. The stream remembers the ids it yielded (8 bytes
    /// each) and skips a repeat. A record without an integer `id` is always
    /// yielded.
    ///
    /// What a listing guarantees: no record twice; every record that exists
    /// for the whole listing and is not moved by a deletion is yielded.
    /// A record deleted while the listing runs shifts later records back by
    /// one, so a record not yet read can be skipped; records created while
    /// it runs may or may not appear. When Halo's `record_count` changes
    /// between pages, a WARN event (target `halo`) says so with both numbers.
    /// To see every change, use a change feed, not a listing.
    ///
    /// A [`ListStream`]: `Unpin`, so `while let Some(t) = s.try_next().await?`;
    /// [`ListStream::record_count`] is Halo's latest total. It borrows the
    /// client; it needs a Tokio runtime (as reqwest does).
    pub fn stream(self) -> ListStream<'a, T>
    where
        T: halo_api::Identified + 'static,
    {
        let inflight = Some((1, self.spawn(1)));
        let total = Arc::new(std::sync::atomic::AtomicU64::new(u64::MAX));
        let buffered = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let pages = Box::pin(Pages {
            total: total.clone(),
            buffered: buffered.clone(),
            list: self,
            buffer: VecDeque::new(),
            inflight,
            ids: std::collections::HashSet::new(),
            yielded: 0,
            rows: 0,
            last: None,
            count: None,
            repeated: 0,
        });
        ListStream { inner: pages, total, buffered }
    }

    /// Builds page `page_no`'s request and fetches it in a task of its own.
    fn spawn(&self, page_no: u32) -> Result<Fetch<T>, HaloError>
    where
        T: 'static,
    {
        let (client, request) = self.request(page_no)?;
        let client = client.clone();
        let operation = self.op.id();
        Ok(Fetch(tokio::spawn(async move { Ok(client.exchange(request, operation).await?.body) }), PhantomData))
    }

    /// Every record in one `Vec` (all pages unless [`List::max`]).
    ///
    /// # Errors
    /// As [`List::page`] for any page, and an `Api` error when pages repeat (see [`REPEATED_PAGES`]): never a partial list.
    pub async fn collect(self) -> Result<Vec<T>, HaloError>
    where
        T: halo_api::Identified + 'static,
    {
        use futures::TryStreamExt;
        self.stream().try_collect().await
    }
}

fn fingerprint(body: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut h);
    h.finish()
}

/// A page in flight, in a task of its own (sent, read, not yet decoded: the
/// records are decoded, and later dropped, on the caller's thread, which is
/// measurably faster than handing them across threads); aborted when dropped.
struct Fetch<T>(tokio::task::JoinHandle<Result<bytes::Bytes, HaloError>>, PhantomData<fn() -> T>);

impl<T> Drop for Fetch<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The state of [`List::stream`].
struct Pages<'a, B, T> {
    list: List<'a, B, T>,
    /// The page being consumed, already de-duplicated and cut to `max`.
    buffer: VecDeque<T>,
    /// The next page, in flight (or why it could not be asked for).
    inflight: Option<(u32, Result<Fetch<T>, HaloError>)>,
    /// Ids yielded so far.
    ids: std::collections::HashSet<i64>,
    yielded: u64,
    /// Rows Halo answered so far, repeats included (its offset).
    rows: u64,
    last: Option<u64>,
    count: Option<u64>,
    /// Pages in a row that brought nothing new.
    repeated: u32,
    /// `count`, for [`ListStream::record_count`] (u64::MAX: not known).
    total: Arc<std::sync::atomic::AtomicU64>,
    /// `buffer.len()`, for [`ListStream::page_done`].
    buffered: Arc<std::sync::atomic::AtomicUsize>,
}

impl<B, T> Unpin for Pages<'_, B, T> {}

/// The records of a [`List`], page by page: see [`List::stream`].
pub struct ListStream<'a, T> {
    inner: BoxStream<'a, Result<T, HaloError>>,
    total: Arc<std::sync::atomic::AtomicU64>,
    buffered: Arc<std::sync::atomic::AtomicUsize>,
}

impl<T> ListStream<'_, T> {
    /// The total Halo reported with the latest page (wrapped lists), once
    /// the first page has arrived.
    pub fn record_count(&self) -> Option<u64> {
        Some(self.total.load(std::sync::atomic::Ordering::Relaxed)).filter(|n| *n != u64::MAX)
    }

    /// Whether the record just yielded was the last of its page (what a
    /// reader that judges a whole page, as the change feed does, needs).
    pub fn page_done(&self) -> bool {
        self.buffered.load(std::sync::atomic::Ordering::Relaxed) == 0
    }
}

impl<T> fmt::Debug for ListStream<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListStream").field("record_count", &self.record_count()).finish_non_exhaustive()
    }
}

impl<T> futures::Stream for ListStream<'_, T> {
    type Item = Result<T, HaloError>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<'a, B: Source<'a> + 'a, T: DeserializeOwned + halo_api::Identified + Send + 'static> futures::Stream
    for Pages<'a, B, T>
{
    type Item = Result<T, HaloError>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use std::task::Poll;
        let this = &mut *self;
        loop {
            if let Some(r) = this.buffer.pop_front() {
                this.buffered.store(this.buffer.len(), std::sync::atomic::Ordering::Relaxed);
                return Poll::Ready(Some(Ok(r)));
            }
            let Some((page_no, fetch)) = this.inflight.as_mut() else { return Poll::Ready(None) };
            let page_no = *page_no;
            let done = match fetch {
                Err(_) => {
                    let Some((_, Err(e))) = this.inflight.take() else { unreachable!() };
                    return Poll::Ready(Some(Err(e)));
                }
                Ok(f) => match std::pin::Pin::new(&mut f.0).poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(joined) => joined,
                },
            };
            this.inflight = None;
            let body = match done {
                Ok(Ok(body)) => body,
                Ok(Err(e)) => return Poll::Ready(Some(Err(e))),
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(_) => return Poll::Ready(None),
            };
            match this.list.decode_page(page_no, &body) {
                Ok(page) => {
                    if let Err(e) = this.accept(page, fingerprint(&body)) {
                        return Poll::Ready(Some(Err(e)));
                    }
                }
                Err(e) => return Poll::Ready(Some(Err(e))),
            }
        }
    }
}

impl<'a, B: Source<'a> + 'a, T: DeserializeOwned + halo_api::Identified + Send + 'static> Pages<'a, B, T> {
    /// Takes page `page_no` in: the stop rules, the next page asked for
    /// before this one is consumed, repeats skipped, `max` applied; an error
    /// after [`REPEATED_PAGES`] pages in a row with nothing new.
    fn accept(&mut self, page: Page<T>, fingerprint: u64) -> Result<(), HaloError> {
        let (list, page_no) = (&self.list, page.page_no);
        let operation = list.op.id();
        let same_bytes = self.last == Some(fingerprint);
        self.last = Some(fingerprint);
        if let (Some(before), Some(now)) = (self.count, page.record_count)
            && before != now
        {
            tracing::warn!(
                target: "halo",
                operation,
                page_no,
                record_count_before = before,
                record_count = now,
                "Halo's record_count changed from {before} to {now} during the listing: records were created or deleted meanwhile",
            );
        }
        self.count = page.record_count.or(self.count);
        if let Some(c) = self.count {
            self.total.store(c, std::sync::atomic::Ordering::Relaxed);
        }
        let n = page.records.len() as u64;
        self.rows += n;
        let room = list.max.map_or(u64::MAX, |m| m.saturating_sub(self.yielded));
        let mut repeats = 0u64;
        for r in page.records {
            if self.buffer.len() as u64 >= room {
                break;
            }
            if let Some(id) = r.id_value()
                && !self.ids.insert(id)
            {
                repeats += 1;
                continue;
            }
            self.buffer.push_back(r);
        }
        if repeats > 0 {
            tracing::debug!(target: "halo", operation, page_no, repeats, "skipped records already yielded (pages shifted)");
        }
        if n > 0 && (same_bytes || repeats == n) {
            self.repeated += 1;
            tracing::warn!(target: "halo", operation, page_no, "page {page_no} brought no record not yet listed");
            if self.repeated >= REPEATED_PAGES {
                return Err(HaloError::Api {
                    operation: operation.into(),
                    status: 200,
                    body: format!(
                        "pages {}..={page_no} brought no record not yet listed: the server ignores page_no, so \
                         the listing cannot be completed ({} records listed)",
                        page_no + 1 - self.repeated,
                        self.yielded
                    ),
                });
            }
        } else {
            self.repeated = 0;
        }
        self.yielded += self.buffer.len() as u64;
        // With a total, the total decides (against the rows read: a server
        // that caps the page size sends "short" pages). Without one, a short
        // page is the last.
        let more = n > 0
            && list.max.is_none_or(|m| self.yielded < m)
            && match page.record_count {
                Some(total) => self.rows < total,
                None => n >= u64::from(list.page_size),
            };
        if more {
            self.inflight = Some((page_no + 1, list.spawn(page_no + 1)));
        }
        Ok(())
    }
}

/// Decodes one list answer as [`List`] does each page: a bare array, or a
/// wrapper with `record_count` and the records under one of `fields`.
pub(crate) fn decode_rows<T: DeserializeOwned>(
    operation: &str,
    fields: &'static [&'static str],
    body: &[u8],
) -> Result<(Vec<T>, Option<u64>), HaloError> {
    halo_api::wire::decode_seed(operation, body, PageSeed::<T> { fields, _t: PhantomData })
}

/// Reads a list answer: a bare array, or a wrapper with `record_count` and
/// the records under one of `fields`; with no `fields` (a list Halo's
/// document does not describe), under the wrapper's one non-empty array.
struct PageSeed<T> {
    fields: &'static [&'static str],
    _t: PhantomData<T>,
}

impl<T> Clone for PageSeed<T> {
    fn clone(&self) -> Self {
        PageSeed { fields: self.fields, _t: PhantomData }
    }
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for PageSeed<T> {
    type Value = (Vec<T>, Option<u64>);
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for PageSeed<T> {
    type Value = (Vec<T>, Option<u64>);
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a list: an array, or an object with record_count and {:?}", self.fields)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1000));
        while let Some(r) = seq.next_element()? {
            out.push(r);
        }
        Ok((out, None))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut records: Option<Vec<T>> = None;
        let mut count = None;
        // With no field named (a list the document does not describe): the
        // wrapper's arrays, to take its one array of records.
        let mut arrays: Vec<(String, Vec<Value>)> = Vec::new();
        while let Some(key) = map.next_key::<halo_api::codec::Key<'de>>()? {
            let k = key.as_str();
            if k == "record_count" {
                count = map.next_value_seed(halo_api::codec::ScalarSeed::<i64>::default())?.map(|c| c.max(0) as u64);
            } else if self.fields.is_empty() {
                if let Value::Array(a) = map.next_value::<Value>()? {
                    arrays.push((k.to_string(), a));
                }
            } else if self.fields.contains(&k) && records.as_ref().is_none_or(Vec::is_empty) {
                records = map.next_value::<Option<Vec<T>>>()?.or(records);
            } else {
                map.next_value::<de::IgnoredAny>()?;
            }
        }
        if self.fields.is_empty() {
            arrays.retain(|(_, a)| !a.is_empty());
            records = match arrays.len() {
                0 => None,
                1 => {
                    let (_, rows) = arrays.pop().expect("one");
                    Some(rows.into_iter().map(T::deserialize).collect::<Result<_, _>>().map_err(de::Error::custom)?)
                }
                _ => {
                    let keys: Vec<_> = arrays.iter().map(|(k, _)| k.as_str()).collect();
                    return Err(de::Error::custom(format!(
                        "the list answer has several arrays ({}) and Halo's document does not say which holds the records",
                        keys.join(", ")
                    )));
                }
            };
            if records.is_none() {
                return Ok((Vec::new(), count));
            }
        }
        match records {
            Some(r) => Ok((r, count)),
            None if count == Some(0) => Ok((Vec::new(), count)),
            None => Err(de::Error::custom(format!("no list under {:?} in the answer", self.fields))),
        }
    }
}
