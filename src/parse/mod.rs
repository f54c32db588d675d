//! Parsing: source text -> [`Module`] plus every syntax error in it.
//!
//! The text is first cut into statements at each `.` that ends one (not in a
//! string or comment, not the point of a decimal), and each statement is
//! parsed on its own with the pest grammar in `grammar/entente.pest`. A
//! statement with a mistake is reported and dropped, and parsing goes on
//! with the next, so one run reports every syntax error of a file.
//!
//! Most of a large file is ground facts (`treaty(armenia, russia, 1997).`):
//! a statement that is one, with integer, symbol and plain string
//! arguments, is read by a direct scan (`ground_fact`) that builds what
//! the grammar would, spans included, in a fraction of the time; anything
//! else (and anything unusual in a fact) goes to pest.
//!
//! Parsing never fails and never recurses without bound: nesting deeper than
//! [`MAX_NESTING`] is an error found before pest sees the statement, and
//! expression trees deeper than [`MAX_EXPR_DEPTH`] are refused while they
//! are built. This is the only module that knows pest.

use pest::Parser as _;

use crate::ast::*;
use crate::error::ParseError;
use crate::source::Span;

/// Deepest nesting of `(` and `{` a statement may have.
pub const MAX_NESTING: usize = 64;
/// Deepest arithmetic expression tree (operators along one path).
pub const MAX_EXPR_DEPTH: usize = 256;
/// Most literals in one statement, aggregate bodies included: evaluation
/// recurses once per literal.
pub const MAX_LITERALS: usize = 1024;

/// The pest parser; private, so that its generated `Rule` enum stays out of
/// the public API.
mod grammar {
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/entente.pest"]
    pub struct Grammar;
}
use grammar::{Grammar, Rule};

mod errors;
mod fast;
mod split;
mod tokens;
mod tree;

use errors::*;
use fast::*;
use split::*;
use tree::*;

pub use tokens::{token_at, tokens_of, Token, TokenKind};

/// Parses one source text whose first byte has global offset `base`.
pub fn parse_module(text: &str, base: usize) -> (Module, Vec<ParseError>) {
    let mut module = Module {
        statements: Vec::new(),
    };
    let mut errors = Vec::new();
    for statement in statements(text, base) {
        match statement {
            Ok(s) => module.statements.push(s),
            Err(e) => errors.extend(e),
        }
    }
    (module, errors)
}

/// The statements of one source text whose first byte has global offset
/// `base`, one item per statement: the statement, or what is wrong with
/// it, each cut from the text as it is asked for: a caller takes each as
/// it comes, and a file of many statements is never held as a list of
/// them.
pub fn statements(text: &str, base: usize) -> Statements<'_> {
    Statements {
        text,
        base,
        chunks: split_statements(text),
        texts: SharedTexts::default(),
    }
}

/// The iterator [`statements`] returns.
pub struct Statements<'t> {
    text: &'t str,
    base: usize,
    chunks: Chunks<'t>,
    texts: SharedTexts<'t>,
}

