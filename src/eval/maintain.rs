//! Incremental maintenance: the model kept equal to the perfect model of a
//! program while given facts and rules are added and retracted.
//!
//! In: the [`Database`] of the old program, the new program with its
//! [`Plan`] (built from the old one, so predicate ids and index numbers are
//! kept), and an [`Edit`]. Out: the database, now the model of the new
//! program, and the [`Delta`]: per predicate, the facts that appeared and
//! those that disappeared.
//!
//! Strata are visited in order. Each receives the rows that left and
//! entered the predicates below it (as relations read by
//! [`Version::Change`] scans) and passes its own up. These are row moves,
//! not net changes: a fact deleted and rederived is a new row, with a later
//! round, so the facts above that used the old row must be rederived too,
//! after it, for their proofs to stay well-founded. A stratum is
//! maintained in one of two ways:
//!
//! - **Delete and rederive** (DRed; Gupta, Mumick and Subrahmanian, 1993):
//!   1. *Overdelete*, reading the state before the update
//!      ([`View::Before`]): every fact with an instance that uses a removed
//!      fact (positive literal) or an added one (negated literal), then,
//!      within the stratum, every fact with an instance that uses a fact
//!      overdeleted in the step before. Given facts stay.
//!   2. *Rederive*: an overdeleted fact that still has an instance in the
//!      current state comes back.
//!   3. *Insert*: instances that use an added fact (positive literal) or a
//!      removed one (negated literal), and one run of each new rule; these,
//!      the rederived facts and the new given facts are the first round's
//!      facts, and semi-naive rounds go on from them as the delta.
//! - **Recompute**, when a rule of the stratum was removed or one of its
//!   aggregates reads a predicate that changed: its derived facts are
//!   deleted and the stratum is evaluated again. (An aggregate's value
//!   depends on every fact of its group, so DRed would have to recompute
//!   the groups anyway; rule removal is rare.)
//!
//! Overdeletion is exact for positive premises and negations because it
//! reads the old state itself: deleted rows stay visible to
//! [`View::Before`] until the update ends. Every fact that comes back or is
//! new is appended as a new row with a new round, after the facts it was
//! derived from, so every derived fact keeps an instance whose premises are
//! older than it: proofs found by rounds stay well-founded.

use std::collections::HashSet;

use super::hash::hash_ids;
use super::intern::Id;
use super::join::{Join, Window};
use super::relation::{Relation, RowId, View};
use super::{project, Config, Database, HeadPlan, Origin};
use crate::error::EvalError;
use crate::load::Program;
use crate::plan::{Plan, PredId, RulePlan, Step, StratumPlan};

/// A change to the program, as the model sees it.
#[derive(Clone, Debug, Default)]
pub struct Edit {
    /// Facts that are no longer given.
    pub retract: Vec<(PredId, Vec<Id>)>,
    /// Facts that are now given, with where they come from.
    pub add: Vec<(PredId, Vec<Id>, Origin)>,
    /// Indexes in the new [`Program::rules`] of the rules that are new.
    pub new_rules: HashSet<usize>,
    /// Head predicates of the rules that were removed.
    pub removed_heads: HashSet<PredId>,
}

/// Facts per predicate id that entered and left, in one of two senses:
/// the net change an update made to the model (what [`Database::maintain`]
/// returns), or the rows that moved (what strata pass up).
#[derive(Clone, Debug)]
pub struct Delta {
    /// Facts new to the model, or rows appended.
    pub appeared: Vec<Relation>,
    /// Facts gone from the model, or rows deleted.
    pub disappeared: Vec<Relation>,
}

impl Delta {
    fn empty(relations: &[Relation]) -> Delta {
        Delta {
            appeared: fresh(relations),
            disappeared: fresh(relations),
        }
    }
}

/// Per predicate id: facts the update touches in one way.
type PerPred<T> = Vec<Vec<T>>;

