//! One arity per predicate: its first definition (a fact, a rule's head
//! or an import, earliest in the text read), or its first use when nothing
//! defines it, fixes it; every use with another arity is an error that
//! shows both places. The definition, not the first use: a file that
//! includes its rules after asking about them (`? supports(...)` above
//! `include "theory.rules"`) is wrong where it asks, not where it defines.

use crate::ast::for_each_atom;
use crate::error::{arguments, CheckError, Note};
use crate::facts::Table;
use crate::hash::NameMap;
use crate::load::Program;
use crate::source::Span;

/// Every use of a predicate with another arity than its first.
pub fn check(program: &Program) -> Vec<CheckError> {
    // Each use: predicate, arity, place, and whether it defines.
    let mut uses: Vec<(&str, usize, Span, bool)> = Vec::new();
    // A table's first fact stands for the rest, which agree with it
    // (when it is out of step, they all are).
    let mut tables: Vec<(usize, &Table)> = Vec::new();
    for table in program.facts.tables().iter().filter(|t| !t.is_empty()) {
        let span = table.name_span(0);
        uses.push((&table.name, table.arity, span, true));
        tables.push((span.start, table));
    }
    for rule in &program.rules {
        let head = &rule.head.predicate;
        uses.push((&head.text, rule.head.args.len(), head.span, true));
        for_each_atom(&rule.body, &mut |a, _| {
            uses.push((&a.predicate.text, a.args.len(), a.predicate.span, false))
        });
    }
    for query in program.asked() {
        for_each_atom(&query.body, &mut |a, _| {
            uses.push((&a.predicate.text, a.args.len(), a.predicate.span, false))
        });
    }
    for import in &program.imports {
        if let Some(arity) = import.arity() {
            let name = &import.import.predicate;
            uses.push((&name.text, arity, name.span, true));
        }
    }
    uses.sort_by_key(|(_, _, span, _)| span.start);
    // The reference of each predicate: its first definition, else its
    // first use.
    let mut reference: NameMap<(usize, Span, bool)> = NameMap::default();
    for &(predicate, arity, span, defines) in &uses {
        let known = reference.entry(predicate, || (arity, span, defines)).1;
        if defines && !known.2 {
            *known = (arity, span, true);
        }
    }
    let mut errors = Vec::new();
    for (predicate, arity, span, _) in uses {
        let (expected, at, defined) = *reference.entry(predicate, || unreachable!()).1;
        if arity != expected {
            errors.push(mismatch(predicate, expected, arity, span, (at, defined)));
            let table = (tables.iter()).find(|(start, _)| *start == span.start);
            if let Some((_, table)) = table {
                for i in 1..table.len() {
                    let span = table.name_span(i);
                    errors.push(mismatch(predicate, expected, arity, span, (at, defined)));
                }
            }
        }
    }
    errors
}

/// A use of `predicate` with `found` arguments at `span`, where its
/// reference (`at`: its first definition, or its first use when `defined`
/// is false) has `expected`.
pub(super) fn mismatch(
    predicate: &str,
    expected: usize,
    found: usize,
    span: Span,
    (at, defined): (Span, bool),
) -> CheckError {
    let expected_text = arguments(expected);
    let message = match defined {
        true => format!("`{predicate}` is defined with {expected_text} here"),
        false => format!("`{predicate}` is first used with {expected_text} here"),
    };
    CheckError::Arity {
        predicate: predicate.to_string(),
        expected,
        found,
        span,
        first: vec![Note { message, span: at }],
    }
}
