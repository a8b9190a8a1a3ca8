//! The whole pipeline: configuration → loading → model → Markdown → templates → output.
//! `renkei build` runs it once; `renkei serve` runs the same code again after each change with a
//! `Cache`, which lets unchanged files skip parsing, unchanged bodies skip Markdown, and pages whose
//! context and templates did not change skip rendering.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::anchors::{self, AnchorLinks, PageIds};
use crate::assets::{Assets, Source};
use crate::config::{Config, Options};
use crate::diag::{Diagnostic, Diagnostics};
use crate::external::ExternalReport;
use crate::images::{self, Images, Variant};
use crate::load::{self, Entry, EntryCache};
use crate::markdown::{self, LinkResolver};
use crate::model::{Collection, Route, RouteKind, Site};
use crate::output::{DiskOutput, NullOutput, Output};
use crate::render::deps::{Fingerprints, NodeKey};
use crate::render::{self, Bodies, Renderer, Shared};

/// Why a build failed; the two kinds map to different exit codes.
#[derive(Debug)]
pub enum Error {
    /// `site.toml`, the theme folder or the output folder is unusable (exit code 2).
    Setup(Diagnostics),
    /// The content or the templates have problems (exit code 1).
    Content(Diagnostics),
}

impl Error {
    pub fn diagnostics(&self) -> &Diagnostics {
        match self {
            Error::Setup(d) | Error::Content(d) => d,
        }
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
    /// How long each stage took (`renkei serve` prints them when `RENKEI_TRACE` is set).
    pub timings: Timings,
}

/// The wall time of each stage of a build, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timings(pub Vec<(&'static str, std::time::Duration)>);

impl std::fmt::Display for Timings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> =
            self.0.iter().map(|(stage, took)| format!("{stage} {} ms", took.as_millis())).collect();
        f.write_str(&parts.join(", "))
    }
}

/// Measures the stages of a build one after the other.
struct Clock {
    last: std::time::Instant,
    timings: Timings,
}

impl Clock {
    fn start() -> Clock {
        Clock { last: std::time::Instant::now(), timings: Timings::default() }
    }

    /// Ends the stage `name`, which ran since the previous lap.
    fn lap(&mut self, name: &'static str) {
        let now = std::time::Instant::now();
        self.timings.0.push((name, now - self.last));
        self.last = now;
    }
}

/// What a rebuild can reuse from the builds before it. `renkei serve` keeps one for its
/// lifetime; `renkei build` starts from an empty one and keeps no pages.
#[derive(Debug, Default)]
pub struct Cache {
    entries: EntryCache,
    /// Rendered Markdown by a hash of the body and of every link target it could resolve.
    bodies: HashMap<u64, Arc<markdown::Rendered>>,
    /// Output file → what it was rendered from, and its bytes.
    pages: Arc<HashMap<String, Page>>,
    /// A hash of the configuration the pages were rendered with.
    config: u64,
    /// The published names of the static files the pages were rendered with.
    asset_names: HashMap<String, String>,
    /// The generated files of the last finished build.
    generated: Option<Arc<Generated>>,
    /// The parsed templates of the last build.
    renderer: Option<KeptRenderer>,
    /// The linked site of the last build that got through its Markdown.
    linked: Option<Linked>,
    keep_pages: bool,
}

impl Cache {
    /// A cache that keeps the rendered pages, for repeated builds.
    pub fn new() -> Cache {
        Cache { keep_pages: true, ..Cache::default() }
    }

    /// Tells the next build that nothing but `paths` (absolute, under `root`) changed, as a file
    /// watcher saw it: unchanged content files are then not even read.
    pub fn only_changed(&mut self, root: &Path, paths: &[PathBuf]) {
        self.entries.only_changed(root, paths);
    }

    /// Keeps the pages of a finished build for the next one (unless this cache keeps none).
    pub fn keep(&mut self, kept: Kept) {
        if self.keep_pages {
            // Together: the kept pages link these names.
            self.pages = kept.pages;
            self.asset_names = kept.asset_names;
            self.generated = kept.generated;
        }
    }

