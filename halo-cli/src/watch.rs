//! `halo watch`: a resource's change feed as lines, the cursor kept in a
//! file so that a restart misses nothing.

use crate::Failure;
use crate::output::Sink;
use halo_api_ext::{HaloClient, HaloError, Resource};
use std::io::Write;

/// `halo watch`'s options.
pub struct Opts {
    pub since: Option<String>,
    pub interval: f64,
    pub overlap: f64,
    pub cursor: Option<std::path::PathBuf>,
    pub query: crate::Query,
}

/// A number of seconds from the command line: finite, within `lowest..=86400`
/// (above `lowest` when `above`).
pub fn seconds(flag: &str, value: f64, lowest: f64, above: bool) -> Result<std::time::Duration, Failure> {
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
pub fn transient(e: &HaloError) -> bool {
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
pub async fn watch(
    halo: &HaloClient,
    resource: &Resource,
    opts: Opts,
    out: &mut Sink<impl Write>,
) -> Result<(), Failure> {
    let Opts { since, interval, overlap, cursor: cursor_file, query } = opts;
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
    let list = resource.list(halo);
    crate::names::check_query(list.operation_id(), list.parameters(), &query.checked, true)?;
    for (k, v) in query.checked.into_iter().chain(query.raw) {
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
            crate::files::write_atomically(&f, &text, false)
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
                            out.record(&c.record)?;
                            out.flush()?;
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
