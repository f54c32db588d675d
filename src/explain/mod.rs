//! Explanations: why a fact holds (a proof tree), and why one does not
//! (see [`why_not`]).
//!
//! In: the evaluated [`Database`](crate::eval::Database), the [`Program`] and its [`Sources`].
//! Out: plain data ([`Proof`], [`WhyNot`]) that the CLI prints and embedders
//! read. Nothing is re-run: evaluation stamps every fact with the round in
//! which it first appeared, so a proof of a derived fact is an instance of
//! one of its rules whose positive premises all appeared in earlier rounds.
//! The instance is found by the ordinary join, restricted to those older
//! facts; among the instances found, the one whose newest premise is oldest
//! is kept (the shallowest proof the rounds allow). Premises are proved the
//! same way, so every proof is well-founded: no fact proves itself.

mod json;
mod text;
pub mod why_not;

use std::collections::HashMap;

pub use crate::fact::Fact;

use crate::ast::{self, Expr, Literal, Term};
use crate::eval::{Missing, Origin, Reader};
use crate::intern::Id;
use crate::load::Program;
use crate::plan::{Bindings, PredId, QueryPlan};
use crate::source::{Sources, Span};
use crate::time::{Time, Validity};
use crate::value::Value;

pub use text::Indented;
pub(crate) use text::{bindings, place, when as premise_when};
pub use why_not::{Attempt, Failure, WhyNot};

/// Most proof nodes built for one explanation; deeper or wider proofs are
/// cut with [`Justification::Truncated`].
pub const MAX_NODES: usize = 2_000;
/// Most levels of one proof.
pub const MAX_DEPTH: usize = 64;
/// Most facts listed under one aggregate.
pub const MAX_LISTED: usize = 10;
/// Most rule instances compared when choosing the shallowest.
const MAX_CANDIDATES: usize = 256;

/// A place in the user's files, with the text there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// The file as the user named it.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// The statement as written, on one line (or the imported row).
    pub text: String,
    /// For a given fact, the source it comes from (SPEC §14: its file's
    /// `from NAME.` section, or its import's `source NAME`), if any.
    pub from: Option<Cited>,
}

/// A declared source, as a proof cites it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cited {
    /// Its name (`weitz2012`).
    pub name: String,
    /// How to cite it.
    pub citation: String,
    /// The time points it covers, if it says (SPEC §14).
    pub covers: Option<crate::time::Interval>,
}

impl Cited {
    /// The source called `name` as `program` declares it.
    pub fn named(program: &Program, name: &str) -> Cited {
        let declared = program.source_named(name);
        Cited {
            name: name.to_string(),
            citation: declared.map(|s| s.citation.clone()).unwrap_or_default(),
            covers: declared.and_then(|s| s.covers).and_then(|c| c.interval()),
        }
    }
}

impl std::fmt::Display for Cited {
    /// `atop ("ATOP 5.1"), which covers 1815 to 2018`, as a why-not
    /// names a source.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.name, Value::Str(self.citation.as_str().into()).quoted())?;
        if let Some(covers) = self.covers {
            write!(f, ", which covers {} to {}", covers.from, covers.to)?;
        }
        Ok(())
    }
}

/// Why a fact holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Proof {
    /// The fact.
    pub fact: Fact,
    /// The time point the proof is of, for a program that says when facts
    /// hold (SPEC §10): set on the root of the tree only.
    pub at: Option<Time>,
    /// When the fact holds, for a program that says when facts hold: set
    /// on every node.
    pub validity: Option<Validity>,
    /// How it holds.
    pub justification: Justification,
}

/// How a fact holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Justification {
    /// Written as a fact, or a row of an imported file.
    Given(Source),
    /// Derived by a rule.
    Derived(Box<Derivation>),
    /// The proof goes on, but past the size limits of one explanation.
    Truncated,
}

