//! A live dataflow: the `dd` engine's model kept by differential
//! dataflow as given facts are added and retracted (SPEC §15).
//!
//! The workers of a [`Live`] model stay running after the first change,
//! each waiting for the next command: the changes to the given facts,
//! fed as the next time point of the dataflow's outer timestamp (a
//! model without time has no other use for it). Differential dataflow
//! brings every stratum to its new fixpoint and hands back what changed:
//! each derived fact that appears, disappears or changes its depth. The
//! net changes are the update's [`Delta`]; the model's [`Database`] is
//! filled again with the facts at their new depths (a merge of the facts
//! that did not move, read in the order the model holds them, with
//! those that did, sorted: no sort of the whole model; the strata below
//! the first that changed are copied whole), because a fact's
//! round is its stratum's offset plus its depth (see [`super`]), and a
//! change of depth anywhere below a fact can move its premises past it:
//! keeping the old rows would break proofs.
//!
//! The workers start on the first change (a run that asks no more
//! questions holds no dataflow beside its model), on the model's given
//! facts as the first time point, which gives the depths the model was
//! filled with. A change of rules changes the dataflow itself: the
//! semi-naive maintenance takes it, the workers stop, and the next
//! change of facts starts new ones (and fills the model again, since
//! the maintenance stamped rounds of its own), as does a fact of a
//! predicate new to the program (it can number the strata anew, and
//! the rounds are by stratum). A run stopped by its
//! budget stops the workers too; an arithmetic error leaves them, and
//! taking the change back feeds its inverse.
//!
//! One process only: a REPL or a library's host types its changes into
//! one process, and a cluster's processes would all have to.

use std::fmt;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};

use indexmap::IndexMap;

use std::collections::{HashMap, HashSet};
use timely::communication::WorkerGuards;

use super::super::config::Budget;
use super::super::maintain::{Delta, Edit, Rows};
use super::super::{Config, Database, Given, Model, Origin};
use super::super::relation::Relation;
use super::{build, by_values, cluster, drain, Push, first_rule, split_faults, step_until, Cluster, Derived, Row, Sink, Stop};
use crate::error::EvalError;
use crate::intern::{Id, Interner};
use crate::plan::{Plan, PredId};
use crate::time::{Time, NEVER_BEFORE};
use crate::value::Value;

/// Changes to the given facts, for every predicate in order: each row
/// that comes to be given (`+1`) or stops being given (`-1`).
type Changes = Arc<Vec<Vec<(Row, isize)>>>;

/// The `dd` engine's model in one process, kept by a live dataflow.
pub(crate) struct Live {
    db: Database,
    /// Each stratum's round before its first, when `db`'s rounds are the
    /// dataflow's: a derived fact of depth `d` in stratum `s` has round
    /// `offsets[s] + d`. `None` after the semi-naive maintenance.
    offsets: Option<Vec<u32>>,
    /// Worker threads to start.
    threads: usize,
    /// The running workers, once a change started them.
    workers: Option<Workers>,
    /// What the last change needs to be taken back.
    last: Option<Last>,
}

/// How to take the last change back.
#[derive(Clone)]
enum Last {
    /// A change of given facts: its inverse, to feed the workers, and the
    /// model and offsets before it (`None` when it failed before the
    /// model changed).
    Facts {
        inverse: Changes,
        before: Option<Box<(Database, Option<Vec<u32>>)>>,
    },
    /// A change of rules, which the database's own journal takes back;
    /// the offsets before it.
    Rules { offsets: Option<Vec<u32>> },
}

/// Evaluates the program as [`super::evaluate`] does, into a model that
/// a live dataflow keeps after (in one process: `cluster` has no hosts).
pub(crate) fn live(
    plan: Plan,
    interner: Interner,
    given: Given,
    config: &Config,
    cluster: &Cluster,
) -> Result<Box<dyn Model>, EvalError> {
    let (db, offsets) = super::evaluate_filled(plan, interner, given, config, cluster)?;
    Ok(Box::new(Live {
        db,
        offsets: Some(offsets),
        threads: cluster.workers.max(1),
        workers: None,
        last: None,
    }))
}

