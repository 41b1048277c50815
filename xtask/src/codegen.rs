//! `cargo xtask codegen`: fetch, verify, patch, write.

use crate::fetch::{self, Fetched};
use crate::lock::{Document, Generated, Lock};
use crate::patches::{self, Report};
use crate::stats;
use anyhow::{Context as _, Result, bail};
use serde_json::Value;
use std::path::PathBuf;

#[derive(Debug, Default)]
pub struct Options {
    /// `--from URL|PATH`.
    pub from: Option<String>,
    /// `--update`: accept a document whose sha256 differs from the lock.
    pub update: bool,
    /// `--check`: write nothing; fail when the patched document on disk is not
    /// what the source, lock and patches produce.
    pub check: bool,
    /// Where to write the patched document (default: [`crate::patched_path`]).
    pub out: Option<PathBuf>,
    /// The lock (default: [`crate::lock_path`]).
    pub lock: Option<PathBuf>,
}

pub use halo_patches::{Patched, parse};

/// Parses Halo's raw document and applies every patch, with the workspace's
/// spec/resources.toml.
pub fn patch_bytes(bytes: &[u8]) -> Result<Patched> {
    halo_patches::patch(bytes, crate::resources::load(&crate::resources_path())?)
}

fn lock_for(fetched: &Fetched, raw: &Value, patched: &Value, report: &Report) -> Lock {
    let s = |p: &str| raw.pointer(p).and_then(Value::as_str).unwrap_or("").to_string();
    let counts = stats::counts(patched);
    Lock {
        document: Document {
            sha256: fetched.sha256.clone(),
            size: fetched.bytes.len() as u64,
            openapi: s("/openapi"),
            info_title: s("/info/title"),
            info_version: s("/info/version"),
        },
        counts: stats::counts(raw),
        generated: Generated {
            operations: counts.operations,
            schemas: counts.schemas,
            excluded: report.excluded.clone(),
        },
    }
}

/// The patched document as written to disk (see [`halo_patches::render`]).
pub fn render(doc: Value, fetched: &Fetched) -> Result<String> {
    halo_patches::render(doc, &fetched.sha256, &crate::resources::load(&crate::resources_path())?)
}

/// A short name for a source in a changelog: its file or URL and sha256.
pub fn label(f: &Fetched) -> String {
    let name = f.source.rsplit('/').next().unwrap_or(&f.source);
    format!("{name} ({})", &f.sha256[..12])
}

/// What changed between two documents. `raw`: compare them as Halo
/// publishes them; otherwise through our patches, as halo-api sees them.
pub fn diff_bytes(old_name: &str, old: &[u8], new_name: &str, new: &[u8], raw: bool) -> Result<crate::diff::Diff> {
    if raw {
        return Ok(crate::diff::diff(old_name, &parse(old)?, new_name, &parse(new)?));
    }
    let (a, b) = (patch_bytes(old)?, patch_bytes(new)?);
    let mut d = crate::diff::diff(old_name, &a.doc, new_name, &b.doc);
    d.patches = crate::diff::patch_changes(&a.report, &b.report);
    crate::diff::excluded_operations(&mut d, &parse(old)?, &parse(new)?, &a.report, &b.report);
    Ok(d)
}

