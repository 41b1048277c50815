//! How the generated types read and write Halo's JSON.
//!
//! halo-api's build step gives every generated record struct a field table
//! ([`Record`]: one non-generic match arm per field) and a `Deserialize` and
//! `Serialize` of one line each that reach it through `dyn`, instead of
//! serde's derive: that is what makes Halo's very wide records (tickets have
//! ~890 fields) affordable to compile, here and in every crate that decodes
//! them. This module is where Halo's payload quirks are handled:
//!
//! - ids that arrive as decimals (`"client_id": 21.0`) or as numeric strings
//!   decode into integer fields;
//! - `null` is accepted in every field, and an empty string in number, boolean,
//!   date-time and uuid fields means "not set";
//! - date-times with an offset (`Z`, `+02:00`) or without one (taken as UTC),
//!   with or without fractional seconds;
//! - unknown fields are ignored (Halo adds fields in every release).
//!
//! Nothing here is generated; it is small on purpose and tested below.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::ser::SerializeMap;
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// A JSON object key, borrowed from the input when possible.
#[derive(Debug)]
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// Decodes one scalar leniently (see [`Scalar`]); `null` is `None`.
#[derive(Debug)]
pub struct ScalarSeed<T>(PhantomData<T>);

impl<T> Default for ScalarSeed<T> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

impl<'de, T: Scalar> DeserializeSeed<'de> for ScalarSeed<T> {
    type Value = Option<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_any(ScalarVisitor::<T>(PhantomData))
    }
}

/// A value whose JSON form Halo varies: each accepts what it can make sense of.
pub trait Scalar: Sized {
    /// What the error says was expected.
    const EXPECTING: &'static str;
    /// From an integer.
    fn from_i64<E: de::Error>(v: i64) -> Result<Self, E> {
        Err(E::invalid_type(de::Unexpected::Signed(v), &Self::EXPECTING))
    }
    /// From an unsigned integer.
    fn from_u64<E: de::Error>(v: u64) -> Result<Self, E> {
        Err(E::invalid_type(de::Unexpected::Unsigned(v), &Self::EXPECTING))
    }
    /// From a float.
    fn from_f64<E: de::Error>(v: f64) -> Result<Self, E> {
        Err(E::invalid_type(de::Unexpected::Float(v), &Self::EXPECTING))
    }
    /// From a bool.
    fn from_bool<E: de::Error>(v: bool) -> Result<Self, E> {
        Err(E::invalid_type(de::Unexpected::Bool(v), &Self::EXPECTING))
    }
    /// A non-empty string.
    fn from_str<E: de::Error>(v: &str) -> Result<Self, E>;
    /// What `""` means; `None` for everything but text.
    fn from_empty() -> Option<Self> {
        None
    }
}

struct ScalarVisitor<T>(PhantomData<T>);

impl<'de, T: Scalar> Visitor<'de> for ScalarVisitor<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{} or null", T::EXPECTING)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        T::from_i64(v).map(Some)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::from_u64(v).map(Some)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        T::from_f64(v).map(Some)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        T::from_bool(v).map(Some)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.is_empty() { Ok(T::from_empty()) } else { T::from_str(v).map(Some) }
    }
}

macro_rules! integer {
    ($($t:ty),*) => {$(
        impl Scalar for $t {
            const EXPECTING: &'static str = concat!("an integer (", stringify!($t), ")");
            fn from_i64<E: de::Error>(v: i64) -> Result<Self, E> {
                <$t>::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &Self::EXPECTING))
            }
            fn from_u64<E: de::Error>(v: u64) -> Result<Self, E> {
                <$t>::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &Self::EXPECTING))
            }
            /// Halo sends some ids as `21.0`: accept a float with no fraction.
            fn from_f64<E: de::Error>(v: f64) -> Result<Self, E> {
                if v.fract() == 0.0 && v >= <$t>::MIN as f64 && v <= <$t>::MAX as f64 {
                    Ok(v as $t)
                } else {
                    Err(E::invalid_value(de::Unexpected::Float(v), &Self::EXPECTING))
                }
            }
            fn from_str<E: de::Error>(v: &str) -> Result<Self, E> {
                let t = v.trim();
                t.parse::<$t>()
                    .or_else(|_| t.parse::<f64>().map_err(|_| ()).and_then(|f| Self::from_f64::<E>(f).map_err(|_| ())))
                    .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &Self::EXPECTING))
            }
        }
    )*};
}
integer!(i32, i64);

