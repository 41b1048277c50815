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
