//! Upstream defect: query parameters typed with C# type names instead of
//! OpenAPI types: `bool` (1388 in 2025-04), `int` (783), `double`, `List<int>`,
//! `DateTime`, `obj`.
//!
//! Fix, per C# name:
//!
//! | C# | OpenAPI | why |
//! |---|---|---|
//! | `bool` | `boolean` | |
//! | `int` | `integer` / `int32` | |
//! | `long` | `integer` / `int64` | |
//! | `double`, `decimal` | `number` / `double` | |
//! | `List<int>` | `string` | Halo takes these as comma-separated ids ("1,2,3") |
//! | `DateTime` | `string` | Halo's filters take `yyyy-MM-ddTHH:mm:ss`, not RFC 3339 |
//! | `obj`, `string` | `string` | |
//!
//! An unknown C#-looking name is an error, not a guess. Newer Halo documents
//! (late 2025) use proper OpenAPI types, so this patch is expected to go stale.

use super::{Context, Patch, WhenStale, for_each_operation};
use anyhow::{Result, bail};
use serde_json::{Value, json};

pub const PATCH: Patch = Patch {
    name: "csharp_parameter_types",
    defect: "parameters typed bool/int/double/List<int>/DateTime/obj (C# names)",
    when_stale: WhenStale::Warn,
    apply,
};

const OPENAPI_TYPES: &[&str] = &["boolean", "integer", "number", "string", "array", "object"];

fn replacement(csharp: &str) -> Option<Value> {
    Some(match csharp {
        "bool" => json!({"type": "boolean"}),
        "int" => json!({"type": "integer", "format": "int32"}),
        "long" => json!({"type": "integer", "format": "int64"}),
        "double" | "decimal" | "float" => json!({"type": "number", "format": "double"}),
        "List<int>" | "DateTime" | "obj" => json!({"type": "string"}),
        _ => return None,
    })
}

fn apply(doc: &mut Value, _: &mut Context) -> Result<usize> {
    let mut changed = 0;
    for_each_operation(doc, |method, path, op| {
        let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
            return Ok(());
        };
        for p in params {
            let name = p["name"].as_str().unwrap_or("?").to_string();
            let Some(schema) = p.get_mut("schema") else { continue };
            let Some(ty) = schema.get("type").and_then(Value::as_str) else { continue };
            if OPENAPI_TYPES.contains(&ty) {
                continue;
            }
            let Some(mut new) = replacement(ty) else {
                bail!(
                    "{} {path}: parameter `{name}` has type `{ty}`, which is neither OpenAPI nor a C# name this patch knows",
                    method.to_uppercase()
                );
            };
            // Keep anything else the schema said (default, nullable...).
            for (k, v) in schema.as_object().into_iter().flatten() {
                if k != "type" && k != "format" {
                    new[k] = v.clone();
                }
            }
            *schema = new;
            changed += 1;
        }
        Ok(())
    })?;
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patches::test_util::{doc, run};

    fn one(ty: &str) -> Value {
        doc(json!({"/X": {"get": {"parameters": [{"name": "p", "in": "query", "schema": {"type": ty}}]}}}), json!({}))
    }

    #[test]
    fn maps_each_csharp_name() {
        for (cs, want) in [
            ("bool", json!({"type": "boolean"})),
            ("int", json!({"type": "integer", "format": "int32"})),
            ("double", json!({"type": "number", "format": "double"})),
            ("List<int>", json!({"type": "string"})),
            ("DateTime", json!({"type": "string"})),
            ("obj", json!({"type": "string"})),
        ] {
            let mut d = one(cs);
            assert_eq!(run(&PATCH, &mut d), 1, "{cs}");
            assert_eq!(d["paths"]["/X"]["get"]["parameters"][0]["schema"], want, "{cs}");
        }
    }

    #[test]
    fn unknown_name_is_an_error() {
        let mut d = one("Dictionary<string,int>");
        assert!((PATCH.apply)(&mut d, &mut Context::default()).is_err());
    }

    #[test]
    fn stale_on_proper_types() {
        let mut d = one("boolean");
        assert_eq!(run(&PATCH, &mut d), 0);
    }
}
