//! Integrity constraints (SPEC §14): after evaluation, every instance of
//! a `never` body that holds is a violation, reported with the proofs of
//! its premises. A constraint is a query whose every answer is a
//! violation, so it is answered as queries are (over time too), and its
//! premises are explained as `explain` explains a fact.

use std::collections::{HashMap, HashSet};
use std::fmt;

use super::{Engine, Explanation, Update};
use crate::ast::{name_wildcards, Atom, Literal, Query, Term};
use crate::error::{Error, Problem, Violated};
use crate::eval::Config;
use crate::explain::{source_at, substitute_atom, Proof, Source};
use crate::fact::Fact;
use crate::json;
use crate::source::Sources;
use crate::time::Validity;
use crate::value::Value;

/// One instance of a constraint's body that holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    /// The constraint, where it is written.
    pub constraint: Source,
    /// Its variables' values (wildcards of positive atoms as `#1`, `#2`,
    /// ...), in order of appearance.
    pub bindings: Vec<(String, Value)>,
    /// When the instance holds, for a program that says when facts hold
    /// (asked over every time); `None` otherwise.
    pub validity: Option<Validity>,
    /// The proof of each positive premise, in body order.
    pub premises: Vec<Proof>,
    /// The negated premises, checked absent, with their values.
    pub absent: Vec<String>,
    /// The constraint's index in the program's constraints.
    pub index: usize,
}

impl Engine {
    /// Every violation of the program's constraints in the model, in the
    /// order of the constraints and then of their answers. The program
    /// must have been run ([`Engine::run`]).
    ///
    /// ```
    /// use entente::Engine;
    ///
    /// let mut engine = Engine::new();
    /// engine.load_source("kb.rules", "ally(a, b). at_war(a, b). never ally(X, Y) and at_war(X, Y).")?;
    /// engine.run()?;
    /// let violations = engine.violations()?;
    /// assert_eq!(violations.len(), 1);
    /// assert_eq!(violations[0].premises[0].fact.to_string(), "ally(a, b)");
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn violations(&self) -> Result<Vec<Violation>, Error> {
        self.violations_with(&self.settings)
    }

    /// [`Engine::violations`] within the budgets (and at the time point)
    /// of `config`.
    pub fn violations_with(&self, config: &Config) -> Result<Vec<Violation>, Error> {
        let mut violations = Vec::new();
        for (index, constraint) in self.program.constraints.iter().enumerate() {
            for instance in self.instances(constraint, &self.sources, config)? {
                violations.push(Violation {
                    constraint: source_at(&self.sources, constraint.span),
                    bindings: instance.bindings,
                    validity: (instance.validity).filter(|v| !v.is_always() || self.is_temporal()),
                    premises: instance.premises,
                    absent: instance.absent,
                    index,
                });
            }
        }
        Ok(violations)
    }

    /// Each answer of `query`'s body (its wildcards named, so that every
    /// premise is a fact), with the proof of each positive premise (over
    /// time, at a point where the answer holds) and its negated premises
    /// with their values: what a violation shows, and what `cite` reads
    /// the sources from.
    pub(super) fn instances(
        &self,
        query: &Query,
        sources: &Sources,
        config: &Config,
    ) -> Result<Vec<Instance>, Error> {
        let query = Query {
            body: name_wildcards(&query.body),
            ..query.clone()
        };
        let answers = self.answer(&query, sources, config)?;
        let mut instances = Vec::new();
        for (i, row) in answers.rows.iter().enumerate() {
            let bindings: Vec<(String, Value)> = (answers.variables.iter().cloned())
                .zip(row.iter().cloned())
                .collect();
            let values: HashMap<String, Value> = bindings.iter().cloned().collect();
            let validity = answers.validities.get(i).cloned();
            let at = match &validity {
                Some(v) if self.is_temporal() => Some(self.point_in(v, config)?),
                _ => config.at,
            };
            let config = Config {
                at,
                ..config.clone()
            };
            let mut premises = Vec::new();
            let mut absent = Vec::new();
            for literal in &query.body {
                match literal {
                    Literal::Positive(atom) => {
                        if let Some(proof) = self.premise(atom, &values, &config)? {
                            premises.push(proof);
                        }
                    }
                    Literal::Negative(atom) => absent.push(substitute_atom(atom, &values)),
                    _ => {}
                }
            }
            instances.push(Instance {
                bindings,
                validity,
                premises,
                absent,
            });
        }
        Ok(instances)
    }

    /// The violations as one error (`entente::violation`, a problem per
    /// violation), or `None` when there are none.
    pub fn violation_error(&self, violations: &[Violation]) -> Option<Error> {
        if violations.is_empty() {
            return None;
        }
        let problems = violations
            .iter()
            .map(|v| {
                let span = self.program.constraints[v.index].span;
                Problem::new(
                    Violated {
                        instance: v.instance(),
                        when: v
                            .validity
                            .as_ref()
                            .map(|w| format!(" ({w})"))
                            .unwrap_or_default(),
                        span,
                        because: v.because(),
                    },
                    &self.sources,
                )
            })
            .collect();
        Some(Error::new(problems))
    }

    /// What tells the violations of a model apart, before a change: the
    /// constraint's statement and the values (none without a current
    /// model or constraints).
    pub(super) fn violation_keys(&self, config: &Config) -> Result<HashSet<ViolationKey>, Error> {
        if !self.is_current() || self.program.constraints.is_empty() {
            return Ok(HashSet::new());
        }
        Ok(self
            .violations_with(config)?
            .iter()
            .map(Violation::key)
            .collect())
    }

