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
//! - **Existence tests**: a run of steps binding nothing that is read
//!   after it becomes one [`Step::Exists`] (see `existence_tests`); parts
//!   of a body sharing no variable with the head are ordered first, so that
//!   they are tested once, not inside the loops of the rest.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;

use crate::ast::group_variables;
use crate::ast::{self, AggregateFn, ArithOp, CompareOp, Literal, Term};
use crate::check::Stratification;
use crate::hash::{FxBuild, NameMap};
use crate::intern::{Id, Interner, Names};
use crate::load::Program;
use crate::source::Span;
use crate::value::Value;

/// A variable's register while a rule is joined.
pub type Slot = usize;
/// A predicate's number: its index in [`Plan::predicates`].
pub type PredId = usize;

/// The whole evaluation plan.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// Every predicate with its arity; `PredId` is the position here.
    pub predicates: IndexMap<String, usize, FxBuild>,
    /// For each predicate, the column sets it needs indexes on; a scan's
    /// `index` is a position in its predicate's list.
    pub indexes: Vec<Vec<Vec<usize>>>,
    /// Strata in evaluation order.
    pub strata: Vec<StratumPlan>,
}

/// The rules of one stratum.
#[derive(Clone, Debug)]
pub struct StratumPlan {
    /// The predicates defined in this stratum.
    pub predicates: Vec<PredId>,
    /// Its rules (facts are loaded before evaluation, not planned).
    pub rules: Vec<RulePlan>,
}

/// One rule, ready to join.
#[derive(Clone, Debug)]
pub struct RulePlan {
    /// Index of the rule in [`Program::rules`].
    pub rule: usize,
    /// The head's predicate.
    pub head: PredId,
    /// The head's arguments.
    pub head_args: Vec<Operand>,
    /// Number of slots the join uses.
    pub slots: usize,
    /// The plain variant (all atoms read full relations), run in the
    /// stratum's first round.
    pub base: Vec<Step>,
    /// One variant per atom of the rule's own stratum, run in later rounds.
    pub deltas: Vec<Vec<Step>>,
    /// For incremental maintenance, one variant per positive or negated
    /// body literal: it starts by scanning that literal's changed facts
    /// ([`Version::Change`]) and joins the rest of the body in full.
    pub changes: Vec<ChangeVariant>,
    /// Predicates read inside the rule's aggregates.
    pub aggregated: Vec<PredId>,
    /// The rule's place, for errors raised while it runs.
    pub span: Span,
}

impl RulePlan {
    /// Every predicate the body reads: positive, negated or aggregated.
    pub fn reads(&self) -> impl Iterator<Item = PredId> + '_ {
        self.changes
            .iter()
            .map(|c| c.pred)
            .chain(self.aggregated.iter().copied())
    }
}

/// A rule body driven by the changes of one literal's predicate.
#[derive(Clone, Debug)]
pub struct ChangeVariant {
    /// The predicate whose changes are scanned.
    pub pred: PredId,
    /// True when the literal is negated: facts added to `pred` then remove
    /// instances, and facts removed add them.
    pub negated: bool,
    /// The join, starting with the scan of the changes.
    pub steps: Vec<Step>,
}

/// Calls `f` with the predicate and number of every index the steps
/// look up (in aggregates too), so that they can be built before a run.
pub fn for_each_index(steps: &[Step], f: &mut impl FnMut(PredId, usize)) {
    for step in steps {
        match step {
            Step::Scan {
                pred,
                access: Access::Index(i),
                version,
                ..
            } if *version != Version::Change => f(*pred, *i),
            Step::Absent {
                pred,
                access: Access::Index(i),
                ..
            } => f(*pred, *i),
            Step::Aggregate(agg) => for_each_index(&agg.steps, f),
            Step::Exists(steps) => for_each_index(steps, f),
            _ => {}
        }
    }
}

/// A value known when a step runs: a bound slot or a constant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operand {
    /// The value in a slot.
    Slot(Slot),
    /// An interned constant.
    Const(Id),
}

/// Which facts of a relation a scan reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// Every fact so far (old and delta).
    Full,
    /// Facts before the previous round.
    Old,
    /// Facts of the previous round.
    Delta,
    /// Incremental maintenance: the facts that changed (added or removed,
    /// as the phase needs), held apart from the relation.
    Change,
    /// Every fact, whatever the window: an aggregate's body. Its predicates
    /// are complete before its stratum runs, and an explanation must show
    /// the aggregate's value in the model, not in the window of the fact's
    /// round (negation reads whole relations for the same reason).
    All,
}

