//! The columns a table (and a CSV without `--fields`) shows for a list:
//! a few of the record's fields a person reads first, per resource. A list
//! not named here shows the first record's keys.
//!
//! Each name is a field of the resource's list item in Halo's document: the
//! test below checks them against the patched document (`cargo xtask
//! codegen` writes it), so a misspelt column fails the build's tests, not a
//! user's table.

/// `(list name, columns)`.
const COLUMNS: &[(&str, &[&str])] = &[
    ("actions", &["id", "ticket_id", "outcome", "datetime", "note"]),
    ("agents", &["id", "name", "email", "team"]),
    ("appointments", &["id", "subject", "start_date", "end_date", "client_name", "agent_id"]),
    ("assets", &["id", "inventory_number", "key_field", "assettype_name", "client_name", "site_name"]),
    ("attachments", &["id", "type", "datecreated", "note"]),
    ("clients", &["id", "name", "ref", "inactive"]),
    ("contracts", &["id", "ref", "client_name", "start_date", "end_date", "status"]),
    ("invoices", &["id", "client_name", "invoice_date", "total"]),
    ("items", &["id", "name", "type", "status"]),
    ("kb_articles", &["id", "name", "type", "inactive"]),
    ("opportunities", &["id", "summary", "client_name", "status_id", "agent_id", "last_update"]),
    ("organisations", &["id", "name", "email"]),
    ("projects", &["id", "summary", "client_name", "status_id", "agent_id", "last_update"]),
    ("quotes", &["id", "title", "client_name", "total", "status"]),
    ("reports", &["id", "name", "type", "description"]),
    ("sites", &["id", "name", "client_name", "ref"]),
    ("statuses", &["id", "name", "type", "ticket_count"]),
    ("suppliers", &["id", "name", "inactive"]),
    ("teams", &["id", "name", "ticket_count", "inactive"]),
    ("tickets", &["id", "summary", "client_name", "status_id", "agent_id", "last_update"]),
    ("users", &["id", "name", "emailaddress", "client_name", "site_name"]),
    ("top_levels", &["id", "name", "type"]),
    ("ticket_types", &["id", "name", "ticket_count"]),
];

/// The columns of list `name`, if it has its own.
pub fn of(name: &str) -> Option<&'static [&'static str]> {
    COLUMNS.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    /// Each column is a property of what the resource's list answers (its
    /// items' schema: `<schema>_List` where Halo defines it, else
    /// `<schema>`, as spec/resources.toml says), read off the patched
    /// document.
    #[test]
    fn every_column_is_a_field_of_the_listed_records() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        let read = |p: &str| {
            std::fs::read_to_string(format!("{root}/{p}"))
                .unwrap_or_else(|e| panic!("{p}: {e}: run `cargo xtask codegen` (the README's set-up) first"))
        };
        let doc: Value = serde_json::from_str(&read("halo-api/halo.patched.json")).unwrap();
        let table: toml::Table = read("spec/resources.toml").parse().unwrap();
        let table = table["resource"].as_array().unwrap();
        let schemas = &doc["components"]["schemas"];
        assert_eq!(super::COLUMNS.len(), table.len(), "one row per resource of spec/resources.toml");
        for (name, columns) in super::COLUMNS {
            let row = table.iter().find(|r| r["name"].as_str() == Some(name));
            let schema = row.unwrap_or_else(|| panic!("{name}: not a resource"))["schema"].as_str().unwrap();
            let list = format!("{schema}_List");
            let item = if schemas.get(&list).is_some() { &schemas[&list] } else { &schemas[schema] };
            for c in *columns {
                assert!(item["properties"].get(c).is_some(), "{name}: `{c}` is not a field of its list's records");
            }
        }
    }
}
