//! Loading: finds the content files under `content/`, reads them (UTF-8 checked), splits and
//! parses their front matter. Output: one `Entry` per file, or located diagnostics.
//! It reads the content folder only (the Markdown files, and the names of the files beside
//! folder entries); the configuration, templates, static files and photos are read by
//! `config`, `render`, `assets` and `images`. It knows nothing of relations.

pub mod front_matter;
mod ids;
pub mod meta;
pub mod slips;
mod syntax;
mod walk;

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, Location, suggest};
use crate::messages::Text;
use crate::msg;
use front_matter::{Split, SplitError};
pub use ids::check_slug;
pub use meta::{Date, Meta, Nendo, Precision};
#[cfg(feature = "serve")]
pub(crate) use walk::is_ignored;

// Why a date, an id or a code is wrong: the errors of the checks other stages use too.
pub use ids::IdError;
pub use meta::DateError;

/// The collections of the content model, one folder each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Collection {
    Wards,
    Prefectures,
    Municipalities,
    Events,
    Exhibits,
    News,
    Facilities,
    Agreements,
    /// Meetings of the bodies that run the project (連絡会, 推進委員会).
    Meetings,
    /// The bodies of the 協働プラットフォーム (companies, NPOs, universities …).
    Partners,
    /// Plain pages at the top of `content/`.
    Pages,
}

impl Collection {
    pub const FOLDERS: [Collection; 10] = [
        Collection::Wards,
        Collection::Prefectures,
        Collection::Municipalities,
        Collection::Events,
        Collection::Exhibits,
        Collection::News,
        Collection::Facilities,
        Collection::Agreements,
        Collection::Meetings,
        Collection::Partners,
    ];

    /// The folder under `content/`, which is also the first segment of the URL.
    pub fn folder(self) -> &'static str {
        match self {
            Collection::Wards => "wards",
            Collection::Prefectures => "prefectures",
            Collection::Municipalities => "municipalities",
            Collection::Events => "events",
            Collection::Exhibits => "exhibits",
            Collection::News => "news",
            Collection::Facilities => "facilities",
            Collection::Agreements => "agreements",
            Collection::Meetings => "meetings",
            Collection::Partners => "partners",
            Collection::Pages => "",
        }
    }

    pub fn from_folder(folder: &str) -> Option<Collection> {
        Collection::FOLDERS.into_iter().find(|c| c.folder() == folder)
    }
}

/// One content file, read and parsed.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Relative to the site root: `content/wards/chiyoda.md`.
    pub path: PathBuf,
    pub collection: Collection,
    /// The file stem without the language: `chiyoda`; `_index` for a section text.
    pub id: String,
    pub lang: String,
    /// An `_index.md`: the text of a list page.
    pub section: bool,
    /// Written as a folder (`content/events/<id>/index.md`), whose other files are published
    /// with the page (issue 10).
    pub folder: bool,
    /// The files beside a folder entry's `index.md` (photos, PDFs), relative to the site root,
    /// sorted; listed again on every load, since they change without the Markdown changing.
    pub assets: Vec<PathBuf>,
    pub meta: Meta,
    /// The whole file, without a byte-order mark.
    pub text: String,
    /// A hash of the file's bytes (and of the site's languages): equal hashes, equal entries.
    pub hash: u64,
    yaml: Range<usize>,
    yaml_line: usize,
    body: Range<usize>,
    /// The 1-based line of the file where the body starts.
    pub body_line: usize,
    /// The site root, once `text` was dropped (`forget_text`): diagnostics read the file again.
    reread_from: Option<Arc<Path>>,
}

impl Entry {
    /// The Markdown body; empty once the text was dropped (`forget_text`).
    pub fn body(&self) -> &str {
        self.text.get(self.body.clone()).unwrap_or_default()
    }

