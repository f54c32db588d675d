//! An explanation as a tree: each fact a box (derived, given, or checked
//! absent), each premise a line down from the fact it proves; a why-not as
//! the fact, the rules that could have concluded it, and what stopped
//! each.

use super::{Edge, Graph, Node, NodeStyle};
use crate::explain::{
    bindings, place, premise_when, Derivation, Failure, Justification, Proof, WhyNot, MAX_DEPTH,
};

/// Longest line in a box before it wraps (a rule's text can be long).
const WRAP: usize = 56;

/// Rules of a why-not side by side in one row, at most: more would make a
/// row wider than a page (a predicate of six rules drew 2,880 pixels).
const RULES_PER_ROW: usize = 3;

impl Graph {
    /// The proof as a tree, the fact at the top.
    pub fn proof(proof: &Proof) -> Graph {
        let mut graph = Graph::titled(format!("why {} holds", proof.fact));
        let mut title = proof.fact.to_string();
        if let Some(t) = proof.at {
            title.push_str(&format!(" at {t}"));
        }
        graph.add_proof(proof, title);
        graph
    }

    /// What stops a fact: the fact, each rule that could conclude it and
    /// the premise that failed.
    pub fn why_not(why_not: &WhyNot) -> Graph {
        let mut graph = Graph::titled(format!("why {} does not hold", why_not.fact));
        let mut second = match why_not.at {
            Some(t) if why_not.latest => format!("holds at no time (facts as from {t})"),
            Some(t) => format!("does not hold at {t}"),
            None => "does not hold".to_string(),
        };
        if let Some(v) = why_not.validity.as_ref().filter(|v| !v.is_never()) {
            second.push_str(&format!(" (it holds {v})"));
        }
        let root = graph.add_node(vec![why_not.fact.to_string(), second], NodeStyle::Failed);
        if why_not.attempts.is_empty() {
            let mut lines = vec![format!(
                "no rule concludes `{}`, and the fact is not given",
                why_not.fact.predicate
            )];
            lines.extend(why_not.closest.iter().map(|c| format!("closest: {c}")));
            let none = graph.add_node(lines, NodeStyle::Failed);
            graph.add_edge(root, none, true);
        }
        // Column by column (the rules that will stand one below another
        // one after another), so that the layout starts each row's lines
        // to the rows below beside the boxes they pass (see
        // `layout::layout`'s first order), and the rows stack as a grid.
        let mut columns: Vec<usize> = (0..why_not.attempts.len()).collect();
        columns.sort_by_key(|&i| (i % RULES_PER_ROW, i / RULES_PER_ROW));
        for i in columns {
            let attempt = &why_not.attempts[i];
            let mut lines = vec![format!("rule at {}", place(&attempt.rule))];
            lines.extend(wrap(&attempt.rule.text));
            if !attempt.bindings.is_empty() {
                lines.extend(wrap(&format!("with {}", bindings(&attempt.bindings))));
            }
            let rule = graph.add_node(lines, NodeStyle::Rule);
            graph.add_edge(root, rule, false);
            // A few rules to a row, each with its failure below it; the
            // next few two rows further down.
            let block = i / RULES_PER_ROW;
            if let Some(edge) = graph.edges.last_mut() {
                edge.rows = 1 + 2 * block;
            }
            let when = premise_when(attempt);
            let lines = match &attempt.failure {
                Failure::Head(why) => wrap(&format!("the head does not fit: {why}")),
                Failure::Missing { literal, closest } => {
                    let mut lines = wrap(&format!("fails at {literal}: no such fact{when}"));
                    lines.extend(closest.iter().map(|c| format!("closest: {c}")));
                    lines
                }
                Failure::Blocked { literal, by } => {
                    wrap(&format!("fails at {literal}: {by} holds{when}"))
                }
                Failure::False { literal } => {
                    wrap(&format!("fails at {literal}: it does not hold"))
                }
            };
            let failed = graph.add_node(lines, NodeStyle::Failed);
            graph.add_edge(rule, failed, true);
        }
        graph.notes = why_not.suggestions.clone();
        graph
    }

    fn titled(title: String) -> Graph {
        Graph {
            title,
            nodes: Vec::new(),
            edges: Vec::new(),
            legend: Vec::new(),
            notes: Vec::new(),
        }
    }

    fn add_node(&mut self, lines: Vec<String>, style: NodeStyle) -> usize {
        self.nodes.push(Node {
            id: format!("n{}", self.nodes.len()),
            lines,
            style,
        });
        self.nodes.len() - 1
    }

    fn add_edge(&mut self, from: usize, to: usize, dashed: bool) {
        self.edges.push(Edge {
            from,
            to,
            series: None,
            label: None,
            directed: true,
            dashed,
            facts: Vec::new(),
            validity: None,
            rows: 1,
        });
    }

    /// Adds the box of `proof` (its first line `title`) and those of its
    /// premises; returns its index.
    fn add_proof(&mut self, proof: &Proof, title: String) -> usize {
        let mut lines = vec![title];
        match &proof.validity {
            Some(v) if !v.is_always() => lines.push(format!("holds {v}")),
            Some(_) if proof.at.is_some() => lines.push("holds always".to_string()),
            _ => {}
        }
        match &proof.justification {
            Justification::Given(source) => {
                lines.push(format!("given at {}", place(source)));
                self.add_node(lines, NodeStyle::Given)
            }
            Justification::Truncated => {
                lines.push(format!(
                    "... cut after {MAX_DEPTH} levels or the size limit"
                ));
                self.add_node(lines, NodeStyle::Truncated)
            }
            Justification::Derived(d) => self.add_derivation(d, lines),
        }
    }

    fn add_derivation(&mut self, d: &Derivation, mut lines: Vec<String>) -> usize {
        lines.push(format!("by rule at {}", place(&d.rule)));
        lines.extend(wrap(&d.rule.text));
        lines.extend(
            d.comparisons
                .iter()
                .flat_map(|c| wrap(&format!("where {c}"))),
        );
        for a in &d.aggregates {
            lines.extend(wrap(&format!("{} gives {}", a.text, a.result)));
        }
        let node = self.add_node(lines, NodeStyle::Derived);
        for premise in &d.premises {
            let child = self.add_proof(premise, premise.fact.to_string());
            self.add_edge(node, child, false);
        }
        for absent in &d.absent {
            let child = self.add_node(
                vec![format!("not {absent}"), "checked absent".to_string()],
                NodeStyle::Absent,
            );
            self.add_edge(node, child, true);
        }
        node
    }
}

/// Lines of at most [`WRAP`] characters, broken at spaces (a longer word
/// stays whole).
fn wrap(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > WRAP {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn long_text_wraps_at_spaces() {
        let text = "supports(X, Y) if treaty(X, Y, T, _) and clause(T, mutual_support) and not hostile(X, Y).";
        let lines = wrap(text);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| l.chars().count() <= super::WRAP));
        assert_eq!(lines.join(" "), text);
    }
}
