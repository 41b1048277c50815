//! `halo`: Halo's API from the shell, over halo-api-ext's public API.
//!
//! Data on stdout, messages on stderr. Lists come out as a table on a
//! terminal and as NDJSON (one JSON object per line) otherwise; `--output
//! ndjson|json|table|csv` and `--fields` choose. Exit 0 on success (and
//! when stdout is closed early: `| head`), 1 on an API, network or I/O
//! error (or a failed `doctor` check), 2 on bad usage or config, with
//! nothing sent. `tracing` events go to stderr: WARN and above by default
//! (waits for the rate limit or a Retry-After), `-v` INFO, `-vv` DEBUG, or
//! `RUST_LOG`.

mod columns;
mod configure;
mod doctor;
mod files;
mod names;
mod output;
mod watch;

use clap::{CommandFactory, Parser, Subcommand};
use futures::StreamExt;
use halo_api_ext::profiles::Profiles;
use halo_api_ext::{CustomFields, CustomFieldsExt, HaloClient, HaloConfig, HaloError, RateLimit};
use output::{Format, Sink, object, stdout_error};
use serde_json::Value;
use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "halo",
    version,
    about = "Halo's REST API (HaloPSA, HaloITSM, HaloCRM) from the shell",
    after_help = "Settings: flags, else HALO_* variables, else a profile (`halo configure`). \
                  `halo resources` lists every resource and list; `halo doctor` checks a connection."
)]
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
    /// A [profiles.NAME] table of halo/config.toml (`halo configure` writes
    /// one); flags and variables beat it [env: HALO_PROFILE]
    #[arg(long, global = true, value_name = "NAME")]
    profile: Option<String>,
    /// Records as: ndjson, json, table or csv [default: table for lists on
    /// a terminal, else ndjson; json for `get`] [env: HALO_OUTPUT]
    #[arg(short, long, global = true, value_enum, env = "HALO_OUTPUT")]
    output: Option<Format>,
    /// Only these fields, in this order (and the columns of a table or CSV)
    #[arg(long, global = true, value_name = "A,B,C")]
    fields: Option<String>,
    /// More on stderr: -v for INFO events (retries, budget changes), -vv for
    /// DEBUG; RUST_LOG overrides (default: WARN and above)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

/// `--query` (checked against the operation's parameters) and
/// `--raw-query` (sent as given).
#[derive(clap::Args, Clone, Debug, Default)]
pub struct QueryArgs {
    /// A filter, KEY=VALUE (repeatable): KEY must be one of the operation's
    /// parameters (`halo resources NAME` lists them)
    #[arg(long = "query", value_name = "KEY=VALUE")]
    query: Vec<String>,
    /// A parameter sent as given, unchecked, KEY=VALUE (repeatable)
    #[arg(long = "raw-query", value_name = "KEY=VALUE")]
    raw_query: Vec<String>,
}

/// The pairs of [`QueryArgs`], split and not yet checked.
#[derive(Debug, Default)]
pub struct Query {
    checked: Vec<(String, String)>,
    raw: Vec<(String, String)>,
}

impl QueryArgs {
    fn pairs(&self) -> Result<Query, Failure> {
        Ok(Query { checked: names::pairs("--query", &self.query)?, raw: names::pairs("--raw-query", &self.raw_query)? })
    }
}

