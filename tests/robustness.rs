//! No input makes the parser or checker panic: random token sequences, and
//! random byte-level mutations of valid programs, are loaded through the
//! public API. Each load either succeeds or returns diagnostics, and every
//! diagnostic renders.

use entente::{render, Engine};
use proptest::prelude::*;

/// Pieces of Entente syntax, glued with random spacing.
const TOKENS: &[&str] = &[
    "p",
    "q",
    "treaty",
    "X",
    "Y",
    "_",
    "_Z",
    "(",
    ")",
    "{",
    "}",
    ",",
    ".",
    "if",
    ":-",
    "and",
    "not",
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "%",
    "count",
    "sum",
    "min",
    "max",
    ":",
    "?",
    "?-",
    "\"s\"",
    "\"a\\\"b\"",
    "\"open",
    "1",
    "-2",
    "3.5",
    "99999999999999999999",
    "include",
    "import",
    "from",
    "\"missing.rules\"",
    "# c\n",
    "\n",
    "azerbaijan",
    "\\",
    "é",
];

/// A program that uses every construct, to mutate.
const VALID: &str = r#"treaty(azerbaijan, turkey, strategic_partnership, 2010).
supports(X, Y) if treaty(X, Y, T, _) and clause(T, mutual_support).
clause(strategic_partnership, mutual_support).
ally(X, Y) :- supports(X, Y), not rivals(X, Y), X != Y.
rivals(armenia, azerbaijan).
next(N) if treaty(_, _, _, Y), N = Y * 2 + (Y - 1) / 3 % 7.
members(N) if N = count : { treaty(M, _, _, _) }.
total(S) if S = sum Y : { treaty(_, _, _, Y) }.
? supports(turkey, Who).
at_peace.
"#;

fn load_and_render(text: &str) {
    let mut engine = Engine::new();
    match engine.load_source("random.rules", text) {
        Ok(update) => update.warnings.iter().for_each(|w| {
            render(w, false);
        }),
        Err(e) => {
            assert!(!e.problems().is_empty());
            for p in e.problems() {
                assert!(p.code_str().starts_with("entente::"), "{p:?}");
                render(p, false);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_token_sequences_never_panic(
        tokens in prop::collection::vec((0..TOKENS.len(), prop::bool::ANY), 0..60)
    ) {
        let text: String = tokens
            .iter()
            .map(|&(i, space)| format!("{}{}", TOKENS[i], if space { " " } else { "" }))
            .collect();
        load_and_render(&text);
    }

    #[test]
    fn mutated_valid_programs_never_panic(
        edits in prop::collection::vec((0..VALID.len(), 0u8..3, 0..TOKENS.len()), 1..8)
    ) {
        let mut text = VALID.to_string();
        for (at, kind, token) in edits {
            let mut at = at.min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            match kind {
                0 => text.insert_str(at, TOKENS[token]),
                1 => {
                    let mut end = (at + 1 + token % 5).min(text.len());
                    while !text.is_char_boundary(end) {
                        end += 1;
                    }
                    text.replace_range(at..end, "");
                }
                _ => text.replace_range(at..at, "."),
            }
        }
        load_and_render(&text);
    }
}

#[test]
fn hostile_inputs_get_diagnostics() {
    let deep = format!(
        "p(X) if q(Y), X = {}Y{}.",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    let long = format!("p(X) if q(Y), X = Y{}.", " + 1".repeat(250_000));
    let wide = format!("p({}).", vec!["a"; 100_000].join(", "));
    for (text, ok) in [
        (deep.as_str(), false),
        (long.as_str(), false),
        (wide.as_str(), true),
        ("", true),
    ] {
        let mut engine = Engine::new();
        assert_eq!(engine.load_source("hostile.rules", text).is_ok(), ok);
    }
}
