//! What the fuzz targets check. Shared with the regression test
//! (tests/tests/fuzz_regressions.rs), which runs every input kept in
//! fuzz/regressions/ and fuzz/seeds/ through the same checks on every
//! `cargo test`.
//!
//! For any bytes: decoding never panics. When a record decodes, what we
//! write for it decodes again to the same JSON (what we write, we read).

use halo_api_ext::types;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The core records, one by one: tickets, clients, assets, agents, users,
/// actions.
pub fn records(data: &[u8]) {
    record::<types::Faults>(data);
    record::<types::Area>(data);
    record::<types::Device>(data);
    record::<types::Uname>(data);
    record::<types::Users>(data);
    record::<types::Actions>(data);
}

/// The same resources' list answers (wrapped or bare), as paging reads them.
pub fn lists(data: &[u8]) {
    list::<types::FaultsList>("tickets", data);
    list::<types::AreaList>("clients", data);
    list::<types::DeviceList>("assets", data);
    list::<types::UnameList>("agents", data);
    list::<types::UsersList>("users", data);
    list::<types::Actions>("actions", data);
}

fn record<T: DeserializeOwned + Serialize>(data: &[u8]) {
    if let Ok(r) = halo_api_ext::halo_api::wire::decode::<T>("fuzz", data) {
        stable(&r);
    }
}

fn list<T: DeserializeOwned + Serialize>(resource: &str, data: &[u8]) {
    let r = halo_api_ext::Resource::named(resource).expect("a resource of the table");
    if let Ok((records, _count)) = halo_api_ext::decode_list::<T>(r, data) {
        records.iter().for_each(stable);
    }
}

fn stable<T: DeserializeOwned + Serialize>(r: &T) {
    let written = serde_json::to_vec(r).expect("a decoded record serialises");
    let again: T = serde_json::from_slice(&written)
        .unwrap_or_else(|e| panic!("what we wrote does not decode ({e}): {}", String::from_utf8_lossy(&written)));
    let rewritten = serde_json::to_vec(&again).expect("serialises");
    assert_eq!(
        String::from_utf8_lossy(&written),
        String::from_utf8_lossy(&rewritten),
        "writing a record, reading it back and writing it again changed it"
    );
}
