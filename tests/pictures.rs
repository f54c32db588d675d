//! Pictures as a reader gets them: SVG read back as XML with every node and
//! edge label in it, drawn into pixels by resvg (not blank, no two boxes
//! overlapping, nothing outside the picture), the README's pictures kept
//! current, and the layout on random networks (no box or label overlaps
//! another). DOT output is checked by the data-driven cases
//! (`tests/cases/graph/`).
#![cfg(feature = "cli")]

use entente::graph::layout::{layout, Link, Size};
use entente::graph::Graph;
use entente::{Config, Engine};
use proptest::prelude::*;

/// A box in the picture: x, y, width, height.
#[derive(Clone, Copy, Debug)]
struct Rect {
    x: f64,
    y: f64,
    width: f64,
    height: f64,
}

impl Rect {
    fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.x + other.width
            && other.x < self.x + self.width
            && self.y < other.y + other.height
            && other.y < self.y + self.height
    }
}

/// What a reader sees in an SVG: the boxes of nodes and of edge labels,
/// the texts of each, the edges' titles, and the picture's size.
struct Seen {
    nodes: Vec<(Rect, Vec<String>)>,
    labels: Vec<(Rect, String)>,
    edges: Vec<String>,
    width: f64,
    height: f64,
}

fn number(node: roxmltree::Node, name: &str) -> f64 {
    node.attribute(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no number `{name}` on {node:?}"))
}

fn rect(node: roxmltree::Node) -> Rect {
    Rect {
        x: number(node, "x"),
        y: number(node, "y"),
        width: number(node, "width"),
        height: number(node, "height"),
    }
}

fn texts(node: roxmltree::Node) -> Vec<String> {
    node.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect()
}

/// The first child of `n` with this tag.
fn child<'a, 'input>(n: roxmltree::Node<'a, 'input>, tag: &str) -> roxmltree::Node<'a, 'input> {
    n.children()
        .find(|c| c.has_tag_name(tag))
        .unwrap_or_else(|| panic!("no <{tag}> in {n:?}"))
}

/// Reads an SVG as XML (it must parse).
fn read(svg: &str) -> Seen {
    let doc = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    let root = doc.root_element();
    let with_class = |class: &'static str| {
        doc.descendants()
            .filter(move |n| n.has_tag_name("g") && n.attribute("class") == Some(class))
    };
    Seen {
        nodes: with_class("node")
            .map(|n| (rect(child(n, "rect")), texts(n)))
            .collect(),
        labels: with_class("edge-label")
            .map(|n| (rect(child(n, "rect")), texts(n).concat()))
            .collect(),
        edges: with_class("edge")
            .map(|n| child(n, "title").text().unwrap_or_default().to_string())
            .collect(),
        width: number(root, "width"),
        height: number(root, "height"),
    }
}

/// Every node's lines and every edge's label and facts are in the SVG;
/// no two boxes (nodes and labels) overlap; all lie inside the picture.
fn check_drawing(graph: &Graph, svg: &str) {
    let seen = read(svg);
    assert_eq!(seen.nodes.len(), graph.nodes.len());
    for (node, (_, lines)) in graph.nodes.iter().zip(&seen.nodes) {
        assert_eq!(&node.lines, lines);
    }
    let labels: Vec<String> = graph.edges.iter().filter_map(|e| e.text()).collect();
    assert_eq!(seen.labels.len(), labels.len());
    for (label, (_, text)) in labels.iter().zip(&seen.labels) {
        assert_eq!(label, text);
    }
    assert_eq!(seen.edges.len(), graph.edges.len());
    for (edge, title) in graph.edges.iter().zip(&seen.edges) {
        assert_eq!(edge.facts.join("; "), *title);
    }
    let boxes: Vec<(Rect, &str)> = (seen.nodes.iter().map(|(r, t)| (*r, t[0].as_str())))
        .chain(seen.labels.iter().map(|(r, t)| (*r, t.as_str())))
        .collect();
    for (i, (a, at)) in boxes.iter().enumerate() {
        assert!(
            a.x >= 0.0
                && a.y >= 0.0
                && a.x + a.width <= seen.width
                && a.y + a.height <= seen.height,
            "`{at}` lies outside the picture"
        );
        for (b, bt) in &boxes[i + 1..] {
            assert!(!a.overlaps(b), "`{at}` overlaps `{bt}`");
        }
    }
}

