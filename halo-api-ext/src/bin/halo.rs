//! `halo`: Halo's API from the command line, over halo-api-ext.
//!
//! Data on stdout (list and report: one JSON record per line), messages on
//! stderr. Exit 0 on success (and when stdout is closed early: `| head`), 1
//! on an API, network or I/O error, 2 on bad usage or config. `tracing`
//! events go to stderr: WARN and above by default (waits for the rate limit
//! or a Retry-After, changed totals), `-v` INFO, `-vv` DEBUG, or `RUST_LOG`.

use clap::{Parser, Subcommand};
use futures::StreamExt;
use halo_api_ext::profiles::Profiles;
use halo_api_ext::{HaloClient, HaloConfig, HaloError, RESOURCES, RateLimit, Resource};
use serde_json::Value;
use std::io::{Read, Write};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "halo", version, about = "Halo's REST API (HaloPSA, HaloITSM, HaloCRM) from the command line")]
struct Cli {
    /// Resource server, e.g. example.halopsa.com [env: HALO_HOST]
    #[arg(long, global = true)]
    host: Option<String>,
    /// Auth server, when it differs [env: HALO_AUTH_HOST]
    #[arg(long, global = true)]
    auth_host: Option<String>,
    /// Tenant (Halo's cloud) [env: HALO_TENANT]
    #[arg(long, global = true)]
    tenant: Option<String>,
    /// On-premise instance (no tenant) [env: HALO_ON_PREM]
    #[arg(long, global = true)]
    on_prem: bool,
    /// API application's client id [env: HALO_CLIENT_ID]
    #[arg(long, global = true)]
    client_id: Option<String>,
    /// API application's secret [env: HALO_CLIENT_SECRET]; prefer the variable
    #[arg(long, global = true, hide_env_values = true)]
    client_secret: Option<String>,
    /// OAuth scope (default all) [env: HALO_SCOPE]
    #[arg(long, global = true)]
    scope: Option<String>,
    /// Client-side limit: REQUESTS/SECONDS in any rolling window, or off
    /// (default 290/300) [env: HALO_RATE_LIMIT]
    #[arg(long, global = true, value_name = "REQUESTS/SECONDS|off")]
    rate_limit: Option<String>,
    /// A [profiles.NAME] table of halo/config.toml (its keys: the
    /// variables' names without HALO_, lowercased); flags and variables
    /// beat it [env: HALO_PROFILE]
    #[arg(long, global = true, value_name = "NAME")]
    profile: Option<String>,
    /// More on stderr: -v for INFO events (retries, budget changes), -vv for
    /// DEBUG; RUST_LOG overrides (default: WARN and above)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Every record of a resource, one JSON object per line.
    List {
        resource: String,
        /// A filter, KEY=VALUE (repeatable).
        #[arg(long = "query", value_name = "KEY=VALUE")]
        query: Vec<String>,
        #[arg(long, default_value_t = 100)]
        page_size: u32,
        /// Stop after this many records.
        #[arg(long)]
        max: Option<u64>,
    },
    /// One record by id.
    Get {
        resource: String,
        id: i64,
        #[arg(long = "query", value_name = "KEY=VALUE")]
        query: Vec<String>,
    },
    /// Create or update records: a JSON object or array from FILE or stdin.
    Upsert { resource: String, file: Option<String> },
    /// Delete one record by id.
    Delete { resource: String, id: i64 },
    /// New and updated records as they change, one JSON object per line,
    /// until interrupted (Ctrl-C: exit 0 after the line being written).
    Watch {
        /// tickets, actions, clients, sites, users or assets
        resource: String,
        /// Changes at or after this time: 2025-04-01T09:00:00 (UTC unless it
        /// has an offset) [default: now]
        #[arg(long, value_name = "DATETIME")]
        since: Option<String>,
        /// Seconds between the starts of two polls (above 0, at most 86400).
        #[arg(long, default_value_t = 30.0, value_name = "SECONDS")]
        interval: f64,
        /// Seconds behind the newest change a late record is still caught
        /// (0 to 86400).
        #[arg(long, default_value_t = 120.0, value_name = "SECONDS")]
        overlap: f64,
        /// Keep the cursor in FILE: resumed from when present (then
        /// --since is not used); written at start, after every poll, and
        /// while printing (at least every second, and after the last line).
        #[arg(long, value_name = "FILE")]
        cursor: Option<std::path::PathBuf>,
        /// A filter, KEY=VALUE (repeatable): actions need ticket_id=ID.
        #[arg(long = "query", value_name = "KEY=VALUE")]
        query: Vec<String>,
    },
    /// Upload a file to a record: `halo attach tickets 42 invoice.pdf`.
    Attach {
        /// tickets (the record kind the attachment belongs to)
        resource: String,
        id: i64,
        file: std::path::PathBuf,
    },
    /// Save an attachment to a file: `halo download attachment 7 [FILE]`
    /// (default: Halo's file name made safe, in the current directory; an
    /// existing file of that name is not replaced without --force).
    Download {
        /// attachment
        what: String,
        id: i64,
        /// A file (replaced if it exists) or a directory.
        file: Option<std::path::PathBuf>,
        /// Replace a file that has Halo's name.
        #[arg(long)]
        force: bool,
    },
    /// The profiles of the config file and their hosts (never a secret).
    Profiles,
    /// Run report SQL without saving it; one row per line.
    Report {
        #[arg(long)]
        sql: String,
    },
    /// Any request: `halo request GET /Tickets/11`.
    Request {
        method: String,
        path: String,
        #[arg(long = "query", value_name = "KEY=VALUE")]
        query: Vec<String>,
        /// JSON body from a file, or - for stdin.
        #[arg(long)]
        body: Option<String>,
    },
}

