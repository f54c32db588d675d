//! `entente explain FACT FILE...`: a proof tree, or a why-not, as indented
//! text, as JSON (the schema is in docs/explain.md), or as a picture.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use entente::Config;

use super::format::Format;
use super::graph::{self, Picture};
use super::progress::Line;
use super::report;
use super::run::{ask, load};

/// How an explanation is printed.
pub enum Shape {
    /// Indented text or JSON.
    Text(Format),
    /// A picture.
    Picture(Picture),
}

/// Loads the files, explains the fact, prints the explanation.
pub fn run(fact: &str, files: &[PathBuf], shape: Shape, config: Config) -> ExitCode {
    let Some((mut engine, warnings)) = load(files, &config) else {
        return ExitCode::from(1);
    };
    let line = Line::watch(&config);
    let explained = ask(&mut engine, |engine| engine.explain(fact));
    line.finish();
    let (explanation, fact_warnings) = match explained {
        Ok(x) => x,
        Err(e) => {
            report::error(&e, warnings);
            return ExitCode::from(1);
        }
    };
    report::warnings(&fact_warnings);
    let format = match shape {
        Shape::Picture(picture) => {
            return graph::write(&picture.render(&explanation.to_graph()), None)
        }
        Shape::Text(format) => format,
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let written = match (format, &explanation) {
        (Format::Json, explanation) => writeln!(out, "{}", explanation.to_json()),
        (_, explanation) => write!(out, "{explanation}"),
    };
    let _ = written.and_then(|()| out.flush());
    ExitCode::SUCCESS
}
