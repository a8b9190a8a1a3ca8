//! Internal links: destinations written as "@/path/to/file.md#fragment" become the linked page's
//! URL; ones that do not resolve (or that lack the slash, "@wards/x.md") are reported and point to
//! "#", so the page still renders. Every other link and image that may lead into the site (a
//! path, or an `http(s):` URL, which may be the site's own or the preview's) is recorded for the
//! check of link targets (`crate::anchors`), which runs once every file of the site is known.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag};

use super::{LinkProblem, LinkResolver, SiteLink, Spanned};

/// How an internal link starts: a path from the content folder, as the author sees it.
const INTERNAL_PREFIX: &str = "@/";

/// Where a broken link points in the HTML: nowhere, but still a link.
const BROKEN_HREF: &str = "#";

/// What the adapter records, in source order.
pub(crate) struct Found<'s> {
    /// Internal links that do not resolve.
    pub(crate) problems: &'s mut Vec<LinkProblem>,
    /// Links that may lead into the site, for the check of their targets.
    pub(crate) site_links: &'s mut Vec<SiteLink>,
}

/// Adapter: rewrites the destination of every internal link and image, recording those that do
/// not resolve, and the links whose fragment the anchor check must find.
pub(crate) struct InternalLinks<'s, I> {
    events: I,
    source: &'s str,
    resolver: &'s dyn LinkResolver,
    found: Found<'s>,
    /// Asked for only when a link fails, and then only once per page: the list can be long.
    candidates: Option<Vec<String>>,
}

impl<'a, 's, I: Iterator<Item = Spanned<'a>>> InternalLinks<'s, I> {
    pub(crate) fn new(
        events: I,
        source: &'s str,
        resolver: &'s dyn LinkResolver,
        found: Found<'s>,
    ) -> Self {
        Self { events, source, resolver, found, candidates: None }
    }

    fn rewrite(&mut self, tag: Tag<'a>, link: &Range<usize>) -> Tag<'a> {
        match tag {
            Tag::Link { link_type, dest_url, title, id } => {
                let written = dest_url.clone();
                let dest_url = if is_internal(&dest_url) {
                    self.resolve(&dest_url, link)
                } else if lacks_slash(&dest_url) {
                    self.missing_slash(&dest_url, link)
                } else {
                    dest_url
                };
                if may_lead_into_site(&dest_url) {
                    self.found.site_links.push(SiteLink {
                        span: destination_span(self.source, link, &written),
                        href: dest_url.to_string(),
                    });
                }
                Tag::Link { link_type, dest_url, title, id }
            }
            Tag::Image { link_type, dest_url, title, id } if is_internal(&dest_url) => {
                let dest_url = self.resolve(&dest_url, link);
                Tag::Image { link_type, dest_url, title, id }
            }
            other => other,
        }
    }

    fn resolve(&mut self, target: &str, link: &Range<usize>) -> CowStr<'a> {
        let (path, fragment) = split_fragment(&target[INTERNAL_PREFIX.len()..]);
        if let Some(url) = self.resolver.resolve(path) {
            return CowStr::from(with_fragment(url, fragment));
        }
        let suggestion = self
            .suggest(path)
            .map(|nearest| with_fragment(format!("{INTERNAL_PREFIX}{nearest}"), fragment));
        self.found.problems.push(LinkProblem {
            span: destination_span(self.source, link, target),
            target: target.to_owned(),
            suggestion,
        });
        CowStr::Borrowed(BROKEN_HREF)
    }

    /// `@municipalities/012068.md`: reported with the link it was meant to be, since the
    /// browser would take it for a file named so next to the page.
    fn missing_slash(&mut self, target: &str, link: &Range<usize>) -> CowStr<'a> {
        let (path, fragment) = split_fragment(&target[1..]);
        let meant = match self.resolver.resolve(path) {
            Some(_) => Some(path.to_owned()),
            None => self.suggest(path),
        };
        self.found.problems.push(LinkProblem {
            span: destination_span(self.source, link, target),
            target: target.to_owned(),
            suggestion: meant
                .map(|meant| with_fragment(format!("{INTERNAL_PREFIX}{meant}"), fragment)),
        });
        CowStr::Borrowed(BROKEN_HREF)
    }

    fn suggest(&mut self, path: &str) -> Option<String> {
        let candidates = self.candidates.get_or_insert_with(|| self.resolver.candidates());
        nearest(path, candidates).map(str::to_owned)
    }
}

