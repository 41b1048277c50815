//! `spec/halo.lock`: which document halo-rs is generated from.
//!
//! Human-readable TOML, committed. Codegen refuses a document whose sha256
//! differs from the lock until `--update` accepts it.

use crate::patches::Excluded;
use crate::stats::Counts;
use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::path::Path;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    pub document: Document,
    /// Counts of Halo's document as published.
    pub counts: Counts,
    /// What halo-api is generated from after our patches.
    pub generated: Generated,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Which document: where it was read from is not recorded (a path differs
    /// from one machine to the next; the sha256 is what identifies it).
    pub sha256: String,
    pub size: u64,
    pub openapi: String,
    pub info_title: String,
    pub info_version: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Generated {
    pub operations: usize,
    pub schemas: usize,
    /// Operations of Halo's document that halo-api does not generate, and why.
    pub excluded: Vec<Excluded>,
}

const HEADER: &str = "\
# The Halo OpenAPI document halo-rs is generated from: spec/halo-swagger.json.
# Written by `cargo xtask codegen --update`; read by `cargo xtask codegen`
# and by halo-api's build script, which refuse any document whose sha256
# differs. Do not edit by hand.
";

impl Lock {
    pub fn read(path: &Path) -> Result<Option<Lock>> {
        match std::fs::read_to_string(path) {
            Ok(text) => Ok(Some(toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
        }
    }

    pub fn to_text(&self) -> Result<String> {
        Ok(format!("{HEADER}\n{}", toml::to_string_pretty(self)?))
    }

    pub fn write(&self, path: &Path) -> Result<()> {
        std::fs::write(path, self.to_text()?).with_context(|| format!("writing {}", path.display()))
    }

    /// A few lines saying how `new` differs from this lock.
    pub fn summary_against(&self, new: &Lock) -> String {
        let mut s = String::new();
        let d = (&self.document, &new.document);
        let _ = writeln!(s, "  sha256     {} -> {}", d.0.sha256, d.1.sha256);
        let _ = writeln!(s, "  size       {} -> {} bytes", d.0.size, d.1.size);
        if d.0.info_version != d.1.info_version || d.0.openapi != d.1.openapi {
            let _ = writeln!(
                s,
                "  version    {} (openapi {}) -> {} (openapi {})",
                d.0.info_version, d.0.openapi, d.1.info_version, d.1.openapi
            );
        }
        let (a, b) = (&self.counts, &new.counts);
        for (name, x, y) in [
            ("paths", a.paths, b.paths),
            ("operations", a.operations, b.operations),
            ("schemas", a.schemas, b.schemas),
            ("properties", a.properties, b.properties),
        ] {
            let delta = y as i64 - x as i64;
            let _ = writeln!(s, "  {name:<10} {x} -> {y} ({delta:+})");
        }
        s
    }
}
