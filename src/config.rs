//! Configuration: `site.toml` (exactly as written, `RawConfig`) resolved with the command line's
//! options into a validated `Config`. Reads one file; knows nothing of content.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;

use crate::diag::{Diagnostic, Location};
use crate::messages::{Lang, Text};
use crate::msg;

/// The name of the configuration file at the site root.
pub const CONFIG_FILE: &str = "site.toml";

/// `site.toml`, field for field.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    base_url: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    author: String,
    #[serde(default = "default_license")]
    license: String,
    #[serde(default = "default_theme")]
    theme: String,
    #[serde(default = "default_language")]
    default_language: String,
    #[serde(default = "default_per_page")]
    events_per_page: usize,
    #[serde(default = "default_per_page")]
    news_per_page: usize,
    #[serde(default)]
    languages: BTreeMap<String, RawLanguage>,
    /// Raw HTML in Markdown: "allow", "escape" or "sanitize" (the default).
    #[serde(default)]
    raw_html: RawHtml,
    /// `renkei check --external`.
    #[serde(default)]
    check: LinkCheck,
    /// The site's contact address (`info@…`): where registrations go when no form is set.
    contact_email: Option<String>,
    /// `[registration]`: how a municipality or an organisation registers (issue 24).
    #[serde(default)]
    registration: RawRegistration,
    /// `[ui]`: how Renkei itself speaks to the editors.
    #[serde(default)]
    ui: Ui,
}

/// `[ui]` of `site.toml`: the language of Renkei's own messages (`ja` or `en`), for everyone who
/// builds this site; `--lang` overrides it, the locale (`LANG`) is the fallback.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Ui {
    language: Option<String>,
}

/// `[registration]` of `site.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegistration {
    /// The registration form on an external form service (the site has no server).
    form_url: Option<String>,
}

/// Where the registration page sends a municipality or an organisation that wants to register.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Registration {
    /// `[registration] form_url`: a form on an external service.
    Form(String),
    /// No form: a `mailto:` to `contact_email`.
    Email(String),
    /// Neither is set: the page points at the contact page.
    None,
}

impl Registration {
    fn from_raw(
        text: &str,
        form_url: Option<String>,
        email: Option<String>,
    ) -> Result<Registration, Diagnostic> {
        if let Some(email) = &email
            && !is_email(email)
        {
            return Err(config_error(
                text,
                "contact_email",
                msg!("config.not_email", value = email.as_str()),
            )
            .with_help(msg!("config.not_email_help")));
        }
        match (form_url, email) {
            (Some(url), _) if url.starts_with("https://") || url.starts_with("http://") => {
                Ok(Registration::Form(url))
            }
            (Some(url), _) => Err(config_error(
                text,
                "form_url",
                msg!("config.form_url_scheme", url = url.as_str()),
            )
            .with_help(msg!(
                "diag.did_you_mean",
                value = format!("https://{}", url.trim_start_matches("//"))
            ))),
            (None, Some(email)) => Ok(Registration::Email(email)),
            (None, None) => Ok(Registration::None),
        }
    }

    /// The link of the registration button: the form, or `mailto:` the contact address.
    pub fn url(&self) -> Option<String> {
        match self {
            Registration::Form(url) => Some(url.clone()),
            Registration::Email(email) => Some(format!("mailto:{email}")),
            Registration::None => None,
        }
    }
}

/// `a@b.c` without spaces or a scheme: enough to catch a URL or a name written instead.
fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !text.contains(|c: char| c.is_whitespace() || c == ':' || c == '/')
}

/// `[check]` of `site.toml`: how `renkei check --external` checks the links to other sites,
/// and which hosts `check` and `build` warn about as sources (`aggregators`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinkCheck {
    /// Seconds each request may take, redirects included.
    pub timeout: u64,
    /// Hours an answered link is taken from `.renkei-cache/links.json` without asking again.
    pub cache_hours: u64,
    /// Links starting with one of these are not checked (sites that refuse robots, intranets).
    pub skip: Vec<String>,
    /// Hosts of sites that copy or summarise others' pages: a source there is warned about
    /// (`crate::sources`). A host matches itself and its subdomains.
    pub aggregators: Vec<String>,
}

