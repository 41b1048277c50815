//! What Halo answers when it saves records, read one way for every caller
//! (named upserts, notes, attachments, report previews): one record or an
//! array of them; the one record an upsert of one saved; a ticket id in
//! Halo's range.

use serde::de::{self, DeserializeOwned, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// The one record an upsert of one record saved, or a `Decode` error
/// saying Halo answered none. (For the helpers of notes and attachments.)
#[cfg(any(feature = "actions", feature = "attachments"))]
pub(crate) fn one_saved<T>(saved: Vec<T>, operation: &str, what: &str) -> Result<T, halo_api::HaloError> {
    saved.into_iter().next().ok_or_else(|| halo_api::HaloError::Decode {
        operation: operation.into(),
        path: String::new(),
        message: format!("Halo answered no {what}"),
    })
}

/// A ticket id as Halo's records hold it (`i32`), or an error naming the
/// action and the id.
#[cfg(any(feature = "actions", feature = "attachments"))]
pub(crate) fn ticket_id(action: &str, id: i64) -> Result<i32, halo_api::HaloError> {
    i32::try_from(id)
        .map_err(|_| halo_api::HaloError::InvalidRequest(format!("{action}: ticket id {id} is out of Halo's range")))
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
