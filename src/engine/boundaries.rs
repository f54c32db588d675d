//! Why an answer's intervals begin and end (`entente timeline --explain`,
//! SPEC §10).
//!
//! The model changes only where a given fact starts or ends, so every
//! boundary of an answer's validity is one of those points, and its cause
//! is among the given facts that start or end there. The answer's proof
//! just inside the interval names the relevant ones: a given premise that
//! starts at the interval's first point opens it (one that ends at its
//! last point closes it); a negated premise that held just before the
//! interval opens it when the given facts behind it end (that held just
//! after, closes it when they start); an aggregate opens or closes with a
//! fact it ranges over. When no premise names a cause (an aggregate whose
//! value changed because a fact left its range), the causes are the given
//! facts of the predicates the answer depends on that start or end there.

use std::collections::{BTreeSet, HashSet};

use super::ask::words;
use super::time::matching_facts;
use super::Engine;
use crate::ast::{Literal, Query, Term};
use crate::error::{Error, Problem};
use crate::eval::Timeline;
use crate::eval::{Answers, Config};
use crate::explain::{Justification, Proof};
use crate::fact::Fact;
use crate::source::{Sources, Span};
use crate::time::{Time, NEVER_AFTER, NEVER_BEFORE};
use crate::value::Value;

/// A given fact that starts or ends at a boundary.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cause {
    /// The fact.
    pub fact: Fact,
    /// True when it starts to hold there, false when it stops.
    pub starts: bool,
}

/// Why one interval of an answer begins and ends.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Boundaries {
    /// What makes it begin (nothing when it has no start).
    pub opened_by: Vec<Cause>,
    /// What makes it end (nothing when it has no end).
    pub closed_by: Vec<Cause>,
}

/// The answers of a goal over time, for each answer each interval's
/// boundaries explained, and the warnings about the goal.
pub type ExplainedTimeline = (Answers, Vec<Vec<Boundaries>>, Vec<Problem>);

impl Engine {
    /// [`Engine::timeline`] with, for each answer, each of its intervals'
    /// boundaries explained: the given facts whose start or end opens or
    /// closes it.
    pub fn timeline_explained(&self, goal: &str) -> Result<ExplainedTimeline, Error> {
        self.timeline_explained_with(goal, &self.settings)
    }

    /// [`Engine::timeline_explained`] within the budgets of `config`.
    pub fn timeline_explained_with(
        &self,
        goal: &str,
        config: &Config,
    ) -> Result<ExplainedTimeline, Error> {
        let (query, sources) = self.parse_goal("<goal>", goal)?;
        let warnings = self.check_goal(&query, &sources)?;
        let answers = self.answers_over_time(&[&query], config)?.remove(0);
        let timeline = self.compute_timeline(config)?;
        // Proofs keep to the budgets, naming the goal if they stop.
        let within = (config, (words(&query), &sources));
        let mut all = Vec::with_capacity(answers.rows.len());
        for (i, row) in answers.rows.iter().enumerate() {
            let (facts, negated) = answer_facts(&query, &answers.variables, row);
            let mut per_interval = Vec::new();
            for interval in answers.validity(i).unwrap_or_default().intervals() {
                let mut b = Boundaries::default();
                if interval.from != NEVER_BEFORE {
                    b.opened_by =
                        self.causes(&facts, &negated, interval.from, true, &timeline, within)?;
                }
                if interval.to != NEVER_AFTER {
                    b.closed_by =
                        self.causes(&facts, &negated, interval.to, false, &timeline, within)?;
                }
                per_interval.push(b);
            }
            all.push(per_interval);
        }
        Ok((answers, all, warnings))
    }

    /// The given facts whose start (at `t`, `opening`) or end (after `t`)
    /// makes `facts` begin or stop holding there, with the atoms
    /// `negated` absent.
    fn causes(
        &self,
        facts: &[Fact],
        negated: &[String],
        t: Time,
        opening: bool,
        timeline: &Timeline,
        (config, goal): (&Config, (Span, &Sources)),
    ) -> Result<Vec<Cause>, Error> {
        let mut causes = BTreeSet::new();
        let proofs = self.proofs_at(t, facts, config, goal)?;
        let mut negated = negated.to_vec();
        for proof in &proofs {
            walk(proof, t, opening, timeline, &mut causes, &mut negated);
        }
        // A negated premise that held on the other side of the boundary
        // stopped (or started) holding there: the causes are behind it,
        // in its proof there.
        let beyond = if opening { t - 1 } else { t + 1 };
        let behind: Vec<Fact> = (negated.iter())
            .flat_map(|pattern| matching_facts(timeline, pattern))
            .filter(|(_, validity)| validity.contains(beyond) && !validity.contains(t))
            .map(|(fact, _)| fact)
            .collect();
        if !behind.is_empty() {
            for proof in &self.proofs_at(beyond, &behind, config, goal)? {
                walk(
                    proof,
                    beyond,
                    !opening,
                    timeline,
                    &mut causes,
                    &mut Vec::new(),
                );
            }
        }
        if causes.is_empty() {
            let mut named: Vec<&str> = facts.iter().map(|f| f.predicate.as_str()).collect();
            named.extend(negated.iter().map(|p| p.split('(').next().unwrap_or(p)));
            causes.extend(self.events_upstream(&named, t, opening, timeline));
        }
        Ok(causes.into_iter().collect())
    }

