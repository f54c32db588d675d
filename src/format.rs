//! `entente fmt`: a program's text in one canonical layout (SPEC §12).
//!
//! The formatter works on the text, guided by the parser's syntax tree:
//! each statement is printed in canonical form (the tree's own printing,
//! which the syntax cases check parses back to the same tree), one per
//! line, and everything between statements is trivia whose comments are
//! kept where they stand. Two things the tree does not hold are read from
//! the text: the user's connectives (`if` and `and`, or `:-` and `,`, by
//! the words between head and body and between the first two literals),
//! and comments inside a statement, each kept at the end of the line of
//! the literal it follows (which makes the statement wrap).
//!
//! Layout: a statement that fits in [`WIDTH`] columns and holds no comment
//! is one line; otherwise its head (and validity) and connective make the
//! first line and each literal follows on a line of its own, indented by
//! four spaces. At most one blank line between statements; the file ends
//! with one newline.

use crate::ast::{Literal, Module, Statement, When};
use crate::error::{Error, Problem};
use crate::parse::parse_module;
use crate::source::{Sources, Span};

/// The widest a statement is kept on one line.
const WIDTH: usize = 80;

/// Every statement of `name`'s text in canonical form (SPEC §6), one a
/// line, comments and layout left out: how the engine reads the text
/// (each statement as `:rules` and proofs print it), or the syntax
/// errors.
///
/// ```
/// let text = "ally(X,Y):-treaty(X,Y),  X!=Y. # a comment";
/// assert_eq!(entente::canonical_source("kb.rules", text)?, "ally(X, Y) if treaty(X, Y) and X != Y.\n");
/// # Ok::<(), entente::Error>(())
/// ```
pub fn canonical_source(name: &str, text: &str) -> Result<String, Error> {
    Ok(parsed(name, text)?.0.to_string())
}

/// The statements of `name`'s text, and the global offset of its first
/// byte; or its syntax errors, placed in it.
fn parsed(name: &str, text: &str) -> Result<(Module, usize), Error> {
    let mut sources = Sources::default();
    let span = sources.add(name, text.to_string());
    let (module, errors) = parse_module(text, span.start);
    if !errors.is_empty() {
        let problems = errors.into_iter().map(|e| Problem::new(e, &sources));
        return Err(Error::new(problems.collect()));
    }
    Ok((module, span.start))
}

/// The text of `name` in canonical layout, or the syntax errors that stop
/// it from being formatted (a text that does not parse is not touched).
pub fn format_source(name: &str, text: &str) -> Result<String, Error> {
    let (module, base) = parsed(name, text)?;
    let mut out = Layout::default();
    let mut at = 0;
    for statement in &module.statements {
        let s = statement.span();
        let (start, end) = (s.start - base, s.end - base);
        out.trivia(&text[at..start]);
        out.statement(&print(statement, text, base));
        at = end;
    }
    out.trivia(&text[at..]);
    Ok(out.finish())
}

/// The text as it is written out: lines, and the blank lines between.
#[derive(Default)]
struct Layout {
    lines: Vec<String>,
    /// A blank line is owed before the next line (not at the start).
    blank: bool,
}

impl Layout {
    /// The text between two statements: a comment on the line the last
    /// statement ended on stays there; other comments keep their lines;
    /// runs of blank lines become one. The first piece is the rest of the
    /// last statement's line, the last the start of the next one's; the
    /// pieces between are whole lines.
    fn trivia(&mut self, text: &str) {
        let pieces: Vec<&str> = text.split('\n').collect();
        let last = pieces.len() - 1;
        for (n, piece) in pieces.iter().enumerate() {
            let code = piece.trim();
            if code.is_empty() {
                if 0 < n && n < last && !self.lines.is_empty() {
                    self.blank = true;
                }
            } else if n == 0 && !self.lines.is_empty() {
                let line = self.lines.last_mut().expect("a statement before");
                line.push(' ');
                line.push_str(code);
            } else {
                self.push(code.to_string());
            }
        }
    }

    /// A statement's lines.
    fn statement(&mut self, printed: &[String]) {
        for line in printed {
            self.push(line.clone());
        }
    }

    fn push(&mut self, line: String) {
        if self.blank {
            self.lines.push(String::new());
            self.blank = false;
        }
        self.lines.push(line);
    }

    fn finish(self) -> String {
        let mut text = self.lines.join("\n");
        if !text.is_empty() {
            text.push('\n');
        }
        text
    }
}

/// The user's words for a rule's connectives.
struct Words {
    /// `if` or `:-`.
    turnstile: &'static str,
    /// `and` or `,`.
    and: &'static str,
}

