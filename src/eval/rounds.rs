//! Semi-naive rounds: a stratum runs round after round until no new
//! fact appears (see the module docs of [`crate::eval`]), each round's
//! new facts appended at its end; and the join orders of recursive rules
//! adapted to the relations' sizes as they grow.

use std::collections::HashSet;

use super::config::Budget;
use super::heads::{RuleJoin, Sink};
use super::join::Window;
use super::relation::{Relation, RowId, BATCH};
use super::{Config, Database, Given, Model, StratumStats};
use crate::error::EvalError;
use crate::hash;
use crate::intern::Interner;
use crate::plan::{self, Plan, PredId};

/// The atoms of one delta variant, smallest first by the facts each read
/// when the variant was last planned (empty: as the plan made it).
type Ranking = Vec<usize>;

/// Computes the perfect model of a checked program from its plan (built
/// with `interner`).
pub fn evaluate(
    plan: Plan,
    interner: Interner,
    given: Given,
    config: &Config,
) -> Result<Database, EvalError> {
    #[cfg(feature = "dd")]
    if let Some(cluster) = &config.dataflow {
        return super::dataflow::evaluate(plan, interner, given, config, cluster);
    }
    let budget = Budget::start(config);
    let mut db = Database::empty(plan, interner);
    db.load_given(given, config.at);
    for s in 0..db.plan.strata.len() {
        let stats = db.run_stratum(s, None, &budget)?;
        db.stats.push(stats);
    }
    Ok(db)
}

/// [`evaluate`], into the model that keeps itself as the program changes:
/// the database, or on differential dataflow in one process a live
/// dataflow's (see [`Model`]).
pub fn model(
    plan: Plan,
    interner: Interner,
    given: Given,
    config: &Config,
) -> Result<Box<dyn Model>, EvalError> {
    #[cfg(feature = "dd")]
    if let Some(cluster) = config.dataflow.as_ref().filter(|c| c.hosts.len() <= 1) {
        return super::dataflow::live(plan, interner, given, config, cluster);
    }
    Ok(Box::new(evaluate(plan, interner, given, config)?))
}

/// Rows of a round's new facts above which their buffer is sized afresh
/// for the next round.
const RESIZE_PENDING_ROWS: usize = 1 << 16;

impl Database {
    /// Runs stratum `s` to its fixpoint. The first round runs every rule
    /// once on the full relations, unless `seed` gives its new facts (as
    /// incremental maintenance does); later rounds run the delta variants.
    pub(super) fn run_stratum(
        &mut self,
        s: usize,
        seed: Option<Vec<Option<Relation>>>,
        budget: &Budget,
    ) -> Result<StratumStats, EvalError> {
        let start = budget.clock.now();
        let mut stratum = self.plan.strata[s].clone();
        // Joins are named by where their steps are, which changes now.
        self.join_costs.clear();
        let own: HashSet<PredId> = stratum.predicates.iter().copied().collect();
        let mut rankings: Vec<Vec<Ranking>> = (stratum.rules.iter())
            .map(|r| vec![Ranking::new(); r.deltas.len()])
            .collect();
        let recursive = stratum.rules.iter().any(|r| !r.deltas.is_empty());
        let mut windows = self.complete_windows();
        // New facts of the round, per head predicate; kept across rounds
        // so that their memory is reused.
        let seeded = seed.is_some();
        let mut pending = seed.unwrap_or_else(|| vec![None; self.relations.len()]);
        pending.resize(self.relations.len(), None);
        let seeds: u64 = pending.iter().flatten().map(|r| u64::from(r.len())).sum();
        self.derived = self.count_derived() + seeds;
        let before = self.derived;
        let mut rounds = 0;
        loop {
            let span = stratum.rules.first().map(|r| r.span).unwrap_or_default();
            if let Some(stop) = budget.exhausted(span) {
                return Err(stop);
            }
            self.clock += 1;
            rounds += 1;
            budget.note_round(s, self.plan.strata.len(), rounds, self.derived);
            let first = rounds == 1;
            if !first {
                self.adapt_join_orders(&mut stratum, &mut rankings, &own, &windows);
            }
            if !(first && seeded) {
                self.run_round(&stratum, first, &windows, &mut pending, budget)?;
            }
            let any_new = self.commit(&stratum.predicates, &mut pending, &mut windows, self.clock);
            if !any_new || !recursive {
                break;
            }
        }
        Ok(StratumStats {
            predicates: (stratum.predicates.iter())
                .map(|&p| self.predicate_name(p).to_string())
                .collect(),
            rounds,
            derived: self.derived.saturating_sub(before),
            time: budget.clock.since(start),
        })
    }

