//! The build: the whole pipeline, configuration → loading → model → Markdown → templates →
//! output, behind a small API. `renkei build` runs it once ([`build`]); `renkei check` runs it
//! writing nothing ([`check`]); `renkei serve` runs its two halves ([`stage`], [`finish`]) again
//! after each change with a [`Cache`].
//!
//! - `pipeline.rs`: the steps, in order, in two functions a screen long each;
//! - `reuse.rs`: what a rebuild takes over from the last one (the incremental rebuilds);
//! - `bodies.rs`: the Markdown step and the resolver of `@/` links;
//! - `pages.rs`: the pages step, and the pages a build keeps;
//! - `generated.rs`: feeds, calendars, open data and the search index;
//! - `write.rs`: the sitemap, robots.txt, photos and static files.

mod bodies;
mod generated;
mod pages;
mod pipeline;
mod reuse;
mod write;

use std::path::Path;
use std::sync::Arc;

use crate::config::{Config, Options};
use crate::diag::{Diagnostic, Diagnostics};
use crate::external::ExternalReport;
use crate::load::Entry;
use crate::markdown;
use crate::output::{DiskOutput, NullOutput, Output};

pub use pipeline::{Staged, finish, stage};
pub use reuse::{Cache, Kept};

/// Why a build stopped; each kind has its own exit code (README, "exit code").
#[derive(Debug)]
pub enum Error {
    /// `site.toml`, the theme folder or the output folder is unusable (exit code 2).
    Setup(Diagnostics),
    /// The content or the templates have problems (exit code 1).
    Content(Diagnostics),
    /// A file of the output could not be written, or the finished output not put in place
    /// (exit code 3): the disk, not the content, needs attention.
    Output(Diagnostics),
    /// `finish` was told to stop (`renkei serve`: a newer change makes this build worthless).
    Cancelled,
}

impl Error {
    /// What to tell the user; nothing for a cancelled build.
    pub fn diagnostics(&self) -> &Diagnostics {
        static NONE: Diagnostics = Diagnostics(Vec::new());
        match self {
            Error::Setup(d) | Error::Content(d) | Error::Output(d) => d,
            Error::Cancelled => &NONE,
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Cancelled => f.write_str(&crate::msg!("build.cancelled")),
            _ => self.diagnostics().fmt(f),
        }
    }
}

impl std::error::Error for Error {}

/// The search index stops when `renkei serve` cancels it, like the other steps.
impl From<crate::search::Cancelled> for Error {
    fn from(_: crate::search::Cancelled) -> Error {
        Error::Cancelled
    }
}

/// What a successful build did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildReport {
    pub pages: usize,
    pub files: usize,
    /// Pages rendered by the templates; the others were unchanged since the cached build.
    pub rendered: usize,
    /// What `check` finds worth a look but allowed: `<script>`, event handlers and
    /// `javascript:` URLs in content, whatever `raw_html` does with them.
    pub warnings: Vec<Diagnostic>,
    /// Image variants encoded by this build.
    pub images_made: usize,
    /// Image variants taken from the image cache (`.renkei-cache/images/`) without decoding.
    pub images_reused: usize,
    /// How long each step took (`renkei serve` prints them when `RENKEI_TRACE` is set).
    pub timings: Timings,
    /// Entries marked `draft: true` left out of the site (none with `--drafts`).
    pub drafts: usize,
}

/// The wall time of each step of a build, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timings(pub Vec<(&'static str, std::time::Duration)>);

impl std::fmt::Display for Timings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> =
            self.0.iter().map(|(stage, took)| format!("{stage} {} ms", took.as_millis())).collect();
        f.write_str(&parts.join(", "))
    }
}

/// Builds the site at `root` into `output`, which changes only when everything succeeded (and
/// then only in the files whose bytes changed).
pub fn build(root: &Path, output: &Path, options: &Options) -> Result<BuildReport, Error> {
    build_with(root, output, options, false)
}

