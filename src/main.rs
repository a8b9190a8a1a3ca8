//! `renkei`: parses the command line and hands over to the library; prints diagnostics and maps
//! them to exit codes (0 ok, 1 content problems, 2 usage or configuration errors).

mod cli;
#[cfg(feature = "serve")]
mod serve_cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    cli::Cli::parse().run()
}
