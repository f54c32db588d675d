//! The `dd` engine (SPEC §15): the plan evaluated on differential
//! dataflow, by timely dataflow's workers, in one process or a cluster.
//!
//! Every process loads and checks the same program; its workers each
//! feed their share of the given facts (every `workers × processes`-th
//! row) into one dataflow, whose strata ([`render`]) compute the model
//! between them, exchanging what their joins need. Each derived fact
//! comes out with its *depth*, the iteration of its stratum's scope in
//! which it first appeared, and goes to worker 0 (in process 0), which
//! fills a [`Database`] with them: the given facts as the semi-naive
//! evaluator loads them, each derived fact stamped with the round in
//! which semi-naive evaluation derives it (a stratum's rounds start
//! where the last one's ended, and a fact of depth `d` is new in its
//! stratum's round `d`). So the model, its rounds and every proof read
//! from it are those of the default engine; questions, explanations and
//! printing read it unchanged.

mod cluster;
mod render;

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use differential_dataflow::input::Input;
use differential_dataflow::operators::iterate::Variable;
use differential_dataflow::AsCollection;
use serde::{Deserialize, Serialize};
use timely::dataflow::operators::vec::Map as _;
use timely::dataflow::operators::{Exchange, Inspect, Probe};
use timely::dataflow::ProbeHandle;

use super::config::{Budget, Cluster};
use super::{Config, Database, Given, StratumStats};
use crate::error::EvalError;
use crate::intern::Interner;
use crate::plan::{Plan, PredId, Step};
use crate::source::Span;
use render::{Coll, Fault, Render, Row, Scope};

/// What comes out of the dataflow to worker 0.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
enum Out {
    /// A fact of a derived predicate, with its depth in its stratum.
    Fact(PredId, Row, u64),
    /// An arithmetic error.
    Fault(Fault),
}

/// Computes the model of `plan` on differential dataflow, with the
/// workers of `cluster`. Process 0 returns the whole model; another
/// process, which only lends its workers, returns the given facts alone.
pub fn evaluate(
    plan: Plan,
    interner: Interner,
    given: Given,
    config: &Config,
    cluster: &Cluster,
) -> Result<Database, EvalError> {
    let budget = Budget::start(config);
    let start = budget.clock.now();
    let mut db = Database::empty(plan, interner);
    db.load_given(given, config.at);
    let inputs: Vec<(PredId, Vec<Row>)> = (0..db.relations.len())
        .map(|p| {
            let rows = db
                .live_rows(p)
                .map(|r| db.row(p, r).iter().map(|&id| db.interner.value(id)).collect())
                .collect();
            (p, rows)
        })
        .filter(|(_, rows): &(PredId, Vec<Row>)| !rows.is_empty())
        .collect();
    let given_rows: u64 = inputs.iter().map(|(_, rows)| rows.len() as u64).sum();
    let stop = Stop {
        error: Arc::default(),
        budget: config.clone(),
        updates: Arc::default(),
        most: config.max_facts.saturating_add(given_rows),
    };
    let out = run(
        Arc::new(db.plan.clone()),
        Arc::new(db.interner.clone()),
        Arc::new(inputs),
        cluster,
        stop.clone(),
    )
    .map_err(|message| EvalError::Cluster {
        message,
        span: first_rule(&db.plan),
    })?;
    if let Some(error) = stop.error.lock().unwrap_or_else(PoisonError::into_inner).take() {
        return Err(error);
    }
    if let Some(fault) = out.faults.first() {
        return Err(EvalError::Arithmetic {
            message: fault.message.clone(),
            span: Span::new(fault.start, fault.end),
        });
    }
    db.fill(out.facts, &budget)?;
    if let Some(s) = db.stats.last_mut() {
        s.time = budget.clock.since(start);
    }
    Ok(db)
}

/// A rule of the plan, to point an error of the whole run at.
fn first_rule(plan: &Plan) -> Span {
    let rules = plan.strata.iter().flat_map(|s| &s.rules);
    rules.map(|r| r.span).next().unwrap_or_default()
}

/// What stops a run before its fixpoint, shared by this process's
/// workers: the budget's time limit and cancellation, and a bound on
/// the facts a recursive stratum may add (the fact limit and the given
/// facts; the exact limit is checked on the model), so that a rule that
/// makes new values without bound ends.
#[derive(Clone)]
struct Stop {
    error: Arc<Mutex<Option<EvalError>>>,
    budget: Config,
    /// Facts added in recursive strata so far, by every worker here.
    updates: Arc<AtomicU64>,
    most: u64,
}

