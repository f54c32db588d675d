//! `entente what-if FILE... --retract FACT --add FACT`: the derived facts
//! that would appear and disappear, with `--explain` the proof gained or
//! lost for each, as text (SPEC §7) or JSON (docs/cli.md).

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use entente::{Change, Config};

use super::progress::Line;
use super::report;
use super::run::{ask, load};
use entente::output::{self as format, Format};

/// The hypothetical changes and how to show their effect.
pub struct WhatIfOptions {
    /// Statements to add.
    pub add: Vec<String>,
    /// Given facts or rules to retract.
    pub retract: Vec<String>,
    /// Show proofs gained and lost.
    pub explain: bool,
    /// Text or JSON.
    pub format: Format,
    /// Evaluation settings.
    pub config: Config,
}

/// Loads the files, answers the what-if question, prints the answer.
pub fn run(files: &[PathBuf], options: WhatIfOptions) -> ExitCode {
    let Some((mut engine, warnings)) = load(files, &options.config) else {
        return ExitCode::from(1);
    };
    let changes: Vec<Change> = options
        .retract
        .iter()
        .map(|t| Change::retract(t))
        .chain(options.add.iter().map(|t| Change::add(t)))
        .collect();
    let line = Line::watch(&options.config);
    let answered = ask(&mut engine, |engine| {
        engine.what_if(&changes, options.explain)
    });
    line.finish();
    let answer = match answered {
        Ok(answer) => answer,
        Err(e) => {
            report::error(&e, warnings);
            return ExitCode::from(1);
        }
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let written = match options.format {
        Format::Json => writeln!(out, "{}", answer.to_json(options.explain)),
        _ => format::what_if(&mut out, &answer, options.explain),
    };
    let _ = written.and_then(|()| out.flush());
    ExitCode::SUCCESS
}
