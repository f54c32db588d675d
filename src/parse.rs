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

use std::collections::HashMap;
use std::sync::Arc;

use pest::iterators::Pair;
use pest::Parser as _;

use crate::ast::*;
use crate::error::ParseError;
use crate::hash::FxBuild;
use crate::source::Span;
use crate::time::{Time, NEVER_AFTER, NEVER_BEFORE};
use crate::value::{Value, KEYWORDS};

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

/// A statement that is a ground fact whose arguments are integers that
/// fit 64 bits, symbols, or strings without escapes, as the grammar would
/// build it; `None` for anything else, which pest then parses (and reports
/// on). `base` is the global offset of `source`; `texts` shares names and
/// symbols between the facts of one text.
fn ground_fact<'t>(source: &'t str, base: usize, texts: &mut SharedTexts<'t>) -> Option<Statement> {
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
struct SharedTexts<'t> {
    seen: HashMap<&'t str, Arc<str>, FxBuild>,
    /// The last predicate name: most facts name the one before them did.
    last: Option<(&'t str, Arc<str>)>,
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
fn skip_trivia(b: &[u8], mut at: usize) -> usize {
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
fn lower_word(source: &str, at: usize) -> Option<usize> {
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
fn constant<'t>(source: &'t str, at: usize, texts: &mut SharedTexts<'t>) -> Option<(Value, usize)> {
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

/// Where one statement lies in the text, and where it nests too deeply.
struct Chunk {
    start: usize,
    end: usize,
    too_deep: Option<usize>,
}

/// Cuts the text after each statement-ending `.`, one statement at a
/// time (a file of a million facts is not held as a list of pieces). A
/// trailing piece that holds more than blanks and comments is a chunk of
/// its own (pest will report the missing `.`). Strings end at a newline,
/// so an unclosed quote spoils one line, not the rest of the file.
fn split_statements(text: &str) -> Chunks<'_> {
    Chunks {
        bytes: text.as_bytes(),
        at: 0,
    }
}

/// The iterator [`split_statements`] returns.
struct Chunks<'t> {
    bytes: &'t [u8],
    /// Where the next statement starts.
    at: usize,
}

impl Iterator for Chunks<'_> {
    type Item = Chunk;

    fn next(&mut self) -> Option<Chunk> {
        let bytes = self.bytes;
        let start = self.at;
        let (mut depth, mut too_deep, mut meaningful) = (0usize, None, false);
        let mut i = start;
        while i < bytes.len() {
            // Most bytes are none of those below: one table look each.
            if !SPLIT_BYTES[usize::from(bytes[i])] {
                meaningful |= !bytes[i].is_ascii_whitespace();
                i += 1;
                continue;
            }
            match bytes[i] {
                b'#' => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'"' => {
                    meaningful = true;
                    i += 1;
                    while i < bytes.len() && !matches!(bytes[i], b'"' | b'\n') {
                        i += if bytes[i] == b'\\' { 2 } else { 1 };
                    }
                }
                b'(' | b'{' => {
                    meaningful = true;
                    depth += 1;
                    if depth > MAX_NESTING && too_deep.is_none() {
                        too_deep = Some(i);
                    }
                }
                b')' | b'}' => {
                    meaningful = true;
                    depth = depth.saturating_sub(1);
                }
                b'.' if !is_decimal_point(bytes, i) => {
                    self.at = i + 1;
                    return Some(Chunk {
                        start,
                        end: i + 1,
                        too_deep,
                    });
                }
                b if !b.is_ascii_whitespace() => meaningful = true,
                _ => {}
            }
            i += 1;
        }
        self.at = bytes.len();
        meaningful.then_some(Chunk {
            start,
            end: bytes.len(),
            too_deep,
        })
    }
}

/// The bytes [`split_statements`] looks at.
const SPLIT_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = matches!(i as u8, b'#' | b'"' | b'(' | b'{' | b')' | b'}' | b'.');
        i += 1;
    }
    table
};

fn is_decimal_point(bytes: &[u8], i: usize) -> bool {
    i > 0 && bytes[i - 1].is_ascii_digit() && bytes.get(i + 1).is_some_and(|b| b.is_ascii_digit())
}

