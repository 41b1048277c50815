//! Custom fields by name or id, with typed values, changed one at a time
//! without losing the others.
//!
//! ```no_run
//! use halo_api_ext::{CustomFields, CustomFieldsExt, HaloClient, HaloError};
//! # async fn run(halo: HaloClient) -> Result<(), HaloError> {
//! let mut ticket = halo.get_ticket(7).await?;
//! let department: Option<String> = ticket.custom_value("CFDepartment")?;
//! ticket.set_custom_field("CFDepartment", "Finance")?;
//! // Post the id and the whole array back: every other field unchanged.
//! halo.upsert_tickets(ticket.only_custom_fields()).await?;
//! # let _ = department; Ok(()) }
//! ```
//!
//! A key is a field's `name` (`CFDepartment`), its `label` (`Department`),
//! either without regard to case, or its id (`FieldKey::Id`, or an
//! integer). An unknown key is an error that lists the record's fields.
//!
//! Halo reports that posting one custom field can clear the others; so
//! [`CustomFieldsExt::set_custom_field`] changes one entry of the record's
//! array and [`CustomFields::only_custom_fields`] gives the record to post:
//! its `id` and the whole array.
//!
//! Typed records (`Ticket`) post back what their type holds: an entry's
//! keys that `CustomField` does not have, and `null` values, are not sent.
//! For the array exactly as Halo sent it, read the record as JSON
//! (`halo.get_ticket(7).as_json()`, which has the same methods) and post it
//! with [`crate::Resource::upsert`] (tests/tests/everyday.rs shows both).
//!
//! Typed values: `String`, `i64`, `f64`, `bool`, `DateTime<Utc>` or
//! `serde_json::Value` (anything). A value of another kind than the one the
//! field holds is an error naming the field and both kinds; a field whose
//! value is empty (`null`) takes any kind, because Halo's document does not
//! say what its field type codes mean.

use chrono::{DateTime, Utc};
use halo_api::{CustomFields, FieldRef, HaloError};
use serde_json::Value;

/// Which custom field: by name or label, or by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldKey {
    /// By Halo's field name (`CFRegion`) or its label.
    Name(String),
    /// By the field's id.
    Id(i64),
}

impl From<&str> for FieldKey {
    fn from(s: &str) -> Self {
        FieldKey::Name(s.to_string())
    }
}
impl From<String> for FieldKey {
    fn from(s: String) -> Self {
        FieldKey::Name(s)
    }
}
impl From<i64> for FieldKey {
    fn from(id: i64) -> Self {
        FieldKey::Id(id)
    }
}
impl From<i32> for FieldKey {
    fn from(id: i32) -> Self {
        FieldKey::Id(id.into())
    }
}

impl std::fmt::Display for FieldKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FieldKey::Name(n) => write!(f, "`{n}`"),
            FieldKey::Id(id) => write!(f, "id {id}"),
        }
    }
}

impl FieldKey {
    fn matches(&self, id: Option<i64>, name: Option<&str>, label: Option<&str>) -> bool {
        match self {
            FieldKey::Id(want) => id == Some(*want),
            FieldKey::Name(want) => [name, label].into_iter().flatten().any(|n| n.eq_ignore_ascii_case(want)),
        }
    }

    /// Which of `fields` (id, name, label) this key means: an id, else the
    /// field with that name, else the one field with that label. A label
    /// two fields share is an error listing their ids: a guess could change
    /// the wrong field.
    fn find<'f>(
        &self,
        fields: impl Iterator<Item = (Option<i64>, Option<&'f str>, Option<&'f str>)>,
    ) -> Result<Option<usize>, HaloError> {
        let fields: Vec<_> = fields.collect();
        let want = match self {
            FieldKey::Id(_) => return Ok(fields.iter().position(|(id, n, l)| self.matches(*id, *n, *l))),
            FieldKey::Name(want) => want,
        };
        let same = |s: &Option<&str>| s.is_some_and(|s| s.eq_ignore_ascii_case(want));
        if let Some(i) = fields.iter().position(|(_, n, _)| same(n)) {
            return Ok(Some(i));
        }
        let labelled: Vec<usize> = (0..fields.len()).filter(|i| same(&fields[*i].2)).collect();
        if labelled.len() > 1 {
            let ids: Vec<String> = labelled
                .iter()
                .map(|i| match fields[*i] {
                    (Some(id), Some(n), _) => format!("id {id} ({n})"),
                    (Some(id), None, _) => format!("id {id}"),
                    (None, n, _) => n.unwrap_or("(unnamed)").to_string(),
                })
                .collect();
            return Err(HaloError::InvalidRequest(format!(
                "custom field label `{want}` is shared by {} fields: {}; name one by its name or id",
                labelled.len(),
                ids.join(", ")
            )));
        }
        Ok(labelled.first().copied())
    }
}

