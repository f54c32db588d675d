//! Derivation: one rule variant joined over the current state, each
//! match projected onto the head and kept when its fact is new (on this
//! thread, or split across threads by [`super::parallel`]).

use std::ops::ControlFlow;

use super::config::Budget;
use super::heads::{project, with_head_row, HeadRow, RuleJoin, Sink};
use super::join::{Join, MORE};
use super::relation::{Relation, BATCH};
use super::{parallel, Database};
use crate::error::EvalError;
use crate::hash;
use crate::intern::Id;
use crate::source::Span;

impl Database {
    /// `head :- body`: runs one variant of a rule over the current state
    /// (`changes` feeds its [`plan::Version::Change`] scan) and projects
    /// each match onto the head, keeping the facts that neither the
    /// relation nor `pending` has yet.
    pub(super) fn derive(
        &mut self,
        join: RuleJoin<'_>,
        sink: Sink<'_>,
        budget: &Budget,
    ) -> Result<(), EvalError> {
        let RuleJoin {
            steps,
            windows,
            changes,
            ..
        } = join;
        self.build_indexes(steps);
        // What a row of this join cost last time decides whether to split
        // it now; the steps stay put while the stratum runs, so their
        // address names the join.
        let scan = parallel::first_scan(steps, &self.relations, windows, changes);
        let key = steps.as_ptr() as usize;
        if let Some(range) = scan {
            let started = budget.clock.now();
            let split = parallel::parts(range, budget.jobs, self.join_costs.get(&key).copied());
            // Split, the time is shared by the threads: one would take
            // about as many times as long.
            let (done, threads) = match split {
                Some(parts) => {
                    let threads = budget.jobs.min(parts.len());
                    (self.derive_in_parts(join, sink, budget, &parts), threads)
                }
                None => (self.derive_here(join, sink, budget), 1),
            };
            let rows = range.hi - range.lo;
            if let (true, Some(_)) = (rows > 0, started) {
                let nanos = budget.clock.since(started).as_nanos() as f64 * threads as f64;
                self.join_costs.insert(key, nanos / f64::from(rows));
            }
            return done;
        }
        self.derive_here(join, sink, budget)
    }

    /// [`Database::derive`] on this thread. Heads of up to three columns
    /// get a loop compiled for their length: projecting and hashing a
    /// candidate fact are much of what a join spends per match.
    fn derive_here(
        &mut self,
        join: RuleJoin<'_>,
        sink: Sink<'_>,
        budget: &Budget,
    ) -> Result<(), EvalError> {
        with_head_row!(join.rule.head_args.len(), row => self.derive_rows(join, sink, budget, row))
    }

    /// [`Database::derive_here`] with `row` as the buffer of each
    /// candidate fact.
    fn derive_rows(
        &mut self,
        RuleJoin {
            rule,
            steps,
            windows,
            changes,
        }: RuleJoin<'_>,
        sink: Sink<'_>,
        budget: &Budget,
        row: impl HeadRow,
    ) -> Result<(), EvalError> {
        let (Sink::Round(pending) | Sink::Aside(pending)) = sink;
        let target = &self.relations[rule.head];
        let mut batch = Batch {
            target,
            new: pending[rule.head].get_or_insert_with(|| Relation::new(target.arity())),
            derived: &mut self.derived,
            limit: budget.max_facts,
            span: rule.span,
            rows: vec![row; BATCH],
            hashes: [0; BATCH],
            len: 0,
        };
        let mut since_look = 0u32;
        let mut join = Join {
            changes,
            budget: Some((budget, rule.span)),
            ..Join::new(
                &self.relations,
                windows,
                &mut self.interner,
                vec![0; rule.slots],
            )
        };
        join.run(steps, &mut |slots: &[Id]| {
            budget.tick(&mut since_look, rule.span, Some(*batch.derived))?;
            let row = batch.rows[batch.len].as_mut();
            project(&rule.head_args, slots, row);
            batch.hashes[batch.len] = hash::hash_ids(row.iter().copied());
            batch.len += 1;
            if batch.len == BATCH {
                batch.settle()?;
            }
            Ok(MORE)
        })
        .and_then(|_| batch.settle())
        .map_err(|stop| *stop)
    }
}

/// Candidate facts a join found, checked against the relation [`BATCH`]
/// at a time: the probes of a batch do not depend on one another, so the
/// processor overlaps their cache misses (one probe after each match
/// waited for its miss before the join went on).
struct Batch<'a, R> {
    target: &'a Relation,
    /// The round's new facts.
    new: &'a mut Relation,
    /// Facts derived so far, against `limit`.
    derived: &'a mut u64,
    limit: u64,
    /// The rule's, for the fact-limit error.
    span: Span,
    rows: Vec<R>,
    hashes: [u64; BATCH],
    /// Candidates held.
    len: usize,
}

impl<R: HeadRow> Batch<'_, R> {
    /// Adds the candidates absent from the relation to the round's new
    /// facts, in the order found, and empties the batch.
    fn settle(&mut self) -> Result<(), Box<EvalError>> {
        let n = std::mem::take(&mut self.len);
        let (derived, limit) = (&mut *self.derived, self.limit);
        let rows = self.rows[..n].iter().map(AsRef::as_ref);
        let flow = self
            .new
            .insert_batch(rows, &self.hashes[..n], &[self.target], 0, || {
                *derived += 1;
                if *derived > limit {
                    return ControlFlow::Break(());
                }
                MORE
            });
        if flow.is_break() {
            return Err(Box::new(EvalError::FactLimit {
                limit,
                span: self.span,
            }));
        }
        Ok(())
    }
}
