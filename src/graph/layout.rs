//! A layered drawing of a directed graph (Sugiyama, Tagawa and Toda, 1981),
//! the method of Graphviz's `dot`:
//!
//! 1. **Cycles**: edges that close a cycle in a depth-first search are
//!    turned around for the layout (and drawn the right way round).
//! 2. **Layers**: the longest path from a source gives each box its row;
//!    an edge with a label, or with a parallel twin, spans two rows at
//!    least, so that its label (or its bend) has a row of its own. The
//!    leaves of a row too wide to read wrap onto rows below it.
//! 3. **Virtual boxes**: an edge longer than one row passes through one
//!    invisible box per row it crosses; a label is such a box, as wide as
//!    its text. So labels take room like boxes do and nothing is drawn on
//!    top of anything.
//! 4. **Order**: in each row, boxes are sorted by the mean position of
//!    their neighbours in the row above (then below), sweep after sweep;
//!    the order with the fewest crossings is kept.
//! 5. **Coordinates**: each box wants the mean x of its neighbours; the
//!    closest positions that keep every box its width and a gap from the
//!    next are found exactly, row by row, by isotonic regression (pool
//!    adjacent violators).
//!
//! Boxes in one row never overlap (step 5 keeps the gaps) and rows never
//! overlap (each has its own band), by construction. Everything is
//! deterministic: ties keep the input order.
//!
//! Why one file: the layered layout is one algorithm whose phases (ranks,
//! dummy nodes, ordering by barycentres, coordinates, label placement)
//! pass one layout between them.

use std::collections::{BTreeMap, HashMap};

/// Space between boxes of one row.
pub const GAP: f64 = 24.0;
/// Space between rows.
pub const ROW_GAP: f64 = 36.0;
/// Space around the drawing.
pub const MARGIN: f64 = 16.0;
/// Width of a virtual box that carries no label.
const BEND: f64 = 12.0;
/// How far a loop from a box to itself reaches right of the box.
pub const LOOP: f64 = 30.0;
/// Widest a row of boxes is laid out before its leaves are staggered
/// over rows below it.
const ROW_WIDTH: f64 = 1600.0;
/// Most rows a line passes through as virtual boxes.
const MAX_BENDS: usize = 16;
/// Sweeps of the ordering step.
const SWEEPS: usize = 12;
/// Passes of the coordinate step.
const PASSES: usize = 8;
/// Above this many segments, crossings are not counted (the last order
/// is kept): counting is quadratic.
const COUNT_LIMIT: usize = 4_000;

/// A box's size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Size {
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

/// An edge to lay out.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    /// The box it starts at.
    pub from: usize,
    /// The box it ends at (equal to `from`: a loop).
    pub to: usize,
    /// The size of its label, if it has one.
    pub label: Option<Size>,
    /// The rows it spans at least (1 for an ordinary link).
    pub rows: usize,
}

/// A point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// Left to right.
    pub x: f64,
    /// Top to bottom.
    pub y: f64,
}

/// Where everything goes.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// Each box's centre.
    pub centres: Vec<Point>,
    /// Each edge's route.
    pub routes: Vec<Route>,
    /// Width of the drawing.
    pub width: f64,
    /// Height of the drawing.
    pub height: f64,
}

/// The path of one edge.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    /// From the edge of its first box to the edge of its last, through
    /// the centre of each virtual box between; a loop has four points
    /// (start, two controls, end of one cubic curve).
    pub points: Vec<Point>,
    /// The centre of its label.
    pub label: Option<Point>,
    /// A loop from a box to itself.
    pub is_loop: bool,
}

/// A box of the layout, real or virtual.
#[derive(Clone, Copy)]
struct Vertex {
    /// Extent left and right of the centre.
    left: f64,
    right: f64,
    height: f64,
    row: usize,
}

