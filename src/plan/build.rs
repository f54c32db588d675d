//! Compiling literals to join steps: variables to slots, constants to
//! ids, each atom to a scan, lookup or membership test on the index its
//! bound columns need, comparisons to filters or assignments, aggregates
//! to sub-joins.

use std::collections::{HashMap, HashSet};

use super::exists::existence_tests;
use super::order::join_order;
use super::types::*;
use crate::ast::{self, group_variables, CompareOp, Literal, Term};
use crate::intern::{Interner, Names};
use crate::value::Value;

/// Every variant numbers a rule's variables alike, so that one head
/// projection serves them all: the slot of each variable, and the first
/// slot left.
pub(super) fn numbering(
    plan: &mut Plan,
    rule: &ast::Rule,
    interner: &mut Interner,
) -> (HashMap<String, Slot>, Slot) {
    let mut numbering = Builder::new(plan, interner);
    numbering.number_variables(rule);
    (numbering.vars, numbering.next_slot)
}

fn push_var(out: &mut Vec<(String, Slot)>, vars: &HashMap<String, Slot>, name: &str) {
    if let Some(&slot) = vars.get(name) {
        if !out.iter().any(|(n, _)| n == name) {
            out.push((name.to_string(), slot));
        }
    }
}

/// The plan a [`Builder`] compiles against: one it adds the indexes it
/// needs to, or one it only reads (a question asked of a shared model),
/// noting the indexes it would have added.
pub(super) enum Target<'p> {
    Open(&'p mut Plan),
    Frozen {
        plan: &'p Plan,
        /// Indexes the plan lacks, by predicate and columns.
        wanted: Vec<(PredId, Vec<usize>)>,
        /// Whether a lookup of a predicate on some columns is to scan
        /// and test them instead (the model has no such index yet, and
        /// the question would build it for one look).
        scan_instead: &'p dyn Fn(PredId, &[usize]) -> bool,
    },
}

impl Target<'_> {
    pub(super) fn plan(&self) -> &Plan {
        match self {
            Target::Open(plan) => plan,
            Target::Frozen { plan, .. } => plan,
        }
    }

    pub(super) fn pred(&self, name: &str) -> PredId {
        self.plan().pred(name)
    }

    /// See [`Target::Frozen`]'s `scan_instead`.
    pub(super) fn scans_instead(&self, pred: PredId, columns: &[usize]) -> bool {
        match self {
            Target::Open(_) => false,
            Target::Frozen { scan_instead, .. } => scan_instead(pred, columns),
        }
    }

    /// The number of the index of `pred` on `columns`. A frozen plan
    /// that lacks it notes it, and the plan made is never run.
    pub(super) fn index(&mut self, pred: PredId, columns: Vec<usize>) -> usize {
        match self {
            Target::Open(plan) => plan.index(pred, columns),
            Target::Frozen { plan, wanted, .. } => {
                match plan.indexes[pred].iter().position(|c| *c == columns) {
                    Some(i) => i,
                    None => {
                        if !wanted.iter().any(|w| w.0 == pred && w.1 == columns) {
                            wanted.push((pred, columns));
                        }
                        usize::MAX
                    }
                }
            }
        }
    }
}

/// Compiles literals to steps, assigning slots to variables.
pub(super) struct Builder<'p> {
    pub(super) plan: Target<'p>,
    pub(super) interner: &'p mut dyn Names,
    /// Slot of each variable (named or not yet).
    pub(super) vars: HashMap<String, Slot>,
    /// Variables bound so far.
    pub(super) bound: HashSet<String>,
    pub(super) next_slot: Slot,
    /// Facts per predicate id, when known (see [`Plan::body_plan`]).
    pub(super) sizes: &'p [u32],
    /// Facts per literal of the next body planned, when known (see
    /// [`Plan::delta_variants`]); taken by that body, so that aggregate
    /// bodies inside it do not see it.
    pub(super) literal_sizes: Option<Vec<u32>>,
    /// The version of atoms that are neither delta nor old: `All` inside
    /// an aggregate's body, `Full` elsewhere.
    pub(super) read: Version,
}

