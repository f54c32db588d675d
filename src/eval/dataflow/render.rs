//! The plan as a dataflow: each rule's steps become differential
//! dataflow operators over collections of *bindings* (a row of the slot
//! values a later step reads, in the order of [`Layout`]), each stratum
//! a scope, a recursive one iterating to its fixpoint.
//!
//! A step's translation follows the join it replaces: a scan is a join
//! on the columns the plan's index for it names (a scan of the body's
//! first atom is a map over the relation), a negation an antijoin with
//! those columns, a filter or assignment a map, an existence test the
//! bindings with a match, and an aggregate a `reduce` per binding of
//! the variables before it. Heads project bindings to facts, and
//! `distinct` keeps set semantics. A join's two sides carry beside the
//! key only what the match reads that the key does not hold: the
//! binding's other live slots, the fact's columns it binds or checks.

use std::collections::HashMap;

use differential_dataflow::lattice::Lattice;
use differential_dataflow::operators::arrange::{Arranged, TraceAgent};
use differential_dataflow::trace::implementations::ValSpine;
use differential_dataflow::VecCollection;
use serde::{Deserialize, Serialize};
use timely::dataflow::operators::ToStream;
use timely::order::Product;
use timely::progress::Timestamp;

use super::super::arith;
use super::layout::{self, Layout};
use super::row::{Datum, Strings};
pub(super) use super::row::Row;
use crate::intern::Interner;
use crate::plan::{
    Access, AggregateFn, AggregatePlan, ArithOp, Column, Expr, Operand, Plan, PredId,
    RulePlan, Step,
};
use crate::value::Value;

/// A collection of one scope, with the multiplicities differential
/// dataflow counts in.
pub(super) type Coll<'s, T, D> = VecCollection<'s, T, D, isize>;

/// An arithmetic error met while joining: where, and what. It travels
/// with the facts to every process, which reports the earliest by time,
/// then place.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub(super) struct Fault {
    pub start: usize,
    pub end: usize,
    pub message: String,
}

/// A known value: a slot's or a constant's.
#[derive(Clone, Debug)]
enum Known {
    Slot(usize),
    Datum(Datum),
}

impl Known {
    /// An operand's value, its slot found in `layout`.
    fn at(operand: Operand, names: &Interner, layout: &Layout) -> Known {
        match operand {
            Operand::Slot(s) => Known::Slot(layout.at(s)),
            Operand::Const(id) => Known::Datum(Datum::of_id(id, names)),
        }
    }

    fn get(&self, binding: &Row) -> Datum {
        match self {
            Known::Slot(s) => binding.get(*s),
            Known::Datum(d) => *d,
        }
    }
}

/// An expression with its constants' values.
#[derive(Clone, Debug)]
enum Term {
    Known(Known),
    Binary(ArithOp, Box<Term>, Box<Term>, (usize, usize)),
    Neg(Box<Term>, (usize, usize)),
}

impl Term {
    fn at(expr: &Expr, names: &Interner, layout: &Layout) -> Term {
        match expr {
            Expr::Operand(o) => Term::Known(Known::at(*o, names, layout)),
            Expr::Binary {
                op,
                left,
                right,
                span,
            } => Term::Binary(
                *op,
                Box::new(Term::at(left, names, layout)),
                Box::new(Term::at(right, names, layout)),
                (span.start, span.end),
            ),
            Expr::Neg { operand, span } => {
                Term::Neg(Box::new(Term::at(operand, names, layout)), (span.start, span.end))
            }
        }
    }

    /// Its value under `binding`, as the semi-naive join computes it.
    fn eval(&self, binding: &Row, strings: &Strings) -> Result<Datum, Fault> {
        match self {
            Term::Known(k) => Ok(k.get(binding)),
            // Arithmetic makes numbers only (on a string it fails).
            computed => computed.value(binding, strings).map(|v| Datum::of_number(&v).expect("a number")),
        }
    }

    /// [`Term::eval`], as a value.
    fn value(&self, binding: &Row, strings: &Strings) -> Result<Value, Fault> {
        let fault = |message: String, (start, end): (usize, usize)| Fault {
            start,
            end,
            message,
        };
        match self {
            Term::Known(k) => Ok(strings.value(k.get(binding))),
            Term::Binary(op, left, right, span) => {
                let (l, r) = (left.value(binding, strings)?, right.value(binding, strings)?);
                arith::apply(*op, &l, &r).map_err(|e| fault(e.message, *span))
            }
            Term::Neg(operand, span) => {
                arith::negate(&operand.value(binding, strings)?).map_err(|e| fault(e.message, *span))
            }
        }
    }
}

