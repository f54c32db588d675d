//! The model over time (SPEC §10): when each fact holds.
//!
//! Snapshot semantics: at each time point the model is the perfect model of
//! the given facts that hold then. Those change only where a given fact's
//! interval starts or ends, so the time line falls into *elementary
//! intervals* over which the model stays the same. The sweep evaluates
//! the first (from the least time point on) once, then moves from each
//! to the next by incremental maintenance ([`Database::maintain`]):
//! the given facts that end there are retracted and those that start are
//! added, and what appeared and disappeared closes or opens intervals of
//! the derived facts. Intervals of one fact that meet are one (a fact that
//! holds in two elementary intervals in a row never left the model), so
//! every validity comes out as maximal intervals.
//!
//! Facts that never change are not recorded: they hold at every time.

use std::collections::BTreeMap;

use hashbrown::HashMap;

use super::maintain::{Delta, Edit};
use super::{evaluate, Config, Database, Given, Origin};
use crate::error::EvalError;
use crate::hash::FxBuild;
use crate::intern::{Id, Interner, Names};
use crate::plan::{Plan, PredId};
use crate::time::{Interval, Time, Validity, NEVER_AFTER, NEVER_BEFORE};
use crate::value::Value;

/// A fact by predicate and value ids.
type Key = (PredId, Vec<Id>);

/// When every fact holds.
#[derive(Clone, Debug)]
pub struct Timeline {
    /// The model of the last elementary interval: every fact of
    /// `changed` has its values in its interner, and every fact it holds
    /// that `changed` does not name holds at every time.
    pub db: Database,
    /// The validity of each fact that does not hold at every time, by
    /// predicate.
    pub changed: Vec<HashMap<Vec<Id>, Validity, FxBuild>>,
    /// Where each elementary interval starts, in order; the first is
    /// [`NEVER_BEFORE`].
    pub starts: Vec<Time>,
    /// The given facts that hold at some times only (when the sweep
    /// tracked facts).
    timed: TimedGiven,
}

/// The given facts that hold at some times only, each with when and
/// where it is stated, and where their holding changes, in time order:
/// what takes the last interval's model to another interval's
/// ([`Timeline::edit_to`]).
#[derive(Clone, Debug, Default)]
struct TimedGiven {
    /// Whether the sweep recorded them (it does when it tracks facts).
    recorded: bool,
    /// Each fact once, with its intervals and their origins.
    facts: Vec<(Key, Vec<(Interval, Origin)>)>,
    /// Each fact's place in `facts`.
    numbers: HashMap<Key, u32, FxBuild>,
    /// Each interval's start and the point after its end, with the
    /// fact's number, in time order.
    events: Vec<(Time, u32)>,
}

impl Timeline {
    /// The timeline of a model that holds at every time (of a program
    /// that says nothing of time).
    pub fn always(db: Database) -> Timeline {
        Timeline {
            changed: vec![HashMap::default(); db.relations.len()],
            starts: vec![NEVER_BEFORE],
            timed: TimedGiven::default(),
            db,
        }
    }

    /// When the fact `row` of `pred` holds (never, if it does not).
    pub fn validity(&self, pred: PredId, row: &[Id]) -> Validity {
        if let Some(v) = self.changed.get(pred).and_then(|c| c.get(row)) {
            return v.clone();
        }
        if self.db.relations[pred].find(row).is_some() {
            Validity::always()
        } else {
            Validity::never()
        }
    }

    /// A fact's predicate and value ids, if the timeline knows them all.
    pub fn ids_of(&self, predicate: &str, args: &[Value]) -> Option<(PredId, Vec<Id>)> {
        let row = args.iter().map(|v| self.db.interner.get(v)).collect();
        self.db.pred(predicate).zip(row)
    }

