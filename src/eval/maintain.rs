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
//! [`crate::plan::Version::Change`] scans) and passes its own up. These are row moves,
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
//! - **Rebuild**, when a rule of the stratum was removed, one of its
//!   aggregates reads a predicate that changed, it reads a predicate that
//!   was rebuilt, or overdeletion reaches a tenth of the stratum's
//!   facts: the stratum is evaluated again into fresh relations that start
//!   with its given facts, and compared with the old ones. (An aggregate's
//!   value depends on every fact of its group, so DRed would recompute the
//!   groups anyway; rule removal is rare; past a tenth, overdeleting and
//!   rederiving cost about as much as evaluating afresh (measured in
//!   BENCHMARKS.md); and a rebuilt relation
//!   has no old state left for DRed above it to read.)
//!
//! Overdeletion is exact for positive premises and negations because it
//! reads the old state itself: deleted rows stay visible to
//! [`View::Before`] until the update ends. Every fact that comes back or is
//! new is appended as a new row with a new round, after the facts it was
//! derived from, so every derived fact keeps an instance whose premises are
//! older than it: proofs found by rounds stay well-founded.
//!
//! Why one file: the update loop over strata, delete-and-rederive within
//! one, and taking an update back share the journal's bookkeeping (marks,
//! purged rows, replaced relations, origins); the journal's type is in
//! `database.rs`.

use std::collections::HashSet;
use std::ops::ControlFlow;

use super::database::Journal;
use super::heads::{project, RuleJoin, Sink};
use super::join::{Join, Window, MORE};
use super::relation::{Relation, RowId, View};
use super::threads::Threads;
use super::{parallel, Budget, Config, Database, Origin, Reader};
use crate::error::EvalError;
use crate::hash::hash_ids;
use crate::intern::Id;
use crate::plan::{Plan, PredId, StratumPlan};

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

/// The net change an update made to the model: per predicate id, the
/// facts that appeared and those that disappeared.
#[derive(Clone, Debug)]
pub struct Delta {
    /// Facts new to the model.
    pub appeared: Vec<Rows>,
    /// Facts gone from the model.
    pub disappeared: Vec<Rows>,
}

/// Rows of one predicate, stored one after the other (no set, no index:
/// the rows put here are known to be distinct).
#[derive(Clone, Debug, Default)]
pub struct Rows {
    arity: usize,
    ids: Vec<Id>,
    len: usize,
}

impl Rows {
    pub(super) fn new(arity: usize) -> Rows {
        Rows {
            arity,
            ids: Vec::new(),
            len: 0,
        }
    }

    pub(super) fn push(&mut self, row: &[Id]) {
        self.ids.extend_from_slice(row);
        self.len += 1;
    }

    /// Every row, in the order put.
    pub fn iter(&self) -> impl Iterator<Item = &[Id]> {
        (0..self.len).map(|i| &self.ids[i * self.arity..][..self.arity])
    }
}

/// The rows that moved, per predicate id, which strata pass up: every row
/// appended and every row deleted (a fact deleted and rederived is both).
struct Moves {
    appeared: Vec<Relation>,
    disappeared: Vec<Relation>,
}

/// The rows of `from` visible in `in_view` that `other` does not hold in
/// `other_view`, in row order, and how many it does hold. Each row is one
/// lookup: large relations are split in blocks over `threads`.
fn missing_from(
    threads: &Threads,
    from: &Relation,
    in_view: View,
    other: &Relation,
    other_view: View,
) -> (Vec<RowId>, RowId) {
    const BLOCK: u32 = 1 << 14;
    let blocks: Vec<u32> = (0..from.len().div_ceil(BLOCK)).collect();
    let blocks: Vec<(Vec<RowId>, RowId)> = threads.map(blocks, |b| {
        let mut missing = Vec::new();
        let mut held = 0;
        for r in b * BLOCK..from.len().min((b + 1) * BLOCK) {
            if !from.visible(r, in_view) {
                continue;
            }
            let row = from.row(r);
            if other
                .find_in(row, hash_ids(row.iter().copied()), other_view)
                .is_some()
            {
                held += 1;
            } else {
                missing.push(r);
            }
        }
        (missing, held)
    });
    let held = blocks.iter().map(|(_, h)| h).sum();
    (blocks.into_iter().flat_map(|(m, _)| m).collect(), held)
}

