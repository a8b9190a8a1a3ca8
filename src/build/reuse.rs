//! What a rebuild keeps from the builds before it: the description of incremental rebuilds.
//!
//! `renkei serve` keeps one [`Cache`] for its lifetime; `renkei build` starts from an empty one
//! that keeps no pages in memory (it keeps the pages of its output folder instead, by what the
//! manifest records they were made from: [`pages_key`], `PagesJob::one_off`). At the start of a build, [`Reuse`] compares what the cache holds with the
//! configuration and the files loaded now, decides once what may be taken over, and the steps of
//! the pipeline (`pipeline.rs`) ask it rather than testing the cache themselves. The rules, from
//! the cheapest change to the dearest:
//!
//! - **Content files** (`load::EntryCache`): a file whose bytes did not change is not parsed
//!   again; after a watcher's event, files it did not name are not even read.
//! - **Templates** ([`KeptRenderer`]): kept while the configuration, the template files, the
//!   static files' names and the photos are what they were parsed with.
//! - **Body edits** ([`Linked`]): when the files loaded differ from the last linked build only in
//!   the bodies of some entries (the common edit), the site is not linked again, nor the link
//!   targets listed; unless a photo changed, only the edited bodies are rendered again and only
//!   their nodes' fingerprints hashed again. Anything else (a file added, removed or renamed, a
//!   front matter edited, a file that failed to load, the configuration) links everything again.
//! - **Bodies** (`Cache::bodies`): a body is rendered again only when its file, the set of link
//!   targets, the photos beside it or the raw-HTML mode changed (`bodies::body_key`).
//! - **Pages** ([`WrittenPage`]): a page is kept, without even building its context, while its
//!   template, the shared context, the list orders (list pages) and the fingerprints of the
//!   nodes it showed (`render::deps::Fingerprints`) are unchanged. Otherwise its context is built;
//!   when its hash is the old one the old bytes are kept, else it is rendered. The home, 404,
//!   search and data pages are drawn from the whole site: their contexts are always built.
//!   A configuration change drops every page; so does a static file added or removed. An
//!   edited static file only renames it: kept pages get the new name (`rename_assets`).
//! - **Generated files** (`generated.rs`: feeds, calendars, open data, search index): kept while
//!   the site key (configuration, photos, every node's fingerprint, list orders) is the same.
//!
//! Whatever is reused, the output is byte for byte what a fresh build writes (tests/serve.rs's
//! property test compares them after random edits).

use std::collections::HashMap;
use std::hash::Hash;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::bodies::ContentLinks;
use super::generated::Generated;
use super::pages::WrittenPage;
use crate::assets::Assets;
use crate::config::Config;
use crate::diag::Diagnostics;
use crate::hash::of as hash_of;
use crate::images::Images;
use crate::load::{self, Entry, EntryCache};
use crate::markdown;
use crate::markdown::Bodies;
use crate::model::{Collection, NodeId, Site};
use crate::render::Renderer;
use crate::render::deps::Fingerprints;

/// What a rebuild can reuse from the builds before it. `renkei serve` keeps one for its
/// lifetime; `renkei build` starts from an empty one and keeps no pages.
#[derive(Debug, Default)]
pub struct Cache {
    entries: EntryCache,
    /// Rendered Markdown by a hash of the body and of every link target it could resolve.
    bodies: HashMap<u64, Arc<markdown::Rendered>>,
    /// Output file → what it was rendered from, and its bytes.
    pages: Arc<HashMap<String, WrittenPage>>,
    /// A hash of the configuration the pages were rendered with.
    config: u64,
    /// The published names of the static files the pages were rendered with.
    asset_names: HashMap<String, String>,
    /// The generated files of the last finished build.
    generated: Option<Arc<Generated>>,
    /// The parsed templates of the last build.
    renderer: Option<KeptRenderer>,
    /// The linked site of the last build that got through its Markdown.
    linked: Option<Arc<Linked>>,
    keep_pages: bool,
    /// Keep the content files' texts to the end of the build (`check` looks at them again).
    keep_texts: bool,
}

impl Cache {
    /// A cache that keeps the rendered pages, for repeated builds.
    pub fn new() -> Cache {
        Cache { keep_pages: true, keep_texts: true, ..Cache::default() }
    }

