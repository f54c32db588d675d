//! One rule variant's join split across threads.
//!
//! The first scan of the join is cut into parts of consecutive rows; the
//! threads of a rayon pool (built when first needed, with
//! [`crate::Config::jobs`] threads) take parts in turn and join each
//! alone, gathering the head facts it finds that are not known yet (in a
//! flat buffer: no table to grow, and no hashes kept, which would double
//! its memory) and the values its
//! arithmetic computed (in an [`Overlay`] of the interner, which nobody
//! changes while the workers run). The parts are then merged in row order,
//! keeping each fact's first occurrence, so the new facts come out in the
//! order one thread would have found them: the model, its row order, round
//! stamps and every proof do not depend on the number of threads. Joins
//! whose first scan is small run on the calling thread.

use std::sync::atomic::{AtomicU32, Ordering};

use std::ops::ControlFlow;

use super::heads::{project, with_head_row, HeadRow, RuleJoin, Sink};
use super::join::{source, Join, Window, MORE};
use super::relation::BATCH;
use super::relation::{Range, Relation, View};
use super::{Budget, Database};
use crate::error::EvalError;
use crate::hash::hash_ids;
use crate::intern::{Id, Interner, Minted, Overlay};
use crate::plan::{Access, RulePlan, Step};

/// Rows of the first scan below which a join runs on one thread. A part
/// has at least an eighth of it.
const SPLIT_ROWS: u32 = 1024;

/// A join is split when one thread would take about this long on it, as
/// estimated from the time per row of its last run: handing parts to
/// threads costs tens of microseconds, which a closure over a chain (a
/// thousand rows a round, one match each) does not win back.
const SPLIT_NANOS: f64 = 2_000_000.0;

/// Without a last run to go by, a join is split from this many rows.
const SPLIT_ROWS_UNMEASURED: u32 = 4096;

/// For tests: when set, every join whose first scan has at least this many
/// rows is split, whatever it costs.
static FORCE_SPLIT_FROM: AtomicU32 = AtomicU32::new(0);

/// Splits every join whose first scan has at least `rows` rows, for tests:
/// with 1, the tests' small programs run through the split joins too.
/// Results never depend on it.
#[cfg(any(test, feature = "internal"))]
pub fn split_joins_from(rows: u32) {
    FORCE_SPLIT_FROM.store(rows.max(1), Ordering::Relaxed);
}

/// Parts per thread: more parts than threads even out parts of unequal
/// cost.
const PARTS_PER_JOB: u32 = 8;

/// The rows the first step of a join scans, when it scans every row of a
/// range (the joins that can be split).
pub(super) fn first_scan(
    steps: &[Step],
    relations: &[Relation],
    windows: &[Window],
    changes: &[Relation],
) -> Option<Range> {
    let Some(Step::Scan {
        pred,
        version,
        access: Access::Scan,
        ..
    }) = steps.first()
    else {
        return None;
    };
    Some(source(relations, windows, changes, *pred, *version).1)
}

/// The parts to split a join over the rows `range` of its first scan
/// into, or `None` to run it on one thread. `nanos_per_row`: what a row
/// cost the last time this join ran, if it did.
pub(super) fn parts(range: Range, jobs: usize, nanos_per_row: Option<f64>) -> Option<Vec<Range>> {
    let rows = range.hi - range.lo;
    let forced = FORCE_SPLIT_FROM.load(Ordering::Relaxed);
    let worth = if forced > 0 {
        rows >= forced
    } else {
        rows >= SPLIT_ROWS
            && nanos_per_row.map_or(rows >= SPLIT_ROWS_UNMEASURED, |ns| {
                ns * f64::from(rows) >= SPLIT_NANOS
            })
    };
    if jobs < 2 || rows == 0 || !worth {
        return None;
    }
    let split_rows = if forced > 0 { forced } else { SPLIT_ROWS };
    let part_rows = (split_rows / 8).max(1);
    let count = (rows / part_rows).min(jobs as u32 * PARTS_PER_JOB);
    let size = rows.div_ceil(count);
    Some(
        (0..count)
            .map(|i| Range {
                lo: range.lo + i * size,
                hi: (range.lo + (i + 1) * size).min(range.hi),
            })
            .filter(|r| r.lo < r.hi)
            .collect(),
    )
}