impl Default for LinkCheck {
    fn default() -> LinkCheck {
        LinkCheck { timeout: 10, cache_hours: 24, skip: Vec::new(), aggregators: Vec::new() }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLanguage {
    title: String,
    #[serde(default)]
    description: String,
}

fn default_license() -> String {
    "CC BY 4.0".to_owned()
}
fn default_theme() -> String {
    "default".to_owned()
}
fn default_language() -> String {
    "ja".to_owned()
}
fn default_per_page() -> usize {
    20
}

/// What the command line adds to `site.toml`.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Overrides `base_url` (for a preview or a different host).
    pub base_url: Option<String>,
    /// Build entries marked `draft: true`.
    pub drafts: bool,
    /// The day the build considers "today" (upcoming versus past events). `None`: the clock.
    pub today: Option<NaiveDate>,
    /// The language Renkei's messages are shown in (chosen by the binary: `--lang`, `[ui]
    /// language`, the locale). Where the library renders them itself: the preview's overlay.
    pub lang: Lang,
}

/// A language the site is published in besides the default one.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Language {
    pub code: String,
    pub title: String,
    pub description: String,
}

/// The resolved configuration every later stage reads.
#[derive(Debug, Clone)]
pub struct Config {
    pub root: PathBuf,
    pub title: String,
    pub description: String,
    pub author: String,
    pub license: String,
    /// Absolute, ending with `/`.
    pub base_url: String,
    /// The path part of `base_url`, starting and ending with `/`: `/` or `/renkei/`.
    pub base_path: String,
    pub theme: String,
    pub default_language: String,
    /// Other languages, by code.
    pub languages: BTreeMap<String, Language>,
    pub events_per_page: usize,
    pub news_per_page: usize,
    pub drafts: bool,
    pub today: NaiveDate,
    /// The interface strings of every language (the theme's `i18n/` over the built-in ones).
    pub strings: crate::i18n::Strings,
    /// What happens to raw HTML in Markdown bodies.
    pub raw_html: RawHtml,
    /// How external links are checked.
    pub check: LinkCheck,
    /// The plan of the 推進方針 (`data/plan.toml`), when the site has one.
    pub plan: Option<std::sync::Arc<crate::plan::Plan>>,
    /// The site's contact address, when set.
    pub contact_email: Option<String>,
    /// Where registrations go (`[registration]`, else `contact_email`).
    pub registration: Registration,
}