impl Iterator for Statements<'_> {
    type Item = Result<Statement, Vec<ParseError>>;

    fn next(&mut self) -> Option<Self::Item> {
        let chunk = self.chunks.next()?;
        let base = self.base;
        let span = Span::new(base + chunk.start, base + chunk.end);
        if let Some(at) = chunk.too_deep {
            return Some(Err(vec![ParseError::TooDeep {
                span: Span::new(base + at, base + at + 1),
            }]));
        }
        let source = &self.text[chunk.start..chunk.end];
        if let Some(fact) = ground_fact(source, span.start, &mut self.texts) {
            return Some(Ok(fact));
        }
        Some(match Grammar::parse(Rule::statement_eoi, source) {
            Ok(mut pairs) => {
                let mut errors = Vec::new();
                let builder = AstBuilder {
                    base: span.start,
                    errors: &mut errors,
                    literals: 0,
                };
                match pairs.next().map(|p| builder.statement(p)) {
                    Some(statement) if errors.is_empty() => Ok(statement),
                    _ => Err(errors),
                }
            }
            Err(e) => Err(vec![syntax_error(e, span.start, source)]),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(text: &str) -> Vec<&str> {
        split_statements(text)
            .map(|c| text[c.start..c.end].trim())
            .collect()
    }

    #[test]
    fn statements_end_at_dots_outside_strings_comments_and_decimals() {
        assert_eq!(
            chunks("p(1.5). # a. comment\nq(\"a.b\").\nr(X) if s(X), X > 2."),
            [
                "p(1.5).",
                "# a. comment\nq(\"a.b\").",
                "r(X) if s(X), X > 2."
            ]
        );
        assert_eq!(chunks("p. q"), ["p.", "q"]);
        assert_eq!(chunks("p. # only a comment\n  "), ["p."]);
    }

    /// Parses with pest alone, as if there were no fast path for facts.
    fn with_pest(source: &str, base: usize) -> Option<Statement> {
        let mut errors = Vec::new();
        let mut pairs = Grammar::parse(Rule::statement_eoi, source).ok()?;
        let builder = AstBuilder {
            base,
            errors: &mut errors,
            literals: 0,
        };
        let statement = builder.statement(pairs.next()?);
        errors.is_empty().then_some(statement)
    }

    #[test]
    fn ground_facts_read_directly_are_what_pest_builds() {
        let pieces = [
            "p",
            "treaty",
            "a_1",
            "x",
            "1",
            "-7",
            "0",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "-0",
            "007",
            "1.5",
            "-",
            "\"a b\"",
            "\"\"",
            "\"x\\\"y\"",
            "\"é\"",
            "X",
            "_",
            "if",
            "iffy",
            "not",
            "12ab",
            " ",
            "  # c\n",
            "\t",
            "(",
            ")",
            ",",
            ".",
            "\n",
            "?",
            "Not",
        ];
        let mut numbers = crate::testing::numbers(0x2545_f491_4f6c_dd1d);
        let mut next = |n: usize| numbers(n as u64) as usize;
        let mut accepted = 0;
        for round in 0..20_000 {
            // Mostly fact-shaped texts, some of them broken.
            let mut text = String::new();
            if round % 3 == 0 {
                text.push_str(pieces[next(pieces.len())]);
            }
            text.push_str(["p", "treaty", "if", "Q"][next(4)]);
            if next(4) > 0 {
                text.push_str([" (", "("][next(2)]);
                for i in 0..next(4) + 1 {
                    if i > 0 {
                        text.push_str([", ", ",", " ,# c\n"][next(3)]);
                    }
                    text.push_str(pieces[next(pieces.len())]);
                }
                text.push_str([")", " )", ""][next(3)]);
            }
            text.push_str([".", " .", ". # done", "", ".."][next(5)]);
            let fast = ground_fact(&text, 40, &mut SharedTexts::default());
            if let Some(fact) = &fast {
                accepted += 1;
                assert_eq!(Some(fact), with_pest(&text, 40).as_ref(), "{text:?}");
            }
        }
        assert!(accepted > 1000, "the fast path took only {accepted}");
    }

    #[test]
    fn precedence_and_associativity() {
        let (m, e) = parse_module("p(X) if q(Y), X = Y - 1 - 2 * 3 + 4 / 2 % 3.", 0);
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(
            m.statements[0].to_string(),
            "p(X) if q(Y) and X = Y - 1 - 2 * 3 + 4 / 2 % 3."
        );
        let (m, _) = parse_module("p(X) if q(Y), X = Y - (1 - 2) * (3 + 4).", 0);
        assert_eq!(
            m.statements[0].to_string(),
            "p(X) if q(Y) and X = Y - (1 - 2) * (3 + 4)."
        );
    }
}
