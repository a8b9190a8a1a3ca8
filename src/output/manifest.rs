//! The manifest: what the output folder held after the last finished build, one line per file
//! with a hash of its bytes and its size. A build compares each file it makes with it and leaves
//! alone the files whose bytes did not change, so they are not written and keep their
//! modification time (mirroring tools such as `rsync` then upload only what changed).
//!
//! The manifest is kept in the output folder (`.renkei-manifest`, beside the marker) and holds
//! no time, so two builds of the same input give byte-identical folders. For a page it also
//! records what the page was made from (`Recorded::made_from`, a fingerprint of its context,
//! templates and the program), so that the next build can keep the page without rendering it. A file is trusted to
//! still hold the recorded bytes only when its size matches and it was not modified after the
//! manifest was written; anything else (a file edited or deleted by hand) is written again.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::Path;
use std::time::SystemTime;

use xxhash_rust::xxh3::xxh3_128;

/// The manifest's file name inside the output folder.
pub(crate) const MANIFEST: &str = ".renkei-manifest";
/// The format's first line. Version 3 adds what each page was made from; version 2 (XXH3, no
/// such column) is still read, its pages as made from something unknown. Version 1 (SipHash)
/// is read as no manifest: the next build writes every file once again.
const HEADER: &str = "renkei-manifest 3";
const HEADER_2: &str = "renkei-manifest 2";

/// A hash of a file's bytes: XXH3 with 128 bits, a fixed function (stable across versions and
/// machines, unlike the standard library's hasher). Every byte of the site goes through it, so
/// a fast one: SipHash-1-3 was 1.3 % of a 50,000-file build's CPU, and SipHash's resistance to chosen inputs
/// buys nothing here (a collision would only leave a file unwritten on the author's own site).
pub(crate) fn hash(bytes: &[u8]) -> u128 {
    xxh3_128(bytes)
}

/// What the manifest says of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Recorded {
    pub(crate) hash: u128,
    pub(crate) size: u64,
    /// For a page: a fingerprint of everything its bytes were made from (`Output::keep_page`);
    /// 0 for the other files, which a build makes again and compares by their bytes.
    pub(crate) made_from: u64,
}

/// The files of the last finished build, and when that list was written.
#[derive(Debug, Default)]
pub(crate) struct Manifest {
    /// By a hash of the file's path rather than the path (`path_key`): a rebuild holds the
    /// manifest from start to end, and 120,000 paths took 13 MB of a 50,000-page rebuild's peak
    /// memory, their hashes 5 MB. The paths are only needed to delete the files the site no
    /// longer has, which the folder itself lists.
    files: HashMap<u128, Recorded>,
    /// The manifest file's modification time: a file modified later was changed by someone else.
    pub(crate) written: Option<SystemTime>,
}

impl Manifest {
    /// Reads the manifest of `dir`; an empty one when there is none or it cannot be read (every
    /// file is then written again, which is always safe).
    pub(crate) fn load(dir: &Path) -> Manifest {
        let path = dir.join(MANIFEST);
        let Ok(text) = fs::read_to_string(&path) else { return Manifest::default() };
        let Some(files) = parse(&text) else { return Manifest::default() };
        let written = fs::metadata(&path).and_then(|m| m.modified()).ok();
        Manifest { files, written }
    }

    /// Whether the file at `file` still holds bytes with this hash and size, as far as the
    /// manifest and the file's metadata tell (its size, and no modification since the manifest).
    pub(crate) fn unchanged(&self, path: &str, file: &Path, recorded: Recorded) -> bool {
        let (Some(old), Some(written)) = (self.get(path), self.written) else {
            return false;
        };
        old.hash == recorded.hash && old.size == recorded.size && untouched(file, old, written)
    }

    /// What the manifest says of the page at `path` when it was made from `made_from` and the
    /// file still holds it: the next build keeps it as it is, without rendering it.
    pub(crate) fn page_made_from(
        &self,
        path: &str,
        file: &Path,
        made_from: u64,
    ) -> Option<Recorded> {
        let (old, written) = (self.get(path)?, self.written?);
        (made_from != 0 && old.made_from == made_from && untouched(file, old, written))
            .then_some(*old)
    }
}

/// Whether `file` still holds what `recorded` says, as far as its metadata tells: its size, and
/// no modification since the manifest was written.
fn untouched(file: &Path, recorded: &Recorded, manifest_written: SystemTime) -> bool {
    let Ok(metadata) = fs::symlink_metadata(file) else { return false };
    metadata.is_file()
        && metadata.len() == recorded.size
        && metadata.modified().is_ok_and(|modified| modified <= manifest_written)
}

impl Manifest {
    /// What the manifest says of the file at `path`.
    pub(crate) fn get(&self, path: &str) -> Option<&Recorded> {
        self.files.get(&path_key(path))
    }

    /// Whether these are exactly the manifest's files, with the same hashes and sizes.
    pub(crate) fn lists_exactly<'a>(
        &self,
        files: impl ExactSizeIterator<Item = (&'a str, Recorded)>,
    ) -> bool {
        self.written.is_some()
            && files.len() == self.files.len()
            && files.into_iter().all(|(path, recorded)| self.get(path) == Some(&recorded))
    }
}