macro_rules! float {
    ($($t:ty),*) => {$(
        impl Scalar for $t {
            const EXPECTING: &'static str = "a number";
            fn from_i64<E: de::Error>(v: i64) -> Result<Self, E> { Ok(v as $t) }
            fn from_u64<E: de::Error>(v: u64) -> Result<Self, E> { Ok(v as $t) }
            fn from_f64<E: de::Error>(v: f64) -> Result<Self, E> { Ok(v as $t) }
            fn from_str<E: de::Error>(v: &str) -> Result<Self, E> {
                v.trim().parse::<$t>().map_err(|_| E::invalid_value(de::Unexpected::Str(v), &Self::EXPECTING))
            }
        }
    )*};
}
float!(f32, f64);

impl Scalar for bool {
    const EXPECTING: &'static str = "a boolean";
    fn from_bool<E: de::Error>(v: bool) -> Result<Self, E> {
        Ok(v)
    }
    fn from_i64<E: de::Error>(v: i64) -> Result<Self, E> {
        match v {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(E::invalid_value(de::Unexpected::Signed(v), &Self::EXPECTING)),
        }
    }
    fn from_u64<E: de::Error>(v: u64) -> Result<Self, E> {
        Self::from_i64(v as i64)
    }
    fn from_str<E: de::Error>(v: &str) -> Result<Self, E> {
        match v.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(E::invalid_value(de::Unexpected::Str(v), &Self::EXPECTING)),
        }
    }
}

impl Scalar for String {
    const EXPECTING: &'static str = "a string";
    fn from_str<E: de::Error>(v: &str) -> Result<Self, E> {
        Ok(v.to_owned())
    }
    fn from_empty() -> Option<Self> {
        Some(String::new())
    }
    /// Halo sometimes sends a number where the document says string.
    fn from_i64<E: de::Error>(v: i64) -> Result<Self, E> {
        Ok(v.to_string())
    }
    fn from_u64<E: de::Error>(v: u64) -> Result<Self, E> {
        Ok(v.to_string())
    }
    fn from_f64<E: de::Error>(v: f64) -> Result<Self, E> {
        Ok(v.to_string())
    }
    fn from_bool<E: de::Error>(v: bool) -> Result<Self, E> {
        Ok(v.to_string())
    }
}

impl Scalar for uuid::Uuid {
    const EXPECTING: &'static str = "a uuid";
    fn from_str<E: de::Error>(v: &str) -> Result<Self, E> {
        uuid::Uuid::parse_str(v.trim()).map_err(|_| E::invalid_value(de::Unexpected::Str(v), &Self::EXPECTING))
    }
}

impl Scalar for chrono::DateTime<chrono::Utc> {
    const EXPECTING: &'static str = "a date-time (RFC 3339, with or without offset)";
    fn from_str<E: de::Error>(v: &str) -> Result<Self, E> {
        parse_date_time(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &Self::EXPECTING))
    }
}

/// FNV-1a (64 bits) of a JSON field name. The generated field tables are
/// sorted by it (halo-codegen computes the same function at build time).
#[inline]
pub fn field_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Where `key` is in a generated field table (sorted by [`field_hash`]):
/// a binary search on integers, then one string comparison.
#[inline]
pub fn field_index(fields: &[(u64, &str)], key: &str) -> Option<usize> {
    let i = fields.binary_search_by_key(&field_hash(key), |f| f.0).ok()?;
    (fields[i].1 == key).then_some(i)
}

