//! Planning: a checked program -> what the evaluator runs.
//!
//! In: the [`Program`], its [`Stratification`] and the interner (constants
//! become ids here). Out: a [`Plan`]: for each stratum its rules, each rule
//! as one or more variants of join [`Step`]s over numbered variable
//! slots, and the indexes those steps need.
//!
//! - **Join order**: greedy. Literals that only test or compute (comparisons,
//!   assignments, negations, aggregates) are placed as soon as their
//!   variables are bound; between them, the positive atom with the most
//!   bound arguments (constants or variables bound so far) goes next, ties
//!   to the fewest unbound variables, then to source order. So a join starts
//!   from the atom with the most constants, else from the first atom as
//!   written, and stays connected.
//! - **Semi-naive variants**: a rule whose body uses a predicate of its own
//!   stratum gets, besides the plain variant run once in the stratum's first
//!   round, one variant per such atom: that atom reads the *delta* (facts of
//!   the previous round); atoms before it read *full*, atoms after it read
//!   *old* (facts before the previous round), so each combination of facts
//!   with at least one new fact is joined exactly once. The delta atom keeps
//!   its place in the join order: forcing it first looks cheap but can
//!   multiply the intermediate results (Andersen's points-to analysis ran 4×
//!   slower that way). Between rounds the evaluator plans the delta
//!   variants again with the sizes it then knows ([`Plan::delta_variants`]),
//!   and the delta goes first where it is the smallest.
//! - **A closed plan**: evaluation reads nothing but the plan and the
//!   given facts. Planning again (the delta variants with sizes, a body
//!   with its head bound) takes a [`RulePlan`], whose checked rule only
//!   the planner reads.
//! - **Existence tests**: a run of steps binding nothing that is read
//!   after it becomes one [`Step::Exists`] (see `existence_tests`); parts
//!   of a body sharing no variable with the head are ordered first, so that
//!   they are tested once, not inside the loops of the rest.

mod build;
mod exists;
mod order;
mod show;
mod types;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::ast::{self, Literal, Term};
use crate::check::Stratification;
use crate::hash::NameMap;
use crate::intern::{Interner, Names};
use crate::load::Program;

use build::{numbering, Builder, Target};
pub use types::{
    for_each_index, Access, AggregateFn, AggregatePlan, ArithOp, CompareOp, Bindings, ChangeVariant, Column, Expr, HeadPlan,
    Operand, Plan, PredId, QueryPlan, RulePlan, Slot, Step, StratumPlan, Version,
};

/// Builds the plan of a checked program. Predicate ids and index numbers
/// of `previous` (the plan of the model being maintained) are kept, so its
/// relations serve the new plan; pass an empty plan for a fresh model. A
/// predicate whose arity changed cannot keep its relation: see
/// [`Plan::arities_agree`].
pub fn plan(
    program: &Program,
    strata: &Stratification,
    interner: &mut Interner,
    previous: &Plan,
) -> Plan {
    let mut plan = Plan {
        predicates: previous.predicates.clone(),
        indexes: previous.indexes.clone(),
        strata: Vec::new(),
    };
    for (name, arity) in arities(program) {
        plan.predicates.entry(name).or_insert(arity);
    }
    plan.indexes.resize(plan.predicates.len(), Vec::new());
    for stratum in &strata.strata {
        let members: Vec<PredId> = stratum
            .iter()
            .filter_map(|p| plan.predicates.get_index_of(p.as_str()))
            .collect();
        let own: HashSet<PredId> = members.iter().copied().collect();
        let mut rules = Vec::new();
        for (i, rule) in program.rules.iter().enumerate() {
            if rule.is_fact() {
                continue;
            }
            let head = plan.pred(&rule.head.predicate.text);
            if !own.contains(&head) {
                continue;
            }
            rules.push(plan.plan_rule(i, rule, &own, interner));
        }
        plan.strata.push(StratumPlan {
            predicates: members,
            rules,
        });
    }
    plan
}

