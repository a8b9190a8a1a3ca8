//! The pages step: every route rendered through the templates (or its bytes of the last build
//! taken over, see `reuse.rs`) and written, in parallel.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use super::Error;
use super::pipeline::Staged;
use super::reuse::rename_assets;
use super::write::write_error;
use crate::anchors::{self, AnchorLinks, PageIds};
use crate::diag::{Diagnostic, Diagnostics};
use crate::hash::of as hash_of;
use crate::images::{self, Variant};
use crate::model::{Route, RouteKind, Site};
use crate::output::Output;
use crate::render::deps::{Fingerprints, NodeKey};
use crate::render::{self, CommonContext};

/// A page as a build wrote it to its output file: its bytes, the fingerprint of its context
/// and templates, and what its context was built from, so that a rebuild can tell without
/// building the context again whether it can have changed.
#[derive(Debug, Clone)]
pub(super) struct WrittenPage {
    fingerprint: u64,
    pub(super) bytes: Arc<[u8]>,
    template: u64,
    shared: u64,
    /// The nodes the page shows, with their fingerprints then.
    nodes: Arc<[(NodeKey, u64)]>,
    /// For list pages: the order of every list and the section texts then.
    lists: Option<u64>,
    /// The image variants its templates asked for (`resize_image`).
    asked: Arc<[Variant]>,
}

impl WrittenPage {
    fn still_valid(&self, now: &WrittenPage, fingerprints: &Fingerprints) -> bool {
        self.template == now.template
            && self.shared == now.shared
            && self.lists == now.lists
            && self.nodes.iter().all(|(key, hash)| fingerprints.nodes.get(key) == Some(hash))
    }
}

/// One page of a build: rendered now or taken over, and what the cache keeps of it.
pub(super) struct PageOutcome {
    /// Rendered by the templates (not reused).
    pub(super) fresh: bool,
    pub(super) page: WrittenPage,
}

/// What rendering a set of pages did.
#[derive(Default)]
pub(super) struct PagesDone {
    /// How many were rendered by the templates.
    pub(super) rendered: usize,
    /// The image variants their templates asked for.
    pub(super) asked: Vec<Variant>,
    /// Output file → page, for the next build (empty unless the cache keeps pages).
    pub(super) kept: HashMap<String, WrittenPage>,
    /// The ids of the pages that links point into.
    pub(super) ids: PageIds,
    /// The output files of the pages that could not be rendered in a build that fails anyway
    /// (see `render`): their ids are unknown.
    pub(super) unrendered: HashSet<String>,
}

impl PagesDone {
    pub(super) fn add(&mut self, other: PagesDone) {
        self.rendered += other.rendered;
        self.asked.extend(other.asked);
        self.kept.extend(other.kept);
        self.ids.extend(other.ids);
        self.unrendered.extend(other.unrendered);
    }
}

/// One page written.
struct PageDone {
    fresh: bool,
    asked: Vec<Variant>,
    kept: Option<(String, WrittenPage)>,
    ids: Option<(String, Vec<String>)>,
}

/// Why one page failed.
enum PageFailed {
    /// The page's output file and why.
    Render(String, Diagnostic),
    Write(Diagnostic),
    Cancelled,
}

/// Output file → index in `site.routes`.
pub(super) fn output_files(site: &Site) -> HashMap<String, usize> {
    site.routes
        .iter()
        .enumerate()
        .map(|(index, route)| (anchors::output_file(route), index))
        .collect()
}

/// What rendering pages needs besides their shared context.
pub(super) struct PagesJob<'a> {
    pub(super) staged: &'a Staged,
    pub(super) output: &'a dyn Output,
    pub(super) cancelled: &'a (dyn Fn() -> bool + Sync),
    /// The links to fragments, which say whose ids to collect.
    pub(super) anchors: &'a AnchorLinks<'a>,
}