enum Failure {
    Usage(String),
    Halo(HaloError),
    /// Writing stdout or a file failed.
    Io(String, std::io::Error),
}

fn stdout_error(e: std::io::Error) -> Failure {
    Failure::Io("writing stdout".into(), e)
}

impl From<HaloError> for Failure {
    fn from(e: HaloError) -> Self {
        match e {
            HaloError::Config { .. } => Failure::Usage(e.to_string()),
            e => Failure::Halo(e),
        }
    }
}

/// A tracing subscriber on stderr: RUST_LOG, else WARN (INFO with -v,
/// DEBUG with -vv).
fn log_to_stderr(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ =
        tracing_subscriber::fmt().with_writer(std::io::stderr).with_env_filter(filter).with_target(false).try_init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    log_to_stderr(cli.verbose);
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("halo: {e}");
            return ExitCode::from(1);
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(m)) => {
            eprintln!("halo: {m}");
            ExitCode::from(2)
        }
        Err(Failure::Halo(e)) => {
            eprintln!("halo: {e}");
            ExitCode::from(1)
        }
        // The reader went away (`halo list tickets | head -1`): done.
        Err(Failure::Io(_, e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Failure::Io(what, e)) => {
            eprintln!("halo: {what}: {e}");
            ExitCode::from(1)
        }
    }
}

/// The settings: flags, then `HALO_*` variables, then the profile
/// (`--profile` or `HALO_PROFILE`), whose secret goes to its own hosts only.
fn config(cli: &Cli) -> Result<HaloConfig, Failure> {
    let flag = |key: &str| -> Option<String> {
        match key {
            "HALO_HOST" => cli.host.clone(),
            "HALO_AUTH_HOST" => cli.auth_host.clone(),
            "HALO_TENANT" => cli.tenant.clone(),
            "HALO_ON_PREM" => cli.on_prem.then(|| "true".to_string()),
            "HALO_CLIENT_ID" => cli.client_id.clone(),
            "HALO_CLIENT_SECRET" => cli.client_secret.clone(),
            "HALO_SCOPE" => cli.scope.clone(),
            _ => None,
        }
    };
    let lookup = |key: &str| flag(key).or_else(|| std::env::var(key).ok());
    let profile = cli.profile.clone().or_else(|| std::env::var("HALO_PROFILE").ok()).filter(|p| !p.trim().is_empty());
    let mut c = match profile {
        Some(name) => Profiles::load_default()?.config(&name, lookup)?,
        None => HaloConfig::from_lookup(lookup)?,
    };
    if let Some(r) = &cli.rate_limit {
        c.rate_limit = RateLimit::parse("--rate-limit", r)?;
    }
    Ok(c)
}