    /// An error for the violations a change made that were not there
    /// `before` it (SPEC §14: such a change is refused); none when the
    /// model was not maintained (it is stale: nothing was evaluated).
    pub(super) fn refuse_new_violations(
        &self,
        update: &Update,
        before: &HashSet<ViolationKey>,
        config: &Config,
    ) -> Result<(), Error> {
        if update.stale {
            return Ok(());
        }
        match self.violation_error(&self.new_violations(before, config)?) {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// The violations of the model that were not there `before`.
    pub(super) fn new_violations(
        &self,
        before: &HashSet<ViolationKey>,
        config: &Config,
    ) -> Result<Vec<Violation>, Error> {
        if !self.is_current() || self.program.constraints.is_empty() {
            return Ok(Vec::new());
        }
        Ok((self.violations_with(config)?.into_iter())
            .filter(|v| !before.contains(&v.key()))
            .collect())
    }

    /// The proof of a positive premise with `values` put in.
    fn premise(
        &self,
        atom: &Atom,
        values: &HashMap<String, Value>,
        config: &Config,
    ) -> Result<Option<Proof>, Error> {
        let args: Option<Vec<Value>> = (atom.args.iter())
            .map(|t| match t {
                Term::Var(v) => values.get(&v.name).cloned(),
                Term::Const(c, _) => Some(c.clone()),
                Term::Wildcard(_) => None,
            })
            .collect();
        let Some(args) = args else {
            return Ok(None);
        };
        let fact = Fact {
            predicate: atom.predicate.text.to_string(),
            args,
        };
        let of_model = (config.at == self.model_at)
            .then(|| self.explain_in_model(&fact, None))
            .flatten();
        let explanation = match of_model {
            Some(explained) => explained.map_err(|e| Error::single(e, &self.sources))?,
            None => self.explain_with(&fact.to_string(), config)?.0,
        };
        Ok(match explanation {
            Explanation::Holds(proof) => Some(proof),
            Explanation::DoesNotHold(_) => None,
        })
    }
}

/// An answer of a body with its premises' proofs ([`Engine::instances`]).
pub(super) struct Instance {
    pub(super) bindings: Vec<(String, Value)>,
    pub(super) validity: Option<Validity>,
    pub(super) premises: Vec<Proof>,
    pub(super) absent: Vec<String>,
}

/// A violation told apart from others: its constraint's place and text,
/// and its values.
pub(super) type ViolationKey = (String, usize, String, Vec<(String, Value)>);

impl Violation {
    fn key(&self) -> ViolationKey {
        let c = &self.constraint;
        (
            c.file.clone(),
            c.line,
            c.text.clone(),
            self.bindings.clone(),
        )
    }

    /// The values of the constraint's named variables, as `entente
    /// query` prints an answer (`X = armenia, Y = azerbaijan`; empty for a
    /// constraint without variables).
    pub fn instance(&self) -> String {
        let shown: Vec<String> = (self.bindings.iter())
            .filter(|(name, _)| !name.starts_with('#'))
            .map(|(name, value)| format!("{name} = {value}"))
            .collect();
        shown.join(", ")
    }

    /// The proofs of the premises and the absent facts, as text.
    pub fn because(&self) -> String {
        let mut text = String::from("its premises hold:\n");
        for proof in &self.premises {
            text.push_str(&proof.to_string());
        }
        for absent in &self.absent {
            text.push_str(&format!("not {absent}: absent\n"));
        }
        text.truncate(text.trim_end().len());
        text
    }
}

impl Violation {
    /// `{"constraint": {"file", "line", "text"}, "bindings": {...},
    /// "validity": ... (over time), "premises": [proof nodes], "absent":
    /// [...]}`, the proofs as `explain --format json` prints them.
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\"constraint\": {\"file\": ");
        json::string(&mut out, &self.constraint.file).expect("a String takes any text");
        out.push_str(&format!(", \"line\": {}, \"text\": ", self.constraint.line));
        json::string(&mut out, &self.constraint.text).expect("a String takes any text");
        out.push_str("}, \"bindings\": {");
        for (i, (name, value)) in self.bindings.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            json::string(&mut out, name).expect("a String takes any text");
            out.push_str(": ");
            json::value(&mut out, value).expect("a String takes any text");
        }
        out.push('}');
        if let Some(v) = &self.validity {
            out.push_str(", \"validity\": ");
            json::validity(&mut out, v).expect("a String takes any text");
        }
        let premises: Vec<String> = self.premises.iter().map(Proof::to_json_node).collect();
        out.push_str(&format!(
            ", \"premises\": [{}], \"absent\": [",
            premises.join(", ")
        ));
        for (i, absent) in self.absent.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            json::string(&mut out, absent).expect("a String takes any text");
        }
        out.push_str("]}");
        out
    }
}

impl fmt::Display for Violation {
    /// As `entente what-if` reports a violation it would cause: the
    /// constraint, the values, and the premises' proofs indented below.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "! violates {}:{}: {}",
            self.constraint.file, self.constraint.line, self.constraint.text
        )?;
        match &self.validity {
            Some(v) if !v.is_always() => writeln!(f, " ({v})")?,
            _ => writeln!(f)?,
        }
        if !self.bindings.is_empty() {
            writeln!(f, "  with {}", self.instance())?;
        }
        for proof in &self.premises {
            write!(f, "{}", proof.display_at(1))?;
        }
        for absent in &self.absent {
            writeln!(f, "  not {absent}: absent")?;
        }
        Ok(())
    }
}
