//! Output formats for facts, answers and timelines: canonical text (SPEC
//! §6), JSON and CSV, as every face prints them (the command line's
//! `--format`, the REPL, the browser's playground). The shapes are
//! documented in docs/cli.md.

use std::io::{self, Write};

use crate::time::{Validity, NEVER_AFTER, NEVER_BEFORE};
use crate::{Answers, Boundaries, Cause, Citations, Engine, Panel, Value, WhatIf};

/// An output format (the command line's `--format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Format {
    /// Canonical facts; `X = a, Y = b` answers.
    Text,
    /// JSON.
    Json,
    /// CSV.
    Csv,
}

/// What receives each fact: its predicate, values and validity.
type TimedFact<'a> = dyn FnMut(&str, &[Value], &Validity) -> io::Result<()> + 'a;

/// Every fact (or every derived fact) of the model, by predicate name then
/// in canonical order, streamed: one predicate's sorted row ids are all
/// that is held besides the model.
pub fn facts(
    out: &mut impl Write,
    format: Format,
    engine: &Engine,
    derived_only: bool,
) -> io::Result<()> {
    // Over time (a timeline), each fact says when it holds.
    let over_time = engine.has_timeline();
    let each = |f: &mut TimedFact| {
        engine.for_each_timed_fact(derived_only, |name, row, validity| f(name, row, validity))
    };
    match format {
        Format::Text => engine.write_facts(out, derived_only),
        Format::Json => {
            writeln!(out, "[")?;
            let mut first = true;
            each(&mut |name, row, validity| {
                if !first {
                    writeln!(out, ",")?;
                }
                first = false;
                write!(out, "{{\"predicate\": ")?;
                json_string(out, name)?;
                write!(out, ", \"args\": ")?;
                json_values(out, row)?;
                if over_time {
                    write!(out, ", \"intervals\": ")?;
                    json_validity(out, validity)?;
                }
                write!(out, "}}")
            })?;
            if !first {
                writeln!(out)?;
            }
            writeln!(out, "]")
        }
        Format::Csv => {
            let mut w = csv::WriterBuilder::new().flexible(true).from_writer(out);
            each(&mut |name, row, validity| {
                let mut fields = vec![name.to_string()];
                fields.extend(row.iter().map(Value::unquoted));
                if !over_time {
                    return w.write_record(&fields).map_err(io::Error::from);
                }
                for interval in validity.intervals() {
                    let mut timed = fields.clone();
                    timed.push(bound(interval.from, NEVER_BEFORE));
                    timed.push(bound(interval.to, NEVER_AFTER));
                    w.write_record(&timed)?;
                }
                Ok(())
            })?;
            w.flush()
        }
    }
}

/// The answers to one query. `heading` is the query's text, printed above
/// the answers by `run` (which may answer several queries).
pub fn answers(
    out: &mut impl Write,
    format: Format,
    heading: Option<&str>,
    answers: &Answers,
) -> io::Result<()> {
    match format {
        Format::Text => answers_text(out, heading, answers),
        Format::Json => answers_json(out, heading, answers),
        Format::Csv => answers_csv(out, answers),
    }
}

/// The answers to every query of a program, as `entente run` prints them:
/// in text each after its query, a blank line between; in JSON an array
/// of one object per query; in CSV one table after another.
pub fn queries(
    out: &mut impl Write,
    format: Format,
    all: &[(String, Answers)],
) -> std::io::Result<()> {
    if format == Format::Json {
        writeln!(out, "[")?;
    }
    for (i, (query, answers)) in all.iter().enumerate() {
        if i > 0 && format != Format::Json {
            writeln!(out)?;
        }
        if i > 0 && format == Format::Json {
            write!(out, ",")?;
        }
        self::answers(out, format, Some(query), answers)?;
    }
    if format == Format::Json {
        writeln!(out, "]")?;
    }
    Ok(())
}

fn answers_text(out: &mut impl Write, heading: Option<&str>, answers: &Answers) -> io::Result<()> {
    if let Some(h) = heading {
        writeln!(out, "{h}")?;
    }
    write!(out, "{answers}")
}

fn answers_json(out: &mut impl Write, heading: Option<&str>, answers: &Answers) -> io::Result<()> {
    write!(out, "{{")?;
    if let Some(h) = heading {
        write!(out, "\"query\": ")?;
        json_string(out, h)?;
        write!(out, ", ")?;
    }
    write!(out, "\"variables\": ")?;
    json_array(out, &answers.variables, |out, v| json_string(out, v))?;
    // A goal unknown where nothing is sure to hold neither holds nor fails.
    let holds = match (answers.rows.is_empty(), answers.unknown_when()) {
        (true, Some(_)) => "null",
        (true, None) => "false",
        (false, _) => "true",
    };
    write!(out, ", \"holds\": {holds}, \"answers\": ")?;
    json_array(out, &answers.rows, |out, row| json_values(out, row))?;
    if !answers.validities.is_empty() {
        write!(out, ", \"validities\": ")?;
        json_array(out, &answers.validities, json_validity)?;
    }
    json_unknown(out, answers)?;
    writeln!(out, "}}")
}

