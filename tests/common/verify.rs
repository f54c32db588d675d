//! An independent proof checker, shared by the property tests: it checks
//! each step of a proof against the AST and a model computed by the naive
//! oracle (head and premises match the named rule under the bindings,
//! negated premises are absent, comparisons hold, aggregates have the
//! oracle's value, leaves are given facts of the program, no fact proves
//! itself).

use std::collections::{BTreeSet, HashMap};

use entente::ast::{Literal, Term};
use entente::eval::arith;
use entente::eval::naive::{self, Model};
use entente::explain::{Fact, Justification, Proof};
use entente::Value;

pub struct Verifier<'a> {
    pub program: &'a entente::load::Program,
    pub model: &'a Model,
}

impl Verifier<'_> {
    fn holds(&self, fact: &Fact) -> bool {
        self.model
            .get(&fact.predicate)
            .is_some_and(|f| f.contains(&fact.args))
    }

    pub fn check(&self, proof: &Proof, ancestors: &mut Vec<Fact>) -> Result<(), String> {
        if ancestors.contains(&proof.fact) {
            return Err(format!("{} proves itself", proof.fact));
        }
        if !self.holds(&proof.fact) {
            return Err(format!("{} is not in the model", proof.fact));
        }
        match &proof.justification {
            Justification::Truncated => Err(format!("the proof of {} is cut", proof.fact)),
            Justification::Given(_) => {
                let facts = &self.program.facts;
                let given = facts.iter().any(|f| {
                    f.name() == proof.fact.predicate && facts.values(f) == proof.fact.args
                });
                if given {
                    Ok(())
                } else {
                    Err(format!(
                        "{} is called given but is not a fact of the program",
                        proof.fact
                    ))
                }
            }
            Justification::Derived(d) => {
                let rule = &self.program.rules[d.rule_index];
                let b: HashMap<String, Value> = d.bindings.iter().cloned().collect();
                let value = |t: &Term| match t {
                    Term::Var(v) => b.get(&v.name).cloned(),
                    Term::Const(c, _) => Some(c.clone()),
                    Term::Wildcard(_) => None,
                };
                // The head under the bindings is the fact.
                if *rule.head.predicate.text != *proof.fact.predicate
                    || rule.head.args.iter().map(value).collect::<Vec<_>>()
                        != proof
                            .fact
                            .args
                            .iter()
                            .cloned()
                            .map(Some)
                            .collect::<Vec<_>>()
                {
                    return Err(format!(
                        "{} is not the head of rule {}",
                        proof.fact, d.rule_index
                    ));
                }
                let positives: Vec<&entente::ast::Atom> = rule
                    .body
                    .iter()
                    .filter_map(|l| match l {
                        Literal::Positive(a) => Some(a),
                        _ => None,
                    })
                    .collect();
                if positives.len() != d.premises.len() {
                    return Err(format!(
                        "rule {} has {} premises, the proof {}",
                        d.rule_index,
                        positives.len(),
                        d.premises.len()
                    ));
                }
                for (atom, premise) in positives.iter().zip(&d.premises) {
                    let fits = *atom.predicate.text == *premise.fact.predicate
                        && atom
                            .args
                            .iter()
                            .zip(&premise.fact.args)
                            .all(|(t, v)| value(t).is_none_or(|x| &x == v));
                    if !fits {
                        return Err(format!("premise {} does not match {atom}", premise.fact));
                    }
                }
                // A wildcard's value is the premise's: fold those in for the
                // tests below, which need every variable's value.
                let mut full = b.clone();
                for literal in &rule.body {
                    match literal {
                        Literal::Negative(atom) => {
                            let pattern: Vec<Option<Value>> =
                                atom.args.iter().map(&value).collect();
                            let blocked =
                                self.model.get(&*atom.predicate.text).is_some_and(|facts| {
                                    facts.iter().any(|row| {
                                        row.iter()
                                            .zip(&pattern)
                                            .all(|(v, p)| p.as_ref().is_none_or(|p| p == v))
                                    })
                                });
                            if blocked {
                                return Err(format!(
                                    "not {atom} is contradicted in the proof of {}",
                                    proof.fact
                                ));
                            }
                        }
                        Literal::Compare(c) => {
                            let l = eval(&c.left, &full)?;
                            let r = eval(&c.right, &full)?;
                            if !arith::holds(c.op, &l, &r) {
                                return Err(format!(
                                    "{l} {} {r} does not hold in the proof of {}",
                                    c.op.symbol(),
                                    proof.fact
                                ));
                            }
                        }
                        Literal::Aggregate(agg) => {
                            let expected = aggregate(agg, &rule.body, &full, self.model)?;
                            if full.get(&agg.result.name) != expected.as_ref() {
                                return Err(format!(
                                    "aggregate {} is {:?}, the proof says {:?}",
                                    agg.result.name,
                                    expected,
                                    full.get(&agg.result.name)
                                ));
                            }
                            full.insert(agg.result.name.clone(), expected.unwrap_or(Value::Int(0)));
                        }
                        Literal::Positive(_) => {}
                    }
                }
                ancestors.push(proof.fact.clone());
                for p in &d.premises {
                    self.check(p, ancestors)?;
                }
                ancestors.pop();
                Ok(())
            }
        }
    }
}