/// Where a value a scan reads comes from: the join's key, the binding,
/// the matched fact (each narrowed to what the scan reads), or a
/// constant.
#[derive(Clone, Copy, Debug)]
enum Src {
    Key(usize),
    Binding(usize),
    Fact(usize),
    Datum(Datum),
}

impl Src {
    fn get(self, key: &Row, binding: &Row, fact: &Row) -> Datum {
        match self {
            Src::Key(i) => key.get(i),
            Src::Binding(i) => binding.get(i),
            Src::Fact(i) => fact.get(i),
            Src::Datum(d) => d,
        }
    }
}

/// What a scan does with each match: the checks the fact must pass (a
/// repeated variable, a constant), and where each value of the binding
/// after it comes from.
#[derive(Clone, Debug)]
struct Match {
    checks: Vec<(Src, Src)>,
    out: Vec<Src>,
}

impl Match {
    fn apply(&self, key: &Row, binding: &Row, fact: &Row) -> Option<Row> {
        let get = |s: &Src| s.get(key, binding, fact);
        let holds = self.checks.iter().all(|(a, b)| get(a) == get(b));
        holds.then(|| self.out.iter().map(get).collect())
    }

    fn sources(&mut self) -> impl Iterator<Item = &mut Src> {
        (self.checks.iter_mut())
            .flat_map(|(a, b)| [a, b])
            .chain(self.out.iter_mut())
    }

    /// Narrows the match to read the binding's slots that the key does
    /// not hold, and the fact's columns it reads: the positions of each,
    /// which the join's two sides carry beside the key.
    fn narrow(&mut self, keys: &[Known]) -> (Vec<usize>, Vec<usize>) {
        let (mut slots, mut columns) = (Vec::new(), Vec::new());
        for src in self.sources() {
            match *src {
                Src::Binding(p) => match keys.iter().position(|k| matches!(k, Known::Slot(q) if *q == p)) {
                    Some(j) => *src = Src::Key(j),
                    None => slots.push(p),
                },
                Src::Fact(c) => columns.push(c),
                Src::Key(_) | Src::Datum(_) => {}
            }
        }
        for list in [&mut slots, &mut columns] {
            list.sort_unstable();
            list.dedup();
        }
        for src in self.sources() {
            match src {
                Src::Binding(p) => *p = slots.binary_search(p).expect("listed"),
                Src::Fact(c) => *c = columns.binary_search(c).expect("listed"),
                Src::Key(_) | Src::Datum(_) => {}
            }
        }
        (slots, columns)
    }
}

/// The values at `positions` of a row.
fn pick(row: &Row, positions: &[usize]) -> Row {
    positions.iter().map(|&p| row.get(p)).collect()
}

/// A binding after a step that computes a value: each slot from the
/// binding before it (`Some(position)`) or the value (`None`).
fn assemble(sources: &[Option<usize>], binding: &Row, value: Datum) -> Row {
    sources.iter().map(|s| s.map_or(value, |p| binding.get(p))).collect()
}

/// Where each slot of `output` comes from after a step that binds
/// `slot` (to a value it computes) on bindings of `input`.
fn sources(input: &Layout, output: &Layout, slot: Option<usize>) -> Vec<Option<usize>> {
    (output.slots().iter())
        .map(|&s| (Some(s) != slot).then(|| input.at(s)))
        .collect()
}

/// The values of `keys` under a binding: a join's key.
fn key_of(keys: &[Known], binding: &Row) -> Row {
    keys.iter().map(|k| k.get(binding)).collect()
}

/// A scan's [`Match`] on bindings of `input`, giving bindings of
/// `output`: a slot the atom binds comes from the first column that
/// binds it, any other from the binding.
fn scan_match(columns: &[Column], input: &Layout, output: &Layout, names: &Interner) -> Match {
    let slot = |s: usize| {
        let first = columns.iter().position(|c| matches!(c, Column::Bind(b) if *b == s));
        first.map_or_else(|| Src::Binding(input.at(s)), Src::Fact)
    };
    let checks = (columns.iter().enumerate())
        .filter_map(|(c, column)| match *column {
            Column::Check(s) => Some((Src::Fact(c), slot(s))),
            Column::Const(id) => Some((Src::Fact(c), Src::Datum(Datum::of_id(id, names)))),
            Column::Skip | Column::Bind(_) => None,
        })
        .collect();
    let out = output.slots().iter().map(|&s| slot(s)).collect();
    Match { checks, out }
}

