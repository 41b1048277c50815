//! Halo's webhook deliveries: what Halo POSTs to a webhook's payload URL,
//! decoded, and the Basic-auth check that goes first.
//!
//! ```
//! use halo_api_ext::webhooks::{BasicAuth, decode};
//!
//! let auth = BasicAuth::new("halo", "a long random password");
//! # let header = Some("Basic aGFsbzphIGxvbmcgcmFuZG9tIHBhc3N3b3Jk");
//! # let body = br#"{"event": "New Ticket Logged", "object_id": 42, "ticket": {"id": 42, "summary": "Printer"}}"#;
//! auth.check(header)?; // the request's Authorization header, before anything else
//! for event in decode(body)? {
//!     if let Some(ticket) = event.ticket() {
//!         println!("{:?}: ticket {:?}", event.event, ticket?.id);
//!     }
//! }
//! # Ok::<(), halo_api_ext::HaloError>(())
//! ```
//!
//! # What is confirmed and what is not
//!
//! Halo's document describes webhook *configuration* (`/Webhook`: `url`,
//! `authentication_type`, `basic_username`, `payload_type`, `batch_method`,
//! ...; `/WebhookEvent`: the delivery log) but has no schema for what a
//! delivery carries. Halo's guides say (confirmed): deliveries are JSON
//! POSTs; authenticated with Basic auth or not at all; every payload type
//! carries "an ID, notification ID, escmsg ID, event name, webhook ID,
//! object ID, and timestamp"; the payload is a small object, the full
//! object with linked objects, event information only, or custom; batched
//! deliveries group several events (read here as a JSON array of them).
//!
//! Not confirmed: the JSON *names* of those fields. [`Event`] reads each
//! from the names other clients and Halo's own conventions use (`event`,
//! `object_id`, `webhook_id`, `notification_id`, `escmsg_id`, `timestamp`,
//! compared without case and without `_`: `objectId` and `ObjectID` read
//! too), keeps every field in [`Event::raw`], and never rejects one it does
//! not know. The record of a full-object payload is read from an object
//! under a resource's name (`ticket`, `action`, `client`, `site`, `user`,
//! `asset`, ...). A custom payload is whatever you made it: read `raw`.
//! No signature scheme is documented (the `Webhook` schema's
//! `authentication_header` and `signature_prefix` are for *inbound*
//! webhooks); none is checked.

use crate::changes::parse_time;
use chrono::{DateTime, Utc};
use halo_api::HaloError;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The object names a full-object payload may carry its records under, and
/// the resource each is.
const OBJECTS: &[&str] = &[
    "ticket",
    "action",
    "client",
    "area",
    "site",
    "user",
    "asset",
    "device",
    "agent",
    "contract",
    "invoice",
    "quote",
    "opportunity",
    "project",
    "appointment",
    "supplier",
    "item",
    "kbarticle",
    "attachment",
];

/// One event of a delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The event's name: `New Ticket Logged`, `Ticket Reassigned`...
    pub event: Option<String>,
    /// The delivery's own id (Halo's log entry), as sent.
    pub id: Option<Value>,
    /// Halo's webhook id.
    pub webhook_id: Option<String>,
    /// Halo's notification id.
    pub notification_id: Option<i64>,
    /// Halo's message id.
    pub escmsg_id: Option<i64>,
    /// The id of the record the event is about.
    pub object_id: Option<i64>,
    /// What the record is: a field `object_type` when sent; else the record
    /// kind the event's name says ("New Ticket Logged": `ticket`); else,
    /// when the payload holds exactly one known record object, its name;
    /// else `None` (never a guess from whichever key came first).
    pub object_type: Option<String>,
    /// When Halo sent it, when it says.
    pub timestamp: Option<DateTime<Utc>>,
    /// Every field as Halo sent it.
    pub raw: Map<String, Value>,
}

impl Event {
    /// The record under `name` (`"ticket"`), decoded as `T`: `None` when the
    /// payload has none (a small or event-only payload: GET it by
    /// [`Event::object_id`]).
    pub fn record<T: DeserializeOwned>(&self, name: &str) -> Option<Result<T, HaloError>> {
        let v = field(&self.raw, &[name]).filter(|v| v.is_object())?;
        Some(halo_api::wire::decode_value("webhook delivery", name, v.clone()))
    }

    /// The ticket of a full-object payload.
    #[cfg(feature = "tickets")]
    pub fn ticket(&self) -> Option<Result<crate::Ticket, HaloError>> {
        self.record("ticket")
    }

