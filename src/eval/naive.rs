//! The oracle: a plain naive evaluator, kept to test the fast one against.
//!
//! It shares nothing with the planner or the semi-naive loop: it works on
//! the AST and [`Value`]s directly, evaluates each stratum by re-running
//! every rule on the whole database until nothing changes, and picks the
//! next body literal as the first one that can run. Slow, and obviously
//! right.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::arith;
use crate::ast::group_variables;
use crate::ast::{AggregateFn, ArithOp, CompareOp, Expr, Literal, Rule, Term};
use crate::check::Stratification;
use crate::load::Program;
use crate::source::Span;
use crate::time::Time;
use crate::value::Value;

/// Every fact, by predicate name.
pub type Model = BTreeMap<String, BTreeSet<Vec<Value>>>;

type Binding = HashMap<String, Value>;

/// Computes the perfect model, or the first arithmetic error's message.
/// Every fact counts, whatever its validity (see [`evaluate_at`]).
pub fn evaluate(program: &Program, strata: &Stratification) -> Result<Model, String> {
    evaluate_facts(program, strata, |_| true)
}

/// The perfect model at time point `t` (SPEC §10): only the facts that
/// hold then count. Over time, the oracle is this at every time point.
pub fn evaluate_at(program: &Program, strata: &Stratification, t: Time) -> Result<Model, String> {
    evaluate_facts(program, strata, |span| {
        program.when(span).is_none_or(|w| w.from <= t && t <= w.to)
    })
}

fn evaluate_facts(
    program: &Program,
    strata: &Stratification,
    given: impl Fn(Span) -> bool,
) -> Result<Model, String> {
    let mut model = Model::new();
    for fact in program.facts.iter().filter(|f| given(f.span())) {
        let row = program.facts.values(fact);
        model
            .entry(fact.name().to_string())
            .or_default()
            .insert(row);
    }
    for stratum in &strata.strata {
        let rules: Vec<&Rule> = program
            .rules
            .iter()
            .filter(|r| !r.is_fact() && stratum.iter().any(|p| **p == *r.head.predicate.text))
            .collect();
        loop {
            let mut new = Vec::new();
            for rule in &rules {
                for b in solve(&rule.body, Binding::new(), &model)? {
                    let row: Vec<Value> = rule.head.args.iter().map(|t| term(t, &b)).collect();
                    let known = model
                        .get(&*rule.head.predicate.text)
                        .is_some_and(|f| f.contains(&row));
                    if !known {
                        new.push((rule.head.predicate.text.to_string(), row));
                    }
                }
            }
            if new.is_empty() {
                break;
            }
            for (p, row) in new {
                model.entry(p).or_default().insert(row);
            }
        }
    }
    Ok(model)
}

/// Every binding that satisfies the body, extending `b`.
pub fn solve(body: &[Literal], b: Binding, model: &Model) -> Result<Vec<Binding>, String> {
    solve_rest(body, (0..body.len()).collect(), b, model)
}

/// Solves the literals of `body` listed in `rest`; aggregates see the whole
/// body to tell their group variables.
fn solve_rest(
    body: &[Literal],
    rest: Vec<usize>,
    b: Binding,
    model: &Model,
) -> Result<Vec<Binding>, String> {
    let waiting: Vec<&Literal> = rest.iter().map(|&i| &body[i]).collect();
    let Some(at) = rest
        .iter()
        .position(|&i| runnable(&body[i], body, &b) && !waits(&body[i], &waiting, &b))
    else {
        return Ok(if rest.is_empty() { vec![b] } else { Vec::new() });
    };
    let mut others = rest.clone();
    let i = others.remove(at);
    let mut out = Vec::new();
    for next in step(&body[i], body, b, model)? {
        out.extend(solve_rest(body, others.clone(), next, model)?);
    }
    Ok(out)
}

/// Does `l`, arithmetic, wait for an atom of `rest` (positive or negated)
/// that does not mention the variable it assigns? Arithmetic runs only on
/// bindings the atoms accept (SPEC's checked arithmetic, docs/language.md).
fn waits(l: &Literal, rest: &[&Literal], b: &Binding) -> bool {
    let Literal::Compare(c) = l else {
        return false;
    };
    if matches!((&c.left, &c.right), (Expr::Term(_), Expr::Term(_))) {
        return false;
    }
    let assigned = [&c.left, &c.right]
        .into_iter()
        .filter_map(|e| e.as_var())
        .find(|v| !b.contains_key(&v.name));
    rest.iter().any(|other| match other {
        Literal::Positive(a) | Literal::Negative(a) => !assigned.is_some_and(|v| {
            a.args
                .iter()
                .any(|t| matches!(t, Term::Var(w) if w.name == v.name))
        }),
        _ => false,
    })
}

fn runnable(l: &Literal, body: &[Literal], b: &Binding) -> bool {
    let bound = |e: &Expr| {
        let mut ok = true;
        e.for_each_term(&mut |t| {
            if let Term::Var(v) = t {
                ok &= b.contains_key(&v.name);
            }
        });
        ok
    };
    match l {
        Literal::Positive(_) => true,
        Literal::Negative(a) => a
            .args
            .iter()
            .all(|t| !matches!(t, Term::Var(v) if !b.contains_key(&v.name))),
        Literal::Compare(c) => {
            (bound(&c.left) && bound(&c.right))
                || (c.op == CompareOp::Eq && c.left.as_var().is_some() && bound(&c.right))
                || (c.op == CompareOp::Eq && c.right.as_var().is_some() && bound(&c.left))
        }
        Literal::Aggregate(agg) => group_variables(agg, body)
            .iter()
            .all(|g| b.contains_key(*g)),
    }
}

