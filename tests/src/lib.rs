//! Contract tests live in `tests/`: each asserts what goes on the wire
//! (method, path, query, body, headers) and what comes back, from the facts
//! of Halo's API (shared/docs/halo-api.md) and Halo's document.
