//! The abstract syntax tree: plain data, every node with its [`Span`].
//!
//! In: nothing (the parser builds it). Out: a [`Module`] per source text.
//! `Display` prints the canonical form of every node, and parsing that form
//! gives back the same tree (up to spans): the round-trip tests rely on it.
//!
//! Why one file: the syntax tree's types and their small helpers
//! (visitors, names, the head's variables), which every stage after
//! parsing reads together.

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use crate::source::Span;
use crate::time::{Interval, Time};
use crate::value::Value;

/// The statements of one source text, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Module {
    /// Statements as written.
    pub statements: Vec<Statement>,
}

/// One statement, ended by `.`.
#[derive(Clone, Debug, PartialEq)]
pub enum Statement {
    /// `head.` or `head if body.` (a fact is a rule with an empty body),
    /// with when it holds if written (`since 2010`; the checker refuses it
    /// on a rule with premises). Kept beside the rule, not in it: most
    /// facts say nothing of time, and a large file of them should not pay
    /// for it (the program keeps validities by statement,
    /// `Program::validity`).
    Rule(Rule, Option<Box<When>>),
    /// `? body.`
    Query(Query),
    /// `include "file".`
    Include(Include),
    /// `import p(cols) from "file".`
    Import(Import),
    /// `source NAME "citation" covers T1 to T2.` (SPEC §14)
    Source(SourceDecl),
    /// `from NAME.`: the given facts after it, to the next such line of
    /// the same text, come from that source.
    Section(Section),
    /// `never body.` (or `:- body.`): an integrity constraint.
    Constraint(Query),
}

impl Statement {
    /// The whole statement's place in the source.
    pub fn span(&self) -> Span {
        match self {
            Statement::Rule(r, _) => r.span,
            Statement::Query(q) => q.span,
            Statement::Include(i) => i.span,
            Statement::Import(i) => i.span,
            Statement::Source(s) => s.span,
            Statement::Section(s) => s.span,
            Statement::Constraint(c) => c.span,
        }
    }
}

/// `from NAME.`: a section of a text whose given facts come from a source.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// The source.
    pub source: Name,
    /// The whole statement.
    pub span: Span,
}

/// `source NAME "citation" covers T1 to T2.`: where facts come from, and
/// the time points that source speaks of (SPEC §14).
#[derive(Clone, Debug, PartialEq)]
pub struct SourceDecl {
    /// The name facts and imports cite it by.
    pub name: Name,
    /// How to cite it.
    pub citation: String,
    /// The time points it covers, if it says (outside them its facts are
    /// unknown, not absent); the ends as written, and where.
    pub covers: Option<When>,
    /// The whole statement.
    pub span: Span,
}

/// `head if body.`; a fact when the body is empty.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// The conclusion.
    pub head: Atom,
    /// The premises; empty for a fact.
    pub body: Vec<Literal>,
    /// The whole statement, `.` included.
    pub span: Span,
}

/// A fact's validity as written: `since T`, `from T to T`, `in T` or
/// `until T` (SPEC §10).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct When {
    /// The first and last time points, as written (the checker refuses an
    /// end before the start).
    pub from: Time,
    /// See `from`.
    pub to: Time,
    /// The words and numbers.
    pub span: Span,
}

impl When {
    /// The interval, unless it ends before it starts.
    pub fn interval(&self) -> Option<Interval> {
        Interval::new(self.from, self.to)
    }
}

impl Rule {
    /// A fact is a rule without premises.
    pub fn is_fact(&self) -> bool {
        self.body.is_empty()
    }
}

/// `? body.` or `? body at T.`
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// The goal literals.
    pub body: Vec<Literal>,
    /// The time point asked about, and where it is written.
    pub at: Option<(Time, Span)>,
    /// The whole statement.
    pub span: Span,
}

/// `include "path".`
#[derive(Clone, Debug, PartialEq)]
pub struct Include {
    /// The path as written, relative to the including file.
    pub path: String,
    /// The whole statement.
    pub span: Span,
}