    /// The next build reads every content file again.
    pub fn forget_changes(&mut self) {
        self.entries.forget_changes();
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
            disk.commit().map_err(|d| Error::Setup(d.into()))?;
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
/// report, which fail the check when there are any (printed after the warnings).
pub fn check_with(
    root: &Path,
    options: &Options,
    external: bool,
) -> Result<(BuildReport, Option<ExternalReport>), Error> {
    let config = Config::load(root, options).map_err(|d| Error::Setup(d.into()))?;
    let mut report = build_into(&config, &NullOutput)?;
    let entries: Vec<Entry> =
        load::load(&config).entries.into_iter().map(Arc::unwrap_or_clone).collect();
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
    build_cached(config, output, &mut Cache::default())
}

/// `build_into`, reusing what `cache` holds from earlier builds and updating it. The output is
/// byte for byte what `build_into` writes for the same files.
pub fn build_cached(
    config: &Config,
    output: &dyn Output,
    cache: &mut Cache,
) -> Result<BuildReport, Error> {
    let staged = stage(config, cache)?;
    // Nothing cancels this build, so it always finishes.
    let (report, kept) =
        finish(&staged, output, &|| false)?.ok_or_else(|| Error::Setup(Diagnostics::default()))?;
    cache.keep(kept);
    Ok(report)
}

/// A build up to its pages: the site loaded, linked and checked, its Markdown rendered, its
/// templates parsed. Any page can be rendered from it (`Staged::page`), which lets
/// `renkei serve` answer the pages open in a browser before it renders the others (`finish`).
pub struct Staged {
    site: Arc<Site>,
    renderer: Arc<Renderer>,
    /// What every page shares, except the open data page's list of files (`finish` makes them).
    shared: Shared,
    bodies: Arc<Bodies>,
    images: Arc<Images>,
    assets: Assets,
    /// Static files published under a new name since the cached build (an edited stylesheet).
    renames: Vec<(String, String)>,
    fingerprints: Arc<Fingerprints>,
    /// The order of every list and the section texts, for list pages.
    lists: u64,
    images_hash: u64,
    /// The pages of the cached build.
    old: Arc<HashMap<String, Page>>,
    /// A hash of everything the generated files are made from (serve only).
    site_key: u64,
    /// The generated files of the cached build, when they are made from the same.
    generated: Option<Arc<Generated>>,
    keep_pages: bool,
    /// Output file → index in `site.routes`.
    files: Arc<HashMap<String, usize>>,
    timings: Timings,
    /// About the sources the content cites (`crate::sources`).
    warnings: Vec<Diagnostic>,
}

/// Loads, links and checks everything the pages are made from; the first half of a build.
pub fn stage(config: &Config, cache: &mut Cache) -> Result<Staged, Error> {
    let mut clock = Clock::start();
    let config_hash = hash_of(&format!("{config:?}"));
    if cache.config != config_hash {
        cache.pages = Arc::default();
        cache.config = config_hash;
    }
    // Parsing the templates and minifying the static files need no content: they run beside the
    // loading, which a small site's build would otherwise wait for.
    let entries = &mut cache.entries;
    let kept_renderer = cache.renderer.take();
    let (loaded, (templates, assets)) = rayon::join(
        || load::load_cached(config, entries),
        || templates_and_assets(config, config_hash, kept_renderer),
    );
    clock.lap("load, templates, assets");
    let keep_pages = cache.keep_pages;
    let linked_from = if keep_pages { loaded.entries.clone() } else { Vec::new() };
    let edits = cache.linked.as_ref().and_then(|linked| linked.body_edits(&loaded, config_hash));
    let (site, link_problems) = match (&cache.linked, &edits) {
        (Some(linked), Some(edits)) => (linked.site_after(edits), Diagnostics::default()),
        _ => {
            let (site, problems) = Site::build(config, loaded.entries, &loaded.unavailable);
            ((Arc::new(site), Vec::new()), problems)
        }
    };
    // The trace tells which way the rebuild went.
    clock.lap(if edits.is_some() { "link (kept)" } else { "link" });
    // Problems of every stage are reported together, so that one run shows everything: the
    // Markdown of the entries that loaded is still checked (its links, its photos) when a file,
    // a reference or a template is wrong.
    let (site, templates, assets) = match (templates, assets) {
        (Ok(templates), Ok(assets))
            if loaded.diagnostics.is_empty() && link_problems.is_empty() =>
        {
            (site, templates, assets)
        }
        (templates, assets) => {
            let mut all = loaded.diagnostics;
            all.extend(link_problems);
            all.extend(templates.err().into_iter().flatten());
            all.extend(assets.err().into_iter().flatten());
            all.extend(markdown_problems(&site.0, &loaded.unavailable_files));
            return Err(Error::Content(all.sorted()));
        }
    };
    let (mut site, edited_nodes) = site;
    // An edited stylesheet only changes its name in the pages: kept pages get the new name
    // rather than being rendered again. A static file added or removed renders everything.
    let renames = match asset_renames(&cache.asset_names, &assets.names) {
        Some(renames) => renames,
        None => {
            cache.pages = Arc::default();
            Vec::new()
        }
    };

    // Before the Markdown: a one-off build drops each text once its body is rendered.
    let warnings: Vec<Diagnostic> =
        crate::sources::warnings(config, site.entries()).into_iter().collect();
    clock.lap("sources");
    let (images, mut problems) = images::scan(&site);
    problems.extend(front_matter_images(&site, &images));
    let images = Arc::new(images);
    let images_hash = images.hash();
    let renderer = ready_renderer(config, config_hash, templates, &assets, &images)?;
    cache.renderer = Some(renderer.clone());
    let renderer = renderer.renderer;
    clock.lap("images");
    // After body edits the link targets are those of the last build, and so are the bodies of
    // every other entry unless a photo changed (a body may show it).
    let kept =
        cache.linked.as_ref().filter(|linked| edits.is_some() && linked.images == images_hash);
    let links = match (&cache.linked, &edits) {
        (Some(linked), Some(_)) => Arc::clone(&linked.links),
        _ => Arc::new(ContentLinks::new(&site)),
    };
    let bodies = match (kept, &edits) {
        (Some(linked), Some(edits)) => {
            render_edited_markdown(&images, linked, edits, &mut cache.bodies)
        }
        // A one-off build holds the only reference to its site; `serve` keeps the texts.
        _ => match Arc::get_mut(&mut site).filter(|_| !keep_pages) {
            Some(unique) => render_markdown_forgetting(unique, &images, &links, &mut cache.entries),
            None => render_markdown(&site, &images, &links, &mut cache.bodies, keep_pages),
        },
    };
    clock.lap("markdown");
    let bodies = match (bodies, problems.is_empty()) {
        (Ok(bodies), true) => Arc::new(bodies),
        (bodies, _) => {
            problems.extend(bodies.err().into_iter().flatten());
            return Err(Error::Content(problems.sorted()));
        }
    };
    renderer.check_templates(&site).map_err(Error::Content)?;
    let mut shared = Shared::new(&site);
    renderer.render_fragments(&site, &mut shared).map_err(Error::Content)?;
    clock.lap("fragments");
    let fingerprints = Arc::new(match kept {
        _ if !keep_pages => Fingerprints::default(),
        Some(linked) => linked.fingerprints.after_body_edits(&site, &bodies, &edited_nodes),
        None => Fingerprints::new(&site, &bodies),
    });
    let lists = {
        let mut all: Vec<(&Collection, &u64)> = fingerprints.lists.iter().collect();
        all.sort();
        hash_of(&(all, fingerprints.sections))
    };
    let files = match (&cache.linked, &edits) {
        _ if !keep_pages => Arc::default(),
        // The routes are those of the last build.
        (Some(linked), Some(_)) => Arc::clone(&linked.files),
        _ => Arc::new(output_files(&site)),
    };
    let site_key = if keep_pages {
        site_key(&site, &fingerprints, (config_hash, images_hash, lists))
    } else {
        0
    };
    let generated = cache.generated.as_ref().filter(|g| keep_pages && g.key == site_key);
    if keep_pages {
        cache.linked = Some(Linked {
            entries: linked_from,
            config: config_hash,
            images: images_hash,
            site: Arc::clone(&site),
            links,
            bodies: Arc::clone(&bodies),
            fingerprints: Arc::clone(&fingerprints),
            files: Arc::clone(&files),
        });
    }
    clock.lap("fingerprints");
    Ok(Staged {
        site_key,
        generated: generated.cloned(),
        images_hash,
        site,
        renderer,
        shared,
        bodies,
        images,
        assets,
        renames,
        fingerprints,
        lists,
        old: Arc::clone(&cache.pages),
        keep_pages,
        files,
        timings: clock.timings,
        warnings,
    })
}

/// The problems of the Markdown stage (links, photos) of a site that already has others, for a
/// build that will fail: links to files that failed to load are not reported again.
fn markdown_problems(site: &Site, unavailable_files: &[PathBuf]) -> Diagnostics {
    let (images, mut problems) = images::scan(site);
    problems.extend(front_matter_images(site, &images));
    let mut links = ContentLinks::new(site);
    for file in unavailable_files {
        // Any URL will do: the build stops before a page is rendered.
        links.urls.insert(ContentLinks::key_of(file), String::new());
    }
    let bodies = render_markdown(site, &images, &links, &mut HashMap::new(), false);
    problems.extend(bodies.err().into_iter().flatten());
    problems
}

/// Output file → index in `site.routes`.
fn output_files(site: &Site) -> HashMap<String, usize> {
    site.routes
        .iter()
        .enumerate()
        .map(|(index, route)| (anchors::output_file(route), index))
        .collect()
}

/// The parsed templates of an earlier build, with what they were made from: they are used
/// again while the configuration, the templates, the static files' names and the photos
/// (`resize_image` answers from them) stay the same.
#[derive(Clone)]
struct KeptRenderer {
    renderer: Arc<Renderer>,
    /// A hash of the configuration, the templates' texts and the static files' names.
    made_from: u64,
    images: u64,
}

impl std::fmt::Debug for KeptRenderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeptRenderer")
    }
}