    /// The front matter as it was split, for locating values in it.
    pub fn split(&self) -> Split<'_> {
        self.split_of(&self.text)
    }

    /// `text` (this entry's, or the file read again) split where this entry's was.
    fn split_of<'a>(&self, text: &'a str) -> Split<'a> {
        Split {
            yaml: text.get(self.yaml.clone()).unwrap_or_default(),
            yaml_line: self.yaml_line,
            body: text.get(self.body.clone()).unwrap_or_default(),
            body_offset: self.body.start,
            body_line: self.body_line,
        }
    }

    /// Whether `other` is this file with only its body changed: the same place, photos beside
    /// it and front matter (so the same `meta`, which is parsed from nothing else).
    pub fn same_but_body(&self, other: &Entry) -> bool {
        self.path == other.path
            && self.collection == other.collection
            && self.id == other.id
            && self.lang == other.lang
            && self.section == other.section
            && self.folder == other.folder
            && self.assets == other.assets
            && self.yaml_line == other.yaml_line
            // Texts dropped after a one-off build's Markdown (`forget_text`) compare as changed.
            && self.reread_from.is_none()
            && other.reread_from.is_none()
            && self.text.get(self.yaml.clone()).is_some_and(|yaml| {
                other.text.get(other.yaml.clone()) == Some(yaml)
            })
    }

    /// Drops the file's text, which nothing but a diagnostic needs once the Markdown is
    /// rendered: a one-off build of a large site would otherwise hold every source until its
    /// last page is written. A diagnostic then reads the file again from `root`.
    pub fn forget_text(&mut self, root: &Arc<Path>) {
        self.text = String::new();
        self.reread_from = Some(Arc::clone(root));
    }

    /// The text the diagnostics point into: the entry's own, or the file read again once it was
    /// dropped. `None` when the file can no longer be read or changed size since it was loaded
    /// (a location in it would point at the wrong place).
    fn text_for_diagnostics(&self) -> Option<std::borrow::Cow<'_, str>> {
        let Some(root) = &self.reread_from else {
            return Some(std::borrow::Cow::Borrowed(&self.text));
        };
        let bytes = read_bounded(&root.join(&self.path)).ok()?;
        let text = decode(&self.path, bytes).ok()?;
        (text.len() == self.body.end).then_some(std::borrow::Cow::Owned(text))
    }

    /// A diagnostic at `value` as written in the front matter (after `key`), or at the file.
    pub fn error_at_value(&self, key: &str, value: &str, message: impl Into<Text>) -> Diagnostic {
        let diagnostic = Diagnostic::new(&self.path, message);
        let Some(text) = self.text_for_diagnostics() else { return diagnostic };
        let split = self.split_of(&text);
        let location = front_matter::locate_value(&split, Some(key), value)
            .or_else(|| front_matter::locate_key(&split, key));
        match location {
            Some(location) => diagnostic.at(location),
            None => diagnostic,
        }
    }

    /// A diagnostic at a field's value, or at its key when the value is empty (see
    /// `front_matter::locate_field`), or at the file.
    pub fn error_at_field(
        &self,
        key: &str,
        nested: Option<usize>,
        message: impl Into<Text>,
    ) -> Diagnostic {
        let diagnostic = Diagnostic::new(&self.path, message);
        let Some(text) = self.text_for_diagnostics() else { return diagnostic };
        match front_matter::locate_field(&self.split_of(&text), key, nested) {
            Some(location) => diagnostic.at(location),
            None => diagnostic,
        }
    }

    /// A diagnostic at byte range `span` of the body.
    pub fn error_in_body(&self, span: Range<usize>, message: impl Into<Text>) -> Diagnostic {
        let diagnostic = Diagnostic::new(&self.path, message);
        let Some(text) = self.text_for_diagnostics() else { return diagnostic };
        let body = text.get(self.body.clone()).unwrap_or_default();
        diagnostic.at(Location::from_offset(body, span.start, span.len(), self.body_line))
    }
}

/// What loading found: the entries that parsed, the problems of the others, and the ids of
/// those others (so that later stages do not report references to them as unknown as well).
#[derive(Debug, Default)]
pub struct Loaded {
    /// Shared with the cache of `renkei serve`, which keeps them for the next build.
    pub entries: Vec<Arc<Entry>>,
    pub diagnostics: Diagnostics,
    pub unavailable: BTreeSet<(Collection, String)>,
    /// The files of `unavailable`, relative to the root (`content/news/x.md`): links to them are
    /// not reported as broken while their own problem is.
    pub unavailable_files: Vec<PathBuf>,
}

