//! `entente check FILE...`: load and check, print diagnostics, run nothing.

use std::path::PathBuf;
use std::process::ExitCode;

use entente::Engine;

use super::report;

/// Checks the files as one program.
pub fn run(files: &[PathBuf]) -> ExitCode {
    let mut engine = Engine::new();
    match engine.load_files(files) {
        Ok(update) => {
            let n = report::warnings(&update.warnings);
            report::summary(0, n);
            ExitCode::SUCCESS
        }
        Err(e) => {
            report::error(&e, 0);
            ExitCode::from(1)
        }
    }
}
