//! Why-not: what stops a fact that does not hold.
//!
//! For each rule whose head could conclude the fact, the head is bound to
//! the fact's values and the body's literals are taken in source order (a
//! test waits until its variables are bound): the shortest prefix that no
//! binding satisfies, found by bisection, ends with the literal that failed. It
//! is reported with the values bound so far and, for a missing premise, the
//! existing facts of its predicate that share the most arguments with it;
//! for a negated premise, the fact that blocks it. A fact that no rule can
//! conclude and that is not given says so, with did-you-mean suggestions
//! for its predicate and constants.

use std::collections::{HashMap, HashSet};

use super::{source_at, substitute_literal, Fact, Source};
use crate::ast::{self, Literal, Term};
use crate::binding;
use crate::eval::{Missing, Reader};
use crate::intern::{Id, Names};
use crate::load::Program;
use crate::plan::Bindings;
use crate::source::Sources;
use crate::source::Span;
use crate::suggest::did_you_mean;
use crate::time::{Time, Validity};
use crate::value::Value;

/// Most closest facts shown for a missing premise.
pub const CLOSEST: usize = 3;

/// Why a fact does not hold.
#[derive(Clone, Debug, PartialEq)]
pub struct WhyNot {
    /// The fact asked about.
    pub fact: Fact,
    /// The time point asked about, for a program that says when facts
    /// hold (SPEC §10).
    pub at: Option<Time>,
    /// For such a program, when the fact does hold (never, if it never
    /// does).
    pub validity: Option<Validity>,
    /// True when no time point was asked about and the fact holds at
    /// none: `at` is then where the given facts last change, and the
    /// why-not is of the facts as they stand from then on.
    pub latest: bool,
    /// One entry per rule whose head has the fact's predicate.
    pub attempts: Vec<Attempt>,
    /// Given facts of the predicate closest to the fact (when no rule
    /// concludes it, or in addition to the attempts).
    pub closest: Vec<Fact>,
    /// Did-you-mean lines for the predicate and the constants.
    pub suggestions: Vec<String>,
    /// The sources that do not cover the time asked about and whose
    /// facts the predicate rests on: the fact is unknown there, not false
    /// (SPEC §14).
    pub uncovered: Vec<super::Cited>,
}

/// One rule that could have concluded the fact.
#[derive(Clone, Debug, PartialEq)]
pub struct Attempt {
    /// The rule, where it is written.
    pub rule: Source,
    /// Index of the rule in the program's rules (`Program::rules`).
    pub rule_index: usize,
    /// The variables bound before the failure, in order of appearance.
    pub bindings: Vec<(String, Value)>,
    /// What stopped it.
    pub failure: Failure,
    /// For a program that says when facts hold: when the premise that
    /// failed holds (a missing premise: any fact that fits it; a negated
    /// one: the fact that blocks it), never when it never does.
    pub premise_holds: Option<Validity>,
}

/// What stopped one rule.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// The head cannot take the fact's values.
    Head(String),
    /// No fact matches this positive premise.
    Missing {
        /// The premise with the values bound so far.
        literal: String,
        /// Existing facts of its predicate closest to it.
        closest: Vec<Fact>,
    },
    /// A negated premise is contradicted by a fact.
    Blocked {
        /// The negated premise with the values bound so far.
        literal: String,
        /// The fact that exists.
        by: Fact,
    },
    /// A comparison does not hold, or an aggregate has no fitting value.
    False {
        /// The literal with the values bound so far.
        literal: String,
    },
}

