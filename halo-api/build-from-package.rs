//! halo-api's build script in its published package (`cargo xtask package`
//! puts it there as `build.rs`). The package carries the generated source
//! (`generated/halo_api.rs`: the whole API, each item behind the `cfg` of
//! the features that need it) and the resource table, so a crate built from
//! the registry compiles and runs no generator: this copies them where
//! halo-api's `include!` and halo-api-ext's build script read them.
//! It depends on nothing but std.

use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let features: Vec<String> = std::env::vars()
        .filter_map(|(k, _)| k.strip_prefix("CARGO_FEATURE_").map(|f| f.to_lowercase()))
        .collect();
    for name in ["halo_api.rs", "resources.json"] {
        let from = manifest.join("generated").join(name);
        println!("cargo:rerun-if-changed={}", from.display());
        std::fs::copy(&from, out.join(name)).unwrap_or_else(|e| {
            panic!("\n\nhalo-api: {} ({e}): this package is incomplete; `cargo xtask package` writes it\n\n", from.display())
        });
    }
    // For halo-api-ext's build script (`links = "halo_api"`): the table, and
    // the features on, which choose its rows.
    println!("cargo::metadata=resources={}", out.join("resources.json").display());
    println!("cargo::metadata=features={}", features.join(","));
    let bytes = std::fs::metadata(out.join("halo_api.rs")).map(|m| m.len()).unwrap_or(0);
    std::fs::write(out.join("halo_api.stats"), format!("bytes={bytes}\ngenerate_ms=0\n")).expect("writing OUT_DIR/halo_api.stats");
}
