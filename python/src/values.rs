//! Python values in and out: `str` is a symbol or string, `int` an
//! integer, `float` a decimal (SPEC §11), and back the same way. Answers
//! leave as one list per variable, each string made once per distinct
//! constant, so that a million answers cost a million list slots rather
//! than a million new strings.

use std::collections::HashMap;

use entente::{Fact, Value};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyFloat, PyInt, PyList, PyString};

/// A Python value as a term. A missing value (`None`, NaN, pandas' `NA`)
/// is the empty string, as an empty field of an imported CSV file is, so
/// that a DataFrame read from a file gives the facts the file's `import`
/// gives.
pub fn to_value(object: &Bound<'_, PyAny>) -> PyResult<Result<Value, entente::Error>> {
    if let Ok(s) = object.cast::<PyString>() {
        return Ok(Ok(Value::from(&*s.to_cow()?)));
    }
    if object.is_instance_of::<PyBool>() {
        return Err(not_a_term(object));
    }
    if object.is_instance_of::<PyInt>() {
        return object.extract::<i128>().map(Value::try_from);
    }
    if object.is_instance_of::<PyFloat>() {
        let x = object.extract::<f64>()?;
        return Ok(if x.is_nan() {
            Ok(missing())
        } else {
            Value::try_from(x)
        });
    }
    if object.is_none() {
        return Ok(Ok(missing()));
    }
    // numpy's integers, which are no `int` but convert like one.
    if let Ok(n) = object.extract::<i64>() {
        return Ok(Ok(Value::Int(n)));
    }
    if object.get_type().name()?.to_cow()? == "NAType" {
        return Ok(Ok(missing()));
    }
    Err(not_a_term(object))
}

/// What a missing value is.
fn missing() -> Value {
    Value::from("")
}

fn not_a_term(object: &Bound<'_, PyAny>) -> PyErr {
    let kind = object
        .get_type()
        .name()
        .map_or_else(|_| "?".to_string(), |n| n.to_string());
    PyTypeError::new_err(format!(
        "a {kind} is not a term: a fact's arguments are str (a symbol or string), int or float"
    ))
}

/// Facts of `predicate` from rows: each a sequence of Python values.
pub fn facts_of_rows(
    predicate: &str,
    rows: &Bound<'_, PyAny>,
) -> PyResult<Result<Vec<Fact>, entente::Error>> {
    let mut facts = Vec::new();
    for row in rows.try_iter()? {
        let row = row?;
        let mut args = Vec::new();
        for value in row.try_iter()? {
            match to_value(&value?)? {
                Ok(v) => args.push(v),
                Err(e) => return Ok(Err(e)),
            }
        }
        match Fact::new(predicate, args) {
            Ok(fact) => facts.push(fact),
            Err(e) => return Ok(Err(e)),
        }
    }
    Ok(Ok(facts))
}

/// Facts of `predicate` from columns of equal length (a DataFrame's).
pub fn facts_of_columns(
    predicate: &str,
    columns: &[Bound<'_, PyList>],
) -> PyResult<Result<Vec<Fact>, entente::Error>> {
    let rows = columns.first().map_or(0, |c| c.len());
    if columns.iter().any(|c| c.len() != rows) {
        return Err(PyTypeError::new_err("columns of different lengths"));
    }
    let mut args: Vec<Vec<Value>> = (0..rows)
        .map(|_| Vec::with_capacity(columns.len()))
        .collect();
    for column in columns {
        for (row, value) in args.iter_mut().zip(column.iter()) {
            match to_value(&value)? {
                Ok(v) => row.push(v),
                Err(e) => return Ok(Err(e)),
            }
        }
    }
    let mut facts = Vec::with_capacity(rows);
    for row in args {
        match Fact::new(predicate, row) {
            Ok(fact) => facts.push(fact),
            Err(e) => return Ok(Err(e)),
        }
    }
    Ok(Ok(facts))
}

/// Values into Python, each distinct string made once.
#[derive(Default)]
pub struct Strings {
    made: HashMap<*const u8, Py<PyString>>,
}

impl Strings {
    /// The Python value of `value`.
    pub fn make<'py>(&mut self, py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
        Ok(match value {
            Value::Int(n) => n.into_pyobject(py)?.into_any(),
            Value::Dec(x) => x.into_pyobject(py)?.into_any(),
            Value::Str(s) => {
                let made = self
                    .made
                    .entry(s.as_ptr())
                    .or_insert_with(|| PyString::new(py, s).unbind());
                made.bind(py).clone().into_any()
            }
        })
    }
}

/// The values of `rows` as one Python object per column (`width`
/// columns): a column of integers only, or of decimals only, is `("q",
/// bytes)` or `("d", bytes)`, its numbers in native order, which
/// `array.array` and `numpy.frombuffer` read without a Python object per
/// value; any other column is `("o", list)`.
pub fn columns<'py>(
    py: Python<'py>,
    width: usize,
    rows: &[Vec<Value>],
) -> PyResult<Vec<(&'static str, Bound<'py, PyAny>)>> {
    let mut strings = Strings::default();
    let mut columns = Vec::with_capacity(width);
    for i in 0..width {
        let ints = packed(rows, i, |v| match v {
            Value::Int(n) => Some(n.to_ne_bytes()),
            _ => None,
        });
        let decimals = || {
            packed(rows, i, |v| match v {
                Value::Dec(x) => Some(x.to_ne_bytes()),
                _ => None,
            })
        };
        if let Some(bytes) = ints {
            columns.push(("q", PyBytes::new(py, &bytes).into_any()));
            continue;
        }
        if let Some(bytes) = decimals() {
            columns.push(("d", PyBytes::new(py, &bytes).into_any()));
            continue;
        }
        let column = PyList::empty(py);
        for row in rows {
            column.append(strings.make(py, &row[i])?)?;
        }
        columns.push(("o", column.into_any()));
    }
    Ok(columns)
}

/// Column `i` of `rows` as one buffer of eight-byte numbers, when
/// `number` gives every value's bytes (and there are values).
fn packed(
    rows: &[Vec<Value>],
    i: usize,
    number: impl Fn(&Value) -> Option<[u8; 8]>,
) -> Option<Vec<u8>> {
    if rows.is_empty() {
        return None;
    }
    let mut bytes = Vec::with_capacity(rows.len() * 8);
    for row in rows {
        bytes.extend(number(&row[i])?);
    }
    Some(bytes)
}
