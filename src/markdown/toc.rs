//! Table of contents: nests the page's headings by level.

use super::TocEntry;

/// Nests flat headings (in source order, without children): each heading holds the headings after
/// it that are deeper, up to the next one at its level or above. Skipped levels (h2 → h4) nest
/// one step, and a page that starts below h1 simply has its first headings at the top.
pub(crate) fn nest(flat: Vec<TocEntry>) -> Vec<TocEntry> {
    let mut flat = flat.into_iter().peekable();
    let mut top = Vec::new();
    while let Some(entry) = flat.next() {
        top.push(with_children(entry, &mut flat));
    }
    top
}

/// Takes from `rest` the headings that belong under `entry`. Recursion depth is bounded by the six
/// heading levels, since each step goes strictly deeper.
fn with_children(
    mut entry: TocEntry,
    rest: &mut std::iter::Peekable<impl Iterator<Item = TocEntry>>,
) -> TocEntry {
    while let Some(child) = rest.next_if(|next| next.level > entry.level) {
        entry.children.push(with_children(child, rest));
    }
    entry
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(levels: &[u8]) -> Vec<TocEntry> {
        levels
            .iter()
            .enumerate()
            .map(|(n, &level)| TocEntry {
                level,
                id: format!("h{n}"),
                title: format!("見出し{n}"),
                children: Vec::new(),
            })
            .collect()
    }

    /// The tree as "id(children…)", which is easier to read in an assertion than the structs.
    fn shape(entries: &[TocEntry]) -> String {
        entries
            .iter()
            .map(|entry| {
                if entry.children.is_empty() {
                    entry.id.clone()
                } else {
                    format!("{}({})", entry.id, shape(&entry.children))
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn nests_by_level() {
        assert_eq!(shape(&nest(flat(&[1, 2, 3, 3, 2, 1, 2]))), "h0(h1(h2 h3) h4) h5(h6)");
    }

    #[test]
    fn skipped_levels_nest_one_step() {
        assert_eq!(shape(&nest(flat(&[2, 4, 3, 2, 4]))), "h0(h1 h2) h3(h4)");
    }

    #[test]
    fn page_starting_at_h3_keeps_everything() {
        assert_eq!(shape(&nest(flat(&[3, 3, 2, 3, 1]))), "h0 h1 h2(h3) h4");
    }

    #[test]
    fn empty_page_has_empty_toc() {
        assert!(nest(Vec::new()).is_empty());
    }

    #[test]
    fn keeps_levels_ids_and_titles() {
        let toc = nest(flat(&[2, 3]));
        insta::assert_debug_snapshot!(toc);
    }
}