/// One rule application.
#[derive(Clone, Debug, PartialEq)]
pub struct Derivation {
    /// The rule, where it is written.
    pub rule: Source,
    /// Index of the rule in the program's rules (`Program::rules`).
    pub rule_index: usize,
    /// The rule's variables and their values, in order of appearance.
    pub bindings: Vec<(String, Value)>,
    /// The positive premises, each proved, in body order.
    pub premises: Vec<Proof>,
    /// The negated premises, checked absent (`_` where the rule had one).
    pub absent: Vec<String>,
    /// Comparisons and assignments, with their values.
    pub comparisons: Vec<String>,
    /// Aggregates with their results.
    pub aggregates: Vec<AggregateNote>,
}

/// An aggregate in a proof: its result and what it ranged over.
#[derive(Clone, Debug, PartialEq)]
pub struct AggregateNote {
    /// The literal with the group's values filled in.
    pub text: String,
    /// Its value.
    pub result: Value,
    /// Positive facts of the aggregate's body, per distinct binding, up to
    /// `MAX_LISTED`.
    pub facts: Vec<Fact>,
    /// How many distinct bindings were not listed.
    pub more: usize,
}

/// Builds proofs for one database.
pub struct Prover<'a> {
    /// The model (as `reader.db`), and the proof's own values.
    reader: Reader<'a>,
    program: &'a Program,
    sources: &'a Sources,
    /// Each rule's body planned with its head variables bound.
    plans: HashMap<usize, (Vec<Literal>, QueryPlan)>,
    nodes: usize,
}