impl Config {
    /// Reads and validates `<root>/site.toml`.
    pub fn load(root: &Path, options: &Options) -> Result<Config, Diagnostic> {
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|error| {
            Diagnostic::new(CONFIG_FILE, msg!("config.cannot_read", error = error.to_string()))
                .with_help(msg!("config.cannot_read_help", root = root.display().to_string()))
        })?;
        Config::parse(root, &text, options)
    }

    /// Validates the text of a `site.toml`.
    pub fn parse(root: &Path, text: &str, options: &Options) -> Result<Config, Diagnostic> {
        let raw: RawConfig = toml::from_str(text).map_err(|error| toml_diagnostic(text, &error))?;
        let base_url = normalize_base_url(options.base_url.as_deref().unwrap_or(&raw.base_url))
            .map_err(|message| config_error(text, "base_url", message))?;
        if raw.check.timeout == 0 {
            return Err(config_error(text, "timeout", msg!("config.timeout_zero")));
        }
        if raw.events_per_page == 0 || raw.news_per_page == 0 {
            return Err(config_error(text, "per_page", msg!("config.per_page_zero")));
        }
        for code in raw.languages.keys() {
            check_language_code(code, &raw.default_language)
                .map_err(|message| config_error(text, &format!("[languages.{code}]"), message))?;
        }
        let languages = raw
            .languages
            .into_iter()
            .map(|(code, l)| {
                let language =
                    Language { code: code.clone(), title: l.title, description: l.description };
                (code, language)
            })
            .collect::<BTreeMap<String, Language>>();
        let mut codes = vec![raw.default_language.as_str()];
        codes.extend(languages.keys().map(String::as_str));
        let theme_dir = root.join("themes").join(&raw.theme);
        check_theme(root, &raw.theme).map_err(|(message, help)| {
            let diagnostic = config_error(text, "theme", message);
            match help {
                Some(help) => diagnostic.with_help(help),
                None => diagnostic,
            }
        })?;
        let strings = crate::i18n::Strings::load(&theme_dir, &codes)?;
        if let Some(language) = &raw.ui.language
            && Lang::from_code(language).is_none_or(|l| l.code() != language.as_str())
        {
            return Err(config_error(
                text,
                "language",
                msg!("config.ui_language", value = language.as_str()),
            )
            .with_help(msg!("config.ui_language_help")));
        }
        let plan = crate::plan::load(root)?.map(std::sync::Arc::new);
        let registration =
            Registration::from_raw(text, raw.registration.form_url, raw.contact_email.clone())?;
        Ok(Config {
            root: root.to_path_buf(),
            base_path: base_path(&base_url),
            base_url,
            title: raw.title,
            description: raw.description,
            author: raw.author,
            license: raw.license,
            theme: raw.theme,
            default_language: raw.default_language,
            languages,
            events_per_page: raw.events_per_page,
            news_per_page: raw.news_per_page,
            drafts: options.drafts,
            today: options.today.unwrap_or_else(today_in_japan),
            strings,
            raw_html: raw.raw_html,
            check: raw.check,
            plan,
            contact_email: raw.contact_email,
            registration,
        })
    }

    /// A configuration for tests: `https://example.org/`, today 2026-01-01.
    pub fn for_test(root: &Path) -> Config {
        let options = Options { today: NaiveDate::from_ymd_opt(2026, 1, 1), ..Options::default() };
        let text = "title = \"Test\"\nbase_url = \"https://example.org/\"\n";
        match Config::parse(root, text, &options) {
            Ok(config) => config,
            Err(diagnostic) => unreachable!("the test configuration is valid: {diagnostic}"),
        }
    }

    pub fn content_dir(&self) -> PathBuf {
        self.root.join("content")
    }

    pub fn theme_dir(&self) -> PathBuf {
        self.root.join("themes").join(&self.theme)
    }

    /// Every language code, the default first.
    pub fn language_codes(&self) -> Vec<&str> {
        std::iter::once(self.default_language.as_str())
            .chain(self.languages.keys().map(String::as_str))
            .collect()
    }
}

/// `[ui] language` of the site at `root`, read leniently (a broken `site.toml` is reported by the
/// build, in the language chosen without it): for the binary, before it says anything.
pub fn ui_language(root: &Path) -> Option<Lang> {
    #[derive(Deserialize)]
    struct Lenient {
        #[serde(default)]
        ui: Option<toml::Table>,
    }
    let text = std::fs::read_to_string(root.join(CONFIG_FILE)).ok()?;
    let lenient: Lenient = toml::from_str(&text).ok()?;
    Lang::from_code(lenient.ui?.get("language")?.as_str()?)
}

/// A language code is the first folder of its pages' URLs (`/en/`) and their `lang`: a BCP 47
/// tag in lower case (`en`, `zh-hans`, `ja-easy`), not the default language again.
fn check_language_code(code: &str, default: &str) -> Result<(), Text> {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or_default();
    let primary_ok =
        (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase());
    let rest_ok = parts.all(|p| {
        (2..=8).contains(&p.len())
            && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    });
    if !primary_ok || !rest_ok {
        return Err(msg!("config.not_a_language_code", code = code));
    }
    if code == default {
        return Err(msg!("config.default_language_again", code = code));
    }
    Ok(())
}

