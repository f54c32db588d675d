//! A graph as SVG: laid out by [`super::layout`], written with a
//! monospaced font so that a label's width is known from its length (no
//! font files are read, and every browser draws it the same size).

use std::fmt::Write as _;

use super::layout::{self, Layout, Link, Point, Size, MARGIN};
use super::{Graph, NodeStyle};

/// Font size, in pixels.
const FONT: f64 = 13.0;
/// Width of one character of a monospaced font at [`FONT`]: 0.6 em in
/// DejaVu Sans Mono, Menlo and Consolas alike; a little more, for safety.
const CHAR: f64 = 8.0;
/// Height of a line of text.
const LINE: f64 = 17.0;
/// Space inside a box around its text.
const PAD_X: f64 = 10.0;
const PAD_Y: f64 = 7.0;
/// Height of one row of the legend.
const LEGEND_ROW: f64 = 22.0;
/// Length of a legend entry's line sample.
const SAMPLE: f64 = 26.0;
/// Line colour of edges without a series.
const GREY: &str = "#555555";

/// Fill, stroke and dashing of a box.
fn look(style: NodeStyle) -> (&'static str, &'static str, Option<&'static str>) {
    match style {
        NodeStyle::Entity | NodeStyle::Given => ("#f5f5f5", "#555555", None),
        NodeStyle::Derived => ("#e8f0fe", "#1f77b4", None),
        NodeStyle::Absent => ("#ffffff", "#777777", Some("6 4")),
        NodeStyle::Rule => ("#fff8e1", "#ff7f0e", None),
        NodeStyle::Failed => ("#fdecea", "#d62728", Some("6 4")),
        NodeStyle::Truncated => ("#ffffff", "#999999", Some("2 3")),
    }
}

/// Width of a text in [`FONT`].
fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * CHAR
}

/// The size of a box holding these lines.
fn box_size(lines: &[String]) -> Size {
    let widest = lines.iter().map(|l| text_width(l)).fold(0.0, f64::max);
    Size {
        width: widest + 2.0 * PAD_X,
        height: lines.len() as f64 * LINE + 2.0 * PAD_Y,
    }
}

/// The size of an edge label.
fn label_size(label: &str) -> Size {
    Size {
        width: text_width(label) + 8.0,
        height: LINE,
    }
}

impl Graph {
    /// Where the boxes (of these sizes) and lines go: the links as
    /// [`layout::layout`] takes them, each label's size from its text.
    fn layout(&self, sizes: &[Size]) -> Layout {
        let links: Vec<Link> = (self.edges.iter())
            .map(|e| Link {
                from: e.from,
                to: e.to,
                label: e.text().as_deref().map(label_size),
                rows: e.rows,
            })
            .collect();
        layout::layout(sizes, &links)
    }