/// The templates as `stage` starts: kept from the last build, or parsed now.
enum Templates {
    Kept(KeptRenderer),
    Parsed(Box<Renderer>),
}

fn renderer_key(config: u64, templates: u64, assets: &Assets) -> u64 {
    let mut names: Vec<(&String, &String)> = assets.names.iter().collect();
    names.sort();
    hash_of(&(config, templates, names))
}

/// The static files, and the templates of `kept` when the configuration, the template files
/// and the static files' names are still what they were made from (reading the templates costs
/// little; parsing them is what a rebuild saves), else the templates parsed again.
fn templates_and_assets(
    config: &Config,
    config_hash: u64,
    kept: Option<KeptRenderer>,
) -> (Result<Templates, Diagnostics>, Result<Assets, Diagnostics>) {
    let assets = Assets::collect(config);
    let still_right = |kept: &KeptRenderer| {
        let (Ok(assets), Some(templates)) = (&assets, Renderer::templates_on_disk(config)) else {
            return false;
        };
        kept.made_from == renderer_key(config_hash, templates, assets)
    };
    let templates = match kept {
        Some(kept) if still_right(&kept) => Ok(Templates::Kept(kept)),
        _ => Renderer::new(config).map(|renderer| Templates::Parsed(Box::new(renderer))),
    };
    (templates, assets)
}

/// The renderer of this build: the kept one when the photos are the same too, else one parsed
/// (again) and given the static files' names and the photos. A kept renderer is never changed,
/// since the pages of the last build may still be rendering with it.
fn ready_renderer(
    config: &Config,
    config_hash: u64,
    templates: Templates,
    assets: &Assets,
    images: &Arc<Images>,
) -> Result<KeptRenderer, Error> {
    let images_hash = images.hash();
    let mut renderer = match templates {
        Templates::Kept(kept) if kept.images == images_hash => return Ok(kept),
        Templates::Kept(_) => Renderer::new(config).map_err(Error::Content)?,
        Templates::Parsed(renderer) => *renderer,
    };
    renderer.use_assets(config, assets);
    renderer.set_images(Arc::clone(images));
    let made_from = renderer_key(config_hash, renderer.sources_hash(), assets);
    Ok(KeptRenderer { renderer: Arc::new(renderer), made_from, images: images_hash })
}

/// The linked site of the last build that got through its Markdown, and what was made from
/// it, for a rebuild after which only bodies changed (the common edit): the site then need
/// not be linked again, nor the link targets listed, nor the other bodies and fingerprints
/// made again.
struct Linked {
    /// The entries it was linked from, in the order they were loaded.
    entries: Vec<Arc<Entry>>,
    /// A hash of the configuration.
    config: u64,
    /// A hash of the photos.
    images: u64,
    site: Arc<Site>,
    links: Arc<ContentLinks>,
    bodies: Arc<Bodies>,
    fingerprints: Arc<Fingerprints>,
    files: Arc<HashMap<String, usize>>,
}

impl std::fmt::Debug for Linked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Linked")
    }
}

/// Entries whose body alone changed: (as the site was linked from it, as loaded now).
type BodyEdits = Vec<(Arc<Entry>, Arc<Entry>)>;

