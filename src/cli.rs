//! The command line: arguments (clap) and what each command does with the library.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

use renkei::build::Error;
use renkei::scaffold::Form;
use renkei::{Diagnostics, Options};

/// Exit codes, as documented in the README.
pub(crate) const EXIT_CONTENT: u8 = 1;
pub(crate) const EXIT_SETUP: u8 = 2;
pub(crate) const EXIT_OUTPUT: u8 = 3;

#[derive(Debug, Parser)]
#[command(
    name = "renkei",
    version,
    about = "Static site generator of the 特別区全国連携プロジェクト"
)]
#[command(
    after_help = "Exit codes: 0 success, 1 problems in the content or templates, 2 usage or configuration errors, 3 the output folder could not be written.\nThe build's notion of today (upcoming or past events) follows SOURCE_DATE_EPOCH when set."
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Build the site into the output folder (updated only when the whole build succeeds)
    Build(BuildArgs),
    /// Check everything `build` checks, rendering every page, without writing anything
    Check(CheckArgs),
    /// Create a content file with the front matter its collection needs (never overwrites)
    New(NewArgs),
    /// Write the JSON Schemas of the front matter to schemas/ (completion and underlines in VS Code)
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

impl Cli {
    pub(crate) fn run(self) -> ExitCode {
        match self.command {
            Command::Build(args) => build(args),
            Command::Check(args) => check(args),
            Command::New(args) => new(args),
            Command::Schema(args) => schema(&args.root),
            #[cfg(feature = "serve")]
            Command::Serve(args) => crate::serve_cli::run(args),
        }
    }
}

fn build(args: BuildArgs) -> ExitCode {
    let root = args.root.root;
    let output = args.output.unwrap_or_else(|| root.join("public"));
    let options = Options { base_url: args.base_url, drafts: args.drafts, today: today() };
    let started = Instant::now();
    match renkei::build::build_with(&root, &output, &options, args.clean) {
        Ok(report) => {
            for warning in &report.warnings {
                #[allow(clippy::print_stderr)]
                {
                    eprintln!("{}\n", warning.render_warning());
                }
            }
            let seconds = started.elapsed().as_secs_f64();
            say(&format!(
                "Built {} pages ({} files) in {seconds:.2} s → {}{}",
                report.pages,
                report.files,
                output.display(),
                drafts_left_out(report.drafts)
            ));
            // RENKEI_TRACE=1, as for `serve`: the time of each stage.
            if std::env::var_os("RENKEI_TRACE").is_some() {
                say(&format!("Stages: {}", report.timings));
            }
            if report.images_made + report.images_reused > 0 {
                say(&format!(
                    "Images: {} made, {} from the cache (.renkei-cache/images/)",
                    report.images_made, report.images_reused
                ));
            }
            ExitCode::SUCCESS
        }
        Err(error) => fail(&error, Some(&output)),
    }
}

fn check(args: CheckArgs) -> ExitCode {
    let options = Options { today: today(), drafts: args.drafts, ..Options::default() };
    match renkei::build::check_with(&args.root.root, &options, args.external) {
        Ok((report, links)) => {
            for warning in &report.warnings {
                #[allow(clippy::print_stderr)]
                {
                    eprintln!("{}\n", warning.render_warning());
                }
            }
            let checked = match &links {
                Some(links) => format!(
                    "{} pages and {} external links checked, {} of them answered from the cache",
                    report.pages, links.urls, links.from_cache
                ),
                None => format!("{} pages checked", report.pages),
            };
            let checked = format!("{checked}{}", drafts_left_out(report.drafts));
            if let Some(links) = links.filter(|links| !links.errors.is_empty()) {
                say(&format!("Checked {checked}"));
                return fail(&renkei::build::Error::Content(links.errors), None);
            }
            match report.warnings.len() {
                0 => say(&format!("No problems found ({checked})")),
                n => say(&format!("No errors, {n} warning(s) ({checked})")),
            }
            ExitCode::SUCCESS
        }
        Err(error) => fail(&error, None),
    }
}

fn new(args: NewArgs) -> ExitCode {
    let day = today().unwrap_or_else(renkei::config::today_in_japan);
    let form = if args.folder { Form::Folder } else { Form::File };
    match renkei::scaffold::new_entry(&args.root.root, &args.collection, &args.id, day, form) {
        Ok(path) => {
            say(&format!("Created {}", path.display()));
            ExitCode::SUCCESS
        }
        Err(diagnostic) => {
            report(&diagnostic.into());
            ExitCode::from(EXIT_SETUP)
        }
    }
}

fn schema(root: &Path) -> ExitCode {
    match renkei::schema::write(root) {
        Ok(files) => {
            for file in files {
                say(&format!("Wrote {}", file.display()));
            }
            ExitCode::SUCCESS
        }
        Err(diagnostic) => {
            report(&diagnostic.into());
            ExitCode::from(EXIT_SETUP)
        }
    }
}

fn fail(error: &Error, output: Option<&Path>) -> ExitCode {
    let diagnostics = error.diagnostics();
    report(diagnostics);
    let count = diagnostics.len();
    let plural = if count == 1 { "problem" } else { "problems" };
    let outcome = match output {
        Some(o) if o.exists() => {
            format!(", nothing was written; the previous site in {} is unchanged", o.display())
        }
        Some(_) => ", nothing was written".to_owned(),
        None => String::new(),
    };
    #[allow(clippy::print_stderr)]
    {
        eprintln!("error: {count} {plural} found{outcome}");
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

pub(crate) fn report(diagnostics: &Diagnostics) {
    #[allow(clippy::print_stderr)]
    for diagnostic in diagnostics.iter().take(PRINTED_AT_MOST) {
        eprintln!("{}\n", diagnostic.render());
    }
    let rest = diagnostics.len().saturating_sub(PRINTED_AT_MOST);
    if rest > 0 {
        #[allow(clippy::print_stderr)]
        {
            eprintln!(
                "… and {rest} more problems of the same kinds (fix these, then build again)\n"
            );
        }
    }
}

/// `; 2 drafts left out, --drafts includes them`, or nothing when no draft was left out: the
/// end of the summary line of build, check and serve.
pub(crate) fn drafts_left_out(drafts: usize) -> String {
    match drafts {
        0 => String::new(),
        1 => "; 1 draft left out, --drafts includes it".to_owned(),
        n => format!("; {n} drafts left out, --drafts includes them"),
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
    }
}