/// Whether a stratum is evaluated again rather than maintained: it
/// concludes a predicate whose last rule went, an aggregate of it reads a
/// predicate that changed, or it reads one that was rebuilt (whose old
/// state is gone).
fn must_rebuild(stratum: &StratumPlan, edit: &Edit, moved: &Moves, rebuilt: &[bool]) -> bool {
    let changed = |p: PredId| !moved.appeared[p].is_empty() || !moved.disappeared[p].is_empty();
    (stratum.predicates.iter()).any(|p| edit.removed_heads.contains(p))
        || stratum.rules.iter().any(|r| {
            r.aggregated.iter().any(|&p| changed(p)) || r.reads().any(|p| rebuilt[p])
        })
}

/// Per predicate id: facts the update touches in one way.
type PerPred<T> = Vec<Vec<T>>;

impl Database {
    /// Applies an update: the plan becomes `plan` (the plan of the new
    /// program), and the model becomes that program's. On an error (arithmetic, fact
    /// limit) the database is left half-updated and must be dropped.
    pub fn maintain(
        &mut self,
        plan: Plan,
        mut edit: Edit,
        config: &Config,
    ) -> Result<Delta, EvalError> {
        let budget = &Budget::start(config);
        self.begin_update(plan);
        let rows = |db: &Database| -> Vec<Rows> {
            db.relations.iter().map(|r| Rows::new(r.arity())).collect()
        };
        let mut delta = Delta {
            appeared: rows(self),
            disappeared: rows(self),
        };
        let mut moved = Moves {
            appeared: fresh(&self.relations),
            disappeared: fresh(&self.relations),
        };
        let read_above = self.read_above();
        let (mut ungiven, mut stated) = self.move_given(
            std::mem::take(&mut edit.retract),
            std::mem::take(&mut edit.add),
        );
        let mut covered = vec![false; self.relations.len()];
        // Predicates whose relations were rebuilt: the strata that read
        // them are rebuilt too, since their old state is gone.
        let mut rebuilt = vec![false; self.relations.len()];
        for s in 0..self.plan.strata.len() {
            let stratum = self.plan.strata[s].clone();
            let seed = if must_rebuild(&stratum, &edit, &moved, &rebuilt) {
                None
            } else {
                self.dred(&stratum, &edit, &moved, &mut ungiven, budget)?
            };
            let Some(seed) = seed else {
                self.rebuild(s, &mut stated, &mut delta, budget)?;
                for &p in &stratum.predicates {
                    covered[p] = true;
                    rebuilt[p] = true;
                    ungiven[p].clear();
                }
                continue;
            };
            self.run_seeded(s, seed, &mut stated, budget)?;
            for &p in &stratum.predicates {
                covered[p] = true;
                self.collect(p, &mut delta, read_above[p].then_some(&mut moved));
            }
        }
        // A predicate no statement mentions any more has no facts.
        let uncovered: Vec<PredId> = (0..covered.len()).filter(|&p| !covered[p]).collect();
        self.delete_derived(&uncovered, &mut ungiven);
        for &p in &uncovered {
            self.collect(p, &mut delta, None);
        }
        self.end_update();
        Ok(delta)
    }

    /// Starts an update under `plan`, with a journal to take it back.
    fn begin_update(&mut self, plan: Plan) {
        self.keep_update();
        self.journal = Some(Box::new(Journal {
            plan: std::mem::replace(&mut self.plan, plan),
            marks: self.relations.iter().map(Relation::mark).collect(),
            purged: Vec::new(),
            replaced: Vec::new(),
            given: Vec::new(),
            clock: self.clock,
            derived: self.derived,
            stats: self.stats.clone(),
        }));
        self.add_relations();
        for rel in &mut self.relations {
            rel.begin_update();
        }
    }