/// `import pred from "path".` or `import pred(col, ...) from "path".`
#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    /// The predicate the rows become facts of.
    pub predicate: Name,
    /// Header columns to pick, in order; `None` takes every column of a
    /// file without a header.
    pub columns: Option<Vec<Name>>,
    /// The path as written, relative to the importing file.
    pub path: String,
    /// The columns that say when each row holds, if any.
    pub valid: Option<ValidColumns>,
    /// The source its rows come from (`source NAME`), if it says.
    pub source: Option<Name>,
    /// The whole statement.
    pub span: Span,
}

/// `valid from COL to COL open V`: the header columns of a row's first and
/// last time points (either may be left out: no bound), and a value that,
/// like an empty field, means no bound (ATOP's `0` for "still in force").
#[derive(Clone, Debug, PartialEq)]
pub struct ValidColumns {
    /// The column of the first time point.
    pub from: Option<Name>,
    /// The column of the last time point.
    pub to: Option<Name>,
    /// The value that means "no bound", and where it is written.
    pub open: Option<(Value, Span)>,
    /// The whole clause.
    pub span: Span,
}

/// A name with its place: a predicate or an import column.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Name {
    /// The text, shared: a file of many facts names a few predicates many
    /// times.
    pub text: Arc<str>,
    /// Where it was written.
    pub span: Span,
}

/// `p(t1, ..., tn)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Atom {
    /// Predicate name.
    pub predicate: Name,
    /// Arguments.
    pub args: Vec<Term>,
    /// The whole atom.
    pub span: Span,
}

/// A body literal.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// `p(...)`
    Positive(Atom),
    /// `not p(...)`
    Negative(Atom),
    /// `E1 op E2`; `V = E` with `V` unbound is an assignment, decided by the
    /// checker, which knows what is bound.
    Compare(Comparison),
    /// `V = f X : { body }`
    Aggregate(Aggregate),
}

impl Literal {
    /// The literal's place in the source.
    pub fn span(&self) -> Span {
        match self {
            Literal::Positive(a) | Literal::Negative(a) => a.span,
            Literal::Compare(c) => c.span,
            Literal::Aggregate(a) => a.span,
        }
    }
}

/// `left op right`.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// Left operand.
    pub left: Expr,
    /// The comparison operator.
    pub op: CompareOp,
    /// Right operand.
    pub right: Expr,
    /// The whole literal.
    pub span: Span,
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompareOp {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CompareOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Eq => "=",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        }
    }
}

/// `result = function target : { body }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Aggregate {
    /// The variable that receives the result.
    pub result: Var,
    /// `count`, `sum`, `min` or `max`.
    pub function: AggregateFn,
    /// The aggregated term (`None` for `count`).
    pub target: Option<Term>,
    /// The inner body.
    pub body: Vec<Literal>,
    /// The whole literal.
    pub span: Span,
}

/// Aggregate functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AggregateFn {
    /// Number of distinct bindings.
    Count,
    /// Sum of the target over distinct bindings.
    Sum,
    /// Least target value.
    Min,
    /// Greatest target value.
    Max,
}

impl AggregateFn {
    /// The function's keyword.
    pub fn name(self) -> &'static str {
        match self {
            AggregateFn::Count => "count",
            AggregateFn::Sum => "sum",
            AggregateFn::Min => "min",
            AggregateFn::Max => "max",
        }
    }
}

/// Arithmetic expressions.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A variable or constant.
    Term(Term),
    /// `left op right`.
    Binary {
        /// The operator.
        op: ArithOp,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
        /// The whole expression.
        span: Span,
    },
    /// `-operand`.
    Neg {
        /// What is negated.
        operand: Box<Expr>,
        /// The whole expression.
        span: Span,
    },
}

impl Expr {
    /// The expression's place in the source.
    pub fn span(&self) -> Span {
        match self {
            Expr::Term(t) => t.span(),
            Expr::Binary { span, .. } | Expr::Neg { span, .. } => *span,
        }
    }

    /// Calls `f` on every term, left to right.
    pub fn for_each_term<'a>(&'a self, f: &mut impl FnMut(&'a Term)) {
        match self {
            Expr::Term(t) => f(t),
            Expr::Binary { left, right, .. } => {
                left.for_each_term(f);
                right.for_each_term(f);
            }
            Expr::Neg { operand, .. } => operand.for_each_term(f),
        }
    }

