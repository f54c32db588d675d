//! `entente explain FACT FILE...`: a proof tree, or a why-not, as indented
//! text or as JSON (the schema is in docs/explain.md).

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use entente::explain::{Derivation, Failure, Justification, Proof, Source, WhyNot, MAX_DEPTH};
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
        (_, Explanation::Holds(p)) => text_proof(&mut out, p, 0),
        (_, Explanation::DoesNotHold(w)) => text_why_not(&mut out, w),
    };
    let _ = written.and_then(|()| out.flush());
    ExitCode::SUCCESS
}

fn indent(depth: usize) -> String {
    "  ".repeat(depth)
}

fn place(s: &Source) -> String {
    format!("{}:{}", s.file, s.line)
}

pub(super) fn text_proof(out: &mut impl Write, proof: &Proof, depth: usize) -> io::Result<()> {
    writeln!(out, "{}{}", indent(depth), proof.fact)?;
    let pad = indent(depth + 1);
    match &proof.justification {
        Justification::Given(source) => writeln!(out, "{pad}given at {}: {}", place(source), source.text),
        Justification::Truncated => writeln!(
            out,
            "{pad}... (proof cut after {MAX_DEPTH} levels or its size limit; explain this fact for the rest)"
        ),
        Justification::Derived(d) => text_derivation(out, d, depth + 1),
    }
}

fn text_derivation(out: &mut impl Write, d: &Derivation, depth: usize) -> io::Result<()> {
    let pad = indent(depth);
    writeln!(out, "{pad}by rule at {}: {}", place(&d.rule), d.rule.text)?;
    if !d.bindings.is_empty() {
        writeln!(out, "{pad}with {}", bindings(&d.bindings))?;
    }
    for c in &d.comparisons {
        writeln!(out, "{pad}where {c}")?;
    }
    for a in &d.absent {
        writeln!(out, "{pad}no {a} holds")?;
    }
    for a in &d.aggregates {
        writeln!(out, "{pad}{} gives {}", a.text, a.result)?;
        for f in &a.facts {
            writeln!(out, "{pad}  over {f}")?;
        }
        if a.more > 0 {
            writeln!(out, "{pad}  and {} more", a.more)?;
        }
    }
    for p in &d.premises {
        text_proof(out, p, depth)?;
    }
    Ok(())
}

fn bindings(b: &[(String, Value)]) -> String {
    b.iter()
        .map(|(n, v)| format!("{n} = {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn text_why_not(out: &mut impl Write, w: &WhyNot) -> io::Result<()> {
    writeln!(out, "{} does not hold.", w.fact)?;
    if w.attempts.is_empty() {
        writeln!(
            out,
            "  no rule concludes `{}`, and the fact is not given",
            w.fact.predicate
        )?;
    }
    for a in &w.attempts {
        writeln!(out, "  rule at {}: {}", place(&a.rule), a.rule.text)?;
        if !a.bindings.is_empty() {
            writeln!(out, "    with {}", bindings(&a.bindings))?;
        }
        match &a.failure {
            Failure::Head(why) => writeln!(out, "    the head does not fit: {why}")?,
            Failure::Missing { literal, closest } => {
                writeln!(out, "    fails at {literal}: no such fact")?;
                for c in closest {
                    writeln!(out, "      closest: {c}")?;
                }
            }
            Failure::Blocked { literal, by } => {
                writeln!(out, "    fails at {literal}: {by} holds")?;
            }
            Failure::False { literal } => {
                writeln!(out, "    fails at {literal}: it does not hold")?
            }
        }
    }
    if !w.closest.is_empty() {
        let list: Vec<String> = w.closest.iter().map(ToString::to_string).collect();
        writeln!(
            out,
            "  closest facts of `{}`: {}",
            w.fact.predicate,
            list.join("; ")
        )?;
    }
    for s in &w.suggestions {
        writeln!(out, "  {s}")?;
    }
    Ok(())
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
