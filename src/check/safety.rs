//! Range restriction (SPEC §4): every variable of a rule's head, of a
//! negated atom, of a comparison and of an aggregate's outside must be bound
//! by a positive body atom or an assignment.
//!
//! Binding is computed as a fixpoint, independent of literal order
//! ([`crate::binding`]). An aggregate's body is checked the same way, with
//! its group variables counted as bound.

use std::collections::HashSet;

use crate::ast::{group_variables, inner_variables};
use crate::ast::{Aggregate, CompareOp, Literal, Query, Rule, Term, Var};
use crate::binding::bound_variables;
use crate::error::CheckError;
use crate::load::Program;

/// Every unbound variable of every rule, fact and query.
pub fn check(program: &Program) -> Vec<CheckError> {
    let mut errors = Vec::new();
    for rule in &program.rules {
        check_rule(rule, &mut errors);
    }
    for query in program.asked() {
        errors.extend(check_query(query));
    }
    errors
}

/// Every unbound variable of one query.
pub fn check_query(query: &Query) -> Vec<CheckError> {
    let mut errors = Vec::new();
    check_body(&query.body, &HashSet::new(), &mut errors);
    errors
}

fn check_rule(rule: &Rule, errors: &mut Vec<CheckError>) {
    if rule.is_fact() {
        for term in &rule.head.args {
            if let Some((name, span)) = variable_of(term) {
                errors.push(CheckError::UnsafeVariable {
                    name,
                    place: "in a fact",
                    span,
                    help: Some(
                        "facts are ground: write a constant, or give the rule a body that binds it"
                            .into(),
                    ),
                });
            }
        }
        return;
    }
    let bound = check_body(&rule.body, &HashSet::new(), errors);
    let assigned = assignment_targets(&rule.body);
    for term in &rule.head.args {
        match term {
            // An unbound assignment target was reported at the assignment.
            Term::Var(v)
                if !bound.contains(v.name.as_str()) && !assigned.contains(v.name.as_str()) =>
            {
                errors.push(unbound(v, "in the head"))
            }
            Term::Wildcard(span) => errors.push(CheckError::UnsafeVariable {
                name: "_".into(),
                place: "in the head",
                span: *span,
                help: Some(
                    "a head argument must be a constant or a variable bound in the body".into(),
                ),
            }),
            _ => {}
        }
    }
}

/// Checks a body given the variables bound outside it; returns the
/// variables bound once the body has matched.
fn check_body<'a>(
    body: &'a [Literal],
    outside: &HashSet<&'a str>,
    errors: &mut Vec<CheckError>,
) -> HashSet<&'a str> {
    let bound = bound_variables(body, outside);
    let assigned = assignment_targets(body);
    for literal in body {
        match literal {
            Literal::Positive(_) => {}
            Literal::Negative(atom) => {
                for term in &atom.args {
                    if let Term::Var(v) = term {
                        if !bound.contains(v.name.as_str()) && !assigned.contains(v.name.as_str()) {
                            errors.push(unbound(v, "in a negated atom"));
                        }
                    }
                }
            }
            Literal::Compare(c) => {
                // In `V = E` whose `E` cannot be computed, the cause is in
                // `E`: report that, not `V`.
                let target = match (c.op, c.left.as_var(), c.right.as_var()) {
                    (CompareOp::Eq, Some(v), _) if !bound.contains(v.name.as_str()) => {
                        Some(&c.left)
                    }
                    (CompareOp::Eq, _, Some(v)) if !bound.contains(v.name.as_str()) => {
                        Some(&c.right)
                    }
                    _ => None,
                };
                let mut each = |t: &Term| match t {
                    Term::Var(v) if !bound.contains(v.name.as_str()) => {
                        errors.push(unbound(v, "in a comparison"))
                    }
                    Term::Wildcard(span) => errors.push(CheckError::UnsafeVariable {
                        name: "_".into(),
                        place: "in a comparison",
                        span: *span,
                        help: Some("compare a named variable bound elsewhere in the body".into()),
                    }),
                    _ => {}
                };
                for side in [&c.left, &c.right] {
                    if target.is_none_or(|t| !std::ptr::eq(t, side)) {
                        side.for_each_term(&mut each);
                    }
                }
            }
            Literal::Aggregate(agg) => check_aggregate(agg, body, &bound, errors),
        }
    }
    bound
}

fn check_aggregate<'a>(
    agg: &'a Aggregate,
    body: &'a [Literal],
    bound: &HashSet<&'a str>,
    errors: &mut Vec<CheckError>,
) {
    let groups = group_variables(agg, body);
    for v in inner_variables(agg) {
        if groups.contains(v.name.as_str()) && !bound.contains(v.name.as_str()) {
            errors.push(unbound(v, "grouping an aggregate"));
        }
    }
    let inner_bound = check_body(&agg.body, &groups, errors);
    if let Some(Term::Var(v)) = &agg.target {
        if !inner_bound.contains(v.name.as_str()) {
            errors.push(unbound(v, "as the aggregated term"));
        }
    }
}

/// Variables that an assignment or aggregate would bind if it could be
/// computed; when one stays unbound, the error is reported at its cause.
fn assignment_targets(body: &[Literal]) -> HashSet<&str> {
    let mut targets = HashSet::new();
    for literal in body {
        match literal {
            Literal::Compare(c) if c.op == CompareOp::Eq => {
                targets.extend(c.left.as_var().map(|v| v.name.as_str()));
                targets.extend(c.right.as_var().map(|v| v.name.as_str()));
            }
            Literal::Aggregate(agg) => {
                targets.insert(agg.result.name.as_str());
            }
            _ => {}
        }
    }
    targets
}

fn unbound(v: &Var, place: &'static str) -> CheckError {
    CheckError::UnsafeVariable {
        name: v.name.clone(),
        place,
        span: v.span,
        help: None,
    }
}

fn variable_of(term: &Term) -> Option<(String, crate::source::Span)> {
    match term {
        Term::Var(v) => Some((v.name.clone(), v.span)),
        Term::Wildcard(span) => Some(("_".into(), *span)),
        Term::Const(..) => None,
    }
}
