//! The model: every relation, the interner, where each given fact came
//! from, per-stratum statistics, and what an update keeps to be taken
//! back; and loading the given facts into it. The layer below every
//! other part of evaluation that reads or writes the model.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use hashbrown::HashMap;

use super::given::{Given, GivenRows, Origin};
use super::relation::{Mark, Relation, RowId};
use crate::hash::FxBuild;
use crate::import::ImportedRows;
use crate::intern::Interner;
use crate::plan::{self, HeadPlan, Plan, PredId, Step};
use crate::source::Span;
use crate::time::{Interval, Time};

/// What one stratum did.
#[derive(Clone, Debug)]
pub struct StratumStats {
    /// The predicates it defines.
    pub predicates: Vec<String>,
    /// Rounds run (1 for a non-recursive stratum).
    pub rounds: u32,
    /// Facts it derived.
    pub derived: u64,
    /// Wall-clock time.
    pub time: Duration,
}

/// The model: every fact, and how to read it.
#[derive(Clone, Debug)]
pub struct Database {
    /// The plan, kept for its predicate table and for queries.
    pub(super) plan: Plan,
    /// Every constant.
    pub(super) interner: Interner,
    /// Facts, by predicate id.
    pub(super) relations: Vec<Relation>,
    /// For each relation, the origin of each given row; the other live
    /// rows are derived.
    pub(super) given: Vec<GivenRows>,
    /// One entry per stratum, in order, for the last evaluation or update.
    pub(super) stats: Vec<StratumStats>,
    /// The last round stamped: rounds only grow, so a row appended later
    /// always has a later round.
    pub(super) clock: u32,
    /// Live derived facts, counted against the fact limit: set from the
    /// relations when a stratum starts (see [`Database::count_derived`]),
    /// then counted up as the stratum derives.
    pub(super) derived: u64,
    /// Per join of the running stratum (by the address of its steps), the
    /// nanoseconds a row of its first scan cost one thread last time: what
    /// decides whether splitting it across threads pays.
    pub(super) join_costs: HashMap<usize, f64, FxBuild>,
    /// Rederivation plans (see [`Plan::rederivation`]) kept from
    /// update to update, by rule: its index and its statement's span,
    /// which name the same statement while the program keeps it (plans
    /// keep predicate ids and index numbers from one to the next).
    pub(super) head_plans: HashMap<(usize, Span), Arc<HeadPlan>, FxBuild>,
    /// What the last update changed, while it can still be taken back
    /// (see [`Journal`]).
    pub(super) journal: Option<Box<Journal>>,
    /// The lookups questions made without an index, each once.
    pub(super) scanned: Scanned,
}

impl Database {
    /// A model of `plan` with no facts yet: a relation for each
    /// predicate.
    pub(super) fn empty(plan: Plan, interner: Interner) -> Database {
        let mut db = Database {
            relations: Vec::new(),
            given: Vec::new(),
            plan,
            interner,
            stats: Vec::new(),
            clock: 0,
            derived: 0,
            join_costs: HashMap::default(),
            head_plans: HashMap::default(),
            journal: None,
            scanned: Scanned::default(),
        };
        db.add_relations();
        db
    }

    /// Live rows that are not given, over every relation.
    pub(super) fn count_derived(&self) -> u64 {
        self.relations
            .iter()
            .zip(&self.given)
            .map(|(rel, given)| u64::from(rel.live_len()).saturating_sub(given.len() as u64))
            .sum()
    }

    /// Creates a relation for each predicate of the plan that has none.
    pub(super) fn add_relations(&mut self) {
        for (pred, &arity) in self
            .plan
            .predicates
            .values()
            .enumerate()
            .skip(self.relations.len())
        {
            debug_assert_eq!(pred, self.relations.len());
            self.relations.push(Relation::new(arity));
            self.given.push(GivenRows::default());
        }
    }

    /// Builds the indexes that `steps` look up and relations lack yet.
    pub(super) fn build_indexes(&mut self, steps: &[Step]) {
        let (relations, indexes) = (&mut self.relations, &self.plan.indexes);
        plan::for_each_index(steps, &mut |pred, i| {
            relations[pred].build_index(i, &indexes[pred][i]);
        });
    }