    /// The variable, when the whole expression is one.
    pub fn as_var(&self) -> Option<&Var> {
        match self {
            Expr::Term(Term::Var(v)) => Some(v),
            _ => None,
        }
    }
}

/// Arithmetic operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/` (integers truncate toward zero)
    Div,
    /// `%` (sign of the dividend)
    Rem,
}

impl ArithOp {
    /// The operator as written.
    pub fn symbol(self) -> char {
        match self {
            ArithOp::Add => '+',
            ArithOp::Sub => '-',
            ArithOp::Mul => '*',
            ArithOp::Div => '/',
            ArithOp::Rem => '%',
        }
    }

    /// Binding strength: `* / %` bind tighter than `+ -`.
    pub fn precedence(self) -> u8 {
        match self {
            ArithOp::Add | ArithOp::Sub => 1,
            ArithOp::Mul | ArithOp::Div | ArithOp::Rem => 2,
        }
    }
}

/// A term: variable, wildcard or constant.
#[derive(Clone, Debug, PartialEq)]
pub enum Term {
    /// A named variable, `X` or `_X`.
    Var(Var),
    /// `_`: a fresh variable at each occurrence.
    Wildcard(Span),
    /// A symbol, string or number.
    Const(Value, Span),
}

impl Term {
    /// The term's place in the source.
    pub fn span(&self) -> Span {
        match self {
            Term::Var(v) => v.span,
            Term::Wildcard(s) | Term::Const(_, s) => *s,
        }
    }
}

/// A named variable occurrence.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Var {
    /// The name.
    pub name: String,
    /// This occurrence.
    pub span: Span,
}

impl Var {
    /// `_Name` variables are named but declared unimportant: no singleton
    /// warning.
    pub fn is_anonymous(&self) -> bool {
        self.name.starts_with('_')
    }
}

// ---- canonical printing -------------------------------------------------

impl fmt::Display for Module {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.statements {
            writeln!(f, "{s}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Statement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Statement::Rule(r, when) => write!(f, "{}", r.with_validity(when.as_deref())),
            Statement::Query(q) => write!(f, "{q}"),
            Statement::Include(i) => {
                write!(
                    f,
                    "include {}.",
                    Value::Str(i.path.as_str().into()).quoted()
                )
            }
            Statement::Import(i) => write!(f, "{i}"),
            Statement::Source(s) => {
                write!(f, "source {} {}", s.name.text, Value::Str(s.citation.as_str().into()).quoted())?;
                if let Some(covers) = &s.covers {
                    write!(f, " covers {} to {}", covers.from, covers.to)?;
                }
                write!(f, ".")
            }
            Statement::Section(s) => write!(f, "from {}.", s.source.text),
            Statement::Constraint(c) => {
                write!(f, "never ")?;
                write_body(f, &c.body)?;
                write!(f, ".")
            }
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.with_validity(None))
    }
}

/// A rule printed with its validity (`p(a) since 2010.`).
pub struct WithValidity<'a> {
    rule: &'a Rule,
    when: Option<&'a When>,
}

impl Rule {
    /// The rule in canonical form with `when` after its head.
    pub fn with_validity<'a>(&'a self, when: Option<&'a When>) -> WithValidity<'a> {
        WithValidity { rule: self, when }
    }
}

impl fmt::Display for WithValidity<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.rule.head)?;
        if let Some(when) = self.when {
            write!(f, " {}", When::words(when.from, when.to))?;
        }
        if !self.rule.body.is_empty() {
            write!(f, " if ")?;
            write_body(f, &self.rule.body)?;
        }
        write!(f, ".")
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "? ")?;
        write_body(f, &self.body)?;
        if let Some((t, _)) = self.at {
            write!(f, " at {t}")?;
        }
        write!(f, ".")
    }
}

