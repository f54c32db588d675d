//! Validity as written (SPEC §10): only facts say when they hold, and an
//! interval does not end before it starts.

use crate::error::CheckError;
use crate::load::Program;

/// Every validity on a rule with premises, and every inverted interval.
pub fn check(program: &Program) -> Vec<CheckError> {
    let mut errors = Vec::new();
    for rule in &program.rules {
        let Some(when) = &rule.when else { continue };
        if !rule.is_fact() {
            errors.push(CheckError::ValidityOnRule { span: when.span });
        } else if when.interval().is_none() {
            errors.push(CheckError::InvertedInterval {
                from: when.from,
                to: when.to,
                span: when.span,
            });
        }
    }
    errors
}
