//! Checks: a loaded [`Program`] -> its errors, warnings and stratification.
//!
//! Every check runs over the whole program and collects every problem it
//! finds; none stops at the first. The checks are those of SPEC §4:
//! one arity per predicate ([`arity`]), range restriction ([`safety`]), no
//! negation or aggregation through recursion ([`stratify`]), validity only
//! on facts and never inverted ([`time`], SPEC §10), and the warnings for
//! undefined predicates and singleton variables ([`lint`]).
//! A program with no errors is safe to plan and evaluate.

pub mod arity;
pub mod goal;
pub mod lint;
pub mod safety;
pub mod sources;
pub mod stratify;
pub mod time;

use crate::error::Problem;
use crate::load::Program;
use crate::source::Sources;

pub use goal::{check_goal, Vocabulary};
pub use stratify::Stratification;

/// What the checker found.
#[derive(Debug, Default)]
pub struct Report {
    /// Problems that stop evaluation.
    pub errors: Vec<Problem>,
    /// Problems worth a look that do not stop evaluation.
    pub warnings: Vec<Problem>,
    /// The predicates grouped into strata, lowest first (meaningful only
    /// when there are no errors).
    pub strata: Stratification,
    /// Whether the program says when some facts hold (SPEC §10).
    pub says_when: bool,
}

/// Runs every check. `lint_undefined` is off when some statements failed to
/// parse, since the missing definition may be in one of them.
pub fn check(program: &Program, sources: &Sources, lint_undefined: bool) -> Report {
    let mut errors = Vec::new();
    errors.extend(
        arity::check(program)
            .into_iter()
            .map(|e| Problem::new(e, sources)),
    );
    errors.extend(
        safety::check(program)
            .into_iter()
            .map(|e| Problem::new(e, sources)),
    );
    errors.extend(
        sources::check(program)
            .into_iter()
            .map(|e| Problem::new(e, sources)),
    );
    let (validity, says_when) = time::check(program);
    errors.extend(validity.into_iter().map(|e| Problem::new(e, sources)));
    let (strata, cycles) = stratify::stratify(program);
    errors.extend(cycles.into_iter().map(|e| Problem::new(e, sources)));
    // A variable reported as unbound needs no singleton warning as well.
    let error_at: Vec<usize> = errors.iter().filter_map(|e| e.first_offset()).collect();
    let warnings = lint::check(program, lint_undefined)
        .into_iter()
        .map(|w| Problem::new(w, sources))
        .filter(|w| w.first_offset().is_none_or(|at| !error_at.contains(&at)))
        .collect();
    Report {
        errors,
        warnings,
        strata,
        says_when,
    }
}