impl fmt::Debug for Live {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Live")
            .field("db", &self.db)
            .field("threads", &self.threads)
            .field("running", &self.workers.is_some())
            .finish_non_exhaustive()
    }
}

impl Model for Live {
    fn facts(&self) -> &Database {
        &self.db
    }

    fn facts_mut(&mut self) -> &mut Database {
        &mut self.db
    }

    fn maintain(&mut self, plan: Plan, edit: Edit, config: &Config) -> Result<Delta, EvalError> {
        self.keep_update();
        if !edit.new_rules.is_empty() || !edit.removed_heads.is_empty() {
            self.workers = None;
            self.last = Some(Last::Rules {
                offsets: self.offsets.take(),
            });
            return self.db.maintain(plan, edit, config);
        }
        let moved = Moved::of(&self.db, &edit);
        // The model as it was, with other rounds, when the workers'
        // first run filled it again: what taking the change back restores.
        let refilled = self.ready(&plan, config)?;
        let changes: Changes = Arc::new(moved.changes(&self.db, plan.predicates.len()));
        let inverse = Arc::new(
            (changes.iter())
                .map(|rows| rows.iter().map(|(row, d)| (row.clone(), -d)).collect())
                .collect(),
        );
        self.last = Some(Last::Facts {
            inverse,
            before: refilled.map(|db| Box::new((db, None))),
        });
        let derived = self.run(changes, config)?;
        let (db, offsets, delta) = self.filled_after(plan, &moved, derived, config)?;
        let before = (std::mem::replace(&mut self.db, db), self.offsets.replace(offsets));
        if let Some(Last::Facts { before: slot, .. }) = &mut self.last {
            slot.get_or_insert(Box::new(before));
        }
        Ok(delta)
    }

    fn keep_update(&mut self) {
        if let Some(Last::Rules { .. }) = self.last.take() {
            self.db.keep_update();
        }
    }

    fn undo(&mut self) -> bool {
        match self.last.take() {
            None => false,
            Some(Last::Rules { offsets }) => {
                self.offsets = offsets;
                self.db.undo()
            }
            Some(Last::Facts { inverse, before }) => {
                if let Some(before) = before {
                    let (db, offsets) = *before;
                    self.db = db;
                    self.offsets = offsets;
                }
                if self.workers.is_some() {
                    // Unbounded: it takes the workers back to a state they
                    // were in.
                    let config = Config::with_max_facts(u64::MAX);
                    if self.run(inverse, &config).is_err() {
                        self.workers = None;
                    }
                }
                true
            }
        }
    }

    fn boxed_clone(&self) -> Box<dyn Model> {
        // A copy starts workers of its own when it changes.
        Box::new(Live {
            db: self.db.clone(),
            offsets: self.offsets.clone(),
            threads: self.threads,
            workers: None,
            last: self.last.clone(),
        })
    }
}

impl Live {
    /// Starts the workers if none run for `plan`'s predicates, on the
    /// model's given facts; fills the model again from their output when
    /// its rounds are not the dataflow's, and then returns the model as
    /// it was.
    fn ready(&mut self, plan: &Plan, config: &Config) -> Result<Option<Database>, EvalError> {
        let preds = plan.predicates.len();
        // A predicate new to the program (a fact of it added) can number
        // the strata anew, and the offsets are by stratum.
        if self.db.plan().stratum_of() != plan.stratum_of() {
            self.offsets = None;
        }
        if self.offsets.is_some() && self.workers.as_ref().is_some_and(|w| w.preds == preds) {
            return Ok(None);
        }
        self.workers = None;
        let workers = Workers::start(plan, self.db.names(), self.threads).map_err(|message| EvalError::Cluster {
            message,
            span: first_rule(plan),
        })?;
        self.workers = Some(workers);
        let db = &self.db;
        let given: Vec<Vec<(Row, isize)>> = (0..preds)
            .map(|p| {
                let rows = (p < db.relation_count()).then(|| db.live_rows(p)).into_iter().flatten();
                let given = rows.filter(|&r| db.origin(p, r).is_some());
                given.map(|r| (Row::of_ids(db.row(p, r), db.names()), 1)).collect()
            })
            .collect();
        let derived = self.run(Arc::new(given), config)?;
        if self.offsets.is_none() {
            let (none, same) = (HashSet::new(), HashMap::new());
            let given = self.given_rows(&none, &same, &[]);
            let facts = derived.into_iter().filter(|f| f.4 > 0).map(|(p, row, depth, _, _)| (p, row, depth));
            let mut db = Database::empty(plan.clone(), self.db.names().clone());
            let facts = facts.map(|(p, row, depth)| (p, row.ids(&mut db.interner), depth)).collect();
            let offsets = db.refill(given, facts, config)?;
            self.offsets = Some(offsets);
            return Ok(Some(std::mem::replace(&mut self.db, db)));
        }
        Ok(None)
    }

