//! Watching the sources: `content/`, `themes/`, `static/` and `site.toml`, never the output
//! (which lives in memory) nor anything else under the root (`target/`, `.git/`). Events are
//! debounced: a save by an editor (a temporary file renamed over the original, vim's `4913`
//! probe, backups ending in `~`) or a `git checkout` of many files gives one rebuild.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

use super::{Event, Preview};
use crate::load::is_ignored;

/// A rebuild starts once no event came for this long…
const QUIET: Duration = Duration::from_millis(20);
/// …or this long after the first event of a burst that does not stop.
const LONGEST: Duration = Duration::from_millis(1000);

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
        while let Some(changed) = next_burst(&self.root, &self.events) {
            // A folder created after the start (static/, content/) is watched from now on.
            let _ = watch_sources(&mut self.watcher, &self.root, &mut self.watched);
            on_event(Event::Changed(changed));
            on_event(Event::Built(preview.rebuild()));
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

/// Waits for a relevant change, then collects the rest of its burst; `None` when the watcher stopped.
fn next_burst(root: &Path, events: &mpsc::Receiver<Received>) -> Option<Vec<PathBuf>> {
    let mut changed = Vec::new();
    while changed.is_empty() {
        changed.extend(relevant(root, events.recv().ok()?));
    }
    let started = Instant::now();
    while started.elapsed() < LONGEST {
        match events.recv_timeout(QUIET) {
            Ok(event) => changed.extend(relevant(root, event)),
            Err(mpsc::RecvTimeoutError::Timeout) => break,
            Err(mpsc::RecvTimeoutError::Disconnected) => return None,
        }
    }
    changed.sort();
    changed.dedup();
    Some(changed)
}

fn relevant(root: &Path, event: Received) -> Vec<PathBuf> {
    let Ok(event) = event else { return Vec::new() };
    if matches!(event.kind, EventKind::Access(_)) {
        return Vec::new();
    }
    event.paths.into_iter().filter(|path| is_relevant(root, path)).collect()
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