/// Explains why `fact` does not hold in the model `reader` reads, or
/// says what the model lacks to (see [`Missing`]). `defined`: whether any
/// statement or import of the program defines the fact's predicate. A
/// reader's budget stops it with what it found ([`Reader::stopped`]).
pub fn why_not(
    reader: &mut Reader<'_>,
    program: &Program,
    sources: &Sources,
    fact: &Fact,
    defined: bool,
) -> Result<WhyNot, Missing> {
    let db = reader.db;
    let mut attempts = Vec::new();
    let rules = db
        .pred(&fact.predicate)
        .map(|p| db.plan().rules_concluding(p));
    for i in rules.unwrap_or_default() {
        let rule = &program.rules[i];
        if rule.head.args.len() != fact.args.len() {
            continue;
        }
        let (bindings, failure) = match bind_head(&rule.head, &fact.args) {
            Err(why) => (Vec::new(), Failure::Head(why)),
            Ok(head) => first_failure(reader, &rule.body, &head)?,
        };
        attempts.push(Attempt {
            rule: source_at(sources, rule.span),
            rule_index: i,
            bindings,
            failure,
            premise_holds: None,
        });
    }
    let mut suggestions = Vec::new();
    if !defined {
        let known = db.plan().predicates.keys().map(String::as_str);
        if let Some(s) = did_you_mean(&fact.predicate, known.filter(|k| *k != fact.predicate)) {
            suggestions.push(format!(
                "`{}` has no facts and no rules; {s}",
                fact.predicate
            ));
        } else {
            suggestions.push(format!("`{}` has no facts and no rules", fact.predicate));
        }
    }
    for arg in &fact.args {
        if let Value::Str(s) = arg {
            if db.names().get(arg).is_none() {
                let hint = did_you_mean(s, db.names().strings())
                    .map_or_else(String::new, |h| format!("; {h}"));
                suggestions.push(format!(
                    "`{arg}` appears nowhere in the program or its data{hint}"
                ));
            }
        }
    }
    let known: Vec<Option<Value>> = fact.args.iter().cloned().map(Some).collect();
    let closest = closest_facts(reader, &fact.predicate, &known)?;
    Ok(WhyNot {
        fact: fact.clone(),
        at: None,
        validity: None,
        latest: false,
        attempts,
        closest,
        suggestions,
        uncovered: Vec::new(),
    })
}

/// The head variables' values, or why the head cannot take the fact.
fn bind_head(head: &ast::Atom, args: &[Value]) -> Result<HashMap<String, Value>, String> {
    let mut bound: HashMap<String, Value> = HashMap::new();
    for (t, value) in head.args.iter().zip(args) {
        match t {
            Term::Const(c, _) if c != value => {
                return Err(format!(
                    "the rule concludes `{head}` only with `{c}` where the fact has `{value}`"
                ));
            }
            Term::Var(v) => {
                if let Some(other) = bound.get(&v.name) {
                    if other != value {
                        return Err(format!(
                            "`{}` stands for both `{other}` and `{value}` in the head",
                            v.name
                        ));
                    }
                }
                bound.insert(v.name.clone(), value.clone());
            }
            _ => {}
        }
    }
    Ok(bound)
}

/// Tries ever longer prefixes of the body (in a safe source order) until
/// one has no solution; returns the bindings before it and the failure.
fn first_failure(
    reader: &mut Reader,
    body: &[Literal],
    head: &HashMap<String, Value>,
) -> Result<(Vec<(String, Value)>, Failure), Missing> {
    let order = source_order(body, head.keys().cloned().collect());
    let names: Vec<&str> = head.keys().map(String::as_str).collect();
    let named = crate::ast::name_wildcards(body);
    let solve = |reader: &mut Reader, k: usize| {
        let prefix: Vec<Literal> = order[..k].iter().map(|&i| named[i].clone()).collect();
        solve_first(reader, &prefix, &names, head)
    };
    // A prefix that fails makes every longer one fail too, so the shortest
    // failing prefix is found by bisection: prefix `lo` holds, `hi` fails.
    if let Some(values) = solve(reader, order.len())? {
        // Every premise holds: the fact would have been derived. It cannot
        // be reached for a fact that does not hold; say so rather than guess.
        let literal = "every premise holds".to_string();
        return Ok((ordered_bindings(body, &values), Failure::False { literal }));
    }
    let (mut lo, mut hi) = (0, order.len());
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if solve(reader, mid)?.is_some() {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let values = if lo == 0 {
        head.clone()
    } else {
        solve(reader, lo)?.unwrap_or_else(|| head.clone())
    };
    let literal = &body[order[hi - 1]];
    Ok((
        ordered_bindings(body, &values),
        failure(reader, literal, body, &values)?,
    ))
}
/// The first solution of `prefix` with the head's values bound.
fn solve_first(
    reader: &mut Reader,
    prefix: &[Literal],
    names: &[&str],
    head: &HashMap<String, Value>,
) -> Result<Option<HashMap<String, Value>>, Missing> {
    let plan = reader.plan_body(prefix, names, Bindings::One)?;
    let bound: Vec<Value> = names.iter().map(|n| head[*n].clone()).collect();
    let Some(slots) = reader.solve(&plan, &bound, 1).pop() else {
        return Ok(None);
    };
    Ok(Some(
        plan.variables
            .iter()
            .map(|(n, s)| (n.clone(), reader.value(slots[*s])))
            .collect(),
    ))
}

/// The body's literals in source order, each test moved after the literals
/// that bind its variables, and arithmetic after the atoms it waits for
/// ([`binding::waits`]), as in evaluation.
fn source_order(body: &[Literal], mut bound: HashSet<String>) -> Vec<usize> {
    let mut order = Vec::new();
    let mut placed = vec![false; body.len()];
    while order.len() < body.len() {
        let next = (0..body.len())
            .find(|&i| {
                !placed[i] && binding::ready(&body[i], body, &bound) && !binding::waits(body, i, &placed, &bound)
            })
            .or_else(|| {
                (0..body.len()).find(|&i| !placed[i] && binding::ready(&body[i], body, &bound))
            })
            .or_else(|| (0..body.len()).find(|&i| !placed[i]));
        let Some(i) = next else { break };
        placed[i] = true;
        binding::binds(&body[i], &mut bound);
        order.push(i);
    }
    order
}

fn ordered_bindings(body: &[Literal], values: &HashMap<String, Value>) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = Vec::new();
    let mut push = |name: &str| {
        if let Some(v) = values.get(name) {
            if !name.starts_with('#') && !out.iter().any(|(n, _)| n == name) {
                out.push((name.to_string(), v.clone()));
            }
        }
    };
    let mut names = Vec::new();
    for l in body {
        l.for_each_var(&mut |v| names.push(v.name.clone()));
    }
    let mut rest: Vec<&String> = values.keys().collect();
    rest.sort();
    for n in names.iter().chain(rest) {
        push(n);
    }
    out
}