    /// Per predicate, whether another stratum's rules read it: only the
    /// moves of those are passed up.
    fn read_above(&self) -> Vec<bool> {
        let mut read_above = vec![false; self.relations.len()];
        for stratum in &self.plan.strata {
            for rule in &stratum.rules {
                for p in rule.reads() {
                    read_above[p] |= !stratum.predicates.contains(&p);
                }
            }
        }
        read_above
    }

    /// Runs stratum `s` from `seed` (its first round's facts) and the
    /// facts given to its predicates (`stated`, taken), which keep their
    /// origins.
    fn run_seeded(
        &mut self,
        s: usize,
        mut seed: Vec<Option<Relation>>,
        stated: &mut PerPred<(Vec<Id>, Origin)>,
        budget: &Budget,
    ) -> Result<(), EvalError> {
        let given: Vec<(PredId, Vec<Id>, Origin)> = (self.plan.strata[s].predicates.iter())
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
        self.run_stratum(s, Some(seed), budget)?;
        for (p, row, origin) in given {
            if let Some(r) = self.relations[p].find(&row) {
                self.set_origin(p, r, Some(origin));
            }
        }
        Ok(())
    }

    /// Ends an update: deleted rows leave the relations, and the journal
    /// keeps them to be taken back.
    fn end_update(&mut self) {
        let mut purged = Vec::new();
        for (p, rel) in self.relations.iter_mut().enumerate() {
            if !rel.doomed().is_empty() {
                purged.push((p, rel.doomed().to_vec()));
            }
            rel.purge();
        }
        self.journal
            .as_mut()
            .expect("an update keeps a journal")
            .purged = purged;
    }

    /// Keeps what the last update did: its journal goes, and relations
    /// that are mostly deleted rows are compacted (which an undo could
    /// not follow). Every update starts with it; call it once an update
    /// is kept, to free the journal at once.
    pub fn keep_update(&mut self) {
        if self.journal.take().is_some() {
            self.compact();
        }
    }

    /// Takes back the last update, whether it ended or failed: the
    /// relations, the given facts' origins and the plan as they were
    /// before it (row ids and rounds too, so proofs are the same), at the
    /// cost of what it changed. False when there is no update to take
    /// back (it was kept).
    pub fn undo(&mut self) -> bool {
        let Some(journal) = self.journal.take() else {
            return false;
        };
        let Journal {
            plan,
            marks,
            purged,
            replaced,
            given,
            clock,
            derived,
            stats,
        } = *journal;
        let before = marks.len();
        self.relations.truncate(before);
        self.given.truncate(before);
        let mut since: Vec<usize> = vec![usize::MAX; before];
        for (p, relation, origins, at) in replaced.into_iter().rev() {
            self.relations[p] = relation;
            self.given[p] = origins;
            since[p] = at;
        }
        for (i, (p, r, origin)) in given.into_iter().enumerate().rev() {
            // Origins noted after a relation was replaced were of its
            // replacement, which is gone.
            if p >= before || i >= since[p] {
                continue;
            }
            match origin {
                Some(origin) => self.given[p].insert(r, origin),
                None => self.given[p].remove(r),
            };
        }
        let mut purged_of: Vec<&[RowId]> = vec![&[]; before];
        for (p, rows) in &purged {
            if *p < before && since[*p] == usize::MAX {
                purged_of[*p] = rows;
            }
        }
        for (p, mark) in marks.into_iter().enumerate() {
            self.relations[p].undo(mark, purged_of[p]);
        }
        // The index numbers the update gave stay: relations may have built
        // those indexes, and a number must never name two.
        let mut indexes = std::mem::replace(&mut self.plan, plan).indexes;
        indexes.truncate(self.plan.predicates.len());
        self.plan.indexes = indexes;
        self.clock = clock;
        self.derived = derived;
        self.stats = stats;
        true
    }

