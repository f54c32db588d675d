//! A text's tokens, each with what it is: what an editor colours, and
//! what finding references, renaming and hover look through. Read by the
//! same grammar that parses (each statement's pest parse, flattened), so
//! a word is a predicate here exactly when it is one to the checker.

use std::ops::Range;

use pest::iterators::Pair;
use pest::Parser as _;

use super::fast::{ground_fact, SharedTexts};
use super::split::split_statements;
use super::{Grammar, Rule};
use crate::ast::{Statement, Term};
use crate::source::Span;
use crate::value::Value;

/// One token of a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// What the token is.
    pub kind: TokenKind,
    /// Its bytes in the text.
    pub range: Range<usize>,
    /// The bytes of the statement it is in (a comment's own, for a
    /// comment): a variable's scope.
    pub statement: Range<usize>,
}

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenKind {
    /// A word of the language: `if`, `and`, `not`, `include`, `import`,
    /// `from`, `to`, `since`, `until`, `in`, `at`, `valid`, `open`,
    /// `source`, `covers`, `never`, `count`, `sum`, `min`, `max`.
    Keyword,
    /// A predicate's name, where it is used or defined.
    Predicate,
    /// A variable, `_` included.
    Variable,
    /// A symbol constant.
    Symbol,
    /// A string constant.
    String,
    /// A number, or a time point.
    Number,
    /// The path of an `include` or `import`.
    Path,
    /// A column an import picks by its header.
    Column,
    /// `:-`, `?`, a comparison or an arithmetic operator.
    Operator,
    /// A `#` comment.
    Comment,
    /// A source's name, where it is declared or cited (SPEC §14).
    Source,
}

/// The tokens of `text`, in order. A statement that does not parse
/// contributes no tokens (its comments still count); punctuation is not a
/// token.
pub fn tokens_of(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut texts = SharedTexts::default();
    for chunk in split_statements(text) {
        statement_tokens(text, chunk.start..chunk.end, &mut texts, &mut out);
    }
    comments(text, 0, &mut out);
    out.sort_by_key(|t| t.range.start);
    out
}

/// The token at byte `offset` of `text` (one that starts there before one
/// that ends there), reading only the statement around it: what hover
/// and rename ask of a file of any size.
pub fn token_at(text: &str, offset: usize) -> Option<Token> {
    let chunk = split_statements(text).find(|c| offset <= c.end)?;
    let mut out = Vec::new();
    let statement = chunk.start..chunk.end;
    statement_tokens(text, statement, &mut SharedTexts::default(), &mut out);
    comments(&text[chunk.start..chunk.end], chunk.start, &mut out);
    let touches = |t: &&Token| (t.range.start..=t.range.end).contains(&offset);
    let starts = out.iter().find(|t| t.range.start == offset);
    starts.or_else(|| out.iter().find(touches)).cloned()
}

/// Appends the tokens of the statement at `statement` in `text`: a
/// ground fact's from the direct scan that reads most of a large file,
/// anything else's from pest.
fn statement_tokens<'t>(
    text: &'t str,
    statement: Range<usize>,
    texts: &mut SharedTexts<'t>,
    out: &mut Vec<Token>,
) {
    let source = &text[statement.clone()];
    if let Some(Statement::Rule(fact, _)) = ground_fact(source, statement.start, texts) {
        let token = |kind, span: Span| Token {
            kind,
            range: span.start..span.end,
            statement: statement.clone(),
        };
        out.push(token(TokenKind::Predicate, fact.head.predicate.span));
        for arg in &fact.head.args {
            if let Term::Const(value, span) = arg {
                let kind = match value {
                    Value::Str(_) if text.as_bytes()[span.start] == b'"' => TokenKind::String,
                    Value::Str(_) => TokenKind::Symbol,
                    _ => TokenKind::Number,
                };
                out.push(token(kind, *span));
            }
        }
        return;
    }
    if let Ok(pairs) = Grammar::parse(Rule::statement_eoi, source) {
        for pair in pairs {
            leaves(pair, false, &statement, out);
        }
    }
}