fn eval(e: &entente::ast::Expr, b: &HashMap<String, Value>) -> Result<Value, String> {
    match e {
        entente::ast::Expr::Term(Term::Var(v)) => {
            b.get(&v.name).cloned().ok_or(format!("{} unbound", v.name))
        }
        entente::ast::Expr::Term(Term::Const(c, _)) => Ok(c.clone()),
        entente::ast::Expr::Term(Term::Wildcard(_)) => Err("wildcard".into()),
        entente::ast::Expr::Binary {
            op, left, right, ..
        } => arith::apply(*op, &eval(left, b)?, &eval(right, b)?).map_err(|e| e.message),
        entente::ast::Expr::Neg { operand, .. } => {
            arith::negate(&eval(operand, b)?).map_err(|e| e.message)
        }
    }
}

/// The aggregate's value for the bindings, computed from the oracle model.
fn aggregate(
    agg: &entente::ast::Aggregate,
    body: &[Literal],
    b: &HashMap<String, Value>,
    model: &Model,
) -> Result<Option<Value>, String> {
    let groups = entente::ast::group_variables(agg, body);
    let inner: HashMap<String, Value> = b
        .iter()
        .filter(|(k, _)| groups.contains(k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut locals = Vec::new();
    for l in &agg.body {
        l.for_each_var(&mut |v| {
            if !groups.contains(v.name.as_str()) && !locals.contains(&v.name) {
                locals.push(v.name.clone());
            }
        });
    }
    let mut distinct: BTreeSet<Vec<Value>> = BTreeSet::new();
    let mut targets = Vec::new();
    for s in naive::solve(&agg.body, inner, model)? {
        if distinct.insert(locals.iter().map(|n| s[n].clone()).collect()) {
            targets.push(agg.target.as_ref().map_or(Value::Int(0), |t| match t {
                Term::Var(v) => s[&v.name].clone(),
                Term::Const(c, _) => c.clone(),
                Term::Wildcard(_) => Value::Int(0),
            }));
        }
    }
    use entente::ast::AggregateFn::*;
    Ok(match agg.function {
        Count => Some(Value::Int(targets.len() as i64)),
        Sum => {
            let mut total = None;
            for t in &targets {
                total = Some(
                    arith::apply(
                        entente::ast::ArithOp::Add,
                        &total.unwrap_or(Value::Int(0)),
                        t,
                    )
                    .map_err(|e| e.message)?,
                );
            }
            total
        }
        Min => targets.into_iter().min(),
        Max => targets.into_iter().max(),
    })
}