/// Entries parsed by an earlier build, by path, with a hash of the file's bytes and of the
/// languages: a rebuild re-parses only the files that changed (`renkei serve`). Told by the
/// watcher which files changed (`only_changed`), it does not even read the others.
#[derive(Debug, Default)]
pub struct EntryCache {
    entries: HashMap<PathBuf, (u64, Arc<Entry>)>,
    /// The content files the last load found, when walking `content/` raised no problem.
    files: Option<Vec<PathBuf>>,
    /// The only content files (relative to the root) that changed since the last load, when
    /// the watcher could tell.
    changed: Option<BTreeSet<PathBuf>>,
    /// The entries of the last load, when it had no problem.
    last: Option<Vec<Arc<Entry>>>,
}

impl EntryCache {
    /// Tells the next load that nothing but `paths` (absolute, under `root`) changed. It then
    /// reads only those of them that are content files, and does not walk `content/` again
    /// unless a path is one it cannot account for: a folder, a Markdown file it did not know
    /// or that is gone, a symbolic link, anything outside `content/`, `themes/` and `static/`
    /// (`site.toml` may change the languages, which every entry depends on).
    pub fn only_changed(&mut self, root: &Path, paths: &[PathBuf]) {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let mut changed = BTreeSet::new();
        for path in paths {
            let Some(relative) = path.strip_prefix(&root).ok().map(Path::to_path_buf) else {
                self.changed = None;
                return;
            };
            match relative.iter().next().and_then(|first| first.to_str()) {
                Some("themes" | "static") => continue,
                Some("content") if self.accounts_for(path, &relative) => {
                    if relative.extension().is_some_and(|e| e == "md") {
                        changed.insert(relative);
                    }
                }
                _ => {
                    self.changed = None;
                    return;
                }
            }
        }
        self.changed = Some(changed);
    }

    /// The next load reads every file again (and compares its hash).
    pub fn forget_changes(&mut self) {
        self.changed = None;
    }

    /// Whether a change to `path` leaves the list of content files as it was: a regular file
    /// that is not Markdown (a photo beside an entry, listed again on every load anyway), or a
    /// Markdown file the last load read.
    fn accounts_for(&self, path: &Path, relative: &Path) -> bool {
        let regular = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file());
        let markdown = relative.extension().is_some_and(|e| e == "md");
        regular && (!markdown || self.entries.contains_key(relative))
    }

    /// The files to load and the problems of finding them: the last load's list when the
    /// watcher vouched that it still holds, else a new walk of `content/`.
    fn content_files(&mut self, config: &Config) -> (Vec<PathBuf>, Diagnostics) {
        if let (Some(_), Some(files)) = (&self.changed, &self.files) {
            return (files.clone(), Diagnostics::default());
        }
        let (files, diagnostics) = walk::content_files(&config.root, &config.content_dir());
        self.files = diagnostics.is_empty().then(|| files.clone());
        (files, diagnostics)
    }
}

/// Loads every content file of the site, in parallel. Entries come back sorted by path.
pub fn load(config: &Config) -> Loaded {
    load_cached(config, &mut EntryCache::default())
}

/// `load`, reusing the entries of `cache` whose files did not change, and updating it.
pub fn load_cached(config: &Config, cache: &mut EntryCache) -> Loaded {
    let mut loaded = match patch_last(config, cache) {
        Some(entries) => Loaded { entries, ..Loaded::default() },
        None => load_all(config, cache),
    };
    list_assets(config, &mut loaded);
    cache.last = loaded.diagnostics.is_empty().then(|| loaded.entries.clone());
    loaded
}

/// The entries of the last load with those of the changed files read again, when the watcher
/// vouched that no file was added or removed and each changed file parses: a one-file edit
/// then costs one file, not a pass over every entry. `None` when the whole load must run.
fn patch_last(config: &Config, cache: &mut EntryCache) -> Option<Vec<Arc<Entry>>> {
    let (Some(changed), Some(_), Some(last)) = (&cache.changed, &cache.files, &cache.last) else {
        return None;
    };
    let languages = config.language_codes();
    let mut entries = last.clone();
    let mut fresh = Vec::new();
    for path in changed {
        let position = entries.iter().position(|e| e.path.as_os_str() == path.as_os_str())?;
        match load_with_cache(&config.root, path, &languages, &cache.entries) {
            (Some(hash), Ok(Some(entry))) => fresh.push((position, hash, Arc::new(entry))),
            (Some(_), Ok(None)) => {}
            _ => return None,
        }
    }
    for (position, hash, entry) in fresh {
        cache.entries.insert(entry.path.clone(), (hash, Arc::clone(&entry)));
        entries[position] = entry;
    }
    cache.changed = None;
    Some(entries)
}