impl fmt::Display for Import {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "import {}", self.predicate.text)?;
        if let Some(columns) = &self.columns {
            write!(f, "(")?;
            for (i, c) in columns.iter().enumerate() {
                if i > 0 {
                    write!(f, ", ")?;
                }
                write!(f, "{}", column_text(&c.text))?;
            }
            write!(f, ")")?;
        }
        write!(
            f,
            " from {}",
            Value::Str(self.path.as_str().into()).quoted()
        )?;
        if let Some(source) = &self.source {
            write!(f, " source {}", source.text)?;
        }
        if let Some(valid) = &self.valid {
            write!(f, " valid")?;
            if let Some(from) = &valid.from {
                write!(f, " from {}", column_text(&from.text))?;
            }
            if let Some(to) = &valid.to {
                write!(f, " to {}", column_text(&to.text))?;
            }
            if let Some((v, _)) = &valid.open {
                write!(f, " open {v}")?;
            }
        }
        write!(f, ".")
    }
}

/// A column name as written: bare when it can be, quoted otherwise.
fn column_text(text: &str) -> String {
    let bare = text.starts_with(|ch: char| ch.is_ascii_alphabetic() || ch == '_')
        && text
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '_');
    if bare {
        text.to_string()
    } else {
        Value::Str(text.into()).quoted().to_string()
    }
}

impl When {
    /// The words of a validity from `from` to `to`, as the canonical form
    /// writes them: the written ends, even an inverted pair (the checker
    /// reports those), so that printing keeps what was read.
    pub fn words(from: Time, to: Time) -> String {
        match Interval::new(from, to) {
            Some(i) if !i.is_always() => i.to_string(),
            _ => format!("from {from} to {to}"),
        }
    }
}

fn write_body(f: &mut fmt::Formatter<'_>, body: &[Literal]) -> fmt::Result {
    for (i, literal) in body.iter().enumerate() {
        if i > 0 {
            write!(f, " and ")?;
        }
        write!(f, "{literal}")?;
    }
    Ok(())
}

impl fmt::Display for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.predicate.text)?;
        if !self.args.is_empty() {
            write!(f, "(")?;
            for (i, t) in self.args.iter().enumerate() {
                if i > 0 {
                    write!(f, ", ")?;
                }
                write!(f, "{t}")?;
            }
            write!(f, ")")?;
        }
        Ok(())
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Positive(a) => write!(f, "{a}"),
            Literal::Negative(a) => write!(f, "not {a}"),
            Literal::Compare(c) => write!(f, "{} {} {}", c.left, c.op.symbol(), c.right),
            Literal::Aggregate(a) => {
                write!(f, "{} = {}", a.result.name, a.function.name())?;
                if let Some(t) = &a.target {
                    write!(f, " {t}")?;
                }
                write!(f, " : {{ ")?;
                write_body(f, &a.body)?;
                write!(f, " }}")
            }
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Term(t) => write!(f, "{t}"),
            Expr::Binary {
                op, left, right, ..
            } => {
                // Parenthesise exactly where precedence or left associativity
                // would otherwise regroup the tree.
                let wrap_left = matches!(**left, Expr::Binary { op: l, .. } if l.precedence() < op.precedence());
                let wrap_right = matches!(**right, Expr::Binary { op: r, .. } if r.precedence() <= op.precedence());
                write_operand(f, left, wrap_left)?;
                write!(f, " {} ", op.symbol())?;
                write_operand(f, right, wrap_right)
            }
            Expr::Neg { operand, .. } => {
                write!(f, "-")?;
                // `- -1` would read as subtraction; a binary operand needs
                // its parentheses.
                let wrap = !matches!(**operand, Expr::Term(Term::Var(_)))
                    && !matches!(**operand, Expr::Term(Term::Const(Value::Str(_), _)));
                write_operand(f, operand, wrap)
            }
        }
    }
}

fn write_operand(f: &mut fmt::Formatter<'_>, e: &Expr, wrap: bool) -> fmt::Result {
    if wrap {
        write!(f, "({e})")
    } else {
        write!(f, "{e}")
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Term::Var(v) => write!(f, "{}", v.name),
            Term::Wildcard(_) => write!(f, "_"),
            Term::Const(c, _) => write!(f, "{c}"),
        }
    }
}