/// A predicate's facts arranged by some of its columns (the key), each
/// with some others (the columns a scan reads).
type Arrangement<'s, T> = Arranged<'s, TraceAgent<ValSpine<Row, Row, T, isize>>>;

/// Where a scope's rules read each predicate.
pub(super) struct Scope<'s, T: Timestamp + Lattice> {
    /// The facts of each predicate, by id (those with none are missing).
    /// [`Scope::set`] changes them.
    pub facts: HashMap<PredId, Coll<'s, T, Row>>,
    /// The arrangements of facts that scans have asked for, by predicate,
    /// key columns and read columns: scans that key a relation alike
    /// share one (Andersen's rules key `points_to` by its first column
    /// five times), as a hand-written dataflow would.
    pub arranged: HashMap<(PredId, Vec<usize>, Vec<usize>), Arrangement<'s, T>>,
    /// The one empty binding (on one worker), where a body starts.
    pub unit: Coll<'s, T, ()>,
    /// Arithmetic errors met, to report.
    pub faults: Vec<Coll<'s, T, Fault>>,
}

impl<'s, T: Timestamp + Lattice> Scope<'s, T> {
    /// The facts of `pred` from now on (its arrangements are dropped).
    pub fn set(&mut self, pred: PredId, facts: Coll<'s, T, Row>) {
        self.arranged.retain(|(p, _, _), _| *p != pred);
        self.facts.insert(pred, facts);
    }

    /// A predicate's facts by `key` columns, with the `read` columns.
    fn arrangement(&mut self, pred: PredId, key: Vec<usize>, read: Vec<usize>) -> Arrangement<'s, T> {
        let id = (pred, key, read);
        if let Some(made) = self.arranged.get(&id) {
            return made.clone();
        }
        let (_, key, read) = id.clone();
        let made = (self.relation(pred))
            .map(move |row| (pick(&row, &key), pick(&row, &read)))
            .arrange_by_key();
        self.arranged.insert(id, made.clone());
        made
    }

    /// A predicate's facts (empty when it has none).
    fn relation(&self, pred: PredId) -> Coll<'s, T, Row> {
        match self.facts.get(&pred) {
            Some(c) => c.clone(),
            None => self.unit.clone().flat_map(|()| None::<Row>),
        }
    }
}

/// Translates plans into dataflow over one scope.
pub(super) struct Render<'p> {
    pub plan: &'p Plan,
    pub names: &'p Interner,
    /// The values of strings, for the steps that compare or compute.
    pub strings: Strings,
}

