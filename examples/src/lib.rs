//! Recipes live in the files beside this crate; see Cargo.toml.