/// What one part found.
struct Found {
    /// Head facts absent from the relation and the round's facts so far,
    /// each once, in the order found (ids may be provisional; a fact may
    /// come in two parts: the merge keeps its first).
    facts: Vec<Id>,
    /// How many facts (`facts` has `count * arity` values).
    count: usize,
    /// The values the part's arithmetic minted.
    minted: Minted,
    /// True when the part stopped, having found more distinct facts than
    /// there was room for.
    over: bool,
}

impl Found {
    /// Inserts the facts into `rel` in order, their provisional ids made
    /// real (what the part minted is interned now), calling `added` for
    /// each that was new; stops when `added` breaks, and says whether it
    /// did. Facts go a [`BATCH`] at a time ([`Relation::insert_batch`]).
    fn insert_into(
        self,
        interner: &mut Interner,
        rel: &mut Relation,
        round: u32,
        mut added: impl FnMut() -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        let arity = rel.arity();
        let real = interner.settle(self.minted);
        let mut batch: Vec<Id> = Vec::with_capacity(BATCH * arity);
        let mut hashes = [0u64; BATCH];
        for start in (0..self.count).step_by(BATCH) {
            let n = BATCH.min(self.count - start);
            batch.clear();
            batch.extend(
                self.facts[start * arity..(start + n) * arity]
                    .iter()
                    .map(|&id| real(id)),
            );
            for (h, row) in hashes.iter_mut().zip(rows(&batch, arity, n)) {
                *h = hash_ids(row.iter().copied());
            }
            rel.insert_batch(rows(&batch, arity, n), &hashes[..n], &[], round, &mut added)?;
        }
        ControlFlow::Continue(())
    }
}

/// One join to split: what its parts read, and which facts they keep.
struct Split<'a> {
    rule: &'a RulePlan,
    steps: &'a [Step],
    relations: &'a [Relation],
    windows: &'a [Window],
    changes: &'a [Relation],
    /// The state the join reads.
    view: View,
    /// Relations whose facts the parts leave out: already known.
    known: &'a [&'a Relation],
    /// The most distinct facts a part may keep.
    room: u64,
}

impl Split<'_> {
    /// Joins every part on the pool; what each found, in part order.
    fn gather(
        &self,
        interner: &Interner,
        parts: &[Range],
        budget: &Budget,
    ) -> Result<Vec<Found>, EvalError> {
        let results = budget.threads().map(parts.to_vec(), |part| {
            let mut overlay = Overlay::new(interner);
            let (facts, count, over) = with_head_row!(self.rule.head_args.len(), row => {
                self.join_part(part, &mut overlay, budget, row)
            })?;
            Ok(Found {
                facts,
                count,
                minted: overlay.into_minted(),
                over,
            })
        });
        results.into_iter().collect()
    }

    /// Joins one part: the distinct head facts it finds that are not
    /// `known`, in the order found, how many, and whether it stopped past
    /// `room` of them. `row` is the buffer of each candidate (see
    /// [`HeadRow`]). Repeats within the part are dropped here, on the
    /// part's thread, so that the merge (on one thread) sees each fact of
    /// a part once: a closure finds most of its repeats within one part.
    fn join_part(
        &self,
        part: Range,
        overlay: &mut Overlay<'_>,
        budget: &Budget,
        row: impl HeadRow,
    ) -> Result<(Vec<Id>, usize, bool), EvalError> {
        let rule = self.rule;
        let mut found = Relation::new(rule.head_args.len());
        let mut join = Join {
            changes: self.changes,
            part: Some(part),
            view: self.view,
            budget: Some((budget, rule.span)),
            ..Join::new(self.relations, self.windows, overlay, vec![0; rule.slots])
        };
        let mut since_look = 0u32;
        // Candidates are looked up a `BATCH` at a time, so that the probes'
        // cache misses overlap (see `Batch` in `eval`).
        let mut batch = vec![row.clone(); BATCH];
        let mut hashes = [0u64; BATCH];
        let mut held = 0;
        let keep = |found: &mut Relation, batch: &[_], hashes: &[u64]| {
            let rows = batch.iter().map(AsRef::as_ref);
            // Never stops: the room is checked on the whole batch.
            let _ = found.insert_batch(rows, hashes, self.known, 0, || MORE);
            u64::from(found.len()) > self.room
        };
        let flow = join
            .run(self.steps, &mut |slots: &[Id]| {
                // A part does not know the total derived so far.
                budget.tick(&mut since_look, rule.span, None)?;
                let row = batch[held].as_mut();
                project(&rule.head_args, slots, row);
                hashes[held] = hash_ids(row.iter().copied());
                held += 1;
                if held == BATCH {
                    held = 0;
                    if keep(&mut found, &batch, &hashes) {
                        return Ok(ControlFlow::Break(()));
                    }
                }
                Ok(MORE)
            })
            .map_err(|stop| *stop)?;
        let over = flow.is_break() || keep(&mut found, &batch[..held], &hashes[..held]);
        let count = found.len() as usize;
        Ok((found.into_rows(), count, over))
    }
}

