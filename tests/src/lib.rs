//! Contract tests live in `tests/`: each asserts what goes on the wire
//! (method, path, query, body, headers) and what comes back, from the facts
//! of Halo's API (its integration docs, what other clients learned) and Halo's document.

/// The README's Rust blocks, compiled as doc tests: its Quick start, change
/// feed and halo-api examples build against this version.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct Readme;
