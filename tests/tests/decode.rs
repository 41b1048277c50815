//! The generated records decode what Halo really sends (the payload quirks
//! other Halo clients met: decimal ids, nulls, dates without offsets) and write
//! back only what is set.

use halo_api::types::{Area, Faults, FaultsView, Site, Uname, Users};
use serde_json::json;

#[test]
fn quirks_decode_into_typed_fields() {
    let t: Faults = serde_json::from_value(json!({
        "id": 1234,
        "client_id": 21.0,            // decimal id
        "site_id": "7",               // numeric string
        "user_id": -1,                // "not set"
        "summary": null,              // null in a plain-typed field
        "dateoccurred": "2024-05-01T09:30:00",       // no offset
        "deadlinedate": "2024-05-02T10:00:00.123Z",  // offset and fraction
        "respondbydate": "",          // empty = not set
        "onhold": 1,                  // 0/1 for a boolean
        "a_field_from_next_release": {"x": [1, 2]},  // unknown: ignored
        "customfields": [{"id": 5, "name": "CFcolour", "value": "red"}]
    }))
    .unwrap();
    assert_eq!(t.id, Some(1234));
    assert_eq!(t.client_id, Some(21));
    assert_eq!(t.site_id, Some(7));
    assert_eq!(t.user_id, Some(-1));
    assert_eq!(t.summary, None);
    assert_eq!(t.dateoccurred.unwrap().to_rfc3339(), "2024-05-01T09:30:00+00:00");
    assert_eq!(t.deadlinedate.unwrap().timestamp_millis() % 1000, 123);
    assert_eq!(t.respondbydate, None);
    assert_eq!(t.onhold, Some(true));
    let cf = &t.customfields.as_ref().unwrap()[0];
    assert_eq!((cf.id, cf.name.as_deref()), (Some(5), Some("CFcolour")));
}

#[test]
fn a_bad_value_names_what_was_expected() {
    let err = serde_json::from_value::<Faults>(json!({"client_id": 21.5})).unwrap_err().to_string();
    assert!(err.contains("21.5") && err.contains("integer"), "{err}");
    let err = serde_json::from_value::<Faults>(json!({"dateoccurred": "yesterday"})).unwrap_err().to_string();
    assert!(err.contains("yesterday") && err.contains("date-time"), "{err}");
    let err = serde_json::from_value::<Faults>(json!([1, 2])).unwrap_err().to_string();
    assert!(err.contains("Faults"), "{err}");
}

#[test]
fn records_are_built_with_default_and_serialise_only_what_is_set() {
    let t = Faults { summary: Some("Printer on fire".into()), client_id: Some(12), ..Default::default() };
    assert_eq!(serde_json::to_value(&t).unwrap(), json!({"summary": "Printer on fire", "client_id": 12}));
    let back: Faults = serde_json::from_value(serde_json::to_value(&t).unwrap()).unwrap();
    assert_eq!(back.summary.as_deref(), Some("Printer on fire"));
}

#[test]
fn colliding_names_survive_as_distinct_fields() {
    let a: Uname = serde_json::from_value(json!({"signature": "plain", "_signature": "underscored"})).unwrap();
    assert_eq!(a.signature.as_deref(), Some("plain"));
    assert_eq!(a._signature.as_deref(), Some("underscored"));
    let v = serde_json::to_value(&a).unwrap();
    assert_eq!((v["signature"].as_str(), v["_signature"].as_str()), (Some("plain"), Some("underscored")));
}

#[test]
fn list_wrappers_decode() {
    let page: FaultsView = serde_json::from_value(json!({
        "page_no": 1, "page_size": 2, "record_count": 3,
        "tickets": [{"id": 1, "summary": "a"}, {"id": 2.0, "summary": null}]
    }))
    .unwrap();
    assert_eq!(page.record_count, Some(3));
    let tickets = page.tickets.unwrap();
    assert_eq!(tickets.iter().map(|t| t.id).collect::<Vec<_>>(), [Some(1), Some(2)]);

    // Decimal ids on /Site and /Users, as other clients met them: Halo's
    // document types these two as doubles, and both forms decode.
    let s: Site = serde_json::from_value(json!({"id": 3.0, "client_id": 21.0})).unwrap();
    assert_eq!((s.id, s.client_id), (Some(3), Some(21.0)));
    let u: Users = serde_json::from_value(json!({"id": 9, "site_id": 4})).unwrap();
    assert_eq!(u.site_id, Some(4.0));
    let c: Area = serde_json::from_value(json!({"id": 1, "name": "Acme", "inactive": false})).unwrap();
    assert_eq!(c.name.as_deref(), Some("Acme"));
}