/// Draws the SVG into pixels, checks that the node boxes as resvg draws
/// them (`node-0`, `node-1`, ...) do not overlap, and counts the pixels
/// that are not white.
fn inked_pixels(svg: &str, nodes: usize) -> usize {
    let tree = resvg::usvg::Tree::from_str(svg, &resvg::usvg::Options::default())
        .expect("resvg reads the SVG");
    let drawn: Vec<Rect> = (0..nodes)
        .map(|i| {
            let node = tree
                .node_by_id(&format!("node-{i}"))
                .unwrap_or_else(|| panic!("resvg has no node-{i}"));
            let b = node.abs_bounding_box();
            Rect {
                x: f64::from(b.left()),
                y: f64::from(b.top()),
                width: f64::from(b.width()),
                height: f64::from(b.height()),
            }
        })
        .collect();
    for (i, a) in drawn.iter().enumerate() {
        assert!(a.width > 0.0 && a.height > 0.0, "node-{i} is not drawn");
        for (j, b) in drawn.iter().enumerate().skip(i + 1) {
            assert!(!a.overlaps(b), "node-{i} and node-{j} overlap as drawn");
        }
    }
    let size = tree.size().to_int_size();
    let mut pixmap =
        resvg::tiny_skia::Pixmap::new(size.width(), size.height()).expect("a picture of some size");
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    pixmap
        .pixels()
        .iter()
        .filter(|p| p.red() < 250 || p.green() < 250 || p.blue() < 250)
        .count()
}

/// A name quoted as DOT quotes it.
fn dot_quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
}

fn knowledge_base() -> Engine {
    let mut engine = Engine::new();
    engine
        .load_files(&["rules/caucasus.rules"])
        .expect("the knowledge base loads");
    engine.run().expect("the knowledge base evaluates");
    engine
}

#[test]
fn the_caucasus_network_is_drawn_whole_and_clear() {
    let engine = knowledge_base();
    let graph = engine
        .graph(&["supports", "rivals", "leverage"])
        .expect("drawn");
    assert_eq!(graph.legend.len(), 3);
    // Every fact of the three predicates is on some edge.
    for predicate in ["supports", "rivals", "leverage"] {
        let goal = match predicate {
            "leverage" => "leverage(A, B, C)",
            _ => &format!("{predicate}(A, B)"),
        };
        let (answers, _) = engine.query(goal).expect("answers");
        assert!(answers.holds());
        for row in &answers.rows {
            let args: Vec<String> = row.iter().map(ToString::to_string).collect();
            let fact = format!("{predicate}({})", args.join(", "));
            assert!(
                graph.edges.iter().any(|e| e.facts.contains(&fact)),
                "{fact} is not drawn"
            );
        }
    }
    let svg = graph.to_svg();
    check_drawing(&graph, &svg);
    assert!(
        inked_pixels(&svg, graph.nodes.len()) > 2_000,
        "the picture is nearly blank"
    );
    // The DOT has the SVG's nodes and edges, named alike.
    let doc = roxmltree::Document::parse(&svg).expect("XML");
    let in_svg: Vec<String> = (doc.descendants())
        .filter(|n| n.attribute("class") == Some("edge"))
        .map(|n| {
            let end = |name| dot_quoted(n.attribute(name).expect("edge ends"));
            format!("{} -> {}", end("data-from"), end("data-to"))
        })
        .collect();
    let dot = graph.to_dot();
    let in_dot: Vec<String> = (dot.lines())
        .filter_map(|l| l.trim().split_once(" [").map(|(edge, _)| edge.to_string()))
        .filter(|l| l.contains(" -> "))
        .collect();
    assert_eq!(in_svg, in_dot);
    for node in &graph.nodes {
        let title = format!("<title>{}</title>", node.id.replace('"', "&quot;"));
        assert!(svg.contains(&title), "{title}");
        assert!(dot.contains(&format!("{} [label=", dot_quoted(&node.id))));
    }
    assert_eq!(svg, graph.to_svg(), "the same graph draws the same bytes");
}

#[test]
fn a_proof_and_a_why_not_are_drawn_whole_and_clear() {
    let engine = knowledge_base();
    for fact in [
        "would_intervene(russia, armenia, azerbaijan)",
        "defends(iran, armenia)",
        "nobody(here)",
    ] {
        let (explanation, _) = engine.explain(fact).expect("explained");
        let graph = explanation.to_graph();
        assert!(graph.nodes[0].lines[0].starts_with(fact));
        let svg = graph.to_svg();
        check_drawing(&graph, &svg);
        assert!(
            inked_pixels(&svg, graph.nodes.len()) > 1_000,
            "the picture of {fact} is nearly blank"
        );
    }
}

