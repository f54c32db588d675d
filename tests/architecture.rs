//! The house drawn from its imports: no module of `src/` imports, through
//! any chain of `use` declarations, a module that imports it back
//! (ARCHITECTURE.md's layers). A name taken from a parent that only
//! re-exports it (`use super::Database`) counts as an import of the module
//! that defines it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module path (`eval::ask`; `crate` for the root) → its source.
fn modules() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src/ reads") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path
                .strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
                .expect("under src")
                .with_extension("");
            let mut name = rel.to_string_lossy().replace(['/', '\\'], "::");
            if let Some(parent) = name.strip_suffix("::mod") {
                name = parent.to_string();
            }
            if name == "lib" {
                name = "crate".into();
            }
            if name == "main" || name.starts_with("cli") {
                // The binary: a crate of its own over the library.
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("a source file");
            // Unit tests may import anything of their module's parent.
            let text = match text.find("#[cfg(test)]\nmod tests") {
                Some(at) => text[..at].to_string(),
                None => text,
            };
            out.insert(name, text);
        }
    }
    out
}

/// The `use` declarations of a source, each as its paths (`a::b::{c, d}`
/// gives `a::b::c` and `a::b::d`; one level of braces, enough here).
fn use_paths(text: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = find_use(rest) {
        let (public, start) = at;
        let end = rest[start..].find(';').map_or(rest.len(), |e| start + e);
        let decl: String = rest[start..end]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        rest = &rest[end..];
        match decl.split_once("::{") {
            Some((prefix, items)) => {
                let items = items.strip_suffix('}').unwrap_or(items);
                let mut depth = 0;
                let mut item = String::new();
                for c in items.chars().chain([',']) {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            let head = item.split("::{").next().unwrap_or("").to_string();
                            match head.as_str() {
                                "" => {}
                                "self" => out.push((public, prefix.to_string())),
                                _ => out.push((public, format!("{prefix}::{head}"))),
                            }
                            item.clear();
                            continue;
                        }
                        _ => {}
                    }
                    item.push(c);
                }
            }
            None => out.push((public, decl)),
        }
    }
    out
}

/// The next `use` at the start of a line: whether it is `pub`, and where
/// its path starts.
fn find_use(text: &str) -> Option<(bool, usize)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let (public, after) = match trimmed.strip_prefix("pub") {
            Some(rest) => {
                let rest = match rest.strip_prefix('(') {
                    Some(r) => r.split_once(')').map_or("", |(_, r)| r),
                    None => rest,
                };
                (true, rest.trim_start())
            }
            None => (false, trimmed),
        };
        if let Some(path) = after.strip_prefix("use ") {
            let start = offset + indent + (trimmed.len() - path.len());
            return Some((public, start));
        }
        offset += line.len();
    }
    None
}

/// The module a path names (its longest prefix that is a module), from
/// module `current`; `None` for other crates.
fn resolve(mods: &BTreeMap<String, String>, current: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = path.split("::").collect();
    let mut base: Vec<&str> = match current {
        "crate" => Vec::new(),
        _ => current.split("::").collect(),
    };
    match parts[0] {
        "crate" => base.clear(),
        "super" => {
            while parts.first() == Some(&"super") {
                base.pop();
                parts.remove(0);
            }
            parts.insert(0, "");
        }
        "self" => {}
        _ => return None,
    }
    parts.remove(0);
    (0..=parts.len()).rev().find_map(|k| {
        let joined: Vec<&str> = base.iter().chain(&parts[..k]).copied().collect();
        let name = if joined.is_empty() {
            "crate".to_string()
        } else {
            joined.join("::")
        };
        mods.contains_key(&name).then_some(name)
    })
}

/// Where a name that module `hub` re-exports comes from.
fn reexported(mods: &BTreeMap<String, String>, hub: &str, name: &str) -> Option<String> {
    use_paths(&mods[hub])
        .into_iter()
        .filter(|(public, path)| *public && path.rsplit("::").next() == Some(name))
        .find_map(|(_, path)| {
            let path = match path.split("::").next() {
                Some("crate" | "super" | "self") => path,
                _ => format!("self::{path}"),
            };
            resolve(mods, hub, &path)
        })
}