/// Turns a pest error into a diagnostic that names what was expected.
fn syntax_error(e: pest::error::Error<Rule>, base: usize, source: &str) -> ParseError {
    let len = source.len();
    let (at, expected) = match (&e.location, &e.variant) {
        (pest::error::InputLocation::Pos(p), v) | (pest::error::InputLocation::Span((p, _)), v) => {
            let expected = match v {
                pest::error::ErrorVariant::ParsingError { positives, .. } => {
                    describe_expected(positives)
                }
                pest::error::ErrorVariant::CustomError { message } => message.clone(),
            };
            (*p, expected)
        }
    };
    let at = at.min(len);
    let rest = &source[at..];
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
fn string_error(rest: &str, at: usize) -> ParseError {
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

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn describe_expected(rules: &[Rule]) -> String {
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
fn rule_name(r: Rule) -> Option<&'static str> {
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
        _ => return None,
    })
}

/// Builds AST nodes from pest pairs, recording value errors as it goes.
struct AstBuilder<'e> {
    base: usize,
    errors: &'e mut Vec<ParseError>,
    /// Literals built so far in this statement.
    literals: usize,
}

impl AstBuilder<'_> {
    fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.base + s.start(), self.base + s.end())
    }

    fn statement(mut self, pair: Pair<Rule>) -> Statement {
        let span = self.span(&pair);
        let kind = pair.as_rule();
        let mut inner = pair.into_inner().filter(|p| is_content(p.as_rule()));
        match kind {
            Rule::include => Statement::Include(Include {
                path: unescape(inner.next().map_or("\"\"", |p| p.as_str())),
                span,
            }),
            Rule::import => {
                let predicate = self.name(inner.next());
                let mut columns = None;
                let mut path = String::new();
                let mut valid = None;
                for p in inner {
                    match p.as_rule() {
                        Rule::columns => {
                            columns = Some(
                                p.into_inner()
                                    .filter(|c| c.as_rule() == Rule::column)
                                    .map(|c| self.column(c))
                                    .collect(),
                            )
                        }
                        Rule::valid_columns => valid = Some(self.valid_columns(p)),
                        _ => path = unescape(p.as_str()),
                    }
                }
                Statement::Import(Import {
                    predicate,
                    columns,
                    path,
                    valid,
                    span,
                })
            }
            Rule::query => {
                let mut body = Vec::new();
                let mut at = None;
                for p in inner {
                    match p.as_rule() {
                        Rule::body => body = self.body(p),
                        _ => at = self.times(p).first().copied(),
                    }
                }
                Statement::Query(Query { body, at, span })
            }
            _ => {
                let head = self.atom(inner.next().expect("a rule has a head"));
                let mut when = None;
                let mut body = Vec::new();
                for p in inner {
                    match p.as_rule() {
                        Rule::validity => when = self.when(p).map(Box::new),
                        _ => body = self.body(p),
                    }
                }
                Statement::Rule(Rule_ { head, body, span }, when)
            }
        }
    }

    /// `since T`, `from T to T`, `in T` or `until T`; `None` after an
    /// error (a time point that does not fit 64 bits).
    fn when(&mut self, pair: Pair<Rule>) -> Option<When> {
        let span = self.span(&pair);
        let form = pair.into_inner().next().expect("a validity has a form");
        let kind = form.as_rule();
        let times = self.times(form);
        let (from, to) = match (kind, times.as_slice()) {
            (Rule::since, [(t, _)]) => (*t, NEVER_AFTER),
            (Rule::until, [(t, _)]) => (NEVER_BEFORE, *t),
            (Rule::in_time, [(t, _)]) => (*t, *t),
            (Rule::from_to, [(a, _), (b, _)]) => (*a, *b),
            _ => return None,
        };
        Some(When { from, to, span })
    }

    /// The time points written inside `pair`, each with its place; a
    /// point that does not fit 64 bits is an error, left out.
    fn times(&mut self, pair: Pair<Rule>) -> Vec<(Time, Span)> {
        let mut times = Vec::new();
        for p in pair.into_inner().filter(|p| p.as_rule() == Rule::time) {
            let span = self.span(&p);
            match p.as_str().parse::<Time>() {
                Ok(t) => times.push((t, span)),
                Err(_) => self.errors.push(ParseError::NumberTooLarge { span }),
            }
        }
        times
    }

    fn valid_columns(&mut self, pair: Pair<Rule>) -> ValidColumns {
        let span = self.span(&pair);
        let mut valid = ValidColumns {
            from: None,
            to: None,
            open: None,
            span,
        };
        let mut after = Rule::kw_valid;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::kw_from | Rule::kw_to | Rule::kw_open => after = p.as_rule(),
                Rule::column if after == Rule::kw_from => valid.from = Some(self.column(p)),
                Rule::column => valid.to = Some(self.column(p)),
                r if is_term(r) => {
                    let span = self.span(&p);
                    if let Term::Const(v, _) = self.term(p) {
                        valid.open = Some((v, span));
                    }
                }
                _ => {}
            }
        }
        valid
    }

    fn name(&self, pair: Option<Pair<Rule>>) -> Name {
        let pair = pair.expect("the grammar requires a name here");
        Name {
            text: pair.as_str().into(),
            span: self.span(&pair),
        }
    }

    fn column(&self, pair: Pair<Rule>) -> Name {
        let span = self.span(&pair);
        let text = pair.as_str();
        let text = if text.starts_with('"') {
            unescape(text)
        } else {
            text.to_string()
        };
        Name {
            text: text.into(),
            span,
        }
    }

    fn body(&mut self, pair: Pair<Rule>) -> Vec<Literal> {
        pair.into_inner()
            .filter(|p| is_content(p.as_rule()))
            .map(|p| self.literal(p))
            .collect()
    }

    fn literal(&mut self, pair: Pair<Rule>) -> Literal {
        let span = self.span(&pair);
        self.literals += 1;
        if self.literals == MAX_LITERALS + 1 {
            self.errors.push(ParseError::TooLong { span });
        }
        match pair.as_rule() {
            Rule::atom => Literal::Positive(self.atom(pair)),
            Rule::negative => {
                let atom = pair.into_inner().find(|p| p.as_rule() == Rule::atom);
                Literal::Negative(self.atom(atom.expect("`not` is followed by an atom")))
            }
            Rule::comparison => {
                let mut inner = pair.into_inner();
                let left = self.expr(inner.next().expect("left operand"));
                let op = compare_op(inner.next().expect("operator").as_str());
                let right = self.expr(inner.next().expect("right operand"));
                Literal::Compare(Comparison {
                    left,
                    op,
                    right,
                    span,
                })
            }
            _ => self.aggregate(pair, span),
        }
    }

    fn aggregate(&mut self, pair: Pair<Rule>, span: Span) -> Literal {
        let mut result = None;
        let mut function = AggregateFn::Count;
        let mut target = None;
        let mut body = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::variable if result.is_none() => {
                    result = Some(Var {
                        name: p.as_str().to_string(),
                        span: self.span(&p),
                    })
                }
                Rule::count_fn | Rule::value_fn => {
                    function = match p.as_str() {
                        "sum" => AggregateFn::Sum,
                        "min" => AggregateFn::Min,
                        "max" => AggregateFn::Max,
                        _ => AggregateFn::Count,
                    }
                }
                Rule::body => body = self.body(p),
                r if is_term(r) => target = Some(self.term(p)),
                _ => {}
            }
        }
        Literal::Aggregate(Aggregate {
            result: result.expect("an aggregate starts with its result variable"),
            function,
            target,
            body,
            span,
        })
    }

    fn atom(&mut self, pair: Pair<Rule>) -> Atom {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().filter(|p| is_content(p.as_rule()));
        let predicate = self.name(inner.next());
        let args = inner.map(|p| self.term(p)).collect();
        Atom {
            predicate,
            args,
            span,
        }
    }

    /// `a op b op c ...` with `* / %` binding tighter than `+ -`, both left
    /// associative; built without recursion over the operator chain.
    fn expr(&mut self, pair: Pair<Rule>) -> Expr {
        let span = self.span(&pair);
        let mut operands = Vec::new();
        let mut ops = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::arith_op => ops.push(arith_op(p.as_str())),
                Rule::expr => operands.push(self.expr(p)),
                Rule::negated => operands.push(self.negated(p)),
                r if is_term(r) => operands.push(Expr::Term(self.term(p))),
                _ => {}
            }
        }
        if ops.len() > MAX_EXPR_DEPTH {
            let span = Span::new(span.start, span.start + 1);
            self.errors.push(ParseError::TooDeep { span });
            return Expr::Term(Term::Wildcard(span));
        }
        let mut operands = operands.into_iter().map(|e| {
            let d = depth_of(&e);
            (e, d)
        });
        let mut products = vec![operands.next().expect("an expression has an operand")];
        let mut additions = Vec::new();
        for (op, rhs) in ops.into_iter().zip(operands) {
            if op.precedence() == 2 {
                let lhs = products.pop().expect("a product to extend");
                products.push(binary(op, lhs, rhs));
            } else {
                additions.push(op);
                products.push(rhs);
            }
        }
        let mut products = products.into_iter();
        let mut acc = products.next().expect("at least one product");
        for (op, rhs) in additions.into_iter().zip(products) {
            acc = binary(op, acc, rhs);
        }
        let (expr, depth) = acc;
        if depth > MAX_EXPR_DEPTH {
            self.errors.push(ParseError::TooDeep { span });
            return Expr::Term(Term::Wildcard(span));
        }
        expr
    }

    /// `-operand`.
    fn negated(&mut self, pair: Pair<Rule>) -> Expr {
        let span = self.span(&pair);
        let inner = pair.into_inner().find(|p| is_content(p.as_rule()));
        let operand = match inner {
            Some(p) if p.as_rule() == Rule::expr => self.expr(p),
            Some(p) => Expr::Term(self.term(p)),
            None => Expr::Term(Term::Wildcard(span)),
        };
        Expr::Neg {
            operand: Box::new(operand),
            span,
        }
    }

    fn term(&mut self, pair: Pair<Rule>) -> Term {
        let span = self.span(&pair);
        let text = pair.as_str();
        match pair.as_rule() {
            Rule::variable => Term::Var(Var {
                name: text.to_string(),
                span,
            }),
            Rule::wildcard => Term::Wildcard(span),
            Rule::string => Term::Const(Value::Str(unescape(text).into()), span),
            Rule::symbol => Term::Const(Value::Str(text.into()), span),
            _ => {
                let value = if text.contains('.') {
                    text.parse::<f64>().ok().and_then(Value::decimal)
                } else {
                    text.parse::<i64>().ok().map(Value::Int)
                };
                match value {
                    Some(v) => Term::Const(v, span),
                    None => {
                        self.errors.push(ParseError::NumberTooLarge { span });
                        Term::Wildcard(span)
                    }
                }
            }
        }
    }
}

