//! The command line: arguments (clap) and what each command does with the library.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{ArgAction, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use renkei::build::Error;
use renkei::messages::{Lang, text};
use renkei::scaffold::Form;
use renkei::{Diagnostics, Options};

/// Exit codes, as documented in the README.
pub(crate) const EXIT_CONTENT: u8 = 1;
pub(crate) const EXIT_SETUP: u8 = 2;
pub(crate) const EXIT_OUTPUT: u8 = 3;

/// The texts of `--help` are the catalogue's (`cli.*`, `localized`); the doc comments below are
/// the English ones, kept for readers of the code.
#[derive(Debug, Parser)]
#[command(
    name = "renkei",
    version,
    about = "Static site generator of the 特別区全国連携プロジェクト",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
    /// The language of messages: ja or en [default: `[ui] language` of site.toml, else the locale]
    #[arg(long, global = true, value_enum)]
    pub(crate) lang: Option<LangArg>,
    /// Print help
    #[arg(short, long, global = true, action = ArgAction::Help)]
    help: Option<bool>,
    /// Print version
    #[arg(short = 'V', long, action = ArgAction::Version)]
    version: Option<bool>,
}

/// `--lang ja|en`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LangArg {
    Ja,
    En,
}

impl From<LangArg> for Lang {
    fn from(arg: LangArg) -> Lang {
        match arg {
            LangArg::Ja => Lang::Ja,
            LangArg::En => Lang::En,
        }
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Build the site into the output folder (updated only when the whole build succeeds)
    Build(BuildArgs),
    /// Check everything `build` checks, rendering every page, without writing anything
    Check(CheckArgs),
    /// Create a content file with the front matter its collection needs (never overwrites)
    New(NewArgs),
    /// Write the JSON Schemas of the front matter to schemas/ and .remarkrc.mjs (completion and underlines in VS Code)
    Schema(RootArg),
    /// Build the site, serve it, rebuild after every change and reload open pages
    #[cfg(feature = "serve")]
    Serve(ServeArgs),
}

#[cfg(feature = "serve")]
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    pub(crate) root: RootArg,
    /// The address to listen on; anything but loopback exposes the preview to the network
    #[arg(long, default_value = "127.0.0.1")]
    pub(crate) bind: std::net::IpAddr,
    /// The port to listen on (0: any free port)
    #[arg(long, default_value_t = 1111)]
    pub(crate) port: u16,
    /// Open the site in the default browser once it is served
    #[arg(long)]
    pub(crate) open: bool,
    /// Also build entries marked `draft: true`
    #[arg(long)]
    pub(crate) drafts: bool,
}

#[derive(Debug, Args)]
pub(crate) struct RootArg {
    /// The site's folder (holding site.toml, content/ and themes/)
    #[arg(long, default_value = ".")]
    pub(crate) root: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub(crate) root: RootArg,
    /// Also check entries marked `draft: true`
    #[arg(long)]
    pub(crate) drafts: bool,
    /// Also ask other sites for the pages the content links to (needs the network; answers
    /// that worked are cached in .renkei-cache/links.json, see [check] in site.toml)
    #[arg(long)]
    pub(crate) external: bool,
}

#[derive(Debug, Args)]
pub(crate) struct BuildArgs {
    #[command(flatten)]
    pub(crate) root: RootArg,
    /// Where to write the site [default: <root>/public]
    #[arg(long, short)]
    pub(crate) output: Option<PathBuf>,
    /// The URL the site will be served from, overriding site.toml (e.g. https://example.org/renkei/)
    #[arg(long)]
    pub(crate) base_url: Option<String>,
    /// Also build entries marked `draft: true`
    #[arg(long)]
    pub(crate) drafts: bool,
    /// Write every file again and delete all others (a build writes only the files that changed)
    #[arg(long)]
    pub(crate) clean: bool,
}

#[derive(Debug, Args)]
pub(crate) struct NewArgs {
    #[command(flatten)]
    pub(crate) root: RootArg,
    /// wards, prefectures, municipalities, events, exhibits, news, facilities, agreements, partners or page
    pub(crate) collection: String,
    /// The new entry's id (its file name): a slug, or a 6-digit code for municipalities
    pub(crate) id: String,
    /// Make a folder `<id>/index.md` instead of `<id>.md`, for an entry with photos or files
    #[arg(long)]
    pub(crate) folder: bool,
}

