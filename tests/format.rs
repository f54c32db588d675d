//! `entente fmt` (SPEC §12): idempotent and meaning-preserving on random
//! programs written every which way (statements sharing lines, bodies
//! broken across lines, `and` for `,`, comments between statements and
//! inside them), and on every `.rules` file of the repository that
//! parses; comments are never lost.

use std::path::{Path, PathBuf};

use entente::ast::Module;
use entente::format_source;
use entente::parse::parse_module;
use proptest::prelude::*;

mod common;
use common::{program, without_spans};

/// The tree of a text that parses, spans blanked.
fn tree(text: &str) -> String {
    let (module, errors): (Module, _) = parse_module(text, 0);
    assert!(errors.is_empty(), "does not parse: {errors:?}\n{text}");
    without_spans(&module)
}

/// The comments of a text, in order (`#` outside strings to the line's
/// end).
fn comments(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let (mut quoted, mut escaped) = (false, false);
        for (i, c) in line.char_indices() {
            match c {
                '"' if !escaped => quoted = !quoted,
                '#' if !quoted => {
                    found.push(line[i..].trim_end().to_string());
                    break;
                }
                _ => {}
            }
            escaped = quoted && c == '\\' && !escaped;
        }
    }
    found
}

/// Checks one text: formatting keeps its tree and its comments, and
/// formatting again changes nothing.
fn check(name: &str, text: &str) {
    let once = format_source(name, text).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    assert_eq!(
        tree(&once),
        tree(text),
        "{name}: the meaning changed:\n{once}"
    );
    let mut before = comments(text);
    let mut after = comments(&once);
    before.sort();
    after.sort();
    assert_eq!(after, before, "{name}: comments lost or made:\n{once}");
    let twice = format_source(name, &once).expect("formatted text parses");
    assert_eq!(twice, once, "{name}: formatting twice changes it");
    let ends = once.is_empty() || (once.ends_with('\n') && !once.ends_with("\n\n"));
    assert!(ends, "{name}: one final newline");
}

/// `text` written untidily: a small generator of choices (`pick`)
/// decides, place by place, to put two statements on a line, break after
/// a comma, write `and` for a comma in a body, or add a comment.
fn untidy(text: &str, seed: u64) -> String {
    let mut state = seed | 1;
    let mut pick = |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let mut line = line.to_string();
        let body = line.find(" if ").map(|i| i + 4);
        if let Some(start) = body {
            // Only commas between literals: outside parentheses.
            let (head, rest) = line.split_at(start);
            let mut depth = 0;
            let mut rebuilt = String::new();
            for c in rest.chars() {
                match c {
                    '(' | '{' => depth += 1,
                    ')' | '}' => depth -= 1,
                    _ => {}
                }
                if c == ',' && depth == 0 {
                    match pick(4) {
                        0 => rebuilt.push_str(" and"),
                        1 => rebuilt.push_str(",\n      "),
                        2 => rebuilt.push_str(&format!(", # why {i}\n  ")),
                        _ => rebuilt.push(','),
                    }
                } else {
                    rebuilt.push(c);
                }
            }
            line = format!("{head}{rebuilt}");
        }
        match pick(6) {
            0 => out.push_str(&format!("# about statement {i}\n{line}\n")),
            1 => out.push_str(&format!("{line}   # note {i}\n\n\n")),
            2 => out.push_str(&format!("{line} ")),
            _ => out.push_str(&format!("{line}\n")),
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn formatting_random_programs_keeps_meaning_and_comments(seed in any::<u64>()) {
        let text = untidy(&program(seed), seed);
        check("random.rules", &text);
    }
}

fn rules_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rules_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rules") {
            found.push(path);
        }
    }
}

#[test]
fn formatting_every_rules_file_of_the_repository_keeps_it() {
    let mut files = Vec::new();
    rules_files(Path::new("rules"), &mut files);
    rules_files(Path::new("tests/cases"), &mut files);
    let mut formatted = 0;
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        // Files that do not parse are error cases: fmt leaves them alone.
        if !parse_module(&text, 0).1.is_empty() {
            assert!(format_source("x.rules", &text).is_err());
            continue;
        }
        check(&path.display().to_string(), &text);
        formatted += 1;
    }
    assert!(formatted > 50, "{formatted} files formatted");
}

#[test]
fn an_untidy_program_is_untidy_before_and_tidy_after() {
    let text = untidy(&program(11), 11);
    let once = format_source("random.rules", &text).expect("formats");
    assert_ne!(once, text, "the generator wrote something to tidy:\n{text}");
    assert!(text.contains(" and ") || text.contains(",\n"), "{text}");
    assert!(comments(&text).len() >= 2, "{text}");
}