/// A value a custom field can hold, read from and written to Halo's JSON.
pub trait FieldValue: Sized {
    /// What it is called in errors: "text", "a number"...
    const KIND: &'static str;
    /// The value from Halo's JSON, when it has this type.
    fn from_json(v: &Value) -> Option<Self>;
    /// The value as Halo's JSON.
    fn into_json(self) -> Value;
}

impl FieldValue for String {
    const KIND: &'static str = "text";
    fn from_json(v: &Value) -> Option<Self> {
        v.as_str().map(str::to_string)
    }
    fn into_json(self) -> Value {
        Value::String(self)
    }
}
impl FieldValue for &str {
    const KIND: &'static str = "text";
    fn from_json(_: &Value) -> Option<Self> {
        None
    }
    fn into_json(self) -> Value {
        Value::String(self.to_string())
    }
}
impl FieldValue for i64 {
    const KIND: &'static str = "an integer";
    fn from_json(v: &Value) -> Option<Self> {
        v.as_i64().or_else(|| v.as_f64().and_then(halo_api::identified::whole))
    }
    fn into_json(self) -> Value {
        self.into()
    }
}
impl FieldValue for f64 {
    const KIND: &'static str = "a number";
    fn from_json(v: &Value) -> Option<Self> {
        v.as_f64()
    }
    fn into_json(self) -> Value {
        self.into()
    }
}
impl FieldValue for bool {
    const KIND: &'static str = "a bool";
    fn from_json(v: &Value) -> Option<Self> {
        v.as_bool()
    }
    fn into_json(self) -> Value {
        self.into()
    }
}
impl FieldValue for DateTime<Utc> {
    const KIND: &'static str = "a date-time";
    fn from_json(v: &Value) -> Option<Self> {
        v.as_str().and_then(crate::changes::parse_time)
    }
    fn into_json(self) -> Value {
        Value::String(halo_api::codec::format_date_time(self))
    }
}
impl FieldValue for Value {
    const KIND: &'static str = "JSON";
    fn from_json(v: &Value) -> Option<Self> {
        Some(v.clone())
    }
    fn into_json(self) -> Value {
        self
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn same_kind(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

fn unknown(key: &FieldKey, fields: &[FieldRef<'_>]) -> HaloError {
    let known: Vec<String> = fields
        .iter()
        .map(|f| match (f.name, f.label, f.id) {
            (Some(n), Some(l), _) if l != n => format!("{n} ({l})"),
            (Some(n), _, _) => n.to_string(),
            (None, _, Some(id)) => format!("id {id}"),
            _ => "(unnamed)".to_string(),
        })
        .collect();
    let known = if known.is_empty() { "none: the record has no customfields".to_string() } else { known.join(", ") };
    HaloError::InvalidRequest(format!("no custom field {key} on this record; it has: {known}"))
}

/// Custom fields by name or id with typed values, on every record with
/// Halo's `customfields` array (and on JSON records).
pub trait CustomFieldsExt: CustomFields {
    /// The entry, or an error listing the record's fields.
    fn custom_field(&self, key: impl Into<FieldKey>) -> Result<FieldRef<'_>, HaloError> {
        let key = key.into();
        let fields = self.custom_field_entries();
        let found = key.find(fields.iter().map(|f| (f.id, f.name, f.label)))?;
        found.map(|i| fields[i]).ok_or_else(|| unknown(&key, &fields))
    }

    /// The value as `V`: `None` when it is empty; an error when the field
    /// is unknown or holds another kind of value.
    fn custom_value<V: FieldValue>(&self, key: impl Into<FieldKey>) -> Result<Option<V>, HaloError> {
        let key = key.into();
        let f = self.custom_field(key.clone())?;
        let Some(v) = f.value else { return Ok(None) };
        V::from_json(v).map(Some).ok_or_else(|| {
            HaloError::InvalidRequest(format!("custom field {key} holds {} ({v}), not {}", kind(v), V::KIND))
        })
    }

    /// Sets one entry's value, every other entry kept as it is. An error,
    /// and nothing changed, when the field is unknown or holds another
    /// kind of value.
    fn set_custom_field<V: FieldValue>(&mut self, key: impl Into<FieldKey>, value: V) -> Result<(), HaloError> {
        let key = key.into();
        let value = value.into_json();
        let fields = self.custom_field_entries();
        let index = key.find(fields.iter().map(|f| (f.id, f.name, f.label)))?.ok_or_else(|| unknown(&key, &fields))?;
        if let Some(old) = fields[index].value
            && !value.is_null()
            && !same_kind(old, &value)
        {
            return Err(HaloError::InvalidRequest(format!(
                "custom field {key} holds {} ({old}); {} ({value}) would change its kind",
                kind(old),
                kind(&value)
            )));
        }
        self.set_custom_field_value(index, value);
        Ok(())
    }
}

impl<T: CustomFields + ?Sized> CustomFieldsExt for T {}

/// A custom field's definition, from `/FieldInfo`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct FieldDefinition {
    /// The field's id.
    pub id: i64,
    /// Halo's field name: `CFRegion`.
    pub name: Option<String>,
    /// The label agents see.
    pub label: Option<String>,
    /// Halo's type code (its meaning is not in Halo's document).
    #[serde(rename = "type")]
    pub kind: Option<i64>,
    /// Halo's usage code (what record kind it belongs to: 1 tickets, 2
    /// clients, 3 sites, 5 assets are reported, not confirmed).
    pub usage: Option<i64>,
}

/// Finds a definition by key (name, label or id) among `defs`, or an error
/// listing their names.
pub fn definition<'d>(defs: &'d [FieldDefinition], key: &FieldKey) -> Result<&'d FieldDefinition, HaloError> {
    let found = key.find(defs.iter().map(|d| (Some(d.id), d.name.as_deref(), d.label.as_deref())))?;
    found.map(|i| &defs[i]).ok_or_else(|| {
        let names: Vec<&str> = defs.iter().filter_map(|d| d.name.as_deref()).collect();
        HaloError::InvalidRequest(format!("no custom field {key} in /FieldInfo; Halo has: {}", names.join(", ")))
    })
}