/// Parses the command line with its texts in the user's language and runs the command.
pub(crate) fn main() -> ExitCode {
    let args = help_as_flag(std::env::args_os().collect());
    let lang = language_of(&args, None);
    let matches = match localized(lang).try_get_matches_from(&args) {
        Ok(matches) => matches,
        Err(error) => return usage_error(&error, lang),
    };
    match Cli::from_arg_matches(&matches) {
        Ok(cli) => {
            let lang = language_of(&args, cli.lang.map(Lang::from));
            cli.run(lang)
        }
        Err(error) => usage_error(&error, lang),
    }
}

/// `renkei help [command]` as `renkei [command] --help`: clap's own `help` command is off, since
/// its texts would be English.
fn help_as_flag(mut args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let mut i = 1;
    while let Some(arg) = args.get(i).and_then(|a| a.to_str()) {
        if arg == "help" {
            args.remove(i);
            args.push("--help".into());
            break;
        }
        if !arg.starts_with('-') {
            break;
        }
        // The value of `--lang ja` is no command.
        i += if arg == "--lang" { 2 } else { 1 };
    }
    args
}

/// The language to speak: `--lang`, else `[ui] language` of the site's `site.toml` (of `--root`
/// or the current folder), else the locale, else Japanese. Read from the raw arguments too, so
/// that `--help` and the errors of the command line itself are in that language.
pub(crate) fn language_of(args: &[std::ffi::OsString], flag: Option<Lang>) -> Lang {
    let value_of = |name: &str| {
        let prefixed = format!("{name}=");
        args.iter().enumerate().find_map(|(i, arg)| {
            let arg = arg.to_str()?;
            if arg == name {
                args.get(i + 1).map(PathBuf::from)
            } else {
                arg.strip_prefix(&prefixed).map(PathBuf::from)
            }
        })
    };
    let flag =
        flag.or_else(|| value_of("--lang").and_then(|v| v.to_str().and_then(Lang::from_code)));
    let root = value_of("--root").unwrap_or_else(|| PathBuf::from("."));
    let site = renkei::config::ui_language(&root);
    let locale = Lang::from_locale(|name| std::env::var(name).ok());
    Lang::choose(flag, site, locale)
}

/// The clap command with every text from the catalogue: about lines, option help and, in
/// Japanese, the headings ("使い方", "オプション"). A text missing from the catalogue (an option
/// added since) keeps its English doc comment; the test `every_help_text_is_in_the_catalogue`
/// names it.
pub(crate) fn localized(lang: Lang) -> clap::Command {
    let mut command = Cli::command().about(text(lang, "cli.about", &[])).after_help(text(
        lang,
        "cli.after_help",
        &[],
    ));
    if lang == Lang::Ja {
        command = command
            .subcommand_help_heading(leak(text(lang, "cli.commands", &[])))
            .subcommand_value_name(leak(text(lang, "cli.command", &[])));
    }
    let command = localize_args(command, "", lang);
    let names: Vec<String> = command.get_subcommands().map(|c| c.get_name().to_owned()).collect();
    names.iter().fold(command, |command, name| {
        command.mut_subcommand(name, |sub| {
            let key = format!("cli.{name}.about");
            let sub = if renkei::messages::has_key(&key) {
                sub.about(text(lang, leak(key), &[]))
            } else {
                sub
            };
            localize_args(sub, name, lang)
        })
    })
}