    /// Sets the origin of given row `r` of `p` (or takes it), noting the
    /// one before in the journal.
    fn set_origin(&mut self, p: PredId, r: RowId, origin: Option<Origin>) {
        let before = match origin {
            Some(origin) => self.given[p].insert(r, origin),
            None => self.given[p].remove(r),
        };
        if let Some(journal) = &mut self.journal {
            journal.given.push((p, r, before));
        }
    }

    /// Compacts the relations that are mostly deleted rows, so memory
    /// follows the model and not its history.
    fn compact(&mut self) {
        for p in 0..self.relations.len() {
            if !self.relations[p].mostly_gone() {
                continue;
            }
            let moved = self.relations[p].compact();
            self.given[p].renumber(&moved);
        }
    }

    /// Takes back the given status of retracted facts (their rows become
    /// candidates for deletion) and gives it to added facts that are in the
    /// model already; returns those rows, and the added facts still to be
    /// appended, per predicate.
    fn move_given(
        &mut self,
        retract: Vec<(PredId, Vec<Id>)>,
        add: Vec<(PredId, Vec<Id>, Origin)>,
    ) -> (PerPred<RowId>, PerPred<(Vec<Id>, Origin)>) {
        let n = self.relations.len();
        let mut ungiven: PerPred<RowId> = vec![Vec::new(); n];
        let mut stated: PerPred<(Vec<Id>, Origin)> = vec![Vec::new(); n];
        for (p, row) in retract {
            if let Some(r) = self.relations[p].find(&row) {
                if self.given[p].contains(r) {
                    self.set_origin(p, r, None);
                    ungiven[p].push(r);
                }
            }
        }
        for (p, row, origin) in add {
            match self.relations[p].find(&row) {
                Some(r) => {
                    self.set_origin(p, r, Some(origin));
                    ungiven[p].retain(|&u| u != r);
                }
                None => stated[p].push((row, origin)),
            }
        }
        (ungiven, stated)
    }

    /// Deletes every derived fact of `preds` (recomputation starts there).
    fn delete_derived(&mut self, preds: &[PredId], ungiven: &mut PerPred<RowId>) {
        for &p in preds {
            ungiven[p].clear();
            let rows: Vec<RowId> = self.relations[p]
                .live_rows()
                .filter(|r| !self.given[p].contains(*r))
                .collect();
            for r in rows {
                self.relations[p].doom(r);
            }
        }
    }

    /// Evaluates stratum `s` again into fresh relations that start with
    /// its given facts (old and new), and records in `delta` how they
    /// differ from the relations as they were before the update.
    fn rebuild(
        &mut self,
        s: usize,
        stated: &mut PerPred<(Vec<Id>, Origin)>,
        delta: &mut Delta,
        budget: &Budget,
    ) -> Result<(), EvalError> {
        let preds = self.plan.strata[s].predicates.clone();
        // The old relations go to the journal at once, so that an undo
        // finds them even when this evaluation fails.
        let first = (self.journal.as_ref())
            .expect("an update keeps a journal")
            .replaced
            .len();
        for &p in &preds {
            let rel = &self.relations[p];
            // About as many facts as before: room for them saves rehashing.
            // Indexes are built as steps need them, as in evaluation: those
            // only maintenance uses wait for the next change.
            let mut fresh = Relation::with_capacity(rel.arity(), rel.live_len() as usize);
            let mut given = super::given::GivenRows::default();
            for r in rel.live_rows() {
                if let Some(origin) = self.given[p].get(r) {
                    given.insert(fresh.push_new(rel.row(r), rel.round_of(r)), origin);
                }
            }
            fresh.begin_update();
            let rel = std::mem::replace(&mut self.relations[p], fresh);
            let origins = std::mem::replace(&mut self.given[p], given);
            let journal = self.journal.as_mut().expect("an update keeps a journal");
            let at = journal.given.len();
            journal.replaced.push((p, rel, origins, at));
        }
        self.append_given(&preds, stated);
        self.run_stratum(s, None, budget)?;
        let journal = self.journal.as_ref().expect("an update keeps a journal");
        for (p, before, _, _) in &journal.replaced[first..] {
            let (p, now) = (*p, &self.relations[*p]);
            // One lookup a row, in blocks on the pool's threads, kept in
            // row order.
            let (appeared, kept) =
                missing_from(budget.threads(), now, View::Now, before, View::Before);
            for r in appeared {
                delta.appeared[p].push(now.row(r));
            }
            // Every old fact is still there: nothing disappeared.
            if kept == before.count(View::Before) {
                continue;
            }
            let (disappeared, _) =
                missing_from(budget.threads(), before, View::Before, now, View::Now);
            for r in disappeared {
                delta.disappeared[p].push(before.row(r));
            }
        }
        Ok(())
    }