impl<'a> Prover<'a> {
    /// A prover over an evaluated program.
    #[cfg(any(test, feature = "internal"))]
    pub fn new(db: &'a crate::eval::Database, program: &'a Program, sources: &'a Sources) -> Prover<'a> {
        Prover::reading(Reader::new(db), program, sources)
    }

    /// A prover that reads the model through `reader` (one made
    /// [`Reader::within`] a budget keeps to it: a proof stopped by it is
    /// partial, and [`Reader::stopped`] says so).
    pub fn reading(reader: Reader<'a>, program: &'a Program, sources: &'a Sources) -> Prover<'a> {
        Prover {
            reader,
            program,
            sources,
            plans: HashMap::new(),
            nodes: 0,
        }
    }

    /// The reader, to go on with (a why-not after a proof that was not
    /// found), its budget and what it spent kept.
    pub fn into_reader(self) -> Reader<'a> {
        self.reader
    }

    /// The proof of `fact`, or `None` when it does not hold; or what the
    /// model lacks to prove it (see [`Missing`]).
    pub fn prove(&mut self, fact: &Fact) -> Result<Option<Proof>, Missing> {
        let Some(pred) = self.reader.db.pred(&fact.predicate) else {
            return Ok(None);
        };
        let row: Option<Vec<Id>> = fact
            .args
            .iter()
            .map(|v| self.reader.db.names().get(v))
            .collect();
        let Some(row) = row else {
            return Ok(None);
        };
        if self.reader.db.find(pred, &row).is_none() {
            return Ok(None);
        }
        self.nodes = 0;
        self.proof(pred, &row, 0).map(Some)
    }

    fn proof(&mut self, pred: PredId, row: &[Id], depth: usize) -> Result<Proof, Missing> {
        self.nodes += 1;
        let fact = Fact {
            predicate: self.reader.db.predicate_name(pred).to_string(),
            args: self.reader.values(row),
        };
        let db = self.reader.db;
        let justification = match db.find(pred, row) {
            None => Justification::Truncated,
            Some(r) => match db.origin(pred, r) {
                Some(origin) => Justification::Given(self.origin_source(origin, &fact)),
                None if depth >= MAX_DEPTH || self.nodes >= MAX_NODES => Justification::Truncated,
                None => match self.best_instance(pred, row, db.round_of(pred, r))? {
                    Some((rule, slots)) => {
                        Justification::Derived(Box::new(self.derivation(rule, &slots, depth)?))
                    }
                    None => Justification::Truncated,
                },
            },
        };
        Ok(Proof {
            fact,
            at: None,
            validity: None,
            justification,
        })
    }

    /// The rule instance for `row` whose premises all precede `round`, with
    /// the oldest newest premise.
    fn best_instance(
        &mut self,
        pred: PredId,
        row: &[Id],
        round: u32,
    ) -> Result<Option<(usize, Vec<Id>)>, Missing> {
        let windows = self.reader.db.windows_before(round);
        let mut best: Option<(u32, usize, Vec<Id>)> = None;
        for i in self.reader.db.plan().rules_concluding(pred) {
            let Some(slots) = self.bind_head(i, row)? else {
                continue;
            };
            let (body, plan) = self.plans[&i].clone();
            let found = self.reader.matches(&plan, slots, &windows, MAX_CANDIDATES);
            for slots in found {
                let newest = self
                    .premise_rows(&body, &plan_vars(&self.plans[&i].1), &slots)
                    .iter()
                    .map(|&(p, r)| self.reader.db.round_of(p, r))
                    .max()
                    .unwrap_or(0);
                if best.as_ref().is_none_or(|(b, _, _)| newest < *b) {
                    best = Some((newest, i, slots));
                }
            }
        }
        Ok(best.map(|(_, rule, slots)| (rule, slots)))
    }

    /// Plans rule `i` (once) and binds its head to `row`; `None` when the
    /// head cannot match.
    fn bind_head(&mut self, i: usize, row: &[Id]) -> Result<Option<Vec<Id>>, Missing> {
        let rule = &self.program.rules[i];
        if !self.plans.contains_key(&i) {
            let head_plan = self.reader.plan_from_head(rule, Bindings::All)?;
            self.plans.insert(i, (head_plan.body, head_plan.plan));
        }
        let planned = self.reader.db.plan().rule(i);
        Ok(planned.and_then(|r| r.head_slots(row)))
    }

    /// The (predicate, row id) of each positive premise of an instance.
    fn premise_rows(
        &self,
        body: &[Literal],
        vars: &HashMap<String, usize>,
        slots: &[Id],
    ) -> Vec<(PredId, u32)> {
        let mut out = Vec::new();
        for literal in body {
            if let Literal::Positive(atom) = literal {
                let Some(pred) = self.reader.db.pred(&atom.predicate.text) else {
                    continue;
                };
                let row = self.instantiate(atom, vars, slots);
                if let Some(r) = row.and_then(|row| self.reader.db.find(pred, &row)) {
                    out.push((pred, r));
                }
            }
        }
        out
    }

    /// An atom's row under an instance (`None` if a value is unknown).
    fn instantiate(
        &self,
        atom: &ast::Atom,
        vars: &HashMap<String, usize>,
        slots: &[Id],
    ) -> Option<Vec<Id>> {
        atom.args
            .iter()
            .map(|t| match t {
                Term::Var(v) => vars.get(&v.name).map(|&s| slots[s]),
                Term::Const(c, _) => self.reader.db.names().get(c),
                Term::Wildcard(_) => None,
            })
            .collect()
    }

    fn derivation(&mut self, i: usize, slots: &[Id], depth: usize) -> Result<Derivation, Missing> {
        let (body, plan) = self.plans[&i].clone();
        let vars = plan_vars(&plan);
        let bindings: Vec<(String, Value)> = plan
            .variables
            .iter()
            .filter(|(n, _)| !n.starts_with('#'))
            .map(|(n, s)| (n.clone(), self.reader.value(slots[*s])))
            .collect();
        let values: HashMap<String, Value> = plan
            .variables
            .iter()
            .map(|(n, s)| (n.clone(), self.reader.value(slots[*s])))
            .collect();
        let mut derivation = Derivation {
            rule: self.rule_source(i),
            rule_index: i,
            bindings,
            premises: Vec::new(),
            absent: Vec::new(),
            comparisons: Vec::new(),
            aggregates: Vec::new(),
        };
        for literal in &body {
            match literal {
                Literal::Positive(atom) => {
                    let Some(pred) = self.reader.db.pred(&atom.predicate.text) else {
                        continue;
                    };
                    if let Some(row) = self.instantiate(atom, &vars, slots) {
                        let proof = self.proof(pred, &row, depth + 1)?;
                        derivation.premises.push(proof);
                    }
                }
                Literal::Negative(atom) => derivation.absent.push(substitute_atom(atom, &values)),
                Literal::Compare(c) => derivation.comparisons.push(format!(
                    "{} {} {}",
                    substitute(&c.left, &values),
                    c.op.symbol(),
                    substitute(&c.right, &values)
                )),
                Literal::Aggregate(agg) => {
                    let note = self.aggregate_note(agg, &body, &values)?;
                    derivation.aggregates.push(note);
                }
            }
        }
        Ok(derivation)
    }

    /// An aggregate's value in an instance, and the facts it ranged over.
    fn aggregate_note(
        &mut self,
        agg: &ast::Aggregate,
        body: &[Literal],
        values: &HashMap<String, Value>,
    ) -> Result<AggregateNote, Missing> {
        let groups = crate::ast::group_variables(agg, body);
        let mut group_names: Vec<&str> = groups.iter().copied().collect();
        group_names.sort_unstable();
        let inner = ast::name_wildcards(&agg.body);
        let plan = self.reader.plan_body(&inner, &group_names, Bindings::All)?;
        let group_values: Vec<Value> = group_names
            .iter()
            .map(|n| values.get(*n).cloned().unwrap_or(Value::Int(0)))
            .collect();
        let instances = self.reader.solve(&plan, &group_values, usize::MAX);
        let mut seen = std::collections::HashSet::new();
        let mut facts = Vec::new();
        let mut more = 0;
        let vars = plan_vars(&plan);
        for s in instances {
            let key: Vec<Id> = plan
                .variables
                .iter()
                .filter(|(n, _)| !groups.contains(n.as_str()))
                .map(|(_, slot)| s[*slot])
                .collect();
            if !seen.insert(key) {
                continue;
            }
            if facts.len() >= MAX_LISTED {
                more += 1;
                continue;
            }
            for literal in &inner {
                if let Literal::Positive(atom) = literal {
                    if let Some(row) = self.instantiate(atom, &vars, &s) {
                        facts.push(Fact {
                            predicate: atom.predicate.text.to_string(),
                            args: self.reader.values(&row),
                        });
                    }
                }
            }
        }
        let mut text_values = values.clone();
        text_values.remove(&agg.result.name);
        Ok(AggregateNote {
            text: substitute_literal(&Literal::Aggregate(agg.clone()), &text_values),
            result: values
                .get(&agg.result.name)
                .cloned()
                .unwrap_or(Value::Int(0)),
            facts,
            more,
        })
    }

    fn rule_source(&self, i: usize) -> Source {
        let span = self.program.rules[i].span;
        source_at(self.sources, span)
    }

    fn origin_source(&self, origin: Origin, fact: &Fact) -> Source {
        origin_source(self.program, self.sources, origin, fact)
    }
}

/// Where a given fact was written or read, and the source it comes from.
pub(crate) fn origin_source(
    program: &Program,
    sources: &Sources,
    origin: Origin,
    fact: &Fact,
) -> Source {
    match origin {
        Origin::Stated(span) => {
            let from = program.source_of(span, sources);
            Source {
                from: from.map(|name| Cited::named(program, &name.text)),
                ..source_at(sources, span)
            }
        }
        Origin::Import { import, line } => {
            let import = &program.imports[import];
            Source {
                file: import.path.display().to_string(),
                line: line as usize,
                text: fact.to_string(),
                from: (import.import.source.as_ref()).map(|name| Cited::named(program, &name.text)),
            }
        }
    }
}

/// The file, line and one-line text of a span.
pub fn source_at(sources: &Sources, span: Span) -> Source {
    let location = sources.locate(span);
    Source {
        file: location
            .as_ref()
            .map(|l| l.file.clone())
            .unwrap_or_default(),
        line: location.map_or(0, |l| l.line),
        text: one_line(sources.text(span)),
        from: None,
    }
}

/// Text with comments dropped and every run of blanks made one space;
/// the final `.` kept to its statement when it was typed on a line of
/// its own.
fn one_line(text: &str) -> String {
    let code: Vec<&str> = text.lines().map(strip_comment).collect();
    let words = code.join(" ").split_whitespace().collect::<Vec<_>>().join(" ");
    match words.strip_suffix(" .") {
        Some(statement) => format!("{statement}."),
        None => words,
    }
}

fn strip_comment(line: &str) -> &str {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            '\\' if in_string => escaped = !escaped,
            '"' if !escaped => in_string = !in_string,
            '#' if !in_string => return &line[..i],
            _ => escaped = false,
        }
    }
    line
}

