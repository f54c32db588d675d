//! The syntax tree built from pest's pairs, with the value errors
//! (numbers out of range, bad escapes, nesting too deep) found on the way.

use pest::iterators::Pair;

use crate::ast::Rule as Rule_;
use crate::ast::*;
use crate::error::ParseError;
use crate::source::Span;
use crate::time::{Time, NEVER_AFTER, NEVER_BEFORE};
use crate::value::Value;

use super::grammar::Rule;
use super::{MAX_EXPR_DEPTH, MAX_LITERALS};

/// Builds AST nodes from pest pairs, recording value errors as it goes.
pub(super) struct AstBuilder<'e> {
    pub(super) base: usize,
    pub(super) errors: &'e mut Vec<ParseError>,
    /// Literals built so far in this statement.
    pub(super) literals: usize,
}

impl AstBuilder<'_> {
    pub(super) fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.base + s.start(), self.base + s.end())
    }

    pub(super) fn statement(mut self, pair: Pair<Rule>) -> Statement {
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
                let mut source = None;
                for p in inner {
                    match p.as_rule() {
                        Rule::import_source => source = Some(self.name(p.into_inner().nth(1))),
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
                    source,
                    span,
                })
            }
            Rule::source => {
                let name = self.name(inner.next());
                let citation = unescape(inner.next().map_or("\"\"", |p| p.as_str()));
                let covers = inner.next().and_then(|p| {
                    let span = self.span(&p);
                    match self.times(p).as_slice() {
                        [(from, _), (to, _)] => Some(When {
                            from: *from,
                            to: *to,
                            span,
                        }),
                        _ => None,
                    }
                });
                Statement::Source(SourceDecl {
                    name,
                    citation,
                    covers,
                    span,
                })
            }
            Rule::section => Statement::Section(Section {
                source: self.name(inner.next()),
                span,
            }),
            Rule::constraint => {
                let body = inner.next().map_or_else(Vec::new, |p| self.body(p));
                Statement::Constraint(Query {
                    body,
                    at: None,
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
    pub(super) fn when(&mut self, pair: Pair<Rule>) -> Option<When> {
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
    pub(super) fn times(&mut self, pair: Pair<Rule>) -> Vec<(Time, Span)> {
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

    pub(super) fn valid_columns(&mut self, pair: Pair<Rule>) -> ValidColumns {
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

    pub(super) fn name(&self, pair: Option<Pair<Rule>>) -> Name {
        let pair = pair.expect("the grammar requires a name here");
        Name {
            text: pair.as_str().into(),
            span: self.span(&pair),
        }
    }

    pub(super) fn column(&self, pair: Pair<Rule>) -> Name {
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

    pub(super) fn body(&mut self, pair: Pair<Rule>) -> Vec<Literal> {
        pair.into_inner()
            .filter(|p| is_content(p.as_rule()))
            .map(|p| self.literal(p))
            .collect()
    }

    pub(super) fn literal(&mut self, pair: Pair<Rule>) -> Literal {
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

    pub(super) fn aggregate(&mut self, pair: Pair<Rule>, span: Span) -> Literal {
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

    pub(super) fn atom(&mut self, pair: Pair<Rule>) -> Atom {
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
    pub(super) fn expr(&mut self, pair: Pair<Rule>) -> Expr {
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
    pub(super) fn negated(&mut self, pair: Pair<Rule>) -> Expr {
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

    pub(super) fn term(&mut self, pair: Pair<Rule>) -> Term {
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

pub(super) fn binary(op: ArithOp, (l, dl): (Expr, usize), (r, dr): (Expr, usize)) -> (Expr, usize) {
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
pub(super) fn depth_of(e: &Expr) -> usize {
    match e {
        Expr::Term(_) => 0,
        Expr::Binary { left, right, .. } => 1 + depth_of(left).max(depth_of(right)),
        Expr::Neg { operand, .. } => 1 + depth_of(operand),
    }
}

pub(super) fn is_term(r: Rule) -> bool {
    matches!(
        r,
        Rule::variable | Rule::wildcard | Rule::number | Rule::string | Rule::symbol
    )
}

/// Punctuation and keywords carry no content once parsed.
pub(super) fn is_content(r: Rule) -> bool {
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
            | Rule::kw_source
            | Rule::kw_covers
            | Rule::kw_never
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

pub(super) fn compare_op(text: &str) -> CompareOp {
    match text {
        "!=" => CompareOp::Ne,
        "<" => CompareOp::Lt,
        "<=" => CompareOp::Le,
        ">" => CompareOp::Gt,
        ">=" => CompareOp::Ge,
        _ => CompareOp::Eq,
    }
}

pub(super) fn arith_op(text: &str) -> ArithOp {
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
pub(super) fn unescape(quoted: &str) -> String {
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