/// Every content file, read again unless the watcher vouched that it did not change.
fn load_all(config: &Config, cache: &mut EntryCache) -> Loaded {
    let (files, diagnostics) = cache.content_files(config);
    let changed = cache.changed.take();
    let languages = config.language_codes();
    let mut old = std::mem::take(&mut cache.entries);
    let results: Vec<(Option<u64>, Loading)> = files
        .par_iter()
        .map(|path| match &changed {
            // The watcher saw no change to this file: the cached entry stands.
            Some(changed) if !changed.contains(path) => match old.get(path) {
                Some((hash, _)) => (Some(*hash), Ok(None)),
                None => load_with_cache(&config.root, path, &languages, &old),
            },
            _ => load_with_cache(&config.root, path, &languages, &old),
        })
        .collect();
    let mut loaded = Loaded { diagnostics, ..Loaded::default() };
    let mut fresh = HashMap::with_capacity(files.len());
    for ((hash, result), path) in results.into_iter().zip(&files) {
        // `Ok(None)`: unchanged since the cached build; the cached entry moves to the new cache.
        let result =
            result.map(|parsed| parsed.map(Arc::new).or_else(|| old.remove(path).map(|(_, e)| e)));
        match result {
            Ok(Some(entry)) => {
                if let Some(hash) = hash {
                    fresh.insert(path.clone(), (hash, Arc::clone(&entry)));
                }
                loaded.entries.push(entry);
            }
            Ok(None) => {}
            Err(diagnostic) => {
                if let Ok(place) = place_of(path, &languages) {
                    loaded.unavailable.insert((place.collection, place.id));
                }
                loaded.unavailable_files.push(path.clone());
                loaded.diagnostics.push(diagnostic);
            }
        }
    }
    cache.entries = fresh;
    reject_duplicates(&mut loaded);
    loaded
}

/// The files beside folder entries, listed again on every load: a photo changes without the
/// Markdown changing.
fn list_assets(config: &Config, loaded: &mut Loaded) {
    for entry in loaded.entries.iter_mut().filter(|e| e.folder) {
        let assets = walk::assets_beside(&config.root, &entry.path);
        if assets != entry.assets {
            Arc::make_mut(entry).assets = assets;
        }
    }
}

/// `foo.md` and `foo/index.md` (or two spellings of a translation) would be the same page:
/// the second one is an error, and only the first is kept.
fn reject_duplicates(loaded: &mut Loaded) {
    let mut seen: HashMap<(Collection, String, String, bool), PathBuf> = HashMap::new();
    let mut kept = Vec::with_capacity(loaded.entries.len());
    for entry in std::mem::take(&mut loaded.entries) {
        let key = (entry.collection, entry.id.clone(), entry.lang.clone(), entry.section);
        match seen.get(&key) {
            Some(first) => {
                // Two names that look the same differ in Unicode form (macOS writes NFD).
                let first_is_folder = first
                    .file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| name.starts_with("index."));
                let help = if entry.folder || first_is_folder {
                    msg!("load.twice_help_folder")
                } else {
                    msg!("load.twice_help_unicode")
                };
                loaded.diagnostics.push(
                    Diagnostic::new(
                        &entry.path,
                        msg!("load.twice", id = &entry.id, other = crate::diag::shown_path(first)),
                    )
                    .with_help(help),
                );
            }
            None => {
                seen.insert(key, entry.path.clone());
                kept.push(entry);
            }
        }
    }
    loaded.entries = kept;
}

/// A file parsed (`Some`), unchanged since the cached build (`None`), or a problem.
type Loading = Result<Option<Entry>, Diagnostic>;

/// Reads one file; parses it unless `cache` holds it with the same hash (then `Ok(None)`).
/// Returns the hash of what was read (`None` when the file could not be read).
fn load_with_cache(
    root: &Path,
    relative: &Path,
    languages: &[&str],
    cache: &HashMap<PathBuf, (u64, Arc<Entry>)>,
) -> (Option<u64>, Loading) {
    let bytes = match read_bounded(&root.join(relative)) {
        Ok(bytes) => bytes,
        Err(message) => return (None, Err(Diagnostic::new(relative, message))),
    };
    let hash = content_hash(&bytes, languages);
    match cache.get(relative) {
        Some((cached, _)) if *cached == hash => (Some(hash), Ok(None)),
        _ => (Some(hash), parse_file(relative, bytes, languages, hash).map(Some)),
    }
}