/// Lays out boxes of the given sizes joined by the given links, in the
/// phases of a layered drawing: orient the links, give each box a row,
/// break long links into chains of virtual boxes, order each row, place
/// boxes across, then rows down, and route the links.
pub fn layout(sizes: &[Size], links: &[Link]) -> Layout {
    let n = sizes.len();
    let mut vertices: Vec<Vertex> = sizes
        .iter()
        .map(|s| Vertex {
            left: s.width / 2.0,
            right: s.width / 2.0,
            height: s.height,
            row: 0,
        })
        .collect();
    let loop_at = make_room_for_loops(&mut vertices, links);
    let oriented = orient(n, links);
    let mut rows = rank(n, &oriented, &link_lengths(links));
    stagger(&mut rows, sizes, &oriented);
    for (v, &r) in rows.iter().enumerate() {
        vertices[v].row = r;
    }
    let (chains, label_of) = chains(links, &oriented, &rows, &mut vertices);
    let (up, down) = neighbours(&chains, vertices.len());
    let row_count = vertices.iter().map(|v| v.row + 1).max().unwrap_or(0);
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); row_count];
    for (v, vertex) in vertices.iter().enumerate() {
        layers[vertex.row].push(v);
    }
    // To start with, a line's bends stand where the box it leads to stands
    // among the boxes (by its number), not after every box: the sweeps
    // only improve an order, and keep ties as they find them.
    let mut key: Vec<usize> = (0..vertices.len()).collect();
    for chain in chains.iter().filter(|c| c.len() > 2) {
        let end = chain[chain.len() - 1];
        for &v in &chain[1..chain.len() - 1] {
            key[v] = end;
        }
    }
    for layer in &mut layers {
        layer.sort_by_key(|&v| key[v]);
    }
    order(&mut layers, &up, &down);
    let xs = coordinates(&vertices, &layers, &up, &down);
    let (tops, heights, height) = row_heights(&vertices, &layers);
    let centre = |v: usize| Point {
        x: xs[v],
        y: tops[vertices[v].row] + heights[vertices[v].row] / 2.0,
    };
    let width = (0..vertices.len())
        .map(|v| xs[v] + vertices[v].right)
        .fold(0.0, f64::max)
        + MARGIN;
    let centres: Vec<Point> = (0..n).map(centre).collect();
    let mut paths = paths(links, &chains, &vertices, &centre);
    spread_ports(&mut paths, &chains, sizes);
    let routes = (links.iter().enumerate())
        .map(|(i, link)| {
            if link.from == link.to {
                return self_loop(centres[link.from], sizes[link.from], loop_at[i], link.label);
            }
            let mut points = std::mem::take(&mut paths[i]);
            if oriented[i] != Some((link.from, link.to)) {
                points.reverse();
            }
            Route {
                points,
                label: label_of[i].map(centre),
                is_loop: false,
            }
        })
        .collect();
    Layout {
        centres,
        routes,
        width: if n == 0 { 2.0 * MARGIN } else { width },
        height,
    }
}

/// Widens each box for its loops: a loop reaches right of its box, its
/// label beyond, a box's loops side by side. Returns where each loop
/// starts, right of its box's left edge.
fn make_room_for_loops(vertices: &mut [Vertex], links: &[Link]) -> Vec<f64> {
    let mut loop_at = vec![0.0f64; links.len()];
    for (i, link) in links.iter().enumerate().filter(|(_, l)| l.from == l.to) {
        let v = &mut vertices[link.from];
        loop_at[i] = v.right - v.left;
        v.right += LOOP + link.label.map_or(0.0, |s| s.width + 6.0);
    }
    loop_at
}

/// The rows each link spans at least: two for a labelled link (its label
/// gets a row between its ends) and for each of two links between the
/// same pair of boxes, either way (they need a bend to stay apart).
fn link_lengths(links: &[Link]) -> Vec<usize> {
    let at_least = |l: &Link, length: usize| length.max(l.rows);
    let pair = |l: &Link| (l.from.min(l.to), l.from.max(l.to));
    let mut per_pair: HashMap<(usize, usize), usize> = HashMap::new();
    for link in links.iter().filter(|l| l.from != l.to) {
        *per_pair.entry(pair(link)).or_default() += 1;
    }
    (links.iter())
        .map(|l| {
            let twin = l.from != l.to && per_pair[&pair(l)] > 1;
            if l.label.is_some() || twin {
                at_least(l, 2)
            } else {
                at_least(l, 1)
            }
        })
        .collect()
}

