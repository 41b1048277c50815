//! Contract tests live in `tests/`: each asserts what goes on the wire
//! (method, path, query, body, headers) and what comes back, from the facts
//! of Halo's API (its integration docs, what other clients learned) and Halo's document.