/// Each predicate's arity, from its first use (the checker has made sure
/// every use agrees).
fn arities<'p>(program: &'p Program) -> Vec<(String, usize)> {
    let mut seen: NameMap<usize> = NameMap::default();
    for table in program.facts.tables() {
        seen.entry(&table.name, || table.arity);
    }
    let mut note = |a: &'p ast::Atom| {
        seen.entry(&a.predicate.text, || a.args.len());
    };
    for rule in &program.rules {
        note(&rule.head);
        ast::for_each_atom(&rule.body, &mut |a, _| note(a));
    }
    for query in program.asked() {
        ast::for_each_atom(&query.body, &mut |a, _| note(a));
    }
    for import in &program.imports {
        if let Some(arity) = import.arity() {
            seen.entry(&import.import.predicate.text, || arity);
        }
    }
    (seen.into_map().into_iter())
        .map(|(name, arity)| (name.to_string(), arity))
        .collect()
}

impl Plan {
    /// For each predicate, the stratum that defines it (`usize::MAX` for
    /// one that only has given facts).
    pub fn stratum_of(&self) -> Vec<usize> {
        let mut of = vec![usize::MAX; self.predicates.len()];
        for (s, stratum) in self.strata.iter().enumerate() {
            for &p in &stratum.predicates {
                of[p] = s;
            }
        }
        of
    }

    /// True when every predicate of `program` has the arity this plan gave
    /// it (false after a predicate was dropped and used again with another
    /// arity: its model must then be evaluated afresh).
    pub fn arities_agree(&self, program: &Program) -> bool {
        arities(program)
            .into_iter()
            .all(|(name, arity)| self.predicates.get(&name).is_none_or(|&a| a == arity))
    }

    /// The id of a predicate the plan knows.
    pub fn pred(&self, name: &str) -> PredId {
        self.predicates
            .get_index_of(name)
            .expect("every predicate of the program is planned")
    }

    /// The rules (their places in [`Program::rules`]) that conclude
    /// `pred`, in program order.
    pub fn rules_concluding(&self, pred: PredId) -> Vec<usize> {
        let mut rules: Vec<usize> = (self.strata.iter())
            .filter(|s| s.predicates.contains(&pred))
            .flat_map(|s| &s.rules)
            .filter(|r| r.head == pred)
            .map(|r| r.rule)
            .collect();
        rules.sort_unstable();
        rules
    }

    /// Adds a predicate seen only in a later query (it has no facts).
    pub fn ensure_pred(&mut self, name: &str, arity: usize) -> PredId {
        let (id, _) = self.predicates.insert_full(name.to_string(), arity);
        if id == self.indexes.len() {
            self.indexes.push(Vec::new());
        }
        id
    }

    /// The semi-naive delta variants of a planned rule (see the module
    /// docs), planned again with the sizes the evaluator knows between
    /// rounds: ties in each variant's join order go to the smaller
    /// relation, `sizes(d, i)` being the facts literal `i` reads in the
    /// variant whose delta is literal `d`. Returns them and the slots they
    /// use.
    pub fn delta_variants(
        &mut self,
        rule: &RulePlan,
        own: &HashSet<PredId>,
        interner: &mut Interner,
        sizes: &dyn Fn(usize, usize) -> u32,
    ) -> (Vec<Vec<Step>>, Slot) {
        let shape = self.shape(&rule.source, own, interner);
        self.deltas(&shape, interner, Some(sizes))
    }

    /// A planned rule's body to run with its head bound to a fact, for one
    /// instance ([`Bindings::One`]): how maintenance asks whether a deleted
    /// fact still has one. `sizes` as for [`Plan::body_plan`].
    pub fn rederivation(
        &mut self,
        rule: &RulePlan,
        interner: &mut Interner,
        sizes: &[u32],
    ) -> HeadPlan {
        let names = ast::head_variables(&rule.source);
        let body = ast::name_wildcards(&rule.source.body);
        let plan = self.body_plan(&body, &names, Bindings::One, interner, sizes);
        HeadPlan { body, plan }
    }