fn answers_csv(out: &mut impl Write, answers: &Answers) -> io::Result<()> {
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(out);
    if answers.variables.is_empty() {
        w.write_record(["holds"])?;
        w.write_record([match (answers.rows.is_empty(), answers.unknown_when()) {
            (true, Some(_)) => "unknown",
            (true, None) => "false",
            (false, _) => "true",
        }])?;
    } else if answers.validities.is_empty() {
        w.write_record(&answers.variables)?;
        for row in &answers.rows {
            w.write_record(row.iter().map(Value::unquoted))?;
        }
    } else {
        csv_timed(&mut w, answers)?;
    }
    w.flush()
}

/// `entente timeline`: each answer with the maximal intervals in which it
/// holds (`always` for every time); with `boundaries` (per answer, per
/// interval), what opens and closes each.
pub fn timeline(
    out: &mut impl Write,
    format: Format,
    answers: &Answers,
    boundaries: Option<&[Vec<Boundaries>]>,
) -> io::Result<()> {
    match format {
        Format::Text => timeline_text(out, answers, boundaries),
        Format::Json => timeline_json(out, answers, boundaries),
        Format::Csv => {
            let mut w = csv::WriterBuilder::new().flexible(true).from_writer(out);
            csv_timed(&mut w, answers)?;
            w.flush()
        }
    }
}

/// `entente timeline --by-time`: every time point in order, cut where
/// the answers change, each stretch with the answers that hold then
/// (`true`/`false` for a goal without variables, `none` when none does).
pub fn timeline_by_time(out: &mut impl Write, answers: &Answers) -> io::Result<()> {
    for (interval, holding) in answers.by_time() {
        let what = match (answers.variables.is_empty(), holding.is_empty()) {
            (true, true) => "false".to_string(),
            (true, false) => "true".to_string(),
            (false, true) => "none".to_string(),
            (false, false) => (holding.iter())
                .map(|&i| bindings(&answers.variables, &answers.rows[i]))
                .collect::<Vec<_>>()
                .join("; "),
        };
        writeln!(out, "{interval}: {what}")?;
    }
    Ok(())
}

fn timeline_text(
    out: &mut impl Write,
    answers: &Answers,
    boundaries: Option<&[Vec<Boundaries>]>,
) -> io::Result<()> {
    if answers.rows.is_empty() && answers.unknown.is_none() {
        return writeln!(out, "false.");
    }
    for i in 0..answers.rows.len() {
        let validity = validity(answers, i);
        writeln!(out, "{}", answers.timeline_line(i))?;
        let explained = boundaries.and_then(|b| b.get(i));
        for (interval, b) in validity
            .intervals()
            .iter()
            .zip(explained.into_iter().flatten())
        {
            if interval.from != NEVER_BEFORE {
                let causes = causes(&b.opened_by);
                writeln!(out, "  from {}: opened by {causes}", interval.from)?;
            }
            if interval.to != NEVER_AFTER {
                let causes = causes(&b.closed_by);
                writeln!(out, "  to {}: closed by {causes}", interval.to)?;
            }
        }
    }
    if let (Some(unknown), Some(when)) = (&answers.unknown, answers.unknown_when()) {
        let when = when.map_or_else(String::new, |w| format!("{w} "));
        let sources = unknown.sources.join(", ");
        writeln!(out, "unknown: {when}(not covered by {sources})")?;
    }
    Ok(())
}

/// `, "unknown": {"sources": [...], "intervals": [...]}` when some of the
/// answer is unknown (the intervals only over every time).
fn json_unknown(out: &mut impl Write, answers: &Answers) -> io::Result<()> {
    let (Some(unknown), Some(when)) = (&answers.unknown, answers.unknown_when()) else {
        return Ok(());
    };
    write!(out, ", \"unknown\": {{\"sources\": ")?;
    json_array(out, &unknown.sources, |out, s| json_string(out, s))?;
    if let Some(when) = when {
        write!(out, ", \"intervals\": ")?;
        json_validity(out, &when)?;
    }
    write!(out, "}}")
}