fn plan_vars(plan: &QueryPlan) -> HashMap<String, usize> {
    plan.variables.iter().cloned().collect()
}

/// An expression with known variables replaced by their values.
pub fn substitute(e: &Expr, values: &HashMap<String, Value>) -> String {
    substitute_expr(e, values).to_string()
}

fn substitute_expr(e: &Expr, values: &HashMap<String, Value>) -> Expr {
    match e {
        Expr::Term(t) => Expr::Term(substitute_term(t, values)),
        Expr::Binary {
            op,
            left,
            right,
            span,
        } => Expr::Binary {
            op: *op,
            left: Box::new(substitute_expr(left, values)),
            right: Box::new(substitute_expr(right, values)),
            span: *span,
        },
        Expr::Neg { operand, span } => Expr::Neg {
            operand: Box::new(substitute_expr(operand, values)),
            span: *span,
        },
    }
}

fn substitute_term(t: &Term, values: &HashMap<String, Value>) -> Term {
    match t {
        Term::Var(v) => values
            .get(&v.name)
            .map_or_else(|| t.clone(), |value| Term::Const(value.clone(), v.span)),
        other => other.clone(),
    }
}

/// An atom with known variables replaced by their values.
pub fn substitute_atom(atom: &ast::Atom, values: &HashMap<String, Value>) -> String {
    let mut atom = atom.clone();
    for t in &mut atom.args {
        *t = substitute_term(t, values);
    }
    atom.to_string()
}