impl<'a, I: Iterator<Item = Spanned<'a>>> Iterator for InternalLinks<'_, I> {
    type Item = Spanned<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.events.next()? {
            (Event::Start(tag), range) => Some((Event::Start(self.rewrite(tag, &range)), range)),
            (Event::Html(html), range) => {
                self.record_raw_links(&html, &range);
                Some((Event::Html(html), range))
            }
            (Event::InlineHtml(html), range) => {
                self.record_raw_links(&html, &range);
                Some((Event::InlineHtml(html), range))
            }
            other => Some(other),
        }
    }
}

impl<I> InternalLinks<'_, I> {
    /// `<a href="…">` and `<img src="…">` written as raw HTML are links too (raw HTML that is
    /// escaped never reaches this adapter: it is text by then), and so are the images that the
    /// `images` pass turned into HTML. The name of a file beside the entry (`photo.jpg`) is
    /// left out: that pass checks it, against the files of the entry's folder.
    fn record_raw_links(&mut self, html: &str, range: &Range<usize>) {
        let hrefs = attribute_values(html, "href").into_iter();
        let sources =
            attribute_values(html, "src").into_iter().filter(|(_, src)| !names_a_file_beside(src));
        for (at, href) in hrefs.chain(sources) {
            if may_lead_into_site(&href) {
                let span = destination_span(self.source, range, &html[at]);
                self.found.site_links.push(SiteLink { span, href });
            }
        }
    }
}

/// The values of the attribute `name` in a piece of HTML, each with the bytes it takes in
/// `html`, unescaped. A scan, not a parse: Renkei's and the themes' HTML quote their
/// attributes, and text cannot hold an attribute since `"` and `<` in text are escaped.
pub fn attribute_values(html: &str, name: &str) -> Vec<(Range<usize>, String)> {
    let pattern = format!("{name}=");
    let mut values = Vec::new();
    for (at, _) in html.match_indices(&pattern) {
        let preceded_by_space =
            html[..at].chars().next_back().is_some_and(|c| c.is_ascii_whitespace());
        let start = at + pattern.len() + 1;
        let value = quoted(&html[at + pattern.len()..]);
        if let Some(value) = value.filter(|_| preceded_by_space) {
            values.push((start..start + value.len(), unescape(value)));
        }
    }
    values
}

/// The text between the quotes that start `text`.
fn quoted(text: &str) -> Option<&str> {
    let quote = text.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &text[1..];
    value.find(quote).map(|end| &value[..end])
}

/// Undoes the escaping of attribute values (`&amp;` in a heading id written `{#q&a}`).
fn unescape(value: &str) -> String {
    if !value.contains('&') {
        return value.to_owned();
    }
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The links and images of a body that lead to other sites (`http:` and `https:`), each with
/// the span of its destination, in source order: what `renkei check --external` asks for.
pub fn external_links(markdown: &str) -> Vec<(Range<usize>, String)> {
    let mut links = Vec::new();
    for (event, range) in super::parse(markdown) {
        match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if is_web_url(&dest_url) =>
            {
                links.push((destination_span(markdown, &range, &dest_url), dest_url.to_string()));
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                let hrefs = attribute_values(&html, "href").into_iter();
                for (at, href) in hrefs.filter(|(_, href)| is_web_url(href)) {
                    links.push((destination_span(markdown, &range, &html[at]), href));
                }
            }
            _ => {}
        }
    }
    links
}

/// An `http:` or `https:` URL, in any case.
pub fn is_web_url(dest: &str) -> bool {
    let scheme = dest.split_once(':').map_or("", |(scheme, _)| scheme);
    scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")
}

fn is_internal(dest: &str) -> bool {
    dest.starts_with(INTERNAL_PREFIX)
}

/// `@wards/arakawa.md`: an internal link without the slash after `@`.
fn lacks_slash(dest: &str) -> bool {
    dest.starts_with('@') && !dest.starts_with(INTERNAL_PREFIX)
}

