//! `entente explain FACT FILE...`: a proof tree, or a why-not, as indented
//! text or as JSON (the schema is in docs/explain.md).

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use entente::explain::{Failure, Justification, Proof, Source, WhyNot};
use entente::{Config, Explanation, Value};

use super::format::{json_array, json_string, json_value, Format};
use super::report;
use super::run::load;

/// Loads the files, explains the fact, prints the explanation.
pub fn run(fact: &str, files: &[PathBuf], format: Format, config: Config) -> ExitCode {
    let Some((mut engine, warnings)) = load(files) else {
        return ExitCode::from(1);
    };
    let (explanation, fact_warnings) = match engine.explain(fact, config) {
        Ok(x) => x,
        Err(e) => {
            report::error(&e, warnings);
            return ExitCode::from(1);
        }
    };
    report::warnings(&fact_warnings);
    let mut out = BufWriter::new(io::stdout().lock());
    let written = match (format, &explanation) {
        (Format::Json, Explanation::Holds(p)) => {
            json_proof(&mut out, p, true).and_then(|()| writeln!(out))
        }
        (Format::Json, Explanation::DoesNotHold(w)) => {
            json_why_not(&mut out, w).and_then(|()| writeln!(out))
        }
        (_, explanation) => write!(out, "{explanation}"),
    };
    let _ = written.and_then(|()| out.flush());
    ExitCode::SUCCESS
}

fn json_source(out: &mut impl Write, s: &Source, with_text: bool) -> io::Result<()> {
    write!(out, "{{\"file\": ")?;
    json_string(out, &s.file)?;
    write!(out, ", \"line\": {}", s.line)?;
    if with_text {
        write!(out, ", \"text\": ")?;
        json_string(out, &s.text)?;
    }
    write!(out, "}}")
}

pub(super) fn json_strings<'a>(
    out: &mut impl Write,
    items: impl Iterator<Item = String> + 'a,
) -> io::Result<()> {
    json_array(out, items, |out, s| json_string(out, &s))
}

fn json_bindings(out: &mut impl Write, b: &[(String, Value)]) -> io::Result<()> {
    write!(out, "{{")?;
    for (i, (n, v)) in b.iter().enumerate() {
        if i > 0 {
            write!(out, ", ")?;
        }
        json_string(out, n)?;
        write!(out, ": ")?;
        json_value(out, v)?;
    }
    write!(out, "}}")
}

pub(super) fn json_proof(out: &mut impl Write, p: &Proof, root: bool) -> io::Result<()> {
    write!(out, "{{")?;
    if root {
        write!(out, "\"holds\": true, ")?;
    }
    write!(out, "\"fact\": ")?;
    json_string(out, &p.fact.to_string())?;
    write!(out, ", \"given\": ")?;
    match &p.justification {
        Justification::Given(s) => json_source(out, s, false)?,
        _ => write!(out, "null")?,
    }
    write!(out, ", \"rule\": ")?;
    match &p.justification {
        Justification::Derived(d) => json_source(out, &d.rule, true)?,
        _ => write!(out, "null")?,
    }
    write!(out, ", \"premises\": [")?;
    if let Justification::Derived(d) = &p.justification {
        for (i, q) in d.premises.iter().enumerate() {
            if i > 0 {
                write!(out, ", ")?;
            }
            json_proof(out, q, false)?;
        }
    }
    write!(out, "], \"absent\": ")?;
    match &p.justification {
        Justification::Derived(d) => {
            json_strings(out, d.absent.iter().cloned())?;
            write!(out, ", \"bindings\": ")?;
            json_bindings(out, &d.bindings)?;
            write!(out, ", \"comparisons\": ")?;
            json_strings(out, d.comparisons.iter().cloned())?;
            write!(out, ", \"aggregates\": [")?;
            for (i, a) in d.aggregates.iter().enumerate() {
                if i > 0 {
                    write!(out, ", ")?;
                }
                write!(out, "{{\"literal\": ")?;
                json_string(out, &a.text)?;
                write!(out, ", \"result\": ")?;
                json_value(out, &a.result)?;
                write!(out, ", \"facts\": ")?;
                json_strings(out, a.facts.iter().map(ToString::to_string))?;
                write!(out, ", \"more\": {}}}", a.more)?;
            }
            write!(out, "]")?;
        }
        _ => write!(out, "[]")?,
    }
    write!(
        out,
        ", \"truncated\": {}}}",
        matches!(p.justification, Justification::Truncated)
    )
}

fn json_why_not(out: &mut impl Write, w: &WhyNot) -> io::Result<()> {
    write!(out, "{{\"holds\": false, \"fact\": ")?;
    json_string(out, &w.fact.to_string())?;
    write!(out, ", \"attempts\": [")?;
    for (i, a) in w.attempts.iter().enumerate() {
        if i > 0 {
            write!(out, ", ")?;
        }
        write!(out, "{{\"rule\": ")?;
        json_source(out, &a.rule, true)?;
        write!(out, ", \"bindings\": ")?;
        json_bindings(out, &a.bindings)?;
        write!(out, ", \"failure\": ")?;
        match &a.failure {
            Failure::Head(why) => {
                write!(out, "{{\"kind\": \"head\", \"reason\": ")?;
                json_string(out, why)?;
            }
            Failure::Missing { literal, closest } => {
                write!(out, "{{\"kind\": \"missing\", \"literal\": ")?;
                json_string(out, literal)?;
                write!(out, ", \"closest\": ")?;
                json_strings(out, closest.iter().map(ToString::to_string))?;
            }
            Failure::Blocked { literal, by } => {
                write!(out, "{{\"kind\": \"blocked\", \"literal\": ")?;
                json_string(out, literal)?;
                write!(out, ", \"by\": ")?;
                json_string(out, &by.to_string())?;
            }
            Failure::False { literal } => {
                write!(out, "{{\"kind\": \"false\", \"literal\": ")?;
                json_string(out, literal)?;
            }
        }
        write!(out, "}}}}")?;
    }
    write!(out, "], \"closest\": ")?;
    json_strings(out, w.closest.iter().map(ToString::to_string))?;
    write!(out, ", \"suggestions\": ")?;
    json_strings(out, w.suggestions.iter().cloned())?;
    write!(out, "}}")
}
