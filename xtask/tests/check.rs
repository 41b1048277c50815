//! `cargo xtask codegen --check` fails when the lock is not what codegen
//! would write, and passes when it is (on the 2025-04 snapshot, the locked
//! document). Skipped, loudly, when the snapshot is not there (CI has it).

use std::path::PathBuf;
use xtask::codegen::{Options, run};

#[test]
fn check_fails_on_a_stale_lock_and_passes_on_the_real_one() {
    let dir = std::env::var_os("HALO_SNAPSHOT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| xtask::workspace_root().join("../shared/halo-spec"));
    let source = dir.join("halo-swagger-2025-04.json");
    if !source.exists() {
        assert!(std::env::var_os("CI").is_none(), "{} missing: CI must have the snapshots", source.display());
        eprintln!("SKIPPED: {} not found (set HALO_SNAPSHOT_DIR)", source.display());
        return;
    }
    let tmp = std::env::temp_dir().join(format!("halo-check-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let out = tmp.join("halo.patched.json");
    let lock = tmp.join("halo.lock");
    let real = std::fs::read_to_string(xtask::lock_path()).unwrap();
    let opts = |check| Options {
        from: Some(source.display().to_string()),
        check,
        out: Some(out.clone()),
        lock: Some(lock.clone()),
        ..Default::default()
    };
    std::fs::write(&lock, &real).unwrap();
    run(opts(false)).unwrap();
    run(opts(true)).unwrap();

    let stale = real.replace("properties = 19784", "properties = 19000");
    assert_ne!(stale, real, "the lock records 19784 properties");
    std::fs::write(&lock, stale).unwrap();
    let e = run(opts(true)).unwrap_err().to_string();
    assert!(e.contains("spec/halo.lock is not what codegen would write"), "{e}");
    assert!(!real.contains("source ="), "no machine-local path in the lock");
    let _ = std::fs::remove_dir_all(&tmp);
}