fn content_hash(bytes: &[u8], languages: &[&str]) -> u64 {
    crate::hash::of(&(bytes, languages))
}

fn parse_file(
    relative: &Path,
    bytes: Vec<u8>,
    languages: &[&str],
    hash: u64,
) -> Result<Entry, Diagnostic> {
    let place = place_of(relative, languages)?;
    let text = decode(relative, bytes)?;
    let split =
        front_matter::split(&text).map_err(|error| split_diagnostic(relative, &text, error))?;
    let meta = front_matter::parse(&split, place.collection, place.section).map_err(|error| {
        let mut diagnostic =
            Diagnostic::new(relative, error.message).with_optional_help(error.help);
        if let Some(label) = error.label {
            diagnostic = diagnostic.with_label(label);
        }
        match error.location {
            Some(location) => diagnostic.at(location),
            None => diagnostic,
        }
    })?;
    let yaml_start = split.yaml.as_ptr() as usize - text.as_ptr() as usize;
    let (yaml, yaml_line, body_offset, body_line) = (
        yaml_start..yaml_start + split.yaml.len(),
        split.yaml_line,
        split.body_offset,
        split.body_line,
    );
    Ok(Entry {
        path: relative.to_path_buf(),
        collection: place.collection,
        id: place.id,
        lang: place.lang.unwrap_or_else(|| languages.first().copied().unwrap_or("ja").to_owned()),
        section: place.section,
        folder: place.folder,
        assets: Vec::new(),
        meta,
        body: body_offset..text.len(),
        text,
        hash,
        yaml,
        yaml_line,
        body_line,
        reread_from: None,
    })
}

/// The largest content file Renkei reads. The longest real page is a few dozen kilobytes; the
/// limit keeps a pasted data dump or a stray binary from taking the build's memory and time.
pub const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// The bytes of a content file, refused when it is larger than `MAX_FILE_SIZE`. The size is read
/// as the bytes come, not trusted from the metadata, so a file that grows meanwhile is bounded too.
fn read_bounded(path: &Path) -> Result<Vec<u8>, Text> {
    use std::io::Read;
    let cannot_read = |error: std::io::Error| msg!("load.cannot_read", error = error.to_string());
    let file = std::fs::File::open(path).map_err(cannot_read)?;
    // Room for the size the metadata gives, and one byte to see the end: read in one call
    // rather than in growing steps (`take` hides the size from `read_to_end`).
    let expected = file.metadata().map_or(0, |m| m.len()).min(MAX_FILE_SIZE) as usize;
    let mut bytes = Vec::with_capacity(expected + 1);
    file.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes).map_err(cannot_read)?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(msg!("load.too_large", mib = MAX_FILE_SIZE / 1024 / 1024));
    }
    // The text is kept for the whole build; a file that grew meanwhile grew the buffer past it.
    bytes.shrink_to_fit();
    Ok(bytes)
}

/// Where a file belongs, read from its path: `content/wards/chiyoda.en.md`.
struct Place {
    collection: Collection,
    id: String,
    lang: Option<String>,
    section: bool,
    folder: bool,
}

fn place_of(relative: &Path, languages: &[&str]) -> Result<Place, Diagnostic> {
    let parts: Vec<&str> = relative.iter().filter_map(|p| p.to_str()).collect();
    // A folder entry: `content/<collection>/<id>/index.md` or `content/<id>/index.md` (a page);
    // the id is the folder's name, the language that of `index.<lang>.md`.
    let folder_entry = match parts.as_slice() {
        ["content", folder, id, file] if is_index(file) => Some((Some(*folder), *id, *file)),
        ["content", id, file] if is_index(file) && Collection::from_folder(id).is_none() => {
            Some((None, *id, *file))
        }
        _ => None,
    };
    if let Some((folder, id, file)) = folder_entry {
        let collection = match folder {
            Some(folder) => collection_of(relative, folder)?,
            None => Collection::Pages,
        };
        let lang = language_of(relative, file.trim_end_matches(".md"), languages)?.1;
        let id = crate::japanese::nfc(id);
        check_id(relative, collection, &id)?;
        return Ok(Place { collection, id, lang, section: false, folder: true });
    }
    let (collection, file) = match parts.as_slice() {
        ["content", file] => (Collection::Pages, *file),
        ["content", folder, file] => (collection_of(relative, folder)?, *file),
        _ => {
            return Err(Diagnostic::new(relative, msg!("load.too_deep"))
                .with_help(msg!("load.too_deep_help")));
        }
    };
    let stem = file.strip_suffix(".md").unwrap_or(file);
    let (id, lang) = language_of(relative, stem, languages)?;
    let id = crate::japanese::nfc(id);
    let section = id == "_index";
    if !section {
        check_id(relative, collection, &id)?;
    }
    Ok(Place { collection, id, lang, section, folder: false })
}