fn toml_diagnostic(text: &str, error: &toml::de::Error) -> Diagnostic {
    let message = error.message().trim_end().to_owned();
    // A wrong type or an unknown setting in plain words; a TOML syntax error as the parser says.
    let (detail, help) = match crate::messages::serde_words::explain(&message) {
        Some((detail, help)) => (detail, help),
        None if message == "duplicate key" => (msg!("config.duplicate_key"), None),
        None => (Text::from(message), None),
    };
    let diagnostic = Diagnostic::new(CONFIG_FILE, msg!("config.invalid", detail = detail));
    let Some(span) = error.span() else { return diagnostic };
    let location = Location::from_offset(text, span.start, span.len().max(1), 1);
    diagnostic.at(location).with_help(help.unwrap_or_else(|| msg!("config.invalid_help")))
}

/// An error about the setting `key`, pointing at its line when it is written in the file.
fn config_error(text: &str, key: &str, message: impl Into<Text>) -> Diagnostic {
    let diagnostic = Diagnostic::new(CONFIG_FILE, message);
    let found = text.lines().scan(0, |offset, line| {
        let start = *offset;
        *offset += line.len() + 1;
        Some((start, line))
    });
    for (start, line) in found {
        if line.trim_start().starts_with(key) || line.contains(key) {
            return diagnostic.at(Location::from_offset(text, start, line.len(), 1));
        }
    }
    diagnostic
}

/// Today's date in Japan, whatever the machine's time zone: the site's events are dated in
/// Japan time, so an editor abroad or a build server on UTC must not see them a day early.
pub fn today_in_japan() -> NaiveDate {
    date_in_japan(chrono::Utc::now())
}

/// The date in Japan (UTC+9, no daylight saving) at `instant`.
pub fn date_in_japan(instant: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    (instant + chrono::TimeDelta::hours(9)).date_naive()
}

/// A theme is a folder under `themes/` with a `templates/` folder. A missing one is a
/// configuration error (exit 2) found before any content is read, with the nearest theme named.
fn check_theme(root: &Path, theme: &str) -> Result<(), (Text, Option<Text>)> {
    let themes = root.join("themes");
    if themes.join(theme).join("templates").is_dir() {
        return Ok(());
    }
    let mut names: Vec<String> = std::fs::read_dir(&themes)
        .map(|entries| {
            entries
                .flatten()
                .filter(|entry| entry.path().join("templates").is_dir())
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let candidates: Vec<&str> = names.iter().map(String::as_str).collect();
    let help = crate::diag::suggest(theme, &candidates)
        .or_else(|| (candidates.is_empty()).then(|| msg!("config.no_theme")));
    Err((msg!("config.unknown_theme", theme = theme), help))
}

fn normalize_base_url(url: &str) -> Result<String, Text> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| msg!("config.base_url_scheme", url = url))?;
    if rest.is_empty() || rest.starts_with('/') || url.contains(char::is_whitespace) {
        return Err(msg!("config.base_url_host", url = url));
    }
    if url.contains(['?', '#']) {
        return Err(msg!("config.base_url_query", url = url));
    }
    Ok(if url.ends_with('/') { url.to_owned() } else { format!("{url}/") })
}

fn base_path(base_url: &str) -> String {
    let after_scheme = base_url.split_once("://").map_or(base_url, |(_, rest)| rest);
    match after_scheme.find('/') {
        Some(slash) => after_scheme[slash..].to_owned(),
        None => "/".to_owned(),
    }
}

/// What happens to raw HTML in Markdown bodies (`raw_html` in site.toml; applied by
/// `markdown/raw_html.rs`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RawHtml {
    Allow,
    Escape,
    #[default]
    Sanitize,
}

