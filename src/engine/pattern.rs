//! Goals and facts built from Rust values, checked rather than formatted
//! and parsed, and what the engine can say about its predicates, for
//! embedders who would rather not write source text.
//!
//! A goal or fact built here is still written out as text (its
//! diagnostics, and the proofs that cite an added fact, point into it),
//! but its syntax tree is built beside the text, from the values
//! themselves.

use std::fmt;
use std::sync::Arc;

use super::Engine;
use crate::ast::{Atom, Literal, Name, Query, Rule, Term, Var};
use crate::convert::{check_predicate, check_value, is_variable, value_error, IntoArgs};
use crate::error::{Error, Problem, ValueError};
use crate::eval::{Answers, Config};
use crate::fact::Fact;
use crate::source::{Sources, Span};
use crate::value::Value;

/// One argument of a [`Pattern`].
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    /// A constant.
    Value(Value),
    /// A variable to bind: a name that starts with an upper-case letter,
    /// or with `_` and a letter or digit.
    Var(String),
    /// `_`: anything.
    Any,
}

impl Arg {
    /// A constant argument (for `f64` and `u64`, which may have no
    /// constant, convert with `Value::try_from` first).
    pub fn value(v: impl Into<Value>) -> Arg {
        Arg::Value(v.into())
    }

    /// A variable argument; [`Pattern::new`] checks that `name` is one.
    pub fn var(name: &str) -> Arg {
        Arg::Var(name.to_string())
    }
}

/// A goal of one atom built from Rust values:
/// `Pattern::new("supports", [Arg::value("turkey"), Arg::var("Who")])?` is
/// `supports(turkey, Who)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    /// The predicate.
    pub predicate: String,
    /// The arguments.
    pub args: Vec<Arg>,
}

impl Pattern {
    /// A pattern from a predicate and its arguments; an `entente::value`
    /// error when the predicate or a variable is no name the language
    /// can write, or a decimal is not finite.
    ///
    /// ```
    /// use entente::{Arg, ErrorKind, Pattern};
    ///
    /// assert!(Pattern::new("ally", [Arg::value("turkey"), Arg::var("Who")]).is_ok());
    /// let error = Pattern::new("ally", [Arg::var("who")]).unwrap_err();
    /// assert_eq!(error.kind(), ErrorKind::Value);
    /// assert_eq!(error.to_string(), "`who` is not a variable name");
    /// ```
    pub fn new(predicate: &str, args: impl IntoIterator<Item = Arg>) -> Result<Pattern, Error> {
        let pattern = Pattern {
            predicate: predicate.to_string(),
            args: args.into_iter().collect(),
        };
        pattern.check()?;
        Ok(pattern)
    }

    /// The error of the first thing in the pattern that is not a term.
    fn check(&self) -> Result<(), Error> {
        check_predicate(&self.predicate)?;
        for arg in &self.args {
            match arg {
                Arg::Value(v) => check_value(v)?,
                Arg::Var(name) if !is_variable(name) => {
                    let owned = name.clone();
                    return Err(value_error(name.clone(), |span| ValueError::NotVariable {
                        name: owned,
                        span,
                    }));
                }
                Arg::Var(_) | Arg::Any => {}
            }
        }
        Ok(())
    }
}

impl fmt::Display for Pattern {
    /// The goal as source text, constants in canonical form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&write_atom(&self.predicate, &self.args, 0).0)
    }
}

impl Fact {
    /// A fact from Rust values, checked: `Fact::new("treaty", ["armenia",
    /// "russia"])?`, or with values of mixed types as a tuple,
    /// `Fact::new("treaty", ("armenia", "russia", 1997))?`. An
    /// `entente::value` error when the predicate is no name the language
    /// can write or a value has no constant (see [`crate::IntoValue`]).
    ///
    /// ```
    /// use entente::{ErrorKind, Fact};
    ///
    /// let fact = Fact::new("treaty", ("armenia", "russia", 1997))?;
    /// assert_eq!(fact.to_string(), "treaty(armenia, russia, 1997)");
    /// assert_eq!(Fact::new("Supports", ["a"]).unwrap_err().kind(), ErrorKind::Value);
    /// assert_eq!(Fact::new("p", [f64::NAN]).unwrap_err().kind(), ErrorKind::Value);
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn new(predicate: &str, args: impl IntoArgs) -> Result<Fact, Error> {
        let fact = Fact {
            predicate: predicate.to_string(),
            args: args.into_args()?,
        };
        fact.check()?;
        Ok(fact)
    }

    /// The error of the first thing in the fact that is not a term (its
    /// fields are public, so a fact may be built without [`Fact::new`]).
    pub(crate) fn check(&self) -> Result<(), Error> {
        check_predicate(&self.predicate)?;
        self.args.iter().try_for_each(check_value)
    }
}

