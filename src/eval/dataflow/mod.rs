//! The `dd` engine (SPEC §15): the plan evaluated on differential
//! dataflow, by timely dataflow's workers, in one process or a cluster.
//!
//! Every process loads and checks the same program; its workers each
//! feed their share of the given facts (every `workers × processes`-th
//! row) into one dataflow, whose strata ([`render`]) compute the model
//! between them, exchanging what their joins need. Each derived fact
//! comes out with its *depth*, the iteration of its stratum's scope in
//! which it first appeared, and one copy of the output goes to the
//! first worker of every process, which fills a [`Database`] with it:
//! the given facts as the semi-naive evaluator loads them, each derived
//! fact stamped with the round in which semi-naive evaluation derives it
//! (a stratum's rounds start where the last one's ended, and a fact of
//! depth `d` is new in its stratum's round `d`). So the model, its
//! rounds and every proof read from it are those of the default engine;
//! questions, explanations and printing read it unchanged, and every
//! process takes the same steps after (process 0 alone prints).
//!
//! The dataflow's outer timestamp is the program's time line ([`time`]):
//! a timeline feeds each given fact's start and end as changes, and a
//! live model each change at the next time point. A model whose given
//! facts all hold from the start of time has no use for it, and runs on
//! the timestamp `()` ([`Stamp`]), its updates narrower by a time.

mod cluster;
mod layout;
mod live;
mod render;
mod row;
mod time;

pub(crate) use live::live;
pub use time::sweep;

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use differential_dataflow::input::{Input, InputSession};
use differential_dataflow::operators::iterate::Variable;
use differential_dataflow::lattice::Lattice;
use differential_dataflow::AsCollection;
use serde::{Deserialize, Serialize};
use timely::dataflow::operators::vec::{Broadcast, Input as _, Map as _};
use timely::dataflow::operators::{Exchange, Inspect, Probe};
use timely::dataflow::operators::vec::input::Handle as HaltInput;
use timely::dataflow::ProbeHandle;
use timely::progress::Timestamp;
use timely::worker::Worker;

use super::config::{Budget, Cluster};
use super::{Config, Database, Given, StratumStats};
use crate::error::EvalError;
use crate::hash::hash_ids;
use crate::intern::{Id, Interner};
use crate::plan::{Plan, PredId, Step};
use crate::source::Span;
use crate::time::{Time, NEVER_BEFORE};
use render::{Coll, Fault, Render, Row, Scope};

/// What comes out of the dataflow to the first worker of each process:
/// held narrow, as one copy of every derived fact crosses to every
/// process and waits there for the end of the run.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
enum Out {
    /// A fact of a derived predicate, with its depth in its stratum.
    Fact(u32, Row, u32),
    /// An arithmetic error.
    Fault(Box<Fault>),
}

impl Out {
    /// A fact of `pred` at `depth` (a depth past 32 bits, some four
    /// billion iterations, is held as the largest).
    fn fact(pred: PredId, row: Row, depth: u64) -> Out {
        let pred = u32::try_from(pred).expect("fewer than 2^32 predicates");
        Out::Fact(pred, row, u32::try_from(depth).unwrap_or(u32::MAX))
    }
}

/// Where [`Database::fill_with`] hands each fact: its depth and row.
pub(super) type Push<'a> = dyn FnMut(u64, &[Id]) -> Result<(), EvalError> + 'a;

/// A change to a collection: a row that comes to hold (`+1`) or stops
/// holding (`-1`) at a time point.
pub(super) type Change = (Row, Time, isize);

/// A change to a derived fact, at its depth: the fact of `PredId` with
/// those values is (`+1`) or is no longer (`-1`) first derived in that
/// iteration of its stratum from that time point on.
pub(super) type Derived = (PredId, Row, u64, Time, isize);

/// Computes the model of `plan` on differential dataflow, with the
/// workers of `cluster`. Every process of a cluster returns the whole
/// model.
pub fn evaluate(
    plan: Plan,
    interner: Interner,
    given: Given,
    config: &Config,
    cluster: &Cluster,
) -> Result<Database, EvalError> {
    evaluate_filled(plan, interner, given, config, cluster).map(|(db, _)| db)
}

