//! Pictures (SPEC §7): the facts of chosen predicates as a network, and an
//! explanation as a tree.
//!
//! In: facts with when they hold (from the engine's answers), or an
//! [`Explanation`](crate::Explanation). Out: a [`Graph`], plain data of labelled boxes and
//! lines, which renders itself as SVG ([`Graph::to_svg`], laid out in
//! layers by [`layout`], no outside program needed), as DOT for Graphviz
//! ([`Graph::to_dot`]) and as JSON ([`Graph::to_json`]). Every rendering
//! depends only on the graph, so the same facts always give the same bytes.

mod dot;
mod json;
pub mod layout;
mod proof;
mod svg;

use std::collections::HashMap;

use crate::time::Validity;
use crate::value::Value;

/// Colours of the predicates of a network, in the order they are named
/// (Tableau 10, told apart by most readers, colour-blind ones included,
/// better than a rainbow).
pub const PALETTE: [&str; 8] = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
];

/// A picture: boxes joined by lines, with a legend.
#[derive(Clone, Debug, PartialEq)]
pub struct Graph {
    /// What the picture shows, one line (the SVG's and DOT's title).
    pub title: String,
    /// The boxes.
    pub nodes: Vec<Node>,
    /// The lines between them.
    pub edges: Vec<Edge>,
    /// What each colour means, in order.
    pub legend: Vec<Series>,
    /// Lines written under the picture (a why-not's suggestions).
    pub notes: Vec<String>,
}

/// A box.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Names the node in DOT and JSON, unique in its graph: a constant's
    /// canonical text (SPEC §6) in a network, `n0`, `n1`, ... in a proof.
    pub id: String,
    /// The text, one entry per line (the first is the main one); a
    /// string shows without its quotes.
    pub lines: Vec<String>,
    /// How it is drawn.
    pub style: NodeStyle,
}

/// How a box is drawn, by what it stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeStyle {
    /// A constant of a network (a state, an organisation).
    Entity,
    /// A fact concluded by a rule.
    Derived,
    /// A fact written in a file or imported.
    Given,
    /// A negated premise checked absent (dashed).
    Absent,
    /// A rule that could have concluded a fact that does not hold.
    Rule,
    /// What stopped it, or a fact that does not hold (dashed, red).
    Failed,
    /// A proof cut short by the size limits of one explanation.
    Truncated,
}

/// A line between two boxes.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    /// The box it starts at (an index into [`Graph::nodes`]).
    pub from: usize,
    /// The box it ends at.
    pub to: usize,
    /// Its colour and legend entry (an index into [`Graph::legend`]),
    /// `None` for a plain grey line.
    pub series: Option<usize>,
    /// A network's further arguments, written on the line with when the
    /// fact holds ([`Edge::text`]).
    pub label: Option<String>,
    /// With an arrowhead at `to`; a symmetric pair of facts is one line
    /// without.
    pub directed: bool,
    /// Dashed (a premise checked absent, a failure).
    pub dashed: bool,
    /// The facts it stands for, in canonical form (one, or a symmetric
    /// pair); empty in a proof.
    pub facts: Vec<String>,
    /// When its facts hold (over time; the two of a pair hold alike), or
    /// `None`: always, or at the time point asked, or in a proof.
    pub validity: Option<Validity>,
    /// The rows it spans at least: 1, or more to put its end below
    /// others (a why-not's rules wrap onto rows further down rather than
    /// stand in one row too wide to read).
    pub rows: usize,
}

/// A legend entry: a predicate and its colour.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// The predicate.
    pub name: String,
    /// Its colour, `#rrggbb`.
    pub colour: String,
}

/// One fact of a network: its arguments and when it holds.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkFact {
    /// The arguments; the first two are the nodes.
    pub args: Vec<Value>,
    /// When it holds ([`Validity::always`] for a program without time, or
    /// at the time point asked).
    pub validity: Validity,
}

