//! Evaluation: a checked program -> its perfect model, by semi-naive
//! forward chaining, stratum by stratum.
//!
//! In: the [`Plan`] (built by [`crate::plan`] with the interner), the
//! [`Program`] for its facts, and the imported rows. Out: a [`Database`]:
//! every relation, the interner, where each given fact came from, and
//! per-stratum statistics. [`maintain`] keeps a database current when
//! facts and rules are added and retracted.
//!
//! Each stratum runs in rounds. Round one runs every rule once on full
//! relations; each later round runs only the delta variants of the
//! recursive rules, reading the facts the round before produced. A round's
//! new facts are gathered aside (deduplicated against the relation and each
//! other, and counted against the fact limit as they come) and appended
//! when the round ends, so scans never see a relation change under them
//! (split joins may append theirs sooner, past the rows the round reads:
//! see `Sink::Round`).
//! A global round counter stamps every appended batch: a derived fact is
//! always younger than the facts it was derived from.

pub mod arith;
mod ask;
mod config;
mod given;
pub mod join;
pub mod maintain;
pub mod naive;
pub(crate) mod parallel;
#[doc(hidden)]
pub use parallel::split_joins_from;
pub mod relation;
mod rowset;
pub mod threads;
pub mod timeline;

use std::ops::ControlFlow;
use std::time::Duration;

use std::collections::HashSet;
use std::sync::Arc;

use hashbrown::HashMap;
use rayon::slice::ParallelSliceMut;

use crate::ast;
use crate::convert::{value_error, FromValue};
use crate::error::{Error, EvalError, ValueError};
use crate::hash::{self, FxBuild};
pub use crate::import::ImportedRows;
use crate::intern::{Id, Interner, Names};
use crate::load::Program;
use crate::plan::{self, Bindings, Operand, Plan, PredId, QueryPlan, Step};
use crate::source::Span;
use crate::time::{Interval, Time, Validity};
use crate::value::Value;
pub use ask::{Missing, Reader, Scanned};
pub(crate) use config::Budget;
pub use config::{CancelToken, Clock, Config, Progress, ProgressReport};
pub use given::{GivenRows, Origin};
use join::{Join, Window, MORE};
use relation::{Relation, RowId, BATCH};

/// What join reordering keeps of a recursive rule while its stratum runs.
struct Reorder {
    /// The predicate of each body literal that is a positive atom.
    preds: Vec<Option<PredId>>,
    /// The positions of the atoms of the rule's own stratum: one delta
    /// variant each.
    recursive: Vec<usize>,
    /// Per delta variant, the ranking of its atoms by size it was last
    /// planned for (empty: as the plan made it, sizes unknown).
    ranked: Vec<Vec<usize>>,
}

impl Reorder {
    fn new(plan: &Plan, rule: &ast::Rule, own: &HashSet<PredId>) -> Reorder {
        let preds = rule
            .body
            .iter()
            .map(|l| match l {
                ast::Literal::Positive(a) => plan.predicates.get_index_of(&*a.predicate.text),
                _ => None,
            })
            .collect();
        let recursive = plan.recursive_literals(rule, own);
        Reorder {
            preds,
            ranked: vec![Vec::new(); recursive.len()],
            recursive,
        }
    }
}

/// Where a derivation puts the new facts it finds: per head predicate,
/// aside in `pending` until the round's commit appends them.
pub(super) enum Sink<'p> {
    /// A round of [`Database::run_stratum`]. A split join whose head has
    /// nothing pending yet appends its facts to the relation at once, with
    /// the round's stamp: the facts of that head found later in the round
    /// come after them either way, so the order is the one a single thread
    /// gives, and the commit takes the relation's length when the round
    /// began for the start of the delta.
    Round(&'p mut [Option<Relation>]),
    /// Outside the rounds (maintenance gathering the seed of a stratum):
    /// everything goes to `pending`.
    Aside(&'p mut [Option<Relation>]),
}

/// Rows above which canonical order is sorted on several threads.
const PARALLEL_SORT: usize = 1 << 16;

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
    pub plan: Plan,
    /// Every constant.
    pub interner: Interner,
    /// Facts, by predicate id.
    pub relations: Vec<Relation>,
    /// For each relation, the origin of each given row; the other live
    /// rows are derived.
    pub given: Vec<GivenRows>,
    /// One entry per stratum, in order, for the last evaluation or update.
    pub stats: Vec<StratumStats>,
    /// The last round stamped: rounds only grow, so a row appended later
    /// always has a later round.
    clock: u32,
    /// Live derived facts, counted against the fact limit: set from the
    /// relations when a stratum starts (see [`Database::count_derived`]),
    /// then counted up as the stratum derives.
    derived: u64,
    /// Per join of the running stratum (by the address of its steps), the
    /// nanoseconds a row of its first scan cost one thread last time: what
    /// decides whether splitting it across threads pays.
    join_costs: HashMap<usize, f64, FxBuild>,
    /// Rederivation plans (see [`Database::plan_from_head`]) kept from
    /// update to update, by rule: its index and its statement's span,
    /// which name the same statement while the program keeps it (plans
    /// keep predicate ids and index numbers from one to the next).
    head_plans: HashMap<(usize, Span), Arc<HeadPlan>, FxBuild>,
    /// What the last update changed, while it can still be taken back
    /// (see [`maintain::Journal`]).
    journal: Option<Box<maintain::Journal>>,
    /// The lookups questions made without an index, each once.
    scanned: Scanned,
}

