//! Upstream defect: no response has a schema; every 200 is just
//! `{"description": "OK"}`, so every generated operation would answer `()`.
//!
//! Fix, for the 23 resources of `spec/resources.toml` (facts as data):
//! - `<schema>_View`, the list wrapper: `record_count`, `page_no`,
//!   `page_size` and the named array(s) of `<schema>_List` (or `<schema>`);
//! - GET `<path>` answers the wrapper, a bare array, or either (`oneOf`);
//! - GET `<path>/{id}` answers `<schema>`;
//! - POST `<path>` answers the saved `<schema>`, or an array of them (`oneOf`:
//!   Halo answers an object, some clients see an array).
//!
//! Where upstream already declares a response body (newer Halo documents do)
//! or already has the `_View` schema, upstream's is kept and a note says so.
//! Newer documents are known to add responses, so staleness only warns.

use super::{Context, Patch, WhenStale};
use crate::resources::{ListShape, Resource};
use anyhow::{Result, bail};
use serde_json::{Map, Value, json};

pub const PATCH: Patch = Patch {
    name: "response_schemas",
    defect: "no response schemas (every 200 is `OK` with no content)",
    when_stale: WhenStale::Warn,
    apply,
};

fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn apply(doc: &mut Value, ctx: &mut Context) -> Result<usize> {
    let mut changed = 0;
    let resources = ctx.resources.clone();
    // Views that upstream defines, as the document came: kept as they are.
    let upstream_views: Vec<String> = resources
        .iter()
        .map(view_name)
        .filter(|v| doc.pointer(&format!("/components/schemas/{v}")).is_some())
        .collect();
    for r in &resources {
        changed += add_view(doc, r, &upstream_views, ctx)?;
        let list_schema = match r.list {
            ListShape::Wrapped => reference(&view_name(r)),
            ListShape::Bare => json!({"type": "array", "items": reference(&item_name(doc, r))}),
            ListShape::Either => json!({"oneOf": [
                reference(&view_name(r)),
                {"type": "array", "items": reference(&item_name(doc, r))}
            ]}),
        };
        let by_id = format!("{}/{{id}}", r.path);
        let saved = json!({"oneOf": [reference(&r.schema), {"type": "array", "items": reference(&r.schema)}]});
        for (path, method, schema) in [
            (r.path.as_str(), "get", list_schema),
            (by_id.as_str(), "get", reference(&r.schema)),
            (r.path.as_str(), "post", saved),
        ] {
            changed += set_response(doc, path, method, schema, ctx)?;
        }
    }
    Ok(changed)
}

fn view_name(r: &Resource) -> String {
    format!("{}_View", r.schema)
}

fn item_name(doc: &Value, r: &Resource) -> String {
    let list = format!("{}_List", r.schema);
    if doc.pointer(&format!("/components/schemas/{list}")).is_some() { list } else { r.schema.clone() }
}

/// Adds `<schema>_View`, or the fields `r` names to a view this patch already
/// added for another resource with the same schema (tickets, projects and
/// opportunities are all `Faults`).
fn add_view(doc: &mut Value, r: &Resource, upstream: &[String], ctx: &mut Context) -> Result<usize> {
    if r.list == ListShape::Bare {
        return Ok(0);
    }
    if doc.pointer(&format!("/components/schemas/{}", r.schema)).is_none() {
        bail!("resource `{}`: schema `{}` is not in the document", r.name, r.schema);
    }
    let name = view_name(r);
    let item = item_name(doc, r);
    let schemas = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut).expect("checked above");
    if upstream.contains(&name) {
        ctx.notes.push(format!("{name}: upstream defines it, kept upstream's (for {})", r.name));
        return Ok(0);
    }
    let array = || json!({"type": "array", "items": reference(&item), "nullable": true});
    if let Some(props) = schemas.get_mut(&name).and_then(|v| v.get_mut("properties")).and_then(Value::as_object_mut) {
        for f in &r.fields {
            props.entry(f.clone()).or_insert_with(array);
        }
        return Ok(0);
    }
    let mut props = Map::new();
    props.insert("record_count".into(), json!({"type": "integer", "format": "int32", "nullable": true, "description": "How many records match, over all pages."}));
    props.insert("page_no".into(), json!({"type": "integer", "format": "int32", "nullable": true}));
    props.insert("page_size".into(), json!({"type": "integer", "format": "int32", "nullable": true}));
    for f in &r.fields {
        props.insert(f.clone(), array());
    }
    schemas.insert(
        name,
        json!({"type": "object", "description": format!("A page of {} records as Halo's list endpoints answer it.", r.schema), "properties": props}),
    );
    Ok(1)
}