/// The key of a path in `Manifest::files`: 128 bits, so that two of a site's paths never share
/// one (a shared key could only keep a changed file unwritten, and only if its new bytes had the
/// hash and size recorded for the other path).
fn path_key(path: &str) -> u128 {
    xxh3_128(path.as_bytes())
}

/// The manifest's text for these files, sorted by path.
pub(crate) fn render<'a>(files: impl IntoIterator<Item = (&'a str, Recorded)>) -> String {
    let mut files: Vec<(&str, Recorded)> = files.into_iter().collect();
    files.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut text = String::with_capacity(files.iter().map(|(p, _)| p.len() + 60).sum::<usize>());
    text.push_str(HEADER);
    text.push('\n');
    for (path, recorded) in files {
        let (hash, size, made_from) = (recorded.hash, recorded.size, recorded.made_from);
        let line = format!("{hash:032x} {size} {made_from:016x} {}\n", escape(path));
        text.push_str(&line);
    }
    text
}

/// The files of a manifest's text; `None` when it is damaged (or, never seen, two of its paths
/// share a key): the build then writes every file again.
fn parse(text: &str) -> Option<HashMap<u128, Recorded>> {
    let mut lines = text.lines();
    let with_made_from = match lines.next()? {
        HEADER => true,
        HEADER_2 => false,
        _ => return None,
    };
    let mut files = HashMap::with_capacity(text.len() / 80);
    for line in lines {
        let (hash, rest) = line.split_once(' ')?;
        let (size, rest) = rest.split_once(' ')?;
        let (made_from, path) = match with_made_from {
            true => rest.split_once(' ')?,
            false => ("0", rest),
        };
        let recorded = Recorded {
            hash: u128::from_str_radix(hash, 16).ok()?,
            size: size.parse().ok()?,
            made_from: u64::from_str_radix(made_from, 16).ok()?,
        };
        let key = if path.contains('\\') { path_key(&unescape(path)?) } else { path_key(path) };
        if files.insert(key, recorded).is_some() {
            return None;
        }
    }
    Some(files)
}

/// A path on one line: backslashes and line breaks escaped (the site's own paths have none,
/// but a static file may).
pub(crate) fn escape(path: &str) -> String {
    if !path.contains(['\\', '\n', '\r']) {
        return path.to_owned();
    }
    path.replace('\\', "\\\\").replace('\n', "\\n").replace('\r', "\\r")
}

pub(crate) fn unescape(text: &str) -> Option<String> {
    if !text.contains('\\') {
        return Some(text.to_owned());
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next()? {
            '\\' => '\\',
            'n' => '\n',
            'r' => '\r',
            _ => return None,
        });
    }
    Some(out)
}

/// Writes `text` to `dir/name` through a temporary file and a rename, so that a reader (or a
/// kill) sees the old file or the new one, never half of one.
pub(crate) fn replace_file(dir: &Path, name: &str, text: &str) -> io::Result<()> {
    let temporary = dir.join(format!("{name}.new"));
    fs::write(&temporary, text)?;
    super::journal::rename_retrying(&temporary, &dir.join(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_round_trips_odd_paths_and_is_sorted() {
        let a = Recorded { hash: 1, size: 2, made_from: 0 };
        let b = Recorded { hash: u128::MAX, size: 0, made_from: u64::MAX };
        let text = render([("z/index.html", a), ("a\\b\nc", b)]);
        assert!(text.starts_with("renkei-manifest 3\n"));
        assert!(text.find("a\\\\b\\nc").is_some_and(|i| i < text.find("z/index").unwrap_or(0)));
        let parsed = Manifest { files: parse(&text).unwrap_or_default(), written: None };
        assert_eq!(parsed.get("z/index.html"), Some(&a));
        assert_eq!(parsed.get("a\\b\nc"), Some(&b));
        assert_eq!(parsed.get("a\\\\b\\nc"), None, "the escaped form is not a path");
        assert_eq!(parsed.files.len(), 2);
    }

    #[test]
    fn a_version_2_manifest_is_read_without_what_its_pages_were_made_from() {
        let text = format!("{HEADER_2}\n{:032x} 5 a b.html\n", 7);
        let parsed = Manifest { files: parse(&text).unwrap_or_default(), written: None };
        assert_eq!(parsed.get("a b.html"), Some(&Recorded { hash: 7, size: 5, made_from: 0 }));
    }

    #[test]
    fn a_damaged_manifest_is_no_manifest() {
        assert!(parse("renkei-manifest 3\nnot hex 3 0 a.html\n").is_none());
        assert!(parse("renkei-manifest 3\n00 3 not-hex a.html\n").is_none());
        assert!(parse("renkei-manifest 1\n").is_none());
        let twice = format!("{HEADER}\n{:032x} 1 0 a.html\n{:032x} 2 0 a.html\n", 1, 2);
        assert!(parse(&twice).is_none(), "a path listed twice");
        assert!(parse("something else\n").is_none());
        assert!(unescape("bad\\x").is_none());
    }

    #[test]
    fn the_hash_is_stable() {
        // A value recorded once (the Python package xxhash agrees): another would make every
        // existing output folder write again.
        let robots = b"User-agent: *\nAllow: /\n\nSitemap: https://example.org/sitemap.xml\n";
        assert_eq!(format!("{:032x}", hash(robots)), "ae4f51fa676a9073436bdea586c8b1b9");
        assert_ne!(hash(b"renkei"), hash(b"renkej"));
    }
}