    /// Appends the new given facts of `preds`, in a round of their own.
    fn append_given(&mut self, preds: &[PredId], stated: &mut PerPred<(Vec<Id>, Origin)>) {
        self.clock += 1;
        for &p in preds {
            for (row, origin) in std::mem::take(&mut stated[p]) {
                let rel = &mut self.relations[p];
                if rel.insert(&row, self.clock) {
                    let r = rel.len() - 1;
                    self.set_origin(p, r, Some(origin));
                }
            }
        }
    }

    /// Delete and rederive for one stratum (see the module docs); returns
    /// the first round's facts: rederived ones and new instances. Returns
    /// `None` as soon as more than a tenth of the stratum's facts are
    /// overdeleted (as one edge of a large strongly connected graph does
    /// to its transitive closure): overdeleting and rederiving them would
    /// cost more than evaluating the stratum again, which the caller then
    /// does.
    fn dred(
        &mut self,
        stratum: &StratumPlan,
        edit: &Edit,
        moved: &Moves,
        ungiven: &mut PerPred<RowId>,
        budget: &Budget,
    ) -> Result<Option<Vec<Option<Relation>>>, EvalError> {
        if !self.overdelete(stratum, edit, moved, ungiven, budget)? {
            return Ok(None);
        }
        let mut seed: Vec<Option<Relation>> = vec![None; self.relations.len()];
        self.rederive(stratum, &mut seed);
        self.insert_instances(stratum, edit, moved, &mut seed, budget)?;
        Ok(Some(seed))
    }

    /// Delete and rederive's first step: dooms, in the old state, every
    /// fact of the stratum with an instance that uses a fact that moved
    /// below it, a given fact taken back (`ungiven`), or a fact doomed
    /// so. Returns false, and stops, once more than a tenth of the
    /// stratum's facts would be doomed.
    fn overdelete(
        &mut self,
        stratum: &StratumPlan,
        edit: &Edit,
        moved: &Moves,
        ungiven: &mut PerPred<RowId>,
        budget: &Budget,
    ) -> Result<bool, EvalError> {
        let own = |p: PredId| stratum.predicates.contains(&p);
        let live: u64 = (stratum.predicates.iter())
            .map(|&p| u64::from(self.relations[p].live_len()))
            .sum();
        let mut doomed = 0;
        let allowance = live / 10;
        let before: Vec<Window> = (self.relations.iter())
            .map(|rel| Window {
                old_end: rel.appended().lo,
                delta_end: rel.appended().lo,
            })
            .collect();
        let mut found = self.take_rows(&stratum.predicates, ungiven);
        // The first round reads the rows that moved below the stratum;
        // each later one the facts the round before overdeleted in the
        // stratum's own predicates (never negated: stratification).
        let mut wave: Option<Vec<Relation>> = None;
        loop {
            let old_rules = (stratum.rules.iter()).filter(|r| !edit.new_rules.contains(&r.rule));
            for rule in old_rules {
                for variant in &rule.changes {
                    let removed = match &wave {
                        None if own(variant.pred) => continue,
                        // A removed fact under `not` adds instances; an
                        // added one removes them.
                        None if variant.negated => &moved.appeared,
                        None => &moved.disappeared,
                        Some(_) if !own(variant.pred) => continue,
                        Some(wave) => wave,
                    };
                    if removed[variant.pred].is_empty() {
                        continue;
                    }
                    let left = allowance.saturating_sub(doomed);
                    let join = RuleJoin {
                        rule,
                        steps: &variant.steps,
                        windows: &before,
                        changes: removed,
                    };
                    if !self.instances(join, &mut found, left, budget)? {
                        return Ok(false);
                    }
                }
            }
            let mut next = fresh(&self.relations);
            doomed += self.doom(&mut found, &mut next);
            if next.iter().all(Relation::is_empty) {
                return Ok(true);
            }
            wave = Some(next);
        }
    }

