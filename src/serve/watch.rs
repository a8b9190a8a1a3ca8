//! Watching the sources: `content/`, `themes/`, `static/` and `site.toml`, never the output
//! (which lives in memory) nor anything else under the root (`target/`, `.git/`). Events are
//! debounced: a save by an editor (a temporary file renamed over the original, vim's `4913`
//! probe, backups ending in `~`) or a `git checkout` of many files gives one rebuild.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

use super::{Changes, Event, Preview};
use crate::load::is_ignored;

/// A rebuild starts once no event came for this long…
const QUIET: Duration = Duration::from_millis(20);
/// …or this long after the first event of a burst that does not stop.
const LONGEST: Duration = Duration::from_millis(1000);
/// A burst of more paths than this (a `git checkout`) is taken as "anything may have changed".
const MOST_PATHS: usize = 256;
/// How often the end of a background render is looked for while no change comes.
const LOOK_FOR_RENDERED: Duration = Duration::from_millis(50);

/// Whether a change to `path` (absolute, under `root`) can change the site.
pub fn is_relevant(root: &Path, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(root) else { return false };
    let mut parts = relative.iter().filter_map(|p| p.to_str());
    let Some(first) = parts.next() else { return false };
    let name = path.file_name().and_then(|n| n.to_str());
    match first {
        "site.toml" => relative.components().count() == 1,
        "content" | "themes" | "static" => {
            // Hidden folders (.git) and editors' temporary files anywhere below.
            !relative.iter().any(|p| p.to_str().is_some_and(|p| p.starts_with('.')))
                && !is_ignored(name)
        }
        _ => false,
    }
}

/// A watcher started before the first build, so that no change made meanwhile is missed.
pub(super) struct Watch {
    root: PathBuf,
    watcher: notify::RecommendedWatcher,
    events: mpsc::Receiver<Received>,
    watched: Vec<PathBuf>,
}

impl Watch {
    pub(super) fn start(root: &Path) -> notify::Result<Watch> {
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let (sender, events) = mpsc::channel();
        let watcher = notify::recommended_watcher(move |event| {
            // The receiver is gone only when serving stops.
            let _ = sender.send(event);
        })?;
        let mut watch = Watch { root, watcher, events, watched: Vec::new() };
        watch_sources(&mut watch.watcher, &watch.root, &mut watch.watched)?;
        Ok(watch)
    }

    /// Rebuilds after each burst of relevant changes, until the watcher stops.
    pub(super) fn run(mut self, preview: &mut Preview, on_event: &(dyn Fn(Event) + Sync)) {
        while let Some(burst) = next_burst(&self.root, &self.events, preview, on_event) {
            // A folder created after the start (static/, content/) is watched from now on.
            let _ = watch_sources(&mut self.watcher, &self.root, &mut self.watched);
            on_event(Event::Changed(burst.paths.clone()));
            let changes =
                if burst.complete { Changes::Files(burst.paths) } else { Changes::Unknown };
            on_event(Event::Started(preview.start_rebuild(changes)));
        }
        on_event(Event::WatchFailed("the watcher stopped".to_owned()));
    }
}

/// The root itself, not recursively (site.toml, folders appearing), and each source folder
/// not `watched` yet.
fn watch_sources(
    watcher: &mut impl Watcher,
    root: &Path,
    watched: &mut Vec<PathBuf>,
) -> notify::Result<()> {
    if watched.is_empty() {
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        watched.push(root.to_path_buf());
    }
    for folder in ["content", "themes", "static"] {
        let path = root.join(folder);
        if path.is_dir() && !watched.contains(&path) {
            watcher.watch(&path, RecursiveMode::Recursive)?;
            watched.push(path);
        }
    }
    Ok(())
}

type Received = notify::Result<notify::Event>;

/// The relevant paths of one burst of events, and whether they are all that changed.
struct Burst {
    paths: Vec<PathBuf>,
    /// False when events may have been lost (the watcher said so or failed) or the burst was
    /// too long or too large to trust path by path: the rebuild then reads everything.
    complete: bool,
}

/// Waits for a relevant change, then collects the rest of its burst; `None` when the watcher
/// stopped. Meanwhile reports the end of a rebuild's background half.
fn next_burst(
    root: &Path,
    events: &mpsc::Receiver<Received>,
    preview: &mut Preview,
    on_event: &(dyn Fn(Event) + Sync),
) -> Option<Burst> {
    let mut burst = Burst { paths: Vec::new(), complete: true };
    while burst.paths.is_empty() {
        match events.recv_timeout(LOOK_FOR_RENDERED) {
            Ok(event) => burst.add(root, event),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if let Some(built) = preview.finished() {
                    on_event(Event::Built(built));
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => return None,
        }
    }
    let started = Instant::now();
    loop {
        if started.elapsed() >= LONGEST {
            burst.complete = false;
            break;
        }
        match events.recv_timeout(QUIET) {
            Ok(event) => burst.add(root, event),
            Err(mpsc::RecvTimeoutError::Timeout) => break,
            Err(mpsc::RecvTimeoutError::Disconnected) => return None,
        }
    }
    burst.paths.sort();
    burst.paths.dedup();
    if burst.paths.len() > MOST_PATHS {
        burst.complete = false;
    }
    Some(burst)
}

impl Burst {
    fn add(&mut self, root: &Path, event: Received) {
        match event {
            Ok(event) if matches!(event.kind, EventKind::Access(_)) => {}
            Ok(event) => {
                if event.need_rescan() {
                    // Events were dropped (an overflowing queue): which files changed is unknown.
                    self.complete = false;
                    self.paths.push(root.join("content"));
                }
                let relevant = event.paths.into_iter().filter(|path| is_relevant(root, path));
                self.paths.extend(relevant);
            }
            Err(_) => {
                self.complete = false;
                self.paths.push(root.join("content"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_count_and_the_rest_does_not() {
        let root = Path::new("/site");
        for path in [
            "site.toml",
            "content/wards/chiyoda.md",
            "themes/default/templates/base.html",
            "static/a.css",
        ] {
            assert!(is_relevant(root, &root.join(path)), "{path}");
        }
        for path in [
            "public/index.html",
            "target/debug/renkei",
            "content/wards/.chiyoda.md.swp",
            "content/wards/chiyoda.md~",
            "content/wards/4913",
            "content/.git/index",
            "other/site.toml",
        ] {
            assert!(!is_relevant(root, &root.join(path)), "{path}");
        }
    }
}