impl<'p> Builder<'p> {
    pub(super) fn new(plan: &'p mut Plan, interner: &'p mut dyn Names) -> Builder<'p> {
        Builder::on(Target::Open(plan), interner)
    }

    pub(super) fn frozen(
        plan: &'p Plan,
        names: &'p mut dyn Names,
        scan_instead: &'p dyn Fn(PredId, &[usize]) -> bool,
    ) -> Builder<'p> {
        let target = Target::Frozen {
            plan,
            wanted: Vec::new(),
            scan_instead,
        };
        Builder::on(target, names)
    }

    pub(super) fn on(plan: Target<'p>, interner: &'p mut dyn Names) -> Builder<'p> {
        Builder {
            plan,
            interner,
            vars: HashMap::new(),
            bound: HashSet::new(),
            next_slot: 0,
            sizes: &[],
            literal_sizes: None,
            read: Version::Full,
        }
    }

    /// The facts of the predicate `name` reads, when known.
    pub(super) fn size_of(&self, name: &str) -> u32 {
        let pred = self.plan.plan().predicates.get_index_of(name);
        pred.and_then(|p| self.sizes.get(p)).copied().unwrap_or(0)
    }

    /// See [`Plan::body_plan`].
    pub(super) fn body_plan(
        &mut self,
        body: &[Literal],
        bound: &[&str],
        wanted: Bindings,
    ) -> QueryPlan {
        let mut needed: HashSet<String> = bound.iter().map(|n| n.to_string()).collect();
        for name in bound {
            self.slot(name);
            self.bound.insert(name.to_string());
        }
        let anonymous = wanted != Bindings::Named;
        for literal in body.iter().filter(|_| wanted != Bindings::One) {
            match literal {
                Literal::Aggregate(agg) => {
                    needed.insert(agg.result.name.clone());
                }
                other => other.for_each_var(&mut |v| {
                    if anonymous || !v.is_anonymous() {
                        needed.insert(v.name.clone());
                    }
                }),
            }
        }
        let steps = self.body(body, None, &[], &needed);
        let mut variables: Vec<(String, Slot)> = Vec::new();
        for name in bound {
            push_var(&mut variables, &self.vars, name);
        }
        for literal in body {
            if let Literal::Aggregate(agg) = literal {
                push_var(&mut variables, &self.vars, &agg.result.name);
                continue;
            }
            literal.for_each_var(&mut |v| {
                if anonymous || !v.is_anonymous() {
                    push_var(&mut variables, &self.vars, &v.name);
                }
            });
        }
        QueryPlan {
            variables,
            slots: self.next_slot,
            steps,
        }
    }

    pub(super) fn slot(&mut self, name: &str) -> Slot {
        if let Some(&s) = self.vars.get(name) {
            return s;
        }
        let s = self.next_slot;
        self.next_slot += 1;
        self.vars.insert(name.to_string(), s);
        s
    }

    /// Gives a slot to every variable of the rule outside aggregate bodies
    /// (head first, then the body in source order).
    pub(super) fn number_variables(&mut self, rule: &ast::Rule) {
        for t in &rule.head.args {
            if let Term::Var(v) = t {
                self.slot(&v.name);
            }
        }
        for literal in &rule.body {
            match literal {
                Literal::Aggregate(agg) => {
                    self.slot(&agg.result.name);
                }
                other => other.for_each_var(&mut |v| {
                    self.slot(&v.name);
                }),
            }
        }
    }

    pub(super) fn constant(&mut self, value: &Value) -> Operand {
        Operand::Const(self.interner.intern(value.clone()))
    }

    /// The operands of ground terms (a head, or a negated atom's key).
    pub(super) fn operands(&mut self, terms: &[Term]) -> Vec<Operand> {
        terms
            .iter()
            .map(|t| match t {
                Term::Var(v) => Operand::Slot(self.slot(&v.name)),
                Term::Const(c, _) => self.constant(c),
                Term::Wildcard(_) => Operand::Const(0),
            })
            .collect()
    }

    /// Orders and compiles a body. `delta` is the atom read as delta;
    /// `recursive` lists the atoms of the rule's own stratum, whose version
    /// depends on their place relative to `delta`.
    /// `needed` are the variables read after the body (the head's, or a
    /// query's answers): parts of the body that bind none of them, nor
    /// anything a later literal reads, become existence tests.
    pub(super) fn body(
        &mut self,
        body: &[Literal],
        delta: Option<usize>,
        recursive: &[usize],
        needed: &HashSet<String>,
    ) -> Vec<Step> {
        let before = self.bound.clone();
        let literal_sizes = self.literal_sizes.take();
        let size = |i: usize| match (&literal_sizes, &body[i]) {
            (Some(per_literal), _) => per_literal[i],
            (None, Literal::Positive(a)) => self.size_of(&a.predicate.text),
            (None, _) => 0,
        };
        let order = join_order(body, &self.bound, None, &size, needed);
        let mut steps = Vec::with_capacity(body.len());
        for &i in &order {
            let version = match delta {
                Some(d) if i == d => Version::Delta,
                Some(d) if i > d && recursive.contains(&i) => Version::Old,
                _ => self.read,
            };
            steps.push(self.literal(body, i, version));
        }
        let literals: Vec<&Literal> = order.iter().map(|&i| &body[i]).collect();
        existence_tests(steps, &literals, &before, needed)
    }

    /// Compiles a body driven by the changes of literal `i`: the changed
    /// facts are few, so their scan goes first (unlike the delta of
    /// semi-naive rounds, which keeps its place), and the other literals
    /// follow in join order. A negated literal's changes are scanned like
    /// a positive atom, and the literal is still tested in the state the
    /// variant reads (a fact may leave and come back in one update).
    pub(super) fn change_variant(
        &mut self,
        body: &[Literal],
        i: usize,
        needed: &HashSet<String>,
    ) -> Vec<Step> {
        let (Literal::Positive(atom) | Literal::Negative(atom)) = &body[i] else {
            unreachable!("only atoms have change variants");
        };
        let before = self.bound.clone();
        let mut steps = vec![self.scan(atom, Version::Change, i)];
        // The scan binds the atom's variables even when the literal is
        // negated.
        let scanned = Literal::Positive(atom.clone());
        let mut literals = vec![&scanned];
        let skip = matches!(body[i], Literal::Positive(_)).then_some(i);
        let size = |i: usize| match &body[i] {
            Literal::Positive(a) => self.size_of(&a.predicate.text),
            _ => 0,
        };
        for j in join_order(body, &self.bound, skip, &size, needed) {
            steps.push(self.literal(body, j, Version::Full));
            literals.push(&body[j]);
        }
        existence_tests(steps, &literals, &before, needed)
    }

    pub(super) fn literal(&mut self, body: &[Literal], i: usize, version: Version) -> Step {
        match &body[i] {
            Literal::Positive(atom) => self.scan(atom, version, i),
            Literal::Negative(atom) => {
                let pred = self.plan.pred(&atom.predicate.text);
                let mut columns = Vec::new();
                let mut key = Vec::new();
                for (c, t) in atom.args.iter().enumerate() {
                    match t {
                        Term::Wildcard(_) => {}
                        Term::Var(v) => {
                            columns.push(c);
                            key.push(Operand::Slot(self.slot(&v.name)));
                        }
                        Term::Const(value, _) => {
                            columns.push(c);
                            key.push(self.constant(value));
                        }
                    }
                }
                let access = self.access(pred, atom.args.len(), columns);
                Step::Absent { pred, access, key }
            }
            Literal::Compare(c) => self.compare(c),
            Literal::Aggregate(agg) => self.aggregate(agg, body),
        }
    }

    pub(super) fn access(&mut self, pred: PredId, arity: usize, columns: Vec<usize>) -> Access {
        if columns.is_empty() {
            Access::Scan
        } else if columns.len() == arity {
            Access::Member
        } else {
            Access::Index(self.plan.index(pred, columns))
        }
    }

    pub(super) fn scan(&mut self, atom: &ast::Atom, version: Version, literal: usize) -> Step {
        let pred = self.plan.pred(&atom.predicate.text);
        let mut key_columns = Vec::new();
        let mut key = Vec::new();
        let mut columns = Vec::with_capacity(atom.args.len());
        let mut bound_here: Vec<&str> = Vec::new();
        // Changes are held without indexes: their scan tests every column.
        let keyed = version != Version::Change;
        for (c, t) in atom.args.iter().enumerate() {
            let column = match t {
                Term::Wildcard(_) => Column::Skip,
                Term::Const(value, _) if !keyed => match self.constant(value) {
                    Operand::Const(id) => Column::Const(id),
                    Operand::Slot(_) => unreachable!("a constant is no slot"),
                },
                Term::Const(value, _) => {
                    key_columns.push(c);
                    key.push(self.constant(value));
                    Column::Skip
                }
                Term::Var(v) if self.bound.contains(&v.name) => {
                    key_columns.push(c);
                    key.push(Operand::Slot(self.slot(&v.name)));
                    Column::Skip
                }
                Term::Var(v) if bound_here.contains(&v.name.as_str()) => {
                    Column::Check(self.slot(&v.name))
                }
                Term::Var(v) => {
                    bound_here.push(&v.name);
                    Column::Bind(self.slot(&v.name))
                }
            };
            columns.push(column);
        }
        for name in bound_here {
            self.bound.insert(name.to_string());
        }
        let partial = !key_columns.is_empty() && key_columns.len() < atom.args.len();
        if partial && self.plan.scans_instead(pred, &key_columns) {
            // Each key column tested on every row, as a scan of changes
            // does.
            for (&c, operand) in key_columns.iter().zip(key.drain(..)) {
                columns[c] = match operand {
                    Operand::Const(id) => Column::Const(id),
                    Operand::Slot(s) => Column::Check(s),
                };
            }
            key_columns.clear();
        }
        let access = self.access(pred, atom.args.len(), key_columns);
        Step::Scan {
            pred,
            version,
            access,
            key,
            columns,
            literal,
        }
    }

    pub(super) fn compare(&mut self, c: &ast::Comparison) -> Step {
        if c.op == CompareOp::Eq {
            for (target, source) in [(&c.left, &c.right), (&c.right, &c.left)] {
                if let Some(v) = target.as_var() {
                    if !self.bound.contains(&v.name) {
                        let expr = self.expr(source);
                        let slot = self.slot(&v.name);
                        self.bound.insert(v.name.clone());
                        return Step::Assign { slot, expr };
                    }
                }
            }
        }
        Step::Filter {
            op: c.op,
            left: self.expr(&c.left),
            right: self.expr(&c.right),
        }
    }

    pub(super) fn expr(&mut self, e: &ast::Expr) -> Expr {
        match e {
            ast::Expr::Term(t) => Expr::Operand(self.operands(std::slice::from_ref(t))[0]),
            ast::Expr::Binary {
                op,
                left,
                right,
                span,
            } => Expr::Binary {
                op: *op,
                left: Box::new(self.expr(left)),
                right: Box::new(self.expr(right)),
                span: *span,
            },
            ast::Expr::Neg { operand, span } => Expr::Neg {
                operand: Box::new(self.expr(operand)),
                span: *span,
            },
        }
    }

    pub(super) fn aggregate(&mut self, agg: &ast::Aggregate, body: &[Literal]) -> Step {
        let groups = group_variables(agg, body);
        // The body sees only the group variables of the outside; its other
        // variables are local, with slots of their own.
        let outer_vars = self.vars.clone();
        let outer_bound = std::mem::take(&mut self.bound);
        self.bound = groups.iter().map(|g| g.to_string()).collect();
        self.vars.retain(|name, _| groups.contains(name.as_str()));
        let outer_read = std::mem::replace(&mut self.read, Version::All);
        // Every named variable of the body is aggregated over or grouped
        // by; only wildcards can be existence tests.
        let mut needed = HashSet::new();
        for literal in &agg.body {
            literal.for_each_var(&mut |v| {
                needed.insert(v.name.clone());
            });
        }
        let steps = self.body(&agg.body, None, &[], &needed);
        self.read = outer_read;
        let mut locals: Vec<Slot> = Vec::new();
        let mut local_names: Vec<String> = Vec::new();
        for literal in &agg.body {
            literal.for_each_var(&mut |v| {
                if !groups.contains(v.name.as_str()) {
                    if let Some(&s) = self.vars.get(&v.name) {
                        if !locals.contains(&s) {
                            locals.push(s);
                            local_names.push(v.name.clone());
                        }
                    }
                }
            });
        }
        let target = agg
            .target
            .as_ref()
            .map(|t| self.operands(std::slice::from_ref(t))[0]);
        // Back to the outside's variables; local slots stay reserved.
        self.vars = outer_vars;
        self.bound = outer_bound;
        let result_bound = self.bound.contains(&agg.result.name);
        let result = self.slot(&agg.result.name);
        self.bound.insert(agg.result.name.clone());
        Step::Aggregate(Box::new(AggregatePlan {
            function: agg.function,
            result,
            result_bound,
            target,
            locals,
            local_names,
            steps,
            span: agg.span,
        }))
    }
}