impl RawHtml {
    pub const NAMES: [&'static str; 3] = ["allow", "escape", "sanitize"];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_date_in_japan_turns_at_midnight_japan_time() {
        let utc = |text: &str| text.parse::<chrono::DateTime<chrono::Utc>>().ok();
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        let date = |text| utc(text).map(date_in_japan);
        assert_eq!(date("2026-12-31T14:59:59Z"), day(2026, 12, 31));
        assert_eq!(date("2026-12-31T15:00:00Z"), day(2027, 1, 1));
        assert_eq!(date("2027-01-01T08:00:00Z"), day(2027, 1, 1));
    }

    #[test]
    fn a_theme_without_templates_is_refused_with_the_nearest_one() {
        let text = "title = \"T\"\nbase_url = \"https://example.org/\"\ntheme = \"defualt\"\n";
        let error = Config::parse(Path::new("."), text, &Options::default()).err();
        let rendered = error.map(|e| e.render()).unwrap_or_default();
        assert!(rendered.contains("site.toml:3:1"), "{rendered}");
        assert!(rendered.contains("did you mean `default`?"), "{rendered}");
    }

    #[test]
    fn link_check_settings_have_defaults_and_refuse_a_zero_timeout() {
        let base = "title = \"T\"\nbase_url = \"https://example.org/\"\n";
        let parse = |extra: &str| {
            Config::parse(Path::new("."), &format!("{base}{extra}"), &Options::default())
        };
        let default = parse("").map(|config| config.check).ok();
        assert_eq!(default, Some(LinkCheck::default()));
        let set = parse("[check]\ntimeout = 3\nskip = [\"https://intra.example.jp/\"]\n");
        let set = set.map(|config| config.check).ok();
        assert_eq!(set.as_ref().map(|check| (check.timeout, check.cache_hours)), Some((3, 24)));
        let zero = parse("[check]\ntimeout = 0\n").err().map(|d| d.message);
        assert_eq!(zero.as_deref(), Some("a request needs at least one second"));
        let unknown = parse("[check]\ntimout = 3\n").err();
        let help = unknown.as_ref().and_then(|d| d.help.as_ref()).map(|h| h.to_string());
        let unknown = unknown.map(|d| d.to_string()).unwrap_or_default();
        assert!(unknown.contains("site.toml:4:1") && unknown.contains("`timout`"), "{unknown}");
        assert_eq!(help.as_deref(), Some("did you mean `timeout`?"));
    }

    #[test]
    fn base_path_of_a_sub_path_site() {
        let url = normalize_base_url("https://example.org/renkei").unwrap_or_default();
        assert_eq!(url, "https://example.org/renkei/");
        assert_eq!(base_path(&url), "/renkei/");
        assert_eq!(base_path("https://example.org/"), "/");
    }

    #[test]
    fn unknown_setting_is_located() {
        let text = "title = \"x\"\nbase_url = \"https://e.org/\"\ntitel = \"y\"\n";
        let error = Config::parse(Path::new("."), text, &Options::default()).err();
        let error = error.map(|d| d.origin()).unwrap_or_default();
        assert_eq!(error, "site.toml:3:1");
    }

    #[test]
    fn language_codes_are_checked_and_located() {
        let base = "title = \"x\"\nbase_url = \"https://e.org/\"\n";
        for (table, expected) in [
            ("[languages.English]\ntitle = \"y\"\n", "not a language code"),
            ("[languages.ja]\ntitle = \"y\"\n", "default language already"),
        ] {
            let error =
                Config::parse(Path::new("."), &format!("{base}{table}"), &Options::default()).err();
            let (origin, message) = error.map(|d| (d.origin(), d.message)).unwrap_or_default();
            assert_eq!(origin, "site.toml:3:1", "{table}");
            assert!(message.contains(expected), "{message}");
        }
        for ok in ["en", "zh-hans", "ko"] {
            assert_eq!(check_language_code(ok, "ja"), Ok(()));
        }
    }

    #[test]
    fn bad_base_url_is_rejected() {
        let text = "title = \"x\"\nbase_url = \"example.org\"\n";
        let error = Config::parse(Path::new("."), text, &Options::default()).err();
        assert!(error.is_some_and(|d| d.message.contains("https://")));
    }
}