#[test]
fn a_why_not_of_many_rules_wraps_them_onto_rows_of_three() {
    let engine = knowledge_base();
    let (explanation, _) = engine
        .explain("supports(iran, armenia)")
        .expect("explained");
    let graph = explanation.to_graph();
    let svg = graph.to_svg();
    check_drawing(&graph, &svg);
    let seen = read(&svg);
    let mut rows: Vec<i64> = (seen.nodes.iter())
        .filter(|(_, lines)| lines[0].starts_with("rule at"))
        .map(|(rect, _)| rect.y.round() as i64)
        .collect();
    assert_eq!(rows.len(), 6, "the six rules of `supports`");
    rows.sort_unstable();
    let per_row = |y: i64| rows.iter().filter(|&&r| r == y).count();
    assert!(rows.iter().all(|&y| per_row(y) <= 3), "{rows:?}");
    assert!(per_row(rows[0]) == 3 && per_row(rows[5]) == 3, "{rows:?}");
    // The rows stack as a grid: the picture is not much wider than its
    // first row of rules (the lines to the rows below pass between boxes).
    let first_row: Vec<&Rect> = (seen.nodes.iter())
        .filter(|(rect, lines)| lines[0].starts_with("rule at") && rect.y.round() as i64 == rows[0])
        .map(|(rect, _)| rect)
        .collect();
    let left = first_row.iter().map(|r| r.x).fold(f64::MAX, f64::min);
    let right = first_row.iter().map(|r| r.x + r.width).fold(0.0, f64::max);
    let all_right = seen
        .nodes
        .iter()
        .map(|(r, _)| r.x + r.width)
        .fold(0.0, f64::max);
    assert!(
        all_right - left < 1.5 * (right - left),
        "rows of {:.0} px in a picture {:.0} px wide",
        right - left,
        all_right - left
    );
}

#[test]
fn a_network_at_a_time_point_has_only_the_facts_then() {
    let engine = knowledge_base();
    let at = |t| Config {
        at: Some(t),
        ..Config::default()
    };
    let in_2008 = engine.graph_with(&["rivals"], &at(2008)).expect("drawn");
    let in_2012 = engine.graph_with(&["rivals"], &at(2012)).expect("drawn");
    let has = |g: &Graph, fact: &str| g.edges.iter().any(|e| e.facts.iter().any(|f| f == fact));
    assert!(has(&in_2008, "rivals(georgia, russia)"));
    assert!(!has(&in_2012, "rivals(georgia, russia)"));
    assert!(has(&in_2012, "rivals(iran, israel)"));
    assert!(in_2008.edges.iter().all(|e| e.text().is_none()));
    // The picture says, where a reader sees it, which year it shows.
    let svg = in_2008.to_svg();
    let document = roxmltree::Document::parse(&svg).expect("SVG is XML");
    let heading = (document.descendants())
        .find(|n| n.attribute("class") == Some("heading"))
        .and_then(|n| n.text())
        .expect("a heading drawn");
    assert_eq!(heading, "rivals at 2008");
}