#[derive(Subcommand)]
enum Command {
    /// Every record of a list (a resource, or any list Halo pages).
    List {
        #[arg(value_parser = names::list_values())]
        name: String,
        #[command(flatten)]
        query: QueryArgs,
        #[arg(long, default_value_t = 100)]
        page_size: u32,
        /// Stop after this many records.
        #[arg(long)]
        max: Option<u64>,
    },
    /// One record by id.
    Get {
        #[arg(value_parser = names::resource_values())]
        resource: String,
        id: i64,
        #[command(flatten)]
        query: QueryArgs,
    },
    /// Create or update records: a JSON object or array from FILE or stdin
    /// (an `id` updates).
    Upsert {
        #[arg(value_parser = names::resource_values())]
        resource: String,
        file: Option<String>,
        /// Print the request (method, URL, body) and send nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Delete records by id: asks first on a terminal; --yes otherwise.
    Delete {
        #[arg(value_parser = names::resource_values())]
        resource: String,
        #[arg(required = true, num_args = 1..)]
        ids: Vec<i64>,
        /// Delete without asking (needed when stdin is not a terminal).
        #[arg(long, short)]
        yes: bool,
    },
    /// New and updated records as they change, until interrupted (Ctrl-C:
    /// exit 0 after the line being written). NDJSON, or --output csv.
    Watch {
        #[arg(value_parser = names::feed_values())]
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
        /// (actions need --query ticket_id=ID)
        #[command(flatten)]
        query: QueryArgs,
    },
    /// Add a note to a ticket: `halo note 42 "Called the user"`.
    Note {
        ticket: i64,
        text: String,
        /// The action's outcome (its type in Halo) [default: Note]
        #[arg(long)]
        outcome: Option<String>,
        /// Hidden from the end user.
        #[arg(long)]
        hidden: bool,
        /// Time taken, in hours.
        #[arg(long, value_name = "HOURS")]
        time_taken: Option<f64>,
        /// Move the ticket to this status id.
        #[arg(long, value_name = "STATUS_ID")]
        status: Option<i32>,
        /// The agent the note is from (who_agent_id).
        #[arg(long, value_name = "AGENT_ID")]
        agent: Option<i32>,
        /// TEXT is HTML.
        #[arg(long)]
        html: bool,
    },
    /// Read or change one custom field of a record, the others untouched.
    #[command(subcommand)]
    Field(FieldCommand),
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
    /// Every resource and list, or one's parameters: `halo resources tickets`.
    Resources {
        #[arg(value_parser = names::list_values())]
        name: Option<String>,
    },
    /// Check the settings, token, clock, API user and read access.
    Doctor,
    /// Ask for the six settings, check them, and save them as a profile.
    Configure,
    /// The profiles of the config file and their hosts (never a secret).
    Profiles,
    /// Run report SQL without saving it; one row per record.
    Report {
        #[arg(long)]
        sql: String,
    },
    /// Any request: `halo request GET /Tickets/11`.
    Request {
        method: String,
        path: String,
        /// A query parameter, KEY=VALUE (repeatable, sent as given).
        #[arg(long = "query", value_name = "KEY=VALUE")]
        query: Vec<String>,
        /// JSON body from a file, or - for stdin.
        #[arg(long)]
        body: Option<String>,
    },
    /// Shell completions: `halo completions bash > /etc/bash_completion.d/halo`.
    Completions { shell: clap_complete::Shell },
}

#[derive(Subcommand)]
enum FieldCommand {
    /// A custom field's value: `halo field get tickets 42 CFDepartment`.
    Get {
        #[arg(value_parser = names::resource_values())]
        resource: String,
        id: i64,
        /// The field's name, label or id.
        name: String,
    },
    /// Set one custom field: `halo field set tickets 42 CFDepartment=Finance`
    /// (VALUE is JSON when it reads as JSON: 42, true, null, "quoted"; else text).
    Set {
        #[arg(value_parser = names::resource_values())]
        resource: String,
        id: i64,
        #[arg(value_name = "NAME=VALUE")]
        assignment: String,
    },
}

#[derive(Debug)]
pub enum Failure {
    Usage(String),
    Halo(HaloError),
    /// Writing stdout or a file failed.
    Io(String, std::io::Error),
    /// Failed, and said so on stdout already (`doctor`): exit 1.
    Quiet,
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
        Err(Failure::Quiet) => ExitCode::from(1),
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
    let mut c = match profile_name(cli) {
        Some(name) => Profiles::load_default()?.config(&name, lookup)?,
        None => HaloConfig::from_lookup(lookup)?,
    };
    if let Some(r) = &cli.rate_limit {
        c.rate_limit = RateLimit::parse("--rate-limit", r)?;
    }
    Ok(c)
}

fn profile_name(cli: &Cli) -> Option<String> {
    cli.profile.clone().or_else(|| std::env::var("HALO_PROFILE").ok()).filter(|p| !p.trim().is_empty())
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

/// Records, total when known, rate: on stderr, only when it is a terminal.
fn progress() -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    let style = indicatif::ProgressStyle::with_template("{spinner} {pos}{len} records, {per_sec}")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner())
        .with_key("len", |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            if let Some(n) = s.len() {
                let _ = write!(w, " of {n}");
            }
        });
    bar.set_style(style);
    Some(bar)
}

/// The format: `--output`, else `tty` on a terminal and ndjson otherwise.
fn format(cli_output: Option<Format>, tty: Format) -> Format {
    cli_output.unwrap_or(if std::io::stdout().is_terminal() { tty } else { Format::Ndjson })
}