/// `build`; with `clean`, every file is written again (`renkei build --clean`).
pub fn build_with(
    root: &Path,
    output: &Path,
    options: &Options,
    clean: bool,
) -> Result<BuildReport, Error> {
    let config = Config::load(root, options).map_err(|d| Error::Setup(d.into()))?;
    let disk = DiskOutput::prepare(output, clean).map_err(|d| Error::Setup(d.into()))?;
    match build_into(&config, &disk) {
        Ok(report) => {
            disk.commit().map_err(|d| Error::Output(d.into()))?;
            Ok(report)
        }
        Err(error) => {
            disk.abandon();
            Err(error)
        }
    }
}

/// Runs everything `build` does, writing nothing.
pub fn check(root: &Path, options: &Options) -> Result<BuildReport, Error> {
    check_with(root, options, false).map(|(report, _)| report)
}

/// `check`, and with `external` the links to other sites too (`renkei check --external`):
/// redirects become warnings of the build report; broken links are the errors of the external
/// report, which fail the check when there are any (printed after the warnings). The content
/// is loaded once: the build keeps the texts for these checks (`Cache::for_check`).
pub fn check_with(
    root: &Path,
    options: &Options,
    external: bool,
) -> Result<(BuildReport, Option<ExternalReport>), Error> {
    let config = Config::load(root, options).map_err(|d| Error::Setup(d.into()))?;
    let staged = stage(&config, &mut Cache::for_check())?;
    let (mut report, _) = finish(&staged, &NullOutput, &|| false)?;
    let entries: Vec<Entry> = staged.into_entries().into_iter().map(Arc::unwrap_or_clone).collect();
    let mut warnings: Diagnostics = risky_content(&entries).into_iter().collect();
    warnings.extend(std::mem::take(&mut report.warnings));
    report.warnings = warnings.sorted().into_iter().collect();
    if !external {
        return Ok((report, None));
    }
    let mut links = crate::external::check_external(&config, &entries);
    report.warnings.append(&mut links.warnings);
    Ok((report, Some(links)))
}

/// Script in the content, found in the Markdown (the raw-HTML setting may hide it from the
/// output, but an editor should still hear that it is there).
fn risky_content(entries: &[Entry]) -> Vec<Diagnostic> {
    let mut warnings: Diagnostics = entries
        .iter()
        .flat_map(|entry| {
            markdown::risky_html(entry.body())
                .into_iter()
                .map(|(span, message)| entry.error_in_body(span, message))
        })
        .collect();
    warnings = warnings.sorted();
    warnings.into_iter().collect()
}

/// Loads, links, renders and writes the site into `output`.
pub fn build_into(config: &Config, output: &dyn Output) -> Result<BuildReport, Error> {
    let mut cache = Cache::default();
    let report = build_cached(config, output, &mut cache);
    drop_in_background(cache);
    report
}

/// Frees what a build held on another thread: freeing the site, its bodies and the renderer
/// takes 20–30 ms at 10,000 pages, one thread's work that would otherwise come before the
/// output's commit (or the next change in `renkei serve`). A process that ends first lets the
/// system take the memory back.
fn drop_in_background<T: Send + 'static>(value: T) {
    // When the system refuses a thread, `spawn` drops the closure, and the value with it, here.
    let _ = std::thread::Builder::new().name("renkei-free".into()).spawn(move || drop(value));
}

/// `build_into`, reusing what `cache` holds from earlier builds and updating it. The output is
/// byte for byte what `build_into` writes for the same files.
pub fn build_cached(
    config: &Config,
    output: &dyn Output,
    cache: &mut Cache,
) -> Result<BuildReport, Error> {
    let staged = stage(config, cache)?;
    // Nothing cancels this build.
    let (report, kept) = finish(&staged, output, &|| false)?;
    cache.keep(kept);
    drop_in_background(staged);
    Ok(report)
}
