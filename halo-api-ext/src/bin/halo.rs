//! `halo`: Halo's API from the command line, over halo-api-ext.
//!
//! Data on stdout (list and report: one JSON record per line), messages on
//! stderr. Exit 0 on success, 1 on an API or network error, 2 on bad usage
//! or config.

use clap::{Parser, Subcommand};
use futures::StreamExt;
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
}

impl From<HaloError> for Failure {
    fn from(e: HaloError) -> Self {
        match e {
            HaloError::Config { .. } => Failure::Usage(e.to_string()),
            e => Failure::Halo(e),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
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
    }
}

fn config(cli: &Cli) -> Result<HaloConfig, Failure> {
    let mut c = HaloConfig::from_env()?;
    if let Some(h) = &cli.host {
        c.host = h.clone();
    }
    if let Some(a) = &cli.auth_host {
        c.auth_host = Some(a.clone());
    }
    if let Some(t) = &cli.tenant {
        c.tenant = Some(t.clone());
    }
    if cli.on_prem {
        c.on_prem = true;
    }
    if let Some(i) = &cli.client_id {
        c.client_id = i.clone();
    }
    if let Some(s) = &cli.client_secret {
        c.client_secret = s.clone().into();
    }
    if let Some(s) = &cli.scope {
        c.scope = s.clone();
    }
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
    written
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .map_err(|e| Failure::Usage(format!("writing stdout: {e}")))
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

async fn run(cli: Cli) -> Result<(), Failure> {
    let halo = HaloClient::new(config(&cli)?)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
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
    out.flush().map_err(|e| Failure::Usage(format!("writing stdout: {e}")))
}
