//! Imports: CSV and TSV files -> typed rows (SPEC §3).
//!
//! A `.tsv` file is tab-separated with no quoting, anything else
//! comma-separated with CSV quoting. Without a
//! column list every column of every row is taken and the file has no
//! header; with one, the first row is the header and the named columns are
//! taken, in the order named. Each field becomes an integer if it parses as
//! a 64-bit integer, a decimal if it is digits, a point and digits (with an
//! optional `-`), and a string otherwise. Any problem (missing file, a row
//! of the wrong width, an unknown column, bad UTF-8) is one
//! `entente::import` error naming the file and line, and none of the file
//! is kept.
//!
//! `valid from COL to COL open V` (SPEC §10) reads each row's interval
//! from two more header columns: an empty field, or one equal to `V`,
//! leaves that end open; anything else must be an integer, and the end
//! must not come before the start.

use std::sync::Arc;

use crate::error::ImportError;
use crate::files::Files;
use crate::load::ResolvedImport;
use crate::suggest::did_you_mean;
use crate::time::{Interval, NEVER_AFTER, NEVER_BEFORE};
use crate::value::Value;

/// Rows read from one import's file, with their lines.
#[derive(Clone, Debug, Default)]
pub struct ImportedRows {
    /// Index of the import in [`crate::load::Program::imports`].
    pub import: usize,
    /// The predicate the rows are facts of.
    pub predicate: Arc<str>,
    /// The rows, typed.
    pub rows: Vec<Vec<Value>>,
    /// Each row's line in the file.
    pub lines: Vec<u64>,
    /// Each row's interval, when the import says when rows hold (empty
    /// otherwise).
    pub intervals: Vec<Interval>,
}

/// Reads the file of import number `index` from `files`.
pub fn read(
    import: &ResolvedImport,
    index: usize,
    files: &dyn Files,
) -> Result<ImportedRows, ImportError> {
    let reading = Reading {
        import,
        path: import.path.display().to_string(),
    };
    let tsv = import.path.extension().is_some_and(|e| e == "tsv");
    let file = (files.open(&import.path)).map_err(|e| reading.fail(None, e.to_string(), None))?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(if tsv { b'\t' } else { b',' })
        // TSV has no quoting: a `"` is part of its field.
        .quoting(!tsv)
        .has_headers(import.import.columns.is_some())
        .from_reader(file);
    let valid = import.import.valid.as_ref();
    let fields = reading.fields(&mut reader)?;
    let mut rows = ImportedRows {
        import: index,
        predicate: import.import.predicate.text.clone(),
        ..ImportedRows::default()
    };
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(reading.fail(line_of(&e), describe(&e), None)),
        }
        let line = record.position().map_or(0, |p| p.line());
        let row: Vec<Value> = match &fields.picks {
            Some(picks) => picks.iter().map(|&i| typed(&record[i])).collect(),
            None => record.iter().map(typed).collect(),
        };
        if valid.is_some() {
            let from = reading.bound(&record, fields.from, NEVER_BEFORE, line)?;
            let to = reading.bound(&record, fields.to, NEVER_AFTER, line)?;
            let Some(interval) = Interval::new(from, to) else {
                return Err(reading.fail(
                    Some(line),
                    format!("this row ends ({to}) before it starts ({from})"),
                    None,
                ));
            };
            rows.intervals.push(interval);
        }
        rows.rows.push(row);
        rows.lines.push(line);
    }
    Ok(rows)
}

/// One import being read, for its errors.
struct Reading<'i> {
    import: &'i ResolvedImport,
    path: String,
}

/// Which fields of a row an import takes, in order (all, with no
/// header), and the fields of the row's first and last time points.
struct Fields {
    picks: Option<Vec<usize>>,
    from: Option<usize>,
    to: Option<usize>,
}