impl PagesJob<'_> {
    /// Renders (or reuses) the pages of the routes `which` selects and writes them.
    pub(super) fn render(
        &self,
        shared: &CommonContext,
        which: impl Fn(&Route) -> bool + Sync,
    ) -> Result<PagesDone, Error> {
        let results: Vec<Result<PageDone, PageFailed>> = self
            .staged
            .site
            .routes
            .par_iter()
            .filter(|route| which(route))
            .map(|route| self.one(shared, route))
            .collect();
        let mut done = PagesDone::default();
        let (mut problems, mut unwritten) = (Vec::new(), Diagnostics::default());
        for result in results {
            match result {
                Ok(page) => {
                    done.rendered += usize::from(page.fresh);
                    done.asked.extend(page.asked);
                    done.kept.extend(page.kept);
                    done.ids.extend(page.ids);
                }
                Err(PageFailed::Cancelled) => return Err(Error::Cancelled),
                // A build that already has problems in its content renders its pages only to
                // check their links: a page that fails to render most likely shows an entity
                // with one of those problems (an unknown category), so its error is left out;
                // the next build, with the content fixed, reports any that remains.
                Err(PageFailed::Render(file, _)) if !self.staged.pending.is_empty() => {
                    done.unrendered.insert(file);
                }
                Err(PageFailed::Render(_, diagnostic)) => problems.push(diagnostic),
                Err(PageFailed::Write(diagnostic)) => unwritten.push(diagnostic),
            }
        }
        // One broken template fails every page it renders; report each template once.
        let mut diagnostics: Diagnostics = problems.into_iter().collect();
        diagnostics.0.dedup_by(|a, b| a.path == b.path && a.path.starts_with("themes"));
        let done = diagnostics.into_result(done).map_err(|d| Error::Content(dedup_templates(d)))?;
        unwritten.into_result(done).map_err(Error::Output)
    }

    /// Renders (or reuses) the page of `route` and writes it.
    fn one(&self, shared: &CommonContext, route: &Route) -> Result<PageDone, PageFailed> {
        let PagesJob { staged, output, cancelled, anchors: anchor_links } = *self;
        if cancelled() {
            return Err(PageFailed::Cancelled);
        }
        let file = anchors::output_file(route);
        let ids_of = |bytes: &[u8]| {
            anchor_links.wants(&file).then(|| (file.clone(), anchors::ids_in(bytes)))
        };
        let written = |e: std::io::Error| PageFailed::Write(write_error(&file, &e));
        if !staged.keep_pages {
            return self.one_off(shared, route, &file);
        }
        let PageOutcome { fresh, page } =
            staged.render_route(route, shared).map_err(|d| PageFailed::Render(file.clone(), d))?;
        output.write_shared(&file, page.bytes.clone()).map_err(written)?;
        let (asked, ids) = (page.asked.to_vec(), ids_of(&page.bytes));
        Ok(PageDone { fresh, asked, kept: Some((file.clone(), page)), ids })
    }
}

impl PagesJob<'_> {
    /// The page of `route` in a one-off build (`renkei build`), which keeps nothing in memory
    /// for a next build: when the output folder holds the page as the last build made it from
    /// the same context, templates and program (`Output::keep_page`), it stays as it is; else it
    /// is rendered and written with what it was made from. A page whose ids a link needs is
    /// always rendered, and so is one whose templates asked for photo variants, which only
    /// rendering tells (`images::take_asked`).
    fn one_off(
        &self,
        shared: &CommonContext,
        route: &Route,
        file: &str,
    ) -> Result<PageDone, PageFailed> {
        let PagesJob { staged, output, anchors: anchor_links, .. } = *self;
        let (site, renderer) = (&staged.site, &staged.renderer);
        let failed = |d| PageFailed::Render(file.to_owned(), d);
        let written = |e: std::io::Error| PageFailed::Write(write_error(file, &e));
        let wants_ids = anchor_links.wants(file);
        images::take_asked();
        let Some(key) = staged.pages_key.filter(|_| output.keeps_pages()) else {
            let bytes = renderer.render(site, shared, &staged.bodies, route).map_err(failed)?;
            output.write(file, &bytes).map_err(written)?;
            let ids = wants_ids.then(|| (file.to_owned(), anchors::ids_in(&bytes)));
            return Ok(PageDone { fresh: true, asked: images::take_asked(), kept: None, ids });
        };
        let prepared = renderer.prepare(site, shared, &staged.bodies, route);
        let made_from = hash_of(&(key, prepared.fingerprint)).max(1);
        if !wants_ids && output.keep_page(file, made_from) {
            return Ok(PageDone { fresh: false, asked: Vec::new(), kept: None, ids: None });
        }
        let bytes = renderer.render_prepared(site, shared, route, prepared).map_err(failed)?;
        let asked = images::take_asked();
        let made_from = if asked.is_empty() { made_from } else { 0 };
        output.write_page(file, &bytes, made_from).map_err(written)?;
        let ids = wants_ids.then(|| (file.to_owned(), anchors::ids_in(&bytes)));
        Ok(PageDone { fresh: true, asked, kept: None, ids })
    }
}

