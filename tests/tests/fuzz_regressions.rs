//! Every input kept from fuzzing (fuzz/regressions/) and every seed
//! (fuzz/seeds/) through the fuzz targets' own checks: decoding never
//! panics, and what we write for a decoded record reads back the same.

#[path = "../../fuzz/src/lib.rs"]
mod checks;

use std::path::PathBuf;

fn inputs(dir: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz").join(dir);
    let mut out: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != ".gitkeep"))
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn kept_crash_inputs_and_seeds_pass_the_fuzz_checks() {
    let mut n = 0;
    for dir in ["regressions", "seeds"] {
        for (path, bytes) in inputs(dir) {
            let run = std::panic::catch_unwind(|| {
                checks::records(&bytes);
                checks::lists(&bytes);
            });
            assert!(run.is_ok(), "{} fails the fuzz checks", path.display());
            n += 1;
        }
    }
    assert!(n >= 14, "the seeds are there ({n} inputs)");
}

/// The seeds are realistic, quirky payloads: they must decode, so that the
/// fuzzer's mutations start from inputs that reach the record decoders.
#[test]
fn the_seeds_decode_as_what_they_are() {
    use halo_api_ext::halo_api::wire::decode;
    use halo_api_ext::{Resource, decode_list, types};
    let seed =
        |name: &str| std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds").join(name)).unwrap();
    let t: types::Faults = decode("seed", &seed("ticket.json")).unwrap();
    assert_eq!((t.id, t.client_id, t.priority_id), (Some(21), Some(12), None));
    assert!(t.dateoccurred.is_some() && t.fixbydate.is_none());
    let (tickets, total) =
        decode_list::<types::FaultsList>(Resource::named("tickets").unwrap(), &seed("ticket_list.json")).unwrap();
    assert_eq!((tickets.len(), total), (2, Some(2)));
    let (bare, total) =
        decode_list::<types::FaultsList>(Resource::named("tickets").unwrap(), &seed("bare_list.json")).unwrap();
    assert_eq!((bare.len(), total), (2, None));
    let a: types::Uname = decode("seed", &seed("agent.json")).unwrap();
    assert_eq!(a.id, Some(7));
    let u: types::Users = decode("seed", &seed("user.json")).unwrap();
    assert_eq!(u.site_id, Some(30.0));
}
