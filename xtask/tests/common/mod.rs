//! The two real versions of Halo's document the tests use, both in the
//! repository: 2025-04 is the committed one (spec/halo-swagger.json), and
//! 2024-09 is a compressed fixture (tests/data/) for spec-diff and for the
//! patches on an older generation. No test skips for want of either.
#![allow(dead_code)] // each test file uses some of these

use std::io::Read as _;
use std::path::PathBuf;

/// Halo's document as committed: 2025-04.
pub fn current() -> Vec<u8> {
    std::fs::read(xtask::document_path()).expect("spec/halo-swagger.json is committed")
}

/// Halo's 2024-09 document, byte for byte (sha256 a421a667...).
pub fn older() -> Vec<u8> {
    let path = xtask::workspace_root().join("xtask/tests/data/halo-swagger-2024-09.json.gz");
    let gz = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&gz[..]).read_to_end(&mut out).unwrap();
    assert_eq!(
        xtask::fetch::sha256_hex(&out),
        "a421a6673accd2a747b926bdce4a197b8e1e64cf402eff64741179e64e0d2bb6",
        "the fixture is Halo's 2024-09 document"
    );
    out
}

/// A scratch copy of spec/ (document, lock, resource table, changelog) that
/// a test may change; removed when dropped.
pub struct SpecCopy {
    pub dir: PathBuf,
}

impl SpecCopy {
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("halo-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(xtask::spec_dir()).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() {
                std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
            }
        }
        Self { dir }
    }

    pub fn spec(&self) -> xtask::codegen::Spec {
        xtask::codegen::Spec::new(&self.dir)
    }
}

impl Drop for SpecCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