// ---- traversals ---------------------------------------------------------

/// How an atom occurs in a body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Occurrence {
    /// A positive literal of the body itself.
    Positive,
    /// Under `not`.
    Negated,
    /// Inside an aggregate's body.
    Aggregated,
}

/// Calls `f(atom, occurrence)` on every atom of a body, inside aggregates
/// too. Negated and aggregated atoms need their predicate complete before
/// the literal is evaluated; that is what stratification is about.
#[inline]
pub fn for_each_atom<'a>(body: &'a [Literal], f: &mut impl FnMut(&'a Atom, Occurrence)) {
    // A fact's body is empty: no call for the bulk of a large file.
    if body.is_empty() {
        return;
    }
    fn walk<'a>(
        body: &'a [Literal],
        inside: Option<Occurrence>,
        f: &mut impl FnMut(&'a Atom, Occurrence),
    ) {
        for literal in body {
            match literal {
                Literal::Positive(a) => f(a, inside.unwrap_or(Occurrence::Positive)),
                Literal::Negative(a) => f(a, inside.unwrap_or(Occurrence::Negated)),
                Literal::Compare(_) => {}
                Literal::Aggregate(agg) => walk(&agg.body, Some(Occurrence::Aggregated), f),
            }
        }
    }
    walk(body, None, f)
}

impl Literal {
    /// Calls `f` on every named variable of the literal, inside aggregates
    /// too (the result variable first).
    pub fn for_each_var<'a>(&'a self, f: &mut impl FnMut(&'a Var)) {
        let mut on_term = |t: &'a Term| {
            if let Term::Var(v) = t {
                f(v)
            }
        };
        match self {
            Literal::Positive(a) | Literal::Negative(a) => a.args.iter().for_each(on_term),
            Literal::Compare(c) => {
                c.left.for_each_term(&mut on_term);
                c.right.for_each_term(&mut on_term);
            }
            Literal::Aggregate(agg) => {
                f(&agg.result);
                if let Some(Term::Var(v)) = &agg.target {
                    f(v);
                }
                agg.body.iter().for_each(|l| l.for_each_var(f));
            }
        }
    }
}

/// The body with each `_` of a positive atom named `#n`, so that the
/// join binds the value it matched and the premise can be shown.
pub fn name_wildcards(body: &[Literal]) -> Vec<Literal> {
    let mut n = 0;
    body.iter()
        .map(|literal| match literal {
            Literal::Positive(atom) => {
                let mut atom = atom.clone();
                for t in &mut atom.args {
                    if let Term::Wildcard(span) = t {
                        n += 1;
                        *t = Term::Var(Var {
                            name: format!("#{n}"),
                            span: *span,
                        });
                    }
                }
                Literal::Positive(atom)
            }
            other => other.clone(),
        })
        .collect()
}

/// An aggregate's group variables: those of its body that also occur in
/// the surrounding body outside any aggregate (a head variable must occur
/// there too, to be bound). Variables
/// shared only with another aggregate stay local to each (documented in
/// docs/language.md).
pub fn group_variables<'a>(agg: &'a Aggregate, body: &'a [Literal]) -> HashSet<&'a str> {
    let mut outer: HashSet<&str> = HashSet::new();
    for literal in body {
        match literal {
            Literal::Aggregate(other) => {
                outer.insert(&other.result.name);
            }
            other => other.for_each_var(&mut |v| {
                outer.insert(&v.name);
            }),
        }
    }
    inner_variables(agg)
        .into_iter()
        .map(|v| v.name.as_str())
        .filter(|name| outer.contains(name))
        .collect()
}

/// Named variables of an aggregate's body (not its result).
pub fn inner_variables(agg: &Aggregate) -> Vec<&Var> {
    let mut vars = Vec::new();
    for literal in &agg.body {
        literal.for_each_var(&mut |v| vars.push(v));
    }
    vars
}

/// The distinct variables of a rule's head, in order.
pub fn head_variables(rule: &Rule) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for t in &rule.head.args {
        if let Term::Var(v) = t {
            if !names.contains(&v.name.as_str()) {
                names.push(&v.name);
            }
        }
    }
    names
}