/// [`evaluate`], with each stratum's offset (see [`Database::fill_ids`]).
fn evaluate_filled(
    plan: Plan,
    interner: Interner,
    given: Given,
    config: &Config,
    cluster: &Cluster,
) -> Result<(Database, Vec<u32>), EvalError> {
    let budget = Budget::start(config);
    let start = budget.clock.now();
    let mut db = Database::empty(plan, interner);
    db.load_given(given, config.at);
    let inputs: Vec<(PredId, Vec<Change>)> = (0..db.relations.len())
        .map(|p| {
            let rows = db.live_rows(p).map(|r| (Row::of_ids(db.row(p, r), &db.interner), NEVER_BEFORE, 1));
            (p, rows.collect())
        })
        .collect();
    let runs = dataflow(&db, Arc::new(inputs), config, cluster)?;
    let runs = split_runs(runs.into_iter().map(Vec::into_iter).collect())?;
    let offsets = db.fill(runs, &budget)?;
    if let Some(s) = db.stats.last_mut() {
        s.time = budget.clock.since(start);
    }
    Ok((db, offsets))
}

/// Runs the dataflow of `db`'s plan on the changes to its given facts
/// (every row of `inputs` by predicate): each derived fact's changes,
/// sorted and consolidated (the same on every process). The first
/// arithmetic error at the earliest time is the error.
pub(super) fn compute(
    db: &Database,
    inputs: Arc<Vec<(PredId, Vec<Change>)>>,
    config: &Config,
    cluster: &Cluster,
) -> Result<Vec<Derived>, EvalError> {
    let mut updates: Vec<_> = dataflow(db, inputs, config, cluster)?.into_iter().flatten().collect();
    differential_dataflow::consolidation::consolidate_updates(&mut updates);
    split_faults(updates.into_iter())
}

/// [`compute`]'s updates as they came out, by the worker that sent them,
/// neither sorted nor consolidated (a model filled from them sorts them
/// once, its way).
fn dataflow(
    db: &Database,
    inputs: Arc<Vec<(PredId, Vec<Change>)>>,
    config: &Config,
    cluster: &Cluster,
) -> Result<Vec<Run>, EvalError> {
    let given_rows = inputs.iter().map(|(_, rows)| rows.len() as u64).sum::<u64>();
    let stop = Stop::new(config.max_facts, config.max_facts.saturating_add(given_rows));
    let updates = run(
        Arc::new(db.plan.clone()),
        Arc::new(db.interner.clone()),
        inputs,
        cluster,
        (stop.clone(), config.clone()),
    )
    .map_err(|message| EvalError::Cluster {
        message,
        span: first_rule(&db.plan),
    })?;
    if let Some(error) = stop.raised() {
        return Err(error);
    }
    Ok(updates)
}

/// The facts among the dataflow's output, each change with its depth;
/// the first arithmetic error that came to hold, at the earliest time,
/// is the error.
fn split_faults(updates: impl Iterator<Item = (Out, Time, isize)>) -> Result<Vec<Derived>, EvalError> {
    split_runs(vec![updates]).map(|mut runs| runs.pop().unwrap_or_default())
}

/// [`split_faults`] for the updates of each worker apart, kept apart
/// (the earliest error of them all is the error).
fn split_runs(runs: Vec<impl Iterator<Item = (Out, Time, isize)>>) -> Result<Vec<Vec<Derived>>, EvalError> {
    let mut faults = Vec::new();
    let mut facts = Vec::with_capacity(runs.len());
    for updates in runs {
        let mut derived = Vec::new();
        for (out, t, d) in updates {
            match out {
                Out::Fact(p, row, depth) => derived.push((p as PredId, row, u64::from(depth), t, d)),
                // A fault that comes to hold at some time happened.
                Out::Fault(f) if d > 0 => faults.push((t, *f)),
                Out::Fault(_) => {}
            }
        }
        facts.push(derived);
    }
    if let Some((_, fault)) = faults.into_iter().min() {
        return Err(EvalError::Arithmetic {
            message: fault.message,
            span: Span::new(fault.start, fault.end),
        });
    }
    Ok(facts)
}