impl Database {
    /// [`Database::derive`] with the join split into `parts`.
    pub(super) fn derive_in_parts(
        &mut self,
        RuleJoin {
            rule,
            steps,
            windows,
            changes,
        }: RuleJoin<'_>,
        sink: Sink<'_>,
        budget: &Budget,
        parts: &[Range],
    ) -> Result<(), EvalError> {
        let arity = self.relations[rule.head].arity();
        let (direct, pending) = match sink {
            Sink::Round(pending) => (
                pending[rule.head].as_ref().is_none_or(Relation::is_empty),
                pending,
            ),
            Sink::Aside(pending) => (false, pending),
        };
        pending[rule.head].get_or_insert_with(|| Relation::new(arity));
        let room = budget.max_facts.saturating_sub(self.derived);
        let target = &self.relations[rule.head];
        let pending_head = pending[rule.head].as_ref().filter(|p| !p.is_empty());
        let known: Vec<&Relation> = [Some(target), pending_head].into_iter().flatten().collect();
        let split = Split {
            rule,
            steps,
            relations: &self.relations,
            windows,
            changes,
            view: View::Now,
            known: &known,
            room,
        };
        let found = split.gather(&self.interner, parts, budget)?;
        if found.iter().any(|f| f.over) {
            return Err(EvalError::FactLimit {
                limit: budget.max_facts,
                span: rule.span,
            });
        }
        let (new, round) = if direct {
            (&mut self.relations[rule.head], self.clock)
        } else {
            let new = pending[rule.head].get_or_insert_with(|| Relation::new(arity));
            (new, 0)
        };
        new.reserve(found.iter().map(|f| f.count).sum());
        let derived = &mut self.derived;
        for found in found {
            let over = found.insert_into(&mut self.interner, new, round, || {
                *derived += 1;
                if *derived > budget.max_facts {
                    return ControlFlow::Break(());
                }
                MORE
            });
            if over.is_break() {
                return Err(EvalError::FactLimit {
                    limit: budget.max_facts,
                    span: rule.span,
                });
            }
        }
        budget.note_derived(self.derived);
        Ok(())
    }
}

impl Database {
    /// Maintenance's overdeletion join (`instances`) split into `parts`:
    /// the head facts of every instance in the state before the update,
    /// merged in row order into `out`; `Ok(false)` as soon as more than
    /// `left` of them are new to `out`.
    pub(super) fn instances_in_parts(
        &mut self,
        RuleJoin {
            rule,
            steps,
            windows,
            changes,
        }: RuleJoin<'_>,
        out: &mut Relation,
        mut left: u64,
        budget: &Budget,
        parts: &[Range],
    ) -> Result<bool, EvalError> {
        let split = Split {
            rule,
            steps,
            relations: &self.relations,
            windows,
            changes,
            view: View::Before,
            known: &[],
            // A part past this alone puts the whole past it.
            room: left.saturating_add(out.len().into()),
        };
        let found = split.gather(&self.interner, parts, budget)?;
        if found.iter().any(|f| f.over) {
            return Ok(false);
        }
        for found in found {
            let over = found.insert_into(&mut self.interner, out, 0, || {
                if left == 0 {
                    return ControlFlow::Break(());
                }
                left -= 1;
                MORE
            });
            if over.is_break() {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// The first `count` rows of a flat buffer of rows of `arity` columns
/// (of no columns too).
fn rows(facts: &[Id], arity: usize, count: usize) -> impl Iterator<Item = &[Id]> + Clone {
    (0..count).map(move |i| &facts[i * arity..(i + 1) * arity])
}