fn timeline_json(
    out: &mut impl Write,
    answers: &Answers,
    boundaries: Option<&[Vec<Boundaries>]>,
) -> io::Result<()> {
    write!(out, "{{\"variables\": ")?;
    json_array(out, &answers.variables, |out, v| json_string(out, v))?;
    write!(out, ", \"answers\": ")?;
    json_array(out, answers.rows.iter().enumerate(), |out, (i, row)| {
        write!(out, "{{\"values\": ")?;
        json_values(out, row)?;
        write!(out, ", \"intervals\": ")?;
        json_validity(out, &validity(answers, i))?;
        if let Some(per_interval) = boundaries.and_then(|b| b.get(i)) {
            write!(out, ", \"boundaries\": ")?;
            json_array(out, per_interval, |out, b| {
                write!(out, "{{\"opened_by\": ")?;
                json_causes(out, &b.opened_by)?;
                write!(out, ", \"closed_by\": ")?;
                json_causes(out, &b.closed_by)?;
                write!(out, "}}")
            })?;
        }
        write!(out, "}}")
    })?;
    json_unknown(out, answers)?;
    writeln!(out, "}}")
}

/// `the start of treaty(a, b) and the end of war(a, c)`; `no given fact
/// found` when none was.
fn causes(causes: &[Cause]) -> String {
    if causes.is_empty() {
        return "no given fact found".to_string();
    }
    let each: Vec<String> = causes
        .iter()
        .map(|c| {
            let edge = if c.starts { "start" } else { "end" };
            format!("the {edge} of {}", c.fact)
        })
        .collect();
    each.join(" and ")
}

/// `[{"fact": "treaty(a, b)", "starts": true}]`.
fn json_causes(out: &mut impl Write, causes: &[Cause]) -> io::Result<()> {
    json_array(out, causes, |out, c| {
        write!(out, "{{\"fact\": ")?;
        json_string(out, &c.fact.to_string())?;
        write!(out, ", \"starts\": {}}}", c.starts)
    })
}

/// `X = a, Y = b`.
fn bindings(variables: &[String], row: &[Value]) -> String {
    let pairs: Vec<String> = variables
        .iter()
        .zip(row)
        .map(|(var, value)| format!("{var} = {value}"))
        .collect();
    pairs.join(", ")
}

/// Answers as CSV with when they hold: the variables, then `from` and
/// `to`, one row per maximal interval (an open end is an empty field).
fn csv_timed<W: Write>(w: &mut csv::Writer<W>, answers: &Answers) -> io::Result<()> {
    let mut header = answers.variables.clone();
    header.extend(["from".to_string(), "to".to_string()]);
    w.write_record(&header)?;
    for (i, row) in answers.rows.iter().enumerate() {
        for interval in validity(answers, i).intervals() {
            let mut fields: Vec<String> = row.iter().map(Value::unquoted).collect();
            fields.push(bound(interval.from, NEVER_BEFORE));
            fields.push(bound(interval.to, NEVER_AFTER));
            w.write_record(&fields)?;
        }
    }
    Ok(())
}

/// When the answer at `i` (one of them) holds.
fn validity(answers: &Answers, i: usize) -> Validity {
    answers.validity(i).unwrap_or_default()
}

/// A time point, or empty for no bound.
fn bound(t: i64, none: i64) -> String {
    if t == none {
        String::new()
    } else {
        t.to_string()
    }
}

/// A validity in JSON (see [`crate::json::validity`]).
fn json_validity(out: &mut impl Write, validity: &Validity) -> io::Result<()> {
    let mut text = String::new();
    let _ = crate::json::validity(&mut text, validity);
    out.write_all(text.as_bytes())
}

fn json_values(out: &mut impl Write, row: &[Value]) -> io::Result<()> {
    json_array(out, row, |out, v| json_value(out, v))
}

/// `[a, b, ...]`, each item written by `item` (as
/// [`crate::json::array`], onto a byte stream).
fn json_array<W: Write, T>(
    out: &mut W,
    items: impl IntoIterator<Item = T>,
    mut item: impl FnMut(&mut W, T) -> io::Result<()>,
) -> io::Result<()> {
    write!(out, "[")?;
    for (i, x) in items.into_iter().enumerate() {
        if i > 0 {
            write!(out, ", ")?;
        }
        item(out, x)?;
    }
    write!(out, "]")
}

/// A value in JSON (see [`crate::json::value`]).
pub fn json_value(out: &mut impl Write, v: &Value) -> io::Result<()> {
    let mut text = String::new();
    let _ = crate::json::value(&mut text, v);
    out.write_all(text.as_bytes())
}

/// A JSON string literal (see [`crate::json::string`]).
pub fn json_string(out: &mut impl Write, s: &str) -> io::Result<()> {
    let mut text = String::new();
    let _ = crate::json::string(&mut text, s);
    out.write_all(text.as_bytes())
}

/// `+ fact.` and `- fact.` lines grouped by predicate, each followed by its
/// proof when asked.
pub fn what_if(out: &mut impl Write, answer: &WhatIf, explain: bool) -> io::Result<()> {
    what_if_changes(out, answer, explain)?;
    for violation in &answer.violations {
        write!(out, "{violation}")?;
    }
    Ok(())
}

