//! The map of Japan, drawn at build time: a tile grid of the 47 prefectures in their geographic
//! arrangement, each tile coloured by a number of relations and carrying that number, a link to
//! the prefecture's page, a legend, a text alternative and a table of the same numbers. Plain
//! SVG and HTML: no script, and it prints (fills are SVG paint, not CSS backgrounds).
//!
//! On a phone the SVG is drawn at about half its size, so the theme hides the tiles' names (the
//! tile's title and the table keep them) and draws the numbers larger (`map-name`, `map-count`);
//! the legend is HTML, at the page's text size. The colour scale follows the largest count, so
//! that one ward's few partners and a network of hundreds of relations both spread over it.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::{Value, json};

use super::deps::PageReader;
use crate::html::escape;
use crate::load::Meta;
use crate::model::{Collection, NodeId, Site};

/// (JIS code, short name, column, row): west to east, north to south.
const TILES: [(&str, &str, u32, u32); 47] = [
    ("01", "北海道", 12, 0),
    ("02", "青森", 12, 1),
    ("03", "岩手", 12, 2),
    ("04", "宮城", 12, 3),
    ("05", "秋田", 11, 2),
    ("06", "山形", 11, 3),
    ("07", "福島", 12, 4),
    ("08", "茨城", 11, 5),
    ("09", "栃木", 11, 4),
    ("10", "群馬", 10, 4),
    ("11", "埼玉", 10, 5),
    ("12", "千葉", 11, 6),
    ("13", "東京", 10, 6),
    ("14", "神奈川", 9, 6),
    ("15", "新潟", 10, 3),
    ("16", "富山", 9, 3),
    ("17", "石川", 8, 3),
    ("18", "福井", 7, 4),
    ("19", "山梨", 9, 5),
    ("20", "長野", 9, 4),
    ("21", "岐阜", 8, 4),
    ("22", "静岡", 8, 6),
    ("23", "愛知", 8, 5),
    ("24", "三重", 7, 6),
    ("25", "滋賀", 7, 5),
    ("26", "京都", 6, 5),
    ("27", "大阪", 5, 6),
    ("28", "兵庫", 5, 5),
    ("29", "奈良", 6, 6),
    ("30", "和歌山", 5, 7),
    ("31", "鳥取", 4, 5),
    ("32", "島根", 3, 5),
    ("33", "岡山", 4, 6),
    ("34", "広島", 3, 6),
    ("35", "山口", 2, 6),
    ("36", "徳島", 4, 8),
    ("37", "香川", 4, 7),
    ("38", "愛媛", 3, 7),
    ("39", "高知", 3, 8),
    ("40", "福岡", 1, 7),
    ("41", "佐賀", 0, 7),
    ("42", "長崎", 0, 8),
    ("43", "熊本", 1, 8),
    ("44", "大分", 2, 7),
    ("45", "宮崎", 2, 8),
    ("46", "鹿児島", 1, 9),
    ("47", "沖縄", 0, 10),
];

/// (fill, text colour), lightest to darkest: the first for 0, the others for the bins of
/// `scale`. Text reaches 4.5:1 on its fill (tested).
pub(super) const COLOURS: [(&str, &str); 6] = [
    ("#f2f2f2", "#1a1a1a"),
    ("#d4e6f7", "#0b1f33"),
    ("#a9cdee", "#0b1f33"),
    ("#6ea5d8", "#0b1f33"),
    ("#2e6aa6", "#ffffff"),
    ("#12355b", "#ffffff"),
];

/// Lowest counts of the five coloured bins, for maps of a growing network: one ward's few
/// partners (1, 2, 3, 5, 8+) up to all relations of 200 or more (1, 10, 25, 50, 100+). A map
/// takes the first ladder whose top bin its largest count reaches, or the last.
const LADDERS: [[usize; 5]; 5] = [
    [1, 2, 3, 5, 8],
    [1, 3, 5, 10, 20],
    [1, 5, 10, 20, 40],
    [1, 5, 10, 25, 50],
    [1, 10, 25, 50, 100],
];

/// Tile borders: 7:1 against the white page.
pub(super) const BORDER: &str = "#595959";

const STEP: u32 = 50;
const TILE: u32 = 46;

/// The bins of a map whose largest count is `max`: (lowest count, label), 0 first.
fn scale(max: usize) -> Vec<(usize, String)> {
    let ladder = LADDERS.iter().rev().find(|l| max >= l[4]).map_or(LADDERS[0], |l| *l);
    let mut bins = vec![(0, "0".to_owned())];
    for (i, &low) in ladder.iter().enumerate() {
        let label = match ladder.get(i + 1) {
            Some(&next) if next == low + 1 => low.to_string(),
            Some(&next) => format!("{low}–{}", next - 1),
            None => format!("{low}+"),
        };
        bins.push((low, label));
    }
    bins
}

