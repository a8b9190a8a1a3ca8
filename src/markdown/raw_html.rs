//! Raw HTML in Markdown (issue 9): what `raw_html` in `site.toml` decides.
//!
//! - `allow`: passes through as written (trusted editors only).
//! - `escape`: shown as text, `<script>` and all.
//! - `sanitize` (the default): kept, but cleaned with an allow-list (the `ammonia` crate): no
//!   `<script>`, `<style>`, `<iframe>`, no `on…` event handlers, no `javascript:` URLs.
//!
//! In `escape` and `sanitize`, a Markdown link or image whose URL has a scheme other than http,
//! https, mailto or tel (`javascript:`, `data:`, `vbscript:`) points at `#` instead. The
//! sanitiser runs over the body's whole HTML, and only when the body has raw HTML, so that
//! pages without it cost nothing and render exactly as before.

use pulldown_cmark::{CowStr, Event, Tag};

use super::Spanned;

pub use crate::config::RawHtml;

/// Applies `mode` to the events; returns them and whether the HTML must be sanitised afterwards.
pub(crate) fn apply(events: Vec<Spanned<'_>>, mode: RawHtml) -> (Vec<Spanned<'_>>, bool) {
    if mode == RawHtml::Allow {
        return (events, false);
    }
    let mut has_html = false;
    let events = events
        .into_iter()
        .map(|(event, span)| {
            let event = match event {
                Event::Html(html) | Event::InlineHtml(html) if mode == RawHtml::Escape => {
                    Event::Text(html)
                }
                Event::Html(_) | Event::InlineHtml(_) => {
                    has_html = true;
                    event
                }
                Event::Start(tag) => Event::Start(safe_link(tag)),
                other => other,
            };
            (event, span)
        })
        .collect();
    (events, has_html)
}

