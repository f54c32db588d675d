//! A graph as JSON, for other tools (SPEC §7): `{"title": ..., "nodes":
//! [...], "edges": [...], "legend": [...]}`; docs/cli.md has the keys.

use std::fmt::{self, Write};

use super::{Graph, NodeStyle};
use crate::json::{array, string, validity};

impl Graph {
    /// The graph as one JSON object.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        let _ = self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) -> fmt::Result {
        out.write_str("{\"title\": ")?;
        string(out, &self.title)?;
        out.write_str(", \"nodes\": ")?;
        array(out, &self.nodes, |out, node| {
            out.write_str("{\"id\": ")?;
            string(out, &node.id)?;
            out.write_str(", \"lines\": ")?;
            array(out, &node.lines, |out, l| string(out, l))?;
            write!(out, ", \"style\": \"{}\"}}", style_name(node.style))
        })?;
        out.write_str(", \"edges\": ")?;
        array(out, &self.edges, |out, edge| {
            out.write_str("{\"from\": ")?;
            string(out, &self.nodes[edge.from].id)?;
            out.write_str(", \"to\": ")?;
            string(out, &self.nodes[edge.to].id)?;
            out.write_str(", \"predicate\": ")?;
            match edge.series {
                Some(s) => string(out, &self.legend[s].name)?,
                None => out.write_str("null")?,
            }
            out.write_str(", \"label\": ")?;
            match &edge.text() {
                Some(l) => string(out, l)?,
                None => out.write_str("null")?,
            }
            write!(
                out,
                ", \"directed\": {}, \"dashed\": {}, \"facts\": ",
                edge.directed, edge.dashed
            )?;
            array(out, &edge.facts, |out, f| string(out, f))?;
            out.write_str(", \"validity\": ")?;
            match &edge.validity {
                Some(v) => validity(out, v)?,
                None => out.write_str("null")?,
            }
            out.write_char('}')
        })?;
        out.write_str(", \"legend\": ")?;
        array(out, &self.legend, |out, series| {
            out.write_str("{\"predicate\": ")?;
            string(out, &series.name)?;
            out.write_str(", \"colour\": ")?;
            string(out, &series.colour)?;
            out.write_char('}')
        })?;
        out.write_str(", \"notes\": ")?;
        array(out, &self.notes, |out, n| string(out, n))?;
        out.write_char('}')
    }
}

/// A node style's name in JSON.
fn style_name(style: NodeStyle) -> &'static str {
    match style {
        NodeStyle::Entity => "entity",
        NodeStyle::Derived => "derived",
        NodeStyle::Given => "given",
        NodeStyle::Absent => "absent",
        NodeStyle::Rule => "rule",
        NodeStyle::Failed => "failed",
        NodeStyle::Truncated => "truncated",
    }
}
