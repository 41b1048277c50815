//! halo-api is generated at build time from Halo's patched OpenAPI document.
//! Where that document comes from (the file `cargo xtask codegen` writes, or
//! spec/halo-swagger.json verified against spec/halo.lock and patched here)
//! is halo-patches' `build` module; the generation is halo-codegen's. This
//! only wires them to cargo. The published package has another build
//! script, `build-from-package.rs`: it copies the source this one writes
//! for `cargo xtask package` (HALO_API_PACKAGE), and runs no generator.

use std::path::PathBuf;

fn main() {
    // Read when the script runs, not when it is compiled: cargo reuses a
    // compiled script across checkouts of one workspace.
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let input = halo_patches::build::patched_document(&manifest).unwrap_or_else(|e| panic!("\n\nhalo-api: {e}\n\n"));
    input.env.iter().for_each(|v| println!("cargo:rerun-if-env-changed={v}"));
    input.files.iter().for_each(|f| println!("cargo:rerun-if-changed={}", f.display()));
    let features: Vec<String> =
        std::env::vars().filter_map(|(k, _)| k.strip_prefix("CARGO_FEATURE_").map(|f| f.to_lowercase())).collect();
    let started = std::time::Instant::now();
    let generated = halo_codegen::generate(&input.patched, &|f| features.iter().any(|e| e == f))
        .unwrap_or_else(|e| panic!("\n\nhalo-api: {e}\n\n"));
    let (source, out) = (&generated.source, PathBuf::from(std::env::var("OUT_DIR").unwrap()));
    std::fs::write(out.join("halo_api.rs"), source).expect("writing OUT_DIR/halo_api.rs");
    // The resource table, for halo-api-ext's build script (its named
    // actions): DEP_HALO_API_RESOURCES there (`links = "halo_api"`), with
    // the features on (DEP_HALO_API_FEATURES).
    let table = out.join("resources.json");
    std::fs::write(&table, &generated.resources).expect("writing OUT_DIR/resources.json");
    println!("cargo::metadata=resources={}", table.display());
    println!("cargo::metadata=features={}", features.join(","));
    // For `cargo xtask bench-build`.
    let stats = format!("bytes={}\ngenerate_ms={}\n", source.len(), started.elapsed().as_millis());
    std::fs::write(out.join("halo_api.stats"), stats).expect("writing OUT_DIR/halo_api.stats");

    // For `cargo xtask package`: the source the package carries.
    println!("cargo:rerun-if-env-changed=HALO_API_PACKAGE");
    if std::env::var_os("HALO_API_PACKAGE").is_some() {
        let packaged =
            halo_codegen::generate_packaged(&input.patched).unwrap_or_else(|e| panic!("\n\nhalo-api: {e}\n\n"));
        let dir = out.join("package");
        std::fs::create_dir_all(&dir).expect("creating OUT_DIR/package");
        std::fs::write(dir.join("halo_api.rs"), &packaged.source).expect("writing OUT_DIR/package/halo_api.rs");
        std::fs::write(dir.join("resources.json"), &packaged.resources)
            .expect("writing OUT_DIR/package/resources.json");
    }
}
