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
//! than asked is not the end); with no total, on a page shorter than asked;
//! and when the server answers the same page twice (it ignores paging).

use futures::StreamExt as _;
use futures::stream::BoxStream;
use halo_api::{HaloError, Operation};
use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::collections::VecDeque;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

/// Carries a builder's lifetime and the record type, holding neither.
pub(crate) type Marker<'a, T> = PhantomData<(fn() -> T, &'a ())>;

/// One page of a list.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub records: Vec<T>,
    /// The total Halo reports (wrapped lists only).
    pub record_count: Option<u64>,
    pub page_no: u32,
}

/// How a resource's list answers: where a wrapped list keeps its records,
/// and whether the operation declares Halo's paging parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListShape {
    pub fields: &'static [&'static str],
    pub paged: bool,
}

/// A built request, from a generated operation or a type-erased one.
#[doc(hidden)]
pub trait Source<'a>: Send + Sync {
    fn id(&self) -> &'static str;
    fn build(&self) -> Result<(&'a halo_api::Client, reqwest::Request), HaloError>;
}

impl<'a, B: Operation<'a> + Clone + Send + Sync> Source<'a> for B {
    fn id(&self) -> &'static str {
        B::ID
    }
    fn build(&self) -> Result<(&'a halo_api::Client, reqwest::Request), HaloError> {
        self.clone().build_request()
    }
}

/// A generated operation with its type erased: what [`crate::Resource`]'s
/// by-name actions hold, so that one type serves every resource.
#[derive(Clone)]
pub struct AnyOperation<'a> {
    id: &'static str,
    build: Arc<dyn Fn() -> Result<(&'a halo_api::Client, reqwest::Request), HaloError> + Send + Sync + 'a>,
}

impl<'a> AnyOperation<'a> {
    pub fn new<B: Operation<'a> + Clone + Send + Sync + 'a>(op: B) -> Self {
        Self { id: B::ID, build: Arc::new(move || op.clone().build_request()) }
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
    fn build(&self) -> Result<(&'a halo_api::Client, reqwest::Request), HaloError> {
        (self.build)()
    }
}

/// A list request on generated operation `B`, records decoded as `T`:
/// filters (typed, from `B`), page size, a maximum; then [`List::stream`],
/// [`List::page`] or [`List::collect`].
#[derive(Debug, Clone)]
pub struct List<'a, B, T> {
    shape: ListShape,
    op: B,
    extra: Vec<(String, String)>,
    page_size: u32,
    max: Option<u64>,
    _t: Marker<'a, T>,
}

impl<'a, B, T> List<'a, B, T> {
    pub(crate) fn new(shape: ListShape, op: B) -> Self {
        Self { shape, op, extra: Vec::new(), page_size: 100, max: None, _t: PhantomData }
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
            shape: self.shape,
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
            shape: self.shape,
            op: AnyOperation::new(self.op),
            extra: self.extra,
            page_size: self.page_size,
            max: self.max,
            _t: PhantomData,
        }
    }
}

impl<'a, B: Source<'a> + 'a, T: DeserializeOwned + Send + 'a> List<'a, B, T> {
    /// One page (`page_no` from 1).
    pub async fn page(&self, page_no: u32) -> Result<Page<T>, HaloError> {
        Ok(self.fetch(page_no).await?.0)
    }

    async fn fetch(&self, page_no: u32) -> Result<(Page<T>, u64), HaloError> {
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
        let operation = self.op.id();
        let answer = client.exchange(request, operation).await?;
        let fingerprint = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            answer.body.hash(&mut h);
            h.finish()
        };
        let seed = PageSeed::<T> { fields: self.shape.fields, _t: PhantomData };
        let (records, record_count) = halo_api::wire::decode_seed(operation, &answer.body, seed)?;
        Ok((Page { records, record_count, page_no }, fingerprint))
    }

    /// Every record, page by page on demand: at most one page is held.
    /// Boxed, so it is `Unpin`: `while let Some(t) = s.try_next().await?`.
    pub fn stream(self) -> BoxStream<'a, Result<T, HaloError>> {
        struct State<T> {
            next_page: Option<u32>,
            buffer: VecDeque<T>,
            seen: u64,
            last: Option<u64>,
        }
        let state = State::<T> { next_page: Some(1), buffer: VecDeque::new(), seen: 0, last: None };
        let stream = futures::stream::unfold((self, state), |(list, mut st)| async move {
            loop {
                if let Some(r) = st.buffer.pop_front() {
                    return Some((Ok(r), (list, st)));
                }
                let page_no = st.next_page.take()?;
                if list.max.is_some_and(|m| st.seen >= m) {
                    return None;
                }
                match list.fetch(page_no).await {
                    Err(e) => return Some((Err(e), (list, st))),
                    Ok((page, fingerprint)) => {
                        if st.last == Some(fingerprint) {
                            tracing::warn!(target: "halo", operation = list.op.id(), page_no, "the server answered the same page twice: it ignores paging");
                            return None;
                        }
                        st.last = Some(fingerprint);
                        let n = page.records.len() as u64;
                        let mut records: VecDeque<T> = page.records.into();
                        if let Some(m) = list.max {
                            records.truncate(m.saturating_sub(st.seen) as usize);
                        }
                        st.seen += records.len() as u64;
                        // With a total, the total decides: a server that caps the
                        // page size below what was asked sends "short" pages.
                        // Without one, a short page is the last.
                        let more = n > 0
                            && list.max.is_none_or(|m| st.seen < m)
                            && match page.record_count {
                                Some(total) => st.seen < total,
                                None => n == u64::from(list.page_size),
                            };
                        if more {
                            st.next_page = Some(page_no + 1);
                        }
                        st.buffer = records;
                    }
                }
            }
        });
        stream.boxed()
    }

    /// Every record in one `Vec` (all pages unless [`List::max`]).
    pub async fn collect(self) -> Result<Vec<T>, HaloError> {
        use futures::TryStreamExt;
        self.stream().try_collect().await
    }
}

/// Decodes one list answer of `resource`, as [`List`] does each page: a
/// bare array, or Halo's wrapper with `record_count` and the records under
/// the resource's field. For answers fetched another way
/// ([`crate::HaloClient::request`]); answers the records and the total.
pub fn decode_list<T: DeserializeOwned>(
    resource: &crate::Resource,
    body: &[u8],
) -> Result<(Vec<T>, Option<u64>), HaloError> {
    halo_api::wire::decode_seed(resource.name, body, PageSeed::<T> { fields: resource.fields, _t: PhantomData })
}

/// Reads a list answer: a bare array, or a wrapper with `record_count` and
/// the records under one of `fields`.
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
        while let Some(key) = map.next_key::<halo_api::codec::Key<'de>>()? {
            let k = key.as_str();
            if k == "record_count" {
                count = map.next_value_seed(halo_api::codec::ScalarSeed::<i64>::default())?.map(|c| c.max(0) as u64);
            } else if self.fields.contains(&k) && records.as_ref().is_none_or(Vec::is_empty) {
                records = map.next_value::<Option<Vec<T>>>()?.or(records);
            } else {
                map.next_value::<de::IgnoredAny>()?;
            }
        }
        match records {
            Some(r) => Ok((r, count)),
            None if count == Some(0) => Ok((Vec::new(), count)),
            None => Err(de::Error::custom(format!("no list under {:?} in the answer", self.fields))),
        }
    }
}