/// The derived facts that hold after every change, each with its depth
/// then, from changes where those of one fact at one depth are side by
/// side (in the order they come in).
fn at_the_end(derived: impl Iterator<Item = Derived>) -> impl Iterator<Item = (PredId, Row, u64)> {
    let mut count = 0;
    let mut last: Option<(PredId, Row, u64)> = None;
    let mut changes = derived;
    std::iter::from_fn(move || loop {
        let Some((p, row, depth, _, d)) = changes.next() else {
            return last.take().filter(|_| count > 0);
        };
        let key = (p, row, depth);
        if last.as_ref() != Some(&key) {
            let done = last.replace(key).filter(|_| count > 0);
            count = d;
            if done.is_some() {
                return done;
            }
        } else {
            count += d;
        }
    })
}

/// The items of sorted `runs`, in `order`, each run's in its order where
/// they tie.
fn merged<T>(runs: Vec<Vec<T>>, order: impl Fn(&T, &T) -> std::cmp::Ordering) -> impl Iterator<Item = T> {
    let mut runs: Vec<_> = runs.into_iter().map(Vec::into_iter).collect();
    let mut heads: Vec<Option<T>> = runs.iter_mut().map(Iterator::next).collect();
    std::iter::from_fn(move || {
        // (Few runs, one a worker: a scan for the least is enough.)
        let mut least: Option<(usize, &T)> = None;
        for (i, head) in heads.iter().enumerate() {
            if let Some(item) = head {
                if least.is_none_or(|(_, l)| order(item, l).is_lt()) {
                    least = Some((i, item));
                }
            }
        }
        let i = least?.0;
        std::mem::replace(&mut heads[i], runs[i].next())
    })
}

/// A rule of the plan, to point an error of the whole run at.
fn first_rule(plan: &Plan) -> Span {
    let rules = plan.strata.iter().flat_map(|s| &s.rules);
    rules.map(|r| r.span).next().unwrap_or_default()
}

/// What stops a run before its fixpoint, shared by this process's
/// workers: the budget's time limit and cancellation (the run's
/// [`Config`], beside it), and a bound on the facts a recursive stratum
/// may add (the fact limit and the given facts; the exact limit is
/// checked on the model), so that a rule that makes new values without
/// bound ends. A live dataflow sets the bound afresh for each run.
#[derive(Clone)]
struct Stop {
    error: Arc<Mutex<Option<EvalError>>>,
    /// Facts added in recursive strata in this run, by every worker here.
    updates: Arc<AtomicU64>,
    /// The bound on `updates`.
    most: Arc<AtomicU64>,
    /// The fact limit, which a stop at the bound reports.
    max_facts: Arc<AtomicU64>,
}

impl Stop {
    fn new(max_facts: u64, most: u64) -> Stop {
        let stop = Stop {
            error: Arc::default(),
            updates: Arc::default(),
            most: Arc::default(),
            max_facts: Arc::default(),
        };
        stop.limit(max_facts, most);
        stop
    }

    /// Sets the bounds of the next run.
    fn limit(&self, max_facts: u64, most: u64) {
        self.updates.store(0, Ordering::Relaxed);
        self.most.store(most, Ordering::Relaxed);
        self.max_facts.store(max_facts, Ordering::Relaxed);
    }

    /// Records the first reason to stop.
    fn raise(&self, error: EvalError) {
        let mut slot = self.error.lock().unwrap_or_else(PoisonError::into_inner);
        slot.get_or_insert(error);
    }