    /// The plan of rule number `index` of the program (`None` for a
    /// fact).
    pub fn rule(&self, index: usize) -> Option<&RulePlan> {
        (self.strata.iter())
            .flat_map(|s| &s.rules)
            .find(|r| r.rule == index)
    }

    /// The delta variants of a rule's shape, and the slots they use.
    fn deltas(
        &mut self,
        shape: &RuleShape,
        interner: &mut Interner,
        sizes: Option<&dyn Fn(usize, usize) -> u32>,
    ) -> (Vec<Vec<Step>>, Slot) {
        let mut slots = shape.first_free;
        let deltas = shape
            .recursive
            .iter()
            .map(|&d| {
                let literal_sizes = sizes
                    .map(|size| (0..shape.rule.body.len()).map(|i| size(d, i)).collect());
                let (steps, used) = self.variant(shape, Some(d), literal_sizes, interner);
                slots = slots.max(used);
                steps
            })
            .collect();
        (deltas, slots)
    }

    /// The positions of the body atoms whose predicate is of the rule's own
    /// stratum.
    fn recursive_literals(&self, rule: &ast::Rule, own: &HashSet<PredId>) -> Vec<usize> {
        rule.body
            .iter()
            .enumerate()
            .filter(|(_, l)| matches!(l, Literal::Positive(a) if own.contains(&self.pred(&a.predicate.text))))
            .map(|(i, _)| i)
            .collect()
    }