impl Graph {
    /// The network of the named predicates' facts: each fact draws a line
    /// from its first argument to its second, labelled with the rest (and
    /// when it holds, if not always); a fact whose reverse is also there
    /// with the same label draws one line without arrowheads. Predicates
    /// come with their facts, in the order named (a fact of fewer than two
    /// arguments has no line and is left out). Nodes are sorted in the
    /// total order of values (SPEC §2), edges by predicate, then as the
    /// facts came. A series may be named by a goal of its predicate
    /// (`supports(turkey, X)`, its legend entry) rather than the
    /// predicate's name; its facts are written with the predicate.
    pub fn network(title: &str, predicates: &[(String, Vec<NetworkFact>)]) -> Graph {
        // A fact of fewer than two arguments has no line.
        let predicates: Vec<(&String, Vec<&NetworkFact>)> = (predicates.iter())
            .map(|(name, facts)| (name, facts.iter().filter(|f| f.args.len() >= 2).collect()))
            .collect();
        let mut values: Vec<&Value> = (predicates.iter())
            .flat_map(|(_, facts)| facts.iter().flat_map(|f| &f.args[..2]))
            .collect();
        values.sort();
        values.dedup();
        let index: HashMap<&Value, usize> =
            values.iter().enumerate().map(|(i, v)| (*v, i)).collect();
        let nodes = (values.iter())
            .map(|v| Node {
                id: v.to_string(),
                lines: vec![v.unquoted()],
                style: NodeStyle::Entity,
            })
            .collect();
        let mut edges = Vec::new();
        let mut legend = Vec::new();
        for (series, (name, facts)) in predicates.iter().enumerate() {
            legend.push(Series {
                name: name.to_string(),
                colour: PALETTE[series % PALETTE.len()].to_string(),
            });
            edges.extend(series_edges(series, name, facts, &index));
        }
        // Said once under the picture, so that a reader does not take a
        // line without arrowheads for a fact without a direction.
        let notes = if edges.is_empty() {
            vec!["no facts of these predicates to draw".to_string()]
        } else if edges.iter().any(|e| !e.directed) {
            vec!["a line without arrowheads stands for the facts both ways".to_string()]
        } else {
            Vec::new()
        };
        Graph {
            title: title.to_string(),
            nodes,
            edges,
            legend,
            notes,
        }
    }
}

/// The lines of one predicate's facts (`series`), between the nodes
/// `index` numbers: a fact and its reverse (same label) are one line
/// without arrowheads, drawn at the first of the two.
fn series_edges(
    series: usize,
    name: &str,
    facts: &[&NetworkFact],
    index: &HashMap<&Value, usize>,
) -> Vec<Edge> {
    // Each fact by its ends, label and when it holds, to find its reverse.
    type Key = (usize, usize, Option<String>, Option<Validity>);
    let keys: Vec<Key> = (facts.iter())
        .map(|f| {
            (
                index[&f.args[0]],
                index[&f.args[1]],
                edge_label(f),
                timed(f),
            )
        })
        .collect();
    let at: HashMap<&Key, usize> = keys.iter().enumerate().map(|(i, key)| (key, i)).collect();
    let mut edges = Vec::new();
    for (i, (from, to, label, when)) in keys.iter().enumerate() {
        let reversed = (*to, *from, label.clone(), when.clone());
        let reverse = (from != to).then(|| at.get(&reversed)).flatten();
        let predicate = name.split('(').next().unwrap_or(name);
        let mut drawn = vec![canonical(predicate, &facts[i].args)];
        match reverse {
            Some(&j) if j < i => continue,
            Some(&j) => drawn.push(canonical(predicate, &facts[j].args)),
            None => {}
        }
        edges.push(Edge {
            from: *from,
            to: *to,
            series: Some(series),
            label: label.clone(),
            directed: reverse.is_none(),
            dashed: false,
            facts: drawn,
            validity: when.clone(),
            rows: 1,
        });
    }
    edges
}