/// The help of each argument of `command` (`cli.<command>.<arg>`, or `cli.<arg>` for those of
/// every command) and, in Japanese, its heading and the template with "使い方".
fn localize_args(mut command: clap::Command, name: &str, lang: Lang) -> clap::Command {
    let ids: Vec<(String, bool)> = command
        .get_arguments()
        .map(|a| (a.get_id().as_str().to_owned(), a.is_positional()))
        .collect();
    if lang == Lang::Ja {
        // Without an epilogue clap ends the help without a line break: the template adds it.
        let end = if command.get_after_help().is_none() { "\n" } else { "" };
        command = command.help_template(text(lang, "cli.template", &[]) + end);
    }
    ids.into_iter().fold(command, |command, (id, positional)| {
        let Some(key) = arg_key(name, &id) else { return command };
        let help = text(lang, leak(key), &[]);
        let heading = (lang == Lang::Ja).then(|| {
            leak(text(lang, if positional { "cli.arguments" } else { "cli.options" }, &[]))
        });
        command.mut_arg(id, |arg| match heading {
            // The defaults and values are in the Japanese texts: clap would add them in English.
            Some(heading) if arg.get_action().takes_values() => arg
                .help(help)
                .help_heading(heading)
                .hide_default_value(true)
                .hide_possible_values(true),
            Some(heading) => arg.help(help).help_heading(heading),
            None => arg.help(help),
        })
    })
}

/// The catalogue key of argument `id` of command `name`: its own, or the one shared by every
/// command.
fn arg_key(name: &str, id: &str) -> Option<String> {
    [format!("cli.{name}.{id}"), format!("cli.{id}")]
        .into_iter()
        .find(|key| renkei::messages::has_key(key))
}

/// A text that clap keeps for the whole run (a key or a heading made at run time: a handful,
/// once per run; clap takes only `&'static str` there without its `string` feature).
fn leak(key: String) -> &'static str {
    Box::leak(key.into_boxed_str())
}

/// A mistake on the command line (exit code 2), in `lang`; `--help` and `--version` (exit 0).
fn usage_error(error: &clap::Error, lang: Lang) -> ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if matches!(error.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = error.print();
        return ExitCode::SUCCESS;
    }
    let context = |kind: ContextKind| match error.get(kind) {
        Some(ContextValue::String(value)) => value.clone(),
        Some(ContextValue::Strings(values)) => values.join(", "),
        _ => String::new(),
    };
    let key = match error.kind() {
        ErrorKind::InvalidSubcommand => "cli.error.unknown_command",
        ErrorKind::UnknownArgument => "cli.error.unknown_argument",
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => "cli.error.invalid_value",
        ErrorKind::MissingRequiredArgument => "cli.error.missing_argument",
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "cli.error.missing_command"
        }
        _ => {
            let _ = error.print();
            return ExitCode::from(EXIT_SETUP);
        }
    };
    let value = context(ContextKind::InvalidSubcommand)
        + &context(ContextKind::InvalidArg)
        + &context(ContextKind::InvalidValue);
    let mut lines = vec![format!(
        "{}: {}",
        text(lang, "diag.error", &[]),
        text(lang, key, &[("value", value.trim())])
    )];
    let suggested = context(ContextKind::SuggestedSubcommand) + &context(ContextKind::SuggestedArg);
    let valid = context(ContextKind::ValidValue);
    if !suggested.is_empty() {
        lines.push(text(lang, "cli.error.did_you_mean", &[("value", &suggested)]));
    } else if !valid.is_empty() {
        lines.push(text(lang, "cli.error.valid_values", &[("values", &valid)]));
    }
    lines.push(text(lang, "cli.error.more", &[]));
    #[allow(clippy::print_stderr)]
    {
        eprintln!("{}", lines.join("\n"));
    }
    ExitCode::from(EXIT_SETUP)
}

impl Cli {
    pub(crate) fn run(self, lang: Lang) -> ExitCode {
        match self.command {
            Command::Build(args) => build(args, lang),
            Command::Check(args) => check(args, lang),
            Command::New(args) => new(args, lang),
            Command::Schema(args) => schema(&args.root, lang),
            #[cfg(feature = "serve")]
            Command::Serve(args) => crate::serve_cli::run(args, lang),
        }
    }
}

