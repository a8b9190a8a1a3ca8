//! The `raw_html` setting of `site.toml` (issue 9) and the warnings of `renkei check` about
//! script in content, whatever the setting.

use std::path::Path;

use crate::support::{fixture_copy, read, renkei, write};

const BODY: &str = "---\ntitle: 公開\ndate: 2025-12-01\n---\n\n\
    本文 <b onclick=\"steal()\">太字</b>。\n\n<script>alert(1)</script>\n\n[md](javascript:alert(3))\n";

/// A copy of the fixture with `raw_html = mode` (none when `None`) and the hostile body.
fn site(mode: Option<&str>) -> tempfile::TempDir {
    let site = fixture_copy("basic");
    let config = site.path().join("site.toml");
    let setting = mode.map(|m| format!("raw_html = \"{m}\"\n")).unwrap_or_default();
    write(site.path(), "site.toml", format!("{setting}{}", read(&config)));
    write(site.path(), "content/news/site-open.md", BODY);
    site
}

fn built_page(root: &Path) -> String {
    renkei().arg("build").arg("--root").arg(root).assert().success();
    read(&root.join("public/news/site-open/index.html"))
}

#[test]
fn site_toml_decides_whether_raw_html_is_allowed_escaped_or_sanitised() {
    let allowed = built_page(site(Some("allow")).path());
    assert!(allowed.contains("<script>alert(1)</script>") && allowed.contains("onclick="));

    let escaped = built_page(site(Some("escape")).path());
    assert!(escaped.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!escaped.contains("<script>alert") && !escaped.contains("<b onclick"));
    assert!(escaped.contains("&lt;b onclick="));
    assert!(!escaped.contains("javascript:"));

    for mode in [Some("sanitize"), None] {
        let sanitized = built_page(site(mode).path());
        assert!(sanitized.contains("<b>太字</b>"), "{mode:?}");
        for bad in ["alert(1)", "onclick", "javascript:"] {
            assert!(!sanitized.contains(bad), "{mode:?}: {bad} survived");
        }
    }
}

#[test]
fn an_unknown_raw_html_mode_names_the_valid_ones() {
    let site = site(Some("sanitise"));
    let output = renkei().arg("build").arg("--root").arg(site.path()).assert().failure();
    let stderr = String::from_utf8_lossy(&output.get_output().stderr).into_owned();
    for text in ["site.toml:1:", "sanitise", "`allow`, `escape`, `sanitize`"] {
        assert!(stderr.contains(text), "stderr lacks {text}:\n{stderr}");
    }
}

#[test]
fn check_warns_about_script_in_content_whatever_the_setting() {
    for mode in ["allow", "escape", "sanitize"] {
        let site = site(Some(mode));
        let output = renkei().arg("check").arg("--root").arg(site.path()).assert().success();
        let stderr = String::from_utf8_lossy(&output.get_output().stderr).into_owned();
        for text in [
            "warning: an event handler `onclick` in the content",
            "content/news/site-open.md:6:",
            "warning: a `<script>` element in the content",
            "content/news/site-open.md:8:1",
            "warning: a link with a `javascript:` URL",
            "content/news/site-open.md:10:1",
        ] {
            assert!(stderr.contains(text), "{mode}: stderr lacks {text}:\n{stderr}");
        }
    }
}
