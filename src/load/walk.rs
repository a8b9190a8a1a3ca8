//! Finding the content files: every `*.md` under `content/`, sorted, editors' temporary files
//! and hidden files skipped. Symbolic links are not followed, so a link loop or a link out of the
//! site cannot make the build read what it should not.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diag::{Diagnostic, Diagnostics};
use crate::messages::Text;
use crate::msg;

/// The Markdown files under `content`, relative to `root`, sorted by path.
pub(crate) fn content_files(root: &Path, content: &Path) -> (Vec<PathBuf>, Diagnostics) {
    let mut files = Vec::new();
    let mut diagnostics = Diagnostics::default();
    if !content.is_dir() {
        diagnostics.push(
            Diagnostic::new("content", msg!("walk.no_content"))
                .with_help(msg!("walk.no_content_help")),
        );
        return (files, diagnostics);
    }
    let site = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let walker = WalkDir::new(content).sort_by_file_name().into_iter();
    for item in walker.filter_entry(|e| e.depth() == 0 || !is_ignored(e.file_name().to_str())) {
        match item {
            Ok(entry) if entry.path_is_symlink() => {
                let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
                match check_link(entry.path(), &site) {
                    Ok(()) if is_markdown(entry.path()) => files.push(relative.to_path_buf()),
                    Ok(()) => {}
                    Err(message) => diagnostics.push(Diagnostic::new(relative, message)),
                }
            }
            Ok(entry) if entry.file_type().is_file() && is_markdown(entry.path()) => {
                let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
                files.push(relative.to_path_buf());
            }
            Ok(_) => {}
            Err(error) => {
                let path = error.path().map(|p| p.strip_prefix(root).unwrap_or(p).to_path_buf());
                let path = path.unwrap_or_else(|| PathBuf::from("content"));
                diagnostics.push(Diagnostic::new(
                    path,
                    msg!("walk.cannot_read", error = error.to_string()),
                ));
            }
        }
    }
    (files, diagnostics)
}

/// A symbolic link is read only when it leads to a file inside the site: a link out of the site
/// could publish any file of the machine, and a linked folder could loop.
fn check_link(link: &Path, site: &Path) -> Result<(), Text> {
    let target = link
        .canonicalize()
        .map_err(|error| msg!("walk.link_nowhere", error = error.to_string()))?;
    if !target.starts_with(site) {
        return Err(msg!("walk.link_outside", target = target.display().to_string()));
    }
    if target.is_dir() {
        return Err(msg!("walk.linked_folder"));
    }
    Ok(())
}

/// The files beside a folder entry's `index.md`: every regular file of its folder but Markdown
/// and editors' files, relative to `root`, sorted. Symbolic links and subfolders are not
/// published (a link could publish any file of the machine).
pub(crate) fn assets_beside(root: &Path, entry: &Path) -> Vec<PathBuf> {
    let Some(folder) = entry.parent() else { return Vec::new() };
    let Ok(items) = std::fs::read_dir(root.join(folder)) else { return Vec::new() };
    let mut assets: Vec<PathBuf> = items
        .filter_map(Result::ok)
        .filter(|item| item.file_type().is_ok_and(|t| t.is_file()))
        .filter(|item| !is_ignored(item.file_name().to_str()) && !is_markdown(&item.path()))
        .map(|item| folder.join(item.file_name()))
        .collect();
    assets.sort();
    assets
}

fn is_markdown(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "md")
}

/// Hidden files and what editors leave beside a file while saving it (vim's `.swp` and `4913`,
/// emacs's `#x#` and `.#x`, backups ending in `~`).
pub(crate) fn is_ignored(name: Option<&str>) -> bool {
    let Some(name) = name else { return true };
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name == "4913"
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_files_are_ignored() {
        for name in [".chiyoda.md.swp", "chiyoda.md~", "4913", "#chiyoda.md#", ".DS_Store"] {
            assert!(is_ignored(Some(name)), "{name}");
        }
        assert!(!is_ignored(Some("chiyoda.md")));
    }
}
