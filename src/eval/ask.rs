//! Questions asked of an evaluated model that nobody changes while they
//! run: queries, proofs, why-nots. One model can so answer many threads
//! at once (the engine keeps it behind a read-write lock).
//!
//! A question reads the model through a [`Reader`]: the relations as they
//! are, and an interner [`Overlay`] for the values the question brings or
//! computes (a goal's constants the model lacks, arithmetic), which the
//! model never sees. Planning a body against a model may need what the
//! model does not have yet: a predicate it never saw, or an index no plan
//! has used. The question then stops with [`Missing`], the caller adds
//! it ([`Database::prepare`], the one step that changes the model, under
//! a write lock), and asks again. Indexes are only ever added, so a
//! question needs at most a few such rounds, and none once the model has
//! served it before. The first question that would need an index scans
//! instead ([`Scanned`]); the next one builds it.

use std::ops::ControlFlow;

use super::join::{Join, Window, MORE};
use super::relation::Relation;
use super::{Answers, Budget, Config, Database, HeadPlan};
use crate::ast;
use crate::ast::head_variables;
use crate::error::EvalError;
use crate::intern::{Id, Names, Overlay};
use crate::plan::{self, Bindings, PredId, QueryPlan};
use crate::source::Span;
use crate::value::Value;

/// What a question needs that the model lacks: predicates it never saw
/// (with their arities), and indexes (predicate and columns) that are not
/// planned or not built.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Missing {
    predicates: Vec<(String, usize)>,
    indexes: Vec<(PredId, Vec<usize>)>,
}

/// A question's view of a model: the model, read only, and the values the
/// question adds.
pub struct Reader<'a> {
    /// The model.
    pub db: &'a Database,
    /// Its values, and the question's own.
    pub names: Overlay<'a>,
    /// The budget answering keeps to, with the goal to name when it stops.
    budget: Option<(Budget, Span)>,
    /// Rows read since the budget was last looked at, over every join the
    /// reader ran: a question of many small joins (a proof, a why-not)
    /// looks at the clock as often as one large join.
    visited: u32,
    /// The budget's stop, once a join met it: every later join stops at
    /// once, and the caller asks [`Reader::stopped`] before it trusts
    /// what it found.
    stopped: Option<EvalError>,
}

impl Database {
    /// Adds what a question found missing: the predicates (each with an
    /// empty relation) and the indexes, built.
    pub fn prepare(&mut self, missing: &Missing) {
        for (name, arity) in &missing.predicates {
            self.plan.ensure_pred(name, *arity);
        }
        self.add_relations();
        for (pred, columns) in &missing.indexes {
            let i = self.plan.index(*pred, columns.clone());
            if !self.relations[*pred].has_index(i) {
                self.relations[*pred].build_index(i, columns);
            }
        }
    }

    /// Asks `question` of this model, adding what it finds missing and
    /// asking again until it has all it needs.
    pub fn ask<T>(&mut self, mut question: impl FnMut(&Database) -> Result<T, Missing>) -> T {
        loop {
            match question(self) {
                Ok(answer) => return answer,
                Err(missing) => self.prepare(&missing),
            }
        }
    }
}

