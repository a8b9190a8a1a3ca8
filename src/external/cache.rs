//! `.renkei-cache/links.json`: what each external URL answered and when, so that a rerun asks
//! only for what it has not seen lately. Only links that worked are kept: a failure may be
//! passing, and an editor who fixed a link wants to see it checked again at once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::fetch::Answer;

/// Where the cache lives, under the site root (beside the image cache).
pub const CACHE_FILE: &str = ".renkei-cache/links.json";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Cached {
    status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    redirect: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    final_url: Option<String>,
    /// Seconds since the Unix epoch.
    checked_at: u64,
}

/// The cache, read at the start of a check and written at its end.
#[derive(Debug, Default)]
pub(crate) struct LinkCache {
    path: PathBuf,
    links: BTreeMap<String, Cached>,
}

impl LinkCache {
    /// The cache of the site at `root`; empty when there is none or it cannot be read (it is
    /// only a cache: the links are then asked for again).
    pub(crate) fn load(root: &Path) -> LinkCache {
        let path = root.join(CACHE_FILE);
        let links = std::fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        LinkCache { path, links }
    }

    /// What `url` answered, if that was less than `max_age` seconds before `now`.
    pub(crate) fn fresh(&self, url: &str, now: u64, max_age: u64) -> Option<Answer> {
        let cached = self.links.get(url)?;
        if now.saturating_sub(cached.checked_at) >= max_age {
            return None;
        }
        Some(Answer {
            status: Some(cached.status),
            redirect: cached.redirect,
            final_url: cached.final_url.clone(),
            error: None,
        })
    }

    /// Records the answer; a failure removes what was cached.
    pub(crate) fn record(&mut self, url: &str, answer: &Answer, now: u64) {
        match answer.status.filter(|_| answer.is_ok()) {
            Some(status) => {
                let cached = Cached {
                    status,
                    redirect: answer.redirect,
                    final_url: answer.final_url.clone(),
                    checked_at: now,
                };
                self.links.insert(url.to_owned(), cached);
            }
            None => {
                self.links.remove(url);
            }
        }
    }

    /// Writes the cache (to a temporary file renamed into place, so that a check killed while
    /// writing leaves the previous cache whole).
    pub(crate) fn save(&self) -> std::io::Result<()> {
        if let Some(folder) = self.path.parent() {
            std::fs::create_dir_all(folder)?;
        }
        let json = serde_json::to_vec_pretty(&self.links).map_err(std::io::Error::other)?;
        let temporary = self.path.with_extension("json.tmp");
        std::fs::write(&temporary, json)?;
        std::fs::rename(&temporary, &self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(status: u16) -> Answer {
        Answer { status: Some(status), redirect: None, final_url: None, error: None }
    }

    #[test]
    fn answers_expire_and_failures_are_forgotten() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut cache = LinkCache::load(dir.path());
        cache.record("https://a.jp/", &ok(200), 1_000);
        cache.record("https://b.jp/", &ok(200), 1_000);
        cache.record("https://b.jp/", &ok(404), 1_001);
        cache.save().unwrap_or_else(|e| panic!("{e}"));
        let cache = LinkCache::load(dir.path());
        assert_eq!(cache.fresh("https://a.jp/", 1_099, 100), Some(ok(200)));
        assert_eq!(cache.fresh("https://a.jp/", 1_100, 100), None);
        assert_eq!(cache.fresh("https://b.jp/", 1_001, 100), None);
    }

    #[test]
    fn an_unreadable_cache_is_an_empty_one() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::create_dir_all(dir.path().join(".renkei-cache")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join(CACHE_FILE), "{not json").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(LinkCache::load(dir.path()).fresh("https://a.jp/", 0, 100), None);
    }
}
