//! The model seam. The engine holds its model as a [`Model`]: the one
//! boundary between the engine and an evaluation engine, which the
//! semi-naive evaluator's [`Database`] implements and a second engine
//! (one on differential dataflow keeps its own state beside the facts it
//! outputs) can. Questions, proofs and printing read the model's facts as
//! a `Database`, through the narrow interface below: its plan and names
//! (value ids), and for each predicate its facts, the round each appeared
//! in (what a proof's premises precede) and where a given one came from.
//! Its relations, indexes and journal stay evaluation's, so that how the
//! model keeps its facts can change behind them.

use std::fmt;

use super::config::Config;
use super::maintain::{Delta, Edit};
use crate::error::EvalError;
use super::given::Origin;
use super::join::Window;
use super::relation::RowId;
use super::{Database, StratumStats};
use crate::intern::{Id, Interner};
use crate::plan::{Plan, PredId};
use crate::value::Value;

/// An evaluated model, kept current by the evaluator that built it.
pub trait Model: fmt::Debug + Send + Sync {
    /// Its facts, as questions, proofs and printing read them.
    fn facts(&self) -> &Database;

    /// The same, to add what a question found missing (a predicate, an
    /// index) or to print it in order.
    fn facts_mut(&mut self) -> &mut Database;

    /// Takes the model to that of the changed program whose plan is
    /// `plan` (made from the model's, see [`crate::plan::plan`]): `edit`
    /// says what changed. Returns the facts that appeared and
    /// disappeared; on an error the model is half-changed until
    /// [`Model::undo`].
    fn maintain(&mut self, plan: Plan, edit: Edit, config: &Config) -> Result<Delta, EvalError>;

    /// Keeps the last change for good.
    fn keep_update(&mut self);

    /// Takes the last change back, whether it ended or failed; false when
    /// there is none to take back (it was kept).
    fn undo(&mut self) -> bool;

    /// A copy (an engine cloned copies its model).
    fn boxed_clone(&self) -> Box<dyn Model>;
}

impl Clone for Box<dyn Model> {
    fn clone(&self) -> Box<dyn Model> {
        self.boxed_clone()
    }
}

/// The semi-naive evaluator's model is its database.
impl Model for Database {
    fn facts(&self) -> &Database {
        self
    }

    fn facts_mut(&mut self) -> &mut Database {
        self
    }

    fn maintain(&mut self, plan: Plan, edit: Edit, config: &Config) -> Result<Delta, EvalError> {
        Database::maintain(self, plan, edit, config)
    }

    fn keep_update(&mut self) {
        Database::keep_update(self);
    }

    fn undo(&mut self) -> bool {
        Database::undo(self)
    }

    fn boxed_clone(&self) -> Box<dyn Model> {
        Box::new(self.clone())
    }
}

impl Database {
    /// The plan the model was evaluated by.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The model's value ids.
    pub fn names(&self) -> &Interner {
        &self.interner
    }

    /// The plan and the value ids, to plan a changed program against the
    /// model: the new plan keeps the model's predicate ids and index
    /// numbers, and its constants join the model's ids.
    pub fn planning(&mut self) -> (&Plan, &mut Interner) {
        (&self.plan, &mut self.interner)
    }

    /// The id of `value`, added if new.
    pub fn intern(&mut self, value: Value) -> Id {
        self.interner.intern(value)
    }

    /// One entry per stratum, in order, for the last evaluation or update.
    pub fn stats(&self) -> &[StratumStats] {
        &self.stats
    }

    /// The id of a predicate, if the model has its relation.
    pub fn pred(&self, name: &str) -> Option<PredId> {
        let pred = self.plan.predicates.get_index_of(name)?;
        (pred < self.relations.len()).then_some(pred)
    }

    /// The name of predicate `pred`.
    pub fn predicate_name(&self, pred: PredId) -> &str {
        self.plan
            .predicates
            .get_index(pred)
            .map_or("", |(name, _)| name.as_str())
    }

    /// The predicates' names with their ids, sorted by name.
    pub fn predicates_by_name(&self) -> Vec<(PredId, &str)> {
        let mut preds: Vec<(PredId, &str)> = self
            .plan
            .predicates
            .keys()
            .enumerate()
            .map(|(p, n)| (p, n.as_str()))
            .collect();
        preds.sort_by(|a, b| a.1.cmp(b.1));
        preds
    }
    /// The row holding the fact `row` of `pred`, if it holds.
    pub fn find(&self, pred: PredId, row: &[Id]) -> Option<RowId> {
        self.relations[pred].find(row)
    }

    /// The values ids of row `r` of `pred`.
    pub fn row(&self, pred: PredId, r: RowId) -> &[Id] {
        self.relations[pred].row(r)
    }

    /// The rows of `pred` that hold, in row order.
    pub fn live_rows(&self, pred: PredId) -> impl Iterator<Item = RowId> + '_ {
        self.relations[pred].live_rows()
    }

    /// The number of facts of `pred` that hold.
    pub fn live_len(&self, pred: PredId) -> u32 {
        self.relations[pred].live_len()
    }

    /// The number of rows `pred` keeps, deleted ones not yet compacted
    /// away included.
    pub fn rows_kept(&self, pred: PredId) -> u32 {
        self.relations[pred].len()
    }

    /// The number of given facts of `pred`.
    pub fn given_len(&self, pred: PredId) -> usize {
        self.given[pred].len()
    }

    /// The number of predicates that have a relation.
    pub fn relation_count(&self) -> usize {
        self.relations.len()
    }

    /// The round in which row `r` of `pred` appeared: its premises
    /// appeared before it.
    pub fn round_of(&self, pred: PredId, r: RowId) -> u32 {
        self.relations[pred].round_of(r)
    }

    /// Where row `r` of `pred` was given, or `None` for a derived row.
    pub fn origin(&self, pred: PredId, r: RowId) -> Option<Origin> {
        self.given[pred].get(r)
    }

    /// Every relation in full.
    pub fn complete_windows(&self) -> Vec<Window> {
        self.relations.iter().map(Window::complete).collect()
    }

    /// The values of a row of ids.
    pub fn values(&self, row: &[Id]) -> Vec<Value> {
        row.iter()
            .map(|&i| self.interner.value(i).clone())
            .collect()
    }

    /// Every relation as it was before round `round`: what the premises of
    /// a fact of that round are found in.
    pub fn windows_before(&self, round: u32) -> Vec<Window> {
        (self.relations.iter())
            .map(|rel| {
                let end = rel.rows_before(round);
                Window {
                    old_end: end,
                    delta_end: end,
                }
            })
            .collect()
    }
}