fn resource(name: &str) -> Result<&'static Resource, Failure> {
    Resource::named(name).ok_or_else(|| {
        let known: Vec<String> = RESOURCES.iter().map(|r| r.name.replace('_', "-")).collect();
        Failure::Usage(format!("unknown resource `{name}`; one of: {}", known.join(", ")))
    })
}

fn pairs(query: &[String]) -> Result<Vec<(String, String)>, Failure> {
    query
        .iter()
        .map(|q| {
            q.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| Failure::Usage(format!("--query `{q}` is not KEY=VALUE")))
        })
        .collect()
}

fn read_json(source: Option<&str>) -> Result<Value, Failure> {
    let mut text = String::new();
    match source {
        None | Some("-") => std::io::stdin().read_to_string(&mut text).map(|_| ()),
        Some(f) => std::fs::read_to_string(f).map(|t| text = t),
    }
    .map_err(|e| Failure::Usage(format!("reading {}: {e}", source.unwrap_or("stdin"))))?;
    serde_json::from_str(&text).map_err(|e| Failure::Usage(format!("{} is not JSON: {e}", source.unwrap_or("stdin"))))
}

/// One JSON value and a newline, written straight into the buffered stdout.
fn emit(out: &mut impl Write, v: &Value, pretty: bool) -> Result<(), Failure> {
    let written = if pretty { serde_json::to_writer_pretty(&mut *out, v) } else { serde_json::to_writer(&mut *out, v) };
    written.map_err(std::io::Error::from).and_then(|()| out.write_all(b"\n")).map_err(stdout_error)
}

/// Records, total when known, rate: on stderr, only when it is a terminal.
fn progress() -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {pos}{len} records, {per_sec}")
            .expect("a valid template")
            .with_key("len", |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                if let Some(n) = s.len() {
                    let _ = write!(w, " of {n}");
                }
            }),
    );
    Some(bar)
}

/// A number of seconds from the command line: finite, within `lowest..=86400`
/// (above `lowest` when `above`).
fn seconds(flag: &str, value: f64, lowest: f64, above: bool) -> Result<std::time::Duration, Failure> {
    let ok = value.is_finite() && value <= 86_400.0 && if above { value > lowest } else { value >= lowest };
    if !ok {
        let range = if above { format!("above {lowest}") } else { format!("from {lowest}") };
        return Err(Failure::Usage(format!("{flag} {value}: give a number of seconds {range}, at most 86400")));
    }
    Ok(std::time::Duration::from_secs_f64(value))
}

/// Whether a failed poll is worth waiting out (network, 429, 5xx, a token
/// request that failed on the network or with 5xx/429, an answer that did
/// not decode) or ends the watch (bad credentials, bad usage, 4xx).
fn transient(e: &HaloError) -> bool {
    match e {
        HaloError::Transport { .. } | HaloError::RateLimited { .. } | HaloError::Decode { .. } => true,
        HaloError::ResponseTooLarge { .. } => true,
        HaloError::Api { status, .. } => matches!(status, 408 | 429 | 500..),
        HaloError::Auth { status, .. } => matches!(status, 0 | 429 | 500..),
        _ => false,
    }
}

