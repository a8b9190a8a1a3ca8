//! `renkei serve` on the command line: runs the library's preview server and prints what it reports.

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use renkei::Options;
use renkei::diag::shown_path;
use renkei::serve::{Built, Event, Settings, Started};

use crate::cli::{EXIT_SETUP, ServeArgs, drafts_left_out, report, say, today};

pub(crate) fn run(args: ServeArgs) -> ExitCode {
    let settings = Settings {
        root: args.root.root,
        bind: args.bind,
        port: args.port,
        options: Options { base_url: None, drafts: args.drafts, today: today() },
    };
    let open = AtomicBool::new(args.open);
    // The watcher reports absolute paths (on Windows `\\?\C:\…`); the editor knows them by
    // their place in the site.
    let root = std::fs::canonicalize(&settings.root).unwrap_or_else(|_| settings.root.clone());
    // RENKEI_TRACE=1: the time of each rebuild stage, to see where a rebuild spends it.
    let trace = std::env::var_os("RENKEI_TRACE").is_some();
    let on_event = |event: Event| match event {
        Event::Listening(url) => {
            say(&format!("Serving the site at {url} (Ctrl+C to stop)"));
            if open.swap(false, Ordering::Relaxed) {
                open_browser(&url);
            }
        }
        Event::Exposed(address) => warn(&format!(
            "listening on {address}: other computers on the network can see the preview (use --bind 127.0.0.1 to keep it private)"
        )),
        Event::Changed(paths) => {
            let names: Vec<String> =
                paths.iter().map(|p| shown_path(p.strip_prefix(&root).unwrap_or(p))).collect();
            say(&format!("Changed: {}", names.join(", ")));
        }
        Event::Built(Built::Ok { report, took }) => {
            say(&format!(
                "Built {} pages ({} rendered) in {} ms{}",
                report.pages,
                report.rendered,
                took.as_millis(),
                drafts_left_out(report.drafts)
            ));
            if trace {
                say(&format!("  stages: {}", report.timings));
            }
        }
        Event::Started(Started::Rendering { first, took, timings }) => {
            say(&format!(
                "Loaded the change in {} ms ({first} open page(s) rendered); rendering the rest",
                took.as_millis()
            ));
            if trace {
                say(&format!("  stages: {timings}"));
            }
        }
        Event::Built(Built::Failed(diagnostics)) | Event::Started(Started::Failed(diagnostics)) => {
            report(&diagnostics);
            warn(&format!(
                "{} problem(s): still serving the last good version; the browser shows them too",
                diagnostics.len()
            ));
        }
        Event::WatchFailed(message) => {
            warn(&format!("cannot watch the files ({message}); changes will not be rebuilt"))
        }
    };
    match renkei::serve::serve(&settings, &on_event) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            cannot_listen(&settings, &error);
            ExitCode::from(EXIT_SETUP)
        }
    }
}

/// Why the server could not start; for a busy port, the `--port` that is free.
fn cannot_listen(settings: &Settings, error: &std::io::Error) {
    let (bind, port) = (settings.bind, settings.port);
    let message = if error.kind() == std::io::ErrorKind::AddrInUse {
        let help = match renkei::serve::free_port_after(bind, port) {
            Some(free) => format!("help: port {free} is free: renkei serve --port {free}"),
            None => {
                "help: choose another port with --port, e.g. renkei serve --port 0 (any free port)"
                    .to_owned()
            }
        };
        format!(
            "error: port {port} is already in use on {bind} (is another `renkei serve` running?); nothing was built\n{help}"
        )
    } else {
        format!("error: cannot listen on {bind}:{port}: {error}")
    };
    #[allow(clippy::print_stderr)]
    {
        eprintln!("{message}");
    }
}

fn warn(message: &str) {
    #[allow(clippy::print_stderr)]
    {
        eprintln!("warning: {message}");
    }
}

/// The platform's way to open a URL; failing to is not worth more than a warning.
fn open_browser(url: &str) {
    let (program, args) = browser_command(std::env::consts::OS, url);
    let command = std::process::Command::new(program).args(args).spawn();
    if let Err(error) = command {
        warn(&format!("cannot open a browser: {error}"));
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