    /// The first reason to stop, if any.
    fn raised(&self) -> Option<EvalError> {
        self.error.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

/// A reason to stop, as it travels from the worker that met it to every
/// other worker of the cluster: a worker that stopped alone would leave
/// the others waiting for it.
#[derive(Clone, Debug, Serialize, Deserialize)]
enum Halt {
    Interrupted { start: usize, end: usize },
    TimeLimit { seconds: f64, start: usize, end: usize },
    FactLimit { limit: u64, start: usize, end: usize },
}

impl Halt {
    /// The reasons a run stops for (an arithmetic error is not one: it
    /// comes out with the facts).
    fn of(error: &EvalError) -> Option<Halt> {
        Some(match *error {
            EvalError::Interrupted { span } => Halt::Interrupted {
                start: span.start,
                end: span.end,
            },
            EvalError::TimeLimit { seconds, span } => Halt::TimeLimit {
                seconds,
                start: span.start,
                end: span.end,
            },
            EvalError::FactLimit { limit, span } => Halt::FactLimit {
                limit,
                start: span.start,
                end: span.end,
            },
            _ => return None,
        })
    }

    fn error(&self) -> EvalError {
        match *self {
            Halt::Interrupted { start, end } => EvalError::Interrupted {
                span: Span::new(start, end),
            },
            Halt::TimeLimit { seconds, start, end } => EvalError::TimeLimit {
                seconds,
                span: Span::new(start, end),
            },
            Halt::FactLimit { limit, start, end } => EvalError::FactLimit {
                limit,
                span: Span::new(start, end),
            },
        }
    }
}

/// What comes out of the workers' dataflow, to the first worker of a
/// process (shared by its workers): the updates each worker of the
/// cluster sent, apart, in the order it sent them (so that a fill can
/// sort each, nearly sorted already, and merge them).
type Sink = Arc<Mutex<Vec<Run>>>;

/// The updates one worker sent, in order.
type Run = Vec<(Out, Time, isize)>;

/// Every update a sink holds, taken out of it.
fn drain(sink: &Sink) -> Vec<(Out, Time, isize)> {
    let runs = std::mem::take(&mut *sink.lock().unwrap_or_else(PoisonError::into_inner));
    runs.into_iter().flatten().collect()
}

/// The outer timestamp of a dataflow: the program's time line, or none
/// at all when every given fact holds from the start of time (a model
/// without time), whose updates are then narrower by a time.
pub(super) trait Stamp:
    Timestamp + Lattice + timely::order::TotalOrder + timely::progress::timestamp::Refines<()> + differential_dataflow::ExchangeData + Copy
{
    /// The timestamp of a time point (of the start of time, for none).
    fn of(t: Time) -> Self;
    /// Its time point.
    fn time(&self) -> Time;
}

impl Stamp for Time {
    fn of(t: Time) -> Time {
        t
    }

    fn time(&self) -> Time {
        *self
    }
}

impl Stamp for () {
    fn of(_: Time) {}

    fn time(&self) -> Time {
        NEVER_BEFORE
    }
}

/// Runs the dataflow on the cluster's workers: what came out to this
/// process, by the worker that sent it (every process receives the same
/// updates from each worker, in the same order).
fn run(
    plan: Arc<Plan>,
    names: Arc<Interner>,
    inputs: Arc<Vec<(PredId, Vec<Change>)>>,
    cluster: &Cluster,
    budget: (Stop, Config),
) -> Result<Vec<Run>, String> {
    let timeless = inputs.iter().all(|(_, changes)| changes.iter().all(|(_, t, _)| *t == NEVER_BEFORE));
    if timeless {
        run_on::<()>(plan, names, inputs, cluster, budget)
    } else {
        run_on::<Time>(plan, names, inputs, cluster, budget)
    }
}

/// [`run`], on timestamps `T`.
fn run_on<T: Stamp>(
    plan: Arc<Plan>,
    names: Arc<Interner>,
    inputs: Arc<Vec<(PredId, Vec<Change>)>>,
    cluster: &Cluster,
    (stop, config): (Stop, Config),
) -> Result<Vec<Run>, String> {
    let sink: Sink = Arc::default();
    let updates = Arc::clone(&sink);
    let (local, processes) = (cluster.workers.max(1), cluster.hosts.len().max(1));
    cluster::execute(cluster, move |worker| {
        let (index, peers) = (worker.index(), worker.peers());
        let budget = Budget::start(&config);
        let preds = fed(&inputs).map(|(p, _)| *p);
        let mut built = build::<T>(worker, (&plan, &names), preds, &stop, (&sink, local, processes));
        // This worker's share of the given facts.
        let mut n = 0usize;
        for ((_, changes), (_, session)) in fed(&inputs).zip(&mut built.sessions) {
            for (row, t, d) in changes {
                if n % peers == index {
                    session.update_at(row.clone(), T::of(*t), *d);
                }
                n += 1;
            }
        }
        built.sessions.clear();
        step_until(worker, &mut built, (&stop, &budget, first_rule(&plan)), None);
        built.halt.close();
    })?;
    let runs = std::mem::take(&mut *updates.lock().unwrap_or_else(PoisonError::into_inner));
    Ok(runs)
}

/// A worker's dataflow, built: an input for each predicate asked for,
/// the probe on the output, and the input of the halt dataflow that
/// tells the other workers to stop.
struct Built<T: Stamp> {
    sessions: Vec<(PredId, InputSession<T, Row, isize>)>,
    probe: ProbeHandle<T>,
    halt: HaltInput<u64, Halt>,
    dataflow: usize,
    /// The values of the strings its rows refer to.
    strings: row::Strings,
}

/// Builds the dataflow of `plan` on `worker`, with an input collection
/// for each of `preds` (every worker asks for the same), whose output
/// goes to `sink` in the first worker of each of `processes` processes
/// of `local` workers each.
fn build<T: Stamp>(
    worker: &mut Worker,
    (plan, names): (&Plan, &Interner),
    preds: impl Iterator<Item = PredId>,
    stop: &Stop,
    (sink, local, processes): (&Sink, usize, usize),
) -> Built<T> {
    let index = worker.index();
    let probe = ProbeHandle::new();
    let sink = Arc::clone(sink);
    // A dataflow of its own for the reasons to stop, every worker's to
    // every worker, open while the model's runs.
    let heard = stop.clone();
    let halt = worker.dataflow::<u64, _, _>(|scope| {
        let (input, halts) = scope.new_input::<Halt>();
        halts.broadcast().inspect(move |h| heard.raise(h.error()));
        input
    });
    let dataflow = worker.next_dataflow_index();
    let strings = row::Strings::of(names);
    let sessions = worker.dataflow::<T, _, _>(|scope| {
        let mut sessions = Vec::new();
        let mut facts = HashMap::new();
        // A collection for each predicate with given facts.
        for pred in preds {
            let (session, collection) = scope.new_collection::<Row, isize>();
            sessions.push((pred, session));
            facts.insert(pred, collection);
        }
        let mut outer = Scope {
            facts,
            arranged: HashMap::new(),
            unit: render::unit(scope, index),
            faults: Vec::new(),
        };
        let render = Render {
            plan,
            names,
            strings: strings.clone(),
        };
        let mut out: Vec<Coll<'_, T, Out>> = Vec::new();
        for stratum in &plan.strata {
            let recursive = stratum.rules.iter().any(|r| !r.deltas.is_empty());
            let given: HashMap<PredId, Coll<'_, T, Row>> = (stratum.predicates.iter())
                .filter_map(|p| outer.facts.get(p).map(|c| (*p, c.clone())))
                .collect();
            if !recursive {
                let mut heads: HashMap<PredId, Vec<Coll<'_, T, Row>>> = HashMap::new();
                for rule in &stratum.rules {
                    let derived = render.rule(rule, &mut outer);
                    heads.entry(rule.head).or_default().push(derived);
                }
                for &p in &stratum.predicates {
                    let parts = heads.remove(&p).unwrap_or_default();
                    let facts = given_and(given.get(&p).cloned(), parts, &outer);
                    out.push(facts.clone().map(move |r| Out::fact(p, r, 1)));
                    outer.set(p, facts);
                }
                continue;
            }
            let reads = reads_of(stratum.rules.iter().flat_map(|r| &r.base));
            let (left, faults) = scope.iterative::<u64, _, _>(|inner| {
                let mut sub = Scope {
                    facts: HashMap::new(),
                    arranged: HashMap::new(),
                    unit: outer.unit.clone().enter(inner),
                    faults: Vec::new(),
                };
                for p in &reads {
                    if let Some(c) = outer.facts.get(p) {
                        sub.set(*p, c.clone().enter(inner));
                    }
                }
                let mut variables = Vec::new();
                for &p in &stratum.predicates {
                    let (variable, collection) = match given.get(&p) {
                        Some(g) => Variable::new_from(g.clone().enter(inner), render::step_summary::<T>()),
                        None => Variable::new(inner, render::step_summary::<T>()),
                    };
                    sub.set(p, collection.clone());
                    variables.push((p, variable, collection));
                }
                let mut heads: HashMap<PredId, Vec<Coll<'_, _, Row>>> = HashMap::new();
                for rule in &stratum.rules {
                    let derived = render.rule(rule, &mut sub);
                    heads.entry(rule.head).or_default().push(derived);
                }
                let mut left = Vec::new();
                for (p, variable, collection) in variables {
                    let parts = heads.remove(&p).unwrap_or_default();
                    let entered = given.get(&p).map(|g| g.clone().enter(inner));
                    let (valve, span) = (stop.clone(), stratum.rules[0].span);
                    let facts = given_and(entered, parts, &sub).inspect(move |(_, _, d)| {
                        if *d > 0 && valve.updates.fetch_add(1, Ordering::Relaxed) >= valve.most.load(Ordering::Relaxed) {
                            valve.raise(EvalError::FactLimit {
                                limit: valve.max_facts.load(Ordering::Relaxed),
                                span,
                            });
                        }
                    });
                    variable.set(facts);
                    // Each fact with the iteration it appeared in.
                    let depths = collection
                        .clone()
                        .inner
                        .map(move |(r, t, d)| (Out::fact(p, r, t.inner), t, d))
                        .as_collection()
                        .leave(scope);
                    left.push((p, collection.leave(scope), depths));
                }
                let faults: Vec<_> = sub.faults.into_iter().map(|f| f.leave(scope)).collect();
                (left, faults)
            });
            for (p, facts, depths) in left {
                outer.set(p, facts);
                out.push(depths);
            }
            outer.faults.extend(faults);
        }
        for faults in std::mem::take(&mut outer.faults) {
            out.push(faults.map(|f| Out::Fault(Box::new(f))));
        }
        // One copy of the output to the first worker of every
        // process, so that each process holds the model and takes
        // the same steps after (a question over time or a proof may
        // run the dataflow again, on every process at once).
        let all = differential_dataflow::collection::concatenate(scope, out);
        all.inner
            .flat_map(move |update| (0..processes).map(move |p| ((p * local) as u32, index as u32, update.clone())))
            .exchange(|(to, _, _)| u64::from(*to))
            .inspect_core(move |event| {
                if let Ok((_, batch)) = event {
                    let mut runs = sink.lock().unwrap_or_else(PoisonError::into_inner);
                    for (_, from, (o, t, d)) in batch {
                        let from = *from as usize;
                        if runs.len() <= from {
                            runs.resize_with(from + 1, Vec::new);
                        }
                        runs[from].push((o.clone(), t.time(), *d));
                    }
                }
            })
            .probe_with(&probe);
        sessions
    });
    Built {
        sessions,
        probe,
        halt,
        dataflow,
        strings,
    }
}

/// Steps `worker` until its dataflow has passed time `until` (`None`:
/// until it is done), or a reason to stop is raised here or heard from
/// another worker: then the others are told and the dataflow dropped,
/// and the answer is false.
fn step_until<T: Stamp>(worker: &mut Worker, built: &mut Built<T>, (stop, budget, span): (&Stop, &Budget, Span), until: Option<T>) -> bool {
    loop {
        let busy = match until {
            Some(t) => built.probe.less_than(&t),
            None => !built.probe.done(),
        };
        if !busy {
            return true;
        }
        if let Some(error) = budget.exhausted(span) {
            stop.raise(error);
        }
        if let Some(error) = stop.raised() {
            // Tell the others (the halt dataflow runs on after this
            // worker's closure returns), and stop here.
            built.halt.send_batch(&mut Halt::of(&error).into_iter().collect());
            worker.drop_dataflow(built.dataflow);
            return false;
        }
        worker.step();
    }
}

/// The inputs that have changes, in order (every worker makes the same
/// input collections).
fn fed(inputs: &[(PredId, Vec<Change>)]) -> impl Iterator<Item = &(PredId, Vec<Change>)> {
    inputs.iter().filter(|(_, changes)| !changes.is_empty())
}

/// A predicate's given facts and derived parts, as a set.
fn given_and<'s, T>(given: Option<Coll<'s, T, Row>>, parts: Vec<Coll<'s, T, Row>>, scope: &Scope<'s, T>) -> Coll<'s, T, Row>
where
    T: Timestamp + Lattice,
{
    let mut all = given.into_iter().chain(parts);
    let first = all.next().unwrap_or_else(|| scope.unit.clone().flat_map(|()| None::<Row>));
    all.fold(first, |acc, c| acc.concat(c)).distinct()
}

/// The predicates that steps read, in order: every worker must build
/// the same operators in the same order.
fn reads_of<'a>(steps: impl Iterator<Item = &'a Step>) -> BTreeSet<PredId> {
    let mut preds = BTreeSet::new();
    for step in steps {
        match step {
            Step::Scan { pred, .. } | Step::Absent { pred, .. } => {
                preds.insert(*pred);
            }
            Step::Aggregate(agg) => preds.extend(reads_of(agg.steps.iter())),
            Step::Exists(inner) => preds.extend(reads_of(inner.iter())),
            Step::Filter { .. } | Step::Assign { .. } => {}
        }
    }
    preds
}

