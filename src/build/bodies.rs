//! The Markdown step: every entry's body rendered to HTML, its `@/` links resolved to pages and
//! its photos checked. One renderer ([`BodyRenderer::render`]) renders and checks a set of
//! entries in parallel; the three ways a build uses it differ only in which entries they give
//! it and what they keep (see `render_bodies`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::reuse::BodyEdits;
use crate::diag::Diagnostics;
use crate::hash::of as hash_of;
use crate::images::{self, Images};
use crate::load::{Entry, EntryCache};
use crate::markdown::Bodies;
use crate::markdown::{self, LinkResolver};
use crate::model::Site;

/// Rendered bodies by `body_key`, kept by `renkei serve` between builds.
pub(super) type BodyCache = HashMap<u64, Arc<markdown::Rendered>>;

/// How the bodies of this build are made.
pub(super) enum BodyJob<'a> {
    /// A one-off build, which holds the only reference to its site: every body rendered, each
    /// entry's text dropped as soon as its body is (only a diagnostic needs a source again, and
    /// it reads the file anew; the sources are a third of a large site's peak memory).
    Forgetting(&'a mut Site, &'a mut EntryCache),
    /// Every body of the site, those in the cache taken from it; `keep`: the cache then holds
    /// this build's bodies (a one-off build does not pay for the copies).
    All { site: &'a Site, cache: &'a mut BodyCache, keep: bool },
    /// Only the edited entries' bodies rendered into the bodies of the linked build, whose link
    /// targets and photos are this build's: every other body is still right, and had no problem.
    Edited { linked: &'a Bodies, edits: &'a BodyEdits, cache: &'a mut BodyCache },
}

/// Renders the bodies as `how` says; every broken link or photo is a diagnostic. The bodies
/// come with their problems, so that a one-off build can go on to find the later steps' too.
pub(super) fn render_bodies(
    how: BodyJob<'_>,
    links: &ContentLinks,
    images: &Images,
) -> (Bodies, Diagnostics) {
    let renderer = BodyRenderer { links, images };
    let empty = BodyCache::new();
    match how {
        BodyJob::Forgetting(site, entries) => {
            *entries = EntryCache::default();
            let root: Arc<Path> = Arc::from(site.config.root.as_path());
            let nodes = site
                .nodes
                .iter_mut()
                .flat_map(|n| std::iter::once(&mut n.entry).chain(n.translations.values_mut()));
            let all: Vec<Forget> =
                nodes.chain(site.sections.values_mut()).map(|entry| (entry, &root)).collect();
            let (bodies, _, problems) = renderer.render(all, &empty, Bodies::new());
            (bodies, problems)
        }
        BodyJob::All { site, cache, keep } => {
            let old = std::mem::take(cache);
            let (bodies, used, problems) = renderer.render(site.entries(), &old, Bodies::new());
            if keep {
                *cache = used;
            }
            (bodies, problems)
        }
        BodyJob::Edited { linked, edits, cache } => {
            // A draft is in no page: it has no body to render.
            let edited: Vec<&Entry> = edits
                .iter()
                .filter(|(old, _)| linked.contains_key(&old.path))
                .map(|(_, new)| &**new)
                .collect();
            for (old, _) in edits.iter().filter(|(old, _)| linked.contains_key(&old.path)) {
                cache.remove(&body_key(links, images, old));
            }
            let (bodies, used, problems) = renderer.render(edited, cache, Bodies::clone(linked));
            cache.extend(used);
            (bodies, problems)
        }
    }
}

/// An entry to render whose text is then dropped, when nothing else holds it.
type Forget<'a> = (&'a mut Arc<Entry>, &'a Arc<Path>);

/// An entry to render: borrowed, or one whose text is dropped once rendered.
trait BodySource: Send {
    fn entry(&self) -> &Entry;
    /// Called once the entry's body is rendered and checked.
    fn done(&mut self) {}
}

impl BodySource for &Entry {
    fn entry(&self) -> &Entry {
        self
    }
}

impl BodySource for Forget<'_> {
    fn entry(&self) -> &Entry {
        self.0
    }

    fn done(&mut self) {
        if let Some(entry) = Arc::get_mut(self.0) {
            entry.forget_text(self.1);
        }
    }
}

/// Renders bodies with one build's link targets and photos.
struct BodyRenderer<'a> {
    links: &'a ContentLinks,
    images: &'a Images,
}

