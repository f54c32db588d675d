//! The command line (SPEC §7): clap parses the arguments, each subcommand
//! calls the library's public API, results go to stdout and diagnostics to
//! stderr. Exit codes: 0 success, 1 the program has errors, 2 bad usage
//! (clap's own exit code for usage errors).

mod check;
mod report;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Entente: a rules engine for reasoning about alliances between states.
#[derive(Parser)]
#[command(name = "entente", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and check rule files; print every diagnostic, run nothing.
    Check {
        /// Rule files to check together.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

/// Runs the command line and returns the process's exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { files } => check::run(&files),
    }
}
