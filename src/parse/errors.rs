//! Syntax errors as the user reads them: what was expected, named in
//! words, at the place pest stopped.

use crate::error::ParseError;
use crate::source::Span;
use crate::value::KEYWORDS;

use super::grammar::Rule;

/// Turns a pest error into a diagnostic that names what was expected.
pub(super) fn syntax_error(e: pest::error::Error<Rule>, base: usize, source: &str) -> ParseError {
    let len = source.len();
    let mut wants_time = false;
    let (at, expected) = match (&e.location, &e.variant) {
        (pest::error::InputLocation::Pos(p), v) | (pest::error::InputLocation::Span((p, _)), v) => {
            let expected = match v {
                pest::error::ErrorVariant::ParsingError { positives, .. } => {
                    wants_time = positives == &[Rule::time];
                    describe_expected(positives)
                }
                pest::error::ErrorVariant::CustomError { message } => message.clone(),
            };
            (*p, expected)
        }
    };
    let at = at.min(len);
    let rest = &source[at..];
    if wants_time {
        // The word where a time point should be (none at a `.`).
        let word = rest.find(|c: char| !is_ident_char(c) && c != '-').unwrap_or(rest.len());
        return ParseError::TimePoint {
            span: Span::new(base + at, base + at + word),
        };
    }
    if rest.starts_with('"') {
        return string_error(rest, base + at);
    }
    if let Some(keyword) = KEYWORDS
        .iter()
        .find(|k| rest.starts_with(*k) && !rest[k.len()..].starts_with(is_ident_char))
    {
        return ParseError::Keyword {
            keyword,
            span: Span::new(base + at, base + at + keyword.len()),
        };
    }
    ParseError::Syntax {
        expected,
        span: Span::new(base + at, base + at),
    }
}

/// A string that pest refused: a bad escape, or no closing quote on the line.
pub(super) fn string_error(rest: &str, at: usize) -> ParseError {
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let mut chars = line.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => break,
            '\\' => match chars.next() {
                Some((_, '"' | '\\' | 'n' | 't')) => {}
                other => {
                    let end = other.map_or(i + 1, |(j, c)| j + c.len_utf8());
                    return ParseError::BadEscape {
                        span: Span::new(at + i, at + end),
                    };
                }
            },
            _ => {}
        }
    }
    ParseError::UnterminatedString {
        span: Span::new(at, at + line.len()),
    }
}

pub(super) fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

pub(super) fn describe_expected(rules: &[Rule]) -> String {
    // Where a literal may start, pest lists each kind; name them as one.
    if rules.contains(&Rule::kw_not) {
        return "a literal".to_string();
    }
    let mut names: Vec<&str> = rules.iter().filter_map(|r| rule_name(*r)).collect();
    names.sort_unstable();
    names.dedup();
    match names.as_slice() {
        [] => "a statement".to_string(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// How the user would call what a grammar rule matches.
pub(super) fn rule_name(r: Rule) -> Option<&'static str> {
    Some(match r {
        Rule::dot => "`.`",
        Rule::open => "`(`",
        Rule::close => "`)`",
        Rule::comma => "`,`",
        Rule::colon => "`:`",
        Rule::equals => "`=`",
        Rule::open_brace => "`{`",
        Rule::close_brace => "`}`",
        Rule::turnstile | Rule::kw_if => "`if`",
        Rule::kw_and => "`and`",
        Rule::kw_from => "`from`",
        Rule::kw_not => "`not`",
        Rule::query_mark => "`?`",
        Rule::compare_op => "a comparison operator",
        Rule::arith_op => "an arithmetic operator",
        Rule::count_fn | Rule::value_fn => "`count`, `sum`, `min` or `max`",
        Rule::atom | Rule::predicate | Rule::clause | Rule::include | Rule::import => "a statement",
        Rule::body | Rule::negative | Rule::aggregate | Rule::comparison => "a literal",
        Rule::expr => "an expression",
        Rule::variable | Rule::wildcard | Rule::symbol | Rule::number | Rule::string => "a term",
        Rule::column | Rule::header_name => "a column name",
        Rule::EOI => "the end of the statement",
        Rule::time => "a time point",
        _ => return None,
    })
}