/// Each module with the modules it imports from (the source of a name a
/// parent re-exports, not the parent).
fn import_graph(mods: &BTreeMap<String, String>) -> BTreeMap<&str, BTreeSet<String>> {
    let mut edges: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (module, text) in mods {
        let targets = edges.entry(module).or_default();
        for (_, path) in use_paths(text) {
            let Some(mut target) = resolve(mods, module, &path) else {
                continue;
            };
            let name = path.rsplit("::").next().unwrap_or("");
            let is_ancestor = target == "crate" || module.starts_with(&format!("{target}::"));
            if is_ancestor {
                let sub = match target.as_str() {
                    "crate" => name.to_string(),
                    t => format!("{t}::{name}"),
                };
                target = match reexported(mods, &target, name) {
                    Some(source) => source,
                    None if mods.contains_key(&sub) => sub,
                    None => continue,
                };
            }
            if target != *module && !module.starts_with(&format!("{target}::")) {
                targets.insert(target);
            }
        }
    }
    edges
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let mods = modules();
    let edges = import_graph(&mods);
    // Depth-first search for a cycle.
    fn visit<'a>(
        node: &'a str,
        edges: &'a BTreeMap<&str, BTreeSet<String>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| *n == node) {
            let mut cycle: Vec<String> = path[at..].iter().map(|s| s.to_string()).collect();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if !done.insert(node) {
            return None;
        }
        path.push(node);
        for next in edges.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    assert!(edges.len() > 40, "the modules of src/ were found");
    let mut done = BTreeSet::new();
    for node in edges.keys() {
        if let Some(cycle) = visit(node, &edges, &mut Vec::new(), &mut done) {
            panic!("an import cycle: {}", cycle.join(" → "));
        }
    }
    // The check sees real edges (it would pass vacuously otherwise).
    assert!(edges["eval::maintain"].contains("eval::database"));
    assert!(edges["eval::ask"].contains("eval::database"));
}

/// The plan is the whole contract between checking and evaluation: the
/// evaluator reads the plan and the given facts, never the syntax tree
/// or the loaded program. Only questions asked in the user's words
/// (`ask`, `queries`) and the naive oracle, which interprets the program
/// as written on purpose, read syntax.
#[test]
fn evaluation_reads_no_syntax_tree() {
    let mods = modules();
    let edges = import_graph(&mods);
    let readers_of_syntax = ["eval::ask", "eval::queries", "eval::naive"];
    let mut evaluators = 0;
    for (module, targets) in &edges {
        if !module.starts_with("eval") || readers_of_syntax.contains(module) {
            continue;
        }
        evaluators += 1;
        for syntax in ["ast", "load", "parse"] {
            assert!(
                !targets.contains(syntax),
                "{module} imports {syntax}: evaluation reads only the plan and the given facts"
            );
        }
    }
    assert!(evaluators > 10, "the evaluator's modules were found");
    // The check sees such edges where they are.
    assert!(edges["eval::naive"].contains("ast"));
}

/// The layers of ARCHITECTURE.md, bottom first: a module imports only
/// from its own layer or those below, so data flows one way through the
/// stages (parse, load, check, plan, evaluate, explain, draw) to the
/// engine over them all.
const LAYERS: &[&[&str]] = &[
    &[
        "source", "value", "hash", "suggest", "compact", "files", "testing",
    ],
    &["time", "error", "intern"],
    &["ast", "json", "fact", "convert"],
    &["answers", "parse", "facts", "binding"],
    &["de", "load", "format"],
    &["import", "check"],
    &["plan"],
    &["eval"],
    &["explain"],
    &["graph"],
    &["engine"],
    &["output"],
];

#[test]
fn every_module_imports_only_from_its_layer_or_below() {
    let mods = modules();
    let edges = import_graph(&mods);
    let top = |m: &str| m.split("::").next().unwrap_or(m).to_string();
    let layer = |m: &str| LAYERS.iter().position(|layer| layer.contains(&m));
    let mut checked = 0;
    for (module, targets) in &edges {
        let from = top(module);
        if from == "crate" {
            continue;
        }
        let Some(at) = layer(&from) else {
            panic!("`{from}` is in no layer: place it in LAYERS and ARCHITECTURE.md");
        };
        for target in targets.iter().map(|t| top(t)).filter(|t| *t != from) {
            let below = layer(&target).unwrap_or_else(|| panic!("`{target}` is in no layer"));
            assert!(
                below <= at,
                "{module} (layer {at}) imports {target} (layer {below}), a layer above it"
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "the imports between layers were found");
}