    /// What every variant of `rule` shares (see [`RuleShape`]).
    fn shape<'r>(
        &mut self,
        rule: &'r ast::Rule,
        own: &HashSet<PredId>,
        interner: &mut Interner,
    ) -> RuleShape<'r> {
        let (vars, first_free) = numbering(self, rule, interner);
        RuleShape {
            rule,
            recursive: self.recursive_literals(rule, own),
            vars,
            first_free,
            needed: ast::head_variables(rule)
                .into_iter()
                .map(String::from)
                .collect(),
        }
    }

    /// One variant of a rule's body (`delta`: the literal read as delta;
    /// `literal_sizes`: the facts each literal reads, for ties in the join
    /// order); returns its steps and the slots used.
    fn variant(
        &mut self,
        shape: &RuleShape,
        delta: Option<usize>,
        literal_sizes: Option<Vec<u32>>,
        interner: &mut Interner,
    ) -> (Vec<Step>, Slot) {
        let mut b = Builder::new(self, interner);
        b.vars = shape.vars.clone();
        b.next_slot = shape.first_free;
        b.literal_sizes = literal_sizes;
        let steps = b.body(&shape.rule.body, delta, &shape.recursive, &shape.needed);
        (steps, b.next_slot)
    }

    fn plan_rule(
        &mut self,
        index: usize,
        rule: &ast::Rule,
        own: &HashSet<PredId>,
        interner: &mut Interner,
    ) -> RulePlan {
        let shape = self.shape(rule, own, interner);
        let (base, mut slots) = self.variant(&shape, None, None, interner);
        let (deltas, delta_slots) = self.deltas(&shape, interner, None);
        slots = slots.max(delta_slots);
        let (changes, change_slots) = self.change_variants(&shape, interner);
        slots = slots.max(change_slots);
        let RuleShape {
            vars,
            first_free,
            recursive,
            ..
        } = shape;
        let mut aggregated = Vec::new();
        ast::for_each_atom(&rule.body, &mut |a, how| {
            if how == ast::Occurrence::Aggregated {
                aggregated.push(self.pred(&a.predicate.text));
            }
        });
        let head_args = rule
            .head
            .args
            .iter()
            .map(|t| match t {
                Term::Var(v) => Operand::Slot(vars[&v.name]),
                Term::Const(c, _) => Operand::Const(interner.intern(c.clone())),
                Term::Wildcard(_) => unreachable!("the checker refuses `_` in heads"),
            })
            .collect();
        let mut names = vec![String::new(); first_free];
        for (name, &slot) in &vars {
            names[slot] = name.clone();
        }
        let atoms = (rule.body.iter())
            .map(|l| match l {
                Literal::Positive(a) => Some(self.pred(&a.predicate.text)),
                _ => None,
            })
            .collect();
        RulePlan {
            rule: index,
            names,
            head: self.pred(&rule.head.predicate.text),
            head_args,
            slots,
            base,
            deltas,
            changes,
            aggregated,
            atoms,
            recursive,
            span: rule.span,
            source: Arc::new(rule.clone()),
        }
    }

    /// The change variants of a rule's shape, one per positive or
    /// negated body literal, and the slots they use.
    fn change_variants(
        &mut self,
        shape: &RuleShape,
        interner: &mut Interner,
    ) -> (Vec<ChangeVariant>, Slot) {
        let mut slots = shape.first_free;
        let mut changes = Vec::new();
        let body = &shape.rule.body;
        for (i, literal) in body.iter().enumerate() {
            let (Literal::Positive(atom) | Literal::Negative(atom)) = literal else {
                continue;
            };
            let mut b = Builder::new(self, interner);
            b.vars = shape.vars.clone();
            b.next_slot = shape.first_free;
            let steps = b.change_variant(body, i, &shape.needed);
            slots = slots.max(b.next_slot);
            changes.push(ChangeVariant {
                pred: self.pred(&atom.predicate.text),
                negated: matches!(literal, Literal::Negative(_)),
                steps,
            });
        }
        (changes, slots)
    }

    /// Plans a body (a query's, or part of a rule's for explanations; its
    /// predicates must be known) whose `bound` variables have values before it runs
    /// (they get slots `0..bound.len()`, in order). The plan's variables
    /// are the named ones in order of first appearance; `_Name` variables
    /// are among them unless `wanted` is [`Bindings::Named`] (explanations
    /// show them, answers do not). `sizes` gives each predicate's number of facts
    /// (by id) when the body runs against a model: between atoms with as
    /// many bound arguments, the smaller relation goes first.
    pub fn body_plan(
        &mut self,
        body: &[Literal],
        bound: &[&str],
        wanted: Bindings,
        interner: &mut Interner,
        sizes: &[u32],
    ) -> QueryPlan {
        let mut builder = Builder::new(self, interner);
        builder.sizes = sizes;
        builder.body_plan(body, bound, wanted)
    }

    /// [`Plan::body_plan`] without changing the plan, for a question asked
    /// of a model nobody may change meanwhile: constants the interner
    /// lacks get provisional ids from `names` (an overlay), and when the
    /// body needs an index the plan does not have, the error lists every
    /// such index (predicate and columns) instead.
    pub fn frozen_body_plan(
        &self,
        body: &[Literal],
        bound: &[&str],
        wanted: Bindings,
        names: &mut dyn Names,
        sizes: &[u32],
        scan_instead: &dyn Fn(PredId, &[usize]) -> bool,
    ) -> Result<QueryPlan, Vec<(PredId, Vec<usize>)>> {
        let mut builder = Builder::frozen(self, names, scan_instead);
        builder.sizes = sizes;
        let plan = builder.body_plan(body, bound, wanted);
        match builder.plan {
            Target::Frozen { wanted, .. } if !wanted.is_empty() => Err(wanted),
            _ => Ok(plan),
        }
    }

    /// The number of the index of `pred` on `columns`, added if new.
    pub(crate) fn index(&mut self, pred: PredId, columns: Vec<usize>) -> usize {
        let list = &mut self.indexes[pred];
        match list.iter().position(|c| *c == columns) {
            Some(i) => i,
            None => {
                list.push(columns);
                list.len() - 1
            }
        }
    }
}

/// What every variant of a rule shares: the variables' slots (the head's
/// first), the first free slot, the body atoms of the rule's own stratum
/// (each read as delta in one variant) and the variables the head needs.
struct RuleShape<'r> {
    rule: &'r ast::Rule,
    recursive: Vec<usize>,
    vars: HashMap<String, Slot>,
    first_free: Slot,
    needed: HashSet<String>,
}
