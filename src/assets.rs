//! Static assets: the files of the theme's `static/` folder and of the site's own (which wins
//! when both have a file), as they are published.
//!
//! Input: the configuration (where the two folders are). Output: every file to write, and the
//! names that the templates' `asset()` function gives. Stylesheets and scripts are minified and
//! published under a fingerprinted name (`style.css` → `style.3f2a1c0b.css`, a hash of the
//! published bytes), so that a host may let browsers cache them for a year: a changed file gets a
//! new name, and every page that links it is rendered again with that name. Other files (images,
//! fonts, `robots.txt`-like files) keep their names and bytes. Writes nothing.
//!
//! Why `minifier` (crate) and not lightningcss: it has no dependencies (with default features
//! off) and compiles in seconds, its author maintains rustdoc, which depends on it for its own
//! CSS and JS, and the theme's files are small and hand-written, so the few percent more that a
//! full CSS parser would save are not worth its dozens of crates. Files named `*.min.css` / `*.min.js` are already minified elsewhere and
//! are only fingerprinted.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, Location};

/// The published static files and the names `asset()` maps.
#[derive(Debug, Default, Clone)]
pub struct Assets {
    /// (output path, what to write), sorted by output path.
    pub files: Vec<(String, Source)>,
    /// Logical name (`style.css`) → published name (`style.3f2a1c0b.css`), for fingerprinted files.
    pub names: HashMap<String, String>,
}

/// Where a published file's bytes come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// Copied as it is.
    Copy(PathBuf),
    /// Made here (minified).
    Bytes(Vec<u8>),
}

/// How a static file is published, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Css,
    Js,
    Other,
}

impl Assets {
    /// Reads both `static/` folders and prepares every file; problems (a stylesheet with an
    /// unclosed comment, an unreadable file) are reported all together.
    pub fn collect(config: &Config) -> Result<Assets, Diagnostics> {
        let mut assets = Assets::default();
        let (files, mut diagnostics) = static_files(config);
        for (name, path) in files {
            match publish(config, &name, &path) {
                Ok(Some((published, bytes))) => {
                    assets.names.insert(name, published.clone());
                    assets.files.push((published, Source::Bytes(bytes)));
                }
                Ok(None) => assets.files.push((name, Source::Copy(path))),
                Err(diagnostic) => diagnostics.push(diagnostic),
            }
        }
        assets.files.sort_by(|a, b| a.0.cmp(&b.0));
        diagnostics.into_result(assets)
    }

    /// The published name of a static file (`style.css` → `style.3f2a1c0b.css`); other paths
    /// (a folder, an image, a file that does not exist) are returned as they are.
    pub fn name<'a>(&'a self, path: &'a str) -> &'a str {
        self.names.get(path).map_or(path, String::as_str)
    }
}

/// `(output path, source file)` of the theme's `static/` and then the site's own `static/`,
/// which wins when both have a file.
///
/// Output paths are in Unicode NFC: macOS writes file names in NFD (`が` as `か` + `゙`), Linux
/// keeps what it is given, and the URL of a file must not depend on whose computer saved it.
/// Two files of one folder whose names differ only in that way are an error, not a coin toss.
fn static_files(config: &Config) -> (BTreeMap<String, PathBuf>, Diagnostics) {
    use unicode_normalization::UnicodeNormalization;
    let mut files = BTreeMap::new();
    let mut diagnostics = Diagnostics::default();
    for dir in [config.theme_dir().join("static"), config.root.join("static")] {
        let mut seen: HashMap<String, PathBuf> = HashMap::new();
        let walk = walkdir::WalkDir::new(&dir).sort_by_file_name().into_iter();
        for item in walk.filter_map(Result::ok).filter(|item| item.file_type().is_file()) {
            let relative = item.path().strip_prefix(&dir).unwrap_or(item.path());
            let name: String = relative.to_string_lossy().replace('\\', "/").nfc().collect();
            if let Some(other) = seen.insert(name.clone(), item.path().to_path_buf()) {
                diagnostics.push(normalisation_clash(config, &other, item.path(), &name));
            }
            files.insert(name, item.path().to_path_buf());
        }
    }
    (files, diagnostics)
}

fn normalisation_clash(config: &Config, first: &Path, second: &Path, name: &str) -> Diagnostic {
    let shown = |path: &Path| path.strip_prefix(&config.root).unwrap_or(path).display().to_string();
    Diagnostic::new(
        second.strip_prefix(&config.root).unwrap_or(second),
        crate::msg!("asset.clash", first = shown(first), second = shown(second), name = name),
    )
    .with_help(crate::msg!("asset.clash_help"))
}

fn kind_of(name: &str) -> Kind {
    match Path::new(name).extension().and_then(|e| e.to_str()) {
        Some(ext) if ext.eq_ignore_ascii_case("css") => Kind::Css,
        Some(ext) if ext.eq_ignore_ascii_case("js") => Kind::Js,
        _ => Kind::Other,
    }
}

/// A stylesheet or script: its published name and bytes. `None` for other files, copied as is.
fn publish(
    config: &Config,
    name: &str,
    path: &Path,
) -> Result<Option<(String, Vec<u8>)>, Diagnostic> {
    let kind = kind_of(name);
    if kind == Kind::Other {
        return Ok(None);
    }
    let shown = path.strip_prefix(&config.root).unwrap_or(path);
    let bytes = std::fs::read(path).map_err(|error| {
        Diagnostic::new(shown, crate::msg!("asset.cannot_read", error = error.to_string()))
    })?;
    let already_minified = name.ends_with(".min.css") || name.ends_with(".min.js");
    let bytes = match String::from_utf8(bytes) {
        Ok(text) if !already_minified => {
            minify(kind, &text).map_err(|message| minify_error(shown, &text, message))?
        }
        // A file in another encoding is published unchanged rather than guessed at.
        Ok(text) => text.into_bytes(),
        Err(error) => error.into_bytes(),
    };
    Ok(Some((fingerprinted(name, &bytes), bytes)))
}