    /// A cache for one build that keeps no pages but the content files' texts, which `check`
    /// looks at again once the build is done (`Staged::into_entries`).
    pub(super) fn for_check() -> Cache {
        Cache { keep_texts: true, ..Cache::default() }
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

/// What the cache keeps of a finished build (`Cache::keep`): its pages, and the published
/// names of the static files they link.
pub struct Kept {
    pub(super) pages: Arc<HashMap<String, WrittenPage>>,
    pub(super) asset_names: HashMap<String, String>,
    pub(super) generated: Option<Arc<Generated>>,
}

/// The decisions of one build about what it takes from the [`Cache`], made once and asked by
/// the steps of the pipeline.
pub(super) struct Reuse<'c> {
    cache: &'c mut Cache,
    /// A hash of the configuration of this build.
    config: u64,
    /// The last linked build and the entries whose body alone changed since; `None`: the site
    /// is linked again.
    edited: Option<(Arc<Linked>, BodyEdits)>,
    /// The photos of this build are those of the linked build.
    same_images: bool,
}

impl Reuse<'_> {
    /// Starts a build with `cache`; a changed configuration drops every kept page.
    pub(super) fn begin<'c>(config: &Config, cache: &'c mut Cache) -> Reuse<'c> {
        let hash = hash_of(&format!("{config:?}"));
        if cache.config != hash {
            cache.pages = Arc::default();
            cache.config = hash;
        }
        Reuse { cache, config: hash, edited: None, same_images: false }
    }

    /// Whether this build keeps what it makes for a next one (`renkei serve`).
    pub(super) fn keeps(&self) -> bool {
        self.cache.keep_pages
    }

    /// Whether the build goes on past the problems of a step to find those of the later steps
    /// too, rendering into nothing: a one-off build (`build`, `check`) lists every problem at
    /// once; `serve`, which keeps its pages, stops at the first step with problems, to show them
    /// in the browser without waiting for the pages.
    pub(super) fn goes_on_past_problems(&self) -> bool {
        !self.keeps()
    }

    /// Whether the content files' texts outlive the Markdown step (`Cache::for_check`, serve).
    pub(super) fn keeps_texts(&self) -> bool {
        self.cache.keep_texts
    }

    pub(super) fn config_hash(&self) -> u64 {
        self.config
    }

    /// The content files of the last load, for loading again.
    pub(super) fn entries(&mut self) -> &mut EntryCache {
        &mut self.cache.entries
    }

    /// The rendered bodies by `bodies::body_key`.
    pub(super) fn bodies(&mut self) -> &mut HashMap<u64, Arc<markdown::Rendered>> {
        &mut self.cache.bodies
    }

    /// The templates of the last build, taken out (`templates_and_assets` decides whether they
    /// are still right).
    pub(super) fn take_renderer(&mut self) -> Option<KeptRenderer> {
        self.cache.renderer.take()
    }

    /// The renderer of this build, for the next one.
    pub(super) fn keep_renderer(&mut self, renderer: KeptRenderer) {
        self.cache.renderer = Some(renderer);
    }

    /// Compares the files loaded now with those of the last linked build.
    pub(super) fn compare(&mut self, loaded: &load::Loaded) {
        let config = self.config;
        self.edited = self.cache.linked.as_ref().and_then(|linked| {
            linked.body_edits(loaded, config).map(|edits| (Arc::clone(linked), edits))
        });
    }

    /// The site of the last build with the edited bodies in place, and the nodes holding them;
    /// `None` when the site must be linked again.
    pub(super) fn site(&self) -> Option<(Arc<Site>, Vec<NodeId>)> {
        self.edited.as_ref().map(|(linked, edits)| linked.site_after(edits))
    }

    /// Whether the site is linked again (for the trace).
    pub(super) fn links_again(&self) -> bool {
        self.edited.is_none()
    }

    /// The static files renamed since the pages were rendered, `(old, new)`. A static file
    /// added or removed drops every kept page instead (a page may link it).
    pub(super) fn renames(&mut self, assets: &Assets) -> Vec<(String, String)> {
        match asset_renames(&self.cache.asset_names, &assets.names) {
            Some(renames) => renames,
            None => {
                self.cache.pages = Arc::default();
                Vec::new()
            }
        }
    }

    /// Notes the photos of this build: unless they changed, the bodies of the linked build stay
    /// right (a body may show a photo).
    pub(super) fn images(&mut self, images: &Images) {
        let hash = images.hash();
        self.same_images = self.edited.as_ref().is_some_and(|(linked, _)| linked.images == hash);
    }

    /// The link targets of the last build, when the site was not linked again.
    pub(super) fn links(&self) -> Option<Arc<ContentLinks>> {
        self.edited.as_ref().map(|(linked, _)| Arc::clone(&linked.links))
    }

    /// The bodies of the linked build and the edits to render into them, when only bodies
    /// changed and the photos did not.
    pub(super) fn kept_bodies(&self) -> Option<(Arc<Bodies>, BodyEdits)> {
        let (linked, edits) = self.edited.as_ref().filter(|_| self.same_images)?;
        Some((Arc::clone(&linked.bodies), edits.clone()))
    }

    /// The fingerprints of this build's nodes: none for a one-off build, those of the linked
    /// build with the edited nodes hashed again, or all made now.
    pub(super) fn fingerprints(
        &self,
        site: &Site,
        bodies: &Bodies,
        edited: &[NodeId],
    ) -> Fingerprints {
        if !self.keeps() {
            return Fingerprints::default();
        }
        match self.edited.as_ref().filter(|_| self.same_images) {
            Some((linked, _)) => linked.fingerprints.after_body_edits(site, bodies, edited),
            None => Fingerprints::new(site, bodies),
        }
    }

    /// Output file → index in `site.routes`: those of the linked build when the routes are its.
    pub(super) fn files(&self, site: &Site) -> Arc<HashMap<String, usize>> {
        if !self.keeps() {
            return Arc::default();
        }
        match &self.edited {
            Some((linked, _)) => Arc::clone(&linked.files),
            None => Arc::new(super::pages::output_files(site)),
        }
    }

    /// A hash of everything the generated files are made from (0 for a one-off build, which
    /// keeps none): the configuration, the photos, and every node's files, rendered bodies and
    /// relations (its fingerprint), list orders and section texts.
    pub(super) fn site_key(
        &self,
        site: &Site,
        fingerprints: &Fingerprints,
        images: u64,
        lists: u64,
    ) -> u64 {
        use std::hash::Hasher;
        if !self.keeps() {
            return 0;
        }
        let mut hasher = std::hash::DefaultHasher::new();
        (self.config, images, lists).hash(&mut hasher);
        for (id, node) in site.nodes.iter().enumerate() {
            node.entry.path.hash(&mut hasher);
            fingerprints.nodes.get(&crate::render::deps::key(site, id)).hash(&mut hasher);
        }
        hasher.finish()
    }

    /// The generated files of the last build, when made from the same site.
    pub(super) fn generated(&self, site_key: u64) -> Option<Arc<Generated>> {
        let generated = self.cache.generated.as_ref();
        generated.filter(|g| self.keeps() && g.key == site_key).cloned()
    }

    /// The pages of the last build.
    pub(super) fn pages(&self) -> Arc<HashMap<String, WrittenPage>> {
        Arc::clone(&self.cache.pages)
    }

    /// Keeps the linked site of this build, which got through its Markdown, for the next one.
    pub(super) fn keep_linked(&mut self, linked: Linked) {
        if self.keeps() {
            self.cache.linked = Some(Arc::new(linked));
        }
    }
}