/// The ids, confirmed: `--yes`, or a yes on a terminal. Otherwise bad
/// usage, and nothing is sent.
fn confirm_delete(what: &str, ids: &[i64], yes: bool, host: &str) -> Result<(), Failure> {
    if yes {
        return Ok(());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Err(Failure::Usage(format!(
            "delete: no terminal to confirm on, so nothing was deleted: add --yes to delete {what} {list}"
        )));
    }
    let prompt = format!("Delete {what} {list} on {host}?");
    let sure = dialoguer::Confirm::new()
        .with_prompt(prompt)
        .default(false)
        .interact()
        .map_err(|e| Failure::Usage(format!("delete: {e}")))?;
    if sure { Ok(()) } else { Err(Failure::Usage("delete: not confirmed; nothing was deleted".into())) }
}

/// `VALUE` of `halo field set`: JSON when it reads as JSON, else text.
fn field_value(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let fields = cli.fields.as_deref().map(output::parse_fields).transpose()?;
    let sink =
        |out, tty: Format, columns: Option<&[&str]>| Sink::new(out, format(cli.output, tty), fields.clone(), columns);
    match &cli.command {
        Command::Profiles => {
            let profiles = Profiles::load_default()?;
            let mut s = sink(&mut out, Format::Table, Some(&["profile", "host"]));
            for (name, host) in profiles.list() {
                s.record(&object([("profile", name.into()), ("host", host.into())]))?;
            }
            if profiles.list().next().is_none() {
                eprintln!("halo: no profiles in {}", profiles.path().display());
            }
            return s.finish();
        }
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            clap_complete::generate(*shell, &mut cmd, "halo", &mut out);
            return out.flush().map_err(stdout_error);
        }
        Command::Resources { name } => {
            let columns: &[&str] =
                if name.is_some() { &["command", "parameter"] } else { &["name", "path", "commands", "feed"] };
            return resources(name.as_deref(), sink(&mut out, Format::Table, Some(columns)));
        }
        Command::Configure => {
            let name = profile_name(&cli).unwrap_or_else(|| "default".into());
            return configure::run(&name, &mut out).await;
        }
        Command::Doctor => return doctor::run(config(&cli), &mut out).await,
        _ => {}
    }
    let halo = HaloClient::new(config(&cli)?)?;
    match cli.command {
        Command::List { name, query, page_size, max } => {
            let q = query.pairs()?;
            let (list, columns) = match names::list(&name)? {
                names::Listed::Paged(l) => (l.list(&halo), columns::of(l.name)),
                names::Listed::Resource(r) => (r.list(&halo), columns::of(r.name)),
            };
            names::check_query(list.operation_id(), list.parameters(), &q.checked, true)?;
            let mut list = list.page_size(page_size);
            for (k, v) in q.checked.into_iter().chain(q.raw) {
                list = list.filter(k, v);
            }
            if let Some(m) = max {
                list = list.max(m);
            }
            let mut s = sink(&mut out, Format::Table, columns);
            let mut stream = list.stream();
            let bar = progress();
            while let Some(rec) = stream.next().await {
                s.record(&rec?)?;
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
            s.finish()?;
        }
        Command::Get { resource, id, query } => {
            let r = names::resource(&resource)?;
            let q = query.pairs()?;
            let get = r.get(&halo, id);
            names::check_query(get.operation_id(), get.parameters(), &q.checked, false)?;
            let v = q.checked.into_iter().chain(q.raw).fold(get, |get, (k, v)| get.filter(k, v)).await?;
            Sink::new(&mut out, cli.output.unwrap_or(Format::Json), fields.clone(), columns::of(r.name)).single(&v)?;
        }
        Command::Upsert { resource, file, dry_run } => {
            let r = names::resource(&resource)?;
            let records = match read_json(file.as_deref())? {
                Value::Array(a) if a.iter().all(Value::is_object) => a,
                o @ Value::Object(_) => vec![o],
                _ => return Err(Failure::Usage("upsert takes a JSON object or an array of objects".into())),
            };
            if dry_run {
                let req = r.upsert_request(&halo, &records)?;
                let body: Value = req
                    .body()
                    .and_then(|b| b.as_bytes())
                    .and_then(|b| serde_json::from_slice(b).ok())
                    .unwrap_or(Value::Null);
                let line = object([
                    ("method", req.method().as_str().into()),
                    ("url", req.url().as_str().into()),
                    ("body", body),
                ]);
                serde_json::to_writer_pretty(&mut out, &line).map_err(std::io::Error::from).map_err(stdout_error)?;
                writeln!(out).map_err(stdout_error)?;
                eprintln!("halo: dry run: nothing was sent");
            } else {
                let saved = r.upsert(&halo, &records).await?;
                let mut s =
                    Sink::new(&mut out, cli.output.unwrap_or(Format::Json), fields.clone(), columns::of(r.name));
                for v in &saved {
                    s.record(v)?;
                }
                s.finish()?;
            }
        }
        Command::Delete { resource, ids, yes } => {
            let r = names::resource(&resource)?;
            let what = if ids.len() == 1 { r.one } else { r.name };
            confirm_delete(&names::cli_name(what), &ids, yes, halo.api_base().host_str().unwrap_or_default())?;
            let mut s = sink(&mut out, Format::Table, Some(&["id", "deleted", "error"]));
            let mut failed = 0;
            for id in ids {
                match r.delete(&halo, id).await {
                    Ok(()) => s.record(&object([("id", id.into()), ("deleted", true.into())]))?,
                    Err(e) => {
                        failed += 1;
                        eprintln!("halo: delete {} {id}: {e}", r.one);
                        let line =
                            object([("id", id.into()), ("deleted", false.into()), ("error", e.to_string().into())]);
                        s.record(&line)?;
                    }
                }
            }
            s.finish()?;
            if failed > 0 {
                return Err(Failure::Quiet);
            }
        }
        Command::Watch { resource, since, interval, overlap, cursor, query } => {
            let r = names::resource(&resource)?;
            let format = cli.output.unwrap_or(Format::Ndjson);
            if !matches!(format, Format::Ndjson | Format::Csv) {
                return Err(Failure::Usage(
                    "watch: --output ndjson or csv (a feed has no end to draw a table at)".into(),
                ));
            }
            let mut s = Sink::new(&mut out, format, fields.clone(), columns::of(r.name));
            let opts = watch::Opts { since, interval, overlap, cursor, query: query.pairs()? };
            watch::watch(&halo, r, opts, &mut s).await?;
            s.finish()?;
        }
        Command::Note { ticket, text, outcome, hidden, time_taken, status, agent, html } => {
            let mut note = halo.add_note(ticket, text);
            if let Some(o) = outcome {
                note = note.outcome(o);
            }
            if html {
                note = note.html();
            }
            if hidden {
                note = note.hidden_from_user(true);
            }
            if let Some(t) = time_taken {
                if !t.is_finite() || t < 0.0 {
                    return Err(Failure::Usage(format!("--time-taken {t}: give hours, 0 or more")));
                }
                note = note.time_taken(t);
            }
            if let Some(st) = status {
                note = note.new_status(st);
            }
            if let Some(a) = agent {
                note = note.agent(a);
            }
            let saved = note.await.map_err(|e| match e {
                HaloError::InvalidRequest(m) => Failure::Usage(m),
                e => e.into(),
            })?;
            let saved = serde_json::to_value(&saved).map_err(|e| Failure::Usage(format!("note: {e}")))?;
            let mut s = sink(&mut out, Format::Table, Some(&["id", "ticket_id", "outcome", "note"]));
            s.record(&saved)?;
            s.finish()?;
        }
        Command::Field(FieldCommand::Get { resource, id, name }) => {
            let r = names::resource(&resource)?;
            let record = r.get(&halo, id).await?;
            let f = record.custom_field(name.as_str()).map_err(usage)?;
            let line = object([
                ("id", f.id.into()),
                ("name", f.name.into()),
                ("label", f.label.into()),
                ("value", f.value.cloned().unwrap_or(Value::Null)),
            ]);
            let mut s = sink(&mut out, Format::Table, Some(&["id", "name", "label", "value"]));
            s.record(&line)?;
            s.finish()?;
        }
        Command::Field(FieldCommand::Set { resource, id, assignment }) => {
            let r = names::resource(&resource)?;
            let (name, value) = assignment
                .split_once('=')
                .filter(|(n, _)| !n.is_empty())
                .ok_or_else(|| Failure::Usage(format!("field set: `{assignment}` is not NAME=VALUE")))?;
            let mut record = r.get(&halo, id).await?;
            record.set_custom_field(name, field_value(value)).map_err(usage)?;
            // The id and the whole array: every other field as Halo sent it.
            let saved = r.upsert(&halo, &[record.only_custom_fields()]).await?;
            let saved = saved.first().ok_or_else(|| Failure::Usage("field set: Halo answered no record".into()))?;
            let f = saved.custom_field(name).ok();
            let line = object([
                ("id", id.into()),
                ("field", name.into()),
                ("value", f.and_then(|f| f.value.cloned()).unwrap_or_else(|| field_value(value))),
            ]);
            let mut s = sink(&mut out, Format::Table, Some(&["id", "field", "value"]));
            s.record(&line)?;
            s.finish()?;
        }
        Command::Attach { resource, id, file } => {
            if resource != "tickets" {
                return Err(Failure::Usage(format!(
                    "attach: `{resource}`: files attach to tickets (halo attach tickets ID FILE)"
                )));
            }
            let saved = halo.attach_file(id, &file).await.map_err(|e| match e {
                HaloError::InvalidRequest(m) => Failure::Usage(m),
                // The file the user named cannot be read: their input.
                e @ HaloError::Io { .. } => Failure::Usage(e.to_string()),
                e => e.into(),
            })?;
            let line =
                object([("attachment", saved.id.into()), ("ticket", id.into()), ("filename", saved.filename.into())]);
            let mut s = sink(&mut out, Format::Ndjson, None);
            s.record(&line)?;
            s.finish()?;
        }
        Command::Download { what, id, file, force } => {
            if what != "attachment" {
                return Err(Failure::Usage(format!("download: `{what}`: only an attachment can be downloaded")));
            }
            let path = halo.download_attachment(id, file.as_deref(), force).await.map_err(|e| match e {
                HaloError::InvalidRequest(m) => Failure::Usage(m),
                e => e.into(),
            })?;
            let line = object([("attachment", id.into()), ("path", path.display().to_string().into())]);
            let mut s = sink(&mut out, Format::Ndjson, None);
            s.record(&line)?;
            s.finish()?;
        }
        Command::Report { sql } => {
            let mut s = sink(&mut out, Format::Table, None);
            for row in halo.preview_report(&sql).await? {
                s.record(&Value::Object(row))?;
            }
            s.finish()?;
        }
        Command::Request { method, path, query, body } => {
            let m = reqwest::Method::from_bytes(method.to_ascii_uppercase().as_bytes())
                .map_err(|_| Failure::Usage(format!("`{method}` is not an HTTP method")))?;
            let mut req = halo.request(m, &path);
            for (k, v) in names::pairs("--query", &query)? {
                req = req.query(k, v);
            }
            if let Some(b) = body {
                req = req.json(read_json(Some(&b))?)?;
            }
            let v = req.send().await?;
            Sink::new(&mut out, cli.output.unwrap_or(Format::Json), fields.clone(), None).single(&v)?;
        }
        Command::Profiles
        | Command::Completions { .. }
        | Command::Resources { .. }
        | Command::Configure
        | Command::Doctor => {}
    }
    Ok(())
}

