//! Panels (SPEC §14): a goal's answers at every time point of a range,
//! one row per answer and point, as the unit-year data statistics
//! packages read. Where coverage leaves part of the goal unknown, the
//! variables only that part binds are empty, never zeros.
//!
//! The range is cut where some source's coverage starts or ends; in each
//! stretch the goal's literals that read an uncertain predicate are set
//! aside, the rest is answered over time (with when each answer holds),
//! and the answers are kept with the variables the set-aside literals
//! alone bind left empty. The rows are then walked time point by time
//! point, each point's answers in order, so that a panel of any length
//! is written while holding one entry per distinct answer, not per row.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::Engine;
use crate::ast::{for_each_atom, Literal, Occurrence, Query};
use crate::error::{Error, Problem};
use crate::eval::Config;
use crate::time::{Interval, Time, Validity};
use crate::value::Value;

/// A goal's answers at every time point from `from` to `to`.
#[derive(Clone, Debug, PartialEq)]
pub struct Panel {
    /// The goal's named variables, in order of first appearance.
    pub variables: Vec<String>,
    /// Each distinct row, in SPEC §2's order (an empty field after every
    /// value): a value per variable, `None` where coverage leaves it
    /// unknown.
    pub rows: Vec<Vec<Option<Value>>>,
    /// When each row holds, inside the range.
    pub validities: Vec<Validity>,
    /// The first time point.
    pub from: Time,
    /// The last time point.
    pub to: Time,
}

impl Engine {
    /// The answers to `goal` at every time point from `from` to `to`
    /// (`entente panel`). The program must have been run.
    ///
    /// ```
    /// use entente::Engine;
    ///
    /// let mut engine = Engine::new();
    /// engine.load_source("kb.rules", "member(armenia, csto) from 1994 to 1996.")?;
    /// engine.run()?;
    /// let (panel, _) = engine.panel("member(S, A)", 1995, 1997)?;
    /// let rows: Vec<_> = panel.points().map(|(t, row)| (t, row[0].clone())).collect();
    /// assert_eq!(rows.len(), 2);
    /// assert_eq!(rows[1].0, 1996);
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn panel(&self, goal: &str, from: Time, to: Time) -> Result<(Panel, Vec<Problem>), Error> {
        self.panel_with(goal, from, to, &self.settings)
    }