fn failure(
    reader: &mut Reader,
    literal: &Literal,
    body: &[Literal],
    values: &HashMap<String, Value>,
) -> Result<Failure, Missing> {
    let text = substitute_literal(literal, values);
    Ok(match literal {
        Literal::Positive(atom) => {
            let pattern = pattern(atom, values);
            let closest = closest_facts(reader, &atom.predicate.text, &pattern)?;
            Failure::Missing {
                literal: text,
                closest,
            }
        }
        Literal::Negative(atom) => {
            let pattern = pattern(atom, values);
            let by = fitting(reader, &atom.predicate.text, &pattern, 1)?
                .pop()
                .map(|row| Fact {
                    predicate: atom.predicate.text.to_string(),
                    args: reader.values(&row),
                });
            match by {
                Some(by) => Failure::Blocked { literal: text, by },
                None => Failure::False { literal: text },
            }
        }
        Literal::Aggregate(agg) => {
            let value = aggregate_value(reader, agg, body, values)?;
            let literal = match value {
                Some(v) => format!("{text} (it gives {v})"),
                None => format!("{text} (it gives no value: nothing to aggregate)"),
            };
            Failure::False { literal }
        }
        _ => Failure::False { literal: text },
    })
}

/// What an aggregate of `body` gives with the values known so far, if
/// anything. Its group variables are those of the rule; `G = G` tests
/// keep them groups in a body of the aggregate alone.
fn aggregate_value(
    reader: &mut Reader,
    agg: &ast::Aggregate,
    body: &[Literal],
    values: &HashMap<String, Value>,
) -> Result<Option<Value>, Missing> {
    let groups = crate::ast::group_variables(agg, body);
    let mut free = agg.clone();
    free.result.name = "#value".into();
    let mut alone = vec![Literal::Aggregate(free)];
    for g in &groups {
        let var = ast::Expr::Term(Term::Var(ast::Var {
            name: g.to_string(),
            span: agg.span,
        }));
        alone.push(Literal::Compare(ast::Comparison {
            left: var.clone(),
            op: ast::CompareOp::Eq,
            right: var,
            span: agg.span,
        }));
    }
    let known: Vec<&str> = (groups.iter().copied())
        .filter(|g| values.contains_key(*g))
        .collect();
    let plan = reader.plan_body(&alone, &known, Bindings::Named)?;
    let bound: Vec<Value> = known.iter().map(|n| values[*n].clone()).collect();
    Ok(reader.solve(&plan, &bound, 1).pop().and_then(|s| {
        (plan.variables.iter())
            .find(|(n, _)| n == "#value")
            .map(|(_, slot)| reader.value(s[*slot]))
    }))
}

