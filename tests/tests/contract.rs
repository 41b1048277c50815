//! The contract tests, one test binary: each file below was a binary of its
//! own, and each linked the whole generated API (about 100 MB and a link
//! each; CONTRIBUTING.md, "Performance"). `listing.rs` and `secrets.rs` stay
//! binaries of their own: they install a process-wide log subscriber.
//! Run one file's tests with `cargo test -p halo-contract-tests --test contract FILE::`.

mod common;

#[path = "actions.rs"]
mod actions;
#[path = "bad_day.rs"]
mod bad_day;
#[path = "changes.rs"]
mod changes;
#[path = "connect.rs"]
mod connect;
#[path = "decode.rs"]
mod decode;
#[path = "every_operation.rs"]
mod every_operation;
#[path = "everyday.rs"]
mod everyday;
#[path = "faults.rs"]
mod faults;
#[path = "fuzz_regressions.rs"]
mod fuzz_regressions;
#[path = "hostile.rs"]
mod hostile;
#[path = "limits.rs"]
mod limits;
#[path = "list_of.rs"]
mod list_of;
#[path = "paging.rs"]
mod paging;
#[path = "transport.rs"]
mod transport;
#[path = "typed.rs"]
mod typed;
