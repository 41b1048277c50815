//! Upstream defect: property names that become the same Rust identifier
//! (`Uname` has both `signature` and `_signature`; typify names both fields
//! `signature` and the crate does not compile).
//!
//! Fix: for every schema, group properties by the snake_case name typify
//! gives them. In a group of two or more, the first keeps typify's name; each
//! other one gets an explicit Rust name in the extension `x-halo-rust-name`,
//! which halo-api's build step applies to the generated struct (the JSON name
//! on the wire is unchanged). The rule for that name: the property's own name
//! with its leading underscores kept (`_signature` stays `_signature`), else
//! typify's name with `_2`, `_3`... appended in document order.

use super::{Context, Patch, WhenStale, for_each_schema};
use anyhow::Result;
use heck::ToSnakeCase;
use serde_json::Value;
use std::collections::BTreeMap;

pub const PATCH: Patch = Patch {
    name: "rust_name_collisions",
    defect: "property names that collide as Rust identifiers (Uname.signature / _signature)",
    when_stale: WhenStale::Fail,
    apply,
};

/// The extension the build step reads.
pub const EXTENSION: &str = "x-halo-rust-name";

/// The field name typify derives from a property name (its `sanitize` with
/// snake case, for the names Halo uses).
pub fn typify_name(prop: &str) -> String {
    let cleaned: String =
        prop.replace('\'', "").chars().map(|c| if c.is_alphanumeric() || c == '_' { c } else { '-' }).collect();
    let s = cleaned.to_snake_case();
    match s.chars().next() {
        Some(c) if c.is_alphabetic() || c == '_' => s,
        _ => format!("x{s}"),
    }
}

fn apply(doc: &mut Value, _: &mut Context) -> Result<usize> {
    let mut changed = 0;
    for_each_schema(doc, |_, schema| {
        let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else { return };
        let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for name in props.keys() {
            groups.entry(typify_name(name)).or_default().push(name.clone());
        }
        for (rust, names) in groups.into_iter().filter(|(_, n)| n.len() > 1) {
            let mut taken: Vec<String> = vec![rust.clone()];
            for (i, name) in names.iter().enumerate().skip(1) {
                let leading = name.len() - name.trim_start_matches('_').len();
                let mut candidate = format!("{}{}", "_".repeat(leading), rust.trim_start_matches('_'));
                if taken.contains(&candidate) {
                    candidate = format!("{rust}_{}", i + 1);
                }
                taken.push(candidate.clone());
                props[name][EXTENSION] = Value::String(candidate);
                changed += 1;
            }
        }
    });
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patches::test_util::{doc, run};
    use serde_json::json;

    #[test]
    fn names_the_second_field() {
        let mut d = doc(
            json!({}),
            json!({"Uname": {"type": "object", "properties": {
                "signature": {"type": "string"}, "_signature": {"type": "string"},
                "actionContractId": {"type": "integer"}, "action_contract_id": {"type": "integer"},
                "name": {"type": "string"}
            }}}),
        );
        assert_eq!(run(&PATCH, &mut d), 2);
        let p = &d["components"]["schemas"]["Uname"]["properties"];
        assert!(p["signature"].get(EXTENSION).is_none());
        assert_eq!(p["_signature"][EXTENSION], "_signature");
        assert_eq!(p["action_contract_id"][EXTENSION], "action_contract_id_2");
        assert!(p["name"].get(EXTENSION).is_none());
    }

    #[test]
    fn stale_without_collisions() {
        let mut d = doc(json!({}), json!({"A": {"type": "object", "properties": {"a": {}, "b": {}}}}));
        assert_eq!(run(&PATCH, &mut d), 0);
    }
}