    /// Facts and imported rows, stamped round 0, first origin kept; at a
    /// time point, only those that hold then.
    pub(super) fn load_given(&mut self, given: Given, at: Option<Time>) {
        // Whether a fact holds at the time point (every fact, with none).
        let holds =
            |span: Span| at.is_none_or(|t| given.times.interval_of(span).is_none_or(|i| i.contains(t)));
        // Every value of the facts is interned, those of facts that do not
        // hold at the time point too: they are still the program's, and a
        // why-not should not say they appear nowhere.
        let ids = given.facts.translation(&mut self.interner);
        let mut row = Vec::new();
        for table in given.facts.tables().iter().filter(|t| !t.is_empty()) {
            let pred = self.plan.pred(&table.name);
            self.relations[pred].reserve(table.len());
            self.given[pred].reserve(table.len());
            for at in 0..table.len() {
                let span = table.span(at);
                if !holds(span) {
                    continue;
                }
                row.clear();
                row.extend(ids.row(table.row(at)));
                if self.relations[pred].insert(&row, 0) {
                    let r = self.relations[pred].len() - 1;
                    self.given[pred].insert(r, Origin::Stated(span));
                }
            }
        }
        if let Some(t) = at {
            self.intern_absent(given.imported, t);
        }
        // An empty file of unknown width gives its predicate no arity, so
        // the plan may not know it; it has no facts to load either way.
        for rows in given.imported.iter().filter(|rows| !rows.rows.is_empty()) {
            let pred = self.plan.pred(&rows.predicate);
            for (i, (values, &line)) in rows.rows.iter().zip(&rows.lines).enumerate() {
                let interval = rows.intervals.get(i);
                if at.is_some_and(|t| interval.is_some_and(|i| !i.contains(t))) {
                    continue;
                }
                row.clear();
                row.extend(values.iter().map(|v| self.interner.intern(v.clone())));
                if self.relations[pred].insert(&row, 0) {
                    let r = self.relations[pred].len() - 1;
                    self.given[pred].insert(
                        r,
                        Origin::Import {
                            import: rows.import,
                            line,
                        },
                    );
                }
            }
        }
    }

    /// Interns the values of the imported rows that do not hold at `t`:
    /// they are still the program's, and a why-not should not say they
    /// appear nowhere.
    fn intern_absent(&mut self, imported: &[ImportedRows], t: Time) {
        let absent = |interval: Interval| !interval.contains(t);
        let rows = (imported.iter())
            .flat_map(|rows| rows.rows.iter().zip(&rows.intervals))
            .filter(|(_, &interval)| absent(interval))
            .flat_map(|(values, _)| values);
        for v in rows {
            self.interner.intern(v.clone());
        }
    }

    /// Frees every relation's hash set and indexes (see
    /// [`Relation::drop_tables`]): the model can then only be printed.
    pub fn drop_tables(&mut self) {
        self.relations.iter_mut().for_each(Relation::drop_tables);
    }

}

/// What an update changed in the database, kept until the update is
/// kept for good so that it can be taken back ([`Database::undo`]): a failed
/// change or a what-if leaves the model exactly as it was, row ids and
/// rounds included, at the cost of what changed: the plan before (the
/// rules'), each relation's [`Mark`], the rows purged, the relations
/// replaced by a rebuild (which would have been freed), and the origins
/// of given facts as they were before each change to them.
#[derive(Clone, Debug)]
pub struct Journal {
    pub(super) plan: Plan,
    pub(super) marks: Vec<Mark>,
    pub(super) purged: Vec<(PredId, Vec<RowId>)>,
    /// With the length of `given` when each was replaced: the origins
    /// noted after that are its replacement's.
    pub(super) replaced: Vec<(PredId, Relation, GivenRows, usize)>,
    pub(super) given: Vec<(PredId, RowId, Option<Origin>)>,
    pub(super) clock: u32,
    pub(super) derived: u64,
    pub(super) stats: Vec<StratumStats>,
}

/// The lookups that questions made by scanning, for want of an index:
/// the first question that would build an index scans and tests instead,
/// and the next builds it. A single question (`entente query`) then costs
/// one pass over the facts and no memory, where the index would cost
/// several passes and as much memory as the facts; a host asking many
/// pays one scan before its questions cost what they touch.
#[derive(Default)]
pub struct Scanned(Mutex<HashSet<(PredId, Vec<usize>), FxBuild>>);

impl Scanned {
    /// True the first time a question looks `pred` up on `columns`.
    pub(super) fn first(&self, pred: PredId, columns: &[usize]) -> bool {
        let mut scanned = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        scanned.insert((pred, columns.to_vec()))
    }
}

impl Clone for Scanned {
    fn clone(&self) -> Self {
        let scanned = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        Scanned(Mutex::new(scanned.clone()))
    }
}

impl std::fmt::Debug for Scanned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Scanned")
    }
}