    /// Every fact of `pred` that holds at some time, with when; derived
    /// ones only, or given ones too. In no particular order.
    pub fn facts(&self, pred: PredId, derived_only: bool) -> Vec<(Vec<Id>, Validity)> {
        let rel = &self.db.relations[pred];
        let changed = &self.changed[pred];
        let mut facts: Vec<(Vec<Id>, Validity)> = changed
            .iter()
            .filter(|(_, v)| !v.is_never())
            .map(|(row, v)| (row.clone(), v.clone()))
            .collect();
        facts.extend(
            rel.live_rows()
                .filter(|&r| !changed.contains_key(rel.row(r)))
                .map(|r| (rel.row(r).to_vec(), Validity::always())),
        );
        if derived_only {
            facts.retain(|(row, _)| !self.is_given(pred, row));
        }
        facts
    }

    /// Calls `f` with every fact that holds at some time and when,
    /// predicate by predicate in name order, each predicate's facts in
    /// canonical order (SPEC §6); all of them, or only the derived ones.
    pub fn for_each_fact<E>(
        &self,
        derived_only: bool,
        mut f: impl FnMut(&str, &[Value], &Validity) -> Result<(), E>,
    ) -> Result<(), E> {
        let db = &self.db;
        for (pred, name) in db.predicates_by_name() {
            let mut facts = self.facts(pred, derived_only);
            facts.sort_by(|a, b| db.interner.cmp_rows(&a.0, &b.0));
            for (row, validity) in facts {
                f(name, &db.values(&row), &validity)?;
            }
        }
        Ok(())
    }

    /// The facts of the predicate called `name` as values, in SPEC §2's
    /// order, each with when it holds (none when the model has no such
    /// predicate).
    pub fn values_of(&self, name: &str) -> Vec<(Vec<Value>, Validity)> {
        let Some(pred) = self.db.pred(name) else {
            return Vec::new();
        };
        let mut facts = self.facts(pred, false);
        facts.sort_by(|a, b| self.db.interner.cmp_rows(&a.0, &b.0));
        (facts.into_iter())
            .map(|(row, validity)| (self.db.values(&row), validity))
            .collect()
    }

    /// Is this fact given (stated or imported) at some time?
    pub fn is_given(&self, pred: PredId, row: &[Id]) -> bool {
        self.timed.numbers.contains_key(&(pred, row.to_vec()))
            || self.db.relations[pred]
                .find(row)
                .is_some_and(|r| self.db.origin(pred, r).is_some())
    }

    /// The change of given facts that takes the model of the last
    /// elementary interval (this timeline's) to the model at `t`: the
    /// timed given facts that hold in one and not in the other, found
    /// from the starts and ends between the two, so that it costs what
    /// changed in between. `None` for a timeline that did not track facts.
    pub fn edit_to(&self, t: Time) -> Option<Edit> {
        if !self.timed.recorded {
            return None;
        }
        let last = *self.starts.last().unwrap_or(&NEVER_BEFORE);
        let (early, late) = (t.min(last), t.max(last));
        let events = &self.timed.events;
        let from = events.partition_point(|&(at, _)| at <= early);
        let to = events.partition_point(|&(at, _)| at <= late);
        let mut touched: Vec<u32> = events[from..to].iter().map(|&(_, n)| n).collect();
        touched.sort_unstable();
        touched.dedup();
        let mut edit = Edit::default();
        for n in touched {
            let ((pred, row), intervals) = &self.timed.facts[n as usize];
            let holding = |p: Time| intervals.iter().find(|(i, _)| i.contains(p));
            match (holding(last), holding(t)) {
                (Some(_), None) => edit.retract.push((*pred, row.clone())),
                (None, Some(&(_, origin))) => edit.add.push((*pred, row.clone(), origin)),
                _ => {}
            }
        }
        Some(edit)
    }

    /// A time point of the elementary interval that starts at `start`,
    /// as near the present as the interval allows (its start, or for the
    /// first, its end): where to take a snapshot of it.
    pub fn point_of(&self, start: Time) -> Time {
        if start != NEVER_BEFORE {
            return start;
        }
        self.starts
            .get(1)
            .map_or(NEVER_AFTER, |&next| next.saturating_sub(1))
    }
}