/// The chain of vertices of each link, in the oriented direction: its
/// ends and a virtual vertex in each row it crosses (added to
/// `vertices`), one of them its label's. Returns the chains and each
/// link's label vertex.
fn chains(
    links: &[Link],
    oriented: &[Option<(usize, usize)>],
    rows: &[usize],
    vertices: &mut Vec<Vertex>,
) -> (Vec<Vec<usize>>, Vec<Option<usize>>) {
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(links.len());
    let mut label_of: Vec<Option<usize>> = vec![None; links.len()];
    for (i, link) in links.iter().enumerate() {
        let Some((a, b)) = oriented[i] else {
            chains.push(Vec::new());
            continue;
        };
        let (ra, rb) = (rows[a], rows[b]);
        let label_row = ra + (rb - ra) / 2;
        // Every row crossed, unless there are many: then the label's (or
        // the middle) row only, and the rest of the line is drawn
        // straight, so that a large graph costs lines, not rows times lines.
        let crossed: Vec<usize> = if rb - ra - 1 <= MAX_BENDS {
            (ra + 1..rb).collect()
        } else {
            vec![label_row]
        };
        let mut chain = vec![a];
        for r in crossed {
            let (width, height) = match link.label {
                Some(s) if r == label_row => (s.width, s.height),
                _ => (BEND, 0.0),
            };
            if link.label.is_some() && r == label_row {
                label_of[i] = Some(vertices.len());
            }
            chain.push(vertices.len());
            vertices.push(Vertex {
                left: width / 2.0,
                right: width / 2.0,
                height,
                row: r,
            });
        }
        chain.push(b);
        chains.push(chain);
    }
    (chains, label_of)
}

/// Each vertex's neighbours in the row above (`up`) and below (`down`),
/// along the chains.
fn neighbours(chains: &[Vec<usize>], count: usize) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); count];
    for chain in chains {
        for pair in chain.windows(2) {
            down[pair[0]].push(pair[1]);
            up[pair[1]].push(pair[0]);
        }
    }
    (up, down)
}

/// Each row as tall as its tallest box: the rows' tops and heights, and
/// the height of the whole.
fn row_heights(vertices: &[Vertex], layers: &[Vec<usize>]) -> (Vec<f64>, Vec<f64>, f64) {
    let mut tops = Vec::with_capacity(layers.len());
    let mut heights = Vec::with_capacity(layers.len());
    let mut y = MARGIN;
    for layer in layers {
        let h = layer
            .iter()
            .map(|&v| vertices[v].height)
            .fold(0.0, f64::max);
        tops.push(y);
        heights.push(h);
        y += h + ROW_GAP;
    }
    let height = if layers.is_empty() {
        2.0 * MARGIN
    } else {
        y - ROW_GAP + MARGIN
    };
    (tops, heights, height)
}

/// Each link's path in the oriented direction: from the bottom of its
/// first box, through its virtual boxes, to the top of its last (empty
/// for a loop).
fn paths(
    links: &[Link],
    chains: &[Vec<usize>],
    vertices: &[Vertex],
    centre: &dyn Fn(usize) -> Point,
) -> Vec<Vec<Point>> {
    (links.iter().enumerate())
        .map(|(i, link)| {
            if link.from == link.to {
                return Vec::new();
            }
            let chain = &chains[i];
            let (first, last) = (chain[0], chain[chain.len() - 1]);
            let mut points: Vec<Point> = Vec::with_capacity(chain.len());
            let start = centre(first);
            points.push(Point {
                x: start.x,
                y: start.y + vertices[first].height / 2.0,
            });
            points.extend(chain[1..chain.len() - 1].iter().map(|&v| centre(v)));
            let end = centre(last);
            points.push(Point {
                x: end.x,
                y: end.y - vertices[last].height / 2.0,
            });
            points
        })
        .collect()
}

/// A box and one of its sides (the bottom: `true`).
type Side = (usize, bool);
/// An edge's end at a side: the x of the point next to it on its path,
/// the path, and the end's index in it.
type End = (f64, usize, usize);