/// `halo watch`: the feed's changes as lines, flushed one by one, until
/// SIGINT or SIGTERM (exit 0). A failed poll that a later one may not meet
/// (see [`transient`]) is reported on stderr and waited out with backoff
/// (doubling from the interval, at most 5 minutes); any other ends the
/// watch. The cursor file is written at start, after every poll (so a
/// restart misses nothing, even with no change yet), and while printing.
#[allow(clippy::too_many_arguments)]
async fn watch(
    halo: &HaloClient,
    resource: &Resource,
    since: Option<String>,
    interval: f64,
    overlap: f64,
    cursor_file: Option<std::path::PathBuf>,
    query: Vec<(String, String)>,
    out: &mut impl Write,
) -> Result<(), Failure> {
    use halo_api_ext::changes::{Cursor, parse_time};
    use std::time::{Duration, Instant};
    let interval = seconds("--interval", interval, 0.0, true)?;
    let overlap = seconds("--overlap", overlap, 0.0, false)?;
    let saved = match &cursor_file {
        Some(f) if f.exists() => {
            let text =
                std::fs::read_to_string(f).map_err(|e| Failure::Usage(format!("--cursor {}: {e}", f.display())))?;
            Some(serde_json::from_str::<Cursor>(&text).map_err(|e| {
                Failure::Usage(format!(
                    "--cursor {}: not a cursor halo wrote ({e}); move it away to start anew",
                    f.display()
                ))
            })?)
        }
        _ => None,
    };
    let cursor = match (saved, since) {
        (Some(c), _) => c,
        (None, Some(s)) => Cursor::since(parse_time(&s).ok_or_else(|| {
            Failure::Usage(format!(
                "--since `{s}` is not a date-time: write 2025-04-01T09:00:00 (UTC) or add an offset"
            ))
        })?),
        (None, None) => Cursor::now(),
    };
    let mut feed = resource.changes(halo, cursor).map_err(|e| Failure::Usage(e.to_string()))?.overlap(overlap);
    for (k, v) in query {
        feed = feed.map_list(|l| l.filter(k, v));
    }
    let stop = interrupted().map_err(|e| Failure::Usage(format!("cannot watch for Ctrl-C: {e}")))?;
    tokio::pin!(stop);
    let save = |cursor: &Cursor| {
        let file = cursor_file.clone();
        let text = serde_json::to_vec(cursor);
        async move {
            let Some(f) = file else { return Ok(()) };
            let text = text.map_err(|e| Failure::Usage(format!("--cursor: {e}")))?;
            halo_api_ext::attachments::write_atomically(&f, &text)
                .await
                .map_err(|e| Failure::Io(format!("--cursor {}", f.display()), e))
        }
    };
    save(feed.cursor()).await?;
    let mut failures = 0u32;
    loop {
        let started = tokio::time::Instant::now();
        let polled = tokio::select! {
            biased;
            () = &mut stop => return Ok(()),
            polled = feed.poll_each() => polled,
        };
        let pause = match polled {
            Ok(mut changes) => {
                failures = 0;
                let mut saved_at = Instant::now();
                while let Some(change) = changes.next() {
                    match change {
                        Ok(c) => {
                            emit(out, &c.record, false)?;
                            out.flush().map_err(stdout_error)?;
                        }
                        // One record that does not decode: said, and passed.
                        Err(e) => eprintln!("halo: {e}"),
                    }
                    // The poll's last line is saved just below, with the poll.
                    let stopping = futures::FutureExt::now_or_never(&mut stop).is_some();
                    if stopping || (changes.remaining() > 0 && saved_at.elapsed() >= Duration::from_secs(1)) {
                        save(changes.cursor()).await?;
                        saved_at = Instant::now();
                    }
                    if stopping {
                        return Ok(());
                    }
                }
                drop(changes);
                save(feed.cursor()).await?;
                interval
            }
            Err(e) if transient(&e) => {
                failures += 1;
                let wait = interval.saturating_mul(1 << (failures - 1).min(10)).min(Duration::from_secs(300));
                eprintln!("halo: {e} (poll {failures} in a row to fail; trying again in {:.0} s)", wait.as_secs_f64());
                wait
            }
            Err(e) => return Err(e.into()),
        };
        tokio::select! {
            biased;
            () = &mut stop => return Ok(()),
            () = tokio::time::sleep_until(started + pause) => {}
        }
    }
}