    /// One round of a stratum: the first runs each rule's plain variant,
    /// a later one the delta variants whose delta is not empty. New facts
    /// go to `pending`.
    fn run_round(
        &mut self,
        stratum: &plan::StratumPlan,
        first: bool,
        windows: &[Window],
        pending: &mut [Option<Relation>],
        budget: &Budget,
    ) -> Result<(), EvalError> {
        for rule in &stratum.rules {
            let variants = if first {
                std::slice::from_ref(&rule.base)
            } else {
                &rule.deltas[..]
            };
            for steps in variants {
                if !first && delta_pred(steps).is_some_and(|p| windows[p].delta_is_empty()) {
                    continue;
                }
                let join = RuleJoin {
                    rule,
                    steps,
                    windows,
                    changes: &[],
                };
                self.derive(join, Sink::Round(pending), budget)?;
            }
        }
        Ok(())
    }

    /// Plans a recursive rule's delta variants again when the ranking of
    /// their atoms by the facts each reads (the delta for the delta atom,
    /// the old or full relation for the others) has changed since they were
    /// last planned: between atoms that bind as many arguments, the
    /// smaller goes first. A join that starts from a small delta instead
    /// of scanning a large relation, or the reverse once the delta has
    /// grown, is where reordering pays; the ranking check keeps the cost to
    /// a few comparisons a round when nothing changes. Sizes do not depend
    /// on the number of threads, so neither does the order of facts.
    fn adapt_join_orders(
        &mut self,
        stratum: &mut plan::StratumPlan,
        rankings: &mut [Vec<Ranking>],
        own: &HashSet<PredId>,
        windows: &[Window],
    ) {
        for (rule, ranked) in stratum.rules.iter_mut().zip(rankings) {
            if rule.deltas.is_empty() {
                continue;
            }
            let preds = &rule.atoms;
            let size = |d: usize, i: usize| -> u32 {
                let Some(p) = preds[i] else { return 0 };
                let w = windows[p];
                if i == d {
                    w.delta_end - w.old_end
                } else if i > d && own.contains(&p) {
                    w.old_end
                } else {
                    w.delta_end
                }
            };
            let ranking = |d: usize| {
                let mut atoms: Vec<usize> =
                    (0..preds.len()).filter(|&i| preds[i].is_some()).collect();
                atoms.sort_by_key(|&i| size(d, i));
                atoms
            };
            let now: Vec<Ranking> = rule.recursive.iter().map(|&d| ranking(d)).collect();
            if now == *ranked {
                continue;
            }
            *ranked = now;
            let (deltas, slots) = self
                .plan
                .delta_variants(rule, own, &mut self.interner, &size);
            // An order that needs a new index on a relation of the stratum
            // is not taken: that relation grows every round, and its index
            // with it (on a closure of 63 million facts such an order cost
            // 0.9 GB and more time than it saved).
            let mut grows_an_index = false;
            for steps in &deltas {
                plan::for_each_index(steps, &mut |pred, i| {
                    grows_an_index |= own.contains(&pred) && !self.relations[pred].has_index(i);
                });
            }
            if !grows_an_index {
                rule.deltas = deltas;
                rule.slots = rule.slots.max(slots);
            }
        }
    }

    /// Appends a round's new facts, stamped with the round (split joins
    /// may have appended some already, see [`Sink::Round`]); they become
    /// the next round's delta, and a relation without new facts gets an
    /// empty delta. Returns whether there was any new fact.
    fn commit(
        &mut self,
        stratum: &[PredId],
        pending: &mut [Option<Relation>],
        windows: &mut [Window],
        round: u32,
    ) -> bool {
        let mut any_new = false;
        for &pred in stratum {
            let rel = &mut self.relations[pred];
            // The relation's length when the round began.
            let old_len = windows[pred].delta_end;
            if let Some(new) = pending[pred].as_mut().filter(|n| !n.is_empty()) {
                rel.reserve(new.len() as usize);
                let mut hashes = [0u64; BATCH];
                for start in (0..new.len()).step_by(BATCH) {
                    let batch = start..new.len().min(start + BATCH as RowId);
                    // The slots of a batch are read first, so that their
                    // cache misses overlap.
                    for (r, h) in batch.clone().zip(&mut hashes) {
                        *h = hash::hash_ids(new.row(r).iter().copied());
                        rel.warm(*h);
                    }
                    for (r, &h) in batch.zip(&hashes) {
                        rel.push_new_hashed(new.row(r), round, h);
                    }
                }
                // The buffer is kept for the next round, but a large one is
                // sized afresh for as many facts as this round's: kept as
                // it is, the largest round's buffer would stay to the end.
                let (arity, len) = (new.arity(), new.len() as usize);
                if len > RESIZE_PENDING_ROWS {
                    pending[pred] = None;
                    pending[pred] = Some(Relation::with_capacity(arity, len));
                } else {
                    new.clear();
                }
            }
            windows[pred] = Window {
                old_end: old_len,
                delta_end: rel.len(),
            };
            any_new |= rel.len() > old_len;
        }
        any_new
    }
}

/// The predicate a delta variant reads as delta.
fn delta_pred(steps: &[plan::Step]) -> Option<PredId> {
    steps.iter().find_map(|s| match s {
        plan::Step::Scan {
            pred,
            version: plan::Version::Delta,
            ..
        } => Some(*pred),
        plan::Step::Exists(inner) => delta_pred(inner),
        _ => None,
    })
}
