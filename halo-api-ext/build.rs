//! Spells the named actions (`list_tickets`, `get_ticket`, `upsert_tickets`,
//! `delete_ticket`), the typed setters of their `List` and `Get`, the
//! record aliases and `RESOURCES`, from the resource table halo-api's build
//! hands over as data (`links = "halo_api"`: DEP_HALO_API_RESOURCES, a JSON
//! file in halo-api's OUT_DIR).
//!
//! Every action is one line calling the generic one in src/resources.rs on
//! the resource's type (`halo_api::resources::Tickets`, an
//! `impl halo_api::Resource`); the facts (path, operations, record types,
//! change rule) stay in halo-api. What this adds is names, and the setters
//! forwarded to the generated builders, each with Halo's description.
//! A table of a shape it does not know stops the build, naming the key.

use serde_json::Value;
use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-env-changed=DEP_HALO_API_RESOURCES");
    let table = std::env::var_os("DEP_HALO_API_RESOURCES")
        .map(PathBuf::from)
        .expect("halo-api-ext: halo-api's build gave no resource table (DEP_HALO_API_RESOURCES)");
    println!("cargo::rerun-if-changed={}", table.display());
    let text =
        std::fs::read_to_string(&table).unwrap_or_else(|e| panic!("halo-api-ext: reading {}: {e}", table.display()));
    let data: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("halo-api-ext: {}: {e}", table.display()));
    let array = |key: &str| -> &Vec<Value> {
        data.get(key)
            .and_then(Value::as_array)
            .unwrap_or_else(|| panic!("halo-api-ext: {}: no array `{key}`", table.display()))
    };
    // The published halo-api carries the whole API's table, a row that not
    // every feature compiles saying which do (`features`); halo-api says
    // which of its features are on (DEP_HALO_API_FEATURES). A table the
    // generator wrote for this build has no such key: every row is there.
    println!("cargo::rerun-if-env-changed=DEP_HALO_API_FEATURES");
    let on = std::env::var("DEP_HALO_API_FEATURES").unwrap_or_default();
    let on: Vec<&str> = on.split(',').collect();
    let compiled = |row: &&Value| match row.get("features") {
        None => true,
        Some(Value::Array(fs)) => {
            on.contains(&"full") || fs.iter().any(|f| f.as_str().is_some_and(|f| on.contains(&f)))
        }
        Some(other) => panic!("halo-api-ext: {}: a row's `features` is not an array: {other}", table.display()),
    };
    let rows = array("resources").iter().filter(compiled).map(Row::read);
    let rows = rows.map(|r| r.unwrap_or_else(|e| panic!("halo-api-ext: resource table: {e}"))).collect();
    let lists = array("lists").iter().filter(compiled).map(Listed::read);
    let lists: Vec<Listed> = lists.map(|r| r.unwrap_or_else(|e| panic!("halo-api-ext: paged lists: {e}"))).collect();
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut source = generate(rows);
    source.push_str(&generate_lists(&lists));
    std::fs::write(out.join("named_actions.rs"), source).expect("writing OUT_DIR/named_actions.rs");
}

/// A paged list of the data's `lists`: every generated operation that takes
/// Halo's paging parameters, by name.
struct Listed {
    name: String,
    path: String,
    operation: String,
    builder: String,
}

impl Listed {
    fn read(v: &Value) -> Result<Listed, String> {
        let s = |k: &str| -> Result<String, String> {
            v.get(k)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| format!("a list has no string `{k}`: {v}"))
        };
        Ok(Listed { name: s("name")?, path: s("path")?, operation: s("operation")?, builder: s("builder")? })
    }
}

/// `LISTS`: each paged list's names and its list (`list_of`, records as JSON).
fn generate_lists(lists: &[Listed]) -> String {
    let mut o = String::from(
        "/// Every list Halo pages that this build generated, by name (see [`PagedList`]), in the name's order.\n\
         pub const LISTS: &[PagedList] = &[\n",
    );
    let mut sorted: Vec<&Listed> = lists.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    for l in sorted {
        let (name, path, op, b) = (&l.name, &l.path, &l.operation, &l.builder);
        let _ = writeln!(
            o,
            "    PagedList {{ name: {name:?}, path: {path:?}, operation: {op:?}, \
             parameters: <halo_api::builder::{b}<'static> as halo_api::Operation<'static>>::QUERY, \
             list: |halo| halo.list_of(halo.raw().{op}()).as_json().erase() }},"
        );
    }
    o.push_str("];\n");
    o
}

struct Setter {
    name: String,
    ty: String,
    doc: Option<String>,
}

struct Row {
    name: String,
    one: String,
    path: String,
    ty: String,
    /// The record alias: `Ticket`, `KbArticle` (the table's `one`, in Pascal case).
    alias: String,
    list: (String, String, Vec<Setter>),
    get: (String, String, Vec<Setter>),
    post: String,
    delete: String,
    changes: Option<String>,
}

impl Row {
    fn read(v: &Value) -> Result<Row, String> {
        let s = |v: &Value, k: &str| -> Result<String, String> {
            v.get(k)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| format!("a row has no string `{k}`: {v}"))
        };
        let op = |k: &str| -> Result<(String, String, Vec<Setter>), String> {
            let o = v.get(k).ok_or_else(|| format!("a row has no `{k}`"))?;
            let setters = o
                .get("setters")
                .and_then(Value::as_array)
                .ok_or_else(|| format!("`{k}` has no `setters`"))?
                .iter()
                .map(|st| {
                    Ok(Setter {
                        name: s(st, "name")?,
                        ty: s(st, "type")?,
                        doc: st.get("doc").and_then(Value::as_str).map(str::to_string),
                    })
                })
                .collect::<Result<_, String>>()?;
            Ok((s(o, "operation")?, s(o, "builder")?, setters))
        };
        Ok(Row {
            name: s(v, "name")?,
            one: s(v, "one")?,
            path: s(v, "path")?,
            ty: s(v, "type")?,
            alias: s(v, "alias")?,
            list: op("list")?,
            get: op("get")?,
            post: s(v, "post")?,
            delete: s(v, "delete")?,
            changes: v.get("changes").and_then(Value::as_str).map(str::to_string),
        })
    }
}

