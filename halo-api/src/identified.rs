//! [`Identified`]: a record's integer id, when it has one.

/// A record's `id` as an integer, when it has one: implemented by halo-api's
/// build for every generated struct (`None` for those without an integer
/// `id`), and here for `serde_json::Value` (an integral number, or a string
/// of one). Used to yield each listed record once.
pub trait Identified {
    fn id_value(&self) -> Option<i64>;
}

/// A decimal id (`21.0`, as Halo sends some) as an integer, when it is a
/// whole number that an f64 holds exactly. The generated impls of records
/// with an `f64` id call it too.
#[doc(hidden)]
pub fn whole(v: f64) -> Option<i64> {
    (v.fract() == 0.0 && v.abs() < 9.0e15).then_some(v as i64)
}

/// An id in JSON as an integer: `7`, `21.0` (a whole number) or `"12"`.
/// The rule for a record's `id`, and for other ids Halo sends the same way
/// (a custom field's, a webhook's `object_id`).
pub fn integer(v: &serde_json::Value) -> Option<i64> {
    match v {
        serde_json::Value::Number(n) => n.as_i64().or_else(|| n.as_f64().and_then(whole)),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

impl Identified for serde_json::Value {
    fn id_value(&self) -> Option<i64> {
        integer(self.get("id")?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_of_json_records() {
        assert_eq!(json!({"id": 7}).id_value(), Some(7));
        assert_eq!(json!({"id": 21.0}).id_value(), Some(21));
        assert_eq!(json!({"id": "12"}).id_value(), Some(12));
        assert_eq!(json!({"id": 1.5}).id_value(), None);
        assert_eq!(json!({"id": "0f8fad5b-d9cb-469f-a165-70867728950e"}).id_value(), None);
        assert_eq!(json!({"name": "x"}).id_value(), None);
        assert_eq!(json!([1]).id_value(), None);
    }
}