impl Database {
    /// Applies an update: the plan becomes `plan` (the plan of `program`),
    /// and the model becomes `program`'s. On an error (arithmetic, fact
    /// limit) the database is left half-updated and must be dropped.
    pub fn maintain(
        &mut self,
        plan: Plan,
        program: &Program,
        mut edit: Edit,
        config: Config,
    ) -> Result<Delta, EvalError> {
        self.plan = plan;
        self.sync_indexes();
        for rel in &mut self.relations {
            rel.begin_update();
        }
        let mut delta = Delta::empty(&self.relations);
        let mut moved = Delta::empty(&self.relations);
        let (mut unstated, mut stated) = self.restate(
            std::mem::take(&mut edit.retract),
            std::mem::take(&mut edit.add),
        );
        let mut covered = vec![false; self.relations.len()];
        for s in 0..self.plan.strata.len() {
            let stratum = self.plan.strata[s].clone();
            let changed =
                |p: PredId| !moved.appeared[p].is_empty() || !moved.disappeared[p].is_empty();
            let recompute = stratum
                .predicates
                .iter()
                .any(|p| edit.removed_heads.contains(p))
                || stratum
                    .rules
                    .iter()
                    .any(|r| r.aggregated.iter().any(|&p| changed(p)));
            if recompute {
                self.delete_derived(&stratum.predicates, &mut unstated);
                self.state(&stratum.predicates, &mut stated);
                self.run_stratum(s, None, config)?;
            } else {
                let mut seed =
                    self.dred(&stratum, program, &edit, &moved, &mut unstated, config)?;
                let given: Vec<(PredId, Vec<Id>, Origin)> = stratum
                    .predicates
                    .iter()
                    .flat_map(|&p| {
                        std::mem::take(&mut stated[p])
                            .into_iter()
                            .map(move |(row, origin)| (p, row, origin))
                    })
                    .collect();
                for (p, row, _) in &given {
                    let arity = self.relations[*p].arity();
                    seed[*p]
                        .get_or_insert_with(|| Relation::new(arity))
                        .insert(row, 0);
                }
                self.run_stratum(s, Some(seed), config)?;
                for (p, row, origin) in given {
                    if let Some(r) = self.relations[p].find(&row) {
                        if self.given[p].insert(r, origin).is_none() {
                            self.derived = self.derived.saturating_sub(1);
                        }
                    }
                }
            }
            for &p in &stratum.predicates {
                covered[p] = true;
                self.collect(p, &mut delta, &mut moved);
            }
        }
        // A predicate no statement mentions any more has no facts.
        let uncovered: Vec<PredId> = (0..covered.len()).filter(|&p| !covered[p]).collect();
        self.delete_derived(&uncovered, &mut unstated);
        for &p in &uncovered {
            self.collect(p, &mut delta, &mut moved);
        }
        for rel in &mut self.relations {
            rel.purge();
        }
        Ok(delta)
    }

    /// Takes back the given status of retracted facts (their rows become
    /// candidates for deletion) and gives it to added facts that are in the
    /// model already; returns those rows, and the added facts still to be
    /// appended, per predicate.
    fn restate(
        &mut self,
        retract: Vec<(PredId, Vec<Id>)>,
        add: Vec<(PredId, Vec<Id>, Origin)>,
    ) -> (PerPred<RowId>, PerPred<(Vec<Id>, Origin)>) {
        let n = self.relations.len();
        let mut unstated: PerPred<RowId> = vec![Vec::new(); n];
        let mut stated: PerPred<(Vec<Id>, Origin)> = vec![Vec::new(); n];
        for (p, row) in retract {
            if let Some(r) = self.relations[p].find(&row) {
                if self.given[p].remove(&r).is_some() {
                    self.derived += 1;
                    unstated[p].push(r);
                }
            }
        }
        for (p, row, origin) in add {
            match self.relations[p].find(&row) {
                Some(r) => {
                    if self.given[p].insert(r, origin).is_none() {
                        self.derived = self.derived.saturating_sub(1);
                    }
                    unstated[p].retain(|&u| u != r);
                }
                None => stated[p].push((row, origin)),
            }
        }
        (unstated, stated)
    }

