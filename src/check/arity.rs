//! One arity per predicate: the first use (earliest in the text read)
//! fixes it, and every later use with another arity is an error that shows
//! both places.

use crate::ast::for_each_atom;
use crate::error::{CheckError, Note};
use crate::facts::Table;
use crate::hash::NameMap;
use crate::load::Program;
use crate::source::Span;

/// Every use of a predicate with another arity than its first.
pub fn check(program: &Program) -> Vec<CheckError> {
    let mut uses: Vec<(&str, usize, Span)> = Vec::new();
    // A table's first fact stands for the rest, which agree with it
    // (when it is out of step, they all are).
    let mut tables: Vec<(usize, &Table)> = Vec::new();
    for table in program.facts.tables().iter().filter(|t| !t.is_empty()) {
        let span = table.name_span(0);
        uses.push((&table.name, table.arity, span));
        tables.push((span.start, table));
    }
    for rule in &program.rules {
        uses.push((
            &rule.head.predicate.text,
            rule.head.args.len(),
            rule.head.predicate.span,
        ));
        for_each_atom(&rule.body, &mut |a, _| {
            uses.push((&a.predicate.text, a.args.len(), a.predicate.span))
        });
    }
    for query in &program.queries {
        for_each_atom(&query.body, &mut |a, _| {
            uses.push((&a.predicate.text, a.args.len(), a.predicate.span))
        });
    }
    for import in &program.imports {
        if let Some(arity) = import.arity() {
            let name = &import.import.predicate;
            uses.push((&name.text, arity, name.span));
        }
    }
    uses.sort_by_key(|(_, _, span)| span.start);

    let mut first: NameMap<(usize, Span)> = NameMap::default();
    let mut errors = Vec::new();
    for (predicate, arity, span) in uses {
        let (expected, first_span) = *first.entry(predicate, || (arity, span)).1;
        if arity != expected {
            errors.push(mismatch(predicate, expected, arity, span, first_span));
            let table = (tables.iter()).find(|(start, _)| *start == span.start);
            if let Some((_, table)) = table {
                for at in 1..table.len() {
                    let span = table.name_span(at);
                    errors.push(mismatch(predicate, expected, arity, span, first_span));
                }
            }
        }
    }
    errors
}

/// A use of `predicate` with `found` arguments at `span`, whose first use
/// at `first` had `expected`.
pub(super) fn mismatch(
    predicate: &str,
    expected: usize,
    found: usize,
    span: Span,
    first: Span,
) -> CheckError {
    CheckError::Arity {
        predicate: predicate.to_string(),
        expected,
        found,
        span,
        first: vec![Note {
            message: format!("`{predicate}` first used with {expected} arguments here"),
            span: first,
        }],
    }
}