/// A custom-field error: the user's input (an unknown field, a value of
/// another kind).
fn usage(e: HaloError) -> Failure {
    match e {
        HaloError::InvalidRequest(m) => Failure::Usage(m),
        e => e.into(),
    }
}

/// `halo resources`: one row per list and resource; `halo resources NAME`:
/// the query parameters of its list (and get).
fn resources(name: Option<&str>, mut s: Sink<impl Write>) -> Result<(), Failure> {
    use halo_api_ext::{LISTS, RESOURCES};
    if let Some(name) = name {
        let rows = match names::list(name)? {
            names::Listed::Paged(l) => {
                let mut rows = vec![("list", l.parameters)];
                rows.extend(l.resource().map(|r| ("get", r.get_parameters)));
                rows
            }
            names::Listed::Resource(r) => vec![("list", r.list_parameters), ("get", r.get_parameters)],
        };
        for (command, params) in rows {
            for p in params {
                s.record(&object([("command", command.into()), ("parameter", (*p).into())]))?;
            }
        }
        return s.finish();
    }
    for n in names::all() {
        let list = LISTS.iter().find(|l| l.name == n);
        let resource = RESOURCES.iter().find(|r| r.name == n);
        let path = list.map(|l| l.path).or(resource.map(|r| r.path)).unwrap_or_default();
        let actions = match resource {
            Some(_) => "list get upsert delete",
            None => "list",
        };
        let line = object([
            ("name", names::cli_name(n).into()),
            ("path", path.into()),
            ("commands", actions.into()),
            ("feed", resource.is_some_and(|r| r.changes.is_some()).into()),
        ]);
        s.record(&line)?;
    }
    s.finish()
}
