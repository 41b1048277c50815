//! Halo's parameter descriptions on the setters a user hovers over.
//!
//! progenitor lists an operation's parameters in the doc of its `Client`
//! method only; the builder's setters (`.agent_id(3)`) have no doc. Each
//! setter of a path or query parameter is given one: "Halo's `agent_id`
//! query parameter (`i32`)", then Halo's description when the document has
//! one, its leading C# type in parentheses ("(int) ") left out: the Rust type
//! is said already. halo-api-ext's forwarding setters carry the same text
//! ([`Docs::setter`], through the resource table's data).
//!
//! Setters are matched to parameters by name (lowercase, letters and digits
//! only: progenitor's snake case of Halo's name). A setter that matches no
//! parameter and is not a body setter is an error: the build stops.

use serde_json::Value;
use std::collections::HashMap;
use syn::{ImplItem, Item, Type};

/// A parameter: Halo's name, where it goes (`query`, `path`), its description.
type Param = (String, String, Option<String>);

/// operationId -> normalised name -> parameter.
pub struct Docs(HashMap<String, HashMap<String, Param>>);

fn norm(name: &str) -> String {
    name.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

/// `:: std :: string :: String` -> `String`: the type as a reader writes it.
fn plain_type(tokens: &str) -> String {
    let t = tokens.replace(' ', "");
    [
        "::std::string::",
        "::std::vec::",
        "::std::option::",
        "::halo_api::types::",
        "types::",
        "::chrono::offset::",
        "::chrono::",
        "::uuid::",
    ]
    .iter()
    .fold(t, |t, p| t.replace(p, ""))
}

impl Docs {
    pub fn read(doc: &Value) -> Self {
        let mut out = HashMap::new();
        for item in doc.get("paths").and_then(Value::as_object).into_iter().flat_map(|p| p.values()) {
            for op in item.as_object().into_iter().flat_map(|o| o.values()) {
                let Some(id) = op.get("operationId").and_then(Value::as_str) else { continue };
                let params: &mut HashMap<_, _> = out.entry(id.to_string()).or_default();
                for p in op.get("parameters").and_then(Value::as_array).into_iter().flatten() {
                    let Some(name) = p.get("name").and_then(Value::as_str) else { continue };
                    let place = p.get("in").and_then(Value::as_str).unwrap_or("query").to_string();
                    let description = p
                        .get("description")
                        .and_then(Value::as_str)
                        .map(|d| strip_type(d.trim()).to_string())
                        .filter(|d| !d.is_empty());
                    params.insert(norm(name), (name.to_string(), place, description));
                }
            }
        }
        Docs(out)
    }

    /// The doc of `operation`'s setter `setter` whose type is `ty` (tokens),
    /// or `None` when it is not a parameter of the operation.
    pub fn setter(&self, operation: &str, setter: &str, ty: &str) -> Option<String> {
        let (name, place, description) = self.0.get(operation)?.get(&norm(setter))?;
        let head = format!("Halo's `{name}` {place} parameter (`{}`).", plain_type(ty));
        Some(match description {
            Some(d) => format!("{head}\n\n{d}"),
            None => head,
        })
    }
}

/// "(int) Filters by the specified agent." -> "Filters by the specified agent."
fn strip_type(d: &str) -> &str {
    if let Some(rest) = d.strip_prefix('(')
        && let Some(end) = rest.find(')')
        && end <= 24
        && !rest[..end].contains(' ')
    {
        return rest[end + 1..].trim_start();
    }
    d
}

/// Gives every parameter setter of every operation builder its doc; answers
/// how many. `file` is the whole generated file (the `Client` methods name
/// each builder's operation).
pub fn document(file: &mut syn::File, docs: &Docs) -> Result<usize, String> {
    let mut operation_of: HashMap<String, String> = HashMap::new();
    for item in &file.items {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || !matches!(&*imp.self_ty, Type::Path(p) if p.path.is_ident("Client")) {
            continue;
        }
        for f in imp.items.iter().filter_map(|i| if let ImplItem::Fn(f) = i { Some(f) } else { None }) {
            let syn::ReturnType::Type(_, ty) = &f.sig.output else { continue };
            let Type::Path(p) = &**ty else { continue };
            let segs: Vec<_> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
            if let [b, x] = &segs[..]
                && b == "builder"
            {
                operation_of.insert(x.clone(), f.sig.ident.to_string());
            }
        }
    }
    let mut n = 0;
    for item in &mut file.items {
        let Item::Mod(m) = item else { continue };
        if m.ident != "builder" {
            continue;
        }
        for item in m.content.iter_mut().flat_map(|(_, i)| i) {
            let Item::Impl(imp) = item else { continue };
            if imp.trait_.is_some() {
                continue;
            }
            let Type::Path(p) = &*imp.self_ty else { continue };
            let ident = p.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
            let Some(operation) = operation_of.get(&ident) else { continue };
            for f in imp.items.iter_mut().filter_map(|i| if let ImplItem::Fn(f) = i { Some(f) } else { None }) {
                let Some(ty) = super::resources::setter_type(f) else { continue };
                let setter = f.sig.ident.to_string();
                let tokens = quote::quote!(#ty).to_string();
                match docs.setter(operation, &setter, &tokens) {
                    Some(text) => {
                        f.attrs.push(syn::parse_quote!(#[doc = #text]));
                        n += 1;
                    }
                    None if setter == "body" => {}
                    None => {
                        return Err(format!(
                            "post-pass setter docs: `{ident}::{setter}` matches no parameter of `{operation}`"
                        ));
                    }
                }
            }
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_setter_says_halos_name_its_type_and_description() {
        let doc = serde_json::json!({"paths": {"/Tickets": {"get": {"operationId": "get_tickets", "parameters": [
            {"name": "agent_id", "in": "query", "description": "(int) Filters by the specified agent."},
            {"name": "includeDetails", "in": "query"}
        ]}}}});
        let d = Docs::read(&doc);
        assert_eq!(
            d.setter("get_tickets", "agent_id", "i32").unwrap(),
            "Halo's `agent_id` query parameter (`i32`).\n\nFilters by the specified agent."
        );
        assert_eq!(
            d.setter("get_tickets", "include_details", ":: std :: string :: String").unwrap(),
            "Halo's `includeDetails` query parameter (`String`)."
        );
        assert_eq!(d.setter("get_tickets", "nope", "i32"), None);
        assert_eq!(strip_type("(a long sentence) kept"), "(a long sentence) kept");
    }
}
