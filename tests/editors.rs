//! The editors: the tree-sitter grammar under `editors/tree-sitter-entente`
//! agrees with Entente's own parser (every rule file of the repository,
//! every syntax, format and error case, and a few hundred random programs
//! parse there without an error exactly when Entente accepts their
//! syntax), and a real editor, Neovim, gets the language server's
//! diagnostics, hover, definition and inlay hints.
//!
//! They need `tree-sitter` (tree-sitter-cli) and `nvim` on the PATH,
//! which `scripts/test` installs before it runs these with `--ignored`.
#![cfg(feature = "cli")]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

const GRAMMAR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/editors/tree-sitter-entente");

/// The `.rules` files directly in `dir`.
fn rules_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rules"))
        .collect();
    files.sort();
    files
}

/// Whether tree-sitter parses the file without an error or a missing
/// token, read off the tree it prints (its exit status and summary miss
/// some trees that hold errors).
fn tree_sitter_accepts(file: &Path) -> bool {
    let output = Command::new("tree-sitter")
        .arg("parse")
        .arg(file)
        .current_dir(GRAMMAR)
        .output()
        .expect("tree-sitter runs (scripts/test installs tree-sitter-cli)");
    let tree = String::from_utf8_lossy(&output.stdout);
    assert!(tree.contains("(source_file"), "{}: {tree}", file.display());
    !tree.contains("(ERROR") && !tree.contains("(MISSING")
}

/// Error cases that Entente refuses for a limit or an encoding, not for
/// their shape, which is all a grammar sees: nesting deeper than the
/// parser allows, an integer past 64 bits, bytes that are not UTF-8.
const NOT_SHAPE: [&str; 3] = [
    "parse_deep_nesting.rules",
    "parse_number_too_large.rules",
    "invalid_utf8.rules",
];

#[test]
#[ignore = "needs tree-sitter-cli; scripts/test runs it"]
fn tree_sitter_accepts_exactly_what_entente_parses() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = rules_in(&root.join("rules"));
    files.extend(rules_in(&root.join("rules/examples")));
    for dir in std::fs::read_dir(root.join("tests/cases")).unwrap() {
        let dir = dir.unwrap().path();
        // REPL sessions are entries and commands, not programs.
        if dir.file_name().is_some_and(|n| n != "repl") {
            files.extend(rules_in(&dir));
        }
    }
    let random = std::env::temp_dir().join(format!("entente-ts-random-{}", std::process::id()));
    std::fs::create_dir_all(&random).unwrap();
    for seed in 0..300 {
        let path = random.join(format!("p{seed}.rules"));
        std::fs::write(&path, common::program(seed)).unwrap();
        files.push(path);
    }
    files.retain(|f| !NOT_SHAPE.iter().any(|n| f.ends_with(n)));
    let mut disagree = Vec::new();
    let mut refused = 0;
    for file in &files {
        let tree_sitter = tree_sitter_accepts(file);
        // A file that is not UTF-8 is refused as it is read.
        let text = String::from_utf8(std::fs::read(file).unwrap()).ok();
        let entente = text.and_then(|t| entente::statements_of(&t)).is_some();
        refused += usize::from(!entente);
        if entente != tree_sitter {
            disagree.push(format!(
                "{}: entente {}, tree-sitter {}",
                file.display(),
                entente,
                tree_sitter
            ));
        }
    }
    std::fs::remove_dir_all(&random).unwrap();
    assert!(disagree.is_empty(), "{}", disagree.join("\n"));
    assert!(refused >= 5, "the cases include syntax errors: {refused}");
}

#[test]
#[ignore = "needs Neovim; scripts/test runs it"]
fn a_neovim_session_with_the_language_server() {
    let dir = std::env::temp_dir().join(format!("entente-nvim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("kb.rules");
    let out = dir.join("out.txt");
    std::fs::write(
        &file,
        "treaty(armenia, russia, defence, 1997).\n\
         ally(X, Y) if treaty(X, Y, _, _).\n\
         rival(X, Y) if ally(X, Z), hostile(Y).\n\
         ? ally(armenia, Who).\n",
    )
    .unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/neovim/session.lua");
    let status = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("ENTENTE", env!("CARGO_BIN_EXE_entente"))
        .env("ENTENTE_FILE", &file)
        .env("ENTENTE_OUT", &out)
        // `ally` in the query.
        .env("ENTENTE_HOVER", "4:3")
        .status()
        .expect("nvim runs (scripts/test installs Debian's neovim)");
    assert!(status.success());
    let got = std::fs::read_to_string(&out).unwrap();
    assert_eq!(
        got,
        "diagnostic 3:24 entente::singleton variable `Z` is used only once\n\
         diagnostic 3:28 entente::undefined `hostile` has no facts and no rules\n\
         hover **ally/2**: 1 fact in the model (0 given, 1 derived)\n\
         definition kb.rules:2\n\
         hint 4 1 answer: Who = russia\n"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
