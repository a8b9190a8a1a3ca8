//! The pipeline as named steps, in the order they run. `stage` loads, links and checks
//! everything the pages are made from; `finish` renders the pages and writes every file.
//! `renkei serve` runs `stage`, answers the pages open in a browser from it (`Staged::page`),
//! then runs `finish` in the background. What a step may take over from the last build it asks
//! the build's [`Reuse`] (`reuse.rs`).

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use super::bodies::{self, BodyJob, ContentLinks};
use super::generated::{Generated, generated_files};
use super::pages::{PagesJob, WrittenPage};
use super::reuse::{self, Cache, Kept, KeptRenderer, Linked, Reuse, Templates};
use super::write::{write_extras, write_images};
use super::{BuildReport, Error, Timings};
use crate::anchors::{AnchorLinks, Published, Unchecked};
use crate::assets::Assets;
use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::images::{self, Images};
use crate::load::{self, Collection, Entry};
use crate::markdown::Bodies;
use crate::model::{NodeId, Route, RouteKind, Site};
use crate::output::{NullOutput, Output};
use crate::render::deps::Fingerprints;
use crate::render::{CommonContext, Renderer};

/// A build up to its pages: the site loaded, linked and checked, its Markdown rendered, its
/// templates parsed. Any page can be rendered from it (`Staged::page`), which lets
/// `renkei serve` answer the pages open in a browser before it renders the others (`finish`).
pub struct Staged {
    pub(super) site: Arc<Site>,
    pub(super) renderer: Arc<Renderer>,
    /// What every page shares, except the open data page's list of files (`finish` makes them).
    pub(super) shared: CommonContext,
    pub(super) bodies: Arc<Bodies>,
    images: Arc<Images>,
    assets: Assets,
    /// Static files published under a new name since the cached build (an edited stylesheet).
    pub(super) renames: Vec<(String, String)>,
    pub(super) fingerprints: Arc<Fingerprints>,
    /// The order of every list and the section texts, for list pages.
    pub(super) lists: u64,
    pub(super) images_hash: u64,
    /// The pages of the cached build.
    pub(super) old: Arc<HashMap<String, WrittenPage>>,
    /// A hash of everything the generated files are made from (serve only).
    pub(super) site_key: u64,
    /// The generated files of the cached build, when they are made from the same.
    pub(super) generated: Option<Arc<Generated>>,
    pub(super) keep_pages: bool,
    /// What every page's `made_from` starts from, for a one-off build into a folder that keeps
    /// pages from the last build (`reuse::pages_key`).
    pub(super) pages_key: Option<u64>,
    /// Output file → index in `site.routes`.
    pub(super) files: Arc<HashMap<String, usize>>,
    /// The entries as loaded, texts and all, when the cache keeps them (serve, check).
    entries: Vec<Arc<Entry>>,
    timings: Timings,
    /// About the sources the content cites (`crate::sources`).
    warnings: Vec<Diagnostic>,
    /// The problems found so far, which a one-off build carries to its end to report them with
    /// those of the pages and links (it then writes nothing); always empty for `serve`.
    pub(super) pending: Diagnostics,
    /// The entries that failed to load: links to their pages are not reported as well.
    unavailable: BTreeSet<(Collection, String)>,
}

impl Staged {
    /// How long each step took.
    pub fn timings(&self) -> &Timings {
        &self.timings
    }

    /// The path part of `base_url` (`/`, `/renkei/`).
    pub fn base_path(&self) -> &str {
        &self.site.config.base_path
    }

    /// The entries as loaded (drafts too), with their texts, when the cache keeps them; the
    /// rest of the build is dropped, so that they are no longer shared.
    pub(super) fn into_entries(self) -> Vec<Arc<Entry>> {
        self.entries
    }
}