    /// [`Engine::panel`] within the budgets of `config` (its time point
    /// is not used: a panel is of every point of its range).
    pub fn panel_with(
        &self,
        goal: &str,
        from: Time,
        to: Time,
        config: &Config,
    ) -> Result<(Panel, Vec<Problem>), Error> {
        let (query, sources) = self.parse_goal("<goal>", goal)?;
        let warnings = self.check_goal(&query, &sources)?;
        let config = Config {
            at: None,
            ..config.clone()
        };
        let variables = super::time::answer_variables(&query);
        let mut rows: BTreeMap<RowKey, Validity> = BTreeMap::new();
        if let Some(range) = Interval::new(from, to) {
            // Each stretch's known literals; each distinct set is asked
            // once, and all of them in one sweep over time.
            let stretches: Vec<(Interval, Vec<usize>)> = (self.stretches_within(range).into_iter())
                .map(|(stretch, uncertain)| {
                    let known: Vec<usize> = (0..query.body.len())
                        .filter(|&i| is_known(&query.body[i], &uncertain))
                        .collect();
                    (stretch, bound_only(&query.body, known))
                })
                .collect();
            let mut parts: Vec<Vec<usize>> = stretches.iter().map(|(_, k)| k.clone()).collect();
            parts.sort();
            parts.dedup();
            parts.retain(|k| !k.is_empty());
            let queries: Vec<Query> = (parts.iter())
                .map(|known| Query {
                    body: known.iter().map(|&i| query.body[i].clone()).collect(),
                    at: None,
                    span: query.span,
                })
                .collect();
            // Nothing a part reads is uncertain in its stretches: the
            // model's answers are the certain ones there.
            // Over time, the parts are swept afresh (the sweep reads no
            // model): a panel needs no run before it.
            let answered = if self.is_temporal() {
                self.answers_over_time(&queries.iter().collect::<Vec<_>>(), &config)?
            } else {
                (queries.iter())
                    .map(|q| self.answer_in_model(q, &sources, &config))
                    .collect::<Result<_, _>>()?
            };
            let mut asked: HashMap<Vec<usize>, crate::answers::Answers> =
                parts.into_iter().zip(answered).collect();
            asked.insert(
                Vec::new(),
                crate::answers::Answers {
                    variables: Vec::new(),
                    rows: vec![Vec::new()],
                    validities: Vec::new(),
                    unknown: None,
                },
            );
            // The whole goal, told from "nothing known" (which is empty).
            let all: Vec<usize> = vec![usize::MAX];
            for (stretch, known) in stretches {
                // Where nothing of the goal is known, its certain answers
                // (those that hold whatever the uncovered facts are) come
                // too, beside the row of empty fields.
                if known.is_empty() && !asked.contains_key(&all) {
                    let certain = self.answer(&query, &sources, &config)?;
                    asked.insert(all.clone(), certain);
                }
                let parts = if known.is_empty() {
                    vec![&known, &all]
                } else {
                    vec![&known]
                };
                for part in parts {
                    let answers = &asked[part];
                    let at: Vec<Option<usize>> = (variables.iter())
                        .map(|v| answers.variables.iter().position(|a| a == v))
                        .collect();
                    for (i, values) in answers.rows.iter().enumerate() {
                        let held = answers.validity(i).unwrap_or_default().within(stretch);
                        if held.is_never() {
                            continue;
                        }
                        let row: Vec<Option<Value>> =
                            at.iter().map(|p| p.map(|p| values[p].clone())).collect();
                        let entry = rows.entry(RowKey(row)).or_insert_with(Validity::never);
                        for interval in held.intervals() {
                            entry.add(*interval);
                        }
                    }
                }
            }
        }
        let (rows, validities) = rows.into_iter().map(|(k, v)| (k.0, v)).unzip();
        Ok((
            Panel {
                variables,
                rows,
                validities,
                from,
                to,
            },
            warnings,
        ))
    }
}

/// A row, ordered by SPEC §2's order with an empty field after every
/// value.
#[derive(Clone, Debug, PartialEq, Eq)]
struct RowKey(Vec<Option<Value>>);

impl Ord for RowKey {
    fn cmp(&self, other: &RowKey) -> std::cmp::Ordering {
        for (a, b) in self.0.iter().zip(&other.0) {
            let order = match (a, b) {
                (Some(a), Some(b)) => a.total_cmp(b),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            };
            if order.is_ne() {
                return order;
            }
        }
        std::cmp::Ordering::Equal
    }
}

