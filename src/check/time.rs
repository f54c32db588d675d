//! Validity as written (SPEC §10): only facts say when they hold, and an
//! interval does not end before it starts.

use crate::error::CheckError;
use crate::load::Program;

/// Every validity on a rule with premises, and every inverted interval;
/// and whether the program says when some facts hold (a validity on a
/// fact, or an import that reads one). A program that says nothing of
/// time has no validities to look at.
pub fn check(program: &Program) -> (Vec<CheckError>, bool) {
    let mut errors = Vec::new();
    let mut says_when = program.imports.iter().any(|i| i.import.valid.is_some());
    if program.validity.is_empty() {
        return (errors, says_when);
    }
    let statements = (program.rules.iter())
        .map(|r| (r.span, r.is_fact()))
        .chain(program.facts.iter().map(|f| (f.span(), true)));
    for (span, is_fact) in statements {
        let Some(when) = program.when(span) else {
            continue;
        };
        says_when = true;
        if !is_fact {
            errors.push(CheckError::ValidityOnRule { span: when.span });
        } else if when.interval().is_none() {
            errors.push(CheckError::InvertedInterval {
                from: when.from,
                to: when.to,
                span: when.span,
            });
        }
    }
    (errors, says_when)
}