/// Computes the perfect model of a checked program from its plan (built
/// with `interner`).
pub fn evaluate(
    plan: Plan,
    interner: Interner,
    program: &Program,
    imported: &[ImportedRows],
    config: &Config,
) -> Result<Database, EvalError> {
    let budget = Budget::start(config);
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
    db.load_given(program, imported, config.at);
    for s in 0..db.plan.strata.len() {
        let stats = db.run_stratum(s, program, None, &budget)?;
        db.stats.push(stats);
    }
    Ok(db)
}

impl Database {
    /// The id of a predicate, if the model has its relation.
    pub fn pred(&self, name: &str) -> Option<PredId> {
        let pred = self.plan.predicates.get_index_of(name)?;
        (pred < self.relations.len()).then_some(pred)
    }

    /// Live rows that are not given, over every relation.
    fn count_derived(&self) -> u64 {
        self.relations
            .iter()
            .zip(&self.given)
            .map(|(rel, given)| u64::from(rel.live_len()).saturating_sub(given.len() as u64))
            .sum()
    }

    /// Where row `r` of `pred` was given, or `None` for a derived row.
    pub fn origin(&self, pred: PredId, r: RowId) -> Option<Origin> {
        self.given[pred].get(r)
    }

    /// Creates a relation for each predicate of the plan that has none.
    fn add_relations(&mut self) {
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
    fn build_indexes(&mut self, steps: &[Step]) {
        let (relations, indexes) = (&mut self.relations, &self.plan.indexes);
        plan::for_each_index(steps, &mut |pred, i| {
            relations[pred].build_index(i, &indexes[pred][i]);
        });
    }

    /// Facts and imported rows, stamped round 0, first origin kept; at a
    /// time point, only those that hold then.
    fn load_given(&mut self, program: &Program, imported: &[ImportedRows], at: Option<Time>) {
        // Whether a fact holds at the time point (every fact, with none).
        let holds = |span: Span| {
            at.is_none_or(|t| {
                (program.when(span).and_then(|w| w.interval())).is_none_or(|i| i.contains(t))
            })
        };
        // Every value of the facts is interned, those of facts that do not
        // hold at the time point too: they are still the program's, and a
        // why-not should not say they appear nowhere.
        let ids = program.facts.translation(&mut self.interner);
        let mut row = Vec::new();
        for table in program.facts.tables().iter().filter(|t| !t.is_empty()) {
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
            self.intern_absent(imported, t);
        }
        // An empty file of unknown width gives its predicate no arity, so
        // the plan may not know it; it has no facts to load either way.
        for rows in imported.iter().filter(|rows| !rows.rows.is_empty()) {
            let name = &program.imports[rows.import].import.predicate.text;
            let pred = self.plan.pred(name);
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

    /// Runs stratum `s` to its fixpoint. The first round runs every rule
    /// once on the full relations, unless `seed` gives its new facts (as
    /// incremental maintenance does); later rounds run the delta variants.
    fn run_stratum(
        &mut self,
        s: usize,
        program: &Program,
        seed: Option<Vec<Option<Relation>>>,
        budget: &Budget,
    ) -> Result<StratumStats, EvalError> {
        let start = budget.clock.now();
        let mut stratum = self.plan.strata[s].clone();
        // Joins are named by where their steps are, which changes now.
        self.join_costs.clear();
        let own: HashSet<PredId> = stratum.predicates.iter().copied().collect();
        let mut reorders: Vec<Option<Reorder>> = stratum
            .rules
            .iter()
            .map(|r| {
                let rule = &program.rules[r.rule];
                (!r.deltas.is_empty()).then(|| Reorder::new(&self.plan, rule, &own))
            })
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
                self.adapt_join_orders(&mut stratum, &mut reorders, program, &own, &windows);
            }
            if !(first && seeded) {
                for rule in &stratum.rules {
                    let variants = if first {
                        std::slice::from_ref(&rule.base)
                    } else {
                        &rule.deltas[..]
                    };
                    for steps in variants {
                        if !first && delta_pred(steps).is_some_and(|p| windows[p].delta_is_empty())
                        {
                            continue;
                        }
                        let sink = Sink::Round(&mut pending);
                        let join = RuleJoin {
                            rule,
                            steps,
                            windows: &windows,
                            changes: &[],
                        };
                        self.derive(join, sink, budget)?;
                    }
                }
            }
            let any_new = self.commit(&stratum.predicates, &mut pending, &mut windows, self.clock);
            if !any_new || !recursive {
                break;
            }
        }
        Ok(StratumStats {
            predicates: stratum
                .predicates
                .iter()
                .map(|&p| {
                    self.plan
                        .predicates
                        .get_index(p)
                        .map(|(n, _)| n.clone())
                        .unwrap_or_default()
                })
                .collect(),
            rounds,
            derived: self.derived.saturating_sub(before),
            time: budget.clock.since(start),
        })
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
        reorders: &mut [Option<Reorder>],
        program: &Program,
        own: &HashSet<PredId>,
        windows: &[Window],
    ) {
        for (rule, reorder) in stratum.rules.iter_mut().zip(reorders) {
            let Some(Reorder {
                preds,
                recursive,
                ranked,
            }) = reorder
            else {
                continue;
            };
            let ast = &program.rules[rule.rule];
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
            let now: Vec<Vec<usize>> = recursive.iter().map(|&d| ranking(d)).collect();
            if now == *ranked {
                continue;
            }
            *ranked = now;
            let (deltas, slots) =
                self.plan
                    .delta_variants(ast, own, &mut self.interner, Some(&size));
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

    /// `head :- body`: runs one variant of a rule over the current state
    /// (`changes` feeds its [`plan::Version::Change`] scan) and projects
    /// each match onto the head, keeping the facts that neither the
    /// relation nor `pending` has yet.
    fn derive(
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

    /// Every relation in full.
    pub fn complete_windows(&self) -> Vec<Window> {
        self.relations.iter().map(Window::complete).collect()
    }

    /// Plans a body to run against this model (see
    /// [`Plan::body_plan`]); the indexes it needs are built at once, so a
    /// plan from here can always run.
    pub fn plan_body(
        &mut self,
        body: &[ast::Literal],
        bound: &[&str],
        wanted: Bindings,
    ) -> QueryPlan {
        let sizes: Vec<u32> = self.relations.iter().map(Relation::live_len).collect();
        let plan = self
            .plan
            .body_plan(body, bound, wanted, &mut self.interner, &sizes);
        self.add_relations();
        self.build_indexes(&plan.steps);
        plan
    }

    /// [`Database::plan_from_head`] for one instance, planned once per
    /// statement and kept (its indexes built again if a relation was
    /// rebuilt since).
    pub fn rederivation_plan(&mut self, index: usize, rule: &ast::Rule) -> Arc<HeadPlan> {
        let key = (index, rule.span);
        if let Some(plan) = self.head_plans.get(&key).cloned() {
            self.add_relations();
            self.build_indexes(&plan.plan.steps);
            return plan;
        }
        let plan = Arc::new(self.plan_from_head(rule, Bindings::One));
        self.head_plans.insert(key, plan.clone());
        plan
    }

    /// Plans a rule's body to run with its head bound to a fact (see
    /// [`HeadPlan`]), for every instance ([`Bindings::All`]) or one.
    pub fn plan_from_head(&mut self, rule: &ast::Rule, wanted: Bindings) -> HeadPlan {
        let names = head_variables(rule);
        let body = ast::name_wildcards(&rule.body);
        let plan = self.plan_body(&body, &names, wanted);
        HeadPlan { body, plan }
    }

    /// The first slots of a [`HeadPlan`] of `rule` for the fact `row`, or
    /// `None` when the head cannot take the fact's values.
    pub fn bind_head(&self, rule: &ast::Rule, row: &[Id]) -> Option<Vec<Id>> {
        let names = head_variables(rule);
        let mut slots = vec![0; names.len()];
        let mut set = vec![false; names.len()];
        for (t, &value) in rule.head.args.iter().zip(row) {
            match t {
                ast::Term::Var(v) => {
                    let s = names.iter().position(|n| *n == v.name)?;
                    if set[s] && slots[s] != value {
                        return None;
                    }
                    slots[s] = value;
                    set[s] = true;
                }
                ast::Term::Const(c, _) => {
                    if self.interner.get(c) != Some(value) {
                        return None;
                    }
                }
                ast::Term::Wildcard(_) => {}
            }
        }
        Some(slots)
    }

    /// The plan of a checked query, its constants interned in the model:
    /// it can be run again after the model changed
    /// ([`Database::answer_planned`]).
    pub fn plan_query(&mut self, query: &ast::Query) -> QueryPlan {
        for atom in query_atoms(query) {
            self.plan.ensure_pred(&atom.predicate.text, atom.args.len());
        }
        self.plan_body(&query.body, &[], Bindings::Named)
    }

    /// Answers a planned query against the model: the distinct bindings
    /// of its named variables, sorted.
    pub fn answer_planned(&mut self, plan: &QueryPlan) -> Result<Answers, EvalError> {
        // The model may have changed since the plan was made: relations
        // rebuilt since have no index yet.
        self.add_relations();
        self.build_indexes(&plan.steps);
        Reader::new(self).answer_planned(plan)
    }

    /// The rows of a predicate in canonical order (SPEC §6): all of them,
    /// or only the derived ones.
    pub fn sorted_rows(&self, pred: PredId, derived_only: bool) -> Vec<RowId> {
        let rel = &self.relations[pred];
        let live = self.rows_of(pred, derived_only);
        // Keys are computed once, reading the rows in order; the sort
        // then moves plain integers.
        let keys: Option<Vec<(u64, RowId)>> = live
            .clone()
            .map(|r| packed_key(rel.row(r)).map(|k| (k, r)))
            .collect();
        match keys {
            Some(mut keys) => {
                sort(&mut keys, |a, b| a.cmp(b));
                keys.into_iter().map(|(_, r)| r).collect()
            }
            None => {
                let mut rows: Vec<RowId> = live.collect();
                sort(&mut rows, |&a, &b| {
                    self.interner.cmp_rows(rel.row(a), rel.row(b))
                });
                rows
            }
        }
    }

    /// The rows of a predicate in canonical order as their packed keys
    /// (see [`packed_key`]), when every row has one: half the memory of
    /// row ids with their keys, and enough to print the rows.
    pub fn sorted_keys(&self, pred: PredId, derived_only: bool) -> Option<Vec<u64>> {
        let rel = &self.relations[pred];
        let mut keys: Vec<u64> = self
            .rows_of(pred, derived_only)
            .map(|r| packed_key(rel.row(r)))
            .collect::<Option<_>>()?;
        sort(&mut keys, u64::cmp);
        Some(keys)
    }

    /// [`Database::sorted_keys`], taking the rows out of the relation as
    /// they are read (a block at a time, each block's memory freed), so
    /// that the keys take the rows' memory rather than as much again: for
    /// a model about to be dropped. Leaves the rows in place when some row
    /// has no key.
    pub fn take_sorted_keys(&mut self, pred: PredId, derived_only: bool) -> Option<Vec<u64>> {
        let rel = &self.relations[pred];
        if !rel.live_rows().all(|r| packed_key(rel.row(r)).is_some()) {
            return None;
        }
        let given = &self.given[pred];
        let mut keys = Vec::new();
        self.relations[pred].drain_rows(|r, row| {
            if !derived_only || !given.contains(r) {
                keys.extend(packed_key(row));
            }
        });
        sort(&mut keys, u64::cmp);
        Some(keys)
    }

    /// The live rows of a predicate, all or only the derived ones.
    fn rows_of(
        &self,
        pred: PredId,
        derived_only: bool,
    ) -> impl Iterator<Item = RowId> + Clone + '_ {
        let given = &self.given[pred];
        self.relations[pred]
            .live_rows()
            .filter(move |r| !derived_only || !given.contains(*r))
    }

    /// Sorts rows of ids in canonical order (SPEC §6).
    pub fn sort_canonical(&self, rows: &mut [&[Id]]) {
        let keys: Option<Vec<(u64, u32)>> = rows
            .iter()
            .enumerate()
            .map(|(i, row)| packed_key(row).map(|k| (k, i as u32)))
            .collect();
        if let Some(mut keys) = keys {
            // Each key computed once: comparisons are of plain integers.
            keys.sort_unstable();
            let unsorted = rows.to_vec();
            for (slot, (_, i)) in rows.iter_mut().zip(keys) {
                *slot = unsorted[i as usize];
            }
        } else {
            rows.sort_unstable_by(|a, b| self.interner.cmp_rows(a, b));
        }
    }

    /// The facts of a predicate as values, in canonical order.
    pub fn facts(&self, pred: PredId, derived_only: bool) -> Vec<Vec<Value>> {
        let rel = &self.relations[pred];
        self.sorted_rows(pred, derived_only)
            .into_iter()
            .map(|r| self.values(rel.row(r)))
            .collect()
    }

    /// The values of a row of ids.
    pub fn values(&self, row: &[Id]) -> Vec<Value> {
        row.iter()
            .map(|&i| self.interner.value(i).clone())
            .collect()
    }

    /// Frees every relation's hash set and indexes (see
    /// [`Relation::drop_tables`]): the model can then only be printed.
    pub fn drop_tables(&mut self) {
        self.relations.iter_mut().for_each(Relation::drop_tables);
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
}

/// A rule's body planned to run with the head's variables bound to a
/// fact's values (they are the plan's first slots): how a proof finds the
/// instances behind a fact, and how maintenance asks whether a deleted fact
/// still has one.
#[derive(Clone, Debug)]
pub struct HeadPlan {
    /// The body, each `_` of a positive atom named (see
    /// [`ast::name_wildcards`]) so that its value shows.
    pub body: Vec<ast::Literal>,
    /// The join.
    pub plan: QueryPlan,
}

/// The distinct variables of a rule's head, in order.
fn head_variables(rule: &ast::Rule) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for t in &rule.head.args {
        if let ast::Term::Var(v) = t {
            if !names.contains(&v.name.as_str()) {
                names.push(&v.name);
            }
        }
    }
    names
}

/// The answers to one query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answers {
    /// The query's named variables, in order of first appearance.
    pub variables: Vec<String>,
    /// One row of values per answer, sorted; a ground query that holds has
    /// one empty row, one that fails none.
    pub rows: Vec<Vec<Value>>,
    /// When each answer holds, in the order of `rows`, for a query asked
    /// over every time of a program that says when facts hold (SPEC §10);
    /// empty otherwise (every answer holds at the time asked about).
    pub validities: Vec<Validity>,
}

impl Answers {
    /// True when the query has at least one answer.
    pub fn holds(&self) -> bool {
        !self.rows.is_empty()
    }

    /// When the answer at `i` holds: always, unless the answers were
    /// asked over time; `None` when there is no answer `i`.
    pub fn validity(&self, i: usize) -> Option<Validity> {
        if i >= self.rows.len() {
            return None;
        }
        Some(
            self.validities
                .get(i)
                .cloned()
                .unwrap_or_else(Validity::always),
        )
    }

    /// The answers one by one, each readable by variable name.
    pub fn iter(&self) -> impl Iterator<Item = Answer<'_>> {
        self.rows.iter().map(|values| Answer {
            variables: &self.variables,
            values,
        })
    }
}

/// One answer: a value for each of the query's variables.
#[derive(Clone, Copy, Debug)]
pub struct Answer<'a> {
    variables: &'a [String],
    values: &'a [Value],
}