/// Spreads the ends of the edges that meet one side of a box along that
/// side, in the order of where they come from, so that they do not all
/// meet at one point.
fn spread_ports(paths: &mut [Vec<Point>], chains: &[Vec<usize>], sizes: &[Size]) {
    let mut sides: BTreeMap<Side, Vec<End>> = BTreeMap::new();
    for (i, path) in paths.iter().enumerate() {
        if path.len() < 2 {
            continue;
        }
        let last = path.len() - 1;
        let (first_box, last_box) = (chains[i][0], chains[i][chains[i].len() - 1]);
        sides
            .entry((first_box, true))
            .or_default()
            .push((path[1].x, i, 0));
        sides
            .entry((last_box, false))
            .or_default()
            .push((path[last - 1].x, i, last));
    }
    for ((node, _), mut ends) in sides {
        if ends.len() < 2 {
            continue;
        }
        ends.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        // Within the middle four fifths of the side.
        let width = sizes[node].width * 0.8;
        let left = paths[ends[0].1][ends[0].2].x - width / 2.0;
        let step = width / (ends.len() + 1) as f64;
        for (k, &(_, path, end)) in ends.iter().enumerate() {
            paths[path][end].x = left + step * (k + 1) as f64;
        }
    }
}

/// Each link's direction for the layout (`None` for a loop): as given,
/// unless it closes a cycle of a depth-first search from the boxes in
/// order, then turned around.
fn orient(n: usize, links: &[Link]) -> Vec<Option<(usize, usize)>> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, link) in links.iter().enumerate() {
        if link.from != link.to {
            out[link.from].push(i);
        }
    }
    // 0: not seen; 1: on the stack; 2: done.
    let mut state = vec![0u8; n];
    let mut oriented: Vec<Option<(usize, usize)>> = links
        .iter()
        .map(|l| (l.from != l.to).then_some((l.from, l.to)))
        .collect();
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        state[root] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&i) = out[v].get(*next) {
                *next += 1;
                let w = links[i].to;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => oriented[i] = Some((w, v)),
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    oriented
}

/// Each box's row: the longest path to it from a source, each link
/// counting its length; then each source moved down to just above its
/// nearest successor, so that no edge is longer than it must be.
fn rank(n: usize, oriented: &[Option<(usize, usize)>], lengths: &[usize]) -> Vec<usize> {
    let mut indegree = vec![0usize; n];
    let mut out: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for (i, edge) in oriented.iter().enumerate() {
        if let Some((a, b)) = *edge {
            indegree[b] += 1;
            out[a].push((b, lengths[i]));
        }
    }
    let mut rows = vec![0usize; n];
    let mut ready: Vec<usize> = (0..n).rev().filter(|&v| indegree[v] == 0).collect();
    let mut topological = Vec::with_capacity(n);
    while let Some(v) = ready.pop() {
        topological.push(v);
        for &(w, len) in &out[v] {
            rows[w] = rows[w].max(rows[v] + len);
            indegree[w] -= 1;
            if indegree[w] == 0 {
                ready.push(w);
            }
        }
    }
    let has_in: Vec<bool> = {
        let mut has = vec![false; n];
        for &(_, b) in oriented.iter().flatten() {
            has[b] = true;
        }
        has
    };
    for &v in topological.iter().rev() {
        if !has_in[v] && !out[v].is_empty() {
            rows[v] = out[v]
                .iter()
                .map(|&(w, len)| rows[w] - len)
                .min()
                .unwrap_or(0);
        }
    }
    rows
}

/// Spreads the leaves of a row too wide to read (a state with fifty
/// partners) over as many rows as it takes, in turn, as a page wraps its
/// words: a leaf (a box with lines in and none out) may sit any number of
/// rows lower without a line turning upwards. Rows are taken top down,
/// each as ranking left it.
fn stagger(rows: &mut [usize], sizes: &[Size], oriented: &[Option<(usize, usize)>]) {
    let n = rows.len();
    let (mut has_in, mut has_out) = (vec![false; n], vec![false; n]);
    for &(a, b) in oriented.iter().flatten() {
        has_out[a] = true;
        has_in[b] = true;
    }
    let mut by_row: BTreeMap<usize, (f64, Vec<usize>)> = BTreeMap::new();
    for v in 0..n {
        let (width, leaves) = by_row.entry(rows[v]).or_default();
        *width += sizes[v].width + GAP;
        if has_in[v] && !has_out[v] {
            leaves.push(v);
        }
    }
    for (width, leaves) in by_row.into_values() {
        let spread = (width / ROW_WIDTH).ceil() as usize;
        if spread < 2 || leaves.len() < 2 * spread {
            continue;
        }
        for (k, &v) in leaves.iter().enumerate() {
            rows[v] += k % spread;
        }
    }
}