/// Appends the leaves under `pair`; `path` when a string there is the
/// path of an include or import.
fn leaves(pair: Pair<'_, Rule>, path: bool, statement: &Range<usize>, out: &mut Vec<Token>) {
    let kind = match pair.as_rule() {
        Rule::kw_if
        | Rule::kw_and
        | Rule::kw_not
        | Rule::kw_include
        | Rule::kw_import
        | Rule::kw_from
        | Rule::kw_to
        | Rule::kw_since
        | Rule::kw_until
        | Rule::kw_in
        | Rule::kw_at
        | Rule::kw_valid
        | Rule::kw_open
        | Rule::kw_source
        | Rule::kw_covers
        | Rule::kw_never
        | Rule::count_fn
        | Rule::value_fn => Some(TokenKind::Keyword),
        Rule::predicate => Some(TokenKind::Predicate),
        Rule::source_name => Some(TokenKind::Source),
        Rule::variable | Rule::wildcard => Some(TokenKind::Variable),
        Rule::symbol => Some(TokenKind::Symbol),
        Rule::string if path => Some(TokenKind::Path),
        Rule::string => Some(TokenKind::String),
        Rule::number | Rule::time => Some(TokenKind::Number),
        Rule::header_name => Some(TokenKind::Column),
        Rule::compare_op | Rule::arith_op | Rule::minus | Rule::turnstile | Rule::query_mark => {
            Some(TokenKind::Operator)
        }
        _ => None,
    };
    if let Some(kind) = kind {
        let span = pair.as_span();
        out.push(Token {
            kind,
            range: statement.start + span.start()..statement.start + span.end(),
            statement: statement.clone(),
        });
        return;
    }
    // Only a string written straight into an include or import is its
    // path (an import's columns are strings too, one level down).
    let holds_path = matches!(pair.as_rule(), Rule::include | Rule::import);
    for inner in pair.into_inner() {
        leaves(inner, holds_path, statement, out);
    }
}

/// Appends the comments of `text`: a `#` outside a string, to the end of
/// its line (strings end at a newline, as they do when statements are
/// cut); `base` is where `text` starts in the whole text.
fn comments(text: &str, base: usize, out: &mut Vec<Token>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                let start = i;
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                out.push(Token {
                    kind: TokenKind::Comment,
                    range: base + start..base + i,
                    statement: base + start..base + i,
                });
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && !matches!(bytes[i], b'"' | b'\n') {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(TokenKind, &str)> {
        tokens_of(text)
            .into_iter()
            .map(|t| (t.kind, &text[t.range]))
            .collect()
    }

    #[test]
    fn every_kind_of_token() {
        use TokenKind::*;
        let text = "include \"a.rules\". # see \"x\"\n\
                    import t(\"A\", b) from \"t.csv\" valid from c.\n\
                    p(X, 1, s, \"q\") from 1990 to 2000 if t(X, _), not r(X), N = count : { t(X, Y) }, N > 2 - 1.\n\
                    ? p(X, Y, Z, W) at 1995.";
        let got = kinds(text);
        assert_eq!(
            &got[..6],
            [
                (Keyword, "include"),
                (Path, "\"a.rules\""),
                (Comment, "# see \"x\""),
                (Keyword, "import"),
                (Predicate, "t"),
                (String, "\"A\""),
            ]
        );
        assert!(got.contains(&(Column, "b")));
        assert!(got.contains(&(Path, "\"t.csv\"")));
        assert!(got.contains(&(Keyword, "valid")));
        assert!(got.contains(&(Symbol, "s")));
        assert!(got.contains(&(Number, "1990")));
        assert!(got.contains(&(Keyword, "count")));
        assert!(got.contains(&(Variable, "_")));
        assert!(got.contains(&(Operator, "?")));
        assert!(got.contains(&(Keyword, "at")));
        let predicates: Vec<&str> = (got.iter())
            .filter(|(k, _)| *k == Predicate)
            .map(|(_, t)| *t)
            .collect();
        assert_eq!(predicates, ["t", "p", "t", "r", "t", "p"]);
        for token in tokens_of(text) {
            for offset in token.range.start + 1..token.range.end {
                assert_eq!(token_at(text, offset).as_ref(), Some(&token));
            }
        }
    }

    #[test]
    fn facts_read_directly_have_the_tokens_pest_gives() {
        let text = "treaty(armenia, russia, 1997).\nsaid(a, \"x \\\"y\\\"\", -2.5, b_1).\np.\n# c\nq( a ,\"\" ).\n";
        let mut pest = Vec::new();
        for chunk in split_statements(text) {
            let statement = chunk.start..chunk.end;
            let source = &text[statement.clone()];
            for pair in Grammar::parse(Rule::statement_eoi, source).unwrap() {
                leaves(pair, false, &statement, &mut pest);
            }
        }
        comments(text, 0, &mut pest);
        pest.sort_by_key(|t| t.range.start);
        assert_eq!(tokens_of(text), pest);
        assert_eq!(pest.len(), 14);
    }

    #[test]
    fn a_statement_that_does_not_parse_has_no_tokens_but_its_comments() {
        let text = "p(a). q(. # why\nr(b).";
        let got = kinds(text);
        assert_eq!(
            got,
            [
                (TokenKind::Predicate, "p"),
                (TokenKind::Symbol, "a"),
                (TokenKind::Comment, "# why"),
                (TokenKind::Predicate, "r"),
                (TokenKind::Symbol, "b"),
            ]
        );
    }
}