impl<'a> Answer<'a> {
    /// The value of `variable` as a Rust `T` (see [`FromValue`]):
    /// `answer.get::<i64>("Year")`, `answer.get::<&str>("Who")`. An
    /// `entente::value` error when the goal has no such variable or the
    /// value is not a `T`.
    ///
    /// ```
    /// use entente::Engine;
    ///
    /// let mut engine = Engine::new();
    /// engine.load_source("kb.rules", "treaty(armenia, russia, 1997).")?;
    /// engine.run()?;
    /// let (answers, _) = engine.query("treaty(A, B, Year)")?;
    /// let first = answers.iter().next().unwrap();
    /// assert_eq!(first.get::<i64>("Year")?, 1997);
    /// assert_eq!(first.get::<&str>("A")?, "armenia");
    /// assert!(first.get::<i64>("A").is_err());
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn get<T: FromValue<'a>>(&self, variable: &str) -> Result<T, Error> {
        let Some(value) = self.value(variable) else {
            let name = variable.to_string();
            let help = format!("the variables are {}", self.variables.join(", "));
            return Err(value_error(name.clone(), |span| ValueError::NoVariable {
                name,
                span,
                help,
            }));
        };
        T::from_value(value).ok_or_else(|| {
            let text = value.to_string();
            value_error(text.clone(), |span| ValueError::WrongType {
                value: text,
                wanted: T::WANTED,
                span,
            })
        })
    }

    /// The value of `variable`, if the goal has it.
    pub fn value(&self, variable: &str) -> Option<&'a Value> {
        let i = self.variables.iter().position(|v| v == variable)?;
        self.values.get(i)
    }

    /// The values, in the order of [`Answers::variables`].
    pub fn values(&self) -> &'a [Value] {
        self.values
    }

    /// The query's variables, in order.
    pub fn variables(&self) -> &'a [String] {
        self.variables
    }
}