/// An atom's arguments: known values, or `None` for the unknown.
fn pattern(atom: &ast::Atom, values: &HashMap<String, Value>) -> Vec<Option<Value>> {
    atom.args
        .iter()
        .map(|t| match t {
            Term::Const(c, _) => Some(c.clone()),
            Term::Var(v) => values.get(&v.name).cloned(),
            Term::Wildcard(_) => None,
        })
        .collect()
}

/// The facts of `predicate` that agree with the most known arguments of
/// `pattern` (at least one), best first, then in canonical order. Only
/// facts that agree on some argument are looked at, found through an
/// index on that argument; with no argument known, the whole relation.
fn closest_facts(
    reader: &mut Reader,
    predicate: &str,
    pattern: &[Option<Value>],
) -> Result<Vec<Fact>, Missing> {
    let db = reader.db;
    let Some(pred) = db.pred(predicate) else {
        return Ok(Vec::new());
    };
    let candidates: Vec<Vec<Id>> = if pattern.iter().all(Option::is_none) {
        (db.live_rows(pred)).map(|r| db.row(pred, r).to_vec()).collect()
    } else {
        let mut found: HashSet<Vec<Id>> = HashSet::new();
        for (c, value) in pattern.iter().enumerate() {
            if value.is_some() {
                let mut one = vec![None; pattern.len()];
                one[c] = value.clone();
                found.extend(fitting(reader, predicate, &one, usize::MAX)?);
            }
        }
        found.into_iter().collect()
    };
    // A value the model lacks agrees with no fact.
    let wanted: Vec<Option<Id>> = (pattern.iter())
        .map(|p| p.as_ref().and_then(|v| db.names().get(v)))
        .collect();
    let score = |row: &[Id]| {
        let agree = |(id, w): (&Id, &Option<Id>)| w.as_ref() == Some(id);
        row.iter().zip(&wanted).filter(|&pair| agree(pair)).count()
    };
    let order = |a: &(usize, Vec<Id>), b: &(usize, Vec<Id>)| {
        (b.0.cmp(&a.0)).then_with(|| db.names().cmp_rows(&a.1, &b.1))
    };
    let mut best: Vec<(usize, Vec<Id>)> = Vec::with_capacity(CLOSEST + 1);
    for row in candidates {
        let candidate = (score(&row), row);
        if best.len() == CLOSEST && order(&candidate, &best[CLOSEST - 1]).is_ge() {
            continue;
        }
        let at = best.partition_point(|b| order(b, &candidate).is_lt());
        best.insert(at, candidate);
        best.truncate(CLOSEST);
    }
    Ok(best
        .into_iter()
        .map(|(_, row)| Fact {
            predicate: predicate.to_string(),
            args: db.values(&row),
        })
        .collect())
}

/// Up to `limit` facts of `predicate` that have the known arguments of
/// `pattern`, as rows of ids, found through the model's indexes.
fn fitting(
    reader: &mut Reader,
    predicate: &str,
    pattern: &[Option<Value>],
    limit: usize,
) -> Result<Vec<Vec<Id>>, Missing> {
    let db = reader.db;
    if db.pred(predicate).is_none()
        || pattern
            .iter()
            .flatten()
            .any(|v| db.names().get(v).is_none())
    {
        return Ok(Vec::new());
    }
    let args: Vec<Term> = (pattern.iter().enumerate())
        .map(|(i, p)| match p {
            Some(v) => Term::Const(v.clone(), Span::default()),
            None => Term::Var(ast::Var {
                name: format!("#{i}"),
                span: Span::default(),
            }),
        })
        .collect();
    let atom = ast::Atom {
        predicate: ast::Name {
            text: predicate.into(),
            span: Span::default(),
        },
        args,
        span: Span::default(),
    };
    let plan = reader.plan_body(&[Literal::Positive(atom.clone())], &[], Bindings::All)?;
    let windows = db.complete_windows();
    let slots = |name: &str| plan.variables.iter().find(|(n, _)| n == name).map(|v| v.1);
    let matches = reader.matches(&plan, Vec::new(), &windows, limit);
    Ok(matches
        .into_iter()
        .map(|found| {
            (atom.args.iter())
                .map(|t| match t {
                    Term::Var(v) => slots(&v.name).map_or(0, |s| found[s]),
                    Term::Const(c, _) => db.names().get(c).unwrap_or(0),
                    Term::Wildcard(_) => 0,
                })
                .collect()
        })
        .collect())
}