#[test]
fn a_picture_too_large_to_read_is_said_so_and_can_be_cut() {
    let engine = {
        let mut e = Engine::new();
        e.load_source(
            "big.rules",
            "n(0). n(Y) if n(X), X < 60, Y = X + 1.\nreach(X, Y) if n(X), n(Y), X < Y.",
        )
        .unwrap();
        e.run().unwrap();
        e
    };
    let graph = engine.graph(&["reach"]).unwrap();
    assert_eq!(graph.edges.len(), 1830);
    let cut = graph.clone().first_edges(50);
    assert_eq!(cut.edges.len(), 50);
    assert!(cut
        .edges
        .iter()
        .all(|e| e.from < cut.nodes.len() && e.to < cut.nodes.len()));
    // Every node kept is joined by a line kept.
    for i in 0..cut.nodes.len() {
        assert!(
            cut.edges.iter().any(|e| e.from == i || e.to == i),
            "node {i}"
        );
    }
    assert!(cut
        .notes
        .iter()
        .any(|n| n == "the first 50 of 1830 lines, and the nodes they join"));
    check_drawing(&cut, &cut.to_svg());
    // The command line warns of the whole one, and draws the cut one.
    let dir = std::env::temp_dir().join(format!("entente-big-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rules = dir.join("big.rules");
    std::fs::write(
        &rules,
        "n(0). n(Y) if n(X), X < 60, Y = X + 1.\nreach(X, Y) if n(X), n(Y), X < Y.\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["graph", "reach", rules.to_str().unwrap(), "--format", "dot"];
        args.extend(extra);
        std::process::Command::new(env!("CARGO_BIN_EXE_entente"))
            .args(&args)
            .output()
            .unwrap()
    };
    let whole = run(&[]);
    assert!(whole.status.success());
    let said = String::from_utf8_lossy(&whole.stderr);
    assert!(
        said.contains("1830 lines among 61 nodes is more than a person can read"),
        "{said}"
    );
    assert!(said.contains("--max-edges"), "{said}");
    let cut = run(&["--max-edges", "50"]);
    assert!(cut.status.success());
    assert!(
        cut.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&cut.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&cut.stdout).matches(" -> ").count(),
        50
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The README shows pictures made by the binary; they must be what the
/// binary makes now. `ENTENTE_BLESS=1` rewrites them.
#[test]
fn the_readme_pictures_are_current() {
    let pictures: [(&str, &[&str]); 2] = [
        (
            "docs/caucasus.svg",
            &[
                "graph",
                "supports",
                "rivals",
                "leverage",
                "rules/caucasus.rules",
            ],
        ),
        (
            "docs/proof.svg",
            &[
                "explain",
                "would_intervene(russia, armenia, azerbaijan)",
                "rules/caucasus.rules",
                "--format",
                "svg",
            ],
        ),
    ];
    let readme = std::fs::read_to_string("README.md").expect("README.md");
    for (path, args) in pictures {
        assert!(readme.contains(path), "README.md does not show {path}");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_entente"))
            .args(args)
            .output()
            .expect("entente runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let made = String::from_utf8(out.stdout).expect("UTF-8");
        if std::env::var_os("ENTENTE_BLESS").is_some() {
            std::fs::write(path, &made).expect("write the picture");
            continue;
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == made,
            "{path} is not what `entente {}` draws now; run the tests with ENTENTE_BLESS=1",
            args.join(" ")
        );
    }
}

#[test]
fn graph_writes_the_file_named_by_o_in_the_format_its_name_asks() {
    let dir = std::env::temp_dir().join(format!("entente-pictures-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for (name, starts) in [
        ("net.svg", "<svg"),
        ("net.dot", "digraph"),
        ("net.json", "{\"title\""),
    ] {
        let path = dir.join(name);
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_entente"))
            .args(["graph", "supports", "rules/caucasus.rules", "-o"])
            .arg(&path)
            .status()
            .expect("entente runs");
        assert!(status.success());
        let text = std::fs::read_to_string(&path).expect("written");
        assert!(text.starts_with(starts), "{name}: {text:.40}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// On random networks (cycles, parallel lines, loops, labels of any
    /// width), no box or label overlaps another.
    #[test]
    fn layouts_never_overlap(seed in any::<u64>()) {
        let mut state = seed | 1;
        let mut below = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n) as usize
        };
        let n = 1 + below(14);
        let sizes: Vec<Size> = (0..n)
            .map(|_| Size { width: 20.0 + below(200) as f64, height: 20.0 + below(40) as f64 })
            .collect();
        let links: Vec<Link> = (0..below(30))
            .map(|_| Link {
                from: below(n as u64),
                to: below(n as u64),
                label: (below(2) == 0).then(|| Size { width: 10.0 + below(120) as f64, height: 17.0 }),
                // Now and then a link made to span more rows, as a
                // why-not's wrapped rules are.
                rows: if below(4) == 0 { 1 + below(4) } else { 1 },
            })
            .collect();
        let drawn = layout(&sizes, &links);
        let mut boxes: Vec<Rect> = (0..n)
            .map(|i| Rect {
                x: drawn.centres[i].x - sizes[i].width / 2.0,
                y: drawn.centres[i].y - sizes[i].height / 2.0,
                width: sizes[i].width,
                height: sizes[i].height,
            })
            .collect();
        for (link, route) in links.iter().zip(&drawn.routes) {
            if let (Some(s), Some(at)) = (link.label, route.label) {
                boxes.push(Rect { x: at.x - s.width / 2.0, y: at.y - s.height / 2.0, width: s.width, height: s.height });
            }
            prop_assert_eq!(link.label.is_some(), route.label.is_some());
        }
        for (i, a) in boxes.iter().enumerate() {
            prop_assert!(a.x >= 0.0 && a.y >= 0.0);
            prop_assert!(a.x + a.width <= drawn.width + 0.01 && a.y + a.height <= drawn.height + 0.01);
            for b in &boxes[i + 1..] {
                prop_assert!(!a.overlaps(b), "{:?} overlaps {:?}", a, b);
            }
        }
    }
}