    /// Deletes every derived fact of `preds` (recomputation starts there).
    fn delete_derived(&mut self, preds: &[PredId], unstated: &mut PerPred<RowId>) {
        for &p in preds {
            unstated[p].clear();
            let rows: Vec<RowId> = self.relations[p]
                .live_rows()
                .filter(|r| !self.given[p].contains_key(r))
                .collect();
            for r in rows {
                self.relations[p].doom(r);
                self.derived = self.derived.saturating_sub(1);
            }
        }
    }

    /// Appends the new given facts of `preds`, in a round of their own.
    fn state(&mut self, preds: &[PredId], stated: &mut PerPred<(Vec<Id>, Origin)>) {
        self.clock += 1;
        for &p in preds {
            for (row, origin) in std::mem::take(&mut stated[p]) {
                let rel = &mut self.relations[p];
                if rel.insert(&row, self.clock) {
                    self.given[p].insert(rel.len() - 1, origin);
                }
            }
        }
    }

    /// Delete and rederive for one stratum (see the module docs); returns
    /// the first round's facts: rederived ones and new instances.
    fn dred(
        &mut self,
        stratum: &StratumPlan,
        program: &Program,
        edit: &Edit,
        delta: &Delta,
        unstated: &mut PerPred<RowId>,
        config: Config,
    ) -> Result<Vec<Option<Relation>>, EvalError> {
        let own = |p: PredId| stratum.predicates.contains(&p);
        let n = self.relations.len();
        let old_rules = || {
            stratum
                .rules
                .iter()
                .filter(|r| !edit.new_rules.contains(&r.rule))
        };
        // 1. Overdelete, in the old state.
        let before: Vec<Window> = self
            .relations
            .iter()
            .map(|rel| Window {
                old_end: rel.appended().lo,
                delta_end: rel.appended().lo,
            })
            .collect();
        let mut wave = fresh(&self.relations);
        let mut found: Vec<Option<Relation>> = vec![None; n];
        for &p in &stratum.predicates {
            for r in std::mem::take(&mut unstated[p]) {
                let arity = self.relations[p].arity();
                found[p]
                    .get_or_insert_with(|| Relation::new(arity))
                    .insert(self.relations[p].row(r), 0);
            }
        }
        for rule in old_rules() {
            for variant in &rule.changes {
                // A removed fact under `not` adds instances; an added one
                // removes them.
                let removed = if variant.negated {
                    &delta.appeared
                } else {
                    &delta.disappeared
                };
                if !own(variant.pred) && !removed[variant.pred].is_empty() {
                    self.instances(rule, &variant.steps, &before, removed, &mut found);
                }
            }
        }
        self.doom(&mut found, &mut wave);
        while wave.iter().any(|w| !w.is_empty()) {
            let removed = std::mem::replace(&mut wave, fresh(&self.relations));
            for rule in old_rules() {
                for variant in &rule.changes {
                    if own(variant.pred) && !removed[variant.pred].is_empty() {
                        self.instances(rule, &variant.steps, &before, &removed, &mut found);
                    }
                }
            }
            self.doom(&mut found, &mut wave);
        }
        // 2. Rederive, in the new state.
        let mut seed: Vec<Option<Relation>> = vec![None; n];
        self.rederive(stratum, program, &mut seed);
        // 3. Insert: instances that use a change from below, and new rules.
        let windows = self.complete_windows();
        for rule in &stratum.rules {
            if edit.new_rules.contains(&rule.rule) {
                self.derive(rule, &rule.base, &windows, &[], &mut seed, config)?;
                continue;
            }
            for variant in &rule.changes {
                let added = if variant.negated {
                    &delta.disappeared
                } else {
                    &delta.appeared
                };
                if !own(variant.pred) && !added[variant.pred].is_empty() {
                    self.derive(rule, &variant.steps, &windows, added, &mut seed, config)?;
                }
            }
        }
        Ok(seed)
    }