/// `index.md` or `index.<lang>.md`: the text of a folder entry.
fn is_index(file: &str) -> bool {
    file == "index.md" || file.strip_prefix("index.").is_some_and(|rest| rest.ends_with(".md"))
}

fn collection_of(relative: &Path, folder: &str) -> Result<Collection, Diagnostic> {
    Collection::from_folder(folder).ok_or_else(|| {
        let folders: Vec<&str> = Collection::FOLDERS.iter().map(|c| c.folder()).collect();
        Diagnostic::new(relative, msg!("load.unknown_folder", folder = folder))
            .with_optional_help(suggest(folder, &folders))
    })
}

/// `chiyoda.en` → (`chiyoda`, `en`); `chiyoda` → (`chiyoda`, none).
fn language_of<'a>(
    relative: &Path,
    stem: &'a str,
    languages: &[&str],
) -> Result<(&'a str, Option<String>), Diagnostic> {
    match stem.rsplit_once('.') {
        Some((id, lang)) => {
            if !languages.contains(&lang) {
                return Err(Diagnostic::new(relative, msg!("load.unknown_language", lang = lang))
                    .with_optional_help(
                        suggest(lang, languages)
                            .map(|h| msg!("load.unknown_language_help", suggestion = h)),
                    ));
            }
            Ok((id, Some(lang.to_owned())))
        }
        None => Ok((stem, None)),
    }
}

fn check_id(relative: &Path, collection: Collection, id: &str) -> Result<(), Diagnostic> {
    if collection == Collection::Municipalities {
        return check_municipality_code(id).map_err(|error| {
            Diagnostic::new(relative, msg!("load.not_a_code", id = id)).with_help(error.text())
        });
    }
    ids::check_slug(collection, id).map_err(|error| {
        Diagnostic::new(relative, msg!("load.not_an_id", id = id)).with_help(error.text())
    })
}

/// A 全国地方公共団体コード: five digits and the check digit of 総務省's definition.
pub fn check_municipality_code(code: &str) -> Result<(), CodeError> {
    let digits: Vec<u32> = code.chars().filter_map(|c| c.to_digit(10)).collect();
    if code.len() != 6 || digits.len() != 6 {
        return Err(CodeError::Shape);
    }
    let expected = check_digit(&digits[..5]);
    if digits[5] == expected {
        Ok(())
    } else {
        Err(CodeError::CheckDigit { five: code[..5].to_owned(), digit: expected })
    }
}

/// The six-digit code of the five digits `five` (`01206` → `012068`), when they are digits.
pub fn with_check_digit(five: &str) -> Option<String> {
    let digits: Vec<u32> = five.chars().map(|c| c.to_digit(10)).collect::<Option<_>>()?;
    (digits.len() == 5).then(|| format!("{five}{}", check_digit(&digits)))
}

fn check_digit(five: &[u32]) -> u32 {
    let sum: u32 = five.iter().zip([6, 5, 4, 3, 2]).map(|(d, w)| d * w).sum();
    let c = if sum < 11 { 11 - sum } else { 11 - sum % 11 };
    c % 10
}

/// Why a text is not a 全国地方公共団体コード.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeError {
    /// Not six ASCII digits.
    Shape,
    /// The sixth digit is not the check digit of the first five (which it gives).
    CheckDigit { five: String, digit: u32 },
}

impl CodeError {
    /// What is wrong, from the message catalogue (the help line of a diagnostic).
    pub fn text(&self) -> Text {
        match self {
            CodeError::Shape => msg!("load.code_shape"),
            CodeError::CheckDigit { five, digit } => {
                msg!("load.check_digit", five = five, digit = *digit)
            }
        }
    }
}