/// A given fact that holds at some times only.
pub(super) struct Timed {
    pred: PredId,
    row: Vec<Id>,
    origin: Origin,
    interval: Interval,
}

/// What a sweep records besides calling its observer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Track {
    /// When every fact holds (the [`Timeline`] it returns says).
    Facts,
    /// When the facts of the predicates flagged (by id) hold, and nothing
    /// else: what a question over time needs of a sweep (its answers are
    /// a predicate's facts), at a fraction of the bookkeeping.
    Only(Vec<bool>),
}

/// Computes the timeline of a checked program whose facts say when they
/// hold. `observe` is called with the model of each elementary interval,
/// in order, and where it starts.
pub fn sweep(
    plan: Plan,
    interner: Interner,
    given: Given,
    config: &Config,
    track: Track,
    observe: &mut dyn FnMut(Time, &mut Database) -> Result<(), EvalError>,
) -> Result<Timeline, EvalError> {
    #[cfg(feature = "dd")]
    if let Some(cluster) = &config.dataflow {
        return super::dataflow::sweep(plan, interner, given, config, cluster, track);
    }
    let first = Config {
        at: Some(NEVER_BEFORE),
        ..config.clone()
    };
    let mut db = evaluate(plan, interner, given, &first)?;
    let timed = timed_facts(&mut db, given);
    let mut changed: Vec<HashMap<Vec<Id>, Validity, FxBuild>> =
        vec![HashMap::default(); db.relations.len()];
    let mut starts = vec![NEVER_BEFORE];
    observe(NEVER_BEFORE, &mut db)?;
    // Facts that appeared after the first elementary interval and still
    // hold, and since when.
    let mut open: Vec<HashMap<Vec<Id>, Time, FxBuild>> = Vec::new();
    for (t, edit) in given_changes(&timed) {
        // The plan stays the plan: maintenance takes it and puts it back.
        let plan = std::mem::take(&mut db.plan);
        let delta = db.maintain(plan, edit, config)?;
        // A sweep never takes an interval back: no journal to keep.
        db.keep_update();
        starts.push(t);
        match &track {
            Track::Facts => record(&delta, t, &mut changed, &mut open, None),
            Track::Only(flagged) => record(&delta, t, &mut changed, &mut open, Some(flagged)),
        }
        observe(t, &mut db)?;
    }
    for (pred, row, since) in (open.into_iter().enumerate())
        .flat_map(|(pred, rows)| rows.into_iter().map(move |(row, since)| (pred, row, since)))
    {
        changed[pred].entry(row).or_default().add(Interval {
            from: since,
            to: NEVER_AFTER,
        });
    }
    Ok(Timeline::of_parts(db, changed, starts, timed, &track))
}

/// At each time point where the timed given facts of a program (see
/// [`timed_facts`]) change, in time order, the edit that takes the model
/// of the interval before to that of the interval starting there: what
/// a sweep walks through, one edit at a time.
pub(super) fn given_changes(timed: &[Timed]) -> impl Iterator<Item = (Time, Edit)> + '_ {
    let (mut tally, events) = Tally::new(timed);
    (events.into_iter())
        .map(move |(t, happening)| (t, tally.step(timed, &happening)))
        .filter(|(_, edit)| !(edit.retract.is_empty() && edit.add.is_empty()))
}

impl Timeline {
    /// The timeline of a sweep: the last interval's model, the validity
    /// of each fact that does not hold always (of the predicates `track`
    /// names), where each interval starts, and the timed given facts.
    pub(super) fn of_parts(
        db: Database,
        mut changed: Vec<HashMap<Vec<Id>, Validity, FxBuild>>,
        starts: Vec<Time>,
        timed: Vec<Timed>,
        track: &Track,
    ) -> Timeline {
        changed.resize_with(db.relations.len(), HashMap::default);
        Timeline {
            db,
            changed,
            starts,
            timed: match track {
                Track::Facts => TimedGiven::of(timed),
                Track::Only(_) => TimedGiven::default(),
            },
        }
    }
}

