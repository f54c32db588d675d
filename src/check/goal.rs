//! Checking a question (a goal) against a program already checked, at the
//! cost of the goal: the program is summed up once per change as a
//! [`Vocabulary`] (each predicate's arity and whether anything defines
//! it), and a goal is checked against that, never against the program.
//!
//! The checks are those a query of the program would get: one arity per
//! predicate (the program's first use comes first), range restriction, and
//! the `undefined` warning. A query adds no rule, so it cannot close a
//! negation cycle; and queries are not linted for singletons.

use std::collections::HashMap;

use crate::ast::{for_each_atom, Query};
use crate::error::{CheckError, Warning};
use crate::hash::FxBuild;
use crate::load::Program;
use crate::source::Span;
use crate::suggest::did_you_mean;

use super::{arity, safety};

/// Each predicate of a checked program: its arity, where it is first used,
/// and how many statements and imports define it.
#[derive(Clone, Debug, Default)]
pub struct Vocabulary {
    predicates: HashMap<Box<str>, Use, FxBuild>,
}

/// How a statement uses a predicate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// A fact, a rule's head, an import.
    Defines,
    /// A rule's body.
    Reads,
    /// A query of the program.
    Asks,
}

#[derive(Clone, Copy, Debug)]
struct Use {
    /// The arity of the predicate's first definition, else of its first
    /// use (see `check::arity`).
    arity: usize,
    /// Where that definition or use is.
    first: Span,
    /// Whether `first` defines the predicate.
    first_defines: bool,
    /// Rules and facts that conclude it, and imports that read it.
    defined: usize,
    /// Used by a statement or an import, not only by the program's
    /// queries.
    stated: bool,
}

impl Vocabulary {
    /// The vocabulary of `program` (one pass over its statements).
    pub fn of(program: &Program) -> Vocabulary {
        let mut vocabulary = Vocabulary::default();
        // A table's first fact is its earliest use.
        for table in program.facts.tables().iter().filter(|t| !t.is_empty()) {
            vocabulary.uses(&table.name, table.arity, table.name_span(0), Role::Defines);
            vocabulary.define(&table.name, table.len());
        }
        for rule in &program.rules {
            let head = &rule.head.predicate;
            vocabulary.uses(&head.text, rule.head.args.len(), head.span, Role::Defines);
            vocabulary.define(&head.text, 1);
            for_each_atom(&rule.body, &mut |a, _| {
                vocabulary.uses(&a.predicate.text, a.args.len(), a.predicate.span, Role::Reads)
            });
        }
        for query in program.asked() {
            for_each_atom(&query.body, &mut |a, _| {
                vocabulary.uses(&a.predicate.text, a.args.len(), a.predicate.span, Role::Asks)
            });
        }
        for import in &program.imports {
            let name = &import.import.predicate;
            if let Some(arity) = import.arity() {
                vocabulary.uses(&name.text, arity, name.span, Role::Defines);
            }
            vocabulary.define(&name.text, 1);
        }
        vocabulary
    }

    /// Notes a use of `name` with `arity` at `span`, in `role`: the
    /// earliest definition fixes the arity, else the earliest use.
    fn uses(&mut self, name: &str, arity: usize, span: Span, role: Role) {
        let defines = role == Role::Defines;
        match self.predicates.get_mut(name) {
            Some(known) => {
                known.stated |= role != Role::Asks;
                let earlier = span.start < known.first.start;
                if (defines && (!known.first_defines || earlier))
                    || (!known.first_defines && earlier)
                {
                    known.arity = arity;
                    known.first = span;
                    known.first_defines = defines;
                }
            }
            None => {
                let first = Use {
                    arity,
                    first: span,
                    first_defines: defines,
                    defined: 0,
                    stated: role != Role::Asks,
                };
                self.predicates.insert(name.into(), first);
            }
        }
    }

    /// Each predicate a statement or import uses, with its arity, in no
    /// particular order.
    pub fn stated(&self) -> impl Iterator<Item = (&str, usize)> {
        (self.predicates.iter())
            .filter(|(_, u)| u.stated)
            .map(|(name, u)| (&**name, u.arity))
    }

    /// Counts `count` more statements or imports that define `name`.
    fn define(&mut self, name: &str, count: usize) {
        if let Some(known) = self.predicates.get_mut(name) {
            known.defined += count;
        }
    }

    /// Notes given facts of a known predicate added (`added`) and
    /// statements of it taken out (`removed`), for changes that do not
    /// check the program again.
    pub fn recount(&mut self, name: &str, added: usize, removed: usize) {
        if let Some(known) = self.predicates.get_mut(name) {
            known.defined = (known.defined + added).saturating_sub(removed);
        }
    }

    /// True when some statement or import defines the predicate.
    pub fn is_defined(&self, name: &str) -> bool {
        self.predicates.get(name).is_some_and(|u| u.defined > 0)
    }

    fn defined_names(&self) -> impl Iterator<Item = &str> {
        self.predicates
            .iter()
            .filter(|(_, u)| u.defined > 0)
            .map(|(name, _)| &**name)
    }
}

/// The errors and warnings of `query` asked of a program whose vocabulary
/// is `vocabulary`.
pub fn check_goal(query: &Query, vocabulary: &Vocabulary) -> (Vec<CheckError>, Vec<Warning>) {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    // Each predicate of the goal at its first use here, with the arity and
    // place that fix its arity (the program's, else this use).
    let mut seen: Vec<(&str, usize, (Span, bool))> = Vec::new();
    for_each_atom(&query.body, &mut |atom, _| {
        let name = &*atom.predicate.text;
        let found = atom.args.len();
        let span = atom.predicate.span;
        let (expected, first) = match seen.iter().find(|(n, _, _)| *n == name) {
            Some(&(_, expected, first)) => (expected, first),
            None => {
                let known = vocabulary.predicates.get(name);
                let (expected, first) =
                    known.map_or((found, (span, false)), |u| (u.arity, (u.first, u.first_defines)));
                seen.push((name, expected, first));
                if !vocabulary.is_defined(name) {
                    warnings.push(Warning::Undefined {
                        predicate: name.to_string(),
                        span,
                        help: did_you_mean(name, vocabulary.defined_names()),
                    });
                }
                (expected, first)
            }
        };
        if expected != found {
            errors.push(arity::mismatch(name, expected, found, span, first));
        }
    });
    errors.extend(safety::check_query(query));
    (errors, warnings)
}
