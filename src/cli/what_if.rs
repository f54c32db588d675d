//! `entente what-if FILE... --retract FACT --add FACT`: the derived facts
//! that would appear and disappear, with `--explain` the proof gained or
//! lost for each, as text (SPEC §7) or JSON (docs/cli.md).

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use entente::{Change, ChangeSet, Config, Engine, Fact, WhatIf};

use super::explain::{json_proof, text_proof};
use super::format::{json_string, Format};
use super::report;

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
    let mut engine = Engine::new();
    let warnings = match engine.load_files(files) {
        Ok(w) => report::warnings(&w),
        Err(e) => {
            report::error(&e, 0);
            return ExitCode::from(1);
        }
    };
    let statement = |text: &String| {
        let text = text.trim();
        if text.ends_with('.') {
            text.to_string()
        } else {
            format!("{text}.")
        }
    };
    let changes: Vec<Change> = options
        .retract
        .iter()
        .map(|t| Change::Retract(statement(t)))
        .chain(options.add.iter().map(|t| Change::Add(statement(t))))
        .collect();
    let answer = match engine.what_if(&changes, options.explain, options.config) {
        Ok(answer) => answer,
        Err(e) => {
            report::error(&e, warnings);
            return ExitCode::from(1);
        }
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let written = match options.format {
        Format::Json => json(&mut out, &answer, options.explain),
        _ => text(&mut out, &answer, options.explain),
    };
    let _ = written.and_then(|()| out.flush());
    ExitCode::SUCCESS
}

/// `+ fact.` and `- fact.` lines grouped by predicate, each followed by its
/// proof when asked.
fn text(out: &mut impl Write, answer: &WhatIf, explain: bool) -> io::Result<()> {
    if answer.changes.is_empty() {
        return writeln!(out, "no derived fact would appear or disappear.");
    }
    if !explain {
        return write!(out, "{}", answer.changes);
    }
    let (mut gained, mut lost) = (answer.gained.iter(), answer.lost.iter());
    for predicate in &answer.changes.predicates {
        for (sign, facts, proofs) in [
            ('+', &predicate.appeared, &mut gained),
            ('-', &predicate.disappeared, &mut lost),
        ] {
            for args in facts {
                let fact = Fact {
                    predicate: predicate.predicate.clone(),
                    args: args.clone(),
                };
                writeln!(out, "{sign} {fact}.")?;
                if let Some(proof) = proofs.next() {
                    text_proof(out, proof, 1)?;
                }
            }
        }
    }
    Ok(())
}

/// `{"changes": [{"predicate", "appeared", "disappeared"}], "gained": [proof],
/// "lost": [proof]}`, the proofs only with `--explain`.
fn json(out: &mut impl Write, answer: &WhatIf, explain: bool) -> io::Result<()> {
    write!(out, "{{\"changes\": ")?;
    json_changes(out, &answer.changes)?;
    if explain {
        for (key, proofs) in [("gained", &answer.gained), ("lost", &answer.lost)] {
            write!(out, ", \"{key}\": [")?;
            for (i, proof) in proofs.iter().enumerate() {
                if i > 0 {
                    write!(out, ", ")?;
                }
                json_proof(out, proof, false)?;
            }
            write!(out, "]")?;
        }
    }
    writeln!(out, "}}")
}

fn json_changes(out: &mut impl Write, changes: &ChangeSet) -> io::Result<()> {
    write!(out, "[")?;
    for (i, predicate) in changes.predicates.iter().enumerate() {
        if i > 0 {
            write!(out, ", ")?;
        }
        write!(out, "{{\"predicate\": ")?;
        json_string(out, &predicate.predicate)?;
        for (key, facts) in [
            ("appeared", &predicate.appeared),
            ("disappeared", &predicate.disappeared),
        ] {
            write!(out, ", \"{key}\": [")?;
            for (j, args) in facts.iter().enumerate() {
                if j > 0 {
                    write!(out, ", ")?;
                }
                let fact = Fact {
                    predicate: predicate.predicate.clone(),
                    args: args.clone(),
                };
                json_string(out, &fact.to_string())?;
            }
            write!(out, "]")?;
        }
        write!(out, "}}")?;
    }
    write!(out, "]")
}
