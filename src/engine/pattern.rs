//! Goals built from Rust values, and what the engine can say about its
//! predicates, for embedders who would rather not write source text.

use std::fmt;

use super::Engine;
use crate::error::{Error, Problem};
use crate::eval::{Answers, Config};
use crate::value::Value;

/// One argument of a [`Pattern`].
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    /// A constant.
    Value(Value),
    /// A variable to bind (a name starting with an upper-case letter).
    Var(String),
    /// `_`: anything.
    Any,
}

impl Arg {
    /// A constant argument.
    pub fn value(v: impl Into<Value>) -> Arg {
        Arg::Value(v.into())
    }

    /// A variable argument.
    pub fn var(name: &str) -> Arg {
        Arg::Var(name.to_string())
    }
}

/// A goal of one atom built from Rust values:
/// `Pattern::new("supports", [Arg::value("turkey"), Arg::var("Who")])` is
/// `supports(turkey, Who)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    /// The predicate.
    pub predicate: String,
    /// The arguments.
    pub args: Vec<Arg>,
}

impl Pattern {
    /// A pattern from a predicate and its arguments.
    pub fn new(predicate: &str, args: impl IntoIterator<Item = Arg>) -> Pattern {
        Pattern {
            predicate: predicate.to_string(),
            args: args.into_iter().collect(),
        }
    }
}

impl fmt::Display for Pattern {
    /// The goal as source text, constants in canonical form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.predicate)?;
        if self.args.is_empty() {
            return Ok(());
        }
        let args: Vec<String> = self
            .args
            .iter()
            .map(|a| match a {
                Arg::Value(v) => v.to_string(),
                Arg::Var(name) => name.clone(),
                Arg::Any => "_".to_string(),
            })
            .collect();
        write!(f, "({})", args.join(", "))
    }
}

/// A predicate of the program, with its arity and, when the model is
/// current, its number of facts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PredicateInfo {
    /// The name.
    pub name: String,
    /// The number of arguments.
    pub arity: usize,
    /// Facts in the model (given and derived), when it is current.
    pub facts: Option<usize>,
    /// Of those, the derived ones.
    pub derived: Option<usize>,
}

impl Engine {
    /// Answers a goal built from Rust values (see [`Pattern`]).
    pub fn query_pattern(
        &mut self,
        pattern: &Pattern,
        config: Config,
    ) -> Result<(Answers, Vec<Problem>), Error> {
        self.query_named("<pattern>", &pattern.to_string(), config)
    }

    /// Every predicate of the program, sorted by name.
    pub fn predicates(&self) -> Vec<PredicateInfo> {
        let mut found: Vec<PredicateInfo> = Vec::new();
        let mut note = |name: &str, arity: usize| {
            if !found.iter().any(|p| p.name == name) {
                found.push(PredicateInfo {
                    name: name.to_string(),
                    arity,
                    facts: None,
                    derived: None,
                });
            }
        };
        for rule in &self.program.rules {
            note(&rule.head.predicate.text, rule.head.args.len());
            crate::ast::for_each_atom(&rule.body, &mut |a, _| {
                note(&a.predicate.text, a.args.len())
            });
        }
        for import in &self.program.imports {
            if let Some(arity) = import.arity() {
                note(&import.import.predicate.text, arity);
            }
        }
        if let Some(timeline) = &self.timeline {
            for info in &mut found {
                if let Some(p) = timeline.db.pred(&info.name) {
                    info.facts = Some(timeline.facts(p, false).len());
                    info.derived = Some(timeline.facts(p, true).len());
                }
            }
        } else if let Some(db) = &self.model {
            for info in &mut found {
                if let Some(p) = db.pred(&info.name) {
                    let facts = db.relations[p].live_len() as usize;
                    info.facts = Some(facts);
                    info.derived = Some(facts - db.given[p].len());
                }
            }
        }
        found.sort_by(|a, b| a.name.cmp(&b.name));
        found
    }
}