/// The file's text without comments and needless white space.
fn minify(kind: Kind, text: &str) -> Result<Vec<u8>, &'static str> {
    // minifier 0.4 slices at `len - 1` when a file ends inside a comment, which panics when
    // the last character is not ASCII; a final newline (which changes nothing) avoids it.
    let text = format!("{text}\n");
    // Some inputs still make minifier 0.4 panic (its JS tokenizer on `/..` then `:`, found by
    // the property test below). The file is then published as written: unminified is slower,
    // but a valid script that fails the build would be wrong.
    let minified = std::panic::catch_unwind(|| match kind {
        Kind::Js => minifier::js::minify(&text).map(|m| m.to_string()),
        _ => minifier::css::minify(&text).map(|m| m.to_string()),
    });
    let Ok(minified) = minified else {
        return Ok(text.trim_end_matches('\n').as_bytes().to_vec());
    };
    let minified = minified?;
    // minifier 0.4's JS tokenizer can also repeat text on odd input (`/.{A0` then a blank line,
    // found by the property test): output longer than the input is such a slip, so the file
    // is published as written. The theme's own scripts are checked working in Chromium.
    if minified.trim().len() > text.trim_end_matches('\n').len() {
        return Ok(text.trim_end_matches('\n').as_bytes().to_vec());
    }
    // The CSS minifier leaves a space where a leading comment was.
    Ok(minified.trim().as_bytes().to_vec())
}

/// The minifier names the problem but not its place; an unclosed comment or string is found
/// here so that the diagnostic points at it.
fn minify_error(path: &Path, text: &str, message: &str) -> Diagnostic {
    let opener = match message {
        "Unclosed comment" => unclosed(text, "/*", "*/"),
        _ => None,
    };
    let diagnostic = Diagnostic::new(path, crate::msg!("asset.minify", detail = message))
        .with_help(crate::msg!("asset.minify_help"));
    match opener {
        Some(offset) => diagnostic.at(Location::from_offset(text, offset, 2, 1)),
        None => diagnostic,
    }
}

/// The byte offset of the last `open` that no `close` follows.
fn unclosed(text: &str, open: &str, close: &str) -> Option<usize> {
    let start = text.rfind(open)?;
    (!text[start + open.len()..].contains(close)).then_some(start)
}

/// `style.css` → `style.<8 hex digits>.css`, in the same folder.
fn fingerprinted(name: &str, bytes: &[u8]) -> String {
    let hash = format!("{:016x}", fnv1a(bytes));
    let short = &hash[..8];
    let (folder, file) = name.rsplit_once('/').map_or(("", name), |(d, f)| (d, f));
    let file = match file.split_once('.') {
        Some((stem, extension)) => format!("{stem}.{short}.{extension}"),
        None => format!("{file}.{short}"),
    };
    if folder.is_empty() { file } else { format!("{folder}/{file}") }
}

/// FNV-1a, 64 bits: stable across Rust releases and platforms, unlike `DefaultHasher`, so two
/// builds of the same files name them the same.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn css(text: &str) -> String {
        String::from_utf8(minify(Kind::Css, text).unwrap_or_default()).unwrap_or_default()
    }

    #[test]
    fn stylesheets_lose_comments_and_white_space_but_keep_meaning() {
        assert_eq!(css("/* note */\na > b  {\n  color : red ;\n}\n"), "a>b{color:red;}");
        // A descendant combinator before a pseudo-class is not a pseudo-class of the parent.
        assert_eq!(css("nav :focus{outline:0}"), "nav :focus{outline:0}");
        assert_eq!(css("p{width:calc(100% - 2rem)}"), "p{width:calc(100% - 2rem)}");
        assert_eq!(
            css(r#"a::after{content:" (" attr(href) ")"}"#),
            r#"a::after{content:" (" attr(href) ")"}"#
        );
        assert_eq!(
            css(".ext::after{content:\"\\2060\\2197\"}"),
            ".ext::after{content:\"\\2060\\2197\"}"
        );
    }

    #[test]
    fn names_carry_a_hash_of_the_bytes() {
        assert_eq!(fingerprinted("style.css", b"a{}"), fingerprinted("style.css", b"a{}"));
        assert_ne!(fingerprinted("style.css", b"a{}"), fingerprinted("style.css", b"b{}"));
        let name = fingerprinted("js/search.min.js", b"x");
        assert!(name.starts_with("js/search.") && name.ends_with(".min.js"), "{name}");
        assert_eq!(name.len(), "js/search.".len() + 8 + ".min.js".len());
    }

    #[test]
    fn an_unclosed_comment_is_located() {
        let diagnostic =
            minify_error(Path::new("static/x.css"), "a{}\n/* oops\nb{}", "Unclosed comment");
        assert_eq!(diagnostic.location.map(|l| (l.line, l.column)), Some((2, 1)));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn minifying_never_fails_the_build_by_a_panic(text in "[ -~\n\u{3000}-\u{30ff}]{0,200}") {
            // A panic of the minifier is caught (the file is published as written); its own
            // errors (an unclosed comment, a stray `}`) come back as errors. What it publishes
            // is never longer than what was written.
            for kind in [Kind::Css, Kind::Js] {
                if let Ok(published) = minify(kind, &text) {
                    proptest::prop_assert!(published.len() <= text.len(), "{kind:?}: {published:?}");
                }
            }
        }
    }
}