/// Halo's date-times: RFC 3339 with an offset, or the same without one
/// (taken as UTC), with or without fractional seconds; a date alone is
/// midnight UTC.
///
/// The formats are chrono items built once, not strftime strings: parsing
/// those again for every field was a tenth of the time spent decoding a page.
pub fn parse_date_time(v: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::format::{Fixed, Item, Numeric, Pad, Parsed, parse};
    use chrono::{DateTime, Utc};
    const fn naive(separator: &'static str) -> [Item<'static>; 12] {
        [
            Item::Numeric(Numeric::Year, Pad::Zero),
            Item::Literal("-"),
            Item::Numeric(Numeric::Month, Pad::Zero),
            Item::Literal("-"),
            Item::Numeric(Numeric::Day, Pad::Zero),
            Item::Literal(separator),
            Item::Numeric(Numeric::Hour, Pad::Zero),
            Item::Literal(":"),
            Item::Numeric(Numeric::Minute, Pad::Zero),
            Item::Literal(":"),
            Item::Numeric(Numeric::Second, Pad::Zero),
            Item::Fixed(Fixed::Nanosecond),
        ]
    }
    const T: [Item<'static>; 12] = naive("T");
    const SPACE: [Item<'static>; 12] = naive(" ");
    let v = v.trim();
    let items: &[Item] = match v.as_bytes().get(10) {
        Some(b' ') => &SPACE,
        Some(_) => &T,
        None => &T[..5],
    };
    let mut parsed = Parsed::new();
    if parse(&mut parsed, v, items.iter()).is_ok() {
        if v.len() == 10 {
            let date = parsed.to_naive_date().ok()?;
            return Some(date.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc());
        }
        return parsed.to_naive_datetime_with_offset(0).ok().map(|t| t.and_utc());
    }
    DateTime::parse_from_rfc3339(v).ok().map(|t| t.with_timezone(&Utc))
}

/// A date-time as Halo's date filters take it: `yyyy-MM-ddTHH:mm:ss`, UTC,
/// whole seconds.
pub fn format_date_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

// Records by table. Each generated record implements [`Record`]: its field
// table and two non-generic functions, `set_field` (one arm per field) and
// `put_fields` (one line per field). Its `Deserialize` and `Serialize` are
// one line each, calling [`deserialize_record`] and [`serialize_record`],
// which reach the record's functions through `dyn` [`Reader`] and [`Writer`].
// So a record's code is compiled once, in halo-api, not once for every JSON
// deserializer and serializer a downstream crate uses it with (serde_json's
// reader, serde_path_to_error's, `Value`...): with Halo's ~700 records, some
// of ~890 fields, those copies were most of the build of halo-api-ext, the
// CLI and every test binary. Values inside a field that are not scalars
// (nested records, lists) go through erased-serde.

/// A generated record, read and written by its field table.
pub trait Record: Default {
    /// The record's schema name, for errors.
    const NAME: &'static str;
    /// `(field_hash(json name), json name)`, sorted by hash.
    const FIELDS: &'static [(u64, &'static str)];
    /// Reads field `index` (of [`Record::FIELDS`]) from `reader`.
    fn set_field(&mut self, index: usize, reader: &mut dyn Reader<'_>);
    /// Writes every field that is set.
    fn put_fields(&self, writer: &mut dyn Writer);
}

/// What reads an erased value: a field's own `Deserialize` through erased-serde.
pub type ReadErased<'a, 'de> =
    &'a mut dyn FnMut(&mut dyn erased_serde::Deserializer<'de>) -> Result<(), erased_serde::Error>;

/// Reads the next field value, whatever the deserializer. A failure is kept
/// by the reader and ends the record.
pub trait Reader<'de> {
    /// A lenient `i32` (see [`Scalar`]).
    fn read_i32(&mut self, slot: &mut Option<i32>);
    /// A lenient `i64`.
    fn read_i64(&mut self, slot: &mut Option<i64>);
    /// A lenient `f32`.
    fn read_f32(&mut self, slot: &mut Option<f32>);
    /// A lenient `f64`.
    fn read_f64(&mut self, slot: &mut Option<f64>);
    /// A lenient `bool`.
    fn read_bool(&mut self, slot: &mut Option<bool>);
    /// A lenient string.
    fn read_string(&mut self, slot: &mut Option<String>);
    /// A lenient uuid.
    fn read_uuid(&mut self, slot: &mut Option<uuid::Uuid>);
    /// A lenient date-time.
    fn read_date_time(&mut self, slot: &mut Option<chrono::DateTime<chrono::Utc>>);
    /// Any other value, by its own `Deserialize` through erased-serde.
    fn read_erased(&mut self, read: ReadErased<'_, 'de>);
}