    /// The rows `rows` names of each of `preds` (taken), as relations.
    fn take_rows(&self, preds: &[PredId], rows: &mut PerPred<RowId>) -> Vec<Option<Relation>> {
        let mut found: Vec<Option<Relation>> = vec![None; self.relations.len()];
        for &p in preds {
            for r in std::mem::take(&mut rows[p]) {
                let arity = self.relations[p].arity();
                found[p]
                    .get_or_insert_with(|| Relation::new(arity))
                    .insert(self.relations[p].row(r), 0);
            }
        }
        found
    }

    /// Delete and rederive's last step: puts into `seed`, in the new
    /// state, the instances that use a fact that moved below the stratum,
    /// and every instance of the rules that are new.
    fn insert_instances(
        &mut self,
        stratum: &StratumPlan,
        edit: &Edit,
        moved: &Moves,
        seed: &mut [Option<Relation>],
        budget: &Budget,
    ) -> Result<(), EvalError> {
        let own = |p: PredId| stratum.predicates.contains(&p);
        self.derived = self.count_derived();
        let windows = self.complete_windows();
        for rule in &stratum.rules {
            if edit.new_rules.contains(&rule.rule) {
                let join = RuleJoin {
                    rule,
                    steps: &rule.base,
                    windows: &windows,
                    changes: &[],
                };
                self.derive(join, Sink::Aside(seed), budget)?;
                continue;
            }
            for variant in &rule.changes {
                let added = if variant.negated {
                    &moved.disappeared
                } else {
                    &moved.appeared
                };
                if !own(variant.pred) && !added[variant.pred].is_empty() {
                    let join = RuleJoin {
                        rule,
                        steps: &variant.steps,
                        windows: &windows,
                        changes: added,
                    };
                    self.derive(join, Sink::Aside(seed), budget)?;
                }
            }
        }
        Ok(())
    }

    /// The head facts of every instance of `steps` in the old state, into
    /// `found`; `Ok(false)` once `found` holds more than `allowance`
    /// facts. A large join is split across threads like evaluation's.
    fn instances(
        &mut self,
        join: RuleJoin<'_>,
        found: &mut [Option<Relation>],
        allowance: u64,
        budget: &Budget,
    ) -> Result<bool, EvalError> {
        let RuleJoin {
            rule,
            steps,
            windows,
            changes,
        } = join;
        self.build_indexes(steps);
        let arity = self.relations[rule.head].arity();
        let held: u64 = found.iter().flatten().map(|f| u64::from(f.len())).sum();
        let out = found[rule.head].get_or_insert_with(|| Relation::new(arity));
        let mut left = allowance.saturating_sub(held);
        let split = parallel::first_scan(steps, &self.relations, windows, changes)
            .and_then(|range| parallel::parts(range, budget.jobs, None));
        if let Some(parts) = split {
            return self.instances_in_parts(join, out, left, budget, &parts);
        }
        let mut join = Join {
            view: View::Before,
            changes,
            ..Join::new(
                &self.relations,
                windows,
                &mut self.interner,
                vec![0; rule.slots],
            )
        };
        let mut row = vec![0; arity];
        let mut within = true;
        // The old state was evaluated without error, so none arises here.
        let _ = join.run(steps, &mut |slots: &[Id]| {
            project(&rule.head_args, slots, &mut row);
            if out.insert(&row, 0) {
                if left == 0 {
                    within = false;
                    return Ok(ControlFlow::Break(()));
                }
                left -= 1;
            }
            Ok(MORE)
        });
        Ok(within)
    }

