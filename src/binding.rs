//! Which variables a literal binds, and when it can run: the one answer
//! that the checker (range restriction), the planner (join order,
//! existence tests) and why-nots (the order they try a body's prefixes
//! in) share.
//!
//! A positive atom binds its variables and can always run; `V = E` can
//! run once `E`'s variables are bound (either side may be the variable)
//! and binds `V`; any other comparison and a negated atom bind nothing
//! and run once their variables are bound; an aggregate runs once its
//! group variables are bound and binds its result.
//!
//! A literal that *computes* (a comparison with arithmetic, which can
//! fail) also waits for every atom, positive or negated, that does not
//! need its result (see [`waits_for`]). So arithmetic runs only on
//! bindings that match the rest of the body, and whether it fails does
//! not depend on the join order: evaluation, each of its delta variants,
//! maintenance, proofs (which bind a rule's head first) and the naive
//! oracle all agree on it.

use std::collections::HashSet;
use std::hash::BuildHasher;

use crate::ast::{group_variables, CompareOp, Expr, Literal, Term};

/// A set of variable names, owned or borrowed from the syntax tree.
pub trait Vars<'a> {
    /// Is `name` bound?
    fn has(&self, name: &str) -> bool;
    /// Binds `name`.
    fn add(&mut self, name: &'a str);
}

impl<S: BuildHasher> Vars<'_> for HashSet<String, S> {
    fn has(&self, name: &str) -> bool {
        self.contains(name)
    }
    fn add(&mut self, name: &str) {
        if !self.contains(name) {
            self.insert(name.to_string());
        }
    }
}

impl<'a, S: BuildHasher> Vars<'a> for HashSet<&'a str, S> {
    fn has(&self, name: &str) -> bool {
        self.contains(name)
    }
    fn add(&mut self, name: &'a str) {
        self.insert(name);
    }
}

/// Can `l` (a literal of `body`) run with `bound` bound? A positive atom
/// always can.
pub fn ready<'a>(l: &'a Literal, body: &'a [Literal], bound: &impl Vars<'a>) -> bool {
    // A wildcard is never bound: the checker refuses it where a value is
    // needed.
    let all_bound = |e: &Expr| {
        let mut ok = true;
        e.for_each_term(&mut |t| match t {
            Term::Var(v) => ok &= bound.has(&v.name),
            Term::Wildcard(_) => ok = false,
            Term::Const(..) => {}
        });
        ok
    };
    match l {
        Literal::Positive(_) => true,
        Literal::Negative(a) => a.args.iter().all(|t| match t {
            Term::Var(v) => bound.has(&v.name),
            _ => true,
        }),
        Literal::Compare(c) => {
            let assignable = |target: &Expr, source: &Expr| {
                c.op == CompareOp::Eq && target.as_var().is_some() && all_bound(source)
            };
            (all_bound(&c.left) && all_bound(&c.right))
                || assignable(&c.left, &c.right)
                || assignable(&c.right, &c.left)
        }
        Literal::Aggregate(agg) => group_variables(agg, body).iter().all(|g| bound.has(g)),
    }
}

/// Does `l` compute: is it a comparison or assignment with arithmetic,
/// which may fail?
pub fn computes(l: &Literal) -> bool {
    let arithmetic = |e: &Expr| !matches!(e, Expr::Term(_));
    matches!(l, Literal::Compare(c) if arithmetic(&c.left) || arithmetic(&c.right))
}

/// Must literal `i` of `body` wait, with the literals `placed` run and
/// `bound` bound? It must when it [`computes`] and some atom not run yet
/// does not need its result ([`waits_for`]).
pub fn waits<'a>(body: &[Literal], i: usize, placed: &[bool], bound: &impl Vars<'a>) -> bool {
    computes(&body[i])
        && (0..body.len()).any(|j| j != i && !placed[j] && waits_for(&body[i], &body[j], bound))
}

/// Must `computing`, a literal that [`computes`], wait for `other`, not
/// run yet, with `bound` bound? It must for an atom, positive or negated,
/// that does not mention the variable `computing` would assign: that atom
/// can run first and refuse the bindings the arithmetic would fail on.
pub fn waits_for<'a>(computing: &Literal, other: &Literal, bound: &impl Vars<'a>) -> bool {
    let Literal::Compare(c) = computing else {
        return false;
    };
    let assigned = [&c.left, &c.right]
        .into_iter()
        .filter_map(|side| side.as_var())
        .find(|v| !bound.has(&v.name));
    let atom = match other {
        Literal::Positive(a) | Literal::Negative(a) => a,
        Literal::Compare(_) | Literal::Aggregate(_) => return false,
    };
    !assigned.is_some_and(|v| {
        atom.args
            .iter()
            .any(|t| matches!(t, Term::Var(w) if w.name == v.name))
    })
}

/// Adds the variables `l` binds once it has run (see [`ready`]).
pub fn binds<'a>(l: &'a Literal, bound: &mut impl Vars<'a>) {
    match l {
        Literal::Positive(a) => {
            for t in &a.args {
                if let Term::Var(v) = t {
                    bound.add(&v.name);
                }
            }
        }
        Literal::Compare(c) if c.op == CompareOp::Eq => {
            for side in [&c.left, &c.right] {
                if let Some(v) = side.as_var() {
                    bound.add(&v.name);
                }
            }
        }
        Literal::Aggregate(agg) => bound.add(&agg.result.name),
        Literal::Negative(_) | Literal::Compare(_) => {}
    }
}

/// The variables bound once `body` has matched, given those bound outside
/// it: a fixpoint, independent of the literals' order.
pub fn bound_variables<'a, S: Vars<'a> + Clone>(body: &'a [Literal], outside: &S) -> S {
    let mut bound = outside.clone();
    let mut done = vec![false; body.len()];
    loop {
        let mut progress = false;
        for (i, l) in body.iter().enumerate() {
            if !done[i] && ready(l, body, &bound) {
                binds(l, &mut bound);
                done[i] = true;
                progress = true;
            }
        }
        if !progress {
            return bound;
        }
    }
}