/// Orders each row by the barycentre of its neighbours, sweeping down and
/// up, and keeps the order with the fewest crossings.
fn order(layers: &mut [Vec<usize>], up: &[Vec<usize>], down: &[Vec<usize>]) {
    let vertex_count = up.len();
    let mut position = vec![0.0f64; vertex_count];
    let place = |layers: &[Vec<usize>], position: &mut [f64]| {
        for layer in layers {
            for (i, &v) in layer.iter().enumerate() {
                position[v] = i as f64;
            }
        }
    };
    place(layers, &mut position);
    let segments: usize = down.iter().map(Vec::len).sum();
    let count = segments <= COUNT_LIMIT;
    let mut best = layers.to_vec();
    let mut best_crossings = if count {
        crossings(layers, down, &position)
    } else {
        0
    };
    for sweep in 0..SWEEPS {
        let downward = sweep % 2 == 0;
        let rows: Vec<usize> = if downward {
            (1..layers.len()).collect()
        } else {
            (0..layers.len().saturating_sub(1)).rev().collect()
        };
        for r in rows {
            let neighbours = if downward { up } else { down };
            let mut keyed: Vec<(f64, usize)> = layers[r]
                .iter()
                .map(|&v| {
                    let ns = &neighbours[v];
                    let key = if ns.is_empty() {
                        position[v]
                    } else {
                        ns.iter().map(|&w| position[w]).sum::<f64>() / ns.len() as f64
                    };
                    (key, v)
                })
                .collect();
            // Stable: ties keep the current order.
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
            layers[r] = keyed.into_iter().map(|(_, v)| v).collect();
            for (i, &v) in layers[r].iter().enumerate() {
                position[v] = i as f64;
            }
        }
        if count {
            let c = crossings(layers, down, &position);
            if c < best_crossings {
                best_crossings = c;
                best = layers.to_vec();
            }
        } else {
            best = layers.to_vec();
        }
    }
    layers.clone_from_slice(&best);
}

/// Pairs of segments between adjacent rows that cross.
fn crossings(layers: &[Vec<usize>], down: &[Vec<usize>], position: &[f64]) -> usize {
    let mut total = 0;
    for layer in layers {
        let segments: Vec<(f64, f64)> = layer
            .iter()
            .flat_map(|&v| down[v].iter().map(move |&w| (position[v], position[w])))
            .collect();
        for (i, a) in segments.iter().enumerate() {
            for b in &segments[i + 1..] {
                if (a.0 - b.0) * (a.1 - b.1) < 0.0 {
                    total += 1;
                }
            }
        }
    }
    total
}

/// Each vertex's x: in each row, as close to the mean x of its neighbours
/// as the order and the widths allow, pass after pass.
fn coordinates(
    vertices: &[Vertex],
    layers: &[Vec<usize>],
    up: &[Vec<usize>],
    down: &[Vec<usize>],
) -> Vec<f64> {
    let mut xs = vec![0.0f64; vertices.len()];
    for layer in layers {
        let mut x = 0.0;
        for (i, &v) in layer.iter().enumerate() {
            if i > 0 {
                x += separation(vertices, layer[i - 1], v);
            }
            xs[v] = x;
        }
    }
    for pass in 0..PASSES {
        let rows: Vec<usize> = if pass % 2 == 0 {
            (0..layers.len()).collect()
        } else {
            (0..layers.len()).rev().collect()
        };
        for r in rows {
            let layer = &layers[r];
            let wanted: Vec<f64> = layer
                .iter()
                .map(|&v| {
                    let count = up[v].len() + down[v].len();
                    if count == 0 {
                        xs[v]
                    } else {
                        up[v].iter().chain(&down[v]).map(|&w| xs[w]).sum::<f64>() / count as f64
                    }
                })
                .collect();
            let gaps: Vec<f64> = layer
                .windows(2)
                .map(|p| separation(vertices, p[0], p[1]))
                .collect();
            for (&v, x) in layer.iter().zip(closest_spaced(&wanted, &gaps)) {
                xs[v] = x;
            }
        }
    }
    let left = (0..vertices.len())
        .map(|v| xs[v] - vertices[v].left)
        .fold(f64::INFINITY, f64::min);
    if left.is_finite() {
        for x in &mut xs {
            *x += MARGIN - left;
        }
    }
    xs
}