impl Graph {
    /// The graph with only its first `max` lines, and the boxes they
    /// join; a note says how many were left out. A picture of thousands
    /// of lines is one nobody reads (and a browser is slow to draw).
    pub fn first_edges(mut self, max: usize) -> Graph {
        let total = self.edges.len();
        if total <= max {
            return self;
        }
        self.edges.truncate(max);
        let mut kept = vec![false; self.nodes.len()];
        for e in &self.edges {
            kept[e.from] = true;
            kept[e.to] = true;
        }
        let mut number = vec![0; self.nodes.len()];
        let mut next = 0;
        for (i, k) in kept.iter().enumerate() {
            number[i] = next;
            next += usize::from(*k);
        }
        let mut i = 0;
        self.nodes.retain(|_| {
            i += 1;
            kept[i - 1]
        });
        for e in &mut self.edges {
            e.from = number[e.from];
            e.to = number[e.to];
        }
        self.notes.push(format!(
            "the first {max} of {total} lines, and the nodes they join"
        ));
        self
    }
}

/// When a fact holds, unless always.
fn timed(fact: &NetworkFact) -> Option<Validity> {
    (!fact.validity.is_always()).then(|| fact.validity.clone())
}

/// A fact's further arguments, as written on its line.
fn edge_label(fact: &NetworkFact) -> Option<String> {
    let parts: Vec<String> = fact.args[2..].iter().map(Value::unquoted).collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

impl Edge {
    /// What is written on the line: its label, and when its facts hold
    /// (`gas, since 2010`).
    pub fn text(&self) -> Option<String> {
        self.text_with(", ")
    }

    /// [`Edge::text`] with `between` between the label and when (DOT
    /// puts when on a line of its own).
    pub fn text_with(&self, between: &str) -> Option<String> {
        match (&self.label, &self.validity) {
            (Some(label), Some(when)) => Some(format!("{label}{between}{when}")),
            (Some(label), None) => Some(label.clone()),
            (None, Some(when)) => Some(when.to_string()),
            (None, None) => None,
        }
    }
}

/// `p(a, b)`, as SPEC §6 prints a fact (without the `.`).
fn canonical(predicate: &str, args: &[Value]) -> String {
    let args: Vec<String> = args.iter().map(Value::to_string).collect();
    format!("{predicate}({})", args.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Interval;

    fn fact(args: &[&str]) -> NetworkFact {
        NetworkFact {
            args: args.iter().map(|a| Value::from(*a)).collect(),
            validity: Validity::always(),
        }
    }

    #[test]
    fn a_symmetric_pair_is_one_undirected_line() {
        let graph = Graph::network(
            "t",
            &[(
                "ally".to_string(),
                vec![fact(&["b", "a"]), fact(&["a", "b"]), fact(&["a", "c"])],
            )],
        );
        let ids: Vec<&str> = graph.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(graph.edges.len(), 2);
        assert!(!graph.edges[0].directed);
        assert_eq!(graph.edges[0].facts, ["ally(b, a)", "ally(a, b)"]);
        assert!(graph.edges[1].directed);
        assert_eq!((graph.edges[1].from, graph.edges[1].to), (0, 2));
    }

    #[test]
    fn a_fact_of_one_argument_has_no_line() {
        let graph = Graph::network(
            "t",
            &[("p".to_string(), vec![fact(&["a"]), fact(&["b", "c"])])],
        );
        assert_eq!(graph.nodes.len(), 2);
        assert_eq!(graph.edges.len(), 1);
    }

    #[test]
    fn labels_are_the_further_arguments_and_when() {
        let mut timed = fact(&["a", "b", "gas"]);
        timed.validity = [Interval::new(2010, crate::time::NEVER_AFTER).unwrap()]
            .into_iter()
            .collect();
        let reverse = fact(&["b", "a", "gas"]);
        let graph = Graph::network("t", &[("lev".to_string(), vec![timed, reverse])]);
        // Different labels: not a symmetric pair.
        let labels: Vec<_> = graph.edges.iter().map(Edge::text).collect();
        assert_eq!(
            labels,
            [Some("gas, since 2010".to_string()), Some("gas".to_string())]
        );
        assert!(graph.edges.iter().all(|e| e.directed));
    }
}