/// Sets a field on a record by its definition: the entry's value when the
/// record carries it, else a new entry `{id, name, value}`.
pub fn set_by_definition<R: CustomFields + ?Sized, V: FieldValue>(
    record: &mut R,
    def: &FieldDefinition,
    value: V,
) -> Result<(), HaloError> {
    let key = FieldKey::Id(def.id);
    if record.custom_field_entries().iter().any(|f| key.matches(f.id, f.name, f.label)) {
        return record.set_custom_field(key, value);
    }
    record.push_custom_field(def.id, def.name.as_deref().unwrap_or_default(), value.into_json());
    Ok(())
}

impl crate::client::HaloClient {
    /// Every custom field definition (`GET /FieldInfo`, the generated
    /// `get_field_info`), read once and kept for the life of this client
    /// and its clones; a failed read is not kept. (Feature `full`.)
    ///
    /// # Errors
    /// What Halo answers to `GET /FieldInfo`, as [`HaloError`].
    #[cfg(feature = "full")]
    pub async fn custom_field_definitions(&self) -> Result<std::sync::Arc<Vec<FieldDefinition>>, HaloError> {
        use halo_api::Operation as _;
        const ID: &str = <halo_api::builder::GetFieldInfo<'_> as halo_api::Operation>::ID;
        let defs = self
            .shared
            .field_definitions
            .get_or_try_init(|| async {
                let answer = self.raw().get_field_info().exchange().await?;
                let v: Value = halo_api::wire::decode(ID, &answer.body)?;
                // A bare array, or (not seen, accepted) an object holding one.
                let items = match v {
                    Value::Array(a) => a,
                    Value::Object(o) => o
                        .into_iter()
                        .find_map(|(_, v)| match v {
                            Value::Array(a) => Some(a),
                            _ => None,
                        })
                        .unwrap_or_default(),
                    _ => Vec::new(),
                };
                let defs: Vec<FieldDefinition> = halo_api::wire::decode_value(ID, "", Value::Array(items))?;
                Ok::<_, HaloError>(std::sync::Arc::new(defs) as std::sync::Arc<dyn std::any::Any + Send + Sync>)
            })
            .await?;
        Ok(defs.clone().downcast::<Vec<FieldDefinition>>().expect("only custom_fields fills field_definitions"))
    }