impl Stop {
    /// Records the first reason to stop.
    fn raise(&self, error: EvalError) {
        let mut slot = self.error.lock().unwrap_or_else(PoisonError::into_inner);
        slot.get_or_insert(error);
    }

    fn raised(&self) -> bool {
        self.error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some()
    }
}

/// What worker 0 gathered: each derived fact with its depth, and the
/// arithmetic errors, in order.
#[derive(Default)]
struct Gathered {
    facts: Vec<(PredId, Row, u64)>,
    faults: Vec<Fault>,
}

/// Runs the dataflow on the cluster's workers; worker 0's gathering.
fn run(
    plan: Arc<Plan>,
    names: Arc<Interner>,
    inputs: Arc<Vec<(PredId, Vec<Row>)>>,
    cluster: &Cluster,
    stop: Stop,
) -> Result<Gathered, String> {
    let updates: Arc<Mutex<Vec<(Out, isize)>>> = Arc::default();
    let sink = Arc::clone(&updates);
    cluster::execute(cluster, move |worker| {
        let (index, peers) = (worker.index(), worker.peers());
        let probe = ProbeHandle::new();
        let sink = Arc::clone(&sink);
        let budget = Budget::start(&stop.budget);
        let dataflow = worker.next_dataflow_index();
        let mut sessions = worker.dataflow::<(), _, _>(|scope| {
            let mut sessions = Vec::new();
            let mut facts = HashMap::new();
            for (pred, _) in inputs.iter() {
                let (session, collection) = scope.new_collection::<Row, isize>();
                sessions.push(session);
                facts.insert(*pred, collection);
            }
            let mut outer = Scope {
                facts,
                unit: render::unit(scope, index),
                faults: Vec::new(),
            };
            let render = Render {
                plan: &plan,
                names: &names,
            };
            let mut out: Vec<Coll<'_, (), Out>> = Vec::new();
            for stratum in &plan.strata {
                let recursive = stratum.rules.iter().any(|r| !r.deltas.is_empty());
                let given: HashMap<PredId, Coll<'_, (), Row>> = (stratum.predicates.iter())
                    .filter_map(|p| outer.facts.get(p).map(|c| (*p, c.clone())))
                    .collect();
                if !recursive {
                    let mut heads: HashMap<PredId, Vec<Coll<'_, (), Row>>> = HashMap::new();
                    for rule in &stratum.rules {
                        let derived = render.rule(rule, &mut outer);
                        heads.entry(rule.head).or_default().push(derived);
                    }
                    for &p in &stratum.predicates {
                        let parts = heads.remove(&p).unwrap_or_default();
                        let facts = given_and(given.get(&p).cloned(), parts, &outer);
                        out.push(facts.clone().map(move |r| Out::Fact(p, r, 1)));
                        outer.facts.insert(p, facts);
                    }
                    continue;
                }
                let reads = reads_of(stratum.rules.iter().flat_map(|r| &r.base));
                let (left, faults) = scope.iterative::<u64, _, _>(|inner| {
                    let mut sub = Scope {
                        facts: HashMap::new(),
                        unit: outer.unit.clone().enter(inner),
                        faults: Vec::new(),
                    };
                    for p in &reads {
                        if let Some(c) = outer.facts.get(p) {
                            sub.facts.insert(*p, c.clone().enter(inner));
                        }
                    }
                    let mut variables = Vec::new();
                    for &p in &stratum.predicates {
                        let (variable, collection) = match given.get(&p) {
                            Some(g) => Variable::new_from(g.clone().enter(inner), render::step_summary::<()>()),
                            None => Variable::new(inner, render::step_summary::<()>()),
                        };
                        sub.facts.insert(p, collection.clone());
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
                            if *d > 0 && valve.updates.fetch_add(1, Ordering::Relaxed) >= valve.most {
                                valve.raise(EvalError::FactLimit {
                                    limit: valve.budget.max_facts,
                                    span,
                                });
                            }
                        });
                        variable.set(facts);
                        // Each fact with the iteration it appeared in.
                        let depths = collection
                            .clone()
                            .inner
                            .map(move |(r, t, d)| (Out::Fact(p, r, t.inner), t, d))
                            .as_collection()
                            .leave(scope);
                        left.push((p, collection.leave(scope), depths));
                    }
                    let faults: Vec<_> = sub.faults.into_iter().map(|f| f.leave(scope)).collect();
                    (left, faults)
                });
                for (p, facts, depths) in left {
                    outer.facts.insert(p, facts);
                    out.push(depths);
                }
                outer.faults.extend(faults);
            }
            for faults in std::mem::take(&mut outer.faults) {
                out.push(faults.map(Out::Fault));
            }
            let all = differential_dataflow::collection::concatenate(scope, out);
            all.inner
                .exchange(|_| 0)
                .inspect(move |(o, (), d)| {
                    let mut v = sink.lock().unwrap_or_else(PoisonError::into_inner);
                    v.push((o.clone(), *d));
                })
                .probe_with(&probe);
            sessions
        });
        // This worker's share of the given facts.
        let mut n = 0usize;
        for ((_, rows), session) in inputs.iter().zip(&mut sessions) {
            for row in rows {
                if n % peers == index {
                    session.insert(row.clone());
                }
                n += 1;
            }
        }
        drop(sessions);
        let span = first_rule(&plan);
        while !probe.done() {
            if let Some(error) = budget.exhausted(span) {
                stop.raise(error);
            }
            if stop.raised() {
                worker.drop_dataflow(dataflow);
                break;
            }
            worker.step();
        }
    })?;
    let mut updates = std::mem::take(&mut *updates.lock().unwrap_or_else(PoisonError::into_inner));
    Ok(consolidated(&mut updates))
}

