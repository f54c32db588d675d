//! Retractions: the statements and imported rows that give a fact, or
//! the rules that match one, taken out of the program; and the diagnostic
//! when nothing gives it.

use super::undo::{RemovedRow, Undo};
use super::Engine;
use crate::ast::{self, Rule, Statement, Term, When};
use crate::error::{Problem, RetractError};
use crate::eval::{Database, ImportedRows};
use crate::fact::Fact;
use crate::load::Program;
use crate::source::Span;
use crate::time::Interval;
use crate::value::Value;

impl Engine {
    /// Removes from `program` (and `imported`) the retracted facts and
    /// rules.
    pub(super) fn retract_statements(
        &self,
        statements: Vec<Statement>,
        program: &mut Program,
        imported: &mut [ImportedRows],
        retraction: &mut Retraction,
    ) -> Result<(), Vec<Problem>> {
        let problem = |e: RetractError| Problem::new(e, &self.sources);
        let mut problems = Vec::new();
        for statement in statements {
            match statement {
                Statement::Rule(rule, when) => match ground_fact(&rule) {
                    Some(fact) => {
                        let when = when.as_deref();
                        if remove_given(&fact, when, program, imported, &mut Undo::default()) {
                            retraction.facts.push(fact);
                        } else {
                            problems.push(problem(self.not_given(fact, when, rule.span)));
                        }
                    }
                    None => {
                        let text = rule.to_string();
                        let before = program.rules.len();
                        program.rules.retain(|r| r.to_string() != text);
                        if program.rules.len() == before {
                            problems.push(problem(RetractError::NoSuchRule { span: rule.span }));
                        } else {
                            retraction.heads.push(rule.head.predicate.text.to_string());
                        }
                    }
                },
                other => {
                    problems.push(problem(RetractError::NotRetractable { span: other.span() }))
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// The error for retracting a fact that is not given (with that
    /// validity, if one is named).
    pub(super) fn not_given(&self, fact: Fact, when: Option<&When>, span: Span) -> RetractError {
        if let Some(when) = when {
            return RetractError::NotGiven {
                fact: format!("{fact} {}", When::words(when.from, when.to)),
                derived: false,
                span,
                help: "name the validity as the program states it, or none to retract every statement of the fact".to_string(),
            };
        }
        let derived = self
            .model
            .read()
            .as_ref()
            .is_some_and(|m| holds(m.facts(), &fact));
        let help = if derived {
            format!("`{fact}` follows from other facts: retract one of its premises (its explanation shows them) or the rule that concludes it")
        } else {
            "only facts written in the program or imported from its data can be retracted"
                .to_string()
        };
        RetractError::NotGiven {
            fact: fact.to_string(),
            derived,
            span,
            help,
        }
    }
}

/// Removes every statement and imported row that gives `fact` (with
/// validity `when`, if named; else whatever their validity), noting each
/// in `undo`; false when there was none.
pub(super) fn remove_given(
    fact: &Fact,
    when: Option<&When>,
    program: &mut Program,
    imported: &mut [ImportedRows],
    undo: &mut Undo,
) -> bool {
    let before = undo.facts.len() + undo.rows.len();
    let validity = &program.validity;
    let same_validity = |span: Span| {
        when.is_none_or(|w| (validity.get(&span)).is_some_and(|v| (v.from, v.to) == (w.from, w.to)))
    };
    let stated = undo.facts.len();
    (program.facts).remove(&fact.predicate, &fact.args, same_validity, &mut undo.facts);
    for _ in stated..undo.facts.len() {
        undo.stated.push(fact.predicate.as_str().into());
    }
    for (k, rows) in imported.iter_mut().enumerate() {
        if program.imports[rows.import].import.predicate.text.as_ref() != fact.predicate {
            continue;
        }
        let mut j = 0;
        while j < rows.rows.len() {
            let same_validity = || {
                when.is_none_or(|w| {
                    let row = rows.intervals.get(j).copied().unwrap_or(Interval::ALWAYS);
                    Interval::new(w.from, w.to) == Some(row)
                })
            };
            if rows.rows[j] == fact.args && same_validity() {
                // Rows, lines and (with a validity) intervals stay in step.
                let interval = (j < rows.intervals.len()).then(|| rows.intervals.remove(j));
                undo.rows.push(RemovedRow {
                    import: k,
                    at: j,
                    values: rows.rows.remove(j),
                    line: rows.lines.remove(j),
                    interval,
                });
            } else {
                j += 1;
            }
        }
    }
    undo.facts.len() + undo.rows.len() > before
}

/// What the retraction texts took out of the program.
#[derive(Default)]
pub(super) struct Retraction {
    /// Given facts retracted.
    pub(super) facts: Vec<Fact>,
    /// Head predicates of rules retracted.
    pub(super) heads: Vec<String>,
}

/// Does `fact` hold in the model?
pub(super) fn holds(db: &Database, fact: &Fact) -> bool {
    let Some(p) = db.pred(&fact.predicate) else {
        return false;
    };
    let row: Option<Vec<_>> = fact.args.iter().map(|v| db.names().get(v)).collect();
    row.is_some_and(|row| db.find(p, &row).is_some())
}

/// The fact a bodiless rule with a ground head states.
pub(super) fn ground_fact(rule: &Rule) -> Option<Fact> {
    rule.is_fact().then(|| ground(&rule.head)).flatten()
}

/// The fact an atom states, when it has no variables.
pub(super) fn ground(atom: &ast::Atom) -> Option<Fact> {
    let args = atom
        .args
        .iter()
        .map(|t| match t {
            Term::Const(v, _) => Some(v.clone()),
            _ => None,
        })
        .collect::<Option<Vec<Value>>>()?;
    Some(Fact {
        predicate: atom.predicate.text.to_string(),
        args,
    })
}