// `Rule` is both pest's rule enum and our AST node; the alias keeps them apart.
use crate::ast::Rule as Rule_;

fn binary(op: ArithOp, (l, dl): (Expr, usize), (r, dr): (Expr, usize)) -> (Expr, usize) {
    let span = l.span().to(r.span());
    (
        Expr::Binary {
            op,
            left: Box::new(l),
            right: Box::new(r),
            span,
        },
        dl.max(dr) + 1,
    )
}

/// Depth of an operand; a parenthesised one was already bounded by its own
/// `expr` call, so this recursion is too.
fn depth_of(e: &Expr) -> usize {
    match e {
        Expr::Term(_) => 0,
        Expr::Binary { left, right, .. } => 1 + depth_of(left).max(depth_of(right)),
        Expr::Neg { operand, .. } => 1 + depth_of(operand),
    }
}

fn is_term(r: Rule) -> bool {
    matches!(
        r,
        Rule::variable | Rule::wildcard | Rule::number | Rule::string | Rule::symbol
    )
}

/// Punctuation and keywords carry no content once parsed.
fn is_content(r: Rule) -> bool {
    !matches!(
        r,
        Rule::dot
            | Rule::open
            | Rule::close
            | Rule::comma
            | Rule::colon
            | Rule::equals
            | Rule::open_brace
            | Rule::close_brace
            | Rule::turnstile
            | Rule::query_mark
            | Rule::kw_if
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
            | Rule::minus
            | Rule::EOI
    )
}

fn compare_op(text: &str) -> CompareOp {
    match text {
        "!=" => CompareOp::Ne,
        "<" => CompareOp::Lt,
        "<=" => CompareOp::Le,
        ">" => CompareOp::Gt,
        ">=" => CompareOp::Ge,
        _ => CompareOp::Eq,
    }
}

fn arith_op(text: &str) -> ArithOp {
    match text {
        "-" => ArithOp::Sub,
        "*" => ArithOp::Mul,
        "/" => ArithOp::Div,
        "%" => ArithOp::Rem,
        _ => ArithOp::Add,
    }
}

/// The text of a quoted string, escapes resolved (the grammar admits only
/// `\" \\ \n \t`).
fn unescape(quoted: &str) -> String {
    let inner = quoted
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(quoted);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
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