/// An atom written out: its text, and its syntax tree with spans from
/// `base` (so that the text, added to the sources at `base`, is what the
/// spans point into).
pub(super) fn write_atom(predicate: &str, args: &[Arg], base: usize) -> (String, Atom) {
    let mut text = predicate.to_string();
    let name = Name {
        text: Arc::from(predicate),
        span: Span::new(base, base + predicate.len()),
    };
    let mut terms = Vec::with_capacity(args.len());
    for (i, arg) in args.iter().enumerate() {
        text.push_str(if i == 0 { "(" } else { ", " });
        let start = base + text.len();
        match arg {
            Arg::Value(v) => text.push_str(&v.to_string()),
            Arg::Var(name) => text.push_str(name),
            Arg::Any => text.push('_'),
        }
        let span = Span::new(start, base + text.len());
        terms.push(match arg {
            Arg::Value(v) => Term::Const(v.clone(), span),
            Arg::Var(name) => Term::Var(Var {
                name: name.clone(),
                span,
            }),
            Arg::Any => Term::Wildcard(span),
        });
    }
    if !args.is_empty() {
        text.push(')');
    }
    let atom = Atom {
        predicate: name,
        args: terms,
        span: Span::new(base, base + text.len()),
    };
    (text, atom)
}

/// Facts as statements, one a line, in canonical form, with the rules
/// that state them (spans from `base`).
pub(super) fn write_facts(facts: &[Fact], base: usize) -> (String, Vec<Rule>) {
    let mut text = String::new();
    let mut rules = Vec::with_capacity(facts.len());
    let mut args = Vec::new();
    for fact in facts {
        args.clear();
        args.extend(fact.args.iter().cloned().map(Arg::Value));
        let (written, head) = write_atom(&fact.predicate, &args, base + text.len());
        text.push_str(&written);
        text.push_str(".\n");
        let span = Span::new(head.span.start, head.span.end + 1);
        rules.push(Rule {
            head,
            body: Vec::new(),
            span,
        });
    }
    (text, rules)
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
    /// Answers a goal built from Rust values (see [`Pattern`]); the
    /// program must have been run.
    ///
    /// ```
    /// use entente::{Arg, Engine, Pattern};
    ///
    /// let mut engine = Engine::new();
    /// engine.load_source("kb.rules", "ally(armenia, russia). ally(Y, X) if ally(X, Y).")?;
    /// engine.run()?;
    /// let goal = Pattern::new("ally", [Arg::value("russia"), Arg::var("Who")])?;
    /// let (answers, _warnings) = engine.query_pattern(&goal)?;
    /// assert_eq!(answers.rows[0][0].as_str(), Some("armenia"));
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn query_pattern(&self, pattern: &Pattern) -> Result<(Answers, Vec<Problem>), Error> {
        self.query_pattern_with(pattern, &self.settings)
    }

    /// [`Engine::query_pattern`] with the budgets and time point of
    /// `config`.
    pub fn query_pattern_with(
        &self,
        pattern: &Pattern,
        config: &Config,
    ) -> Result<(Answers, Vec<Problem>), Error> {
        pattern.check()?;
        let (query, sources) = self.pattern_query(pattern);
        let warnings = self.check_goal(&query, &sources)?;
        let answers = self.answer(&query, &sources, config)?;
        Ok((answers, warnings))
    }

    /// A pattern as a query, with the sources its diagnostics point into
    /// (the pattern's text as a scratch).
    pub(super) fn pattern_query(&self, pattern: &Pattern) -> (Query, Sources) {
        let text = pattern.to_string();
        let (sources, span) = self.sources.with_scratch("<pattern>", text);
        let (_, atom) = write_atom(&pattern.predicate, &pattern.args, span.start);
        let query = Query {
            body: vec![Literal::Positive(atom)],
            at: None,
            span,
        };
        (query, sources)
    }

    /// Every predicate of the program, sorted by name.
    pub fn predicates(&self) -> Vec<PredicateInfo> {
        // From the vocabulary: the program's predicates without a walk
        // over its statements.
        let mut found: Vec<PredicateInfo> = (self.vocabulary.stated())
            .map(|(name, arity)| PredicateInfo {
                name: name.to_string(),
                arity,
                facts: None,
                derived: None,
            })
            .collect();
        if let Some(timeline) = self.timeline.read().as_ref() {
            for info in &mut found {
                if let Some(p) = timeline.db.pred(&info.name) {
                    info.facts = Some(timeline.facts(p, false).len());
                    info.derived = Some(timeline.facts(p, true).len());
                }
            }
        } else if let Some(db) = self.model.read().as_ref().map(|m| m.facts()) {
            for info in &mut found {
                if let Some(p) = db.pred(&info.name) {
                    let facts = db.live_len(p) as usize;
                    info.facts = Some(facts);
                    info.derived = Some(facts - db.given_len(p));
                }
            }
        }
        found.sort_by(|a, b| a.name.cmp(&b.name));
        found
    }
}