    /// Runs `changes` on the workers; stops them when the run stopped.
    fn run(&mut self, changes: Changes, config: &Config) -> Result<Vec<Derived>, EvalError> {
        let workers = self.workers.as_mut().expect("started");
        let model = self.db.count_derived();
        let fed = changes.iter().map(|rows| rows.len() as u64).sum::<u64>();
        let most = config.max_facts.saturating_add(model).saturating_add(fed);
        let ran = workers.run(changes, self.db.names(), config, most);
        if !workers.running {
            self.workers = None;
        }
        ran
    }

    /// The given facts of the model, less `ungiven` and with the origins
    /// of `origins`, in row order; none of the predicates `skip` marks.
    fn given_rows<'a>(
        &'a self,
        ungiven: &'a HashSet<(PredId, u32)>,
        origins: &'a HashMap<(PredId, u32), Origin>,
        skip: &'a [bool],
    ) -> impl Iterator<Item = (PredId, Vec<Id>, Origin)> + 'a {
        let db = &self.db;
        (0..db.relation_count()).filter(|&p| !skip.get(p).copied().unwrap_or(false)).flat_map(move |p| {
            db.live_rows(p).filter_map(move |r| {
                let origin = origins.get(&(p, r)).copied().or(db.origin(p, r))?;
                (!ungiven.contains(&(p, r))).then(|| (p, db.row(p, r).to_vec(), origin))
            })
        })
    }

    /// The model after `moved`, whose run changed the derived facts by
    /// `derived`: filled afresh from the given facts then and the derived
    /// facts at their depths then; with its offsets and the net change.
    fn filled_after(
        &self,
        plan: Plan,
        moved: &Moved,
        derived: Vec<Derived>,
        config: &Config,
    ) -> Result<(Database, Vec<u32>, Delta), EvalError> {
        let offsets = self.offsets.as_ref().expect("the model's rounds are the dataflow's");
        let stratum_of = plan.stratum_of();
        let mut db = Database::empty(plan, self.db.names().clone());
        let rows = |db: &Database| (0..db.relation_count()).map(|p| Rows::new(db.plan().predicates[p])).collect();
        let mut delta = Delta {
            appeared: rows(&db),
            disappeared: rows(&db),
        };
        // Each derived fact's changes are consecutive (sorted by fact):
        // their sum is its net change, and a fact that holds after has
        // one depth then.
        let mut moves: Vec<Relation> = (0..db.relation_count()).map(|p| Relation::new(db.plan().predicates[p])).collect();
        let mut new: Vec<Vec<(u64, Vec<Id>)>> = vec![Vec::new(); db.relation_count()];
        let mut i = 0;
        while i < derived.len() {
            let (p, row) = (derived[i].0, &derived[i].1);
            let ids = row.ids(&mut db.interner);
            let mut net = 0;
            while i < derived.len() && derived[i].0 == p && &derived[i].1 == row {
                let (_, _, depth, _, d) = derived[i];
                if d > 0 {
                    new[p].push((depth, ids.clone()));
                }
                net += d;
                i += 1;
            }
            match net {
                1.. => delta.appeared[p].push(&ids),
                ..0 => delta.disappeared[p].push(&ids),
                0 => {}
            }
            moves[p].insert(&ids, 0);
        }
        // Predicates no rule defines change as their given facts do.
        for (p, row) in moved.added.keys() {
            if stratum_of[*p] == usize::MAX {
                delta.appeared[*p].push(row);
            }
        }
        for &(p, r) in &moved.ungiven {
            if stratum_of[p] == usize::MAX {
                delta.disappeared[p].push(self.db.row(p, r));
            }
        }
        // The strata below the first that changed, and the predicates no
        // rule defines that did not change, are as they were: their
        // relations (and indexes) are copied whole, their rounds stay.
        let old = &self.db;
        let mut changed: Vec<bool> = (0..db.relation_count()).map(|p| p >= old.relation_count() || !moves[p].is_empty()).collect();
        let given_moves = moved.ungiven.iter().chain(&moved.promoted).map(|&(p, _)| p);
        for p in given_moves.chain(moved.added.keys().map(|(p, _)| *p)) {
            changed[p] = true;
        }
        let first = (0..changed.len()).filter(|&p| changed[p]).map(|p| stratum_of[p]).filter(|&s| s != usize::MAX).min();
        let first = first.unwrap_or(old.stats.len()).min(old.stats.len());
        let kept: Vec<bool> = (0..changed.len()).map(|p| !changed[p] && (stratum_of[p] == usize::MAX || stratum_of[p] < first)).collect();
        for p in (0..kept.len()).filter(|&p| kept[p]) {
            db.relations[p] = old.relations[p].clone();
            db.given[p] = old.given[p].clone();
        }
        db.clock = offsets.get(first).copied().unwrap_or(old.clock);
        db.stats = old.stats[..first].to_vec();
        db.derived = db.stats.iter().map(|s| s.derived).sum();
        let given = self.given_rows(&moved.ungiven, &moved.origins, &kept);
        let given = given.chain(moved.added.iter().map(|((p, row), origin)| (*p, row.clone(), *origin)));
        db.give(given);
        for facts in &mut new {
            facts.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| by_values(db.names(), &a.1, &b.1)));
        }
        // Each predicate's derived facts that did not move, in the order
        // the model holds them (by depth, then by value), merged with
        // those that moved, in the same order.
        let merge = |p: PredId, names: &Interner, push: &mut Push<'_>| {
            // A predicate the model had no relation for had no facts.
            let held = (p < old.relation_count()).then(|| old.live_rows(p));
            let offset = offsets.get(stratum_of[p]).copied().unwrap_or_default();
            let mut stayed = (held.into_iter().flatten())
                .filter(|&r| old.origin(p, r).is_none() && moves[p].find(old.row(p, r)).is_none())
                .map(|r| (u64::from(old.round_of(p, r) - offset), old.row(p, r)))
                .peekable();
            let mut moved = new[p].iter().map(|(depth, row)| (*depth, row.as_slice())).peekable();
            loop {
                let first = match (stayed.peek(), moved.peek()) {
                    (Some(a), Some(b)) => a.0.cmp(&b.0).then_with(|| by_values(names, a.1, b.1)).is_lt(),
                    (Some(_), None) => true,
                    (None, Some(_)) => false,
                    (None, None) => return Ok(()),
                };
                let (depth, row) = if first { stayed.next() } else { moved.next() }.expect("peeked");
                push(depth, row)?;
            }
        };
        let held = |p: PredId| if p < old.relation_count() { old.live_len(p) as usize } else { 0 };
        let room = |p: PredId| held(p) + new[p].len();
        let later = db.fill_with(room, merge, &Budget::start(config))?;
        let offsets = offsets[..first].iter().copied().chain(later).collect();
        Ok((db, offsets, delta))
    }
}