/// Whether the target check must look at `dest`: a path within the site, or a web URL (the
/// site's own address and the preview's are recognised only there). A bare `#` leads nowhere.
fn may_lead_into_site(dest: &str) -> bool {
    !dest.is_empty() && dest != BROKEN_HREF && (is_within_site(dest) || is_web_url(dest))
}

/// A plain file name, as images name the photos beside their entry (`photo.jpg`, `./a/b.png`).
fn names_a_file_beside(src: &str) -> bool {
    let name = src.strip_prefix("./").unwrap_or(src);
    !name.starts_with(['/', '.', '#', '?', '@']) && is_within_site(name)
}

/// A path on this site (`#x`, `/a/`, `../b/`), not a URL with a scheme (`https:`, `mailto:`)
/// or another host (`//example.jp/`).
fn is_within_site(dest: &str) -> bool {
    if dest.starts_with("//") {
        return false;
    }
    let before_path = dest.split(['/', '?', '#']).next().unwrap_or_default();
    !before_path.contains(':')
}

/// "wards/arakawa.md#partners" → ("wards/arakawa.md", Some("partners")); an empty fragment is none.
fn split_fragment(target: &str) -> (&str, Option<&str>) {
    match target.split_once('#') {
        Some((path, fragment)) if !fragment.is_empty() => (path, Some(fragment)),
        Some((path, _)) => (path, None),
        None => (target, None),
    }
}

fn with_fragment(mut url: String, fragment: Option<&str>) -> String {
    if let Some(fragment) = fragment {
        url.push('#');
        url.push_str(fragment);
    }
    url
}

/// The bytes of `dest` inside the link's source, so a diagnostic can underline just the target.
/// The destination of an inline link follows "(" or "<" (the same text may also be the link's label
/// or title); when it is not in the link at all (a reference link, or one written with escapes),
/// the whole link is the span.
pub(crate) fn destination_span(source: &str, link: &Range<usize>, dest: &str) -> Range<usize> {
    let Some(written) = source.get(link.clone()) else { return link.clone() };
    if dest.is_empty() {
        return link.clone();
    }
    let found = written
        .match_indices(dest)
        .map(|(at, _)| at)
        .filter(|&at| written[..at].trim_end().ends_with(['(', '<']))
        .last()
        .or_else(|| written.rfind(dest));
    match found {
        Some(at) => link.start + at..link.start + at + dest.len(),
        None => link.clone(),
    }
}