impl Render<'_> {
    /// The facts a rule derives, from the facts its scope reads.
    pub fn rule<'s, T: Timestamp + Lattice>(
        &self,
        rule: &RulePlan,
        scope: &mut Scope<'s, T>,
    ) -> Coll<'s, T, Row> {
        let after = Layout::of(rule.head_args.iter().filter_map(|o| o.slot()));
        let bindings = self.steps(&rule.base, None, &Layout::default(), &after, scope);
        let head: Vec<Known> = (rule.head_args.iter())
            .map(|&o| Known::at(o, self.names, &after))
            .collect();
        self.start(bindings, scope).map(move |b| key_of(&head, &b))
    }

    /// Bindings, or the one empty binding when a body has not started.
    fn start<'s, T: Timestamp + Lattice>(
        &self,
        bindings: Option<Coll<'s, T, Row>>,
        scope: &Scope<'s, T>,
    ) -> Coll<'s, T, Row> {
        bindings.unwrap_or_else(|| scope.unit.clone().map(|()| Row::EMPTY))
    }

    /// Runs `steps` on bindings of layout `from` (`None`: the body's
    /// start, where nothing is bound), to bindings of layout `after`.
    fn steps<'s, T: Timestamp + Lattice>(
        &self,
        steps: &[Step],
        bindings: Option<Coll<'s, T, Row>>,
        from: &Layout,
        after: &Layout,
        scope: &mut Scope<'s, T>,
    ) -> Option<Coll<'s, T, Row>> {
        let layouts = layout::layouts(steps, after);
        let mut bindings = match bindings {
            Some(b) if *from != layouts[0] => {
                let picks = from.picks(&layouts[0]);
                Some(b.map(move |b| pick(&b, &picks)))
            }
            other => other,
        };
        for (i, step) in steps.iter().enumerate() {
            bindings = Some(self.step(step, &layouts[i], &layouts[i + 1], bindings, scope));
        }
        bindings
    }

    /// One step, from bindings of layout `input` to bindings of `output`.
    fn step<'s, T: Timestamp + Lattice>(
        &self,
        step: &Step,
        input: &Layout,
        output: &Layout,
        bindings: Option<Coll<'s, T, Row>>,
        scope: &mut Scope<'s, T>,
    ) -> Coll<'s, T, Row> {
        let names = self.names;
        match step {
            Step::Scan {
                pred,
                access,
                key,
                columns,
                ..
            } => {
                let key_columns = self.key_columns(*pred, *access);
                let keys: Vec<Known> = key.iter().map(|&o| Known::at(o, names, input)).collect();
                let mut matching = scan_match(columns, input, output, names);
                match bindings {
                    // The body's first atom: its facts that match the
                    // key's constants, each a binding.
                    None => {
                        let constants = key_columns.iter().zip(&keys).map(|(&c, k)| match k {
                            Known::Datum(d) => (Src::Fact(c), Src::Datum(*d)),
                            Known::Slot(_) => unreachable!("nothing is bound before the first step"),
                        });
                        matching.checks.extend(constants);
                        scope.relation(*pred).flat_map(move |row| matching.apply(&Row::EMPTY, &Row::EMPTY, &row))
                    }
                    Some(bindings) => {
                        let (slots, read) = matching.narrow(&keys);
                        let facts = scope.arrangement(*pred, key_columns, read);
                        bindings
                            .map(move |b| (key_of(&keys, &b), pick(&b, &slots)))
                            .join_core(facts, move |k, b, fact| matching.apply(k, b, fact))
                    }
                }
            }
            Step::Absent { pred, access, key } => {
                let key_columns = self.key_columns(*pred, *access);
                let keys: Vec<Known> = key.iter().map(|&o| Known::at(o, names, input)).collect();
                let present = scope
                    .relation(*pred)
                    .map(move |row| pick(&row, &key_columns))
                    .distinct();
                let picks = input.picks(output);
                self.start(bindings, scope)
                    .map(move |b| (key_of(&keys, &b), pick(&b, &picks)))
                    .antijoin(present)
                    .map(|(_, b)| b)
            }
            Step::Filter { op, left, right } => {
                let (op, left, right) = (*op, Term::at(left, names, input), Term::at(right, names, input));
                let strings = self.strings.clone();
                let picks = input.picks(output);
                let tested = self.start(bindings, scope).map(move |b| {
                    let holds = match (left.value(&b, &strings), right.value(&b, &strings)) {
                        (Ok(l), Ok(r)) => Ok(arith::holds(op, &l, &r)),
                        (Err(f), _) | (_, Err(f)) => Err(f),
                    };
                    (pick(&b, &picks), holds)
                });
                self.keep_faults(&tested, scope);
                tested.flat_map(|(b, holds)| matches!(holds, Ok(true)).then_some(b))
            }
            Step::Assign { slot, expr } => {
                let term = Term::at(expr, names, input);
                let strings = self.strings.clone();
                let sources = sources(input, output, Some(*slot));
                let computed = self
                    .start(bindings, scope)
                    .map(move |b| match term.eval(&b, &strings) {
                        Ok(v) => (assemble(&sources, &b, v), Ok(true)),
                        // (A binding that fails goes no further.)
                        Err(f) => (Row::EMPTY, Err(f)),
                    });
                self.keep_faults(&computed, scope);
                computed.flat_map(|(b, ok)| ok.is_ok().then_some(b))
            }
            Step::Exists(inner) => {
                let before = self.start(bindings, scope);
                self.steps(inner, Some(before), input, output, scope)
                    .expect("an existence test has steps")
                    .distinct()
            }
            Step::Aggregate(agg) => self.aggregate(agg, input, output, bindings, scope),
        }
    }

    /// `result = f target : { body }`, per binding of the variables
    /// before it (of layout `input`, the group): the distinct bindings of
    /// the body's local variables with their target, reduced. An empty
    /// group counts 0 and has no sum, minimum or maximum, as in the
    /// semi-naive join.
    fn aggregate<'s, T: Timestamp + Lattice>(
        &self,
        agg: &AggregatePlan,
        input: &Layout,
        output: &Layout,
        bindings: Option<Coll<'s, T, Row>>,
        scope: &mut Scope<'s, T>,
    ) -> Coll<'s, T, Row> {
        let groups = self.start(bindings, scope).distinct();
        let target_slot = agg.target.and_then(Operand::slot);
        let inside = Layout::of(
            (input.slots().iter().copied())
                .chain(agg.locals.iter().copied())
                .chain(target_slot),
        );
        let group = inside.picks(input);
        let locals: Vec<usize> = agg.locals.iter().map(|&s| inside.at(s)).collect();
        let target = agg.target.map(|o| Known::at(o, self.names, &inside));
        let members = self
            .steps(&agg.steps, Some(groups.clone()), input, &inside, scope)
            .expect("an aggregate has steps")
            .map(move |b| {
                let value = target.as_ref().map_or(Datum::UNBOUND, |t| t.get(&b));
                (pick(&b, &group), (pick(&b, &locals), value))
            })
            .distinct();
        let (function, span) = (agg.function, (agg.span.start, agg.span.end));
        let strings = self.strings.clone();
        let reduced = members.reduce(move |_, input, output| {
            // Distinct local bindings, each with its first target.
            let mut targets: Vec<(Value, Datum)> = Vec::with_capacity(input.len());
            let mut last: Option<&Row> = None;
            for ((local, value), _) in input {
                if last != Some(local) {
                    targets.push((strings.value(*value), *value));
                    last = Some(local);
                }
            }
            if let Some(v) = fold(function, &targets, span) {
                output.push((v, 1));
            }
        });
        let mut results = reduced;
        if agg.function == AggregateFn::Count {
            let counted = results.clone().map(|(group, _)| group);
            let empty = groups
                .map(|g| (g, ()))
                .antijoin(counted)
                .map(|(g, ())| (g, Ok(Datum::Int(0))));
            results = results.concat(empty);
        }
        let faults = results
            .clone()
            .flat_map(|(_, v)| v.err());
        scope.faults.push(faults);
        // A bound result is a test (the slot is in the group); a free one
        // is bound to the value.
        let test = agg.result_bound.then(|| input.at(agg.result));
        let sources = sources(input, output, (!agg.result_bound).then_some(agg.result));
        results.flat_map(move |(group, value)| {
            let value = value.ok()?;
            match test {
                Some(at) if group.get(at) != value => None,
                _ => Some(assemble(&sources, &group, value)),
            }
        })
    }
    /// Keeps the faults of a step that computes.
    fn keep_faults<'s, T: Timestamp + Lattice>(
        &self,
        computed: &Coll<'s, T, (Row, Result<bool, Fault>)>,
        scope: &mut Scope<'s, T>,
    ) {
        scope
            .faults
            .push(computed.clone().flat_map(|(_, r)| r.err()));
    }

    /// The columns a step's key binds, in the key's order.
    fn key_columns(&self, pred: PredId, access: Access) -> Vec<usize> {
        match access {
            Access::Scan => Vec::new(),
            Access::Index(i) => self.plan.indexes[pred][i].clone(),
            Access::Member => (0..self.plan.predicates[pred]).collect(),
        }
    }
}