/// The facts that hold and the faults met, from worker 0's updates.
fn consolidated(updates: &mut [(Out, isize)]) -> Gathered {
    updates.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut gathered = Gathered::default();
    let mut i = 0;
    while i < updates.len() {
        let mut j = i;
        let mut count = 0;
        while j < updates.len() && updates[j].0 == updates[i].0 {
            count += updates[j].1;
            j += 1;
        }
        if count > 0 {
            match &updates[i].0 {
                Out::Fact(p, r, d) => gathered.facts.push((*p, r.clone(), *d)),
                Out::Fault(f) => gathered.faults.push(f.clone()),
            }
        }
        i = j;
    }
    gathered
}

/// A predicate's given facts and derived parts, as a set.
fn given_and<'s, T>(given: Option<Coll<'s, T, Row>>, parts: Vec<Coll<'s, T, Row>>, scope: &Scope<'s, T>) -> Coll<'s, T, Row>
where
    T: timely::progress::Timestamp + differential_dataflow::lattice::Lattice,
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
    /// Appends the derived facts the dataflow found, stratum by stratum,
    /// each with the round semi-naive evaluation derives it in (see the
    /// module docs), and the statistics of each stratum.
    fn fill(&mut self, mut facts: Vec<(PredId, Row, u64)>, budget: &Budget) -> Result<(), EvalError> {
        let stratum_of: HashMap<PredId, usize> = (self.plan.strata.iter().enumerate())
            .flat_map(|(s, st)| st.predicates.iter().map(move |&p| (p, s)))
            .collect();
        // By stratum, then depth: the order rounds stamp in.
        facts.sort_by(|a, b| (stratum_of[&a.0], a.2).cmp(&(stratum_of[&b.0], b.2)).then_with(|| a.1.cmp(&b.1)));
        let mut facts = facts.into_iter().peekable();
        let mut row = Vec::new();
        for s in 0..self.plan.strata.len() {
            let before = self.derived;
            let recursive = self.plan.strata[s].rules.iter().any(|r| !r.deltas.is_empty());
            let mut deepest = 0;
            while let Some((pred, values, depth)) = facts.next_if(|f| stratum_of[&f.0] == s) {
                row.clear();
                row.extend(values.into_iter().map(|v| self.interner.intern(v)));
                if self.relations[pred].find(&row).is_some() {
                    continue;
                }
                let depth = u32::try_from(depth).unwrap_or(u32::MAX);
                self.relations[pred].push_new(&row, self.clock + depth);
                deepest = deepest.max(depth);
                self.derived += 1;
                if self.derived > budget.max_facts {
                    return Err(EvalError::FactLimit {
                        limit: budget.max_facts,
                        span: first_rule(&self.plan),
                    });
                }
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
        Ok(())
    }
}