/// How an edit moves the given facts, as the semi-naive maintenance
/// moves them (`move_given`): retractions first, then additions, an
/// addition of a fact the model holds making it given (from its new
/// origin).
struct Moved {
    /// Given rows that are no longer given.
    ungiven: HashSet<(PredId, u32)>,
    /// Rows that stay or become given, with their new origins.
    origins: HashMap<(PredId, u32), Origin>,
    /// Rows the model holds derived that become given.
    promoted: Vec<(PredId, u32)>,
    /// Rows the model does not hold that become given, in order, each
    /// with its first origin (as the maintenance gives it).
    added: IndexMap<(PredId, Vec<Id>), Origin>,
}

impl Moved {
    fn of(db: &Database, edit: &Edit) -> Moved {
        let held = |p: PredId, row: &[Id]| (p < db.relation_count()).then(|| db.find(p, row)).flatten();
        let mut moved = Moved {
            ungiven: HashSet::new(),
            origins: HashMap::new(),
            promoted: Vec::new(),
            added: IndexMap::new(),
        };
        for (p, row) in &edit.retract {
            if let Some(r) = held(*p, row).filter(|&r| db.origin(*p, r).is_some()) {
                moved.ungiven.insert((*p, r));
            }
        }
        for (p, row, origin) in &edit.add {
            match held(*p, row) {
                Some(r) => {
                    if db.origin(*p, r).is_none() && !moved.origins.contains_key(&(*p, r)) {
                        moved.promoted.push((*p, r));
                    }
                    moved.origins.insert((*p, r), *origin);
                    moved.ungiven.remove(&(*p, r));
                }
                None => {
                    moved.added.entry((*p, row.clone())).or_insert(*origin);
                }
            }
        }
        moved
    }