/// The candidate closest to `path` by edit distance, if it is close enough to be a likely typo:
/// at most max(2, a third of the path's length) edits. Ties go to the alphabetically first, so the
/// suggestion does not depend on the order of `candidates`.
pub(crate) fn nearest<'c>(path: &str, candidates: &'c [String]) -> Option<&'c str> {
    let length = path.chars().count();
    let limit = (length / 3).max(2);
    candidates
        .iter()
        // The length difference is a lower bound on the distance; skipping on it keeps a very long
        // or garbage target from costing a full comparison with every candidate.
        .filter(|candidate| candidate.chars().count().abs_diff(length) <= limit)
        .map(|candidate| (strsim::levenshtein(path, candidate), candidate.as_str()))
        .filter(|&(distance, _)| distance <= limit)
        .min()
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{SITE, to_html};
    use super::super::{parse, testing::FixedSite};
    use super::*;

    /// Runs only this adapter over `markdown`, returning the HTML and the problems.
    fn resolved(markdown: &str) -> (String, Vec<LinkProblem>) {
        let (html, problems, _) = resolved_all(markdown);
        (html, problems)
    }

    fn resolved_all(markdown: &str) -> (String, Vec<LinkProblem>, Vec<SiteLink>) {
        let mut problems = Vec::new();
        let mut site_links = Vec::new();
        let html = to_html(InternalLinks::new(
            parse(markdown).into_iter(),
            markdown,
            &SITE,
            Found { problems: &mut problems, site_links: &mut site_links },
        ));
        (html, problems, site_links)
    }

    #[test]
    fn external_links_are_the_web_ones_with_their_spans() {
        let md = "[a](https://example.jp/a) ![b](HTTP://example.jp/b.png) <https://example.jp/c>\n\n\
                  [m](mailto:x@example.jp) [t](tel:0312345678) [i](@/about.md) [f](ftp://example.jp/)\n\n\
                  [r][k]\n\n[k]: https://example.jp/d\n\n<a href=\"https://example.jp/e\">e</a>\n";
        let links = external_links(md);
        let urls: Vec<&str> = links.iter().map(|(_, url)| url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://example.jp/a",
                "HTTP://example.jp/b.png",
                "https://example.jp/c",
                "https://example.jp/d",
                "https://example.jp/e"
            ]
        );
        assert_eq!(&md[links[4].0.clone()], "https://example.jp/e");
        assert_eq!(&md[links[0].0.clone()], "https://example.jp/a");
        assert_eq!(&md[links[2].0.clone()], "https://example.jp/c");
        assert_eq!(&md[links[3].0.clone()], "[r][k]");
    }

    #[test]
    fn links_that_may_lead_into_the_site_are_recorded() {
        let md = "[a](#概要) [b](@/wards/arakawa.md#partners) [c](../chiyoda/#h-partners) \
                  [d](/wards/?x=1#top) [e](https://example.jp/#x) [f](//example.jp/#x) \
                  [g](mailto:a@example.jp#x) [h](@/wards/arakawa.md) [i](#) [j](@/nowhere.md#x) \
                  [k](/wards/nosuch/) [l](http://127.0.0.1:1111/wards/) [m](javascript:x)";
        let (_, _, links) = resolved_all(md);
        let hrefs: Vec<&str> = links.iter().map(|link| link.href.as_str()).collect();
        assert_eq!(
            hrefs,
            [
                "#概要",
                "/wards/arakawa/#partners",
                "../chiyoda/#h-partners",
                "/wards/?x=1#top",
                "https://example.jp/#x",
                "/wards/arakawa/",
                "/wards/nosuch/",
                "http://127.0.0.1:1111/wards/"
            ]
        );
        let spans: Vec<&str> = links.iter().map(|link| &md[link.span.clone()]).collect();
        assert_eq!(
            spans[..4],
            ["#概要", "@/wards/arakawa.md#partners", "../chiyoda/#h-partners", "/wards/?x=1#top"]
        );
        let raw = "<a href=\"https://example.jp/#x\">a</a> <a class=\"x\" href='../b/?a=1&amp;c#概要'>b</a>\n\n\
                   <div><a href=\"#top\">c</a><img src=\"/logo.png\"><img src=\"photo.jpg\"></div>\n";
        let (_, _, in_raw_html) = resolved_all(raw);
        let raw_hrefs: Vec<&str> = in_raw_html.iter().map(|link| link.href.as_str()).collect();
        assert_eq!(raw_hrefs, ["https://example.jp/#x", "../b/?a=1&c#概要", "#top", "/logo.png"]);
        let spans: Vec<&str> = in_raw_html.iter().map(|link| &raw[link.span.clone()]).collect();
        assert_eq!(spans[1..], ["../b/?a=1&amp;c#概要", "#top", "/logo.png"]);
    }

    #[test]
    fn an_internal_link_without_its_slash_is_reported_with_the_slash() {
        let md = "[釧路市](@municipalities/012068.md#概要) [x](@wards/arakwa.md)";
        let (html, problems) = resolved(md);
        assert_eq!(html, "<p><a href=\"#\">釧路市</a> <a href=\"#\">x</a></p>\n");
        let suggestions: Vec<Option<&str>> =
            problems.iter().map(|problem| problem.suggestion.as_deref()).collect();
        assert_eq!(
            suggestions,
            [Some("@/municipalities/012068.md#概要"), Some("@/wards/arakawa.md")]
        );
        assert_eq!(&md[problems[0].span.clone()], "@municipalities/012068.md#概要");
    }

    #[test]
    fn internal_link_resolves() {
        let (html, problems) = resolved("[荒川区](@/wards/arakawa.md)");
        assert_eq!(html, "<p><a href=\"/wards/arakawa/\">荒川区</a></p>\n");
        assert!(problems.is_empty());
    }

    #[test]
    fn fragment_is_kept() {
        let (html, _) = resolved("[連携先](@/wards/arakawa.md#partners)");
        assert_eq!(html, "<p><a href=\"/wards/arakawa/#partners\">連携先</a></p>\n");
    }

    #[test]
    fn internal_image_resolves() {
        let (html, _) = resolved("![地図](@/about.md \"題\")");
        assert_eq!(html, "<p><img src=\"/about/\" alt=\"地図\" title=\"題\" /></p>\n");
    }

    #[test]
    fn other_links_are_untouched() {
        let md =
            "[外部](https://example.jp/@/x) [相対](../a.md) [頁内](#概要) <https://example.jp>";
        let (html, problems) = resolved(md);
        assert_eq!(html, to_html(parse(md).into_iter()));
        assert!(problems.is_empty());
    }

    #[test]
    fn unresolved_link_reports_span_and_suggestion() {
        let md = "釧路市は[こちら](@/municipalities/012069.md)。";
        let (html, problems) = resolved(md);
        assert_eq!(html, "<p>釧路市は<a href=\"#\">こちら</a>。</p>\n");
        let [problem] = problems.as_slice() else { panic!("{problems:?}") };
        assert_eq!(&md[problem.span.clone()], "@/municipalities/012069.md");
        assert_eq!(problem.target, "@/municipalities/012069.md");
        assert_eq!(problem.suggestion.as_deref(), Some("@/municipalities/012068.md"));
    }

    #[test]
    fn unresolved_link_with_fragment_suggests_with_fragment() {
        let md = "[x](@/wards/arakawa.mdx#partners)";
        let (_, problems) = resolved(md);
        assert_eq!(&md[problems[0].span.clone()], "@/wards/arakawa.mdx#partners");
        assert_eq!(problems[0].suggestion.as_deref(), Some("@/wards/arakawa.md#partners"));
    }

    #[test]
    fn far_target_gets_no_suggestion() {
        let (_, problems) = resolved("[x](@/events/totally-different.md)");
        assert_eq!(problems[0].suggestion, None);
    }

    #[test]
    fn span_skips_label_and_title_that_repeat_the_target() {
        let md = "前置き [@/wards/nowhere.md](<@/wards/nowhere.md> \"@/wards/nowhere.md\")";
        let (_, problems) = resolved(md);
        let span = problems[0].span.clone();
        assert_eq!(&md[span.clone()], "@/wards/nowhere.md");
        assert_eq!(&md[..span.start], "前置き [@/wards/nowhere.md](<");
    }

    #[test]
    fn reference_link_falls_back_to_link_span() {
        let md = "[釧路][k]\n\n[k]: @/municipalities/999999.md\n";
        let (_, problems) = resolved(md);
        assert_eq!(&md[problems[0].span.clone()], "[釧路][k]");
    }

    #[test]
    fn problems_come_in_source_order() {
        let md = "[a](@/a.md) ![b](@/b.png)\n\n> [c](@/c.md)\n";
        let (_, problems) = resolved(md);
        let targets: Vec<_> = problems.iter().map(|problem| problem.target.as_str()).collect();
        assert_eq!(targets, ["@/a.md", "@/b.png", "@/c.md"]);
        for problem in &problems {
            assert_eq!(md[problem.span.clone()], problem.target);
        }
    }

    #[test]
    fn candidates_are_asked_only_on_failure() {
        struct NoCandidates;
        impl LinkResolver for NoCandidates {
            fn resolve(&self, path: &str) -> Option<String> {
                Some(format!("/{path}"))
            }
            fn candidates(&self) -> Vec<String> {
                panic!("candidates asked for although every link resolved")
            }
        }
        let md = "[a](@/a.md)";
        let (mut problems, mut site_links) = (Vec::new(), Vec::new());
        let found = Found { problems: &mut problems, site_links: &mut site_links };
        let _ = to_html(InternalLinks::new(parse(md).into_iter(), md, &NoCandidates, found));
    }

    #[test]
    fn nearest_prefers_smallest_distance_then_name() {
        let site = FixedSite(&["b.md", "a.md", "abc.md"]).0;
        let candidates: Vec<String> = site.iter().map(|path| path.to_string()).collect();
        assert_eq!(nearest("c.md", &candidates), Some("a.md"));
        assert_eq!(nearest("abd.md", &candidates), Some("abc.md"));
        assert_eq!(nearest("zzzzzz.md", &candidates), None);
        assert_eq!(nearest("", &[]), None);
    }

    #[test]
    fn span_outside_source_falls_back_to_link() {
        assert_eq!(destination_span("abc", &(2..10), "x"), 2..10);
        assert_eq!(destination_span("abc", &(0..3), ""), 0..3);
    }
}
