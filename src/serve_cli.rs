//! `renkei serve` on the command line: runs the library's preview server and prints what it reports.

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use renkei::Options;
use renkei::diag::shown_path;
use renkei::messages::{Lang, text};
use renkei::serve::{Built, Event, Settings, Started};

use crate::cli::{EXIT_SETUP, ServeArgs, drafts_left_out, report, say, today};

pub(crate) fn run(args: ServeArgs, lang: Lang) -> ExitCode {
    let settings = Settings {
        root: args.root.root,
        bind: args.bind,
        port: args.port,
        options: Options { base_url: None, drafts: args.drafts, today: today(), lang },
    };
    let open = AtomicBool::new(args.open);
    // The watcher reports absolute paths (on Windows `\\?\C:\…`); the editor knows them by
    // their place in the site.
    let root = std::fs::canonicalize(&settings.root).unwrap_or_else(|_| settings.root.clone());
    // RENKEI_TRACE=1: the time of each rebuild stage, to see where a rebuild spends it.
    let trace = std::env::var_os("RENKEI_TRACE").is_some();
    let on_event = |event: Event| match event {
        Event::Listening(url) => {
            say(&text(lang, "serve.listening", &[("url", &url)]));
            if open.swap(false, Ordering::Relaxed) {
                open_browser(&url, lang);
            }
        }
        Event::Exposed(address) => {
            warn(lang, &text(lang, "serve.exposed", &[("address", &address.to_string())]))
        }
        Event::Changed(paths) => {
            let names: Vec<String> =
                paths.iter().map(|p| shown_path(p.strip_prefix(&root).unwrap_or(p))).collect();
            say(&text(lang, "serve.changed", &[("files", &names.join(", "))]));
        }
        Event::Built(Built::Ok { report, took }) => {
            say(&(text(
                lang,
                "serve.built",
                &[
                    ("pages", &report.pages.to_string()),
                    ("rendered", &report.rendered.to_string()),
                    ("ms", &took.as_millis().to_string()),
                ],
            ) + &drafts_left_out(report.drafts, lang)));
            if trace {
                say(&format!("  stages: {}", report.timings));
            }
        }
        Event::Started(Started::Rendering { first, took, timings }) => {
            say(&text(
                lang,
                "serve.first_pages",
                &[("ms", &took.as_millis().to_string()), ("first", &first.to_string())],
            ));
            if trace {
                say(&format!("  stages: {timings}"));
            }
        }
        Event::Built(Built::Failed(diagnostics)) | Event::Started(Started::Failed(diagnostics)) => {
            report(&diagnostics, lang);
            warn(lang, &text(lang, "serve.failed", &[("count", &diagnostics.len().to_string())]));
        }
        // Only a newer change cancels a rebuild, and that one reports.
        Event::Built(Built::Cancelled) => {}
        Event::WatchFailed(message) => {
            warn(lang, &text(lang, "serve.cannot_watch", &[("error", &message)]))
        }
    };
    match renkei::serve::serve(&settings, &on_event) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            cannot_listen(&settings, &error, lang);
            ExitCode::from(EXIT_SETUP)
        }
    }
}

/// Why the server could not start; for a busy port, the `--port` that is free.
fn cannot_listen(settings: &Settings, error: &std::io::Error, lang: Lang) {
    let (bind, port) = (settings.bind.to_string(), settings.port.to_string());
    let message = if error.kind() == std::io::ErrorKind::AddrInUse {
        let help = match renkei::serve::free_port_after(settings.bind, settings.port) {
            Some(free) => text(lang, "serve.port_free", &[("port", &free.to_string())]),
            None => text(lang, "serve.choose_port", &[]),
        };
        format!(
            "{}: {}\n{}: {help}",
            text(lang, "diag.error", &[]),
            text(lang, "serve.port_in_use", &[("port", &port), ("address", &bind)]),
            text(lang, "diag.help", &[]),
        )
    } else {
        let address = format!("{bind}:{port}");
        let error = error.to_string();
        format!(
            "{}: {}",
            text(lang, "diag.error", &[]),
            text(lang, "serve.cannot_listen", &[("address", &address), ("error", &error)])
        )
    };
    #[allow(clippy::print_stderr)]
    {
        eprintln!("{message}");
    }
}

fn warn(lang: Lang, message: &str) {
    #[allow(clippy::print_stderr)]
    {
        eprintln!("{}: {message}", text(lang, "diag.warning", &[]));
    }
}

/// The platform's way to open a URL; failing to is not worth more than a warning.
fn open_browser(url: &str, lang: Lang) {
    let (program, args) = browser_command(std::env::consts::OS, url);
    let command = std::process::Command::new(program).args(args).spawn();
    if let Err(error) = command {
        warn(lang, &text(lang, "serve.cannot_open", &[("error", &error.to_string())]));
    }
}

/// The command that opens `url` in the default browser on `os` (`std::env::consts::OS`): a
/// function of the name, so that every system's command is tested on any.
fn browser_command(os: &str, url: &str) -> (&'static str, Vec<String>) {
    match os {
        "macos" => ("open", vec![url.to_owned()]),
        // `start`'s first quoted argument is a window title: an empty one, then the URL.
        "windows" => ("cmd", ["/C", "start", "", url].map(str::to_owned).to_vec()),
        _ => ("xdg-open", vec![url.to_owned()]),
    }
}

#[cfg(test)]
mod tests {
    use super::browser_command;

    #[test]
    fn each_system_opens_the_browser_with_its_own_command() {
        let url = "http://127.0.0.1:1111/";
        assert_eq!(browser_command("macos", url), ("open", vec![url.to_owned()]));
        let windows = ["/C", "start", "", url].map(str::to_owned).to_vec();
        assert_eq!(browser_command("windows", url), ("cmd", windows));
        assert_eq!(browser_command("linux", url), ("xdg-open", vec![url.to_owned()]));
        assert_eq!(browser_command("freebsd", url), ("xdg-open", vec![url.to_owned()]));
    }
}
