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
    }
    Ok(f.resource)
}

pub fn load(path: &Path) -> Result<Vec<Resource>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    parse(&text).with_context(|| format!("parsing {}", path.display()))
}