    /// The changes to feed, for each of `preds` predicates.
    fn changes(&self, db: &Database, preds: usize) -> Vec<Vec<(Row, isize)>> {
        let mut changes: Vec<Vec<(Row, isize)>> = vec![Vec::new(); preds];
        for &(p, r) in &self.ungiven {
            changes[p].push((Row::of_ids(db.row(p, r), db.names()), -1));
        }
        for &(p, r) in &self.promoted {
            changes[p].push((Row::of_ids(db.row(p, r), db.names()), 1));
        }
        for (p, row) in self.added.keys() {
            changes[*p].push((Row::of_ids(row, db.names()), 1));
        }
        changes
    }
}

impl Database {
    /// Fills an empty model with `given` facts (round 0, in order) and the
    /// derived `facts` at their depths (see [`Database::fill_ids`]).
    fn refill(
        &mut self,
        given: impl Iterator<Item = (PredId, Vec<Id>, Origin)>,
        facts: Vec<(PredId, Vec<Id>, u64)>,
        config: &Config,
    ) -> Result<Vec<u32>, EvalError> {
        self.give(given);
        self.fill_ids(facts, &Budget::start(config))
    }

    /// Adds the `given` facts, round 0, in order.
    fn give(&mut self, given: impl Iterator<Item = (PredId, Vec<Id>, Origin)>) {
        for (p, row, origin) in given {
            if self.relations[p].insert(&row, 0) {
                let r = self.relations[p].len() - 1;
                self.given[p].insert(r, origin);
            }
        }
    }
}

/// The running workers of a live dataflow, and how to talk to them.
struct Workers {
    /// One channel to each worker.
    commands: Vec<Sender<Command>>,
    /// Each worker's answer to a command: whether it ran to the end.
    replies: Mutex<Receiver<bool>>,
    /// The threads, joined when the workers are dropped.
    guards: Mutex<Option<WorkerGuards<()>>>,
    /// What comes out, to the first worker.
    sink: Sink,
    stop: Stop,
    /// The time point of the next run.
    next: Time,
    /// The predicates with an input collection.
    preds: usize,
    /// How many of the interner's values the workers know (those of the
    /// model's interner up to there).
    strings: usize,
    /// False once the workers stopped (a run's budget ran out).
    running: bool,
}

/// A run: the changes to feed at time point `at`, within `config`'s
/// budget, after the workers' values of strings are made the model's
/// (the first `keep` kept, `more` after them).
struct Command {
    at: Time,
    changes: Changes,
    config: Config,
    keep: usize,
    more: Arc<Vec<Value>>,
}

