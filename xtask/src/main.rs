use anyhow::Result;
use clap::{Parser, Subcommand};

/// halo-rs maintenance tasks.
#[derive(Parser)]
#[command(name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Fetch Halo's OpenAPI document, verify it against spec/halo.lock, patch
    /// it, and write halo-api/halo.patched.json for halo-api's build.
    Codegen {
        /// A URL or file to read the document from (default: $HALO_SPEC_SOURCE,
        /// then Halo's published URL).
        #[arg(long, value_name = "URL|PATH")]
        from: Option<String>,
        /// Accept a document whose sha256 differs from spec/halo.lock and
        /// rewrite the lock.
        #[arg(long)]
        update: bool,
        /// Write nothing; exit non-zero when the patched document on disk is
        /// not what the source, lock and patches produce.
        #[arg(long, conflicts_with = "update")]
        check: bool,
    },
    /// Changelog between two versions of Halo's document (paths or URLs), as
    /// halo-api sees them after our patches; breaking changes are marked.
    SpecDiff {
        old: String,
        new: String,
        /// JSON instead of Markdown.
        #[arg(long)]
        json: bool,
        /// Compare the documents as Halo publishes them, without our patches.
        #[arg(long)]
        raw: bool,
    },
}

fn main() -> Result<()> {
    match Cli::parse().task {
        Task::Codegen { from, update, check } => {
            xtask::codegen::run(xtask::codegen::Options { from, update, check, out: None })
        }
        Task::SpecDiff { old, new, json, raw } => xtask::codegen::spec_diff(&old, &new, json, raw),
    }
}
