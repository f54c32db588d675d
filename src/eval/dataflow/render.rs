//! The plan as a dataflow: each rule's steps become differential
//! dataflow operators over collections of *bindings* (a row of slot
//! values, as the semi-naive join holds them in its registers), each
//! stratum a scope, a recursive one iterating to its fixpoint.
//!
//! A step's translation follows the join it replaces: a scan is a join
//! on the columns the plan's index for it names (a scan of the body's
//! first atom is a map over the relation), a negation an antijoin with
//! those columns, a filter or assignment a map, an existence test the
//! bindings with a match, and an aggregate a `reduce` per binding of
//! the variables before it. Heads project bindings to facts, and
//! `distinct` keeps set semantics.

use std::collections::HashMap;
use std::rc::Rc;

use differential_dataflow::lattice::Lattice;
use differential_dataflow::VecCollection;
use serde::{Deserialize, Serialize};
use timely::dataflow::operators::ToStream;
use timely::order::Product;
use timely::progress::Timestamp;

use super::super::arith;
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
    fn of(operand: Operand, names: &Interner) -> Known {
        match operand {
            Operand::Slot(s) => Known::Slot(s),
            Operand::Const(id) => Known::Datum(Datum::of_id(id, names)),
        }
    }

    fn get(&self, binding: &[Datum]) -> Datum {
        match self {
            Known::Slot(s) => binding[*s],
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
    fn of(expr: &Expr, names: &Interner) -> Term {
        match expr {
            Expr::Operand(o) => Term::Known(Known::of(*o, names)),
            Expr::Binary {
                op,
                left,
                right,
                span,
            } => Term::Binary(
                *op,
                Box::new(Term::of(left, names)),
                Box::new(Term::of(right, names)),
                (span.start, span.end),
            ),
            Expr::Neg { operand, span } => {
                Term::Neg(Box::new(Term::of(operand, names)), (span.start, span.end))
            }
        }
    }

    /// Its value under `binding`, as the semi-naive join computes it.
    fn eval(&self, binding: &[Datum], strings: &Strings) -> Result<Datum, Fault> {
        match self {
            Term::Known(k) => Ok(k.get(binding)),
            // Arithmetic makes numbers only (on a string it fails).
            computed => computed.value(binding, strings).map(|v| Datum::of_number(&v).expect("a number")),
        }
    }

    /// [`Term::eval`], as a value.
    fn value(&self, binding: &[Datum], strings: &Strings) -> Result<Value, Fault> {
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

/// What one column of a scanned fact does to a binding.
#[derive(Clone, Debug)]
enum Bind {
    Skip,
    Set(usize),
    Equal(Known),
}

/// Binds a fact's columns into a copy of `binding`, if they agree.
fn bind(binding: &[Datum], row: &[Datum], columns: &[Bind]) -> Option<Row> {
    let mut out = Row::from(binding);
    for (&value, column) in row.iter().zip(columns) {
        match column {
            Bind::Skip => {}
            Bind::Set(s) => out[*s] = value,
            Bind::Equal(k) => {
                if k.get(&out) != value {
                    return None;
                }
            }
        }
    }
    Some(out)
}

/// The values of `keys` under a binding: a join's key.
fn key_of(keys: &[Known], binding: &[Datum]) -> Row {
    keys.iter().map(|k| k.get(binding)).collect()
}

/// Where a scope's rules read each predicate.
pub(super) struct Scope<'s, T: Timestamp + Lattice> {
    /// The facts of each predicate, by id (those with none are missing).
    pub facts: HashMap<PredId, Coll<'s, T, Row>>,
    /// The one empty binding (on one worker), where a body starts.
    pub unit: Coll<'s, T, ()>,
    /// Arithmetic errors met, to report.
    pub faults: Vec<Coll<'s, T, Fault>>,
}

impl<'s, T: Timestamp + Lattice> Scope<'s, T> {
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
        let bindings = self.steps(&rule.base, rule.slots, None, scope);
        let head: Vec<Known> = rule
            .head_args
            .iter()
            .map(|&o| Known::of(o, self.names))
            .collect();
        self.start(bindings, rule.slots, scope)
            .map(move |b| key_of(&head, &b))
    }

    /// Bindings, or the one empty binding of `slots` slots when a body has
    /// not started.
    fn start<'s, T: Timestamp + Lattice>(
        &self,
        bindings: Option<Coll<'s, T, Row>>,
        slots: usize,
        scope: &Scope<'s, T>,
    ) -> Coll<'s, T, Row> {
        bindings.unwrap_or_else(|| scope.unit.clone().map(move |()| Row::unbound(slots)))
    }

    /// Runs `steps` from `bindings` (`None`: the body's start).
    fn steps<'s, T: Timestamp + Lattice>(
        &self,
        steps: &[Step],
        slots: usize,
        mut bindings: Option<Coll<'s, T, Row>>,
        scope: &mut Scope<'s, T>,
    ) -> Option<Coll<'s, T, Row>> {
        for step in steps {
            bindings = Some(self.step(step, slots, bindings, scope));
        }
        bindings
    }

    fn step<'s, T: Timestamp + Lattice>(
        &self,
        step: &Step,
        slots: usize,
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
                let keys: Vec<Known> = key.iter().map(|&o| Known::of(o, names)).collect();
                let columns: Vec<Bind> = columns
                    .iter()
                    .map(|c| match *c {
                        Column::Skip => Bind::Skip,
                        Column::Bind(s) => Bind::Set(s),
                        Column::Check(s) => Bind::Equal(Known::Slot(s)),
                        Column::Const(id) => Bind::Equal(Known::Datum(Datum::of_id(id, names))),
                    })
                    .collect();
                let relation = scope.relation(*pred);
                match bindings {
                    // The body's first atom: its facts, those that match
                    // the key's constants, each a binding.
                    None => {
                        let empty = Row::unbound(slots);
                        relation.flat_map(move |row| {
                            let matches = key_columns
                                .iter()
                                .zip(&keys)
                                .all(|(&c, k)| k.get(&empty) == row[c]);
                            if matches {
                                bind(&empty, &row, &columns)
                            } else {
                                None
                            }
                        })
                    }
                    Some(bindings) => {
                        let keyed = relation.map({
                            let key_columns = key_columns.clone();
                            move |row| (key_columns.iter().map(|&c| row[c]).collect::<Row>(), row)
                        });
                        bindings
                            .map(move |b| (key_of(&keys, &b), b))
                            .join_map(keyed, move |_, b, row| bind(b, row, &columns))
                            .flat_map(|b| b)
                    }
                }
            }
            Step::Absent { pred, access, key } => {
                let key_columns = self.key_columns(*pred, *access);
                let keys: Vec<Known> = key.iter().map(|&o| Known::of(o, names)).collect();
                let present = scope
                    .relation(*pred)
                    .map(move |row| key_columns.iter().map(|&c| row[c]).collect::<Row>())
                    .distinct();
                self.start(bindings, slots, scope)
                    .map(move |b| (key_of(&keys, &b), b))
                    .antijoin(present)
                    .map(|(_, b)| b)
            }
            Step::Filter { op, left, right } => {
                let (op, left, right) = (*op, Term::of(left, names), Term::of(right, names));
                let strings = self.strings.clone();
                let tested = self.start(bindings, slots, scope).map(move |b| {
                    let holds = match (left.value(&b, &strings), right.value(&b, &strings)) {
                        (Ok(l), Ok(r)) => Ok(arith::holds(op, &l, &r)),
                        (Err(f), _) | (_, Err(f)) => Err(f),
                    };
                    (b, holds)
                });
                self.keep_faults(&tested, scope);
                tested.flat_map(|(b, holds)| matches!(holds, Ok(true)).then_some(b))
            }
            Step::Assign { slot, expr } => {
                let (slot, term) = (*slot, Term::of(expr, names));
                let strings = self.strings.clone();
                let computed = self
                    .start(bindings, slots, scope)
                    .map(move |mut b| match term.eval(&b, &strings) {
                        Ok(v) => {
                            b[slot] = v;
                            (b, Ok(true))
                        }
                        Err(f) => (b, Err(f)),
                    });
                self.keep_faults(&computed, scope);
                computed.flat_map(|(b, ok)| ok.is_ok().then_some(b))
            }
            Step::Exists(inner) => {
                let before = self.start(bindings, slots, scope);
                let bound = Rc::new(bound_by(inner));
                let found = self
                    .steps(inner, slots, Some(before), scope)
                    .expect("an existence test has steps");
                found.map(move |b| unbind(b, &bound)).distinct()
            }
            Step::Aggregate(agg) => self.aggregate(agg, slots, bindings, scope),
        }
    }

    /// `result = f target : { body }`, per binding of the variables
    /// before it: the distinct bindings of the body's local variables
    /// with their target, reduced. An empty group counts 0 and has no
    /// sum, minimum or maximum, as in the semi-naive join.
    fn aggregate<'s, T: Timestamp + Lattice>(
        &self,
        agg: &AggregatePlan,
        slots: usize,
        bindings: Option<Coll<'s, T, Row>>,
        scope: &mut Scope<'s, T>,
    ) -> Coll<'s, T, Row> {
        let groups = self.start(bindings, slots, scope).distinct();
        let bound = Rc::new(bound_by(&agg.steps));
        let locals = agg.locals.clone();
        let target = agg.target.map(|o| Known::of(o, self.names));
        let members = self
            .steps(&agg.steps, slots, Some(groups.clone()), scope)
            .expect("an aggregate has steps")
            .map(move |b| {
                let local: Row = locals.iter().map(|&s| b[s]).collect();
                let value = target.as_ref().map_or(Datum::UNBOUND, |t| t.get(&b));
                (unbind(b, &bound), (local, value))
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
        let (result, result_bound) = (agg.result, agg.result_bound);
        results.flat_map(move |(mut group, value)| {
            let value = value.ok()?;
            if result_bound {
                (group[result] == value).then_some(group)
            } else {
                group[result] = value;
                Some(group)
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

/// The slots that `steps` bind (none of which was bound before them).
fn bound_by(steps: &[Step]) -> Vec<usize> {
    let mut slots = Vec::new();
    for step in steps {
        match step {
            Step::Scan { columns, .. } => slots.extend(columns.iter().filter_map(|c| match c {
                Column::Bind(s) => Some(*s),
                _ => None,
            })),
            Step::Assign { slot, .. } => slots.push(*slot),
            Step::Aggregate(agg) if !agg.result_bound => slots.push(agg.result),
            Step::Aggregate(_) | Step::Absent { .. } | Step::Filter { .. } => {}
            Step::Exists(inner) => slots.extend(bound_by(inner)),
        }
    }
    slots
}

/// A binding with `slots` unbound again: what it was before the steps
/// that bound them.
fn unbind(mut binding: Row, slots: &[usize]) -> Row {
    for &s in slots {
        binding[s] = Datum::UNBOUND;
    }
    binding
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