impl Workers {
    /// Starts `threads` workers with the dataflow of `plan`, an input for
    /// each predicate, waiting for their first command.
    fn start(plan: &Plan, names: &Interner, threads: usize) -> Result<Workers, String> {
        let strings = names.table_len();
        let (plan, names) = (Arc::new(plan.clone()), Arc::new(names.clone()));
        let preds = plan.predicates.len();
        let (commands, receivers): (Vec<Sender<Command>>, Vec<Receiver<Command>>) = (0..threads).map(|_| channel()).unzip();
        let receivers = Mutex::new(receivers.into_iter().map(Some).collect::<Vec<_>>());
        let (reply, replies) = channel::<bool>();
        let reply = Mutex::new(reply);
        let sink = Sink::default();
        let stop = Stop::new(0, 0);
        let (out, halt) = (Arc::clone(&sink), stop.clone());
        let guards = cluster::start(threads, move |worker| {
            let (index, peers) = (worker.index(), worker.peers());
            let taken = receivers.lock().unwrap_or_else(PoisonError::into_inner)[index].take();
            let Some(commands) = taken else { return };
            let reply = reply.lock().unwrap_or_else(PoisonError::into_inner).clone();
            let mut built = build::<Time>(worker, (&plan, &names), 0..preds, &halt, (&out, peers, 1));
            while let Ok(Command { at, changes, config, keep, more }) = commands.recv() {
                built.strings.sync(keep, &more);
                // This worker's share of the changes.
                let mut n = 0usize;
                for (rows, (_, session)) in changes.iter().zip(&mut built.sessions) {
                    for (row, d) in rows {
                        if n % peers == index {
                            session.update_at(row.clone(), at, *d);
                        }
                        n += 1;
                    }
                }
                for (_, session) in &mut built.sessions {
                    session.advance_to(at + 1);
                    session.flush();
                }
                let budget = Budget::start(&config);
                let ran = step_until(worker, &mut built, (&halt, &budget, first_rule(&plan)), Some(at + 1));
                if reply.send(ran).is_err() || !ran {
                    break;
                }
            }
            built.sessions.clear();
            built.halt.close();
        })?;
        Ok(Workers {
            commands,
            replies: Mutex::new(replies),
            guards: Mutex::new(Some(guards)),
            sink,
            stop,
            next: NEVER_BEFORE,
            preds,
            strings,
            running: true,
        })
    }

    /// Feeds `changes` at the next time point and waits for every worker
    /// to pass it: how the derived facts changed, sorted by fact. `most`
    /// bounds the facts recursive strata may add.
    /// `names` is the model's interner, which holds every string of the
    /// changes: an extension of the one the workers last heard of, or a
    /// beginning of it (a change taken back).
    fn run(&mut self, changes: Changes, names: &Interner, config: &Config, most: u64) -> Result<Vec<Derived>, EvalError> {
        let at = self.next;
        self.next += 1;
        self.stop.limit(config.max_facts, most);
        let keep = self.strings.min(names.table_len());
        let more: Arc<Vec<Value>> = Arc::new(names.table_from(keep).cloned().collect());
        self.strings = names.table_len();
        let mut sent = 0;
        for channel in &self.commands {
            let command = Command {
                at,
                changes: Arc::clone(&changes),
                config: config.clone(),
                keep,
                more: Arc::clone(&more),
            };
            sent += usize::from(channel.send(command).is_ok());
        }
        let replies = self.replies.lock().unwrap_or_else(PoisonError::into_inner);
        let mut ran = sent == self.commands.len();
        for _ in 0..sent {
            ran &= replies.recv().unwrap_or(false);
        }
        drop(replies);
        self.running = ran;
        if let Some(error) = self.stop.raised() {
            self.running = false;
            return Err(error);
        }
        if !ran {
            return Err(EvalError::Cluster {
                message: "the dataflow's workers stopped".to_string(),
                span: Default::default(),
            });
        }
        let mut updates = drain(&self.sink);
        differential_dataflow::consolidation::consolidate_updates(&mut updates);
        split_faults(updates.into_iter())
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        // A worker whose channel closes leaves its loop.
        self.commands.clear();
        let guards = self.guards.get_mut().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(guards) = guards {
            for _ in guards.join() {}
        }
    }
}
