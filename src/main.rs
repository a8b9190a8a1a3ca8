//! `renkei`: parses the command line and hands over to the library; prints diagnostics and maps
//! them to exit codes (0 ok, 1 content problems, 2 usage or configuration errors, 3 the output
//! could not be written).

mod cli;
#[cfg(feature = "serve")]
mod serve_cli;

use std::process::ExitCode;

/// jemalloc rather than the system's allocator: a build allocates and frees millions of small
/// strings and template values across threads, and glibc's malloc spent a fifth of the build's
/// CPU time on it (docs/performance.md). The library leaves the choice to the program using it.
/// Windows keeps its own allocator: jemalloc does not build there (Cargo.toml says why).
#[cfg(not(windows))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    cli::main()
}