/// Each interval's start and the point after its end, by time: the
/// interval (by its place in the timed facts) and whether it starts.
type Events = BTreeMap<Time, Vec<(usize, bool)>>;

/// How many of each timed fact's intervals hold, as the sweep moves from
/// one event to the next. Facts are numbered (a fact given with several
/// intervals is one), so that the counts are a vector.
struct Tally {
    /// The number of the fact of each interval.
    number: Vec<usize>,
    /// The first interval of each fact, by number.
    first: Vec<usize>,
    /// How many of each fact's intervals hold now.
    active: Vec<u32>,
    /// Per fact, the count before this step and an interval that starts
    /// in it, for the facts this step touches (`touched`, each once).
    before: Vec<u32>,
    starting: Vec<Option<Origin>>,
    touched: Vec<usize>,
    seen: Vec<bool>,
}

impl Tally {
    /// The tally before the first event (intervals without a start
    /// already hold), and the events.
    fn new(timed: &[Timed]) -> (Tally, Events) {
        let mut numbers: HashMap<(PredId, &[Id]), usize, FxBuild> = HashMap::default();
        let mut first: Vec<usize> = Vec::new();
        let number: Vec<usize> = (timed.iter().enumerate())
            .map(|(i, f)| {
                *numbers.entry((f.pred, &f.row)).or_insert_with(|| {
                    first.push(i);
                    first.len() - 1
                })
            })
            .collect();
        let mut events = Events::new();
        let mut active = vec![0u32; first.len()];
        for (i, fact) in timed.iter().enumerate() {
            if fact.interval.from == NEVER_BEFORE {
                active[number[i]] += 1;
            } else {
                let at = events.entry(fact.interval.from).or_default();
                at.push((i, true));
            }
            if fact.interval.to != NEVER_AFTER {
                let at = events.entry(fact.interval.to + 1).or_default();
                at.push((i, false));
            }
        }
        let facts = first.len();
        let tally = Tally {
            number,
            first,
            active,
            before: vec![0; facts],
            starting: vec![None; facts],
            touched: Vec::new(),
            seen: vec![false; facts],
        };
        (tally, events)
    }

    /// Counts the intervals that start and end at one time point, and
    /// returns the net change of each fact they touch: given before and
    /// not after (retracted), or the reverse (added, with the origin of
    /// an interval that starts now).
    fn step(&mut self, timed: &[Timed], happening: &[(usize, bool)]) -> Edit {
        for &(i, starts) in happening {
            let n = self.number[i];
            if !self.seen[n] {
                self.seen[n] = true;
                self.before[n] = self.active[n];
                self.starting[n] = None;
                self.touched.push(n);
            }
            if starts {
                self.active[n] += 1;
                self.starting[n].get_or_insert(timed[i].origin);
            } else {
                self.active[n] -= 1;
            }
        }
        let key = |n: usize| (timed[self.first[n]].pred, timed[self.first[n]].row.clone());
        let mut edit = Edit::default();
        for n in self.touched.drain(..) {
            self.seen[n] = false;
            let (was, is) = (self.before[n] > 0, self.active[n] > 0);
            if was && !is {
                edit.retract.push(key(n));
            } else if is && !was {
                let origin = (self.starting[n])
                    .expect("a fact that comes to hold has an interval that starts");
                let (pred, row) = key(n);
                edit.add.push((pred, row, origin));
            }
        }
        edit
    }
}