/// `cargo xtask spec-diff OLD NEW`.
pub fn spec_diff(old: &str, new: &str, json: bool, raw: bool) -> Result<()> {
    let (a, b) = (fetch::fetch(old)?, fetch::fetch(new)?);
    let d = diff_bytes(&label(&a), &a.bytes, &label(&b), &b.bytes, raw)?;
    let text = if json { serde_json::to_string_pretty(&d)? + "\n" } else { d.markdown() };
    use std::io::Write as _;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// The changelog from the locked document to `fetched`, when the locked one
/// was seen on this machine (target/halo-spec keeps every document codegen read).
fn changelog_since(lock: &Lock, fetched: &Fetched) -> Option<crate::diff::Diff> {
    let old = std::fs::read(crate::cache_dir().join(format!("{}.json", lock.document.sha256))).ok()?;
    let old_name = format!("the locked document ({})", &lock.document.sha256[..12]);
    diff_bytes(&old_name, &old, &label(fetched), &fetched.bytes, false).ok()
}

pub fn run(opts: Options) -> Result<()> {
    let source = fetch::resolve_source(opts.from.as_deref());
    eprintln!("source: {source}");
    let fetched = fetch::fetch(&source)?;
    let raw = parse(&fetched.bytes)?;
    let Patched { doc, report } = patch_bytes(&fetched.bytes)?;

    // progenitor reads the document through openapiv3: make sure it can.
    let _: openapiv3::OpenAPI = serde_json::from_value(doc.clone())
        .context("the patched document is not valid OpenAPI 3.0 for openapiv3 (progenitor's reader)")?;

    let new_lock = lock_for(&fetched, &raw, &doc, &report);
    let lock_path = opts.lock.clone().unwrap_or_else(crate::lock_path);
    let old_lock = Lock::read(&lock_path)?;
    remember(&fetched);

    let in_ops = stats::counts(&raw).operations;
    eprintln!("operations in Halo's document: {in_ops}");
    eprintln!("patches:");
    eprint!("{}", report.render());
    eprintln!("operations generated: {} of {in_ops}", new_lock.generated.operations);
    if !report.excluded.is_empty() {
        eprintln!("not generated ({}):", report.excluded.len());
        for e in &report.excluded {
            eprintln!("  {} {}: {}", e.method, e.path, e.reason);
        }
    }
    patches::check_stale(&report)?;

    let changelog =
        old_lock.as_ref().filter(|l| l.document.sha256 != fetched.sha256).and_then(|l| changelog_since(l, &fetched));
    match &old_lock {
        Some(old) if old.document.sha256 == fetched.sha256 => {}
        Some(old) if !opts.update => {
            let what = match &changelog {
                Some(d) => {
                    let breaking: Vec<String> = d
                        .markdown()
                        .lines()
                        .filter(|l| l.contains("**BREAKING**"))
                        .take(20)
                        .map(String::from)
                        .collect();
                    format!("  {}\n{}\n", d.summary(), breaking.join("\n"))
                }
                None => {
                    "  (the locked document is not in target/halo-spec: compare with `cargo xtask spec-diff OLD NEW`)\n"
                        .into()
                }
            };
            bail!(
                "Halo's document differs from spec/halo.lock:\n{}{what}\
                 Review what changed (cargo xtask spec-diff OLD NEW), then accept it with\n  \
                 cargo xtask codegen --update{}",
                old.summary_against(&new_lock),
                opts.from.as_ref().map(|f| format!(" --from {f}")).unwrap_or_default()
            )
        }
        None if !opts.update => {
            bail!("spec/halo.lock is missing: accept this document with `cargo xtask codegen --update`")
        }
        _ => {}
    }

    let out = opts.out.clone().unwrap_or_else(crate::patched_path);
    let text = render(doc, &fetched)?;
    if opts.check {
        let on_disk = std::fs::read_to_string(&out).unwrap_or_default();
        if on_disk != text {
            bail!(
                "{} is not what the current source, lock and patches produce: run `cargo xtask codegen`",
                out.display()
            );
        }
        if old_lock.as_ref() != Some(&new_lock) {
            bail!(
                "spec/halo.lock is not what codegen would write for this document (its counts, or what is \
                 generated, changed): run `cargo xtask codegen --update`"
            );
        }
        eprintln!("check: {} is up to date", out.display());
        return Ok(());
    }

    if opts.update && old_lock.as_ref() != Some(&new_lock) {
        new_lock.write(&lock_path)?;
        eprintln!("wrote {}", lock_path.display());
        if let Some(d) = &changelog {
            let path = crate::workspace_root().join("spec").join("CHANGELOG.md");
            let mut text = std::fs::read_to_string(&path).unwrap_or_else(|_| {
                "# Halo API changes\n\nAppended by `cargo xtask codegen --update`, as halo-api sees them (after our patches).\n\n".into()
            });
            text.push_str(&d.markdown());
            std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
            eprintln!("appended the changelog to {} ({})", path.display(), d.summary());
        }
    }
    write_if_changed(&out, &text)?;
    eprintln!("wrote {} ({} bytes)", out.display(), text.len());
    Ok(())
}

/// Writes only when the content changes, so cargo does not rebuild halo-api
/// for an identical document.
fn write_if_changed(path: &std::path::Path, text: &str) -> Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|t| t == text) {
        return Ok(());
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// Keeps a copy of each raw document seen, by sha256, under target/ so that
/// a later, changed document can be compared with it.
fn remember(fetched: &Fetched) {
    let dir = crate::cache_dir();
    let path = dir.join(format!("{}.json", fetched.sha256));
    if !path.exists() {
        let _ = std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(&path, &fetched.bytes));
    }
}