impl std::fmt::Display for CodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.text().fmt(f)
    }
}

impl std::error::Error for CodeError {}

/// The text of a file: UTF-8, without a byte-order mark.
fn decode(relative: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(text)),
        Err(error) => {
            let bytes = error.as_bytes();
            let valid_up_to = error.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(bytes);
            let prefix = String::from_utf8_lossy(&bytes[..valid_up_to]);
            let location = Location::from_offset(&lossy, prefix.len(), 1, 1);
            Err(Diagnostic::new(relative, msg!("load.not_utf8"))
                .at(location)
                .with_help(msg!("load.not_utf8_help")))
        }
    }
}

fn split_diagnostic(relative: &Path, text: &str, error: SplitError) -> Diagnostic {
    let first_line = Location::from_offset(text, 0, text.find('\n').unwrap_or(text.len()), 1);
    match error {
        SplitError::Missing => Diagnostic::new(relative, msg!("load.no_front_matter"))
            .at(first_line)
            .with_help(msg!("load.no_front_matter_help")),
        SplitError::Unterminated => Diagnostic::new(relative, msg!("load.never_closed"))
            .at(first_line)
            .with_help(msg!("load.never_closed_help")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_of_known_codes() {
        assert!(check_municipality_code("131016").is_ok()); // 千代田区
        assert!(check_municipality_code("012068").is_ok()); // 釧路市
        assert_eq!(
            check_municipality_code("012069"),
            Err(CodeError::CheckDigit { five: "01206".to_owned(), digit: 8 })
        );
        assert_eq!(check_municipality_code("12068"), Err(CodeError::Shape));
    }

    #[test]
    fn place_reads_collection_id_and_language() {
        let place = place_of(Path::new("content/wards/chiyoda.en.md"), &["ja", "en"]).ok();
        let place = place.map(|p| (p.collection, p.id, p.lang));
        assert_eq!(place, Some((Collection::Wards, "chiyoda".to_owned(), Some("en".to_owned()))));
    }

    #[test]
    fn a_folder_entry_takes_its_id_from_the_folder() {
        let languages = ["ja", "en"];
        for (path, collection, id, lang) in [
            (
                "content/events/2016-12-asakusa/index.md",
                Collection::Events,
                "2016-12-asakusa",
                None,
            ),
            (
                "content/events/2016-12-asakusa/index.en.md",
                Collection::Events,
                "2016-12-asakusa",
                Some("en"),
            ),
            ("content/about/index.md", Collection::Pages, "about", None),
        ] {
            let place = place_of(Path::new(path), &languages)
                .map(|p| (p.collection, p.id, p.lang, p.folder));
            assert_eq!(
                place.ok(),
                Some((collection, id.to_owned(), lang.map(str::to_owned), true)),
                "{path}"
            );
        }
        let bad = place_of(Path::new("content/events/Asakusa/index.md"), &languages).err();
        assert!(bad.is_some_and(|d| d.message.contains("`Asakusa` is not a valid id")));
        let deep = place_of(Path::new("content/events/a/b/index.md"), &languages).err();
        assert!(deep.is_some_and(|d| d.message.contains("at most one folder deep")));
    }

    #[test]
    fn only_a_body_edit_keeps_the_front_matter_the_same() {
        let path = Path::new("content/news/a.md");
        let parse = |text: &str| parse_file(path, text.as_bytes().to_vec(), &["ja"], 0).ok();
        let front = "---\ntitle: お知らせ\ndate: 2025-12-01\n---\n";
        let (Some(before), Some(body), Some(title)) = (
            parse(&format!("{front}\n本文\n")),
            parse(&format!("{front}\n書き換えた本文\n")),
            parse("---\ntitle: 新しい題\ndate: 2025-12-01\n---\n\n本文\n"),
        ) else {
            panic!("the test files parse")
        };
        assert!(before.same_but_body(&body));
        assert!(!before.same_but_body(&title));
    }

    #[test]
    fn unknown_folder_suggests_the_nearest() {
        let error = place_of(Path::new("content/event/x.md"), &["ja"]).err();
        assert_eq!(
            error.and_then(|d| d.help).map(|h| h.to_string()),
            Some("did you mean `events`?".to_owned())
        );
    }
}