/// A scalar a [`Reader`] reads leniently.
pub trait ReadScalar: Sized {
    /// Reads it with the reader's method for it.
    fn read(reader: &mut dyn Reader<'_>, slot: &mut Option<Self>);
}

macro_rules! read_scalar {
    ($($t:ty => $m:ident),*) => {$(
        impl ReadScalar for $t {
            #[inline]
            fn read(reader: &mut dyn Reader<'_>, slot: &mut Option<Self>) {
                reader.$m(slot)
            }
        }
    )*};
}
read_scalar!(i32 => read_i32, i64 => read_i64, f32 => read_f32, f64 => read_f64, bool => read_bool,
    String => read_string, uuid::Uuid => read_uuid, chrono::DateTime<chrono::Utc> => read_date_time);

/// Reads a scalar field (`Option<i32>`, `Option<String>`...) leniently.
#[inline]
pub fn read_scalar<T: ReadScalar>(reader: &mut dyn Reader<'_>, slot: &mut Option<T>) {
    T::read(reader, slot)
}

/// Reads any other field by its own `Deserialize`.
#[inline]
pub fn read_any<T: de::DeserializeOwned>(reader: &mut dyn Reader<'_>, slot: &mut T) {
    reader.read_erased(&mut |d| {
        *slot = erased_serde::deserialize(d)?;
        Ok(())
    })
}

struct MapReader<'m, A, E> {
    map: &'m mut A,
    err: Option<E>,
}

impl<'de, A: MapAccess<'de>> MapReader<'_, A, A::Error> {
    fn scalar<T: Scalar>(&mut self, slot: &mut Option<T>) {
        match self.map.next_value_seed(ScalarSeed::<T>(PhantomData)) {
            Ok(v) => *slot = v,
            Err(e) => self.err = Some(e),
        }
    }
}

impl<'de, A: MapAccess<'de>> Reader<'de> for MapReader<'_, A, A::Error> {
    fn read_i32(&mut self, slot: &mut Option<i32>) {
        self.scalar(slot)
    }
    fn read_i64(&mut self, slot: &mut Option<i64>) {
        self.scalar(slot)
    }
    fn read_f32(&mut self, slot: &mut Option<f32>) {
        self.scalar(slot)
    }
    fn read_f64(&mut self, slot: &mut Option<f64>) {
        self.scalar(slot)
    }
    fn read_bool(&mut self, slot: &mut Option<bool>) {
        self.scalar(slot)
    }
    fn read_string(&mut self, slot: &mut Option<String>) {
        self.scalar(slot)
    }
    fn read_uuid(&mut self, slot: &mut Option<uuid::Uuid>) {
        self.scalar(slot)
    }
    fn read_date_time(&mut self, slot: &mut Option<chrono::DateTime<chrono::Utc>>) {
        self.scalar(slot)
    }
    fn read_erased(&mut self, read: ReadErased<'_, 'de>) {
        if let Err(e) = self.map.next_value_seed(Erased(read)) {
            self.err = Some(e);
        }
    }
}

struct Erased<'a, 'de>(ReadErased<'a, 'de>);

impl<'de> DeserializeSeed<'de> for Erased<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let mut erased = <dyn erased_serde::Deserializer>::erase(d);
        (self.0)(&mut erased).map_err(de::Error::custom)
    }
}

/// Reads a map's fields into `set` by `fields`, skipping unknown ones:
/// generic only over the map, so compiled once per deserializer for every
/// record.
fn read_fields<'de, A: MapAccess<'de>>(
    mut map: A,
    fields: &[(u64, &str)],
    set: &mut dyn FnMut(usize, &mut dyn Reader<'de>),
) -> Result<(), A::Error> {
    while let Some(key) = map.next_key::<Key<'de>>()? {
        match field_index(fields, key.as_str()) {
            Some(i) => {
                let mut reader = MapReader { map: &mut map, err: None };
                set(i, &mut reader);
                if let Some(e) = reader.err {
                    return Err(e);
                }
            }
            None => {
                map.next_value::<de::IgnoredAny>()?;
            }
        }
    }
    Ok(())
}