    /// Deletes the live derived facts among `found` and puts them in
    /// `wave`; empties `found`; returns how many were deleted.
    fn doom(&mut self, found: &mut [Option<Relation>], wave: &mut [Relation]) -> u64 {
        let mut count = 0;
        for (p, facts) in found.iter_mut().enumerate() {
            let Some(facts) = facts.as_mut() else {
                continue;
            };
            for i in 0..facts.len() {
                let row = facts.row(i);
                let Some(r) = self.relations[p].find(row) else {
                    continue;
                };
                if !self.given[p].contains(r) {
                    self.relations[p].doom(r);
                    wave[p].insert(row, 0);
                    count += 1;
                }
            }
            facts.clear();
        }
        count
    }

    /// Puts into `seed` each overdeleted fact of the stratum that still has
    /// an instance of one of its rules.
    fn rederive(
        &mut self,
        stratum: &StratumPlan,
        seed: &mut [Option<Relation>],
    ) {
        if stratum
            .predicates
            .iter()
            .all(|&p| self.relations[p].doomed().is_empty())
        {
            return;
        }
        let mut plans = Vec::new();
        for rule in &stratum.rules {
            plans.push((rule, self.rederivation_plan(rule)));
        }
        let windows = self.complete_windows();
        for &p in &stratum.predicates {
            let doomed: Vec<RowId> = self.relations[p].doomed().to_vec();
            for r in doomed {
                let row = self.relations[p].row(r).to_vec();
                let holds = plans.iter().any(|(rule, plan)| {
                    rule.head == p
                        && rule.head_slots(&row).is_some_and(|slots| {
                            !Reader::new(self)
                                .matches(&plan.plan, slots, &windows, 1)
                                .is_empty()
                        })
                });
                if holds {
                    let arity = row.len();
                    seed[p]
                        .get_or_insert_with(|| Relation::new(arity))
                        .insert(&row, 0);
                }
            }
        }
    }

    /// Records what the update did to `p`: in `moved` (when given), every
    /// row appended and every row deleted; in `delta`, those whose facts
    /// were not there before, and those whose facts are not there now.
    /// (Appended rows hold distinct facts, and so do deleted ones.)
    fn collect(&self, p: PredId, delta: &mut Delta, mut moved: Option<&mut Moves>) {
        let rel = &self.relations[p];
        let appended = rel.appended();
        for r in appended.lo..appended.hi {
            let row = rel.row(r);
            if !rel.visible(r, View::Now) {
                continue;
            }
            let hash = hash_ids(row.iter().copied());
            if let Some(moved) = moved.as_deref_mut() {
                moved.appeared[p].push_new_hashed(row, 0, hash);
            }
            if rel.find_in(row, hash, View::Before).is_none() {
                delta.appeared[p].push(row);
            }
        }
        for &r in rel.doomed() {
            let row = rel.row(r);
            let hash = hash_ids(row.iter().copied());
            if let Some(moved) = moved.as_deref_mut() {
                moved.disappeared[p].push_new_hashed(row, 0, hash);
            }
            if rel.find_hashed(row, hash).is_none() {
                delta.disappeared[p].push(row);
            }
        }
    }
}

/// An empty relation per predicate.
fn fresh(relations: &[Relation]) -> Vec<Relation> {
    relations.iter().map(|r| Relation::new(r.arity())).collect()
}
