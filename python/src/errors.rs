//! The library's errors as Python exceptions: the classes of
//! `entente.errors` (SPEC §11), chosen by the error's kind, each with its
//! code, file, line and column, and the rendered diagnostics (each
//! problem, a spent budget's help in Python's words) as message.

use entente::{render, Error, ErrorKind, Limit, Problem, Worded};
use pyo3::prelude::*;

/// The exception class of `entente.errors` for a kind of error.
fn class_of(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Parse => "ParseError",
        ErrorKind::Arity | ErrorKind::Check => "CheckError",
        ErrorKind::Limit(_) => "LimitError",
        ErrorKind::Interrupted => "Interrupted",
        ErrorKind::Import | ErrorKind::Io => "DataError",
        _ => "EntenteError",
    }
}

/// The Python exception of a library error.
pub fn to_py(py: Python<'_>, error: &Error) -> PyErr {
    let code = (error.problems().iter())
        .find(|p| !p.is_warning())
        .or_else(|| error.problems().first())
        .map(Problem::code_str);
    let location = error.location();
    let message: Vec<String> = (error.problems().iter())
        .map(|p| {
            render(&Worded::new(p, budget), false)
                .trim_end()
                .to_string()
        })
        .collect();
    let message = message.join("\n\n");
    let raised = (|| -> PyResult<PyErr> {
        let module = py.import("entente.errors")?;
        let class = module.getattr(class_of(error.kind()))?;
        let exception = class.call1((
            message,
            code,
            location.as_ref().map(|l| l.file.clone()),
            location.as_ref().map(|l| l.line),
            location.as_ref().map(|l| l.column),
        ))?;
        Ok(PyErr::from_value(exception))
    })();
    // Only a broken installation (no `entente.errors`) lands here.
    raised.unwrap_or_else(|e| e)
}

/// `Interrupted`, for a call stopped before its run began (the engine's
/// own interruptions come as its errors).
pub fn interrupted(py: Python<'_>) -> PyErr {
    let raised = (|| -> PyResult<PyErr> {
        let class = py.import("entente.errors")?.getattr("Interrupted")?;
        let message =
            "entente::interrupted\n\n  × interrupted before it began\n  help: nothing was changed";
        let exception = class.call1((message, "entente::interrupted"))?;
        Ok(PyErr::from_value(exception))
    })();
    raised.unwrap_or_else(|e| e)
}

/// How Python names a spent budget's setting.
fn budget(limit: Limit) -> &'static str {
    match limit {
        Limit::Facts => "with `Engine(max_facts=...)`",
        Limit::Time => "with `Engine(timeout=...)`",
    }
}

/// Warnings, rendered as the CLI prints them.
pub fn rendered(warnings: &[Problem]) -> Vec<String> {
    (warnings.iter())
        .map(|w| render(w, false).trim_end().to_string())
        .collect()
}