fn query_atoms(query: &ast::Query) -> Vec<&ast::Atom> {
    let mut atoms = Vec::new();
    ast::for_each_atom(&query.body, &mut |a, _| atoms.push(a));
    atoms
}

/// Rows of at most two inline integers sort by one packed key (sorting
/// by it is the canonical order); `None` for other rows.
/// Sorts, on the threads of the rayon pool it runs in (see
/// [`threads::Threads`]) when `items` are many; outside a pool, on the
/// calling thread alone. A total order: the result is the same either way.
fn sort<T: Send>(items: &mut [T], order: impl Fn(&T, &T) -> std::cmp::Ordering + Sync) {
    if items.len() > PARALLEL_SORT && rayon::current_thread_index().is_some() {
        items.par_sort_unstable_by(order);
    } else {
        items.sort_unstable_by(order);
    }
}

/// Rows of a round's new facts above which their buffer is sized afresh
/// for the next round.
const RESIZE_PENDING_ROWS: usize = 1 << 16;

/// The row of a [`packed_key`] (of a row of `arity` columns).
pub fn unpack_key(key: u64, arity: usize, row: &mut Vec<Id>) {
    row.clear();
    for c in (0..arity).rev() {
        row.push(Interner::from_int_key((key >> (32 * c)) as u32));
    }
}