/// How a scan treats one column of a matching row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    /// Matched by the lookup key, or a wildcard: nothing to do.
    Skip,
    /// Binds a slot.
    Bind(Slot),
    /// Must equal a slot bound earlier: in this same atom (`p(X, X)`), or,
    /// in a question's scan that stands for a lookup, before it.
    Check(Slot),
    /// Must equal a constant (a scan of changes, which has no index, or a
    /// question's scan that stands for a lookup).
    Const(Id),
}

/// How a scan finds its rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Every row in range.
    Scan,
    /// An index on the key columns.
    Index(usize),
    /// Every column is bound: a membership test.
    Member,
}

/// One step of a join.
#[derive(Clone, Debug)]
pub enum Step {
    /// `p(...)`: for each matching fact, bind and go on.
    Scan {
        /// The predicate.
        pred: PredId,
        /// Which facts.
        version: Version,
        /// How rows are found.
        access: Access,
        /// Values of the key columns (for `Index`), or of every column
        /// (for `Member`).
        key: Vec<Operand>,
        /// What to do with each column of a match.
        columns: Vec<Column>,
        /// Position of the literal in the rule body.
        literal: usize,
    },
    /// `not p(...)`: go on only if no fact matches.
    Absent {
        /// The predicate.
        pred: PredId,
        /// How rows are found (`Scan` only for an all-wildcard atom).
        access: Access,
        /// Values of the bound columns.
        key: Vec<Operand>,
    },
    /// `left op right`: go on only if it holds.
    Filter {
        /// The comparison.
        op: CompareOp,
        /// Left side.
        left: Expr,
        /// Right side.
        right: Expr,
    },
    /// `slot = expr`: compute and bind.
    Assign {
        /// The variable bound.
        slot: Slot,
        /// The value.
        expr: Expr,
    },
    /// `result = f target : { body }`.
    Aggregate(Box<AggregatePlan>),
    /// A part of the body that binds nothing the rest of the rule reads:
    /// its first match is enough, so the join goes on once if it has one
    /// (`q if e(_), e(_)` tests `e` twice instead of looping over it
    /// twice).
    Exists(Vec<Step>),
}

/// An aggregate, with its body planned as a sub-join.
#[derive(Clone, Debug)]
pub struct AggregatePlan {
    /// The function.
    pub function: AggregateFn,
    /// The result's slot.
    pub result: Slot,
    /// True when the result variable was bound before: then the aggregate
    /// is a test.
    pub result_bound: bool,
    /// The aggregated term (`None` for `count`).
    pub target: Option<Operand>,
    /// The local variables whose distinct bindings are aggregated.
    pub locals: Vec<Slot>,
    /// The body's join.
    pub steps: Vec<Step>,
    /// The literal, for arithmetic errors.
    pub span: Span,
}

/// Arithmetic over operands.
#[derive(Clone, Debug)]
pub enum Expr {
    /// A slot or constant.
    Operand(Operand),
    /// `left op right`.
    Binary {
        /// The operator.
        op: ArithOp,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
        /// The expression, for errors.
        span: Span,
    },
    /// `-operand`.
    Neg {
        /// What is negated.
        operand: Box<Expr>,
        /// The expression, for errors.
        span: Span,
    },
}

/// Which bindings of a body's variables a [`Plan::body_plan`] is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bindings {
    /// Each distinct binding of the named variables (a query's answers).
    Named,
    /// Each distinct binding of every variable, `_Name` ones included
    /// (the instances a proof chooses from).
    All,
    /// One binding of every variable, if there is one: parts of the body
    /// whose variables only the caller reads become existence tests, and
    /// the first match's slots still hold their witness values.
    One,
}