    /// The action of a full-object payload.
    #[cfg(feature = "actions")]
    pub fn action(&self) -> Option<Result<crate::Action, HaloError>> {
        self.record("action")
    }

    fn read(raw: Map<String, Value>) -> Self {
        let text = |names: &[&str]| {
            field(&raw, names).and_then(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
        };
        let int = |names: &[&str]| field(&raw, names).and_then(halo_api::identified::integer);
        let event = text(&["event", "event_name"]);
        let named = event.as_deref().and_then(|e| {
            // The first word of the name that is a record kind.
            e.split(|c: char| !c.is_alphanumeric()).map(str::to_ascii_lowercase).find(|w| OBJECTS.contains(&w.as_str()))
        });
        let held: Vec<&str> =
            OBJECTS.iter().copied().filter(|o| field(&raw, &[o]).is_some_and(Value::is_object)).collect();
        let object_type =
            text(&["object_type", "entity_type"]).or(named).or_else(|| (held.len() == 1).then(|| held[0].to_string()));
        Event {
            event,
            id: raw.get("id").cloned(),
            webhook_id: text(&["webhook_id"]),
            notification_id: int(&["notification_id"]),
            escmsg_id: int(&["escmsg_id"]),
            object_id: int(&["object_id", "entity_id"]),
            object_type,
            timestamp: text(&["timestamp", "datetime", "event_time"]).and_then(|t| parse_time(&t)),
            raw,
        }
    }
}

/// `object_id`, `objectId`, `ObjectID`: one name.
fn squash(name: &str) -> String {
    name.chars().filter(|c| *c != '_').flat_map(char::to_lowercase).collect()
}

fn field<'v>(raw: &'v Map<String, Value>, names: &[&str]) -> Option<&'v Value> {
    let wanted: Vec<String> = names.iter().map(|n| squash(n)).collect();
    raw.iter().find(|(k, v)| !v.is_null() && wanted.contains(&squash(k))).map(|(_, v)| v)
}

/// Decodes a delivery's body: one event (an object) or a batch (an array of
/// them). Anything else is [`HaloError::Decode`] saying what arrived.
pub fn decode(body: &[u8]) -> Result<Vec<Event>, HaloError> {
    let bad = |path: String, message: String| HaloError::Decode { operation: "webhook delivery".into(), path, message };
    let value: Value = serde_json::from_slice(body).map_err(|e| bad(String::new(), format!("not JSON: {e}")))?;
    match value {
        Value::Object(o) => Ok(vec![Event::read(o)]),
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::Object(o) => Ok(Event::read(o)),
                other => Err(bad(format!("[{i}]"), format!("an event is an object, not {}", kind(&other)))),
            })
            .collect(),
        other => Err(bad(String::new(), format!("a delivery is an object or an array, not {}", kind(&other)))),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The user name and password a webhook is configured with (Halo's
/// "Basic Authentication"), checked in constant time. Its `Debug` shows the
/// user name only.
#[derive(Clone)]
pub struct BasicAuth {
    user: String,
    digest: [u8; 32],
    password: SecretString,
}

impl std::fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BasicAuth").field("user", &self.user).field("password", &"[redacted]").finish()
    }
}

impl BasicAuth {
    /// The Basic auth Halo is set to send.
    pub fn new(user: impl Into<String>, password: impl Into<String>) -> Self {
        let user = user.into();
        let password = SecretString::from(password.into());
        let digest = Self::digest(&user, password.expose_secret());
        Self { user, digest, password }
    }