/// An order-preserving integer key of a row of at most two small
/// integers: comparing keys compares the rows canonically.
pub fn packed_key(row: &[Id]) -> Option<u64> {
    if row.len() > 2 {
        return None;
    }
    row.iter().try_fold(0u64, |k, &id| {
        Interner::int_key(id).map(|i| (k << 32) | u64::from(i))
    })
}

/// One variant of a rule and the state its join reads: what
/// [`Database::derive`] and maintenance's overdeletion run.
#[derive(Clone, Copy)]
pub(crate) struct RuleJoin<'a> {
    /// The rule (its head, slots and span).
    pub rule: &'a plan::RulePlan,
    /// The variant's steps.
    pub steps: &'a [Step],
    /// What each relation shows.
    pub windows: &'a [Window],
    /// The changed facts its [`plan::Version::Change`] scan reads.
    pub changes: &'a [Relation],
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

/// The buffer of a candidate head fact: an array when its length is known
/// when compiling, so that projecting and hashing it unroll. It is hashed
/// value by value (`hash_ids` over an iterator): hashing a copy of the
/// whole array read the values just stored one by one as one wider load,
/// which the processor cannot forward from the stores (a stall a
/// candidate, a third of Andersen's time).
trait HeadRow: AsRef<[Id]> + AsMut<[Id]> + Clone {}

impl<T: AsRef<[Id]> + AsMut<[Id]> + Clone> HeadRow for T {}

/// Runs `$body` with `$row` bound to a [`HeadRow`] buffer of `$arity`
/// values: an array for up to three, a `Vec` beyond.
macro_rules! with_head_row {
    ($arity:expr, $row:ident => $body:expr) => {
        match $arity {
            1 => {
                let $row = [0; 1];
                $body
            }
            2 => {
                let $row = [0; 2];
                $body
            }
            3 => {
                let $row = [0; 3];
                $body
            }
            n => {
                let $row = vec![0; n];
                $body
            }
        }
    };
}
use with_head_row;

/// A head's row from a match's slots, into `row` (as long as the head).
#[inline]
fn project(head: &[Operand], slots: &[Id], row: &mut [Id]) {
    for (value, o) in row.iter_mut().zip(head) {
        *value = match *o {
            Operand::Slot(s) => slots[s],
            Operand::Const(c) => c,
        };
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