impl PartialOrd for RowKey {
    fn partial_cmp(&self, other: &RowKey) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Does the literal read no uncertain predicate?
fn is_known(literal: &Literal, uncertain: &HashSet<String>) -> bool {
    let mut known = true;
    for_each_atom(std::slice::from_ref(literal), &mut |a, _: Occurrence| {
        known &= !uncertain.contains(&*a.predicate.text);
    });
    known
}

/// The known literals whose variables are bound without the others: a
/// comparison or assignment over a variable only an unknown literal
/// binds is unknown too (and so is what it assigns).
fn bound_only(body: &[Literal], mut known: Vec<usize>) -> Vec<usize> {
    loop {
        let mut bound: HashSet<&str> = HashSet::new();
        for &i in &known {
            match &body[i] {
                Literal::Positive(a) => {
                    for t in &a.args {
                        if let crate::ast::Term::Var(v) = t {
                            bound.insert(&v.name);
                        }
                    }
                }
                Literal::Aggregate(agg) => {
                    bound.insert(&agg.result.name);
                }
                _ => {}
            }
        }
        // An assignment binds its variable when the rest is bound.
        for &i in &known {
            if let Literal::Compare(c) = &body[i] {
                if let Some(v) = c.left.as_var() {
                    bound.insert(&v.name);
                }
            }
        }
        let before = known.len();
        known.retain(|&i| {
            let mut all = true;
            match &body[i] {
                Literal::Compare(c) => {
                    let mut on = |t: &crate::ast::Term| {
                        if let crate::ast::Term::Var(v) = t {
                            all &= bound.contains(v.name.as_str());
                        }
                    };
                    c.right.for_each_term(&mut on);
                    if c.left.as_var().is_none() {
                        c.left.for_each_term(&mut on);
                    }
                }
                Literal::Negative(a) => {
                    for t in &a.args {
                        if let crate::ast::Term::Var(v) = t {
                            all &= bound.contains(v.name.as_str());
                        }
                    }
                }
                // Its groups must be bound outside it.
                Literal::Aggregate(agg) => {
                    all = crate::ast::group_variables(agg, body)
                        .iter()
                        .all(|v| bound.contains(v));
                }
                Literal::Positive(_) => {}
            }
            all
        });
        if known.len() == before {
            return known;
        }
    }
}

impl Panel {
    /// Every row of the panel, time point by time point, each point's
    /// rows in order: `(t, values)`. Holds one entry per distinct row.
    pub fn points(&self) -> impl Iterator<Item = (Time, &[Option<Value>])> + '_ {
        self.point_rows().map(|(t, i)| (t, self.rows[i].as_slice()))
    }

    /// [`Panel::points`] with each row as its place in [`Panel::rows`].
    pub fn point_rows(&self) -> Points<'_> {
        let mut events: Vec<(Time, bool, usize)> = Vec::new();
        for (i, v) in self.validities.iter().enumerate() {
            for interval in v.intervals() {
                events.push((interval.from.max(self.from), true, i));
                if interval.to < self.to {
                    events.push((interval.to + 1, false, i));
                }
            }
        }
        events.sort_unstable_by_key(|&(t, starts, i)| (t, !starts, i));
        Points {
            panel: self,
            events,
            next_event: 0,
            active: BTreeSet::new(),
            current: Vec::new(),
            t: self.from,
            k: 0,
            started: false,
        }
    }

    /// How many rows the panel has (time points times answers).
    pub fn len(&self) -> usize {
        (self.validities.iter())
            .flat_map(|v| v.intervals())
            .map(|i| (i.to.min(self.to) - i.from.max(self.from) + 1).max(0) as usize)
            .sum()
    }

    /// True when no answer holds at any point of the range.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The rows of a [`Panel`], point by point ([`Panel::points`]).
pub struct Points<'p> {
    panel: &'p Panel,
    events: Vec<(Time, bool, usize)>,
    next_event: usize,
    active: BTreeSet<usize>,
    current: Vec<usize>,
    t: Time,
    k: usize,
    started: bool,
}

impl Iterator for Points<'_> {
    type Item = (Time, usize);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.started && self.k < self.current.len() {
                let row = self.current[self.k];
                self.k += 1;
                return Some((self.t, row));
            }
            // The next point: the one after, or the next event's when
            // nothing holds.
            if self.started {
                if self.t >= self.panel.to {
                    return None;
                }
                self.t += 1;
            }
            self.started = true;
            if self.active.is_empty() {
                let next = self.events.get(self.next_event)?.0;
                self.t = self.t.max(next);
            }
            if self.t > self.panel.to {
                return None;
            }
            let mut changed = false;
            while let Some(&(at, starts, i)) = self.events.get(self.next_event) {
                if at > self.t {
                    break;
                }
                if starts {
                    self.active.insert(i);
                } else {
                    self.active.remove(&i);
                }
                self.next_event += 1;
                changed = true;
            }
            if changed {
                self.current = self.active.iter().copied().collect();
            }
            self.k = 0;
        }
    }
}
