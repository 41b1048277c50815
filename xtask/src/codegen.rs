//! `cargo xtask codegen`: verify, patch, write; with `--update`, fetch first.
//!
//! `spec/` holds Halo's document exactly as fetched (`spec/halo-swagger.json`),
//! pinned by `spec/halo.lock`. A plain run reads that file, never the
//! network: it checks the sha256 against the lock, applies the patches and
//! writes `halo-api/halo.patched.json` for halo-api's build. `--update` is
//! the one step that fetches: it reads Halo's published document (or
//! `--from URL|PATH`), prints what changed against the committed one,
//! replaces it, rewrites the lock and appends the changelog to
//! `spec/CHANGELOG.md`: one command, one reviewable diff.

use crate::fetch::{self, Fetched};
use crate::lock::{Document, Generated, Lock};
use crate::patches::{self, Report};
use crate::stats;
use anyhow::{Context as _, Result, bail};
use serde_json::Value;
use std::path::{Path, PathBuf};

#[derive(Debug, Default)]
pub struct Options {
    /// `--update`: fetch a document and make it the committed one.
    pub update: bool,
    /// `--from URL|PATH` (with `--update`): where to fetch from (default:
    /// `HALO_SPEC_SOURCE`, then Halo's published URL).
    pub from: Option<String>,
    /// `--check`: write nothing; fail when the patched document on disk or
    /// the lock is not what `spec/` and the patches produce.
    pub check: bool,
    /// The folder holding the document, the lock, the resource table and
    /// the changelog (default: [`crate::spec_dir`]).
    pub spec: Option<PathBuf>,
    /// Where to write the patched document (default: [`crate::patched_path`]).
    pub out: Option<PathBuf>,
}

/// The files of a `spec/` folder.
#[derive(Debug, Clone)]
pub struct Spec {
    pub dir: PathBuf,
}

impl Spec {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }
    /// Halo's document, exactly as fetched.
    pub fn document(&self) -> PathBuf {
        self.dir.join(halo_patches::DOCUMENT)
    }
    pub fn lock(&self) -> PathBuf {
        self.dir.join("halo.lock")
    }
    pub fn resources(&self) -> PathBuf {
        self.dir.join("resources.toml")
    }
    pub fn changelog(&self) -> PathBuf {
        self.dir.join("CHANGELOG.md")
    }
}

pub use halo_patches::{Patched, parse};

/// Parses Halo's raw document and applies every patch, with the workspace's
/// spec/resources.toml.
pub fn patch_bytes(bytes: &[u8]) -> Result<Patched> {
    patch_with(bytes, &crate::resources_path())
}

