//! Files the CLI writes (the watch cursor, the profile file): whole or not
//! at all.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to a temporary file beside `target` (created exclusively,
/// readable by its owner only on Unix), syncs it, then renames it over
/// `target`: a reader sees the old file or the new one, never part of one,
/// and a crash leaves no half-written file. With `private`, the result
/// keeps the owner-only mode (a file that may hold a secret); else it is
/// made readable as a new file would be (0644).
pub fn write_atomically(target: &Path, bytes: &[u8], private: bool) -> std::io::Result<()> {
    let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(".halo-").suffix(".part").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    #[cfg(unix)]
    if !private {
        use std::os::unix::fs::PermissionsExt as _;
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    #[cfg(not(unix))]
    let _ = private;
    tmp.as_file().sync_all()?;
    tmp.persist(target).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_file_is_replaced_whole_and_a_private_one_stays_private() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("cursor.json");
        std::fs::write(&f, "old").unwrap();
        super::write_atomically(&f, b"new", true).unwrap();
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(std::fs::metadata(&f).unwrap().permissions().mode() & 0o777, 0o600);
            super::write_atomically(&f, b"shared", false).unwrap();
            assert_eq!(std::fs::metadata(&f).unwrap().permissions().mode() & 0o777, 0o644);
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left");
    }
}