    /// The given facts that start at `t` (`opening`) or end at `t`, of
    /// the predicates `named` and those they depend on.
    fn events_upstream(
        &self,
        named: &[&str],
        t: Time,
        opening: bool,
        timeline: &Timeline,
    ) -> Vec<Cause> {
        let mut upstream: HashSet<&str> = named.iter().copied().collect();
        loop {
            let before = upstream.len();
            for rule in self.program.rules.iter().filter(|r| !r.is_fact()) {
                if upstream.contains(&*rule.head.predicate.text) {
                    crate::ast::for_each_atom(&rule.body, &mut |a, _| {
                        upstream.insert(&a.predicate.text);
                    });
                }
            }
            if upstream.len() == before {
                break;
            }
        }
        let mut causes = Vec::new();
        let _ = timeline.for_each_fact(false, |name, row, validity| {
            let fact = Fact {
                predicate: name.to_string(),
                args: row.to_vec(),
            };
            let edge = validity.intervals().iter().any(|i| {
                if opening {
                    i.from == t || i.to == t - 1
                } else {
                    i.to == t || i.from == t + 1
                }
            });
            if upstream.contains(name) && edge && timeline_given(timeline, &fact) {
                let starts = validity.contains(if opening { t } else { t + 1 });
                causes.push(Cause { fact, starts });
            }
            Ok::<(), ()>(())
        });
        causes
    }
}

/// The causes a proof at `t` names: given premises and facts ranged
/// over that start at `t` (opening) or end at `t` (closing); the
/// negated premises go to `negated`.
fn walk(
    proof: &Proof,
    t: Time,
    opening: bool,
    timeline: &Timeline,
    causes: &mut BTreeSet<Cause>,
    negated: &mut Vec<String>,
) {
    match &proof.justification {
        Justification::Given(_) => {
            if bounded_at(timeline, &proof.fact, t, opening) {
                causes.insert(Cause {
                    fact: proof.fact.clone(),
                    starts: opening,
                });
            }
        }
        Justification::Derived(d) => {
            for premise in &d.premises {
                walk(premise, t, opening, timeline, causes, negated);
            }
            negated.extend(d.absent.iter().cloned());
            for fact in d.aggregates.iter().flat_map(|a| &a.facts) {
                if timeline_given(timeline, fact) && bounded_at(timeline, fact, t, opening) {
                    causes.insert(Cause {
                        fact: fact.clone(),
                        starts: opening,
                    });
                }
            }
        }
        Justification::Truncated => {}
    }
}

/// Does `fact`'s validity start at `t` (`opening`) or end at `t`?
fn bounded_at(timeline: &Timeline, fact: &Fact, t: Time, opening: bool) -> bool {
    super::time::fact_validity(timeline, fact)
        .intervals()
        .iter()
        .any(|i| if opening { i.from == t } else { i.to == t })
}

/// Is `fact` given (stated or imported) at some time?
fn timeline_given(timeline: &Timeline, fact: &Fact) -> bool {
    timeline
        .ids_of(&fact.predicate, &fact.args)
        .is_some_and(|(pred, row)| timeline.is_given(pred, &row))
}

/// The facts an answer stands for: the goal's positive atoms with the
/// answer's values in place of its variables (those left with a `_` or a
/// variable the answer does not show are left out); and its negated atoms
/// so written, `_` for what the answer does not bind.
fn answer_facts(query: &Query, variables: &[String], row: &[Value]) -> (Vec<Fact>, Vec<String>) {
    let value_of = |name: &str| {
        variables
            .iter()
            .position(|v| v == name)
            .map(|i| row[i].clone())
    };
    let args = |atom: &crate::ast::Atom| -> Vec<Option<Value>> {
        atom.args
            .iter()
            .map(|t| match t {
                Term::Const(c, _) => Some(c.clone()),
                Term::Var(v) => value_of(&v.name),
                Term::Wildcard(_) => None,
            })
            .collect()
    };
    let mut facts = Vec::new();
    let mut negated = Vec::new();
    for literal in &query.body {
        match literal {
            Literal::Positive(atom) => {
                if let Some(args) = args(atom).into_iter().collect::<Option<Vec<Value>>>() {
                    facts.push(Fact {
                        predicate: atom.predicate.text.to_string(),
                        args,
                    });
                }
            }
            Literal::Negative(atom) => {
                let shown: Vec<String> = args(atom)
                    .into_iter()
                    .map(|v| v.map_or_else(|| "_".to_string(), |v| v.to_string()))
                    .collect();
                negated.push(if shown.is_empty() {
                    atom.predicate.text.to_string()
                } else {
                    format!("{}({})", atom.predicate.text, shown.join(", "))
                });
            }
            _ => {}
        }
    }
    (facts, negated)
}
