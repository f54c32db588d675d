//! Stratification: the predicate dependency graph, its strongly connected
//! components, and the check that no negation or aggregation lies on a
//! cycle.
//!
//! A rule `h :- ..., b, ...` makes `h` depend on `b`, negatively when `b` is
//! under `not` or inside an aggregate. Tarjan's algorithm (iterative, so that
//! deep dependency chains cannot overflow the stack) yields the components
//! with dependencies first: that order is the evaluation order, one stratum
//! per component. A negative dependency inside a component is an
//! `entente::negation_cycle` error that names the cycle and labels its rules.

use std::collections::VecDeque;

use indexmap::IndexMap;

use crate::ast::{for_each_atom, Occurrence};
use crate::error::{CheckError, Note};
use crate::hash::NameMap;
use crate::load::Program;
use crate::source::Span;

/// Predicates grouped into strata, lowest (evaluated first) first. Every
/// predicate of the program is in exactly one stratum; a stratum is one
/// strongly connected component of the dependency graph.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stratification {
    /// The strata in evaluation order.
    pub strata: Vec<Vec<String>>,
}

/// One dependency: `head` uses `body` in the rule at `rule`.
struct Edge {
    body: usize,
    occurrence: Occurrence,
    /// The literal's atom.
    at: Span,
    /// The rule's head, to label the rule.
    rule: Span,
}

/// Computes the strata and every negation or aggregation cycle.
pub fn stratify<'p>(program: &'p Program) -> (Stratification, Vec<CheckError>) {
    let mut seen: NameMap<()> = NameMap::default();
    let mut edges: Vec<Vec<Edge>> = Vec::new();
    let mut node = |name: &'p str, edges: &mut Vec<Vec<Edge>>| -> usize {
        let (i, _) = seen.entry(name, || ());
        if i == edges.len() {
            edges.push(Vec::new());
        }
        i
    };
    // Predicates that only appear in queries or imports still get a stratum.
    for import in &program.imports {
        node(&import.import.predicate.text, &mut edges);
    }
    for table in program.facts.tables() {
        node(&table.name, &mut edges);
    }
    for rule in &program.rules {
        let head = node(&rule.head.predicate.text, &mut edges);
        for_each_atom(&rule.body, &mut |atom, occurrence| {
            let body = node(&atom.predicate.text, &mut edges);
            edges[head].push(Edge {
                body,
                occurrence,
                at: atom.span,
                rule: rule.head.span,
            });
        });
    }
    for query in program.asked() {
        for_each_atom(&query.body, &mut |atom, _| {
            node(&atom.predicate.text, &mut edges);
        });
    }

    let predicates: Vec<&str> = seen.into_map().into_keys().collect();
    let components = tarjan(&edges);
    let mut component_of = vec![0; edges.len()];
    for (c, members) in components.iter().enumerate() {
        for &m in members {
            component_of[m] = c;
        }
    }
    let mut errors = Vec::new();
    for (head, out) in edges.iter().enumerate() {
        for edge in out.iter().filter(|e| e.occurrence != Occurrence::Positive) {
            if component_of[edge.body] == component_of[head] {
                errors.push(cycle_error(&predicates, &edges, &component_of, head, edge));
            }
        }
    }
    let strata = components
        .iter()
        .map(|members| members.iter().map(|&m| predicates[m].to_string()).collect())
        .collect();
    (Stratification { strata }, errors)
}

/// Names the cycle `body -> ... -> head -> body` (in "is used by" order) by
/// a shortest path from `body` back to `head` inside their component.
fn cycle_error(
    predicates: &[&str],
    edges: &[Vec<Edge>],
    component_of: &[usize],
    head: usize,
    negative: &Edge,
) -> CheckError {
    // Breadth-first from `body` along "depends on" edges until `head`.
    let mut previous: IndexMap<usize, (usize, Span)> = IndexMap::new();
    let mut queue = VecDeque::from([negative.body]);
    while let Some(n) = queue.pop_front() {
        if n == head {
            break;
        }
        for e in &edges[n] {
            if component_of[e.body] == component_of[head]
                && e.body != negative.body
                && !previous.contains_key(&e.body)
            {
                previous.insert(e.body, (n, e.rule));
                queue.push_back(e.body);
            }
        }
    }
    // Walk back from `head`: the path in "depends on" order is
    // body -> ... -> head, and the rules along it are labelled.
    let mut path = vec![head];
    let mut rules = Vec::new();
    let mut at = head;
    while at != negative.body {
        let Some(&(from, rule)) = previous.get(&at) else {
            break;
        };
        rules.push(Note {
            message: format!(
                "`{}` depends on `{}` here",
                predicates[from], predicates[at]
            ),
            span: rule,
        });
        path.push(from);
        at = from;
    }
    // `path` runs head <- ... <- body; print it as head -> body -> ... -> head
    // ("depends on").
    let mut names: Vec<&str> = vec![predicates[head]];
    names.extend(path.iter().rev().map(|&n| predicates[n]));
    let through = match negative.occurrence {
        Occurrence::Aggregated => "aggregation",
        _ => "negation",
    };
    CheckError::NegationCycle {
        through,
        cycle: names.join(" -> "),
        span: negative.at,
        rules,
    }
}

/// Tarjan's strongly connected components, without recursion. Components
/// come out with everything they depend on before them.
fn tarjan(edges: &[Vec<Edge>]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let (mut index, mut low, mut on_stack) = (vec![UNSEEN; n], vec![0; n], vec![false; n]);
    let (mut stack, mut components, mut next) = (Vec::new(), Vec::new(), 0);
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        // Each frame: a node and how many of its edges are done.
        let mut frames = vec![(root, 0)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut done)) = frames.last_mut() {
            if let Some(edge) = edges[v].get(*done) {
                *done += 1;
                let w = edge.body;
                if index[w] == UNSEEN {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    frames.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            frames.pop();
            if let Some(&(parent, _)) = frames.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                component.reverse();
                components.push(component);
            }
        }
    }
    components
}