fn build(args: BuildArgs, lang: Lang) -> ExitCode {
    let root = args.root.root;
    let output = args.output.unwrap_or_else(|| root.join("public"));
    let options = Options { base_url: args.base_url, drafts: args.drafts, today: today(), lang };
    let started = Instant::now();
    match renkei::build::build_with(&root, &output, &options, args.clean) {
        Ok(report) => {
            warn_all(&report.warnings, lang);
            let seconds = format!("{:.2}", started.elapsed().as_secs_f64());
            say(&(text(
                lang,
                "cli.built",
                &[
                    ("pages", &report.pages.to_string()),
                    ("files", &report.files.to_string()),
                    ("seconds", &seconds),
                    ("output", &output.display().to_string()),
                ],
            ) + &drafts_left_out(report.drafts, lang)));
            // RENKEI_TRACE=1, as for `serve`: the time of each stage.
            if std::env::var_os("RENKEI_TRACE").is_some() {
                say(&format!("Stages: {}", report.timings));
            }
            if report.images_made + report.images_reused > 0 {
                say(&text(
                    lang,
                    "cli.images",
                    &[
                        ("made", &report.images_made.to_string()),
                        ("reused", &report.images_reused.to_string()),
                    ],
                ));
            }
            ExitCode::SUCCESS
        }
        Err(error) => fail(&error, Some(&output), lang),
    }
}

fn warn_all(warnings: &[renkei::Diagnostic], lang: Lang) {
    for warning in warnings {
        #[allow(clippy::print_stderr)]
        {
            eprintln!("{}\n", warning.render_warning_in(lang));
        }
    }
}

fn check(args: CheckArgs, lang: Lang) -> ExitCode {
    let options = Options { today: today(), lang, drafts: args.drafts, ..Options::default() };
    match renkei::build::check_with(&args.root.root, &options, args.external) {
        Ok((report, links)) => {
            warn_all(&report.warnings, lang);
            let pages = report.pages.to_string();
            let checked = match &links {
                Some(links) => text(
                    lang,
                    "cli.checked_external",
                    &[
                        ("pages", &pages),
                        ("urls", &links.urls.to_string()),
                        ("cached", &links.from_cache.to_string()),
                    ],
                ),
                None => text(lang, "cli.checked_pages", &[("pages", &pages)]),
            };
            let checked = format!("{checked}{}", drafts_left_out(report.drafts, lang));
            if let Some(links) = links.filter(|links| !links.errors.is_empty()) {
                say(&text(lang, "cli.checked", &[("checked", &checked)]));
                return fail(&renkei::build::Error::Content(links.errors), None, lang);
            }
            match report.warnings.len() {
                0 => say(&text(lang, "cli.no_problems", &[("checked", &checked)])),
                n => say(&text(
                    lang,
                    "cli.only_warnings",
                    &[("warnings", &n.to_string()), ("checked", &checked)],
                )),
            }
            ExitCode::SUCCESS
        }
        Err(error) => fail(&error, None, lang),
    }
}

fn new(args: NewArgs, lang: Lang) -> ExitCode {
    let day = today().unwrap_or_else(renkei::config::today_in_japan);
    let form = if args.folder { Form::Folder } else { Form::File };
    match renkei::scaffold::new_entry(&args.root.root, &args.collection, &args.id, day, form, lang)
    {
        Ok(path) => {
            say(&text(lang, "cli.created", &[("path", &renkei::diag::shown_path(&path))]));
            ExitCode::SUCCESS
        }
        Err(diagnostic) => {
            report(&diagnostic.into(), lang);
            ExitCode::from(EXIT_SETUP)
        }
    }
}

fn schema(root: &Path, lang: Lang) -> ExitCode {
    match renkei::schema::write(root) {
        Ok(files) => {
            for file in files {
                say(&text(lang, "cli.wrote", &[("path", &renkei::diag::shown_path(&file))]));
            }
            ExitCode::SUCCESS
        }
        Err(diagnostic) => {
            report(&diagnostic.into(), lang);
            ExitCode::from(EXIT_SETUP)
        }
    }
}

fn fail(error: &Error, output: Option<&Path>, lang: Lang) -> ExitCode {
    let diagnostics = error.diagnostics();
    report(diagnostics, lang);
    let count = diagnostics.len().to_string();
    let key = match (diagnostics.len(), output) {
        (1, Some(o)) if o.exists() => "cli.failed_one_kept",
        (_, Some(o)) if o.exists() => "cli.failed_kept",
        (1, Some(_)) => "cli.failed_one_nothing_written",
        (_, Some(_)) => "cli.failed_nothing_written",
        (1, None) => "cli.failed_one",
        (_, None) => "cli.failed",
    };
    let output = output.map(|o| o.display().to_string()).unwrap_or_default();
    #[allow(clippy::print_stderr)]
    {
        eprintln!(
            "{}: {}",
            text(lang, "diag.error", &[]),
            text(lang, key, &[("count", &count), ("output", &output)])
        );
    }
    ExitCode::from(match error {
        // Nothing cancels the builds of the command line; a cancelled one did not finish setting up.
        Error::Setup(_) | Error::Cancelled => EXIT_SETUP,
        Error::Content(_) => EXIT_CONTENT,
        Error::Output(_) => EXIT_OUTPUT,
    })
}

