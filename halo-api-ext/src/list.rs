//! Listing with Halo's paging.
//!
//! `pageinate=true&page_size=N&page_no=K` (page_no from 1). The stream stops
//! on an empty page; when Halo reports `record_count`, once the rows seen
//! reach it (a server may cap the page size, so a page shorter than asked
//! is not the end); with no total, on a page shorter than asked; and when
//! the server answers the same page twice (it ignores paging).

use crate::client::HaloClient;
use crate::error::HaloError;
use futures::StreamExt as _;
use futures::stream::BoxStream;
use reqwest::Method;
use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use std::collections::VecDeque;
use std::fmt;
use std::marker::PhantomData;

/// One page of a list.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub records: Vec<T>,
    /// The total Halo reports (wrapped lists only).
    pub record_count: Option<u64>,
    pub page_no: u32,
}

/// A list request: filters, page size, a maximum; then [`List::stream`],
/// [`List::page`] or [`List::collect`].
#[derive(Debug, Clone)]
pub struct List<T> {
    client: HaloClient,
    path: &'static str,
    fields: &'static [&'static str],
    operation: &'static str,
    query: Vec<(String, String)>,
    page_size: u32,
    max: Option<u64>,
    _t: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned + Send + 'static> List<T> {
    pub(crate) fn new(
        client: HaloClient,
        path: &'static str,
        fields: &'static [&'static str],
        operation: &'static str,
    ) -> Self {
        Self { client, path, fields, operation, query: Vec::new(), page_size: 100, max: None, _t: PhantomData }
    }

    /// Any of the list operation's filters, by Halo's name (`client_id`,
    /// `search`, `open_only`, ...). Halo ignores names it does not know.
    pub fn filter(mut self, key: impl Into<String>, value: impl ToString) -> Self {
        self.query.push((key.into(), value.to_string()));
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

    /// One page (`page_no` from 1).
    pub async fn page(&self, page_no: u32) -> Result<Page<T>, HaloError> {
        Ok(self.fetch(page_no).await?.0)
    }

    async fn fetch(&self, page_no: u32) -> Result<(Page<T>, u64), HaloError> {
        let mut query = self.query.clone();
        query.push(("pageinate".into(), "true".into()));
        query.push(("page_size".into(), self.page_size.to_string()));
        query.push(("page_no".into(), page_no.to_string()));
        let url = self.client.url(self.path, &query)?;
        let (_, body) = self.client.call(Method::GET, url, None, self.operation).await?;
        let fingerprint = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            body.hash(&mut h);
            h.finish()
        };
        let seed = PageSeed::<T> { fields: self.fields, _t: PhantomData };
        let (records, record_count) = crate::client::decode_seed(self.operation, &body, seed)?;
        Ok((Page { records, record_count, page_no }, fingerprint))
    }

    /// Every record, page by page on demand: at most one page is held.
    /// Boxed, so it is `Unpin`: `while let Some(t) = s.try_next().await?`.
    pub fn stream(self) -> BoxStream<'static, Result<T, HaloError>> {
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
                            tracing::warn!(target: "halo", path = list.path, page_no, "the server answered the same page twice: it ignores paging");
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
/// ([`HaloClient::request`]); answers the records and the total.
pub fn decode_list<T: DeserializeOwned>(
    resource: &crate::Resource,
    body: &[u8],
) -> Result<(Vec<T>, Option<u64>), HaloError> {
    crate::client::decode_seed(resource.name, body, PageSeed::<T> { fields: resource.fields, _t: PhantomData })
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
