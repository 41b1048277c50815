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
    /// Verify spec/halo-swagger.json against spec/halo.lock, patch it, and
    /// write halo-api/halo.patched.json for halo-api's build. Offline; with
    /// --update, fetch a newer document first.
    Codegen {
        /// Fetch Halo's document (Halo's published URL, $HALO_SPEC_SOURCE, or
        /// --from), print its changelog against spec/halo-swagger.json, and
        /// replace that file, the lock and spec/CHANGELOG.md.
        #[arg(long)]
        update: bool,
        /// With --update: a URL or file to fetch from (a tenant's
        /// https://TENANT.halopsa.com/api/swagger/v2/swagger.json works).
        #[arg(long, value_name = "URL|PATH", requires = "update")]
        from: Option<String>,
        /// Write nothing; exit non-zero when the patched document on disk or
        /// the lock is not what spec/ and the patches produce.
        #[arg(long, conflicts_with = "update")]
        check: bool,
    },
    /// What halo-api costs to build: code size, codegen time, wall time and
    /// peak memory of clean debug and release builds, as a Markdown table of
    /// medians. Takes a while: each run is a clean build of halo-api.
    BenchBuild {
        /// Builds per row; the table gives the median.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Feature sets to measure (`full` is the default set).
        #[arg(long, value_delimiter = ',', default_value = "full,core,tickets")]
        features: Vec<String>,
        /// Profiles to measure.
        #[arg(long, value_delimiter = ',', default_value = "debug,release")]
        profiles: Vec<String>,
        /// Instead: what users pay, each build cold and side by side with a
        /// plain client: a crate outside the workspace built from the
        /// packages (`cargo xtask package` first), default features and
        /// `tickets`.
        #[arg(long)]
        users: bool,
        /// With --users: also `cargo install --locked --path halo-cli` against
        /// a plain CLI's install (release builds: minutes each).
        #[arg(long, requires = "users")]
        install: bool,
    },
    /// The release command: regenerate the patched document, then write the
    /// .crate files of halo-patches, halo-codegen, halo-api (carrying the
    /// patched document) and halo-api-ext into target/package/.
    Package,
    /// The prebuilt `halo` for one target: a release build of halo-cli
    /// packed as target/dist/halo-cli-TARGET-vVERSION.tgz (.zip on Windows),
    /// named as `cargo binstall halo-cli` looks for it.
    Dist {
        /// The target triple (default: this machine's).
        #[arg(long)]
        target: Option<String>,
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
            xtask::codegen::run(xtask::codegen::Options { from, update, check, ..Default::default() })
        }
        Task::Package => xtask::package::run(),
        Task::Dist { target } => xtask::dist::run(target),
        Task::SpecDiff { old, new, json, raw } => xtask::codegen::spec_diff(&old, &new, json, raw),
        Task::BenchBuild { runs, users: true, install, .. } => xtask::bench_users::run(runs, install),
        Task::BenchBuild { runs, features, profiles, .. } => {
            let release = profiles
                .iter()
                .map(|p| match p.as_str() {
                    "debug" | "dev" => Ok(false),
                    "release" => Ok(true),
                    other => Err(anyhow::anyhow!("--profiles: `{other}` is not a profile: use debug, release")),
                })
                .collect::<Result<Vec<_>>>()?;
            xtask::bench_build::run(xtask::bench_build::Options { runs, features, release })
        }
    }
}