impl Reading<'_> {
    fn fail(&self, line: Option<u64>, reason: String, help: Option<String>) -> ImportError {
        ImportError {
            path: self.path.clone(),
            line,
            reason,
            span: self.import.import.span,
            help,
        }
    }

    /// The fields to take, found by the header's names.
    fn fields<R: std::io::Read>(&self, reader: &mut csv::Reader<R>) -> Result<Fields, ImportError> {
        let valid = self.import.import.valid.as_ref();
        let Some(columns) = &self.import.import.columns else {
            if valid.is_some() {
                return Err(self.fail(
                    None,
                    "the columns that say when rows hold are found by the header's names".into(),
                    Some("list the columns to import, as in `import p(a, b) from \"file.csv\" valid from start to end.`".into()),
                ));
            }
            return Ok(Fields {
                picks: None,
                from: None,
                to: None,
            });
        };
        let header = reader
            .headers()
            .map_err(|e| self.fail(line_of(&e), describe(&e), None))?
            .clone();
        let names: Vec<&str> = header.iter().collect();
        let find = |c: &crate::ast::Name| {
            names.iter().position(|n| *n == &*c.text).ok_or_else(|| {
                self.fail(
                    Some(1),
                    format!("the header has no column `{}`", c.text),
                    did_you_mean(&c.text, names.iter().copied()),
                )
            })
        };
        let picks = Some(columns.iter().map(find).collect::<Result<_, _>>()?);
        let (from, to) = match valid {
            Some(valid) => (
                valid.from.as_ref().map(find).transpose()?,
                valid.to.as_ref().map(find).transpose()?,
            ),
            None => (None, None),
        };
        Ok(Fields { picks, from, to })
    }

    /// A bound of a row's interval, from field `at`: `none` when there is
    /// no such field, or it is empty or the import's open value.
    fn bound(
        &self,
        record: &csv::StringRecord,
        at: Option<usize>,
        none: i64,
        line: u64,
    ) -> Result<i64, ImportError> {
        let Some(at) = at else { return Ok(none) };
        let open = (self.import.import.valid.as_ref())
            .and_then(|v| v.open.as_ref())
            .map(|(v, _)| v);
        let field = &record[at];
        let value = typed(field);
        if field.is_empty() || open == Some(&value) {
            return Ok(none);
        }
        match value {
            Value::Int(t) => Ok(t),
            _ => Err(self.fail(
                Some(line),
                format!("`{field}` is not a time point (an integer)"),
                open.is_none().then(|| {
                    "an empty field leaves the interval open; `open V` after the columns makes V mean the same".to_string()
                }),
            )),
        }
    }
}

/// The value a field stands for.
pub fn typed(field: &str) -> Value {
    if let Ok(i) = field.parse::<i64>() {
        return Value::Int(i);
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let unsigned = field.strip_prefix('-').unwrap_or(field);
    if let Some((whole, fraction)) = unsigned.split_once('.') {
        if digits(whole) && digits(fraction) {
            if let Some(v) = field.parse::<f64>().ok().and_then(Value::decimal) {
                return v;
            }
        }
    }
    Value::Str(field.into())
}

fn line_of(e: &csv::Error) -> Option<u64> {
    e.position().map(|p| p.line())
}

fn describe(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("this row has {len} fields where the rows before have {expected_len}"),
        csv::ErrorKind::Io(io) => io.to_string(),
        csv::ErrorKind::Utf8 { .. } => "the file is not valid UTF-8".to_string(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_typed_as_integers_decimals_or_strings() {
        assert_eq!(typed("1994"), Value::Int(1994));
        assert_eq!(typed("-3"), Value::Int(-3));
        assert_eq!(typed("0.75"), Value::Dec(0.75));
        assert_eq!(typed("-0.5"), Value::Dec(-0.5));
        assert_eq!(typed("1e5"), Value::from("1e5"));
        assert_eq!(typed("nan"), Value::from("nan"));
        assert_eq!(typed("1."), Value::from("1."));
        assert_eq!(typed(""), Value::from(""));
        assert_eq!(typed("Nagorno-Karabakh"), Value::from("Nagorno-Karabakh"));
    }
}