/// The bin (index into `bins` and `COLOURS`) of a count.
fn bin(bins: &[(usize, String)], count: usize) -> usize {
    bins.iter().rposition(|b| count >= b.0).unwrap_or(0)
}

/// Relations per prefecture id: all of them, or one ward's.
pub(super) fn counts(site: &Site, ward: Option<NodeId>) -> BTreeMap<NodeId, usize> {
    let mut counts = BTreeMap::new();
    match ward {
        None => {
            for &p in site.list(Collection::Prefectures) {
                counts.insert(p, site.nodes[p].backlinks.partners.len());
            }
        }
        Some(ward) => {
            for &index in &site.nodes[ward].backlinks.partners {
                let municipality = site.partners[index].municipality;
                if let Some(p) = site.nodes[municipality].links.parent {
                    *counts.entry(p).or_insert(0) += 1;
                }
            }
        }
    }
    counts
}

/// `map_svg` (the figure: SVG, legend, table) and `map_counts` (`[{id, title, url, code, count}]`
/// of every prefecture with a page, in code order) for a page in `lang`.
pub(super) fn render(
    reader: &PageReader,
    counts: &BTreeMap<NodeId, usize>,
    subject: Option<&str>,
    lang: &str,
) -> (String, Value) {
    let site = reader.unrecorded();
    let ja = lang == "ja";
    // Prefecture pages by JIS code.
    let by_code: BTreeMap<&str, NodeId> = site
        .list(Collection::Prefectures)
        .iter()
        .filter_map(|&id| match &site.nodes[id].entry.meta {
            Meta::Prefecture(m) => Some((m.code.as_str(), id)),
            _ => None,
        })
        .collect();
    let total: usize = counts.values().sum();
    let with_relations = counts.values().filter(|&&c| c > 0).count();
    let unit = if ja { "件" } else { "" };
    let caption = match (subject, ja) {
        (Some(name), true) => format!("{name}の連携先（都道府県別）"),
        (Some(name), false) => format!("Partners of {name} by prefecture"),
        (None, true) => "都道府県別の連携数".to_owned(),
        (None, false) => "Relations by prefecture".to_owned(),
    };
    let description = if ja {
        format!(
            "47都道府県を地理的な配置のタイルで表した地図。各タイルの数字と色は連携数で、{with_relations}都道府県に合計{total}件。各タイルは都道府県のページへのリンク。同じ数を地図の下の表に示します。"
        )
    } else {
        format!(
            "A tile map of the 47 prefectures in their geographic arrangement. The number and colour of each tile is its number of relations: {total} in {with_relations} prefectures. Each tile links to the prefecture's page; the table below gives the same numbers."
        )
    };
    let width = 13 * STEP;
    let height = 11 * STEP;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"map-svg\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" text-anchor=\"middle\">\n<title>{}</title>\n<desc>{}</desc>\n",
        escape(&caption),
        escape(&description),
    );
    let bins = scale(counts.values().copied().max().unwrap_or(0));
    for (code, short, col, row) in TILES {
        let node = by_code.get(code).copied();
        let count = node.and_then(|id| counts.get(&id)).copied().unwrap_or(0);
        let (fill, text) = COLOURS[bin(&bins, count)];
        let (x, y) = (col * STEP + 2, row * STEP + 2);
        let name = node.map_or(short, |id| site.nodes[id].title());
        let label = if ja { format!("{name}：{count}{unit}") } else { format!("{name}: {count}") };
        // Three digits are squeezed into the tile when the count is drawn large (on a phone).
        let squeeze =
            if count >= 100 { " textLength=\"40\" lengthAdjust=\"spacingAndGlyphs\"" } else { "" };
        let tile = format!(
            "<title>{}</title><rect x=\"{x}\" y=\"{y}\" width=\"{TILE}\" height=\"{TILE}\" rx=\"4\" fill=\"{fill}\" stroke=\"{BORDER}\" stroke-width=\"1.5\"/><text class=\"map-name\" x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"{text}\">{}</text><text class=\"map-count\" x=\"{}\" y=\"{}\" font-size=\"15\" font-weight=\"bold\" fill=\"{text}\"{squeeze}>{count}</text>",
            escape(&label),
            x + TILE / 2,
            y + 18,
            escape(short),
            x + TILE / 2,
            y + 37,
        );
        match node {
            Some(id) => {
                let url = site.url(&site.path_of(id, &site.config.default_language));
                let _ = writeln!(
                    svg,
                    "<a xlink:href=\"{}\" class=\"map-tile\">{tile}</a>",
                    escape(&url)
                );
            }
            None => {
                let _ = writeln!(svg, "<g class=\"map-tile\">{tile}</g>");
            }
        }
    }
    svg.push_str("</svg>");
    // The legend, in HTML so that its text keeps the page's size on a phone; its swatches are
    // SVG paint, so that it prints with the same colours.
    let top = bin(&bins, counts.values().copied().max().unwrap_or(0));
    let mut legend = format!(
        "<div class=\"map-legend\"><span class=\"map-legend-title\">{}</span><ul>",
        if ja { "連携数" } else { "Relations" }
    );
    for (i, (_, label)) in bins.iter().enumerate().take(top.max(1) + 1) {
        let _ = write!(
            legend,
            "<li><svg width=\"20\" height=\"20\" viewBox=\"0 0 20 20\" aria-hidden=\"true\"><rect x=\"1\" y=\"1\" width=\"18\" height=\"18\" rx=\"3\" fill=\"{}\" stroke=\"{BORDER}\"/></svg>{label}</li>",
            COLOURS[i].0
        );
    }
    legend.push_str("</ul></div>");

    let mut rows = Vec::new();
    let mut table_rows = String::new();
    for (code, _, _, _) in TILES {
        let Some(&id) = by_code.get(code) else { continue };
        let count = counts.get(&id).copied().unwrap_or(0);
        // The prefecture's page in this language when it has one, else the Japanese page.
        let shown = super::context::reference(reader, id, lang);
        let (title, url) = (
            shown["title"].as_str().unwrap_or_default(),
            shown["url"].as_str().unwrap_or_default(),
        );
        let other = shown["lang"].as_str().filter(|l| *l != lang);
        let marks = other.map_or_else(String::new, |l| format!(" hreflang=\"{l}\" lang=\"{l}\""));
        if count > 0 {
            let _ = writeln!(
                table_rows,
                "<tr><th scope=\"row\"><a href=\"{}\"{marks}>{}</a></th><td>{count}</td></tr>",
                escape(url),
                escape(title)
            );
        }
        rows.push(json!({"id": site.nodes[id].id(), "title": title, "url": url, "code": code, "count": count}));
    }
    let mut html = String::new();
    let _ = write!(
        html,
        "<figure class=\"japan-map\" aria-labelledby=\"map-caption\">\n<figcaption id=\"map-caption\">{}</figcaption>\n<div class=\"map-picture\">{svg}\n{legend}</div>\n<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"map-table-caption\" tabindex=\"0\">\n<table class=\"data map-table\">\n<caption id=\"map-table-caption\">{}</caption>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n{table_rows}</tbody>\n<tfoot><tr><th scope=\"row\">{}</th><td>{total}</td></tr></tfoot>\n</table>\n</div>\n</figure>",
        escape(&caption),
        escape(&if ja {
            format!("{caption}（連携のある都道府県。その他は0）")
        } else {
            format!("{caption} (prefectures with relations; all others 0)")
        }),
        if ja { "都道府県" } else { "Prefecture" },
        if ja { "連携数" } else { "Relations" },
        if ja { "合計" } else { "Total" },
    );
    (html, Value::Array(rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c =
                f64::from(u8::from_str_radix(&hex[1 + 2 * i..3 + 2 * i], 16).unwrap_or(0)) / 255.0;
            if c <= 0.03928 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn text_and_borders_have_enough_contrast() {
        for (fill, text) in COLOURS {
            assert!(contrast(fill, text) >= 4.5, "{fill}: {}", contrast(fill, text));
        }
        assert!(contrast(BORDER, "#ffffff") >= 3.0);
    }

    #[test]
    fn the_grid_has_every_prefecture_once_and_no_overlap() {
        let mut cells: Vec<(u32, u32)> = TILES.iter().map(|t| (t.2, t.3)).collect();
        cells.sort_unstable();
        cells.dedup();
        assert_eq!(cells.len(), 47);
        for (i, tile) in TILES.iter().enumerate() {
            assert_eq!(tile.0, format!("{:02}", i + 1));
        }
    }

    fn labels(max: usize) -> Vec<String> {
        scale(max).into_iter().map(|(_, label)| label).collect()
    }

    #[test]
    fn the_scale_grows_with_the_network() {
        // One ward's few partners, and today's 64 relations (北海道 has 18 of them).
        assert_eq!(labels(3), ["0", "1", "2", "3–4", "5–7", "8+"]);
        assert_eq!(labels(18), ["0", "1", "2", "3–4", "5–7", "8+"]);
        assert_eq!(labels(20), ["0", "1–2", "3–4", "5–9", "10–19", "20+"]);
        // 200 and more relations: a prefecture may have 40, Hokkaido over 100.
        assert_eq!(labels(45), ["0", "1–4", "5–9", "10–19", "20–39", "40+"]);
        assert_eq!(labels(150), ["0", "1–9", "10–24", "25–49", "50–99", "100+"]);
        let bins = scale(150);
        assert_eq!(bin(&bins, 0), 0);
        assert_eq!(bin(&bins, 9), 1);
        assert_eq!(bin(&bins, 10), 2);
        assert_eq!(bin(&bins, 120), 5);
        assert_eq!(bins.len(), COLOURS.len());
    }
}