impl Linked {
    /// The entries of `loaded` that differ from those the site was linked from in their bodies
    /// only; `None` when anything else changed (a file added, removed or renamed, a front
    /// matter edited, a file that failed to load, the configuration): the site is linked again.
    fn body_edits(&self, loaded: &load::Loaded, config: u64) -> Option<BodyEdits> {
        let same_files = loaded.entries.len() == self.entries.len();
        if self.config != config || !same_files || !loaded.diagnostics.is_empty() {
            return None;
        }
        let mut edits = Vec::new();
        for (old, new) in self.entries.iter().zip(&loaded.entries) {
            if Arc::ptr_eq(old, new) {
                continue;
            }
            if !old.same_but_body(new) {
                return None;
            }
            edits.push((Arc::clone(old), Arc::clone(new)));
        }
        Some(edits)
    }

    /// The site with the edited entries in place of the old ones, and the nodes holding them.
    fn site_after(&self, edits: &BodyEdits) -> (Arc<Site>, Vec<usize>) {
        if edits.is_empty() {
            return (Arc::clone(&self.site), Vec::new());
        }
        let replaced: HashMap<usize, Arc<Entry>> =
            edits.iter().map(|(old, new)| (Arc::as_ptr(old) as usize, Arc::clone(new))).collect();
        let mut site = Site::clone(&self.site);
        let nodes = site.replace_bodies(&replaced);
        (Arc::new(site), nodes)
    }
}

impl Staged {
    /// How long each stage took.
    pub fn timings(&self) -> &Timings {
        &self.timings
    }

    /// The path part of `base_url` (`/`, `/renkei/`).
    pub fn base_path(&self) -> &str {
        &self.site.config.base_path
    }

    /// The bytes of the page written to `file` (`wards/chiyoda/index.html`), rendered now unless
    /// the cached build's are still right; `None` when no page has that file, or for the open
    /// data page, which lists the generated files that only `finish` makes.
    pub fn page(&self, file: &str) -> Option<Result<Arc<[u8]>, Diagnostic>> {
        let route = self.site.routes.get(*self.files.get(file)?)?;
        if route.kind == RouteKind::Data {
            return None;
        }
        Some(self.render_route(route, &self.shared).map(|(_, page)| page.bytes))
    }