    /// The picture as a standalone SVG document: its title (what it
    /// shows, and at which time point) and the legend on top, then the
    /// laid-out graph, then the notes.
    pub fn to_svg(&self) -> String {
        let sizes: Vec<Size> = self.nodes.iter().map(|n| box_size(&n.lines)).collect();
        let layout = self.layout(&sizes);
        let legend = self.legend_rows(layout.width.max(320.0));
        let heading = MARGIN + LEGEND_ROW;
        let top = if legend.is_empty() {
            heading
        } else {
            heading + legend.len() as f64 * LEGEND_ROW
        };
        let notes_height = self.notes.len() as f64 * LINE;
        let legend_width = (legend.iter())
            .map(|row| row.last().map_or(0.0, |&(x, i)| x + self.entry_width(i)))
            .fold(0.0, f64::max)
            + MARGIN;
        let notes_width = (self.notes.iter())
            .map(|n| text_width(n) + 2.0 * MARGIN)
            .fold(0.0, f64::max);
        let title_width = text_width(&self.title) + 2.0 * MARGIN;
        let width = (layout.width.max(legend_width).max(notes_width))
            .max(title_width)
            .ceil();
        let height = (top + layout.height + notes_height).ceil();
        let mut out = String::new();
        let _ = writeln!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="{FONT}">"#
        );
        let _ = writeln!(out, "<title>{}</title>", escape(&self.title));
        self.write_markers(&mut out);
        let _ = writeln!(
            out,
            r##"<rect width="100%" height="100%" fill="#ffffff"/>"##
        );
        let _ = writeln!(
            out,
            r##"<text class="heading" x="{MARGIN:.1}" y="{:.1}" dominant-baseline="central" font-weight="bold" fill="#222222">{}</text>"##,
            MARGIN + LEGEND_ROW / 2.0,
            escape(&self.title)
        );
        self.write_legend(&mut out, &legend, heading);
        self.write_edges(&mut out, &layout, top);
        self.write_edge_labels(&mut out, &layout, top);
        self.write_nodes(&mut out, &layout, &sizes, top);
        for (k, note) in self.notes.iter().enumerate() {
            let _ = writeln!(
                out,
                r##"<text class="note" x="{MARGIN:.1}" y="{:.1}" dominant-baseline="central" fill="#555555">{}</text>"##,
                top + layout.height + (k as f64 + 0.5) * LINE - MARGIN / 2.0,
                escape(note)
            );
        }
        out.push_str("</svg>\n");
        out
    }

    /// The edges, each a path in its series' colour, `top` below the legend.
    fn write_edges(&self, out: &mut String, layout: &Layout, top: f64) {
        let shift = |p: Point| Point {
            x: p.x,
            y: p.y + top,
        };
        let _ = writeln!(out, r#"<g class="edges">"#);
        for (i, (edge, route)) in self.edges.iter().zip(&layout.routes).enumerate() {
            let colour = self.colour(edge.series);
            let points: Vec<Point> = route.points.iter().map(|&p| shift(p)).collect();
            let d = if route.is_loop {
                format!(
                    "M {} C {} {} {}",
                    xy(points[0]),
                    xy(points[1]),
                    xy(points[2]),
                    xy(points[3])
                )
            } else {
                curve(&points)
            };
            let _ = write!(
                out,
                r#"<g class="edge" id="edge-{i}" data-from="{}" data-to="{}"><title>{}</title><path d="{d}" fill="none" stroke="{colour}" stroke-width="1.6""#,
                escape(&self.nodes[edge.from].id),
                escape(&self.nodes[edge.to].id),
                escape(&edge.facts.join("; "))
            );
            if edge.dashed {
                out.push_str(r#" stroke-dasharray="6 4""#);
            }
            if edge.directed {
                let _ = write!(out, r#" marker-end="url(#arrow-{})""#, marker(edge.series));
            }
            out.push_str("/></g>\n");
        }
        out.push_str("</g>\n");
    }

    /// The edges' labels, each on a white ground.
    fn write_edge_labels(&self, out: &mut String, layout: &Layout, top: f64) {
        let shift = |p: Point| Point {
            x: p.x,
            y: p.y + top,
        };
        let _ = writeln!(out, r#"<g class="edge-labels">"#);
        for (i, (edge, route)) in self.edges.iter().zip(&layout.routes).enumerate() {
            let (Some(label), Some(at)) = (&edge.text(), route.label) else {
                continue;
            };
            let at = shift(at);
            let size = label_size(label);
            let _ = writeln!(
                out,
                r##"<g class="edge-label" id="edge-label-{i}"><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="3" fill="#ffffff" fill-opacity="0.92"/><text x="{:.1}" y="{:.1}" text-anchor="middle" dominant-baseline="central" fill="{}">{}</text></g>"##,
                at.x - size.width / 2.0,
                at.y - size.height / 2.0,
                size.width,
                size.height,
                at.x,
                at.y,
                self.colour(edge.series),
                escape(label)
            );
        }
        out.push_str("</g>\n");
    }

    /// The boxes, each with its lines of text.
    fn write_nodes(&self, out: &mut String, layout: &Layout, sizes: &[Size], top: f64) {
        let shift = |p: Point| Point {
            x: p.x,
            y: p.y + top,
        };
        let _ = writeln!(out, r#"<g class="nodes">"#);
        for (i, (node, size)) in self.nodes.iter().zip(sizes).enumerate() {
            let c = shift(layout.centres[i]);
            let (fill, stroke, dash) = look(node.style);
            let (x, y) = (c.x - size.width / 2.0, c.y - size.height / 2.0);
            let _ = write!(
                out,
                r#"<g class="node" id="node-{i}"><title>{}</title><rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" rx="6" fill="{fill}" stroke="{stroke}" stroke-width="1.2""#,
                escape(&node.id),
                size.width,
                size.height
            );
            if let Some(dash) = dash {
                let _ = write!(out, r#" stroke-dasharray="{dash}""#);
            }
            out.push_str("/>");
            for (k, line) in node.lines.iter().enumerate() {
                let colour = if k == 0 { "#111111" } else { "#555555" };
                let _ = write!(
                    out,
                    r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" dominant-baseline="central" fill="{colour}">{}</text>"#,
                    c.x,
                    y + PAD_Y + (k as f64 + 0.5) * LINE,
                    escape(line)
                );
            }
            out.push_str("</g>\n");
        }
        out.push_str("</g>\n");
    }

    /// The colour of a series (grey for none).
    fn colour(&self, series: Option<usize>) -> &str {
        series.map_or(GREY, |s| &self.legend[s].colour)
    }

    /// One arrowhead per colour in use.
    fn write_markers(&self, out: &mut String) {
        out.push_str("<defs>\n");
        let mut used: Vec<Option<usize>> = self.edges.iter().map(|e| e.series).collect();
        used.sort();
        used.dedup();
        for series in used {
            let _ = writeln!(
                out,
                r#"<marker id="arrow-{}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="{}"/></marker>"#,
                marker(series),
                self.colour(series)
            );
        }
        out.push_str("</defs>\n");
    }

    /// The width of legend entry `i`: sample, gap, name, gap.
    fn entry_width(&self, i: usize) -> f64 {
        SAMPLE + 6.0 + text_width(&self.legend[i].name) + 18.0
    }

    /// The legend entries' x, row by row, wrapped at `width`.
    fn legend_rows(&self, width: f64) -> Vec<Vec<(f64, usize)>> {
        let mut rows: Vec<Vec<(f64, usize)>> = Vec::new();
        let mut x = MARGIN;
        for i in 0..self.legend.len() {
            let w = self.entry_width(i);
            if rows.is_empty() || (x + w > width && x > MARGIN) {
                rows.push(Vec::new());
                x = MARGIN;
            }
            if let Some(row) = rows.last_mut() {
                row.push((x, i));
            }
            x += w;
        }
        rows
    }

    fn write_legend(&self, out: &mut String, rows: &[Vec<(f64, usize)>], top: f64) {
        if rows.is_empty() {
            return;
        }
        let _ = writeln!(out, r#"<g class="legend">"#);
        for (r, row) in rows.iter().enumerate() {
            let y = top + (r as f64 + 0.5) * LEGEND_ROW;
            for &(x, i) in row {
                let series = &self.legend[i];
                let _ = writeln!(
                    out,
                    r#"<g class="legend-entry"><line x1="{x:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{}" stroke-width="3"/><text x="{:.1}" y="{y:.1}" dominant-baseline="central" fill="{}">{}</text></g>"#,
                    x + SAMPLE,
                    series.colour,
                    x + SAMPLE + 6.0,
                    series.colour,
                    escape(&series.name)
                );
            }
        }
        out.push_str("</g>\n");
    }
}

/// The arrowhead's id for a series.
fn marker(series: Option<usize>) -> String {
    series.map_or_else(|| "plain".to_string(), |s| s.to_string())
}

/// `x,y` with one decimal.
fn xy(p: Point) -> String {
    format!("{:.1},{:.1}", p.x, p.y)
}

/// A smooth path through the points: from each to the next, a cubic
/// curve that leaves and arrives vertically, as rows are stacked.
fn curve(points: &[Point]) -> String {
    let mut d = format!("M {}", xy(points[0]));
    for pair in points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let mid = (a.y + b.y) / 2.0;
        let _ = write!(
            d,
            " C {} {} {}",
            xy(Point { x: a.x, y: mid }),
            xy(Point { x: b.x, y: mid }),
            xy(b)
        );
    }
    d
}

/// Text made safe for XML content and attributes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