/// The tag with a dangerous link or image URL replaced by `#`.
fn safe_link(tag: Tag<'_>) -> Tag<'_> {
    match tag {
        Tag::Link { link_type, dest_url, title, id } if !is_safe_url(&dest_url) => {
            Tag::Link { link_type, dest_url: CowStr::Borrowed("#"), title, id }
        }
        Tag::Image { link_type, dest_url, title, id } if !is_safe_url(&dest_url) => {
            Tag::Image { link_type, dest_url: CowStr::Borrowed("#"), title, id }
        }
        other => other,
    }
}

/// A URL without a scheme (relative, `#…`, `/…`, `@/…`) or with one of the safe schemes.
pub fn is_safe_url(url: &str) -> bool {
    // Browsers ignore tabs, newlines and leading spaces inside a scheme: `java\tscript:`.
    let cleaned: String =
        url.trim_start().chars().filter(|c| !c.is_ascii_whitespace() && !c.is_control()).collect();
    let Some((scheme, _)) = cleaned.split_once(':') else { return true };
    if scheme.contains(['/', '?', '#']) {
        return true; // the colon is in the path or query, not a scheme
    }
    ["http", "https", "mailto", "tel"].iter().any(|safe| scheme.eq_ignore_ascii_case(safe))
}

/// Script in a body, by byte range and what it is: `<script>`, `on…=` event handlers and
/// `javascript:` URLs in raw HTML, and links or images with a dangerous scheme.
pub fn risky_html(markdown: &str) -> Vec<(std::ops::Range<usize>, crate::messages::Text)> {
    let mut found = Vec::new();
    for (event, span) in super::parse(markdown) {
        match event {
            Event::Html(html) | Event::InlineHtml(html) => {
                // The event's text is the source from the start of `span`.
                for (at, len, what) in risky_in_html(&html) {
                    found.push((span.start + at..span.start + at + len, what));
                }
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if !is_safe_url(&dest_url) =>
            {
                let scheme = dest_url.split(':').next().unwrap_or_default().trim().to_owned();
                found.push((span, crate::msg!("risky.link_scheme", scheme = scheme)));
            }
            _ => {}
        }
    }
    found
}

/// `(offset, length, message)` of each risky thing in a piece of raw HTML.
fn risky_in_html(html: &str) -> Vec<(usize, usize, crate::messages::Text)> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    for (at, _) in lower.match_indices("<script") {
        found.push((at, 7, crate::msg!("risky.script")));
    }
    for (at, _) in lower.match_indices("javascript:") {
        found.push((at, 11, crate::msg!("risky.javascript")));
    }
    let bytes = lower.as_bytes();
    for (at, _) in lower.match_indices("on") {
        // An attribute name `on…` right after whitespace, followed by `=`: an event handler.
        let after_space = at > 0 && bytes[at - 1].is_ascii_whitespace();
        let name_len = lower[at..].bytes().take_while(u8::is_ascii_alphabetic).count();
        let rest = lower[at + name_len..].trim_start();
        if after_space && name_len > 2 && rest.starts_with('=') {
            let name = &html[at..at + name_len];
            found.push((at, name_len, crate::msg!("risky.handler", name = name)));
        }
    }
    found.sort_by_key(|(at, len, _)| (*at, *len));
    found
}

/// The HTML with everything outside the allow-list removed. The allow-list is ammonia's
/// (formatting, tables, lists, links, images, ruby) plus what Renkei's own adapters write:
/// `id` on headings and footnotes, `class` (code highlighting, footnotes), task-list boxes.
pub(crate) fn sanitize(html: &str) -> String {
    static CLEANER: std::sync::OnceLock<ammonia::Builder<'static>> = std::sync::OnceLock::new();
    let cleaner = CLEANER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            .add_generic_attributes(["id", "class"])
            .add_tags(["input", "picture", "source", "figure", "figcaption"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            // The responsive pictures of src/markdown/images.rs.
            .add_tag_attributes("source", ["type", "srcset", "sizes"])
            .add_tag_attributes("img", ["srcset", "sizes", "loading", "decoding"])
            .add_tag_attributes("pre", ["data-lang"])
            .url_schemes(["http", "https", "mailto", "tel"].into())
            .url_relative(ammonia::UrlRelative::PassThrough)
            .link_rel(None);
        builder
    });
    cleaner.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::super::render_with;
    use super::super::testing::SITE;
    use super::*;

    const HOSTILE: &str = "<script>alert(1)</script>\n\n\
        本文 <b onclick=\"steal()\">太字</b> と <a href=\"javascript:alert(2)\">リンク</a>。\n\n\
        [md](javascript:alert(3)) [ok](https://example.jp/) [data](data:text/html,x)\n\n\
        <iframe src=\"https://evil.example/\"></iframe><img src=x onerror=alert(4)>\n";

    fn html(mode: RawHtml) -> String {
        render_with(HOSTILE, &SITE, mode).html
    }

    #[test]
    fn allow_keeps_raw_html_as_written() {
        let html = html(RawHtml::Allow);
        assert!(html.contains("<script>alert(1)</script>"), "{html}");
        assert!(html.contains("onclick=\"steal()\""));
        assert!(html.contains("href=\"javascript:alert(3)\""));
    }

    #[test]
    fn escape_shows_raw_html_as_text() {
        let html = html(RawHtml::Escape);
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
        assert!(html.contains("&lt;b onclick=\"steal()\"&gt;"), "{html}");
        assert!(!html.contains("<script") && !html.contains("<b ") && !html.contains("<iframe"));
        assert!(!html.contains("<a href=\"javascript"), "{html}");
        assert!(html.contains("<a href=\"https://example.jp/\">ok</a>"));
    }

    #[test]
    fn sanitize_keeps_harmless_markup_and_drops_the_rest() {
        let html = html(RawHtml::Sanitize);
        insta::assert_snapshot!(html);
        for bad in ["<script", "alert(1)", "onclick", "onerror", "javascript:", "<iframe"] {
            assert!(!html.contains(bad), "{bad} survived: {html}");
        }
        assert!(html.contains("<b>太字</b>"), "{html}");
        assert!(html.contains("<a href=\"https://example.jp/\">ok</a>"));
    }

    #[test]
    fn sanitize_keeps_what_renkei_itself_writes() {
        let md = "## 見出し\n\n- [x] 済み\n\n本文[^1]と{漢字|かんじ}。<span>raw</span>\n\n\
                  ```rust\nfn main() {}\n```\n\n[^1]: 注。\n";
        let allowed = render_with(md, &SITE, RawHtml::Allow).html;
        let sanitized = render_with(md, &SITE, RawHtml::Sanitize).html;
        for kept in ["id=\"見出し\"", "<ruby>", "type=\"checkbox\"", "class=\"hl-", "data-lang"]
        {
            assert!(sanitized.contains(kept), "{kept} lost: {sanitized}");
        }
        assert!(allowed.contains("<span>raw</span>") && sanitized.contains("<span>raw</span>"));
    }

    #[test]
    fn a_body_without_raw_html_is_the_same_in_every_mode() {
        let md = "# 題\n\n本文 **太字** [リンク](@/about.md) <https://example.jp>\n";
        let allowed = render_with(md, &SITE, RawHtml::Allow).html;
        assert_eq!(render_with(md, &SITE, RawHtml::Escape).html, allowed);
        assert_eq!(render_with(md, &SITE, RawHtml::Sanitize).html, allowed);
    }

    #[test]
    fn risky_html_is_found_with_its_place() {
        let found = risky_html(HOSTILE);
        let what: Vec<(&str, &str)> = found
            .iter()
            .map(|(span, message)| (&HOSTILE[span.clone()], message.as_str()))
            .collect();
        assert_eq!(
            what,
            [
                ("<script", "a `<script>` element in the content"),
                ("onclick", "an event handler `onclick` in the content"),
                ("javascript:", "a `javascript:` URL in the content"),
                (
                    "[md](javascript:alert(3))",
                    "a link with a `javascript:` URL, which runs or hides code"
                ),
                ("[data](data:text/html,x)", "a link with a `data:` URL, which runs or hides code"),
                ("onerror", "an event handler `onerror` in the content"),
            ]
        );
        assert!(risky_html("本文 [ok](https://example.jp/) <b>太字</b> onion=1\n").is_empty());
    }

    #[test]
    fn urls_with_a_scheme_are_safe_only_for_web_mail_and_phone() {
        for safe in
            ["https://a.jp/", "/x/", "#top", "@/about.md", "a/b:c", "MAILTO:x@y.jp", "tel:03"]
        {
            assert!(is_safe_url(safe), "{safe}");
        }
        for unsafe_url in
            ["javascript:x", " JavaScript:x", "java\nscript:x", "data:text/html,x", "vbscript:x"]
        {
            assert!(!is_safe_url(unsafe_url), "{unsafe_url}");
        }
    }
}
