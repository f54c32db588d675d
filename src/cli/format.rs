//! Output formats for facts and answers: canonical text (SPEC §6), JSON
//! and CSV. The shapes are documented in docs/cli.md.

use std::io::{self, Write};

use entente::{Answers, Engine, Value};

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Canonical facts; `X = a, Y = b` answers.
    Text,
    /// JSON.
    Json,
    /// CSV.
    Csv,
}

/// Every fact (or every derived fact) of the model, by predicate name then
/// in canonical order, streamed: one predicate's sorted row ids are all
/// that is held besides the model.
pub fn facts(
    out: &mut impl Write,
    format: Format,
    engine: &Engine,
    derived_only: bool,
) -> io::Result<()> {
    let each = |f: &mut dyn FnMut(&str, &[Value]) -> io::Result<()>| -> io::Result<()> {
        engine.for_each_fact(derived_only, |name, row| f(name, row))
    };
    match format {
        Format::Text => engine.write_facts(out, derived_only),
        Format::Json => {
            writeln!(out, "[")?;
            let mut first = true;
            each(&mut |name, row| {
                if !first {
                    writeln!(out, ",")?;
                }
                first = false;
                write!(out, "{{\"predicate\": ")?;
                json_string(out, name)?;
                write!(out, ", \"args\": ")?;
                json_values(out, row)?;
                write!(out, "}}")
            })?;
            if !first {
                writeln!(out)?;
            }
            writeln!(out, "]")
        }
        Format::Csv => {
            let mut w = csv::WriterBuilder::new().flexible(true).from_writer(out);
            each(&mut |name, row| {
                let mut fields = vec![name.to_string()];
                fields.extend(row.iter().map(csv_field));
                w.write_record(&fields).map_err(io::Error::from)
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
        Format::Text => {
            if let Some(h) = heading {
                writeln!(out, "{h}")?;
            }
            if answers.variables.is_empty() || answers.rows.is_empty() {
                writeln!(
                    out,
                    "{}",
                    if answers.rows.is_empty() {
                        "false."
                    } else {
                        "true."
                    }
                )?;
            } else {
                for row in &answers.rows {
                    let bindings: Vec<String> = answers
                        .variables
                        .iter()
                        .zip(row)
                        .map(|(var, value)| format!("{var} = {value}"))
                        .collect();
                    writeln!(out, "{}", bindings.join(", "))?;
                }
            }
        }
        Format::Json => {
            write!(out, "{{")?;
            if let Some(h) = heading {
                write!(out, "\"query\": ")?;
                json_string(out, h)?;
                write!(out, ", ")?;
            }
            write!(out, "\"variables\": [")?;
            for (i, v) in answers.variables.iter().enumerate() {
                if i > 0 {
                    write!(out, ", ")?;
                }
                json_string(out, v)?;
            }
            write!(
                out,
                "], \"holds\": {}, \"answers\": [",
                !answers.rows.is_empty()
            )?;
            for (i, row) in answers.rows.iter().enumerate() {
                if i > 0 {
                    write!(out, ", ")?;
                }
                json_values(out, row)?;
            }
            writeln!(out, "]}}")?;
        }
        Format::Csv => {
            let mut w = csv::WriterBuilder::new().flexible(true).from_writer(out);
            if answers.variables.is_empty() {
                w.write_record(["holds"])?;
                w.write_record([if answers.rows.is_empty() {
                    "false"
                } else {
                    "true"
                }])?;
            } else {
                w.write_record(&answers.variables)?;
                for row in &answers.rows {
                    w.write_record(row.iter().map(csv_field))?;
                }
            }
            w.flush()?;
        }
    }
    Ok(())
}

/// A string field as its text, a number in canonical form.
fn csv_field(v: &Value) -> String {
    match v {
        Value::Str(s) => s.to_string(),
        other => other.to_string(),
    }
}

fn json_values(out: &mut impl Write, row: &[Value]) -> io::Result<()> {
    write!(out, "[")?;
    for (i, v) in row.iter().enumerate() {
        if i > 0 {
            write!(out, ", ")?;
        }
        json_value(out, v)?;
    }
    write!(out, "]")
}

/// A value in JSON (see [`entente::json::value`]).
pub fn json_value(out: &mut impl Write, v: &Value) -> io::Result<()> {
    let mut text = String::new();
    let _ = entente::json::value(&mut text, v);
    out.write_all(text.as_bytes())
}

/// A JSON string literal (see [`entente::json::string`]).
pub fn json_string(out: &mut impl Write, s: &str) -> io::Result<()> {
    let mut text = String::new();
    let _ = entente::json::string(&mut text, s);
    out.write_all(text.as_bytes())
}