/// A literal with known variables replaced by their values.
pub fn substitute_literal(literal: &Literal, values: &HashMap<String, Value>) -> String {
    match literal {
        Literal::Positive(a) => substitute_atom(a, values),
        Literal::Negative(a) => format!("not {}", substitute_atom(a, values)),
        Literal::Compare(c) => format!(
            "{} {} {}",
            substitute(&c.left, values),
            c.op.symbol(),
            substitute(&c.right, values)
        ),
        Literal::Aggregate(agg) => {
            let mut agg = agg.clone();
            for l in &mut agg.body {
                *l = substitute_literal_ast(l, values);
            }
            Literal::Aggregate(agg).to_string()
        }
    }
}

fn substitute_literal_ast(literal: &Literal, values: &HashMap<String, Value>) -> Literal {
    let atom = |a: &ast::Atom| {
        let mut a = a.clone();
        for t in &mut a.args {
            *t = substitute_term(t, values);
        }
        a
    };
    match literal {
        Literal::Positive(a) => Literal::Positive(atom(a)),
        Literal::Negative(a) => Literal::Negative(atom(a)),
        Literal::Compare(c) => {
            let mut c = c.clone();
            c.left = substitute_expr(&c.left, values);
            c.right = substitute_expr(&c.right, values);
            Literal::Compare(c)
        }
        Literal::Aggregate(a) => Literal::Aggregate(a.clone()),
    }
}