impl Database {
    /// Appends the derived facts the dataflow found (each one's changes at
    /// its depths, in any order: those that hold after all of them
    /// count), stratum by stratum, each with the round semi-naive
    /// evaluation derives it in (see the module docs), and the
    /// statistics of each stratum.
    fn fill(&mut self, mut runs: Vec<Vec<Derived>>, budget: &Budget) -> Result<Vec<u32>, EvalError> {
        // In order: by predicate, then in the order rounds stamp in
        // (depth, then value), equal rows side by side (rows of equal
        // values but other data are told apart by data). Each worker's
        // updates come out nearly in that order, so each is sorted apart,
        // on the run's threads, and they are merged (where the updates
        // of several workers sorted as one take ten times as long).
        // (The order reads the strings from a copy of the interner: the
        // merge runs while numbers made by arithmetic get their ids.)
        let names = self.interner.clone();
        let order = move |a: &Derived, b: &Derived| {
            (a.0.cmp(&b.0))
                .then(a.2.cmp(&b.2))
                .then_with(|| a.1.cmp_values(&b.1, &names))
                .then_with(|| a.1.cmp(&b.1))
        };
        budget.threads().install(|| {
            use rayon::iter::{IntoParallelRefMutIterator, ParallelIterator};
            runs.par_iter_mut().for_each(|run| super::order::sort(run, &order));
        });
        let derived = merged(runs, order);
        // Each predicate's arity and facts as depths and ids, a row's ids
        // side by side (no allocation per fact); numbers made by
        // arithmetic get their ids here.
        let mut by_pred: Vec<(usize, Vec<u64>, Vec<Id>)> =
            self.plan.predicates.values().map(|&arity| (arity, Vec::new(), Vec::new())).collect();
        for (p, row, depth) in at_the_end(derived) {
            let (_, depths, ids) = &mut by_pred[p];
            depths.push(depth);
            ids.extend(row.iter().map(|d| d.id(&mut self.interner)));
        }
        let room = |p: PredId| by_pred[p].1.len();
        self.fill_with(
            room,
            |p, _, push| {
                let (arity, depths, ids) = &by_pred[p];
                // (Not `chunks`: a predicate may have no arguments.)
                for (i, depth) in depths.iter().enumerate() {
                    push(*depth, &ids[i * arity..(i + 1) * arity])?;
                }
                Ok(())
            },
            budget,
        )
    }

