//! `entente graph PRED... FILES...` and `entente explain --format
//! dot|svg`: pictures, written to stdout or to `-o FILE`.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use entente::graph::Graph;
use entente::{Config, Error, Sources};

use super::progress::Line;
use super::report;
use super::run::{ask, load};

/// `--format` of a picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Picture {
    /// SVG, drawn in-process.
    Svg,
    /// Graphviz's DOT language.
    Dot,
    /// Nodes and edges as JSON.
    Json,
}

impl Picture {
    /// The format a file name asks for (`.dot`, `.gv`, `.json`), else SVG.
    pub fn of_path(path: Option<&Path>) -> Picture {
        match path.and_then(|p| p.extension()).and_then(|e| e.to_str()) {
            Some("dot" | "gv") => Picture::Dot,
            Some("json") => Picture::Json,
            _ => Picture::Svg,
        }
    }

    /// The graph in this format.
    pub fn render(self, graph: &Graph) -> String {
        match self {
            Picture::Svg => graph.to_svg(),
            Picture::Dot => graph.to_dot(),
            Picture::Json => graph.to_json() + "\n",
        }
    }
}

/// A picture that cannot be written.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("cannot write `{path}`: {reason}")]
#[diagnostic(code(entente::io))]
struct WriteError {
    path: String,
    reason: String,
}

/// Splits `graph`'s arguments into predicates (the leading names that
/// are predicate names, `[a-z][A-Za-z0-9_]*`, and not files, or goals of
/// one atom, `supports(turkey, X)`) and files (the rest). A predicate
/// name never has a `.` or a `/`, which files almost always have.
pub fn split(arguments: &[String]) -> (Vec<&str>, Vec<PathBuf>) {
    let is_name = |a: &str| {
        let mut chars = a.chars();
        let name = chars.next().is_some_and(|c| c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        let goal = a.contains('(') && a.trim_end().ends_with(')');
        (name || goal) && !Path::new(a).exists()
    };
    let names = arguments.iter().take_while(|a| is_name(a)).count();
    (
        arguments[..names].iter().map(String::as_str).collect(),
        arguments[names..].iter().map(PathBuf::from).collect(),
    )
}

/// `graph`: loads the files, draws the predicates' facts, writes the
/// picture.
pub fn run(
    predicates: &[&str],
    files: &[PathBuf],
    format: Picture,
    output: Option<&Path>,
    max_edges: Option<usize>,
    config: Config,
) -> ExitCode {
    let Some((mut engine, warnings)) = load(files, &config) else {
        return ExitCode::from(1);
    };
    let line = Line::watch(&config);
    let graph = ask(&mut engine, |engine| engine.graph(predicates));
    line.finish();
    match graph {
        Ok(graph) => {
            let graph = match max_edges {
                Some(max) => graph.first_edges(max),
                None => graph,
            };
            warn_if_unreadable(&graph, format, config.at, Face::Command);
            write(&format.render(&graph), output)
        }
        Err(e) => {
            report::error(&e, warnings);
            ExitCode::from(1)
        }
    }
}

/// Lines above which a picture is more than a person reads: a closure of
/// 200 nodes draws 20,100 lines, 6.9 MB of SVG that takes a browser most
/// of a minute.
const READABLE_EDGES: usize = 1_000;

/// Where a picture was asked for, which words its advice takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Face {
    /// `entente graph`: options.
    Command,
    /// The REPL's `:graph`: its own words.
    Repl,
}

/// Says on stderr when a picture is too large to read, and what helps
/// (one time point, when the picture is not of one already: `at`).
pub fn warn_if_unreadable(graph: &Graph, format: Picture, at: Option<i64>, face: Face) {
    let lines = graph.edges.len();
    if lines <= READABLE_EDGES || format == Picture::Json {
        return;
    }
    let (one_time, fewer) = match face {
        Face::Command => (
            ", ask about one time point (`--at T`)",
            "draw the first lines only (`--max-edges N`)",
        ),
        Face::Repl => (
            ", ask about one time point (`:graph PRED at T FILE`)",
            "draw the facts a goal picks (`:graph pred(a, X) FILE`)",
        ),
    };
    let one_time = if at.is_some() { "" } else { one_time };
    let _ = writeln!(
        io::stderr(),
        "entente::graph: {} among {} is more than a person can read (a browser is slow to \
         draw it too); name fewer predicates{one_time}, or {fewer}",
        report::counted(lines, "line"),
        report::counted(graph.nodes.len(), "node"),
    );
}

/// Writes a picture to the file, or to stdout.
pub fn write(text: &str, output: Option<&Path>) -> ExitCode {
    let written = match output {
        Some(path) => std::fs::write(path, text),
        None => {
            let mut out = io::stdout().lock();
            // A closed pipe is the reader's choice, not an error.
            let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
            Ok(())
        }
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let path = output.map(|p| p.display().to_string()).unwrap_or_default();
            let error = WriteError {
                path,
                reason: e.to_string(),
            };
            report::error(&Error::single(error, &Sources::default()), 0);
            ExitCode::from(1)
        }
    }
}