/// The least distance between the centres of `a` and `b`, next to each
/// other in a row: two bends of lines (virtual boxes without a label,
/// the only boxes without height) need no gap beyond their width, so
/// that a fan of lines passing a row stays narrow.
fn separation(vertices: &[Vertex], a: usize, b: usize) -> f64 {
    let bend = |v: usize| vertices[v].height == 0.0;
    let gap = if bend(a) && bend(b) { 0.0 } else { GAP };
    vertices[a].right + gap + vertices[b].left
}

/// The positions closest (least squares) to `wanted` such that each is at
/// least `gaps[i]` after the one before: with offsets taken out, a
/// non-decreasing fit, which pooling adjacent violators finds exactly.
fn closest_spaced(wanted: &[f64], gaps: &[f64]) -> Vec<f64> {
    let mut offsets = Vec::with_capacity(wanted.len());
    let mut offset = 0.0;
    for i in 0..wanted.len() {
        if i > 0 {
            offset += gaps[i - 1];
        }
        offsets.push(offset);
    }
    // Blocks of (sum, count), each with the mean of its values.
    let mut blocks: Vec<(f64, usize)> = Vec::new();
    for (w, o) in wanted.iter().zip(&offsets) {
        blocks.push((w - o, 1));
        while blocks.len() > 1 {
            let (s2, c2) = blocks[blocks.len() - 1];
            let (s1, c1) = blocks[blocks.len() - 2];
            if s1 / c1 as f64 <= s2 / c2 as f64 {
                break;
            }
            blocks.pop();
            let last = blocks.len() - 1;
            blocks[last] = (s1 + s2, c1 + c2);
        }
    }
    let mut fitted = Vec::with_capacity(wanted.len());
    for (sum, count) in blocks {
        fitted.extend(std::iter::repeat_n(sum / count as f64, count));
    }
    fitted.iter().zip(&offsets).map(|(f, o)| f + o).collect()
}

