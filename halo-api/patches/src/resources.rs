//! The resource table, `spec/resources.toml`: the 23 resources integrations
//! expose, with the facts Halo's document does not state.

use anyhow::{Context as _, Result, bail};
use serde::Deserialize;
use std::path::Path;

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ListShape {
    Wrapped,
    Bare,
    Either,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    pub name: String,
    pub one: String,
    pub path: String,
    pub schema: String,
    pub list: ListShape,
    pub fields: Vec<String>,
    /// How a change feed finds this resource's new and updated records
    /// (halo-api-ext's `changes`); absent: no feed.
    #[serde(default)]
    pub changes: Option<Changes>,
}

/// A change feed's facts for one resource.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Changes {
    /// The record field holding its last update time (checked client-side).
    pub updated: String,
    /// The value of the list's `order` parameter that sorts by that time
    /// (sent with `orderdesc=true`); absent when the list has no `order`.
    #[serde(default)]
    pub order: Option<String>,
    /// Query parameters that ask the server for records updated since the
    /// cursor; `{since}` in a value is replaced by that time
    /// (`yyyy-MM-ddTHH:mm:ss`, UTC).
    pub query: std::collections::BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    resource: Vec<Resource>,
}

pub fn parse(text: &str) -> Result<Vec<Resource>> {
    let f: File = toml::from_str(text)?;
    for r in &f.resource {
        if r.list != ListShape::Bare && r.fields.is_empty() {
            bail!("resource `{}`: list = {:?} needs at least one field name", r.name, r.list);
        }
        if let Some(c) = &r.changes
            && !c.query.values().any(|v| v.contains("{since}"))
        {
            bail!(
                "resource `{}`: changes.query has no value with {{since}}: the feed could not ask for changes",
                r.name
            );
        }
    }
    Ok(f.resource)
}

pub fn load(path: &Path) -> Result<Vec<Resource>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    parse(&text).with_context(|| format!("parsing {}", path.display()))
}