fn set_response(doc: &mut Value, path: &str, method: &str, schema: Value, ctx: &mut Context) -> Result<usize> {
    let ptr = format!("/paths/{}/{method}", path.replace('~', "~0").replace('/', "~1"));
    let Some(op) = doc.pointer_mut(&ptr) else {
        bail!("{} {path}: not in the document (spec/resources.toml names it)", method.to_uppercase());
    };
    let responses = op.as_object_mut().expect("operation is an object").entry("responses").or_insert_with(|| json!({}));
    let existing = ["200", "201"].into_iter().find(|c| responses.pointer(&format!("/{c}/content")).is_some());
    if let Some(code) = existing {
        ctx.notes.push(format!(
            "{} {path}: upstream declares a {code} response body, kept upstream's",
            method.to_uppercase()
        ));
        return Ok(0);
    }
    responses["200"] = json!({
        "description": "OK",
        "content": {"application/json": {"schema": schema}}
    });
    Ok(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patches::test_util::doc;

    fn tickets() -> Resource {
        Resource {
            name: "tickets".into(),
            one: "ticket".into(),
            path: "/Tickets".into(),
            schema: "Faults".into(),
            list: ListShape::Wrapped,
            fields: vec!["tickets".into()],
            changes: None,
        }
    }

    fn halo_doc() -> Value {
        doc(
            json!({
                "/Tickets": {"get": {"responses": {"200": {"description": "OK"}}}, "post": {"responses": {"200": {"description": "OK"}}}},
                "/Tickets/{id}": {"get": {"responses": {"200": {"description": "OK"}}}}
            }),
            json!({"Faults": {"type": "object"}, "Faults_List": {"type": "object"}}),
        )
    }

    #[test]
    fn adds_wrapper_object_and_saved_responses() {
        let mut d = halo_doc();
        let mut ctx = Context { resources: vec![tickets()], ..Default::default() };
        assert_eq!(apply(&mut d, &mut ctx).unwrap(), 4);
        let view = &d["components"]["schemas"]["Faults_View"]["properties"];
        assert_eq!(view["tickets"]["items"]["$ref"], "#/components/schemas/Faults_List");
        assert!(view.get("record_count").is_some());
        let s =
            |p: &str, m: &str| d["paths"][p][m]["responses"]["200"]["content"]["application/json"]["schema"].clone();
        assert_eq!(s("/Tickets", "get")["$ref"], "#/components/schemas/Faults_View");
        assert_eq!(s("/Tickets/{id}", "get")["$ref"], "#/components/schemas/Faults");
        assert_eq!(s("/Tickets", "post")["oneOf"][1]["type"], "array");
    }

    #[test]
    fn either_and_bare_lists() {
        let mut d = halo_doc();
        let mut either = tickets();
        either.list = ListShape::Either;
        let mut ctx = Context { resources: vec![either], ..Default::default() };
        apply(&mut d, &mut ctx).unwrap();
        let s = &d["paths"]["/Tickets"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(s["oneOf"][0]["$ref"], "#/components/schemas/Faults_View");
        assert_eq!(s["oneOf"][1]["items"]["$ref"], "#/components/schemas/Faults_List");

        let mut d = halo_doc();
        let mut bare = tickets();
        bare.list = ListShape::Bare;
        let mut ctx = Context { resources: vec![bare], ..Default::default() };
        assert_eq!(apply(&mut d, &mut ctx).unwrap(), 3, "no wrapper schema for a bare list");
        assert!(d["components"]["schemas"].get("Faults_View").is_none());
    }

    #[test]
    fn keeps_upstream_responses_and_says_so() {
        let mut d = halo_doc();
        d["paths"]["/Tickets"]["get"]["responses"]["200"]["content"] =
            json!({"application/json": {"schema": {"$ref": "#/components/schemas/Faults_View"}}});
        d["paths"]["/Tickets"]["post"]["responses"] = json!({"201": {"description": "Created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Faults"}}}}});
        d["paths"]["/Tickets/{id}"]["get"]["responses"]["200"]["content"] =
            json!({"application/json": {"schema": {"$ref": "#/components/schemas/Faults"}}});
        d["components"]["schemas"]["Faults_View"] = json!({"type": "object"});
        let mut ctx = Context { resources: vec![tickets()], ..Default::default() };
        assert_eq!(apply(&mut d, &mut ctx).unwrap(), 0, "stale: upstream has it all");
        assert_eq!(ctx.notes.len(), 4, "{:?}", ctx.notes);
        assert_eq!(d["components"]["schemas"]["Faults_View"], json!({"type": "object"}));
    }

    #[test]
    fn resources_sharing_a_schema_share_one_view() {
        let mut d = halo_doc();
        d["paths"]["/Projects"] = d["paths"]["/Tickets"].clone();
        d["paths"]["/Projects/{id}"] = d["paths"]["/Tickets/{id}"].clone();
        let mut projects = tickets();
        projects.name = "projects".into();
        projects.path = "/Projects".into();
        projects.fields = vec!["tickets".into(), "projects".into()];
        let mut ctx = Context { resources: vec![tickets(), projects], ..Default::default() };
        assert_eq!(apply(&mut d, &mut ctx).unwrap(), 7);
        let view = d["components"]["schemas"]["Faults_View"]["properties"].as_object().unwrap();
        assert!(view.contains_key("tickets") && view.contains_key("projects"));
        assert!(ctx.notes.is_empty(), "{:?}", ctx.notes);
    }

    #[test]
    fn unknown_path_is_an_error() {
        let mut d = doc(json!({}), json!({"Faults": {}}));
        let mut ctx = Context { resources: vec![tickets()], ..Default::default() };
        assert!(apply(&mut d, &mut ctx).unwrap_err().to_string().contains("GET /Tickets"));
    }
}