fn patch_with(bytes: &[u8], resources: &Path) -> Result<Patched> {
    halo_patches::patch(bytes, crate::resources::load(resources)?)
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

/// A short name for a source in a changelog: its file or URL and sha256.
pub fn label(f: &Fetched) -> String {
    let name = f.source.rsplit('/').next().unwrap_or(&f.source);
    format!("{name} ({})", &f.sha256[..12])
}

/// What changed between two documents. `raw`: compare them as Halo
/// publishes them; otherwise through our patches, as halo-api sees them.
pub fn diff_bytes(old_name: &str, old: &[u8], new_name: &str, new: &[u8], raw: bool) -> Result<crate::diff::Diff> {
    diff_with(old_name, old, new_name, new, raw, &crate::resources_path())
}

fn diff_with(
    old_name: &str,
    old: &[u8],
    new_name: &str,
    new: &[u8],
    raw: bool,
    resources: &Path,
) -> Result<crate::diff::Diff> {
    if raw {
        return Ok(crate::diff::diff(old_name, &parse(old)?, new_name, &parse(new)?));
    }
    let (a, b) = (patch_with(old, resources)?, patch_with(new, resources)?);
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
    print_quietly(&text)
}

/// Prints to stdout; a closed pipe (`| head`) is not an error.
fn print_quietly(text: &str) -> Result<()> {
    use std::io::Write as _;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// The committed document, checked against the lock.
fn committed(spec: &Spec, lock: Option<&Lock>) -> Result<Fetched> {
    let path = spec.document();
    let bytes = std::fs::read(&path).with_context(|| {
        format!(
            "reading {}: spec/ holds Halo's document (restore it with `git checkout spec/`, or fetch one with \
             `cargo xtask codegen --update`)",
            path.display()
        )
    })?;
    let fetched = Fetched { source: path.display().to_string(), sha256: crate::fetch::sha256_hex(&bytes), bytes };
    let Some(lock) = lock else {
        bail!("{} is missing: accept the document with `cargo xtask codegen --update`", spec.lock().display())
    };
    if lock.document.sha256 != fetched.sha256 {
        bail!(
            "{} has sha256 {}, but {} pins {}: the document was changed by hand.\n\
             Restore it (`git checkout spec/`), or accept it, with its changelog, with\n  \
             cargo xtask codegen --update --from {}",
            path.display(),
            fetched.sha256,
            spec.lock().display(),
            lock.document.sha256,
            path.display()
        );
    }
    Ok(fetched)
}

pub fn run(opts: Options) -> Result<()> {
    if opts.from.is_some() && !opts.update {
        bail!("--from goes with --update: a plain `cargo xtask codegen` reads spec/{}", halo_patches::DOCUMENT);
    }
    let spec = Spec::new(opts.spec.clone().unwrap_or_else(crate::spec_dir));
    let old_lock = Lock::read(&spec.lock())?;
    let (fetched, previous) = if opts.update {
        let source = fetch::resolve_source(opts.from.as_deref());
        eprintln!("fetching: {source}");
        // The committed one may be missing or edited: the update replaces it.
        let previous = std::fs::read(spec.document()).ok().map(|bytes| Fetched {
            source: spec.document().display().to_string(),
            sha256: crate::fetch::sha256_hex(&bytes),
            bytes,
        });
        (fetch::fetch(&source)?, previous)
    } else {
        (committed(&spec, old_lock.as_ref())?, None)
    };
    let raw = parse(&fetched.bytes)?;
    let Patched { doc, report } = patch_with(&fetched.bytes, &spec.resources())?;

    // progenitor reads the document through openapiv3: make sure it can.
    let _: openapiv3::OpenAPI = serde_json::from_value(doc.clone())
        .context("the patched document is not valid OpenAPI 3.0 for openapiv3 (progenitor's reader)")?;

    let new_lock = lock_for(&fetched, &raw, &doc, &report);
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

    let out = opts.out.clone().unwrap_or_else(crate::patched_path);
    let resources = crate::resources::load(&spec.resources())?;
    let text = halo_patches::render(doc, &fetched.sha256, &resources)?;
    if opts.check {
        let on_disk = std::fs::read_to_string(&out).unwrap_or_default();
        if on_disk != text {
            bail!("{} is not what spec/ and the patches produce: run `cargo xtask codegen`", out.display());
        }
        if old_lock.as_ref() != Some(&new_lock) {
            bail!(
                "spec/halo.lock is not what codegen would write for spec/{} (its counts, or what is \
                 generated, changed): run `cargo xtask codegen --update --from spec/{}`",
                halo_patches::DOCUMENT,
                halo_patches::DOCUMENT
            );
        }
        eprintln!("check: {} and {} are up to date", out.display(), spec.lock().display());
        return Ok(());
    }

    if opts.update {
        update(&spec, previous.as_ref(), &fetched, old_lock.as_ref(), &new_lock)?;
    }
    write_if_changed(&out, &text)?;
    eprintln!("wrote {} ({} bytes)", out.display(), text.len());
    Ok(())
}

/// `--update`: the changelog against the committed document (printed and
/// appended to spec/CHANGELOG.md), then the new document and its lock.
fn update(spec: &Spec, previous: Option<&Fetched>, fetched: &Fetched, old: Option<&Lock>, new: &Lock) -> Result<()> {
    match previous {
        Some(p) if p.sha256 == fetched.sha256 => {
            eprintln!("spec/{} is already this document ({})", halo_patches::DOCUMENT, &fetched.sha256[..12]);
        }
        Some(p) => {
            if let Some(old) = old {
                eprint!("{}", old.summary_against(new));
            }
            let old_name = format!("{} ({})", halo_patches::DOCUMENT, &p.sha256[..12]);
            let d = diff_with(&old_name, &p.bytes, &label(fetched), &fetched.bytes, false, &spec.resources())?;
            let md = d.markdown();
            print_quietly(&md)?;
            let path = spec.changelog();
            let mut log = std::fs::read_to_string(&path).unwrap_or_else(|_| CHANGELOG_HEADER.to_string());
            if !log.ends_with("\n\n") {
                log.push('\n');
            }
            log.push_str(&md);
            std::fs::write(&path, log).with_context(|| format!("writing {}", path.display()))?;
            eprintln!("appended the changelog to {} ({})", path.display(), d.summary());
        }
        None => eprintln!("spec/{} was missing: no changelog to write", halo_patches::DOCUMENT),
    }
    if previous.is_none_or(|p| p.sha256 != fetched.sha256) {
        std::fs::write(spec.document(), &fetched.bytes)
            .with_context(|| format!("writing {}", spec.document().display()))?;
        eprintln!("wrote {} ({} bytes, sha256 {})", spec.document().display(), fetched.bytes.len(), fetched.sha256);
    }
    if old != Some(new) {
        new.write(&spec.lock())?;
        eprintln!("wrote {}", spec.lock().display());
    }
    Ok(())
}

/// The head of spec/CHANGELOG.md when `--update` writes the first entry.
pub const CHANGELOG_HEADER: &str = "# Halo API changes\n\n\
What changed in Halo's document between the versions halo-rs was generated from, as halo-api sees it \
(after our patches), newest last. Appended by `cargo xtask codegen --update`; **BREAKING** marks what \
can break code that compiled against the previous version.\n\n";

/// Writes only when the content changes, so cargo does not rebuild halo-api
/// for an identical document.
fn write_if_changed(path: &Path, text: &str) -> Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|t| t == text) {
        return Ok(());
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}