fn dedup_templates(diagnostics: Diagnostics) -> Diagnostics {
    let mut seen = std::collections::BTreeSet::new();
    diagnostics
        .into_iter()
        .filter(|d| !d.path.starts_with("themes") || seen.insert(d.path.clone()))
        .collect()
}

impl Staged {
    /// The bytes of the page written to `file` (`wards/chiyoda/index.html`), rendered now unless
    /// the cached build's are still right; `None` when no page has that file, or for the open
    /// data page, which lists the generated files that only `finish` makes.
    pub fn page(&self, file: &str) -> Option<Result<Arc<[u8]>, Diagnostic>> {
        let route = self.site.routes.get(*self.files.get(file)?)?;
        if route.kind == RouteKind::Data {
            return None;
        }
        Some(self.render_route(route, &self.shared).map(|outcome| outcome.page.bytes))
    }

    /// The page of `route`: the last build's when nothing it was made from changed, else
    /// prepared (and rendered unless its context is the same).
    fn render_route(
        &self,
        route: &Route,
        shared: &CommonContext,
    ) -> Result<PageOutcome, Diagnostic> {
        let (site, renderer) = (&self.site, &self.renderer);
        let mut page = WrittenPage {
            fingerprint: 0,
            bytes: Arc::from(&b""[..]),
            template: renderer.template_hash(render::template_of(site, route)),
            // `resize_image` answers from the images: a changed photo renders pages again.
            shared: hash_of(&(shared.hash(&route.lang), self.images_hash)),
            nodes: Arc::default(),
            lists: matches!(route.kind, RouteKind::List { .. }).then_some(self.lists),
            asked: Arc::default(),
        };
        let old = self.old.get(&anchors::output_file(route));
        // Pages drawn from the whole site (or from the generated files, for /data/) are
        // always prepared again; their context hash still spares the rendering.
        let always = matches!(
            route.kind,
            RouteKind::Home
                | RouteKind::NotFound
                | RouteKind::Data
                | RouteKind::Search
                | RouteKind::Plan
                | RouteKind::Members
        );
        let fresh = match old {
            Some(old) if !always && old.still_valid(&page, &self.fingerprints) => {
                page = old.clone();
                false
            }
            _ => self.prepare_page(route, shared, old, &mut page)?,
        };
        if !fresh && !self.renames.is_empty() {
            page.bytes = rename_assets(&page.bytes, &self.renames);
        }
        Ok(PageOutcome { fresh, page })
    }

    /// Builds the page's context and renders it, unless its fingerprint shows that the bytes of
    /// the earlier build are still right. Returns whether it rendered.
    fn prepare_page(
        &self,
        route: &Route,
        shared: &CommonContext,
        old: Option<&WrittenPage>,
        page: &mut WrittenPage,
    ) -> Result<bool, Diagnostic> {
        let (site, renderer) = (&self.site, &self.renderer);
        let mut prepared = renderer.prepare(site, shared, &self.bodies, route);
        page.fingerprint = prepared.fingerprint;
        page.nodes = std::mem::take(&mut prepared.read)
            .into_iter()
            .map(|id| {
                let key = render::deps::key(site, id);
                let hash = self.fingerprints.nodes.get(&key).copied().unwrap_or_default();
                (key, hash)
            })
            .collect();
        match old {
            Some(old) if old.fingerprint == page.fingerprint => {
                page.bytes = old.bytes.clone();
                page.asked = old.asked.clone();
                Ok(false)
            }
            _ => {
                // What `resize_image` records on this thread belongs to this page alone.
                images::take_asked();
                let bytes = renderer.render_prepared(site, shared, route, prepared);
                page.asked = images::take_asked().into();
                page.bytes = Arc::from(bytes?);
                Ok(true)
            }
        }
    }
}