/// Loads, links and checks everything the pages are made from; the first half of a build.
pub fn stage(config: &Config, cache: &mut Cache) -> Result<Staged, Error> {
    let mut clock = Clock::start();
    let mut reuse = Reuse::begin(config, cache);
    let (loaded, templates, assets) = load_with_templates(config, &mut reuse);
    clock.lap("load, templates, assets");
    reuse.compare(&loaded);
    let entries = if reuse.keeps_texts() { loaded.entries.clone() } else { Vec::new() };
    let unavailable_files = loaded.unavailable_files.clone();
    let unavailable = loaded.unavailable.clone();
    let (site, edited, problems) = link(config, loaded, &reuse);
    // The trace tells which way the rebuild went.
    clock.lap(if reuse.links_again() { "link" } else { "link (kept)" });
    let goes_on = reuse.goes_on_past_problems();
    let (templates, assets) =
        all_or_every_problem(&site, &unavailable_files, &problems, templates, assets, goes_on)?;
    let mut pending = problems;
    let renames = reuse.renames(&assets);
    // Before the Markdown: a one-off build drops each text once its body is rendered. Side by
    // side, since each is one thread's work.
    let kept_links = reuse.links();
    let (warnings, links) = rayon::join(
        || crate::sources::warnings(config, site.entries()).into_iter().collect(),
        || {
            kept_links.unwrap_or_else(|| {
                Arc::new(ContentLinks::new(&site).with_unavailable(&unavailable_files))
            })
        },
    );
    clock.lap("sources, content links");
    let (images, problems) = scan_images(&site, &mut reuse);
    pending.extend(problems);
    let (renderer, pages_key) = ready_renderer(config, &mut reuse, templates, &assets, &images)
        .map_err(|error| with_pending(error, &pending))?;
    clock.lap("images");
    let (site, bodies, problems) = markdown(site, &mut reuse, &links, &images);
    clock.lap("markdown");
    pending.extend(problems);
    if !goes_on && !pending.is_empty() {
        return Err(Error::Content(pending.sorted()));
    }
    let bodies = Arc::new(bodies);
    renderer.check_templates(&site).map_err(|d| with_pending(Error::Content(d), &pending))?;
    let shared = fragments(&renderer, &site, CommonContext::new(&site))
        .map_err(|error| with_pending(error, &pending))?;
    clock.lap("fragments");
    let fingerprints = Arc::new(reuse.fingerprints(&site, &bodies, &edited));
    let lists = reuse::lists_hash(&fingerprints);
    let files = reuse.files(&site);
    let images_hash = images.hash();
    let site_key = reuse.site_key(&site, &fingerprints, images_hash, lists);
    reuse.keep_linked(Linked {
        entries: if reuse.keeps() { entries.clone() } else { Vec::new() },
        config: reuse.config_hash(),
        images: images_hash,
        site: Arc::clone(&site),
        links,
        bodies: Arc::clone(&bodies),
        fingerprints: Arc::clone(&fingerprints),
        files: Arc::clone(&files),
    });
    clock.lap("fingerprints");
    Ok(Staged {
        generated: reuse.generated(site_key),
        old: reuse.pages(),
        keep_pages: reuse.keeps(),
        pages_key,
        entries,
        images_hash,
        site_key,
        site,
        renderer,
        shared,
        bodies,
        images,
        assets,
        renames,
        fingerprints,
        lists,
        files,
        timings: clock.timings,
        warnings,
        pending,
        unavailable,
    })
}

