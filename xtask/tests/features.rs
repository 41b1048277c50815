//! halo-api's Cargo features must be exactly spec/resources.toml's resources
//! (plus `full`, `core` and `default`), and `core` must list them all.

#[test]
fn halo_api_features_match_the_resource_table() {
    let resources = xtask::resources::load(&xtask::resources_path()).unwrap();
    let names: std::collections::BTreeSet<String> = resources.iter().map(|r| r.name.clone()).collect();
    assert_eq!(names.len(), 23, "the 23 resources of the facts document");

    let manifest: toml::Table =
        std::fs::read_to_string(xtask::workspace_root().join("halo-api/Cargo.toml")).unwrap().parse().unwrap();
    let features = manifest["features"].as_table().unwrap();
    let declared: std::collections::BTreeSet<String> =
        features.keys().filter(|k| !["full", "core", "default"].contains(&k.as_str())).cloned().collect();
    assert_eq!(declared, names, "halo-api/Cargo.toml [features] vs spec/resources.toml");
    let core: std::collections::BTreeSet<String> =
        features["core"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    assert_eq!(core, names, "`core` enables every resource");
}

/// halo-api-ext forwards the same features: each resource to halo-api's
/// (plus the optional dependencies of that resource's helpers),
/// `core` to all of them, `full` to halo-api's `full` and `core`.
#[test]
fn halo_api_ext_forwards_the_resource_table_as_features() {
    let resources = xtask::resources::load(&xtask::resources_path()).unwrap();
    let names: std::collections::BTreeSet<String> = resources.iter().map(|r| r.name.clone()).collect();
    let manifest: toml::Table =
        std::fs::read_to_string(xtask::workspace_root().join("halo-api-ext/Cargo.toml")).unwrap().parse().unwrap();
    let features = manifest["features"].as_table().unwrap();
    let list = |f: &str| -> Vec<String> {
        features[f].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
    };
    for name in &names {
        // halo-api's feature, then what the resource's own helpers need
        // (attachments: base64, mime_guess, tokio's fs), never another resource.
        let l = list(name);
        assert_eq!(l[0], format!("halo-api/{name}"), "halo-api-ext feature `{name}`");
        for extra in &l[1..] {
            assert!(extra.starts_with("dep:") || extra.starts_with("tokio/"), "halo-api-ext feature `{name}`: {extra}");
        }
    }
    let core: std::collections::BTreeSet<String> = list("core").into_iter().collect();
    assert_eq!(core, names, "`core` enables every resource");
    assert_eq!(list("full"), ["halo-api/full", "core"]);
    // `core` by default, `full` one word away: chosen by measurement
    // (README, "Use it from your crate"; `cargo xtask bench-build --users`).
    assert_eq!(list("default"), ["core"]);
    let api = &manifest["dependencies"]["halo-api"];
    assert_eq!(api["default-features"].as_bool(), Some(false), "features come from halo-api-ext's own");
}
