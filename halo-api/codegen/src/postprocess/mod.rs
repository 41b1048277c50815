//! A syn pass over progenitor's output: one module per job, each with the
//! reason it exists, each counted in the banner of the generated file.
//!
//! - [`type_builders`]: strip typify's per-type builders (~5x the code) and
//!   point the operation builders at the plain types;
//! - [`field_names`]: give colliding fields the names `cargo xtask codegen`
//!   chose (`x-halo-rust-name`);
//! - [`boxing`]: box nested records, so Halo's records stay small by value;
//! - [`compact_serde`]: one-arm-per-field serde impls through `crate::codec`
//!   instead of serde's derive (most of the compile time otherwise);
//! - [`identity`]: `impl Identified` (the record's integer `id`) for every
//!   struct, for de-duplicating list streams, and `impl CustomFields` for
//!   every struct with Halo's `customfields` array;
//! - [`setters`]: plain calls instead of a closure per setter and a `?` per
//!   parameter;
//! - [`operations`]: each `send` becomes a plain request builder, an
//!   `Operation` impl and one shared exchange (one request path);
//! - [`resources`]: a type per resource of the table implementing
//!   `Resource`, `impl Paged` for every list that takes Halo's paging, and
//!   the table as data for halo-api-ext's build script;
//! - [`setter_docs`]: Halo's parameter descriptions on the builders' setters.
//!
//! The rule for every job: a shape it does not know is an error that stops
//! the build and names the item, never something silently kept as generated.

mod boxing;
mod compact_serde;
mod field_names;
mod identity;
mod operations;
mod resources;
mod setter_docs;
mod setters;
mod type_builders;

pub use compact_serde::field_hash;
pub use field_names::renames;

use serde_json::Value;
use std::collections::HashMap;
use syn::Item;

#[derive(Default, Debug)]
pub struct Stats {
    pub type_builders_removed: usize,
    pub compact_structs: usize,
    pub derived_structs: usize,
    pub renamed_fields: usize,
    pub setter_closures: usize,
    pub send_checks: usize,
    pub boxed_fields: usize,
    pub operations: usize,
    pub resources: usize,
    pub paged: usize,
    pub documented_setters: usize,
    pub custom_field_records: usize,
}

impl std::fmt::Display for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(
            f,
            "Post-pass: {} type builders removed, {} structs with compact serde, {} kept serde's derive, {} fields renamed, \
             {} setter closures and {} parameter checks made plain calls, {} record fields boxed, \
             {} operations given a plain request builder, an `Operation` impl and the shared exchange, \
             {} resources as `Resource` types, {} paged lists, {} setters documented, {} records with custom fields.",
            self.type_builders_removed,
            self.compact_structs,
            self.derived_structs,
            self.renamed_fields,
            self.setter_closures,
            self.send_checks,
            self.boxed_fields,
            self.operations,
            self.resources,
            self.paged,
            self.documented_setters,
            self.custom_field_records,
        )
    }
}

/// Runs every job on progenitor's output. `doc` is the patched document as
/// selected by features (for the renames and the resource table). Answers
/// the counts and the resource table as data (see [`resources`]).
pub fn run(file: &mut syn::File, doc: &Value) -> Result<(Stats, Value), String> {
    let renames: HashMap<String, String> = renames(doc);
    let mut stats = Stats::default();
    for item in &mut file.items {
        let Item::Mod(m) = item else { continue };
        let Some((_, items)) = &mut m.content else { continue };
        match m.ident.to_string().as_str() {
            "types" => {
                stats.type_builders_removed = type_builders::strip(items);
                let generated: std::collections::HashSet<String> = items
                    .iter()
                    .filter_map(|i| match i {
                        Item::Struct(s) => Some(s.ident.to_string()),
                        Item::Enum(e) => Some(e.ident.to_string()),
                        Item::Type(t) => Some(t.ident.to_string()),
                        _ => None,
                    })
                    .collect();
                let mut extra = Vec::new();
                for item in items.iter_mut() {
                    if let Item::Struct(s) = item {
                        extra.push(identity::identified(s)?);
                        if let Some(i) = identity::custom_fields(s)? {
                            extra.push(i);
                            stats.custom_field_records += 1;
                        }
                        stats.renamed_fields += field_names::rename_collisions(s, &renames)?;
                        stats.boxed_fields += boxing::box_records(s, &generated)?;
                        match compact_serde::compact_serde(s)? {
                            Some(impls) => {
                                extra.extend(impls);
                                stats.compact_structs += 1;
                            }
                            None => stats.derived_structs += 1,
                        }
                    }
                }
                items.extend(extra);
            }
            "builder" => {
                type_builders::retarget(items)?;
                let (closures, checks) = setters::plain_calls(items)?;
                stats.setter_closures = closures;
                stats.send_checks = checks;
                stats.operations = operations::split_sends(items)?;
            }
            _ => {}
        }
    }
    let table = resources::table(file, doc)?;
    stats.resources = table.count;
    stats.paged = table.paged;
    stats.documented_setters = setter_docs::document(file, &setter_docs::Docs::read(doc))?;
    file.items.extend(table.items);
    Ok((stats, table.data))
}