fn generate(rows: Vec<Row>) -> String {
    let mut o = String::from("// @generated by halo-api-ext's build script from halo-api's resource table.\n\n");
    // RESOURCES
    o.push_str(
        "/// The resources of the table this build has, in the table's order.\npub const RESOURCES: &[Resource] = &[\n",
    );
    for r in &rows {
        let _ = writeln!(o, "    Resource::of::<halo_api::resources::{}>(),", r.ty);
    }
    o.push_str("];\n\n/// Halo's records, by the names integrations use.\npub mod aliases {\n");
    for r in &rows {
        let (one, path, ty) = (&r.one, &r.path, &r.ty);
        let alias = &r.alias;
        let _ = writeln!(
            o,
            "    #[doc = \"A {one} ({path}): what GET {path}/{{id}} answers and POST {path} takes.\"]\n    \
             pub type {alias} = <halo_api::resources::{ty} as halo_api::Resource>::Record;\n    \
             #[doc = \"A {one} as GET {path} lists it.\"]\n    \
             pub type {alias}ListItem = <halo_api::resources::{ty} as halo_api::Resource>::Item;"
        );
    }
    o.push_str("}\n\nimpl HaloClient {\n");
    for r in &rows {
        let (name, one, path, ty) = (&r.name, &r.one, &r.path, &r.ty);
        let ((list_op, list_b, _), (get_op, get_b, _)) = (&r.list, &r.get);
        let r_ty = format!("halo_api::resources::{ty}");
        let (post, delete) = (&r.post, &r.delete);
        let _ = writeln!(
            o,
            "    /// Lists {name}: GET {path} (`{list_op}`), page by page on demand. Its filters are the operation's \
             query parameters, typed: `.list_{name}().search(\"acme\")`.\n    \
             pub fn list_{name}(&self) -> List<'_, halo_api::builder::{list_b}<'_>, aliases::{alias}ListItem> {{\n        \
             self.list::<{r_ty}>()\n    }}\n\n    \
             /// One {one} by id: GET {path}/{{id}} (`{get_op}`). Await it, or set the operation's options first.\n    \
             ///\n    /// # Errors\n    /// `NotFound` for a 404 or a blank record (id 0); see [`HaloError`].\n    \
             pub fn get_{one}(&self, id: i64) -> Get<'_, halo_api::builder::{get_b}<'_>, aliases::{alias}> {{\n        \
             self.get::<{r_ty}>(id)\n    }}\n\n    \
             /// Creates or updates {name}: POST {path} (`{post}`); an `id` means update. Answers what Halo saved.\n    \
             ///\n    /// # Errors\n    /// What Halo answers to the POST (a 400 names the field), as [`HaloError`].\n    \
             pub async fn upsert_{name}(&self, records: impl Into<Records<aliases::{alias}>>) -> Result<Vec<aliases::{alias}>, HaloError> {{\n        \
             self.upsert::<{r_ty}>(records).await\n    }}\n\n    \
             /// Deletes one {one}: DELETE {path}/{{id}} (`{delete}`).\n    \
             ///\n    /// # Errors\n    /// `NotFound` when there is no such {one} (unless the DELETE was repeated); see [`HaloError`].\n    \
             pub async fn delete_{one}(&self, id: i64) -> Result<(), HaloError> {{\n        \
             self.delete::<{r_ty}>(id).await\n    }}\n",
            alias = r.alias,
        );
    }
    o.push_str("}\n\n");
    for r in &rows {
        let forward = |o: &mut String, wrapper: &str, builder: &str, setters: &[Setter]| {
            let _ = writeln!(o, "impl<'a, T> {wrapper}<'a, halo_api::builder::{builder}<'a>, T> {{");
            for s in setters {
                let doc = s.doc.clone().unwrap_or_else(|| format!("Halo's `{}` parameter (`{}`).", s.name, s.ty));
                let (n, t) = (&s.name, &s.ty);
                let _ = writeln!(
                    o,
                    "    #[doc = {doc:?}]\n    pub fn {n}<V: ::std::convert::TryInto<{t}>>(self, value: V) -> Self {{\n        \
                     self.map(move |op| op.{n}(value))\n    }}"
                );
            }
            o.push_str("}\n\n");
        };
        forward(&mut o, "List", &r.list.1, &r.list.2);
        forward(&mut o, "Get", &r.get.1, &r.get.2);
        if let Some(updated) = &r.changes {
            let (name, ty, b) = (&r.name, &r.ty, &r.list.1);
            let _ = writeln!(
                o,
                "impl<'a, T> List<'a, halo_api::builder::{b}<'a>, T> {{\n    \
                 /// The change feed of {name}: records created or updated after `cursor`, by polling this list \
                 (its filters kept). Update time: `{updated}`. See [`crate::changes`].\n    \
                 pub fn changes(self, cursor: Cursor) -> Feed<'a, halo_api::builder::{b}<'a>, T> {{\n        \
                 self.changes_by(change_rule::<halo_api::resources::{ty}>(), cursor)\n    }}\n}}\n"
            );
        }
    }
    o
}