impl<'a> Reader<'a> {
    /// A reader of `db`, with no value of its own yet.
    pub fn new(db: &'a Database) -> Reader<'a> {
        Reader {
            db,
            names: Overlay::new(&db.interner),
            budget: None,
            visited: 0,
            stopped: None,
        }
    }

    /// A reader whose answers keep to the budgets of `config` (the time
    /// limit and the cancellation token), stopping with an error that
    /// points at `goal`.
    pub fn within(db: &'a Database, config: &Config, goal: Span) -> Reader<'a> {
        Reader {
            budget: Some((Budget::start(config), goal)),
            ..Reader::new(db)
        }
    }

    /// Why the reader's joins stopped before their end (the time limit
    /// or a cancellation), if they did: what they found is then partial.
    pub fn stopped(&self) -> Option<EvalError> {
        self.stopped.clone()
    }

    /// Plans a body against the model, as [`Database::plan_body`] does,
    /// or says what the model lacks to run it.
    pub fn plan_body(
        &mut self,
        body: &[ast::Literal],
        bound: &[&str],
        wanted: Bindings,
    ) -> Result<QueryPlan, Missing> {
        let db = self.db;
        let mut missing = Missing::default();
        ast::for_each_atom(body, &mut |atom, _| {
            let name = &*atom.predicate.text;
            let known = db.plan.predicates.get_index_of(name);
            if known.is_none_or(|p| p >= db.relations.len()) {
                missing.predicates.push((name.to_string(), atom.args.len()));
            }
        });
        if !missing.predicates.is_empty() {
            return Err(missing);
        }
        let sizes: Vec<u32> = db.relations.iter().map(Relation::live_len).collect();
        let scan_instead = |pred: PredId, columns: &[usize]| {
            let built = (db.plan.indexes.get(pred))
                .and_then(|list| list.iter().position(|c| c == columns))
                .is_some_and(|i| db.relations[pred].has_index(i));
            !built && db.scanned.first(pred, columns)
        };
        let plan = db
            .plan
            .frozen_body_plan(body, bound, wanted, &mut self.names, &sizes, &scan_instead)
            .map_err(|indexes| Missing {
                predicates: Vec::new(),
                indexes,
            })?;
        plan::for_each_index(&plan.steps, &mut |pred, i| {
            if !db.relations[pred].has_index(i) {
                let columns = db.plan.indexes[pred][i].clone();
                missing.indexes.push((pred, columns));
            }
        });
        if missing.indexes.is_empty() {
            Ok(plan)
        } else {
            Err(missing)
        }
    }

    /// Plans a rule's body with its head bound (see [`HeadPlan`]).
    pub fn plan_from_head(
        &mut self,
        rule: &ast::Rule,
        wanted: Bindings,
    ) -> Result<HeadPlan, Missing> {
        let names = head_variables(rule);
        let body = ast::name_wildcards(&rule.body);
        let plan = self.plan_body(&body, &names, wanted)?;
        Ok(HeadPlan { body, plan })
    }

    /// Runs a plan with its first slots set to `slots`, each relation
    /// restricted to its window; up to `limit` matches as slot vectors.
    /// Arithmetic errors cannot arise: arithmetic runs only on bindings
    /// that match the atoms that do not need its result
    /// ([`crate::binding`]), and the evaluation that built the model ran
    /// it on every such binding, whatever the head. A budget's stop
    /// ends the search with what it found ([`Reader::stopped`] says so).
    pub fn matches(
        &mut self,
        plan: &QueryPlan,
        slots: Vec<Id>,
        windows: &[Window],
        limit: usize,
    ) -> Vec<Vec<Id>> {
        let mut found = Vec::new();
        let _ = self.each_match(plan, slots, windows, |s| {
            found.push(s.to_vec());
            if found.len() < limit {
                MORE
            } else {
                ControlFlow::Break(())
            }
        });
        found
    }

    /// Runs a plan over the whole model, its bound variables set to
    /// `values` (in order); up to `limit` matches.
    pub fn solve(&mut self, plan: &QueryPlan, values: &[Value], limit: usize) -> Vec<Vec<Id>> {
        let slots = values
            .iter()
            .map(|v| self.names.intern(v.clone()))
            .collect();
        let windows = self.db.complete_windows();
        self.matches(plan, slots, &windows, limit)
    }

    /// Answers a checked query: the distinct bindings of its named
    /// variables, sorted; or the error of its arithmetic.
    pub fn answer(&mut self, query: &ast::Query) -> Result<Result<Answers, EvalError>, Missing> {
        let plan = self.plan_body(&query.body, &[], Bindings::Named)?;
        Ok(self.answer_planned(&plan))
    }

    /// Calls `each` with the matches of a planned body, its first slots
    /// set to `slots`, each relation restricted to its window, until
    /// `each` breaks, within the reader's budget.
    fn each_match(
        &mut self,
        plan: &QueryPlan,
        mut slots: Vec<Id>,
        windows: &[Window],
        mut each: impl FnMut(&[Id]) -> ControlFlow<()>,
    ) -> Result<(), EvalError> {
        if let Some(stop) = &self.stopped {
            return Err(stop.clone());
        }
        slots.resize(plan.slots, 0);
        // A join counts as a row read, so that joins that read nothing
        // still bring the next look at the budget nearer.
        let mut join = Join {
            budget: self.budget.as_ref().map(|(b, span)| (b, *span)),
            visited: self.visited.saturating_add(1),
            ..Join::new(&self.db.relations, windows, &mut self.names, slots)
        };
        let ran = join.run(&plan.steps, &mut |s: &[Id]| Ok(each(s)));
        self.visited = join.visited;
        if let Err(stop) = ran {
            let stop = stop.of_question();
            self.stopped = Some(stop.clone());
            return Err(stop);
        }
        Ok(())
    }

    /// Calls `each` with every match of a planned body over the whole
    /// model, within the reader's budget.
    fn each_complete_match(
        &mut self,
        plan: &QueryPlan,
        mut each: impl FnMut(&[Id]),
    ) -> Result<(), EvalError> {
        let windows = self.db.complete_windows();
        self.each_match(plan, Vec::new(), &windows, |s| {
            each(s);
            MORE
        })
    }

    /// Every match of a planned body over the whole model, as slot
    /// vectors, within the reader's budget.
    pub fn answer_slots(&mut self, plan: &QueryPlan) -> Result<Vec<Vec<Id>>, EvalError> {
        let mut found = Vec::new();
        self.each_complete_match(plan, |slots| found.push(slots.to_vec()))?;
        Ok(found)
    }

    /// Answers a planned query (its indexes built).
    pub fn answer_planned(&mut self, plan: &QueryPlan) -> Result<Answers, EvalError> {
        let mut found = Relation::new(plan.variables.len());
        let mut row = Vec::with_capacity(plan.variables.len());
        self.each_complete_match(plan, |slots| {
            row.clear();
            row.extend(plan.variables.iter().map(|&(_, s)| slots[s]));
            found.insert(&row, 0);
        })?;
        let mut rows: Vec<&[Id]> = (0..found.len()).map(|r| found.row(r)).collect();
        rows.sort_by(|a, b| self.names.cmp_rows(a, b));
        Ok(Answers {
            variables: plan.variables.iter().map(|(n, _)| n.clone()).collect(),
            rows: rows.into_iter().map(|r| self.values(r)).collect(),
            validities: Vec::new(),
            unknown: None,
        })
    }

    /// The value of an id, the model's or the question's.
    pub fn value(&self, id: Id) -> Value {
        self.names.value(id)
    }

    /// The values of a row of ids.
    pub fn values(&self, row: &[Id]) -> Vec<Value> {
        row.iter().map(|&id| self.names.value(id)).collect()
    }
}
