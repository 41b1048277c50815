//! halo-api is generated at build time from Halo's patched OpenAPI document.
//! Where that document comes from (the file `cargo xtask codegen` writes and
//! the package carries, or spec/halo-swagger.json verified against
//! spec/halo.lock and patched here) is halo-patches' `build` module; the
//! generation is halo-codegen's. This only wires them to cargo.

use std::path::PathBuf;

fn main() {
    // Read when the script runs, not when it is compiled: cargo reuses a
    // compiled script across checkouts of one workspace.
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let input = halo_patches::build::patched_document(&manifest).unwrap_or_else(|e| panic!("\n\nhalo-api: {e}\n\n"));
    input.env.iter().for_each(|v| println!("cargo:rerun-if-env-changed={v}"));
    input.files.iter().for_each(|f| println!("cargo:rerun-if-changed={}", f.display()));
    let enabled = |feature: &str| {
        std::env::var_os(format!("CARGO_FEATURE_{}", feature.to_uppercase().replace('-', "_"))).is_some()
    };
    let started = std::time::Instant::now();
    let generated =
        halo_codegen::generate(&input.patched, &enabled).unwrap_or_else(|e| panic!("\n\nhalo-api: {e}\n\n"));
    let (source, out) = (&generated.source, PathBuf::from(std::env::var("OUT_DIR").unwrap()));
    std::fs::write(out.join("halo_api.rs"), source).expect("writing OUT_DIR/halo_api.rs");
    // The resource table, for halo-api-ext's build script (its named
    // actions): DEP_HALO_API_RESOURCES there (`links = "halo_api"`).
    let table = out.join("resources.json");
    std::fs::write(&table, &generated.resources).expect("writing OUT_DIR/resources.json");
    println!("cargo::metadata=resources={}", table.display());
    // For `cargo xtask bench-build`.
    let stats = format!("bytes={}\ngenerate_ms={}\n", source.len(), started.elapsed().as_millis());
    std::fs::write(out.join("halo_api.stats"), stats).expect("writing OUT_DIR/halo_api.stats");
}