    /// One custom field definition by name, label or id (from
    /// [`crate::HaloClient::custom_field_definitions`]); an unknown key is an error
    /// that lists Halo's field names. (Feature `full`.)
    ///
    /// # Errors
    /// `InvalidRequest` for an unknown key (listing Halo's names) or a label two fields share; else as [`crate::HaloClient::custom_field_definitions`].
    #[cfg(feature = "full")]
    pub async fn custom_field_definition(&self, key: impl Into<FieldKey>) -> Result<FieldDefinition, HaloError> {
        let defs = self.custom_field_definitions().await?;
        definition(&defs, &key.into()).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ticket() -> Value {
        json!({"id": 7, "summary": "x", "customfields": [
            {"id": 11, "name": "CFDepartment", "label": "Department", "type": 0, "value": "Sales"},
            {"id": 12, "name": "CFSeats", "label": "Seats", "value": 25},
            {"id": 13, "name": "CFVip", "label": "VIP", "value": true},
            {"id": 14, "name": "CFRenewal", "value": "2025-06-01T00:00:00"},
            {"id": 15, "name": "CFNotes", "value": null}
        ]})
    }

    #[test]
    fn read_by_name_label_or_id_with_types() {
        let t = ticket();
        assert_eq!(t.custom_value::<String>("CFDepartment").unwrap().as_deref(), Some("Sales"));
        assert_eq!(t.custom_value::<String>("department").unwrap().as_deref(), Some("Sales"));
        assert_eq!(t.custom_value::<i64>(12).unwrap(), Some(25));
        assert_eq!(t.custom_value::<bool>("VIP").unwrap(), Some(true));
        assert_eq!(
            t.custom_value::<DateTime<Utc>>("CFRenewal").unwrap(),
            crate::changes::parse_time("2025-06-01T00:00:00Z")
        );
        assert_eq!(t.custom_value::<String>("CFNotes").unwrap(), None);
        let e = t.custom_value::<i64>("CFDepartment").unwrap_err().to_string();
        assert!(e.contains("custom field `CFDepartment` holds text (\"Sales\"), not an integer"), "{e}");
        let e = t.custom_value::<String>("CFColour").unwrap_err().to_string();
        assert!(e.contains("no custom field `CFColour`"), "{e}");
        assert!(e.contains("CFDepartment (Department), CFSeats (Seats), CFVip (VIP), CFRenewal, CFNotes"), "{e}");
    }

    #[test]
    fn set_changes_one_entry_and_refuses_another_kind() {
        let mut t = ticket();
        t.set_custom_field("CFSeats", 30i64).unwrap();
        t.set_custom_field("CFNotes", "any kind into an empty field").unwrap();
        let mut want = ticket();
        want["customfields"][1]["value"] = json!(30);
        want["customfields"][4]["value"] = json!("any kind into an empty field");
        assert_eq!(t, want);
        let before = t.clone();
        let e = t.set_custom_field("CFSeats", "thirty").unwrap_err().to_string();
        assert!(
            e.contains("custom field `CFSeats` holds a number (30); text (\"thirty\") would change its kind"),
            "{e}"
        );
        assert!(t.set_custom_field(99, 1i64).is_err());
        assert_eq!(t, before, "nothing changed by a refused set");
        assert_eq!(t.only_custom_fields(), json!({"id": 7, "customfields": before["customfields"]}));
    }

    #[test]
    fn by_definition_adds_an_entry_the_record_lacks() {
        let defs =
            vec![FieldDefinition { id: 20, name: Some("CFNew".into()), label: None, kind: None, usage: Some(1) }];
        let mut t = ticket();
        set_by_definition(&mut t, definition(&defs, &"cfnew".into()).unwrap(), "v").unwrap();
        assert_eq!(t["customfields"][5], json!({"id": 20, "name": "CFNew", "value": "v"}));
        let e = definition(&defs, &"Other".into()).unwrap_err().to_string();
        assert!(e.contains("no custom field `Other` in /FieldInfo; Halo has: CFNew"), "{e}");
    }

    #[test]
    fn a_label_two_fields_share_is_an_error_listing_their_ids() {
        let mut t = json!({"id": 7, "customfields": [
            {"id": 31, "name": "CFRegionA", "label": "Region", "value": "North"},
            {"id": 32, "name": "CFRegionB", "label": "Region", "value": "South"},
            {"id": 33, "name": "Region", "label": "Other", "value": "West"}
        ]});
        // A name wins over labels: field 33 is named Region.
        assert_eq!(t.custom_value::<String>("region").unwrap().as_deref(), Some("West"));
        t["customfields"][2]["name"] = json!("CFOther");
        let before = t.clone();
        let e = t.custom_value::<String>("Region").unwrap_err().to_string();
        assert!(e.contains("label `Region` is shared by 2 fields: id 31 (CFRegionA), id 32 (CFRegionB)"), "{e}");
        assert!(t.set_custom_field("Region", "East").is_err());
        assert_eq!(t, before, "nothing changed");
        t.set_custom_field(32, "East").unwrap();
        assert_eq!(t["customfields"][1]["value"], "East", "by id: no doubt");
        let defs = vec![
            FieldDefinition {
                id: 31,
                name: Some("CFRegionA".into()),
                label: Some("Region".into()),
                kind: None,
                usage: None,
            },
            FieldDefinition {
                id: 32,
                name: Some("CFRegionB".into()),
                label: Some("Region".into()),
                kind: None,
                usage: None,
            },
        ];
        assert!(definition(&defs, &"Region".into()).unwrap_err().to_string().contains("id 31 (CFRegionA), id 32"));
    }
}