fn what_if_changes(out: &mut impl Write, answer: &WhatIf, explain: bool) -> io::Result<()> {
    if answer.changes.is_empty() {
        return writeln!(out, "no derived fact would appear or disappear.");
    }
    if !explain {
        return write!(out, "{}", answer.changes);
    }
    let (mut gained, mut lost) = (answer.gained.iter(), answer.lost.iter());
    for (sign, line) in answer.changes.lines() {
        writeln!(out, "{line}")?;
        let proof = if sign == '+' {
            gained.next()
        } else {
            lost.next()
        };
        if let Some(proof) = proof {
            write!(out, "{}", proof.display_at(1))?;
        }
    }
    Ok(())
}

/// The sources a goal's answers rest on (`entente cite`): a line each,
/// `name: citation (covers T1 to T2; N facts)`, or with `bib` an entry
/// each in BibTeX's shape (`@misc{name, title = {citation}, note =
/// {...}}`), the citation as written.
pub fn citations(out: &mut impl Write, bib: bool, cited: &Citations) -> io::Result<()> {
    if cited.sources.is_empty() && !bib {
        return writeln!(
            out,
            "no source: the answers rest on no given fact that names one."
        );
    }
    for c in &cited.sources {
        let facts = format!("{} fact{}", c.facts, if c.facts == 1 { "" } else { "s" });
        let source = &c.source;
        let note = match source.covers {
            Some(covers) => format!("covers {} to {}; {facts}", covers.from, covers.to),
            None => facts,
        };
        if bib {
            writeln!(out, "@misc{{{},", source.name)?;
            writeln!(
                out,
                "  title = {{{}}},",
                source.citation.replace(['{', '}'], "")
            )?;
            writeln!(out, "  note = {{{note}}},")?;
            writeln!(out, "}}")?;
        } else {
            writeln!(out, "{}: {} ({note})", source.name, source.citation)?;
        }
    }
    Ok(())
}

/// A panel (`entente panel`): a header of the goal's variables and the
/// time column, then a row per answer and time point, time point by time
/// point; an unknown value is an empty field (CSV) or `null` (JSON, an
/// array of objects, one a line). Each distinct answer's fields are
/// written out once and copied for each of its points, so a long panel
/// costs little more than its bytes.
pub fn panel(out: &mut impl Write, format: Format, panel: &Panel, time: &str) -> io::Result<()> {
    // Each row's fields, ready to write before its time point.
    let prefixes: Vec<Vec<u8>> = match format {
        Format::Json => (panel.rows.iter())
            .map(|row| {
                let mut text = String::from("{");
                for (name, value) in panel.variables.iter().zip(row) {
                    let _ = crate::json::string(&mut text, name);
                    text.push_str(": ");
                    match value {
                        Some(v) => {
                            let _ = crate::json::value(&mut text, v);
                        }
                        None => text.push_str("null"),
                    }
                    text.push_str(", ");
                }
                let _ = crate::json::string(&mut text, time);
                text.push_str(": ");
                text.into_bytes()
            })
            .collect(),
        _ => (panel.rows.iter())
            .map(|row| {
                let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
                let fields = row
                    .iter()
                    .map(|v| v.as_ref().map_or(String::new(), Value::unquoted));
                let _ = w.write_record(fields.chain([String::new()]));
                let mut bytes = w.into_inner().unwrap_or_default();
                // The record ends with the empty time field and a newline:
                // keep the separator, drop the newline.
                bytes.truncate(bytes.len().saturating_sub(1));
                if panel.variables.is_empty() {
                    bytes.clear();
                }
                bytes
            })
            .collect(),
    };
    if format == Format::Json {
        out.write_all(b"[")?;
    } else {
        let mut w = csv::WriterBuilder::new().from_writer(&mut *out);
        w.write_record(panel.variables.iter().map(String::as_str).chain([time]))?;
        w.flush()?;
    }
    let mut first = true;
    let mut number = String::new();
    for (t, i) in panel.point_rows() {
        number.clear();
        let _ = std::fmt::Write::write_fmt(&mut number, format_args!("{t}"));
        if format == Format::Json {
            out.write_all(if first { b"\n" } else { b",\n" })?;
            out.write_all(&prefixes[i])?;
            out.write_all(number.as_bytes())?;
            out.write_all(b"}")?;
        } else {
            out.write_all(&prefixes[i])?;
            out.write_all(number.as_bytes())?;
            out.write_all(b"\n")?;
        }
        first = false;
    }
    if format == Format::Json {
        out.write_all(if first { b"]\n" } else { b"\n]\n" })?;
    }
    Ok(())
}