/// Records what changed at time point `t`: the facts that disappeared
/// close the interval they held in (`open` says since when, the least
/// time point when it does not), those that appeared open one.
fn record(
    delta: &Delta,
    t: Time,
    changed: &mut Vec<HashMap<Vec<Id>, Validity, FxBuild>>,
    open: &mut Vec<HashMap<Vec<Id>, Time, FxBuild>>,
    only: Option<&[bool]>,
) {
    let tracked = |pred: usize| only.is_none_or(|flagged| flagged.get(pred) == Some(&true));
    // Rows are looked up by slice: a row is copied only when it is new
    // to a table.
    for (pred, rows) in delta.disappeared.iter().enumerate() {
        if !tracked(pred) {
            continue;
        }
        for row in rows.iter() {
            let since = (open.get_mut(pred))
                .and_then(|o| o.remove(row))
                .unwrap_or(NEVER_BEFORE);
            let interval = Interval::new(since, t - 1).expect("a fact holds before it goes");
            match changed[pred].get_mut(row) {
                Some(validity) => validity.add(interval),
                None => {
                    changed[pred].insert(row.to_vec(), std::iter::once(interval).collect());
                }
            }
        }
    }
    for (pred, rows) in delta.appeared.iter().enumerate() {
        if !tracked(pred) {
            continue;
        }
        if pred >= changed.len() {
            changed.resize_with(pred + 1, HashMap::default);
        }
        if pred >= open.len() {
            open.resize_with(pred + 1, HashMap::default);
        }
        for row in rows.iter() {
            if !changed[pred].contains_key(row) {
                changed[pred].insert(row.to_vec(), Validity::default());
            }
            open[pred].insert(row.to_vec(), t);
        }
    }
}

impl TimedGiven {
    fn of(timed: Vec<Timed>) -> TimedGiven {
        let mut given = TimedGiven {
            recorded: true,
            ..TimedGiven::default()
        };
        for fact in timed {
            let key = (fact.pred, fact.row);
            let next = given.facts.len() as u32;
            let n = *given.numbers.entry(key.clone()).or_insert(next);
            if n == next {
                given.facts.push((key, Vec::new()));
            }
            let interval = fact.interval;
            given.facts[n as usize].1.push((interval, fact.origin));
            if interval.from != NEVER_BEFORE {
                given.events.push((interval.from, n));
            }
            if interval.to != NEVER_AFTER {
                given.events.push((interval.to + 1, n));
            }
        }
        given.events.sort_unstable();
        given
    }
}

/// The given facts that hold at some times only, as value ids of `db`'s
/// interner: stated with a validity, or imported with one, and not also
/// given without one (which makes them hold always).
pub(super) fn timed_facts(db: &mut Database, given: Given) -> Vec<Timed> {
    let mut timed = Vec::new();
    let mut always: HashMap<Key, (), FxBuild> = HashMap::default();
    let ids = given.facts.translation(&mut db.interner);
    for fact in given.facts.iter() {
        let Some(pred) = db.pred(fact.name()) else {
            continue;
        };
        let row: Vec<Id> = ids.row(fact.ids()).collect();
        let span = fact.span();
        match given.times.interval_of(span) {
            Some(interval) if !interval.is_always() => timed.push(Timed {
                pred,
                row,
                origin: Origin::Stated(span),
                interval,
            }),
            _ => {
                always.insert((pred, row), ());
            }
        }
    }
    for rows in given.imported {
        let Some(pred) = db.pred(&rows.predicate) else {
            continue;
        };
        for (i, (values, &line)) in rows.rows.iter().zip(&rows.lines).enumerate() {
            let row: Vec<Id> = values
                .iter()
                .map(|v| db.interner.intern(v.clone()))
                .collect();
            match rows.intervals.get(i) {
                Some(&interval) if !interval.is_always() => timed.push(Timed {
                    pred,
                    row,
                    origin: Origin::Import {
                        import: rows.import,
                        line,
                    },
                    interval,
                }),
                _ => {
                    always.insert((pred, row), ());
                }
            }
        }
    }
    timed.retain(|f| !always.contains_key(&(f.pred, f.row.clone())));
    timed
}