    /// The page of `route`: whether it was rendered (not reused) and what the cache keeps of it.
    fn render_route(&self, route: &Route, shared: &Shared) -> Result<(bool, Page), Diagnostic> {
        let (site, renderer) = (&self.site, &self.renderer);
        let mut page = Page {
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
            RouteKind::Home | RouteKind::NotFound | RouteKind::Data | RouteKind::Search
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
        Ok((fresh, page))
    }

    /// Builds the page's context and renders it, unless its fingerprint shows that the bytes of
    /// the earlier build are still right. Returns whether it rendered.
    fn prepare_page(
        &self,
        route: &Route,
        shared: &Shared,
        old: Option<&Page>,
        page: &mut Page,
    ) -> Result<bool, Diagnostic> {
        let (site, renderer) = (&self.site, &self.renderer);
        let (prepared, touched) = renderer.prepare_recording(site, shared, &self.bodies, route);
        page.fingerprint = prepared.fingerprint;
        page.nodes = touched
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

/// A hash of everything the generated files are made from: the configuration, the photos, and
/// every node's files, rendered bodies and relations (its fingerprint), list orders and section
/// texts (`outside`), which together determine the site model and the bodies.
fn site_key(site: &Site, fingerprints: &Fingerprints, outside: (u64, u64, u64)) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    outside.hash(&mut hasher);
    for (id, node) in site.nodes.iter().enumerate() {
        node.entry.path.hash(&mut hasher);
        fingerprints.nodes.get(&render::deps::key(site, id)).hash(&mut hasher);
    }
    hasher.finish()
}

/// The second half of a build: the generated files (feeds, calendars, open data), every page,
/// the search index, the photos and the static files, written to `output`, and what the cache
/// keeps of them. `Ok(None)` when `cancelled` answered yes between two steps or pages (a newer
/// change makes the rest worthless).
pub fn finish(
    staged: &Staged,
    output: &dyn Output,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Result<Option<(BuildReport, Kept)>, Error> {
    let mut clock = Clock::start();
    let (site, bodies) = (&staged.site, &staged.bodies);
    let anchor_links = AnchorLinks::collect(site, bodies);
    // The feeds, calendars, open data and search index are made while the pages render: they
    // are mostly one thread's work, which would otherwise leave the other cores idle. Only the
    // data page waits for them, since it gives their sizes.
    let is_data_page = |route: &Route| route.kind == RouteKind::Data;
    let (most_pages, generated) = rayon::join(
        || {
            let pages = PagesJob { staged, output, cancelled, anchors: &anchor_links };
            pages.render(&staged.shared, |route| !is_data_page(route))
        },
        || generated_files(staged, output, cancelled),
    );
    let Some((generated, generated_timings)) = generated? else { return Ok(None) };
    let Some((mut rendered, mut asked, mut pages, mut ids)) = most_pages? else {
        return Ok(None);
    };
    let mut files = generated.count;
    // The data page also lists the files just made; the other pages do not see them.
    let mut shared = Shared::new(site).with_datasets(generated.datasets.clone());
    staged.renderer.render_fragments(site, &mut shared).map_err(Error::Content)?;
    let pages_job = PagesJob { staged, output, cancelled, anchors: &anchor_links };
    let Some((data_rendered, data_asked, data_pages, data_ids)) =
        pages_job.render(&shared, is_data_page)?
    else {
        return Ok(None);
    };
    rendered += data_rendered;
    asked.extend(data_asked);
    pages.extend(data_pages);
    ids.extend(data_ids);
    clock.lap("pages and generated files");
    let missing_anchors = anchor_links.check(&ids);
    if !missing_anchors.is_empty() {
        return Err(Error::Content(missing_anchors.sorted()));
    }
    let photos = write_images(site, &staged.images, bodies, asked, output)?;
    files += write_extras(site, &staged.assets, output)?;
    clock.lap("extras");
    let count = site.routes.len();
    let mut timings = staged.timings.clone();
    timings.0.extend(generated_timings.0);
    timings.0.extend(clock.timings.0);
    let report = BuildReport {
        pages: count,
        files: count + files + photos.files,
        rendered,
        warnings: staged.warnings.clone(),
        images_made: photos.made,
        images_reused: photos.reused,
        timings,
    };
    let kept = Kept {
        pages: Arc::new(pages),
        asset_names: staged.assets.names.clone(),
        generated: staged.keep_pages.then_some(generated),
    };
    Ok(Some((report, kept)))
}

/// The files a build makes without templates (feeds, calendars, open data, search index) and
/// the open data page's list of them. `key`: a hash of everything they are made from.
#[derive(Debug)]
struct Generated {
    key: u64,
    /// The files, kept only by a cache that keeps pages (a one-off build writes and drops them).
    files: Vec<(String, Arc<[u8]>)>,
    count: usize,
    datasets: serde_json::Value,
}

impl Generated {
    /// Writes files just made, keeping them when `keep`.
    fn write(
        &mut self,
        output: &dyn Output,
        made: impl IntoIterator<Item = (String, Vec<u8>)>,
        keep: bool,
    ) -> Result<(), Error> {
        if !keep {
            self.count += write_files(output, made)?;
            return Ok(());
        }
        let mut diagnostics = Diagnostics::default();
        for (path, bytes) in made {
            let bytes: Arc<[u8]> = Arc::from(bytes);
            if let Err(error) = output.write_shared(&path, Arc::clone(&bytes)) {
                diagnostics.push(write_error(&path, &error));
            }
            self.files.push((path, bytes));
        }
        self.count = self.files.len();
        diagnostics.into_result(()).map_err(Error::Content)
    }
}

/// The generated files of the cached build when they are made from the same site (a template
/// or stylesheet edit), written again; else made and written now. `None` once cancelled.
fn generated_files(
    staged: &Staged,
    output: &dyn Output,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Result<Option<(Arc<Generated>, Timings)>, Error> {
    let mut clock = Clock::start();
    if let Some(before) = &staged.generated {
        for (path, bytes) in &before.files {
            output
                .write_shared(path, Arc::clone(bytes))
                .map_err(|e| Error::Content(Diagnostics::from(write_error(path, &e))))?;
        }
        return Ok(Some((Arc::clone(before), clock.timings)));
    }
    let generated = make_generated(staged, output, cancelled, &mut clock)?;
    Ok(generated.map(|generated| (Arc::new(generated), clock.timings)))
}

/// Makes and writes the feeds, calendars, open data and search index; `None` once cancelled.
fn make_generated(
    staged: &Staged,
    output: &dyn Output,
    cancelled: &(dyn Fn() -> bool + Sync),
    clock: &mut Clock,
) -> Result<Option<Generated>, Error> {
    let (site, bodies, keep) = (&staged.site, &staged.bodies, staged.keep_pages);
    // Made before the pages so that the data page can give their sizes, and written at once:
    // a large site's feeds, data and search index are tens of megabytes that a one-off build
    // need not hold while the pages render.
    let feeds: Vec<(String, Vec<u8>)> = render::atom_feeds(site, bodies)
        .into_iter()
        .chain(render::ical::calendars(site, bodies))
        .map(|(path, text)| (path, text.into_bytes()))
        .collect();
    clock.lap("feeds");
    if cancelled() {
        return Ok(None);
    }
    // The data page gives the feeds' sizes, not their bytes: they need not wait for the data.
    let sizes: Vec<(String, usize)> =
        feeds.iter().map(|(path, b)| (path.clone(), b.len())).collect();
    let mut generated = Generated {
        key: staged.site_key,
        files: Vec::new(),
        count: 0,
        datasets: serde_json::Value::Null,
    };
    generated.write(output, feeds, keep)?;
    let mut problems = Diagnostics::default();
    let datasets = render::opendata::open_data(site, bodies, &sizes, &mut |path, bytes| {
        if let Err(Error::Content(d) | Error::Setup(d)) =
            generated.write(output, [(path, bytes)], keep)
        {
            problems.extend(d);
        }
    });
    problems.into_result(()).map_err(Error::Content)?;
    generated.datasets = datasets;
    clock.lap("open data");
    // The search indexes, for themes that have a search page, one per language, made together.
    let langs: Vec<&str> = site
        .routes
        .iter()
        .filter(|route| route.kind == RouteKind::Search)
        .map(|route| route.lang.as_str())
        .collect();
    if cancelled() {
        return Ok(None);
    }
    // Their files are tens of megabytes of JSON: written while the indexes are made, so that
    // neither they nor the texts they hold stay in memory; the next change stops them.
    let mut failed = None;
    let written = crate::search::Index::write_all_unless(
        site,
        bodies,
        &langs,
        cancelled,
        &mut |language, path, json| {
            let file = (format!("{}{path}", site.lang_prefix(langs[language])), json.into_bytes());
            if let Err(error) = generated.write(output, [file], keep) {
                failed.get_or_insert(error);
            }
        },
    );
    if let Some(error) = failed {
        return Err(error);
    }
    if written.is_none() || cancelled() {
        return Ok(None);
    }
    clock.lap("search");
    Ok(Some(generated))
}

/// What the cache keeps of a finished build (`Cache::keep`): its pages, and the published
/// names of the static files they link.
pub struct Kept {
    pages: Arc<HashMap<String, Page>>,
    asset_names: HashMap<String, String>,
    generated: Option<Arc<Generated>>,
}

/// What `write_images` did.
struct Photos {
    files: usize,
    made: usize,
    reused: usize,
}

/// Makes the variants the bodies, front matters and templates use (through the image cache)
/// and writes them with the other files beside folder entries.
fn write_images(
    site: &Site,
    images: &Images,
    bodies: &render::Bodies,
    asked: Vec<Variant>,
    output: &dyn Output,
) -> Result<Photos, Error> {
    let root = &site.config.root;
    let in_bodies = bodies.values().flat_map(|b| b.images.iter().cloned());
    let in_front_matter = site.entries().into_iter().filter_map(|entry| {
        let (name, _) = entry.meta.image()?;
        images.front_matter_image(&entry.path, name).map(|s| s.path.clone())
    });
    let variants = images::needed(images, in_bodies.chain(in_front_matter), asked);
    let cache = root.join(images::process::CACHE_DIR);
    let processed = images::process::process(root, images, &variants, Some(&cache));
    let mut diagnostics = processed.diagnostics;
    for (path, bytes) in &processed.files {
        if let Err(error) = output.write(path, bytes) {
            diagnostics.push(write_error(path, &error));
        }
    }
    for (path, source) in &images.files {
        let written = std::fs::read(root.join(source)).and_then(|bytes| output.write(path, &bytes));
        if let Err(error) = written {
            diagnostics.push(write_error(path, &error));
        }
    }
    let photos = Photos {
        files: processed.files.len() + images.files.len(),
        made: processed.made,
        reused: processed.reused,
    };
    diagnostics.into_result(photos).map_err(Error::Content)
}

/// A front matter `image:` must name a JPEG, PNG or WebP beside a folder entry, with alt text.
fn front_matter_images(site: &Site, images: &Images) -> Diagnostics {
    let mut diagnostics = Diagnostics::default();
    for entry in site.entries() {
        let Some((name, alt)) = entry.meta.image() else { continue };
        if images.front_matter_image(&entry.path, name).is_none() {
            let help = if entry.folder {
                crate::msg!("photo.put_beside")
            } else {
                crate::msg!("photo.needs_folder")
            };
            let message = crate::msg!("photo.not_beside", name = name);
            diagnostics.push(entry.error_at_value("image", name, message).with_help(help));
        }
        if alt.is_none() {
            diagnostics.push(
                entry
                    .error_at_value("image", name, crate::msg!("photo.no_alt"))
                    .with_help(crate::msg!("photo.no_alt_help")),
            );
        }
    }
    diagnostics
}

/// `render_markdown` for a build that keeps nothing for a next one: each content file's text
/// is dropped as soon as its body is rendered and checked, rather than once every body is.
/// Sources and bodies were otherwise all held at once (the sources are a third of a large
/// site's peak memory), and only a diagnostic needs a source again (it reads the file anew).
/// The entries are shared with `cache` until it lets them go.
fn render_markdown_forgetting(
    site: &mut Site,
    images: &Images,
    resolver: &ContentLinks,
    cache: &mut EntryCache,
) -> Result<Bodies, Diagnostics> {
    *cache = EntryCache::default();
    let root: Arc<Path> = Arc::from(site.config.root.as_path());
    let nodes = site
        .nodes
        .iter_mut()
        .flat_map(|n| std::iter::once(&mut n.entry).chain(n.translations.values_mut()));
    let entries: Vec<&mut Arc<Entry>> = nodes.chain(site.sections.values_mut()).collect();
    let results: Vec<(PathBuf, Arc<markdown::Rendered>, Diagnostics)> = entries
        .into_par_iter()
        .map(|entry| {
            let rendered = render_body(resolver, images, entry);
            let mut problems = Diagnostics::default();
            body_problems(entry, &rendered, &mut problems);
            if let Some(entry) = Arc::get_mut(entry) {
                entry.forget_text(&root);
            }
            (entry.path.clone(), Arc::new(rendered), problems)
        })
        .collect();
    let mut diagnostics = Diagnostics::default();
    let mut bodies = Bodies::with_capacity(results.len());
    for (path, rendered, problems) in results {
        diagnostics.extend(problems);
        bodies.insert(path, rendered);
    }
    diagnostics.into_result(bodies)
}

fn hash_of(value: &impl std::hash::Hash) -> u64 {
    use std::hash::Hasher;
    let mut hasher = std::hash::DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// Every entry's Markdown, rendered once, in parallel; broken internal links are diagnostics.
/// A body is rendered again only when its text or the set of link targets changed. `keep`:
/// remember the renderings for the next build (a one-off build does not pay for the copies).
fn render_markdown(
    site: &Site,
    images: &Images,
    resolver: &ContentLinks,
    cache: &mut HashMap<u64, Arc<markdown::Rendered>>,
    keep: bool,
) -> Result<Bodies, Diagnostics> {
    let mut old = std::mem::take(cache);
    // `None`: the cached rendering is still right; it is shared below, not copied.
    let results: Vec<(&Entry, u64, Option<markdown::Rendered>)> = site
        .entries()
        .into_par_iter()
        .map(|entry| {
            let key = body_key(resolver, images, entry);
            let rendered = (!old.contains_key(&key)).then(|| render_body(resolver, images, entry));
            (entry, key, rendered)
        })
        .collect();
    let mut diagnostics = Diagnostics::default();
    let mut bodies = Bodies::with_capacity(results.len());
    for (entry, key, rendered) in results {
        let cached = cache.get(&key).cloned().or_else(|| old.remove(&key));
        let Some(rendered) = rendered.map(Arc::new).or(cached) else { continue };
        if keep {
            cache.insert(key, Arc::clone(&rendered));
        }
        body_problems(entry, &rendered, &mut diagnostics);
        bodies.insert(entry.path.clone(), rendered);
    }
    diagnostics.into_result(bodies)
}

/// `render_markdown` after the bodies of `edits` alone changed, with the link targets and the
/// photos of the `linked` build: every other body is still right, and had no problem.
fn render_edited_markdown(
    images: &Images,
    linked: &Linked,
    edits: &BodyEdits,
    cache: &mut HashMap<u64, Arc<markdown::Rendered>>,
) -> Result<Bodies, Diagnostics> {
    let resolver = &linked.links;
    let mut bodies = Bodies::clone(&linked.bodies);
    // A draft is in no page: it has no body to render.
    let edits: Vec<&(Arc<Entry>, Arc<Entry>)> =
        edits.iter().filter(|(old, _)| bodies.contains_key(&old.path)).collect();
    let results: Vec<(&Entry, u64, Arc<markdown::Rendered>)> = edits
        .par_iter()
        .map(|(_, entry)| {
            let key = body_key(resolver, images, entry);
            let rendered = match cache.get(&key) {
                Some(rendered) => Arc::clone(rendered),
                None => Arc::new(render_body(resolver, images, entry)),
            };
            (&**entry, key, rendered)
        })
        .collect();
    for (old, _) in &edits {
        cache.remove(&body_key(resolver, images, old));
    }
    let mut diagnostics = Diagnostics::default();
    for (entry, key, rendered) in results {
        cache.insert(key, Arc::clone(&rendered));
        body_problems(entry, &rendered, &mut diagnostics);
        bodies.insert(entry.path.clone(), rendered);
    }
    diagnostics.into_result(bodies)
}

/// What the rendering of an entry's body depends on: its file, every link target, the photos
/// beside it and the raw-HTML mode (changing it in site.toml renders again). The entry's hash
/// (of its whole file) stands for its body: not hashed again.
fn body_key(resolver: &ContentLinks, images: &Images, entry: &Entry) -> u64 {
    let raw_html = resolver.raw_html;
    hash_of(&(resolver.hash, raw_html, images.signature(&entry.path), entry.hash))
}

fn render_body(resolver: &ContentLinks, images: &Images, entry: &Entry) -> markdown::Rendered {
    let assets = images.assets_of(&entry.path);
    markdown::render_full(entry.body(), resolver, resolver.raw_html, &assets)
}

/// The broken links and photos of a rendered body, located in its file.
fn body_problems(entry: &Entry, rendered: &markdown::Rendered, diagnostics: &mut Diagnostics) {
    for problem in &rendered.problems {
        let help = problem.suggestion.as_ref().map(|s| crate::msg!("diag.did_you_mean", value = s));
        let message = crate::msg!("link.no_target", target = problem.target.as_str());
        let diagnostic = entry.error_in_body(problem.span.clone(), message);
        diagnostics.push(diagnostic.with_optional_help(help));
    }
    for problem in &rendered.asset_problems {
        let diagnostic = entry.error_in_body(problem.span.clone(), problem.message.clone());
        diagnostics.push(diagnostic.with_optional_help(problem.help.clone()));
    }
}

/// A page of an earlier build: its bytes, the fingerprint of its context and templates, and
/// what its context was built from, so that a rebuild can tell without building the context
/// again whether it can have changed.
#[derive(Debug, Clone)]
struct Page {
    fingerprint: u64,
    bytes: Arc<[u8]>,
    template: u64,
    shared: u64,
    /// The nodes the page shows, with their fingerprints then.
    nodes: Arc<[(NodeKey, u64)]>,
    /// For list pages: the order of every list and the section texts then.
    lists: Option<u64>,
    /// The image variants its templates asked for (`resize_image`).
    asked: Arc<[Variant]>,
}

impl Page {
    fn still_valid(&self, now: &Page, fingerprints: &Fingerprints) -> bool {
        self.template == now.template
            && self.shared == now.shared
            && self.lists == now.lists
            && self.nodes.iter().all(|(key, hash)| fingerprints.nodes.get(key) == Some(hash))
    }
}

/// Pages rendered by this build, the image variants they ask for, the new page cache (empty
/// unless the cache keeps pages) and the ids of the pages that links point into.
type PagesRendered = (usize, Vec<Variant>, HashMap<String, Page>, PageIds);

/// One page: whether it was rendered (not reused), its image variants, what the cache keeps
/// of it, and its ids if a link points into it; `None` once the build is cancelled.
type PageResult = Result<
    Option<(bool, Vec<Variant>, Option<(String, Page)>, Option<(String, Vec<String>)>)>,
    Diagnostic,
>;

/// What rendering pages needs besides their shared context.
struct PagesJob<'a> {
    staged: &'a Staged,
    output: &'a dyn Output,
    cancelled: &'a (dyn Fn() -> bool + Sync),
    /// The links to fragments, which say whose ids to collect.
    anchors: &'a AnchorLinks<'a>,
}

impl PagesJob<'_> {
    /// Renders (or reuses) the pages of the routes `which` selects and writes them; `Ok(None)`
    /// when the build was cancelled.
    fn render(
        &self,
        shared: &Shared,
        which: impl Fn(&Route) -> bool + Sync,
    ) -> Result<Option<PagesRendered>, Error> {
        let PagesJob { staged, output, cancelled, anchors: anchor_links } = *self;
        let (site, renderer, bodies) = (&staged.site, &staged.renderer, &staged.bodies);
        let results: Vec<PageResult> = site
            .routes
            .par_iter()
            .filter(|route| which(route))
            .map(|route| {
                if cancelled() {
                    return Ok(None);
                }
                let file = anchors::output_file(route);
                let ids_of = |bytes: &[u8]| {
                    anchor_links.wants(&file).then(|| (file.clone(), anchors::ids_in(bytes)))
                };
                if !staged.keep_pages {
                    // A one-off build renders every page and keeps nothing for a next build.
                    images::take_asked();
                    let bytes = renderer.render(site, shared, bodies, route)?;
                    output.write(&file, &bytes).map_err(|e| write_error(&file, &e))?;
                    return Ok(Some((true, images::take_asked(), None, ids_of(&bytes))));
                }
                let (fresh, page) = staged.render_route(route, shared)?;
                output
                    .write_shared(&file, page.bytes.clone())
                    .map_err(|e| write_error(&file, &e))?;
                let asked = page.asked.to_vec();
                let ids = ids_of(&page.bytes);
                Ok(Some((fresh, asked, Some((file.clone(), page)), ids)))
            })
            .collect();
        let mut rendered = 0;
        let mut all_asked = Vec::new();
        let mut pages = HashMap::new();
        let mut ids = PageIds::new();
        let mut problems = Vec::new();
        for result in results {
            match result {
                Ok(Some((fresh, asked, kept, page_ids))) => {
                    rendered += usize::from(fresh);
                    all_asked.extend(asked);
                    pages.extend(kept);
                    ids.extend(page_ids);
                }
                Ok(None) => return Ok(None),
                Err(diagnostic) => problems.push(diagnostic),
            }
        }
        // One broken template fails every page it renders; report each template once.
        let mut diagnostics: Diagnostics = problems.into_iter().collect();
        diagnostics.0.dedup_by(|a, b| a.path == b.path && a.path.starts_with("themes"));
        diagnostics
            .into_result(Some((rendered, all_asked, pages, ids)))
            .map_err(|d| Error::Content(dedup_templates(d)))
    }
}

/// The static files whose published name changed, `(old, new)`; `None` when the set of files
/// changed (a page may link a file that did not exist before: it is rendered again).
fn asset_renames(
    old: &HashMap<String, String>,
    new: &HashMap<String, String>,
) -> Option<Vec<(String, String)>> {
    if old.len() != new.len() || !old.keys().all(|name| new.contains_key(name)) {
        return None;
    }
    let mut renames: Vec<(String, String)> = old
        .iter()
        .filter_map(|(name, before)| {
            let after = new.get(name)?;
            (after != before).then(|| (before.clone(), after.clone()))
        })
        .collect();
    renames.sort();
    Some(renames)
}

/// A kept page with the new names of its static files. A published name carries 8 hex digits
/// of a hash, so it appears in a page only where `asset()` wrote it; the served site stays
/// byte for byte a fresh build (tests/serve.rs checks it after stylesheet edits).
fn rename_assets(bytes: &Arc<[u8]>, renames: &[(String, String)]) -> Arc<[u8]> {
    let Ok(text) = std::str::from_utf8(bytes) else { return Arc::clone(bytes) };
    if !renames.iter().any(|(old, _)| text.contains(old.as_str())) {
        return Arc::clone(bytes);
    }
    let mut text = text.to_owned();
    for (old, new) in renames {
        text = text.replace(old.as_str(), new);
    }
    Arc::from(text.into_bytes())
}

fn dedup_templates(diagnostics: Diagnostics) -> Diagnostics {
    let mut seen = std::collections::BTreeSet::new();
    diagnostics
        .into_iter()
        .filter(|d| !d.path.starts_with("themes") || seen.insert(d.path.clone()))
        .collect()
}

/// Sitemap, robots.txt, the generated files (feeds, calendars, open data) and static files;
/// returns how many files were written.
fn write_extras(site: &Site, assets: &Assets, output: &dyn Output) -> Result<usize, Error> {
    let robots = ("robots.txt".to_owned(), render::robots(site).into_bytes());
    let sitemaps = render::sitemaps(site).into_iter().map(|(path, xml)| (path, xml.into_bytes()));
    let written = write_files(output, std::iter::once(robots).chain(sitemaps))?;
    let mut diagnostics = Diagnostics::default();
    for (path, source) in &assets.files {
        let written = match source {
            Source::Copy(file) => std::fs::read(file).and_then(|bytes| output.write(path, &bytes)),
            Source::Bytes(bytes) => output.write(path, bytes),
        };
        if let Err(error) = written {
            diagnostics.push(write_error(path, &error));
        }
    }
    diagnostics.into_result(written + assets.files.len()).map_err(Error::Content)
}

/// Writes generated files, each dropped once written; returns how many there were.
fn write_files(
    output: &dyn Output,
    files: impl IntoIterator<Item = (String, Vec<u8>)>,
) -> Result<usize, Error> {
    let mut diagnostics = Diagnostics::default();
    let mut count = 0;
    for (path, bytes) in files {
        count += 1;
        if let Err(error) = output.write(&path, &bytes) {
            diagnostics.push(write_error(&path, &error));
        }
    }
    diagnostics.into_result(count).map_err(Error::Content)
}

fn write_error(path: &str, error: &std::io::Error) -> Diagnostic {
    Diagnostic::new(path, crate::msg!("output.cannot_write_file", error = error.to_string()))
}

/// Resolves `@/municipalities/012068.md` to the page of that content file.
struct ContentLinks {
    urls: std::collections::HashMap<String, String>,
    /// A hash of every link target, in a stable order.
    hash: u64,
    /// The site's raw-HTML mode, which the bodies are rendered with.
    raw_html: markdown::RawHtml,
}

impl ContentLinks {
    /// The key of a content file as `@/` links name it: `news/x.md` for `content/news/x.md`. A
    /// link to a Japanese file name is matched in NFC, whatever form the file system or the
    /// editor's keyboard gave it.
    fn key_of(path: &Path) -> String {
        let key = path.strip_prefix("content").unwrap_or(path).to_string_lossy().replace('\\', "/");
        unicode_normalization::UnicodeNormalization::nfc(key.as_str()).collect()
    }

    fn new(site: &Site) -> ContentLinks {
        let urls = site
            .entry_pages()
            .into_iter()
            .map(|(entry, page)| (ContentLinks::key_of(&entry.path), site.url(&page)))
            .collect::<HashMap<String, String>>();
        let hash = hash_of(&urls.iter().collect::<std::collections::BTreeMap<_, _>>());
        ContentLinks { urls, hash, raw_html: site.config.raw_html }
    }
}

impl LinkResolver for ContentLinks {
    fn resolve(&self, path: &str) -> Option<String> {
        let path: String =
            unicode_normalization::UnicodeNormalization::nfc(path.trim_start_matches('/'))
                .collect();
        self.urls.get(&path).cloned()
    }

    fn candidates(&self) -> Vec<String> {
        let mut candidates: Vec<String> = self.urls.keys().cloned().collect();
        candidates.sort();
        candidates
    }
}
