//! halo-api is generated at build time from the patched Halo document that
//! `cargo xtask codegen` writes (halo.patched.json, or $HALO_PATCHED_SPEC).
//! The work is in halo-codegen (codegen/); this only wires it to cargo.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=HALO_PATCHED_SPEC");
    let spec = std::env::var_os("HALO_PATCHED_SPEC")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("halo.patched.json"));
    println!("cargo:rerun-if-changed={}", spec.display());
    let Ok(patched) = std::fs::read(&spec) else {
        panic!(
            "\n\nhalo-api is generated from Halo's patched OpenAPI document, and {} is missing.\n\
             Run this first, from the halo-rs workspace:\n\n    cargo xtask codegen\n\n\
             (offline: HALO_SPEC_SOURCE=path/to/swagger.json cargo xtask codegen)\n\n",
            spec.display()
        )
    };
    let enabled = |feature: &str| {
        std::env::var_os(format!("CARGO_FEATURE_{}", feature.to_uppercase().replace('-', "_"))).is_some()
    };
    let started = std::time::Instant::now();
    let source = halo_codegen::generate(&patched, &enabled).unwrap_or_else(|e| panic!("\n\nhalo-api: {e}\n\n"));
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    std::fs::write(out.join("halo_api.rs"), &source).expect("writing OUT_DIR/halo_api.rs");
    // For `cargo xtask bench-build`.
    let stats = format!("bytes={}\ngenerate_ms={}\n", source.len(), started.elapsed().as_millis());
    std::fs::write(out.join("halo_api.stats"), stats).expect("writing OUT_DIR/halo_api.stats");
}
