//! [`CustomFields`]: the `customfields` array of a record, for reading and
//! changing one entry while keeping the others.
//!
//! Implemented by halo-api's build for every generated struct with a
//! `customfields: Vec<CustomField>` field (37 schemas of the 2025-04
//! document: tickets, clients, sites, assets, users, actions, ...), and
//! here for `serde_json::Value`. halo-api-ext adds lookups by name or id
//! and typed values on top (`CustomFieldsExt`).

use serde_json::Value;

/// One entry of a record's `customfields`, borrowed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldRef<'a> {
    /// The field's id.
    pub id: Option<i64>,
    /// Halo's name for it: `CFDepartment`.
    pub name: Option<&'a str>,
    /// What the UI shows: `Department`.
    pub label: Option<&'a str>,
    /// Its value, as Halo sent it.
    pub value: Option<&'a Value>,
}

/// A record with Halo's `customfields` array.
pub trait CustomFields {
    /// Every entry, in the record's order.
    fn custom_field_entries(&self) -> Vec<FieldRef<'_>>;
    /// Sets the value of entry `index` (of [`CustomFields::custom_field_entries`]).
    fn set_custom_field_value(&mut self, index: usize, value: Value);
    /// Appends an entry `{id, name, value}` (a field the record did not carry).
    fn push_custom_field(&mut self, id: i64, name: &str, value: Value);
    /// The record with only its `id` and its whole `customfields` array:
    /// what to post back to change custom fields and nothing else.
    fn only_custom_fields(&self) -> Self
    where
        Self: Sized;
}

impl CustomFields for Value {
    fn custom_field_entries(&self) -> Vec<FieldRef<'_>> {
        let Some(Value::Array(items)) = self.get("customfields") else { return Vec::new() };
        items
            .iter()
            .map(|f| FieldRef {
                id: f.get("id").and_then(crate::identified::integer),
                name: f.get("name").and_then(Value::as_str),
                label: f.get("label").and_then(Value::as_str),
                value: f.get("value").filter(|v| !v.is_null()),
            })
            .collect()
    }

    fn set_custom_field_value(&mut self, index: usize, value: Value) {
        if let Some(Value::Object(f)) = self.get_mut("customfields").and_then(|a| a.get_mut(index)) {
            f.insert("value".into(), value);
        }
    }

    fn push_custom_field(&mut self, id: i64, name: &str, value: Value) {
        let Value::Object(record) = self else { return };
        let fields = record.entry("customfields").or_insert_with(|| Value::Array(Vec::new()));
        if !fields.is_array() {
            *fields = Value::Array(Vec::new());
        }
        if let Value::Array(a) = fields {
            a.push(serde_json::json!({"id": id, "name": name, "value": value}));
        }
    }

    fn only_custom_fields(&self) -> Self {
        let mut out = serde_json::Map::new();
        for k in ["id", "customfields"] {
            if let Some(v) = self.get(k) {
                out.insert(k.into(), v.clone());
            }
        }
        Value::Object(out)
    }
}