/// A query, planned as a rule whose head is its named variables.
#[derive(Clone, Debug)]
pub struct QueryPlan {
    /// The answer variables in order of first appearance, with their slots.
    pub variables: Vec<(String, Slot)>,
    /// Number of slots.
    pub slots: usize,
    /// The join.
    pub steps: Vec<Step>,
}

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
            rules.push(plan.rule(i, rule, &own, interner));
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
    for query in &program.queries {
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

    /// The semi-naive delta variants of `rule` (see the module docs), one
    /// per literal of its own stratum (`own`), and the slots they use.
    /// With `sizes`, ties in each variant's join order go to the smaller
    /// relation, `sizes(d, i)` being the facts literal `i` reads in the
    /// variant whose delta is literal `d`: the evaluator plans them again
    /// this way between rounds, as the relations grow.
    pub fn delta_variants(
        &mut self,
        rule: &ast::Rule,
        own: &HashSet<PredId>,
        interner: &mut Interner,
        sizes: Option<&dyn Fn(usize, usize) -> u32>,
    ) -> (Vec<Vec<Step>>, Slot) {
        let recursive = self.recursive_literals(rule, own);
        let numbered = numbering(self, rule, interner);
        let needed = head_variables(rule);
        let mut slots = numbered.1;
        let deltas = recursive
            .iter()
            .map(|&d| {
                let literal_sizes =
                    sizes.map(|size| (0..rule.body.len()).map(|i| size(d, i)).collect());
                let (steps, used) = self.variant(
                    rule,
                    (&numbered.0, numbered.1),
                    Some(d),
                    &recursive,
                    &needed,
                    literal_sizes,
                    interner,
                );
                slots = slots.max(used);
                steps
            })
            .collect();
        (deltas, slots)
    }

    /// The positions of the body atoms whose predicate is of the rule's own
    /// stratum.
    pub fn recursive_literals(&self, rule: &ast::Rule, own: &HashSet<PredId>) -> Vec<usize> {
        rule.body
            .iter()
            .enumerate()
            .filter(|(_, l)| matches!(l, Literal::Positive(a) if own.contains(&self.pred(&a.predicate.text))))
            .map(|(i, _)| i)
            .collect()
    }

    /// One variant of a rule's body (`delta`: the literal read as delta),
    /// numbered as `numbered` says; returns its steps and the slots used.
    #[allow(clippy::too_many_arguments)]
    fn variant(
        &mut self,
        rule: &ast::Rule,
        (vars, first_free): (&HashMap<String, Slot>, Slot),
        delta: Option<usize>,
        recursive: &[usize],
        needed: &HashSet<String>,
        literal_sizes: Option<Vec<u32>>,
        interner: &mut Interner,
    ) -> (Vec<Step>, Slot) {
        let mut b = Builder::new(self, interner);
        b.vars = vars.clone();
        b.next_slot = first_free;
        b.literal_sizes = literal_sizes;
        let steps = b.body(&rule.body, delta, recursive, needed);
        (steps, b.next_slot)
    }

    fn rule(
        &mut self,
        index: usize,
        rule: &ast::Rule,
        own: &HashSet<PredId>,
        interner: &mut Interner,
    ) -> RulePlan {
        let recursive = self.recursive_literals(rule, own);
        let (vars, first_free) = numbering(self, rule, interner);
        let needed = head_variables(rule);
        let (base, mut slots) = self.variant(
            rule,
            (&vars, first_free),
            None,
            &recursive,
            &needed,
            None,
            interner,
        );
        let (deltas, delta_slots) = self.delta_variants(rule, own, interner, None);
        slots = slots.max(delta_slots);
        let mut changes = Vec::new();
        for (i, literal) in rule.body.iter().enumerate() {
            let (Literal::Positive(atom) | Literal::Negative(atom)) = literal else {
                continue;
            };
            let mut b = Builder::new(self, interner);
            b.vars = vars.clone();
            b.next_slot = first_free;
            let steps = b.change_variant(&rule.body, i, &needed);
            slots = slots.max(b.next_slot);
            changes.push(ChangeVariant {
                pred: self.pred(&atom.predicate.text),
                negated: matches!(literal, Literal::Negative(_)),
                steps,
            });
        }
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
        RulePlan {
            rule: index,
            head: self.pred(&rule.head.predicate.text),
            head_args,
            slots,
            base,
            deltas,
            changes,
            aggregated,
            span: rule.span,
        }
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

/// Every variant numbers a rule's variables alike, so that one head
/// projection serves them all: the slot of each variable, and the first
/// slot left.
fn numbering(
    plan: &mut Plan,
    rule: &ast::Rule,
    interner: &mut Interner,
) -> (HashMap<String, Slot>, Slot) {
    let mut numbering = Builder::new(plan, interner);
    numbering.number_variables(rule);
    (numbering.vars, numbering.next_slot)
}

/// The variables of a rule's head: what its body must bind.
fn head_variables(rule: &ast::Rule) -> HashSet<String> {
    rule.head
        .args
        .iter()
        .filter_map(|t| match t {
            Term::Var(v) => Some(v.name.clone()),
            _ => None,
        })
        .collect()
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
enum Target<'p> {
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
    fn plan(&self) -> &Plan {
        match self {
            Target::Open(plan) => plan,
            Target::Frozen { plan, .. } => plan,
        }
    }

    fn pred(&self, name: &str) -> PredId {
        self.plan().pred(name)
    }

    /// See [`Target::Frozen`]'s `scan_instead`.
    fn scans_instead(&self, pred: PredId, columns: &[usize]) -> bool {
        match self {
            Target::Open(_) => false,
            Target::Frozen { scan_instead, .. } => scan_instead(pred, columns),
        }
    }

    /// The number of the index of `pred` on `columns`. A frozen plan
    /// that lacks it notes it, and the plan made is never run.
    fn index(&mut self, pred: PredId, columns: Vec<usize>) -> usize {
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
struct Builder<'p> {
    plan: Target<'p>,
    interner: &'p mut dyn Names,
    /// Slot of each variable (named or not yet).
    vars: HashMap<String, Slot>,
    /// Variables bound so far.
    bound: HashSet<String>,
    next_slot: Slot,
    /// Facts per predicate id, when known (see [`Plan::body_plan`]).
    sizes: &'p [u32],
    /// Facts per literal of the next body planned, when known (see
    /// [`Plan::delta_variants`]); taken by that body, so that aggregate
    /// bodies inside it do not see it.
    literal_sizes: Option<Vec<u32>>,
    /// The version of atoms that are neither delta nor old: `All` inside
    /// an aggregate's body, `Full` elsewhere.
    read: Version,
}

impl<'p> Builder<'p> {
    fn new(plan: &'p mut Plan, interner: &'p mut dyn Names) -> Builder<'p> {
        Builder::on(Target::Open(plan), interner)
    }

    fn frozen(
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

    fn on(plan: Target<'p>, interner: &'p mut dyn Names) -> Builder<'p> {
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
    fn size_of(&self, name: &str) -> u32 {
        let pred = self.plan.plan().predicates.get_index_of(name);
        pred.and_then(|p| self.sizes.get(p)).copied().unwrap_or(0)
    }

    /// See [`Plan::body_plan`].
    fn body_plan(&mut self, body: &[Literal], bound: &[&str], wanted: Bindings) -> QueryPlan {
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

    fn slot(&mut self, name: &str) -> Slot {
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
    fn number_variables(&mut self, rule: &ast::Rule) {
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

    fn constant(&mut self, value: &Value) -> Operand {
        Operand::Const(self.interner.intern(value.clone()))
    }

    /// The operands of ground terms (a head, or a negated atom's key).
    fn operands(&mut self, terms: &[Term]) -> Vec<Operand> {
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
    fn body(
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
        existence_tests(steps, &literals, body, &before, needed)
    }

    /// Compiles a body driven by the changes of literal `i`: the changed
    /// facts are few, so their scan goes first (unlike the delta of
    /// semi-naive rounds, which keeps its place), and the other literals
    /// follow in join order. A negated literal's changes are scanned like
    /// a positive atom, and the literal is still tested in the state the
    /// variant reads (a fact may leave and come back in one update).
    fn change_variant(
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
        existence_tests(steps, &literals, body, &before, needed)
    }

    fn literal(&mut self, body: &[Literal], i: usize, version: Version) -> Step {
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

    fn access(&mut self, pred: PredId, arity: usize, columns: Vec<usize>) -> Access {
        if columns.is_empty() {
            Access::Scan
        } else if columns.len() == arity {
            Access::Member
        } else {
            Access::Index(self.plan.index(pred, columns))
        }
    }

    fn scan(&mut self, atom: &ast::Atom, version: Version, literal: usize) -> Step {
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

    fn compare(&mut self, c: &ast::Comparison) -> Step {
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

    fn expr(&mut self, e: &ast::Expr) -> Expr {
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

    fn aggregate(&mut self, agg: &ast::Aggregate, body: &[Literal]) -> Step {
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
        for literal in &agg.body {
            literal.for_each_var(&mut |v| {
                if !groups.contains(v.name.as_str()) {
                    if let Some(&s) = self.vars.get(&v.name) {
                        if !locals.contains(&s) {
                            locals.push(s);
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
            steps,
            span: agg.span,
        }))
    }
}

/// The order in which to join a body's literals (see the module docs),
/// leaving out `skip` (a literal already placed); ties between atoms go to
/// the one with fewer facts (`size` of its position: 0 when unknown), then
/// to source order.
/// Atoms of a part of the body that shares no variable with `needed` nor
/// with the rest go first: that part is a test run once (see
/// [`existence_tests`]), not a loop around the rest.
fn join_order(
    body: &[Literal],
    bound: &HashSet<String>,
    skip: Option<usize>,
    size: &dyn Fn(usize) -> u32,
    needed: &HashSet<String>,
) -> Vec<usize> {
    let free = free_components(body, bound, needed);
    let mut bound: HashSet<String> = bound.clone();
    let mut placed = vec![false; body.len()];
    if let Some(i) = skip {
        placed[i] = true;
    }
    let mut order = Vec::with_capacity(body.len());
    let mut place = |i: usize, placed: &mut [bool], bound: &mut HashSet<String>| {
        placed[i] = true;
        order.push(i);
        binds(&body[i], body, bound);
    };
    loop {
        let mut progress = true;
        while progress {
            progress = false;
            for i in 0..body.len() {
                if !placed[i] && !is_positive(&body[i]) && ready(&body[i], body, &bound) {
                    place(i, &mut placed, &mut bound);
                    progress = true;
                }
            }
        }
        let best = (0..body.len())
            .filter(|&i| !placed[i] && is_positive(&body[i]))
            .max_by_key(|&i| {
                let (known, unknown) = argument_counts(&body[i], &bound);
                (
                    free[i],
                    known,
                    std::cmp::Reverse(unknown),
                    std::cmp::Reverse(size(i)),
                    std::cmp::Reverse(i),
                )
            });
        match best {
            Some(i) => place(i, &mut placed, &mut bound),
            None => break,
        }
    }
    // A checked program places everything; keep any rest in source order
    // so that nothing is silently dropped.
    for (i, done) in placed.iter().enumerate() {
        if !done && Some(i) != skip {
            order.push(i);
        }
    }
    order
}

/// For each literal, whether it belongs to a *free* part of the body: the
/// literals connected to it through variables not bound beforehand mention
/// none of the `needed` variables.
fn free_components(
    body: &[Literal],
    bound: &HashSet<String>,
    needed: &HashSet<String>,
) -> Vec<bool> {
    let vars: Vec<HashSet<&str>> = body
        .iter()
        .map(|l| {
            let mut vs = HashSet::new();
            l.for_each_var(&mut |v| {
                if !bound.contains(&v.name) {
                    vs.insert(v.name.as_str());
                }
            });
            vs
        })
        .collect();
    // Union-find over literals, joined by shared variables.
    let mut parent: Vec<usize> = (0..body.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut owner: HashMap<&str, usize> = HashMap::new();
    for (i, vs) in vars.iter().enumerate() {
        for &v in vs {
            match owner.get(v) {
                Some(&j) => {
                    let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                    parent[a] = b;
                }
                None => {
                    owner.insert(v, i);
                }
            }
        }
    }
    let mut tied = vec![false; body.len()];
    for (i, vs) in vars.iter().enumerate() {
        if vs.iter().any(|v| needed.contains(*v)) {
            let r = root(&mut parent, i);
            tied[r] = true;
        }
    }
    (0..body.len())
        .map(|i| !tied[root(&mut parent, i)])
        .collect()
}

/// Wraps in [`Step::Exists`] each shortest run of steps, starting at a
/// scan, whose newly bound variables neither `needed` nor any later step
/// reads: only whether such a run has a match matters, not how many.
/// `literals[k]` is the literal of `steps[k]`; `bound` the variables bound
/// before the first.
fn existence_tests(
    steps: Vec<Step>,
    literals: &[&Literal],
    body: &[Literal],
    bound: &HashSet<String>,
    needed: &HashSet<String>,
) -> Vec<Step> {
    let n = steps.len();
    let mut bound = bound.clone();
    let mut firsts: Vec<HashSet<String>> = Vec::with_capacity(n);
    let mut uses: Vec<HashSet<String>> = Vec::with_capacity(n);
    for literal in literals {
        let before = bound.clone();
        binds(literal, body, &mut bound);
        firsts.push(bound.difference(&before).cloned().collect());
        let mut used = HashSet::new();
        literal.for_each_var(&mut |v| {
            used.insert(v.name.clone());
        });
        uses.push(used);
    }
    // after[m]: what the steps from m on, and what comes after the body,
    // read.
    let mut after = vec![needed.clone(); n + 1];
    for m in (0..n).rev() {
        let mut set = after[m + 1].clone();
        set.extend(uses[m].iter().cloned());
        after[m] = set;
    }
    let candidate: Vec<bool> = steps
        .iter()
        .map(|s| {
            matches!(
                s,
                Step::Scan { access, .. } if *access != Access::Member
            )
        })
        .collect();
    let mut steps: Vec<Option<Step>> = steps.into_iter().map(Some).collect();
    let segments = Segments {
        firsts: &firsts,
        after: &after,
        candidate: &candidate,
    };
    segments.build(&mut steps, 0, n)
}

/// What [`existence_tests`] knows of each step.
struct Segments<'a> {
    firsts: &'a [HashSet<String>],
    after: &'a [HashSet<String>],
    candidate: &'a [bool],
}

impl Segments<'_> {
    /// The steps `lo..hi`, runs wrapped. Within a run that ends at `hi`,
    /// every inner run ends by `hi` too (what the outer run binds, the
    /// steps after `hi` do not read).
    fn build(&self, steps: &mut [Option<Step>], lo: usize, hi: usize) -> Vec<Step> {
        let mut out = Vec::with_capacity(hi - lo);
        let mut k = lo;
        while k < hi {
            let take = |steps: &mut [Option<Step>], i: usize| {
                steps[i].take().expect("each step is taken once")
            };
            if self.candidate[k] {
                let mut binds: HashSet<&String> = HashSet::new();
                let end = (k + 1..=hi).find(|&m| {
                    binds.extend(&self.firsts[m - 1]);
                    binds.iter().all(|v| !self.after[m].contains(*v))
                });
                if let Some(m) = end {
                    let mut inner = vec![take(steps, k)];
                    inner.extend(self.build(steps, k + 1, m));
                    out.push(Step::Exists(inner));
                    k = m;
                    continue;
                }
            }
            out.push(take(steps, k));
            k += 1;
        }
        out
    }
}

fn is_positive(l: &Literal) -> bool {
    matches!(l, Literal::Positive(_))
}

/// (bound or constant arguments, distinct unbound variables) of an atom.
fn argument_counts(l: &Literal, bound: &HashSet<String>) -> (usize, usize) {
    let Literal::Positive(atom) = l else {
        return (0, 0);
    };
    let mut known = 0;
    let mut unknown = HashSet::new();
    for t in &atom.args {
        match t {
            Term::Const(..) => known += 1,
            Term::Var(v) if bound.contains(&v.name) => known += 1,
            Term::Var(v) => {
                unknown.insert(v.name.as_str());
            }
            Term::Wildcard(_) => {}
        }
    }
    (known, unknown.len())
}

/// Can a literal run with these variables bound? (A positive atom always
/// can.)
pub fn ready(l: &Literal, body: &[Literal], bound: &HashSet<String>) -> bool {
    let all_bound = |e: &ast::Expr| {
        let mut ok = true;
        e.for_each_term(&mut |t| {
            if let Term::Var(v) = t {
                ok &= bound.contains(&v.name);
            }
        });
        ok
    };
    match l {
        Literal::Positive(_) => true,
        Literal::Negative(a) => a.args.iter().all(|t| match t {
            Term::Var(v) => bound.contains(&v.name),
            _ => true,
        }),
        Literal::Compare(c) => {
            let assignable = |target: &ast::Expr, source: &ast::Expr| {
                c.op == CompareOp::Eq && target.as_var().is_some() && all_bound(source)
            };
            (all_bound(&c.left) && all_bound(&c.right))
                || assignable(&c.left, &c.right)
                || assignable(&c.right, &c.left)
        }
        Literal::Aggregate(agg) => group_variables(agg, body)
            .iter()
            .all(|g| bound.contains(*g)),
    }
}

/// Adds the variables a literal binds.
pub fn binds(l: &Literal, _body: &[Literal], bound: &mut HashSet<String>) {
    match l {
        Literal::Positive(a) => {
            for t in &a.args {
                if let Term::Var(v) = t {
                    bound.insert(v.name.clone());
                }
            }
        }
        Literal::Compare(c) if c.op == CompareOp::Eq => {
            for side in [&c.left, &c.right] {
                if let Some(v) = side.as_var() {
                    bound.insert(v.name.clone());
                }
            }
        }
        Literal::Aggregate(agg) => {
            bound.insert(agg.result.name.clone());
        }
        _ => {}
    }
}
