//! Ground facts read by a direct scan (most of a large file), building
//! what the grammar would, spans included; anything unusual goes to pest.

use std::collections::HashMap;
use std::sync::Arc;

use crate::ast::Rule as Rule_;
use crate::ast::{Atom, Name, Statement, Term};
use crate::hash::FxBuild;
use crate::source::Span;
use crate::value::{Value, KEYWORDS};

use super::errors::is_ident_char;

/// A statement that is a ground fact whose arguments are integers that
/// fit 64 bits, symbols, or strings without escapes, as the grammar would
/// build it; `None` for anything else, which pest then parses (and reports
/// on). `base` is the global offset of `source`; `texts` shares names and
/// symbols between the facts of one text.
pub(super) fn ground_fact<'t>(
    source: &'t str,
    base: usize,
    texts: &mut SharedTexts<'t>,
) -> Option<Statement> {
    let b = source.as_bytes();
    let span = |from: usize, to: usize| Span::new(base + from, base + to);
    let start = skip_trivia(b, 0);
    let name_end = lower_word(source, start)?;
    let predicate = Name {
        text: texts.predicate(&source[start..name_end]),
        span: span(start, name_end),
    };
    let mut at = skip_trivia(b, name_end);
    let mut args = Vec::new();
    // Without arguments the grammar's atom ends after the blanks that
    // follow its name (pest keeps the skip of the optional group it tried).
    let mut atom_end = at;
    if b.get(at) == Some(&b'(') {
        // One more than the commas (a string's commas only make it more):
        // a fact's arguments allocated once, at their size.
        args.reserve_exact(1 + b[at..].iter().filter(|&&c| c == b',').count());
        loop {
            at = skip_trivia(b, at + 1);
            let (value, end) = constant(source, at, texts)?;
            args.push(Term::Const(value, span(at, end)));
            at = skip_trivia(b, end);
            match b.get(at) {
                Some(b',') => {}
                Some(b')') => break,
                _ => return None,
            }
        }
        atom_end = at + 1;
        at = skip_trivia(b, atom_end);
    }
    if b.get(at) != Some(&b'.') || skip_trivia(b, at + 1) != b.len() {
        return None;
    }
    Some(Statement::Rule(
        Rule_ {
            head: Atom {
                predicate,
                args,
                span: span(start, atom_end),
            },
            body: Vec::new(),
            span: span(start, at + 1),
        },
        None,
    ))
}

/// The texts of one source's facts, each allocated once: a file of many
/// facts repeats a few predicate names and symbols many times.
#[derive(Default)]
pub(super) struct SharedTexts<'t> {
    pub(super) seen: HashMap<&'t str, Arc<str>, FxBuild>,
    /// The last predicate name: most facts name the one before them did.
    pub(super) last: Option<(&'t str, Arc<str>)>,
}

impl<'t> SharedTexts<'t> {
    fn get(&mut self, text: &'t str) -> Arc<str> {
        self.seen.entry(text).or_insert_with(|| text.into()).clone()
    }

    fn predicate(&mut self, name: &'t str) -> Arc<str> {
        match &self.last {
            Some((last, shared)) if *last == name => shared.clone(),
            _ => {
                let shared = self.get(name);
                self.last = Some((name, shared.clone()));
                shared
            }
        }
    }
}

/// Past blanks and comments from `at`.
pub(super) fn skip_trivia(b: &[u8], mut at: usize) -> usize {
    loop {
        match b.get(at) {
            Some(b' ' | b'\t' | b'\r' | b'\n') => at += 1,
            Some(b'#') => {
                while b.get(at).is_some_and(|&c| c != b'\n') {
                    at += 1;
                }
            }
            _ => return at,
        }
    }
}

/// The end of a lowercase word (a predicate or symbol) at `at` that is not
/// a keyword.
pub(super) fn lower_word(source: &str, at: usize) -> Option<usize> {
    let b = source.as_bytes();
    if !b.get(at)?.is_ascii_lowercase() {
        return None;
    }
    let mut end = at + 1;
    while b
        .get(end)
        .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_')
    {
        end += 1;
    }
    (!KEYWORDS.contains(&&source[at..end])).then_some(end)
}

/// An integer, symbol or escape-free string at `at`, and its end.
pub(super) fn constant<'t>(
    source: &'t str,
    at: usize,
    texts: &mut SharedTexts<'t>,
) -> Option<(Value, usize)> {
    let b = source.as_bytes();
    match *b.get(at)? {
        b'"' => {
            let len = source[at + 1..].find(['"', '\\', '\n'])?;
            let end = at + 1 + len;
            (b[end] == b'"').then(|| (Value::Str(texts.get(&source[at + 1..end])), end + 1))
        }
        c if c == b'-' || c.is_ascii_digit() => {
            let digits = at + usize::from(c == b'-');
            let mut end = digits;
            // Counted down, so that the least integer fits too.
            let mut below = 0i64;
            while let Some(&d) = b.get(end).filter(|d| d.is_ascii_digit()) {
                below = below.checked_mul(10)?.checked_sub(i64::from(d - b'0'))?;
                end += 1;
            }
            // Decimals, and digits running into letters, are pest's.
            if end == digits
                || b.get(end)
                    .is_some_and(|&c| c == b'.' || is_ident_char(c.into()))
            {
                return None;
            }
            let value = if c == b'-' {
                below
            } else {
                below.checked_neg()?
            };
            Some((Value::Int(value), end))
        }
        _ => {
            let end = lower_word(source, at)?;
            Some((Value::Str(texts.get(&source[at..end])), end))
        }
    }
}