/// A statement in canonical layout, as lines.
fn print(statement: &Statement, text: &str, base: usize) -> Vec<String> {
    let local = |from: usize, to: usize| &text[from - base..to - base];
    // The text between the first two literals, where the user's `and` or
    // `,` stands.
    let between = |body: &[Literal]| match body {
        [a, b, ..] => Some(local(a.span().end, b.span().start)),
        _ => None,
    };
    match statement {
        Statement::Rule(rule, when) if !rule.body.is_empty() => {
            let mut head = rule.head.to_string();
            if let Some(when) = when {
                head.push_str(&format!(" {}", When::words(when.from, when.to)));
            }
            let turnstile = local(rule.head.span.end, rule.body[0].span().start);
            let words = words(turnstile, between(&rule.body));
            let head = format!("{head} {}", words.turnstile);
            body(&head, &rule.body, words.and, ".", text, base, rule.span)
        }
        Statement::Query(query) => {
            let and = conjunction(between(&query.body), "and");
            let end = match query.at {
                Some((t, _)) => format!(" at {t}."),
                None => ".".to_string(),
            };
            body("?", &query.body, and, &end, text, base, query.span)
        }
        Statement::Constraint(constraint) => {
            let and = conjunction(between(&constraint.body), "and");
            let written = local(constraint.span.start, constraint.span.end);
            let head = if written.starts_with(":-") {
                ":-"
            } else {
                "never"
            };
            body(
                head,
                &constraint.body,
                and,
                ".",
                text,
                base,
                constraint.span,
            )
        }
        _ => {
            let span = statement.span();
            let mut line = statement.to_string();
            for (_, comment) in comments(local(span.start, span.end)) {
                line.push(' ');
                line.push_str(comment);
            }
            vec![line]
        }
    }
}

/// `head` followed by the literals of `body`, joined by `and`: on one
/// line when it fits and no comment stands inside the statement, else a
/// literal a line. A comment inside goes at the end of the line of the
/// literal before it.
fn body(
    head: &str,
    body: &[Literal],
    and: &str,
    end: &str,
    text: &str,
    base: usize,
    span: Span,
) -> Vec<String> {
    let inner = comments(&text[span.start - base..span.end - base]);
    let joiner = if and == "," {
        ", ".to_string()
    } else {
        format!(" {and} ")
    };
    let literals: Vec<String> = body.iter().map(ToString::to_string).collect();
    let one_line = format!("{head} {}{end}", literals.join(&joiner));
    if inner.is_empty() && one_line.chars().count() <= WIDTH {
        return vec![one_line];
    }
    let mut lines = vec![head.to_string()];
    let last = literals.len() - 1;
    for (i, literal) in literals.iter().enumerate() {
        let after = match (i == last, and) {
            (true, _) => end,
            (false, ",") => ",",
            (false, _) => " and",
        };
        lines.push(format!("    {literal}{after}"));
    }
    // Comments by where they stand: before the first literal, after the
    // head's line; else after the last literal that ends before them.
    for (offset, comment) in &inner {
        let at = span.start + offset;
        let line = body
            .iter()
            .rposition(|l| l.span().end <= at)
            .map_or(0, |i| i + 1);
        lines[line].push(' ');
        lines[line].push_str(comment);
    }
    // A query's first literal stays beside its `?`, unless a comment
    // stands between them.
    if head == "?" && lines[0] == "?" {
        let first = lines.remove(1);
        lines[0] = format!("? {}", first.trim_start());
    }
    lines
}

/// The connectives the user wrote: `turnstile` is the text between the
/// head and the body, `between` that between the first two literals.
fn words(turnstile: &str, between: Option<&str>) -> Words {
    let turnstile = if code_of(turnstile).contains(":-") {
        ":-"
    } else {
        "if"
    };
    // With one literal, the connective that goes with the turnstile.
    let alone = if turnstile == ":-" { "," } else { "and" };
    Words {
        turnstile,
        and: conjunction(between, alone),
    }
}

/// `and` or `,`, as written between two literals (`alone` when there is
/// only one).
fn conjunction(between: Option<&str>, alone: &'static str) -> &'static str {
    match between.map(code_of) {
        Some(code) if code.split_whitespace().any(|w| w == "and") => "and",
        Some(_) => ",",
        None => alone,
    }
}

/// Text without its comments.
fn code_of(text: &str) -> String {
    text.lines()
        .map(|line| match comment_at(line) {
            Some(i) => &line[..i],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The comments of a text, each with its offset in the text.
fn comments(text: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    let mut offset = 0;
    for line in text.split('\n') {
        if let Some(i) = comment_at(line) {
            found.push((offset + i, line[i..].trim_end()));
        }
        offset += line.len() + 1;
    }
    found
}

/// Where a line's comment starts (a `#` outside strings).
fn comment_at(line: &str) -> Option<usize> {
    let (mut quoted, mut escaped) = (false, false);
    for (i, c) in line.char_indices() {
        match c {
            '"' if !escaped => quoted = !quoted,
            '#' if !quoted => return Some(i),
            _ => {}
        }
        escaped = quoted && c == '\\' && !escaped;
    }
    None
}
