//! `entente what-if FILE... --retract FACT --add FACT`: the derived facts
//! that would appear and disappear, with `--explain` the proof gained or
//! lost for each, as text (SPEC §7) or JSON (docs/cli.md).

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use entente::{Change, ChangeSet, Config, Fact, WhatIf};

use super::explain::{json_proof, json_strings};
use super::format::{json_array, json_string, Format};
use super::report;
use super::run::load;

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
    let Some((mut engine, warnings)) = load(files) else {
        return ExitCode::from(1);
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
                    write!(out, "{}", proof.display_at(1))?;
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
            write!(out, ", \"{key}\": ")?;
            json_array(out, proofs, |out, proof| json_proof(out, proof, false))?;
        }
    }
    writeln!(out, "}}")
}

fn json_changes(out: &mut impl Write, changes: &ChangeSet) -> io::Result<()> {
    json_array(out, &changes.predicates, |out, predicate| {
        write!(out, "{{\"predicate\": ")?;
        json_string(out, &predicate.predicate)?;
        for (key, facts) in [
            ("appeared", &predicate.appeared),
            ("disappeared", &predicate.disappeared),
        ] {
            write!(out, ", \"{key}\": ")?;
            let facts = facts.iter().map(|args| {
                Fact {
                    predicate: predicate.predicate.clone(),
                    args: args.clone(),
                }
                .to_string()
            });
            json_strings(out, facts)?;
        }
        write!(out, "}}")
    })
}