struct RecordVisitor<R>(PhantomData<R>);

impl<'de, R: Record> Visitor<'de> for RecordVisitor<R> {
    type Value = R;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        expecting(f, R::NAME)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<R, A::Error> {
        let mut out = R::default();
        read_fields(map, R::FIELDS, &mut |i, r| out.set_field(i, r))?;
        Ok(out)
    }
}

/// A generated record's `Deserialize`: a JSON object, fields by name,
/// unknown fields ignored, each value as lenient as [`Scalar`] says.
pub fn deserialize_record<'de, R: Record, D: Deserializer<'de>>(deserializer: D) -> Result<R, D::Error> {
    deserializer.deserialize_map(RecordVisitor::<R>(PhantomData))
}

/// Writes a record's fields, whatever the serializer.
pub trait Writer {
    /// One field that is set.
    fn entry(&mut self, key: &'static str, value: &dyn erased_serde::Serialize);
}

/// Writes one field of a generated record, skipping `None`.
#[inline]
pub fn put_field<T: serde::Serialize>(writer: &mut dyn Writer, key: &'static str, value: &Option<T>) {
    if let Some(v) = value {
        writer.entry(key, v);
    }
}

struct MapWriter<'a, M: SerializeMap> {
    map: &'a mut M,
    err: Option<M::Error>,
}

impl<M: SerializeMap> Writer for MapWriter<'_, M> {
    fn entry(&mut self, key: &'static str, value: &dyn erased_serde::Serialize) {
        if self.err.is_none()
            && let Err(e) = self.map.serialize_entry(key, value)
        {
            self.err = Some(e);
        }
    }
}

/// A generated record's `Serialize`: an object of the fields that are set.
pub fn serialize_record<R: Record, S: serde::Serializer>(record: &R, serializer: S) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(None)?;
    let mut writer = MapWriter { map: &mut map, err: None };
    record.put_fields(&mut writer);
    match writer.err {
        Some(e) => Err(e),
        None => map.end(),
    }
}

/// What a generated struct's visitor says it expects.
pub fn expecting(f: &mut fmt::Formatter, name: &str) -> fmt::Result {
    write!(f, "a Halo `{name}` object")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_hash_is_fnv1a_64_as_halo_codegen_computes_it() {
        assert_eq!(field_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(field_hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(field_hash("foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn field_index_finds_names_by_hash_and_checks_the_name() {
        let mut table: Vec<(u64, &str)> = ["id", "summary", "client_id"].iter().map(|n| (field_hash(n), *n)).collect();
        table.sort_by_key(|f| f.0);
        for (i, (_, n)) in table.iter().enumerate() {
            assert_eq!(field_index(&table, n), Some(i));
        }
        assert_eq!(field_index(&table, "site_id"), None);
        assert_eq!(field_index(&table, ""), None);
    }

    #[test]
    fn date_times_in_every_shape_halo_sends() {
        let at = |s: &str| parse_date_time(s).map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
        let nine_thirty = Some("2025-03-01T09:30:00.000Z".to_string());
        assert_eq!(at("2025-03-01T09:30:00"), nine_thirty);
        assert_eq!(at("2025-03-01T09:30:00Z"), nine_thirty);
        assert_eq!(at("2025-03-01T11:30:00+02:00"), nine_thirty);
        assert_eq!(at("2025-03-01 09:30:00"), nine_thirty);
        assert_eq!(at(" 2025-03-01T09:30:00 "), nine_thirty);
        assert_eq!(at("2025-03-01T09:30:00.123"), Some("2025-03-01T09:30:00.123Z".into()));
        assert_eq!(at("2025-03-01T09:30:00.1234567"), Some("2025-03-01T09:30:00.123Z".into()));
        assert_eq!(at("2025-03-01"), Some("2025-03-01T00:00:00.000Z".into()));
        for bad in [
            "",
            "2025",
            "2025-13-01",
            "2025-03-01T25:00:00",
            "2025-03-01Tnoon",
            "yesterday",
            "2025-03-01T09:30:00 junk",
        ] {
            assert_eq!(at(bad), None, "{bad:?}");
        }
    }
}