/// The bindings after literal `l`: one arm per kind of literal, written
/// out in full so that the oracle reads as the semantics it checks.
fn step(l: &Literal, body: &[Literal], b: Binding, model: &Model) -> Result<Vec<Binding>, String> {
    let empty = BTreeSet::new();
    Ok(match l {
        Literal::Positive(a) => {
            let facts = model.get(&*a.predicate.text).unwrap_or(&empty);
            // With the first argument known, only the rows that start
            // with it (a range of the sorted set) can match.
            let first = a.args.first().and_then(|t| match t {
                Term::Const(c, _) => Some(c.clone()),
                Term::Var(v) => b.get(&v.name).cloned(),
                Term::Wildcard(_) => None,
            });
            let rows: Box<dyn Iterator<Item = &Vec<Value>>> = match first {
                Some(v) => Box::new(
                    facts
                        .range(vec![v.clone()]..)
                        .take_while(move |row| row[0] == v),
                ),
                None => Box::new(facts.iter()),
            };
            rows.filter_map(|row| unify(&a.args, row, b.clone()))
                .collect()
        }
        Literal::Negative(a) => {
            let facts = model.get(&*a.predicate.text).unwrap_or(&empty);
            if facts
                .iter()
                .any(|row| unify(&a.args, row, b.clone()).is_some())
            {
                vec![]
            } else {
                vec![b]
            }
        }
        Literal::Compare(c) => {
            if c.op == CompareOp::Eq {
                for (target, source) in [(&c.left, &c.right), (&c.right, &c.left)] {
                    if let Some(v) = target.as_var().filter(|v| !b.contains_key(&v.name)) {
                        let value = expr(source, &b)?;
                        let mut b = b;
                        b.insert(v.name.clone(), value);
                        return Ok(vec![b]);
                    }
                }
            }
            if arith::holds(c.op, &expr(&c.left, &b)?, &expr(&c.right, &b)?) {
                vec![b]
            } else {
                vec![]
            }
        }
        Literal::Aggregate(agg) => {
            let groups = group_variables(agg, body);
            let inner: Binding = b
                .iter()
                .filter(|(k, _)| groups.contains(k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let mut locals: Vec<String> = Vec::new();
            for lit in &agg.body {
                lit.for_each_var(&mut |v| {
                    if !groups.contains(v.name.as_str()) && !locals.contains(&v.name) {
                        locals.push(v.name.clone());
                    }
                });
            }
            let mut distinct: BTreeMap<Vec<Value>, Value> = BTreeMap::new();
            for s in solve(&agg.body, inner, model)? {
                let key = locals.iter().map(|n| s[n].clone()).collect();
                let target = agg.target.as_ref().map_or(Value::Int(0), |t| term(t, &s));
                distinct.insert(key, target);
            }
            let values: Vec<&Value> = distinct.values().collect();
            let result = match agg.function {
                AggregateFn::Count => Some(Value::Int(values.len() as i64)),
                AggregateFn::Sum => {
                    let mut total = None;
                    for v in values {
                        let sum = total.unwrap_or(Value::Int(0));
                        total = Some(arith::apply(ArithOp::Add, &sum, v).map_err(|e| e.message)?);
                    }
                    total
                }
                AggregateFn::Min => values.into_iter().min().cloned(),
                AggregateFn::Max => values.into_iter().max().cloned(),
            };
            match (result, b.get(&agg.result.name)) {
                (None, _) => vec![],
                (Some(r), Some(existing)) => {
                    if &r == existing {
                        vec![b]
                    } else {
                        vec![]
                    }
                }
                (Some(r), None) => {
                    let mut b = b;
                    b.insert(agg.result.name.clone(), r);
                    vec![b]
                }
            }
        }
    })
}

fn unify(args: &[Term], row: &[Value], mut b: Binding) -> Option<Binding> {
    for (t, v) in args.iter().zip(row) {
        match t {
            Term::Wildcard(_) => {}
            Term::Const(c, _) => {
                if c != v {
                    return None;
                }
            }
            Term::Var(var) => match b.get(&var.name) {
                Some(existing) if existing != v => return None,
                Some(_) => {}
                None => {
                    b.insert(var.name.clone(), v.clone());
                }
            },
        }
    }
    Some(b)
}

fn expr(e: &Expr, b: &Binding) -> Result<Value, String> {
    match e {
        Expr::Term(t) => Ok(term(t, b)),
        Expr::Binary {
            op, left, right, ..
        } => arith::apply(*op, &expr(left, b)?, &expr(right, b)?).map_err(|e| e.message),
        Expr::Neg { operand, .. } => arith::negate(&expr(operand, b)?).map_err(|e| e.message),
    }
}

fn term(t: &Term, b: &Binding) -> Value {
    match t {
        Term::Var(v) => b[&v.name].clone(),
        Term::Const(c, _) => c.clone(),
        Term::Wildcard(_) => Value::Int(0),
    }
}
