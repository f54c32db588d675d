//! `entente fmt [FILES...] [--check]`: the files in canonical layout
//! (`entente::format_source`), rewritten in place, or checked.

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use entente::format_source;

use super::report;

/// Formats the files (stdin to stdout without files). A file that does
/// not parse is left alone and its diagnostics printed; the exit code is
/// 1 then, and with `check` when a file would change.
pub fn run(files: &[PathBuf], check: bool) -> ExitCode {
    if files.is_empty() {
        return stdin(check);
    }
    let mut failed = false;
    for path in files {
        let name = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("entente::io: cannot read `{name}`: {e}");
                failed = true;
                continue;
            }
        };
        let formatted = match format_source(&name, &text) {
            Ok(formatted) => formatted,
            Err(e) => {
                report::error(&e, 0);
                failed = true;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        if check {
            println!("{name} would change");
            failed = true;
        } else if let Err(e) = std::fs::write(path, formatted) {
            eprintln!("entente::io: cannot write `{name}`: {e}");
            failed = true;
        }
    }
    ExitCode::from(u8::from(failed))
}

fn stdin(check: bool) -> ExitCode {
    let mut text = String::new();
    if let Err(e) = io::stdin().read_to_string(&mut text) {
        eprintln!("entente::io: cannot read stdin: {e}");
        return ExitCode::from(1);
    }
    match format_source("<stdin>", &text) {
        Ok(formatted) if check => ExitCode::from(u8::from(formatted != text)),
        Ok(formatted) => {
            // A closed pipe is the reader's choice, not an error.
            let _ = io::stdout().write_all(formatted.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => {
            report::error(&e, 0);
            ExitCode::from(1)
        }
    }
}