    /// [`Database::fill`] with facts of value ids. Returns each stratum's
    /// first round less one: a fact of depth `d` in stratum `s` has round
    /// `offsets[s] + d`.
    fn fill_ids(&mut self, facts: Vec<(PredId, Vec<Id>, u64)>, budget: &Budget) -> Result<Vec<u32>, EvalError> {
        let mut by_pred: Vec<Vec<(u64, Vec<Id>)>> = vec![Vec::new(); self.relations.len()];
        for (p, row, depth) in facts {
            by_pred[p].push((depth, row));
        }
        let names = &self.interner;
        for facts in &mut by_pred {
            facts.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| by_values(names, &a.1, &b.1)));
        }
        self.fill_with(
            |p| by_pred[p].len(),
            |p, _, push| {
                for (depth, row) in &by_pred[p] {
                    push(*depth, row)?;
                }
                Ok(())
            },
            budget,
        )
    }

    /// Appends the derived facts stratum by stratum, each predicate's
    /// as `facts(p, push)` pushes them (by depth, then by value: the
    /// order rounds stamp in, and values within a round), each with the
    /// round semi-naive evaluation derives it in (see the module docs);
    /// and the statistics of each stratum. A fact already held (given)
    /// is skipped. Strata that have their statistics already are filled
    /// already. Returns the offsets (as [`Database::fill_ids`]) of the
    /// strata it fills. `room(p)` is about how many facts `p` gets: its
    /// relation makes room for them first, rather than grow (and hash
    /// every row again) a quarter at a time.
    fn fill_with(
        &mut self,
        room: impl Fn(PredId) -> usize,
        mut facts: impl FnMut(PredId, &Interner, &mut Push<'_>) -> Result<(), EvalError>,
        budget: &Budget,
    ) -> Result<Vec<u32>, EvalError> {
        let mut offsets = Vec::with_capacity(self.plan.strata.len());
        let span = first_rule(&self.plan);
        for s in self.stats.len()..self.plan.strata.len() {
            offsets.push(self.clock);
            let before = self.derived;
            let stratum = &self.plan.strata[s];
            let recursive = stratum.rules.iter().any(|r| !r.deltas.is_empty());
            let mut deepest = 0;
            for &p in &stratum.predicates {
                let (relation, clock, derived) = (&mut self.relations[p], self.clock, &mut self.derived);
                relation.reserve(room(p));
                facts(p, &self.interner, &mut |depth, row| {
                    let hash = hash_ids(row.iter().copied());
                    if relation.find_hashed(row, hash).is_some() {
                        return Ok(());
                    }
                    let depth = u32::try_from(depth).unwrap_or(u32::MAX);
                    relation.push_new_hashed(row, clock + depth, hash);
                    deepest = deepest.max(depth);
                    *derived += 1;
                    if *derived > budget.max_facts {
                        return Err(EvalError::FactLimit {
                            limit: budget.max_facts,
                            span,
                        });
                    }
                    Ok(())
                })?;
            }
            let rounds = if recursive { deepest + 1 } else { 1 };
            self.clock += rounds;
            self.stats.push(StratumStats {
                predicates: (self.plan.strata[s].predicates.iter())
                    .map(|&p| self.predicate_name(p).to_string())
                    .collect(),
                rounds,
                derived: self.derived - before,
                time: std::time::Duration::ZERO,
            });
        }
        Ok(offsets)
    }
}

/// Two rows of ids in the order of their values.
pub(super) fn by_values(names: &Interner, a: &[Id], b: &[Id]) -> std::cmp::Ordering {
    // Equal ids are equal values: rows differ where their ids first do.
    let first = a.iter().zip(b).find(|(x, y)| x != y);
    first.map_or(a.len().cmp(&b.len()), |(&x, &y)| {
        match (Interner::int_key(x), Interner::int_key(y)) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => names.value(x).cmp(&names.value(y)),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::merged;

    #[test]
    fn sorted_runs_merge_into_one_order() {
        let runs = vec![vec![(1, 'a'), (4, 'a'), (4, 'b'), (9, 'a')], vec![], vec![(0, 'c'), (4, 'c'), (10, 'c')], vec![(4, 'd')]];
        let all: Vec<_> = merged(runs, |a: &(i32, char), b| a.0.cmp(&b.0)).collect();
        // Ties keep the earlier run's items first.
        let expected = [(0, 'c'), (1, 'a'), (4, 'a'), (4, 'b'), (4, 'c'), (4, 'd'), (9, 'a'), (10, 'c')];
        assert_eq!(all, expected);
    }
}