/// The order of every list and the section texts, in one hash (list pages show them).
pub(super) fn lists_hash(fingerprints: &Fingerprints) -> u64 {
    let mut all: Vec<(&Collection, &u64)> = fingerprints.lists.iter().collect();
    all.sort();
    hash_of(&(all, fingerprints.sections))
}

/// The parsed templates of an earlier build, with what they were made from: they are used
/// again while the configuration, the templates, the static files' names and the photos
/// (`resize_image` answers from them) stay the same.
#[derive(Clone)]
pub(super) struct KeptRenderer {
    pub(super) renderer: Arc<Renderer>,
    /// A hash of the configuration, the templates' texts and the static files' names.
    made_from: u64,
    images: u64,
}

impl std::fmt::Debug for KeptRenderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeptRenderer")
    }
}

/// The templates as a build starts: kept from the last build, or parsed now.
pub(super) enum Templates {
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
pub(super) fn templates_and_assets(
    config: &Config,
    config_hash: u64,
    kept: Option<KeptRenderer>,
) -> (Result<Templates, Diagnostics>, Result<Assets, Diagnostics>) {
    let assets = Assets::collect(config);
    // A template that cannot be read is parsed again, which reports it.
    let still_right = |kept: &KeptRenderer| {
        let (Ok(assets), Ok(templates)) = (&assets, Renderer::templates_on_disk(config)) else {
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

/// The part of every page's `made_from` (recorded in the output's manifest, see
/// `Output::keep_page`) that is not in its fingerprint: the program, the configuration, the
/// templates, the static files' names and the photos. Within one `renkei serve` these are
/// compared by `KeptRenderer`; across two runs of `renkei build` the program may have changed
/// too (its filters, its Markdown), so it is part of the key. `None` when the program cannot
/// be read: pages are then always rendered.
pub(super) fn pages_key(config: &Config, renderer: &KeptRenderer, assets: &Assets) -> Option<u64> {
    // Where the site's folder is does not change its pages: the same site built from another
    // folder (a fresh checkout) gives the same manifest.
    let config = Config { root: PathBuf::new(), ..config.clone() };
    let templates =
        renderer_key(hash_of(&format!("{config:?}")), renderer.renderer.sources_hash(), assets);
    program_identity().map(|program| hash_of(&(program, templates, renderer.images)))
}

/// A hash of the running program's bytes, read once per process in small pieces (the program
/// is 16 MB of code and up to 100 MB with its line tables, which a build need not hold). The
/// first build asks for it while it loads the content (`pipeline::load_with_templates`), so
/// that the 20–30 ms it takes are not spent while the other cores wait.
pub(super) fn program_identity() -> Option<u64> {
    use std::io::Read;
    static IDENTITY: std::sync::OnceLock<Option<u64>> = std::sync::OnceLock::new();
    *IDENTITY.get_or_init(|| {
        let mut file = std::fs::File::open(std::env::current_exe().ok()?).ok()?;
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        let mut buffer = vec![0; 256 * 1024];
        loop {
            match file.read(&mut buffer) {
                Ok(0) => return Some(hasher.digest()),
                Ok(read) => hasher.update(&buffer[..read]),
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return None,
            }
        }
    })
}

/// The renderer of this build: the kept one when the photos are the same too, else one parsed
/// (again) and given the static files' names and the photos. A kept renderer is never changed,
/// since the pages of the last build may still be rendering with it.
pub(super) fn ready_renderer(
    config: &Config,
    config_hash: u64,
    templates: Templates,
    assets: &Assets,
    images: &Arc<Images>,
) -> Result<KeptRenderer, Diagnostics> {
    let images_hash = images.hash();
    let mut renderer = match templates {
        Templates::Kept(kept) if kept.images == images_hash => return Ok(kept),
        Templates::Kept(_) => Renderer::new(config)?,
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
pub(super) struct Linked {
    /// The entries it was linked from, in the order they were loaded.
    pub(super) entries: Vec<Arc<Entry>>,
    /// A hash of the configuration.
    pub(super) config: u64,
    /// A hash of the photos.
    pub(super) images: u64,
    pub(super) site: Arc<Site>,
    pub(super) links: Arc<ContentLinks>,
    pub(super) bodies: Arc<Bodies>,
    pub(super) fingerprints: Arc<Fingerprints>,
    pub(super) files: Arc<HashMap<String, usize>>,
}

impl std::fmt::Debug for Linked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Linked")
    }
}

/// Entries whose body alone changed: (as the site was linked from it, as loaded now).
pub(super) type BodyEdits = Vec<(Arc<Entry>, Arc<Entry>)>;

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
    fn site_after(&self, edits: &BodyEdits) -> (Arc<Site>, Vec<NodeId>) {
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
pub(super) fn rename_assets(bytes: &Arc<[u8]>, renames: &[(String, String)]) -> Arc<[u8]> {
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