/// At most this many diagnostics are printed in full: a mistake repeated in thousands of files
/// (a renamed ward) must not bury the terminal; the count of the rest is given.
const PRINTED_AT_MOST: usize = 100;

pub(crate) fn report(diagnostics: &Diagnostics, lang: Lang) {
    #[allow(clippy::print_stderr)]
    for diagnostic in diagnostics.iter().take(PRINTED_AT_MOST) {
        eprintln!("{}\n", diagnostic.render_in(lang));
    }
    let rest = diagnostics.len().saturating_sub(PRINTED_AT_MOST);
    if rest > 0 {
        #[allow(clippy::print_stderr)]
        {
            eprintln!("{}\n", text(lang, "cli.more_problems", &[("rest", &rest.to_string())]));
        }
    }
}

/// `; 2 drafts left out, --drafts includes them`, or nothing when no draft was left out: the
/// end of the summary line of build, check and serve.
pub(crate) fn drafts_left_out(drafts: usize, lang: Lang) -> String {
    match drafts {
        0 => String::new(),
        1 => text(lang, "cli.draft_left_out", &[]),
        n => text(lang, "cli.drafts_left_out", &[("count", &n.to_string())]),
    }
}

pub(crate) fn say(message: &str) {
    #[allow(clippy::print_stdout)]
    {
        println!("{message}");
    }
}

/// "Today" from SOURCE_DATE_EPOCH (the reproducible-builds convention), in Japan time.
pub(crate) fn today() -> Option<chrono::NaiveDate> {
    let seconds: i64 = std::env::var("SOURCE_DATE_EPOCH").ok()?.trim().parse().ok()?;
    Some(renkei::config::date_in_japan(chrono::DateTime::from_timestamp(seconds, 0)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
        localized(Lang::Ja).debug_assert();
        localized(Lang::En).debug_assert();
    }

    #[test]
    fn the_help_command_is_the_help_flag() {
        let rewrite = |args: &[&str]| -> Vec<String> {
            let args = args.iter().map(std::ffi::OsString::from).collect();
            help_as_flag(args).into_iter().map(|a| a.to_string_lossy().into_owned()).collect()
        };
        assert_eq!(rewrite(&["renkei", "help"]), ["renkei", "--help"]);
        assert_eq!(
            rewrite(&["renkei", "--lang", "en", "help", "new"]),
            ["renkei", "--lang", "en", "new", "--help"]
        );
        assert_eq!(rewrite(&["renkei", "new", "page", "help"]), ["renkei", "new", "page", "help"]);
    }

    /// Every command and argument has its help text in both catalogues.
    #[test]
    fn every_help_text_is_in_the_catalogue() {
        let command = Cli::command();
        let mut keys = vec!["cli.about".to_owned(), "cli.after_help".to_owned()];
        let arg_keys = |name: &str, c: &clap::Command| -> Vec<String> {
            c.get_arguments()
                .map(|a| {
                    arg_key(name, a.get_id().as_str())
                        .unwrap_or_else(|| format!("cli.{name}.{}", a.get_id()))
                })
                .collect()
        };
        keys.extend(arg_keys("", &command));
        for sub in command.get_subcommands() {
            keys.push(format!("cli.{}.about", sub.get_name()));
            keys.extend(arg_keys(sub.get_name(), sub));
        }
        let missing: Vec<&String> = keys.iter().filter(|k| !renkei::messages::has_key(k)).collect();
        assert!(missing.is_empty(), "not in the catalogue: {missing:?}");
        let help = localized(Lang::Ja).render_help().to_string();
        assert!(help.contains("使い方") && help.contains("サイトを作る"), "{help}");
    }
}