/// The second half of a build: the generated files (feeds, calendars, open data), every page,
/// the search index, the photos and the static files, written to `output`, and what the cache
/// keeps of them. `Error::Cancelled` when `cancelled` answered yes between two steps or pages
/// (a newer change makes the rest worthless).
pub fn finish(
    staged: &Staged,
    output: &dyn Output,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Result<(BuildReport, Kept), Error> {
    let mut clock = Clock::start();
    let (site, bodies) = (&staged.site, &staged.bodies);
    let anchors = AnchorLinks::collect(site, bodies);
    // A build that already has problems fails: it renders only to find the problems of its
    // pages and links, and writes nothing.
    let output: &dyn Output = if staged.pending.is_empty() { output } else { &NullOutput };
    // Every file written is recorded, so that links to photos, PDFs and data files are checked
    // against what the build really published.
    let published = Published::new(output);
    let output: &dyn Output = &published;
    let pages = PagesJob { staged, output, cancelled, anchors: &anchors };
    // The feeds, calendars, open data and search index are made while the pages render: they
    // are mostly one thread's work, which would otherwise leave the other cores idle. Only the
    // data page waits for them, since it gives their sizes.
    let is_data_page = |route: &Route| route.kind == RouteKind::Data;
    let (most_pages, generated) = rayon::join(
        || pages.render(&staged.shared, |route| !is_data_page(route)),
        || generated_files(staged, output, cancelled),
    );
    let pending = |error| with_pending(error, &staged.pending);
    let (generated, generated_timings) = generated.map_err(pending)?;
    let mut done = most_pages.map_err(pending)?;
    // The data page also lists the files just made; the other pages do not see them.
    let shared = CommonContext::new(site).with_datasets(generated.datasets.clone());
    let shared = fragments(&staged.renderer, site, shared).map_err(pending)?;
    done.add(pages.render(&shared, is_data_page).map_err(pending)?);
    clock.lap("pages and generated files");
    let photos = write_images(site, &staged.images, bodies, done.asked, output).map_err(pending)?;
    let extras = write_extras(site, &staged.assets, output).map_err(pending)?;
    let mut problems = staged.pending.clone();
    let unchecked = Unchecked { entries: &staged.unavailable, pages: &done.unrendered };
    problems.extend(anchors.check(&done.ids, &published, unchecked));
    if !problems.is_empty() {
        return Err(Error::Content(problems.sorted()));
    }
    clock.lap("extras");
    let count = site.routes.len();
    let mut timings = staged.timings.clone();
    timings.0.extend(generated_timings.0);
    timings.0.extend(clock.timings.0);
    let report = BuildReport {
        pages: count,
        files: count + generated.count + extras + photos.files,
        rendered: done.rendered,
        warnings: staged.warnings.clone(),
        images_made: photos.made,
        images_reused: photos.reused,
        timings,
        drafts: site.drafts,
    };
    let kept = Kept {
        pages: Arc::new(done.kept),
        asset_names: staged.assets.names.clone(),
        generated: staged.keep_pages.then_some(generated),
    };
    Ok((report, kept))
}

/// Step "load, templates, assets": the content files, and beside them (they need no content)
/// the templates, the minified static files and the program's hash (`reuse::pages_key`), which
/// a build would otherwise wait for.
fn load_with_templates(
    config: &Config,
    reuse: &mut Reuse<'_>,
) -> (load::Loaded, Result<Templates, Diagnostics>, Result<Assets, Diagnostics>) {
    let kept = reuse.take_renderer();
    let config_hash = reuse.config_hash();
    let entries = reuse.entries();
    let (loaded, (templates, assets)) = rayon::join(
        || load::load_cached(config, entries),
        || {
            reuse::program_identity();
            reuse::templates_and_assets(config, config_hash, kept)
        },
    );
    (loaded, templates, assets)
}

/// Step "link": the site model, its relations and routes (or the last build's with the edited
/// bodies in place), the nodes whose bodies were edited, and the problems of the files and
/// their references.
fn link(
    config: &Config,
    loaded: load::Loaded,
    reuse: &Reuse<'_>,
) -> (Arc<Site>, Vec<NodeId>, Diagnostics) {
    if let Some((site, edited)) = reuse.site() {
        return (site, edited, Diagnostics::default());
    }
    let (site, problems) = Site::build(config, loaded.entries, &loaded.unavailable);
    let mut all = loaded.diagnostics;
    all.extend(problems);
    (Arc::new(site), Vec::new(), all)
}

/// The templates and static files when they have no problem, and the content has none or the
/// build goes on past them (`goes_on`); else every problem found so far, with those of the
/// Markdown of the entries that loaded (their links, their photos), so that one run shows
/// everything.
fn all_or_every_problem(
    site: &Site,
    unavailable_files: &[std::path::PathBuf],
    problems: &Diagnostics,
    templates: Result<Templates, Diagnostics>,
    assets: Result<Assets, Diagnostics>,
    goes_on: bool,
) -> Result<(Templates, Assets), Error> {
    match (templates, assets) {
        (Ok(templates), Ok(assets)) if problems.is_empty() || goes_on => Ok((templates, assets)),
        (templates, assets) => {
            let mut all = problems.clone();
            all.extend(templates.err().into_iter().flatten());
            all.extend(assets.err().into_iter().flatten());
            all.extend(bodies::markdown_problems(site, unavailable_files));
            Err(Error::Content(all.sorted()))
        }
    }
}

/// Step "images": the photos beside the entries, and the problems of those front matters name.
fn scan_images(site: &Site, reuse: &mut Reuse<'_>) -> (Arc<Images>, Diagnostics) {
    let (images, mut problems) = images::scan(site);
    problems.extend(bodies::front_matter_images(site, &images));
    reuse.images(&images);
    (Arc::new(images), problems)
}

/// The templates given the static files' names and the photos (kept for the next build), and
/// the part of the pages' `made_from` they give (`reuse::pages_key`).
fn ready_renderer(
    config: &Config,
    reuse: &mut Reuse<'_>,
    templates: Templates,
    assets: &Assets,
    images: &Arc<Images>,
) -> Result<(Arc<Renderer>, Option<u64>), Error> {
    let kept: KeptRenderer =
        reuse::ready_renderer(config, reuse.config_hash(), templates, assets, images)
            .map_err(Error::Content)?;
    let renderer = Arc::clone(&kept.renderer);
    let pages_key = reuse::pages_key(config, &kept, assets);
    reuse.keep_renderer(kept);
    Ok((renderer, pages_key))
}

/// Step "markdown": every body rendered (only the edited ones after body edits), and the
/// problems of their links and photos. A one-off build holds the only reference to its site:
/// it drops each text once its body is rendered.
fn markdown(
    mut site: Arc<Site>,
    reuse: &mut Reuse<'_>,
    links: &ContentLinks,
    images: &Images,
) -> (Arc<Site>, Bodies, Diagnostics) {
    if let Some((linked, edits)) = reuse.kept_bodies() {
        let job = BodyJob::Edited { linked: &linked, edits: &edits, cache: reuse.bodies() };
        let (bodies, problems) = bodies::render_bodies(job, links, images);
        return (site, bodies, problems);
    }
    let keeps_texts = reuse.keeps_texts();
    let bodies = match Arc::get_mut(&mut site).filter(|_| !keeps_texts) {
        Some(unique) => {
            bodies::render_bodies(BodyJob::Forgetting(unique, reuse.entries()), links, images)
        }
        None => {
            let keep = reuse.keeps();
            let job = BodyJob::All { site: &site, cache: reuse.bodies(), keep };
            bodies::render_bodies(job, links, images)
        }
    };
    (site, bodies.0, bodies.1)
}

/// A step's error with the problems found before it, so that the build reports all of them.
fn with_pending(error: Error, pending: &Diagnostics) -> Error {
    match error {
        Error::Content(problems) => {
            let mut all = pending.clone();
            all.extend(problems);
            Error::Content(all.sorted())
        }
        other => other,
    }
}

/// Step "fragments": the theme's shared fragments rendered once per language into `shared`.
fn fragments(
    renderer: &Renderer,
    site: &Site,
    mut shared: CommonContext,
) -> Result<CommonContext, Error> {
    renderer.render_fragments(site, &mut shared).map_err(Error::Content)?;
    Ok(shared)
}

/// Measures the steps of a build one after the other.
pub(super) struct Clock {
    last: std::time::Instant,
    pub(super) timings: Timings,
}

impl Clock {
    pub(super) fn start() -> Clock {
        Clock { last: std::time::Instant::now(), timings: Timings::default() }
    }

    /// Ends the step `name`, which ran since the previous lap.
    pub(super) fn lap(&mut self, name: &'static str) {
        let now = std::time::Instant::now();
        self.timings.0.push((name, now - self.last));
        self.last = now;
    }
}