/// An aggregate's value over its distinct targets, or none (an empty
/// sum, minimum or maximum); the sum's arithmetic is checked.
/// Each target comes with its datum (a minimum or maximum is one of them).
fn fold(function: AggregateFn, targets: &[(Value, Datum)], span: (usize, usize)) -> Option<Result<Datum, Fault>> {
    match function {
        AggregateFn::Count => Some(Ok(Datum::Int(targets.len() as i64))),
        AggregateFn::Sum => {
            let mut total: Option<Value> = None;
            for (v, _) in targets {
                let sum = arith::apply(ArithOp::Add, total.as_ref().unwrap_or(&Value::Int(0)), v);
                match sum {
                    Ok(s) => total = Some(s),
                    Err(e) => {
                        return Some(Err(Fault {
                            start: span.0,
                            end: span.1,
                            message: format!("in `sum`: {}", e.message),
                        }))
                    }
                }
            }
            total.map(|t| Ok(Datum::of_number(&t).expect("a sum is a number")))
        }
        AggregateFn::Min => targets.iter().min_by(|a, b| a.0.cmp(&b.0)).map(|t| Ok(t.1)),
        AggregateFn::Max => targets.iter().max_by(|a, b| a.0.cmp(&b.0)).map(|t| Ok(t.1)),
    }
}

/// The one empty binding, on worker 0 only.
pub(super) fn unit<'s, T: Timestamp + Lattice>(
    scope: timely::dataflow::Scope<'s, T>,
    worker: usize,
) -> Coll<'s, T, ()> {
    use differential_dataflow::AsCollection;
    let one = if worker == 0 {
        vec![((), T::minimum(), 1isize)]
    } else {
        Vec::new()
    };
    one.to_stream(scope).as_collection()
}

/// The summary of one step of an iteration.
pub(super) fn step_summary<T: Timestamp>() -> Product<T::Summary, u64> {
    Product::new(Default::default(), 1)
}