    fn digest(user: &str, password: &str) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update((user.len() as u64).to_le_bytes());
        h.update(user.as_bytes());
        h.update(password.as_bytes());
        h.finalize().into()
    }

    /// Checks a request's `Authorization` header. The comparison is of
    /// digests of equal length, in constant time: neither the password's
    /// length nor how much of it matched shows in the time taken. The
    /// error (`HaloError::Auth`, status 401) never contains what was sent.
    pub fn check(&self, authorization: Option<&str>) -> Result<(), HaloError> {
        use base64::Engine as _;
        let refuse = |why: &str| HaloError::Auth { status: 401, message: format!("webhook delivery refused: {why}") };
        let header = authorization.ok_or_else(|| refuse("no Authorization header"))?;
        let (scheme, encoded) = header.trim().split_once(' ').ok_or_else(|| refuse("not Basic credentials"))?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return Err(refuse("not Basic credentials"));
        }
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|_| refuse("the credentials are not base64"))?;
        let text = String::from_utf8(decoded).map_err(|_| refuse("the credentials are not UTF-8"))?;
        let (user, password) = text.split_once(':').ok_or_else(|| refuse("the credentials have no `:`"))?;
        let given = Self::digest(user, password);
        if bool::from(given.ct_eq(&self.digest)) { Ok(()) } else { Err(refuse("wrong user name or password")) }
    }

    /// The `Authorization` header Halo sends with these credentials (for
    /// tests and for configuring a webhook).
    pub fn header(&self) -> String {
        use base64::Engine as _;
        let pair = format!("{}:{}", self.user, self.password.expose_secret());
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_event_a_batch_and_unknown_shapes() {
        let one = decode(
            br#"{"id": "5f0c", "event": "New Ticket Logged", "webhook_id": "ab-12", "notification_id": 3,
                 "escmsg_id": "77", "object_id": 42.0, "timestamp": "2025-04-01T10:00:00",
                 "ticket": {"id": 42, "summary": "Printer"}, "something_new": [1, 2]}"#,
        )
        .unwrap();
        let e = &one[0];
        assert_eq!(e.event.as_deref(), Some("New Ticket Logged"));
        assert_eq!((e.object_id, e.notification_id, e.escmsg_id), (Some(42), Some(3), Some(77)));
        assert_eq!(e.object_type.as_deref(), Some("ticket"));
        assert_eq!(e.webhook_id.as_deref(), Some("ab-12"));
        assert_eq!(e.timestamp, parse_time("2025-04-01T10:00:00Z"));
        assert_eq!(e.raw["something_new"], serde_json::json!([1, 2]), "unknown fields are kept");
        let record: Value = e.record("ticket").unwrap().unwrap();
        assert_eq!(record["summary"], "Printer");
        assert!(e.record::<Value>("client").is_none());

        let batch =
            decode(br#"[{"Event": "Ticket Updated", "ObjectId": "7"}, {"eventName": "Ticket Closed", "objectID": 8}]"#)
                .unwrap();
        assert_eq!(batch.len(), 2);
        assert_eq!((batch[0].event.as_deref(), batch[0].object_id), (Some("Ticket Updated"), Some(7)));
        assert_eq!((batch[1].event.as_deref(), batch[1].object_id), (Some("Ticket Closed"), Some(8)));
        assert_eq!(batch[0].object_type.as_deref(), Some("ticket"), "from the event's name");

        // An action event whose payload carries the ticket first and the
        // action after: the event says action.
        let both = decode(
            br#"{"event": "Action Added", "object_id": 9, "ticket": {"id": 42}, "action": {"id": 9, "ticket_id": 42}}"#,
        )
        .unwrap();
        assert_eq!(both[0].object_type.as_deref(), Some("action"));
        // No event name, two records: no guess.
        let unsure = decode(br#"{"ticket": {"id": 42}, "action": {"id": 9}}"#).unwrap();
        assert_eq!(unsure[0].object_type, None);
        let one_kind = decode(br#"{"client": {"id": 3}}"#).unwrap();
        assert_eq!(one_kind[0].object_type.as_deref(), Some("client"));

        // Tolerated: an object with none of the known fields.
        let odd = decode(br#"{"custom": {"x": 1}}"#).unwrap();
        assert_eq!(odd[0].event, None);
        assert_eq!(odd[0].raw["custom"]["x"], 1);

        for (body, says) in [
            (&b"[1]"[..], "an event is an object, not a number"),
            (b"\"hi\"", "a delivery is an object or an array, not a string"),
            (b"{", "not JSON"),
        ] {
            let e = decode(body).unwrap_err().to_string();
            assert!(e.contains(says), "{e}");
        }
    }

    #[test]
    fn basic_auth_accepts_the_pair_and_refuses_everything_else() {
        let auth = BasicAuth::new("halo", "pa:ss word");
        assert!(auth.check(Some(&auth.header())).is_ok());
        assert!(auth.check(Some(&auth.header().replace("Basic", "basic"))).is_ok());
        let other = |u: &str, p: &str| BasicAuth::new(u, p).header();
        for h in [
            other("halo", "pa:ss wor"),
            other("halo", "pa:ss word!"),
            other("hal", "opa:ss word"),
            other("HALO", "pa:ss word"),
            "Bearer xyz".to_string(),
            "Basic !!!".to_string(),
            "Basic".to_string(),
        ] {
            let e = auth.check(Some(&h)).unwrap_err();
            assert!(matches!(e, HaloError::Auth { status: 401, .. }), "{h}: {e:?}");
            assert!(!e.to_string().contains("pa:ss"), "{e}");
        }
        assert!(auth.check(None).unwrap_err().to_string().contains("no Authorization header"));
        assert!(!format!("{auth:?}").contains("pa:ss"));
    }
}
