//! Warnings: predicates used but never defined (with a did-you-mean from
//! edit distance over the defined ones) and named variables used once.
//!
//! A variable that occurs only inside an aggregate is never a singleton:
//! the aggregate ranges over its distinct bindings, so replacing it with
//! `_` would change the answer. Queries are not linted for singletons:
//! a query variable used once is the question being asked.

use std::collections::{HashMap, HashSet};

use crate::ast::{for_each_atom, Literal, Rule, Term, Var};
use crate::error::Warning;
use crate::hash::{FxBuild, NameMap};
use crate::load::Program;
use crate::suggest::did_you_mean;

/// Every warning of the program, in source order.
pub fn check(program: &Program, lint_undefined: bool) -> Vec<Warning> {
    let mut warnings = Vec::new();
    if lint_undefined {
        undefined(program, &mut warnings);
    }
    for rule in program.rules.iter().filter(|r| !r.is_fact()) {
        singletons(rule, &mut warnings);
    }
    warnings
}

fn undefined(program: &Program, warnings: &mut Vec<Warning>) {
    let mut defined: NameMap<()> = NameMap::default();
    let heads = program.rules.iter().map(|r| &r.head.predicate.text);
    let facts = program.facts.tables().iter().map(|t| &t.name);
    let imports = program.imports.iter().map(|i| &i.import.predicate.text);
    for name in facts.chain(heads).chain(imports) {
        defined.entry(name, || ());
    }
    let defined = defined.into_map();
    let mut reported: HashSet<&str, FxBuild> = HashSet::default();
    let bodies = program
        .rules
        .iter()
        .map(|r| &r.body)
        .chain(program.asked().map(|q| &q.body));
    for body in bodies {
        for_each_atom(body, &mut |atom, _| {
            let name = &*atom.predicate.text;
            if !defined.contains_key(name) && reported.insert(name) {
                warnings.push(Warning::Undefined {
                    predicate: name.to_string(),
                    span: atom.predicate.span,
                    help: did_you_mean(name, defined.keys().copied()),
                });
            }
        });
    }
}

fn singletons(rule: &Rule, warnings: &mut Vec<Warning>) {
    let mut counts: HashMap<&str, (usize, &Var)> = HashMap::new();
    let mut aggregated: HashSet<&str> = HashSet::new();
    for term in &rule.head.args {
        if let Term::Var(v) = term {
            counts.entry(&v.name).or_insert((0, v)).0 += 1;
        }
    }
    for literal in &rule.body {
        if let Literal::Aggregate(agg) = literal {
            counts.entry(&agg.result.name).or_insert((0, &agg.result)).0 += 1;
            for inner in &agg.body {
                inner.for_each_var(&mut |v| {
                    aggregated.insert(&v.name);
                    counts.entry(&v.name).or_insert((0, v)).0 += 1;
                });
            }
            if let Some(Term::Var(v)) = &agg.target {
                counts.entry(&v.name).or_insert((0, v)).0 += 1;
            }
        } else {
            literal.for_each_var(&mut |v| {
                counts.entry(&v.name).or_insert((0, v)).0 += 1;
            });
        }
    }
    let mut lonely: Vec<&Var> = counts
        .into_values()
        .filter(|(n, v)| *n == 1 && !v.is_anonymous() && !aggregated.contains(v.name.as_str()))
        .map(|(_, v)| v)
        .collect();
    lonely.sort_by_key(|v| v.span.start);
    for v in lonely {
        warnings.push(Warning::Singleton {
            name: v.name.clone(),
            span: v.span,
        });
    }
}
