//! `entente explain FACT FILE...`: a proof tree, or a why-not, as indented
//! text, as JSON (the schema is in docs/explain.md), or as a picture; to
//! stdout or `-o FILE`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use entente::Config;

use super::graph::{self, Picture};
use super::progress::Line;
use super::report;
use super::run::{ask, load};
use entente::output::Format;

/// How an explanation is printed.
pub enum Shape {
    /// Indented text or JSON.
    Text(Format),
    /// A picture.
    Picture(Picture),
}

/// Loads the files, explains the fact, prints the explanation (or
/// writes it to `output`).
pub fn run(
    fact: &str,
    files: &[PathBuf],
    shape: Shape,
    output: Option<&Path>,
    config: Config,
) -> ExitCode {
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
    let text = match shape {
        Shape::Picture(picture) => picture.render(&explanation.to_graph()),
        Shape::Text(Format::Json) => explanation.to_json() + "\n",
        Shape::Text(_) => explanation.to_string(),
    };
    graph::write(&text, output)
}