impl BodyRenderer<'_> {
    /// Renders `entries` in parallel (those in `cached` taken from it) into `bodies`; returns
    /// them, every rendering used by key, and the problems of the rendered entries.
    fn render<S: BodySource>(
        &self,
        entries: Vec<S>,
        cached: &BodyCache,
        mut bodies: Bodies,
    ) -> (Bodies, BodyCache, Diagnostics) {
        let results: Vec<(PathBuf, u64, Arc<markdown::Rendered>, Diagnostics)> = entries
            .into_par_iter()
            .map(|mut source| {
                let entry = source.entry();
                let key = body_key(self.links, self.images, entry);
                let rendered = match cached.get(&key) {
                    Some(rendered) => Arc::clone(rendered),
                    None => Arc::new(self.render_one(entry)),
                };
                let problems = body_problems(entry, &rendered);
                let path = entry.path.clone();
                source.done();
                (path, key, rendered, problems)
            })
            .collect();
        let mut used = BodyCache::with_capacity(results.len());
        let mut diagnostics = Diagnostics::default();
        bodies.reserve(results.len());
        for (path, key, rendered, problems) in results {
            diagnostics.extend(problems);
            used.insert(key, Arc::clone(&rendered));
            bodies.insert(path, rendered);
        }
        (bodies, used, diagnostics)
    }

    fn render_one(&self, entry: &Entry) -> markdown::Rendered {
        let assets = self.images.assets_of(&entry.path);
        markdown::render_full(entry.body(), self.links, self.links.raw_html, &assets)
    }
}

/// What the rendering of an entry's body depends on: its file, every link target, the photos
/// beside it and the raw-HTML mode (changing it in site.toml renders again). The entry's hash
/// (of its whole file) stands for its body: not hashed again.
fn body_key(links: &ContentLinks, images: &Images, entry: &Entry) -> u64 {
    hash_of(&(links.hash, links.raw_html, images.signature(&entry.path), entry.hash))
}

/// The broken links and photos of a rendered body, located in its file.
fn body_problems(entry: &Entry, rendered: &markdown::Rendered) -> Diagnostics {
    let mut diagnostics = Diagnostics::default();
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
    diagnostics
}

/// The problems of the Markdown step (links, photos) of a site that already has others, for a
/// build that will fail: links to files that failed to load are not reported again.
pub(super) fn markdown_problems(site: &Site, unavailable_files: &[PathBuf]) -> Diagnostics {
    let (images, mut problems) = images::scan(site);
    problems.extend(front_matter_images(site, &images));
    let links = ContentLinks::new(site).with_unavailable(unavailable_files);
    let how = BodyJob::All { site, cache: &mut BodyCache::new(), keep: false };
    problems.extend(render_bodies(how, &links, &images).1);
    problems
}

/// A front matter `image:` must name a JPEG, PNG or WebP beside a folder entry, with alt text.
pub(super) fn front_matter_images(site: &Site, images: &Images) -> Diagnostics {
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

/// Resolves `@/municipalities/012068.md` to the page of that content file.
pub(super) struct ContentLinks {
    urls: HashMap<String, String>,
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
        crate::japanese::nfc(&key)
    }

    pub(super) fn new(site: &Site) -> ContentLinks {
        let urls = site
            .entry_pages()
            .into_iter()
            .map(|(entry, page)| (ContentLinks::key_of(&entry.path), site.url(&page)))
            .collect::<HashMap<String, String>>();
        let hash = hash_of(&urls.iter().collect::<std::collections::BTreeMap<_, _>>());
        ContentLinks { urls, hash, raw_html: site.config.raw_html }
    }

    /// These links, and links to the files that failed to load, which are then not reported as
    /// broken while their own problem is. Only for a build that fails: they lead nowhere.
    pub(super) fn with_unavailable(mut self, files: &[PathBuf]) -> ContentLinks {
        for file in files {
            self.urls.insert(ContentLinks::key_of(file), String::new());
        }
        self
    }
}

impl LinkResolver for ContentLinks {
    fn resolve(&self, path: &str) -> Option<String> {
        self.urls.get(&crate::japanese::nfc(path.trim_start_matches('/'))).cloned()
    }

    fn candidates(&self) -> Vec<String> {
        let mut candidates: Vec<String> = self.urls.keys().cloned().collect();
        candidates.sort();
        candidates
    }
}