/// A loop from the right side of a box back to it, as one cubic curve
/// reaching `after` further right than the loops drawn before it.
fn self_loop(centre: Point, size: Size, after: f64, label: Option<Size>) -> Route {
    let side = centre.x + size.width / 2.0;
    let right = side + after;
    let rise = (size.height / 2.0 - 4.0).max(2.0);
    let points = vec![
        Point {
            x: side,
            y: centre.y - rise,
        },
        Point {
            x: right + LOOP,
            y: centre.y - rise - 10.0,
        },
        Point {
            x: right + LOOP,
            y: centre.y + rise + 10.0,
        },
        Point {
            x: side,
            y: centre.y + rise,
        },
    ];
    Route {
        points,
        label: label.map(|s| Point {
            x: right + LOOP + 6.0 + s.width / 2.0,
            y: centre.y,
        }),
        is_loop: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(width: f64) -> Size {
        Size {
            width,
            height: 20.0,
        }
    }

    /// Boxes (centre, size) that overlap.
    fn overlapping(layout: &Layout, sizes: &[Size]) -> Vec<(usize, usize)> {
        let mut found = Vec::new();
        for i in 0..sizes.len() {
            for j in i + 1..sizes.len() {
                let (a, b) = (layout.centres[i], layout.centres[j]);
                if (a.x - b.x).abs() < (sizes[i].width + sizes[j].width) / 2.0
                    && (a.y - b.y).abs() < (sizes[i].height + sizes[j].height) / 2.0
                {
                    found.push((i, j));
                }
            }
        }
        found
    }

    #[test]
    fn spacing_is_the_closest_fit() {
        assert_eq!(closest_spaced(&[0.0, 0.0], &[10.0]), [-5.0, 5.0]);
        assert_eq!(closest_spaced(&[0.0, 30.0], &[10.0]), [0.0, 30.0]);
        assert_eq!(
            closest_spaced(&[5.0, 0.0, 40.0], &[10.0, 10.0]),
            [-2.5, 7.5, 40.0]
        );
    }

    #[test]
    fn a_chain_goes_down_and_a_cycle_is_broken() {
        let sizes = [size(40.0), size(60.0), size(50.0)];
        let links = [
            Link {
                from: 0,
                to: 1,
                label: None,
                rows: 1,
            },
            Link {
                from: 1,
                to: 2,
                label: None,
                rows: 1,
            },
            Link {
                from: 2,
                to: 0,
                label: None,
                rows: 1,
            },
        ];
        let layout = layout(&sizes, &links);
        assert!(layout.centres[0].y < layout.centres[1].y);
        assert!(layout.centres[1].y < layout.centres[2].y);
        // The edge that closes the cycle is drawn from 2 up to 0.
        let back = &layout.routes[2].points;
        assert!(back[0].y > back[back.len() - 1].y);
        assert!(overlapping(&layout, &sizes).is_empty());
    }

    #[test]
    fn labels_take_a_row_and_nothing_overlaps() {
        let sizes: Vec<Size> = (0..8).map(|i| size(30.0 + 10.0 * i as f64)).collect();
        let mut links = Vec::new();
        for i in 0..8 {
            for j in 0..8 {
                if (i * 7 + j * 3) % 5 == 0 && i != j {
                    links.push(Link {
                        from: i,
                        to: j,
                        label: (i % 2 == 0).then_some(size(44.0)),
                        rows: 1,
                    });
                }
            }
        }
        let layout = layout(&sizes, &links);
        assert!(overlapping(&layout, &sizes).is_empty());
        // Labels sit between the rows of their ends, clear of every box.
        for (link, route) in links.iter().zip(&layout.routes) {
            let Some(at) = route.label else {
                assert!(link.label.is_none());
                continue;
            };
            for (i, s) in sizes.iter().enumerate() {
                let c = layout.centres[i];
                let apart_x = (at.x - c.x).abs() >= (44.0 + s.width) / 2.0;
                let apart_y = (at.y - c.y).abs() >= (20.0 + s.height) / 2.0;
                assert!(apart_x || apart_y, "label of {link:?} on box {i}");
            }
        }
    }

    #[test]
    fn the_leaves_of_a_wide_row_wrap_onto_rows_below() {
        // A hub with sixty partners: one row would be 7,400 wide.
        let sizes: Vec<Size> = (0..61).map(|_| size(100.0)).collect();
        let links: Vec<Link> = (1..61)
            .map(|to| Link {
                from: 0,
                to,
                label: None,
                rows: 1,
            })
            .collect();
        let layout = layout(&sizes, &links);
        assert!(overlapping(&layout, &sizes).is_empty());
        let mut rows: Vec<i64> = (1..61).map(|v| layout.centres[v].y as i64).collect();
        rows.sort_unstable();
        rows.dedup();
        assert_eq!(rows.len(), 5, "{rows:?}");
        assert!(layout.width < 3_000.0, "{}", layout.width);
        // Every line still goes down from the hub.
        assert!((1..61).all(|v| layout.centres[v].y > layout.centres[0].y));
    }

    #[test]
    fn the_same_input_gives_the_same_layout() {
        let sizes = [size(40.0), size(60.0), size(50.0), size(20.0)];
        let links = [
            Link {
                from: 0,
                to: 3,
                label: Some(size(30.0)),
                rows: 1,
            },
            Link {
                from: 1,
                to: 3,
                label: None,
                rows: 1,
            },
            Link {
                from: 2,
                to: 2,
                label: Some(size(30.0)),
                rows: 1,
            },
        ];
        assert_eq!(layout(&sizes, &links), layout(&sizes, &links));
    }
}