    /// The head facts of every instance of `steps` in the old state, into
    /// `found`.
    fn instances(
        &mut self,
        rule: &RulePlan,
        steps: &[Step],
        windows: &[Window],
        changes: &[Relation],
        found: &mut [Option<Relation>],
    ) {
        let arity = self.relations[rule.head].arity();
        let out = found[rule.head].get_or_insert_with(|| Relation::new(arity));
        let mut join = Join {
            relations: &self.relations,
            windows,
            interner: &mut self.interner,
            slots: vec![0; rule.slots],
            view: View::Before,
            changes,
            whole: false,
        };
        let mut row = Vec::with_capacity(arity);
        // The old state was evaluated without error, so none arises here.
        let _ = join.run(steps, &mut |slots: &[Id]| {
            project(&rule.head_args, slots, &mut row);
            out.insert(&row, 0);
            Ok(())
        });
    }

    /// Deletes the live derived facts among `found` and puts them in
    /// `wave`; empties `found`.
    fn doom(&mut self, found: &mut [Option<Relation>], wave: &mut [Relation]) {
        for (p, facts) in found.iter_mut().enumerate() {
            let Some(facts) = facts.as_mut() else {
                continue;
            };
            for i in 0..facts.len() {
                let row = facts.row(i);
                let Some(r) = self.relations[p].find(row) else {
                    continue;
                };
                if !self.given[p].contains_key(&r) {
                    self.relations[p].doom(r);
                    self.derived = self.derived.saturating_sub(1);
                    wave[p].insert(row, 0);
                }
            }
            facts.clear();
        }
    }

    /// Puts into `seed` each overdeleted fact of the stratum that still has
    /// an instance of one of its rules.
    fn rederive(
        &mut self,
        stratum: &StratumPlan,
        program: &Program,
        seed: &mut [Option<Relation>],
    ) {
        if stratum
            .predicates
            .iter()
            .all(|&p| self.relations[p].doomed().is_empty())
        {
            return;
        }
        let mut plans: Vec<(usize, PredId, HeadPlan)> = Vec::new();
        for rule in &stratum.rules {
            let plan = self.plan_from_head(&program.rules[rule.rule]);
            plans.push((rule.rule, rule.head, plan));
        }
        let windows = self.complete_windows();
        for &p in &stratum.predicates {
            let doomed: Vec<RowId> = self.relations[p].doomed().to_vec();
            for r in doomed {
                let row = self.relations[p].row(r).to_vec();
                let holds = plans.iter().any(|(i, head, plan)| {
                    *head == p
                        && self
                            .bind_head(&program.rules[*i], &row)
                            .is_some_and(|slots| {
                                !self.matches(&plan.plan, slots, &windows, 1).is_empty()
                            })
                });
                if holds {
                    let arity = row.len();
                    self.derived += 1;
                    seed[p]
                        .get_or_insert_with(|| Relation::new(arity))
                        .insert(&row, 0);
                }
            }
        }
    }

    /// Records what the update did to `p`: in `moved`, every row appended
    /// and every row deleted; in `delta`, those whose facts were not there
    /// before, and those whose facts are not there now.
    fn collect(&self, p: PredId, delta: &mut Delta, moved: &mut Delta) {
        let rel = &self.relations[p];
        let appended = rel.appended();
        for r in appended.lo..appended.hi {
            let row = rel.row(r);
            if !rel.visible(r, View::Now) {
                continue;
            }
            moved.appeared[p].insert(row, 0);
            if rel
                .find_in(row, hash_ids(row.iter().copied()), View::Before)
                .is_none()
            {
                delta.appeared[p].insert(row, 0);
            }
        }
        for &r in rel.doomed() {
            let row = rel.row(r);
            moved.disappeared[p].insert(row, 0);
            if rel.find(row).is_none() {
                delta.disappeared[p].insert(row, 0);
            }
        }
    }
}

/// An empty relation per predicate.
fn fresh(relations: &[Relation]) -> Vec<Relation> {
    relations.iter().map(|r| Relation::new(r.arity())).collect()
}
