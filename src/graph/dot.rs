//! A graph in Graphviz's DOT language, for those who have Graphviz: the
//! same boxes, lines, colours and labels as the SVG; the legend is the
//! graph's label, each predicate with its colour.

use std::fmt::Write as _;

use super::{Edge, Graph, NodeStyle};

/// The colours' names, for the legend.
const NAMES: [(&str, &str); 8] = [
    ("#1f77b4", "blue"),
    ("#d62728", "red"),
    ("#2ca02c", "green"),
    ("#ff7f0e", "orange"),
    ("#9467bd", "purple"),
    ("#8c564b", "brown"),
    ("#e377c2", "pink"),
    ("#17becf", "cyan"),
];

impl Graph {
    /// The graph as a DOT `digraph`.
    pub fn to_dot(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "digraph {} {{", quote(&self.title));
        let mut label: Vec<String> = (self.legend.iter())
            .map(|s| {
                let name = NAMES.iter().find(|(hex, _)| *hex == s.colour);
                format!("{}: {}", s.name, name.map_or(s.colour.as_str(), |(_, n)| n))
            })
            .collect();
        label.extend(self.notes.iter().cloned());
        out.push_str("  graph [fontname=\"monospace\"");
        if !label.is_empty() {
            let _ = write!(out, ", labelloc=\"t\", label={}", quote(&label.join("\n")));
        }
        out.push_str("];\n");
        out.push_str(
            "  node [shape=box, style=\"rounded,filled\", fontname=\"monospace\", fontsize=11];\n",
        );
        out.push_str("  edge [fontname=\"monospace\", fontsize=10];\n");
        for node in &self.nodes {
            let _ = writeln!(
                out,
                "  {} [label={}{}];",
                quote(&node.id),
                quote(&node.lines.join("\n")),
                node_attributes(node.style)
            );
        }
        for edge in &self.edges {
            let _ = write!(
                out,
                "  {} -> {}",
                quote(&self.nodes[edge.from].id),
                quote(&self.nodes[edge.to].id)
            );
            let attributes = self.edge_attributes(edge);
            if !attributes.is_empty() {
                let _ = write!(out, " [{}]", attributes.join(", "));
            }
            out.push_str(";\n");
        }
        out.push_str("}\n");
        out
    }
}

impl Graph {
    /// An edge's DOT attributes: its series' colour, label, direction,
    /// style and the facts it stands for (as a tooltip).
    fn edge_attributes(&self, edge: &Edge) -> Vec<String> {
        let mut attributes = Vec::new();
        if let Some(s) = edge.series {
            let colour = quote(&self.legend[s].colour);
            attributes.push(format!("color={colour}, fontcolor={colour}"));
        }
        if let Some(text) = edge.text_with("\n") {
            attributes.push(format!("label={}", quote(&text)));
        }
        if !edge.directed {
            attributes.push("dir=none".to_string());
        }
        if edge.dashed {
            attributes.push("style=dashed".to_string());
        }
        if !edge.facts.is_empty() {
            attributes.push(format!("tooltip={}", quote(&edge.facts.join("; "))));
        }
        if edge.rows > 1 {
            attributes.push(format!("minlen={}", edge.rows));
        }
        attributes
    }
}

/// A box's DOT attributes beyond the default style, by what it stands for.
fn node_attributes(style: NodeStyle) -> &'static str {
    match style {
        NodeStyle::Entity | NodeStyle::Given => "",
        NodeStyle::Derived => ", fillcolor=\"#e8f0fe\", color=\"#1f77b4\"",
        NodeStyle::Absent => ", style=\"rounded,dashed\"",
        NodeStyle::Rule => ", fillcolor=\"#fff8e1\", color=\"#ff7f0e\"",
        NodeStyle::Failed => {
            ", style=\"rounded,dashed,filled\", fillcolor=\"#fdecea\", color=\"#d62728\""
        }
        NodeStyle::Truncated => ", style=\"rounded,dotted\"",
    }
}

/// A DOT quoted string: `"` and `\` escaped, lines as `\n`.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