/// Resolves on SIGINT or SIGTERM (Ctrl-C elsewhere). The handlers are in
/// place when this returns, so a signal from then on is never the default
/// (killing the process mid-line).
fn interrupted() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (mut int, mut term) = (signal(SignalKind::interrupt())?, signal(SignalKind::terminate())?);
        Ok(async move {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        let c = tokio::signal::ctrl_c();
        Ok(async move {
            let _ = c.await;
        })
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if let Command::Profiles = cli.command {
        let profiles = Profiles::load_default()?;
        for (name, host) in profiles.list() {
            emit(&mut out, &serde_json::json!({"profile": name, "host": host}), false)?;
        }
        if profiles.list().next().is_none() {
            eprintln!("halo: no profiles in {}", profiles.path().display());
        }
        return out.flush().map_err(stdout_error);
    }
    let halo = HaloClient::new(config(&cli)?)?;
    match cli.command {
        Command::List { resource: r, query, page_size, max } => {
            let mut list = resource(&r)?.list(&halo).page_size(page_size);
            for (k, v) in pairs(&query)? {
                list = list.filter(k, v);
            }
            if let Some(m) = max {
                list = list.max(m);
            }
            let mut stream = list.stream();
            let bar = progress();
            while let Some(rec) = stream.next().await {
                emit(&mut out, &rec?, false)?;
                if let Some(b) = &bar {
                    if b.length().is_none()
                        && let Some(n) = stream.record_count()
                    {
                        b.set_length(n);
                    }
                    b.inc(1);
                }
            }
            if let Some(b) = bar {
                b.finish_and_clear();
            }
        }
        Command::Get { resource: r, id, query } => {
            let v =
                pairs(&query)?.into_iter().fold(resource(&r)?.get(&halo, id), |get, (k, v)| get.filter(k, v)).await?;
            emit(&mut out, &v, true)?;
        }
        Command::Upsert { resource: r, file } => {
            let records = match read_json(file.as_deref())? {
                Value::Array(a) => a,
                o @ Value::Object(_) => vec![o],
                _ => return Err(Failure::Usage("upsert takes a JSON object or an array of objects".into())),
            };
            let saved = resource(&r)?.upsert(&halo, &records).await?;
            emit(&mut out, &Value::Array(saved), true)?;
        }
        Command::Delete { resource: r, id } => {
            resource(&r)?.delete(&halo, id).await?;
            emit(&mut out, &serde_json::json!({"deleted": id}), true)?;
        }
        Command::Watch { resource: r, since, interval, overlap, cursor, query } => {
            watch(&halo, resource(&r)?, since, interval, overlap, cursor, pairs(&query)?, &mut out).await?;
        }
        Command::Profiles => unreachable!("answered above"),
        Command::Attach { resource: r, id, file } => {
            if r != "tickets" {
                return Err(Failure::Usage(format!(
                    "attach: `{r}`: files attach to tickets (halo attach tickets ID FILE)"
                )));
            }
            let saved = halo.attach_file(id, &file).await.map_err(|e| match e {
                HaloError::InvalidRequest(m) => Failure::Usage(m),
                // The file the user named cannot be read: their input.
                e @ HaloError::Io { .. } => Failure::Usage(e.to_string()),
                e => e.into(),
            })?;
            emit(
                &mut out,
                &serde_json::json!({"attachment": saved.id, "ticket": id, "filename": saved.filename}),
                false,
            )?;
        }
        Command::Download { what, id, file, force } => {
            if what != "attachment" {
                return Err(Failure::Usage(format!("download: `{what}`: only an attachment can be downloaded")));
            }
            let path = halo.download_attachment(id, file.as_deref(), force).await.map_err(|e| match e {
                HaloError::InvalidRequest(m) => Failure::Usage(m),
                e => e.into(),
            })?;
            emit(&mut out, &serde_json::json!({"attachment": id, "path": path}), false)?;
        }
        Command::Report { sql } => {
            for row in halo.preview_report(&sql).await? {
                emit(&mut out, &Value::Object(row), false)?;
            }
        }
        Command::Request { method, path, query, body } => {
            let m = reqwest::Method::from_bytes(method.to_ascii_uppercase().as_bytes())
                .map_err(|_| Failure::Usage(format!("`{method}` is not an HTTP method")))?;
            let mut req = halo.request(m, &path);
            for (k, v) in pairs(&query)? {
                req = req.query(k, v);
            }
            if let Some(b) = body {
                req = req.json(read_json(Some(&b))?)?;
            }
            emit(&mut out, &req.send().await?, true)?;
        }
    }
    out.flush().map_err(stdout_error)
}
