//! The plan's types: what checking hands evaluation. A [`Plan`] numbers
//! the predicates and the indexes each needs, and holds each stratum's
//! rules as variants of join [`Step`]s over numbered slots.

use std::sync::Arc;

use indexmap::IndexMap;

use crate::ast;
pub use crate::ast::{AggregateFn, ArithOp, CompareOp};
use crate::hash::FxBuild;
use crate::intern::Id;
use crate::source::Span;

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
    /// Index of the rule in [`crate::load::Program::rules`].
    pub rule: usize,
    /// The head's predicate.
    pub head: PredId,
    /// The head's arguments.
    pub head_args: Vec<Operand>,
    /// Number of slots the join uses.
    pub slots: usize,
    /// The names of the variables every variant numbers alike (the
    /// head's and the body's outside aggregates), by slot: for printing.
    pub names: Vec<String>,
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
    /// The predicate of each body literal that is a positive atom, by the
    /// literal's position: what sizes a variant's joins between rounds.
    pub atoms: Vec<Option<PredId>>,
    /// The positions of the body atoms of the rule's own stratum: the
    /// delta atom of each of `deltas`, in order.
    pub recursive: Vec<usize>,
    /// The rule's place, for errors raised while it runs.
    pub span: Span,
    /// The checked rule, which only the planner reads: to plan the delta
    /// variants again with the sizes the evaluator then knows
    /// ([`Plan::delta_variants`]), and the body with the head bound
    /// ([`Plan::rederivation`]).
    pub(super) source: Arc<ast::Rule>,
}

impl RulePlan {
    /// Every predicate the body reads: positive, negated or aggregated.
    pub fn reads(&self) -> impl Iterator<Item = PredId> + '_ {
        self.changes
            .iter()
            .map(|c| c.pred)
            .chain(self.aggregated.iter().copied())
    }

    /// The first slots of this rule's [`HeadPlan`]s for the fact `row`
    /// (the head's variables, in order of first appearance, which every
    /// variant numbers first too), or `None` when the head cannot take
    /// the fact's values (a constant differs, or a variable repeated in
    /// the head has two).
    pub fn head_slots(&self, row: &[Id]) -> Option<Vec<Id>> {
        let mut slots: Vec<Option<Id>> = Vec::with_capacity(row.len());
        for (operand, &value) in self.head_args.iter().zip(row) {
            match *operand {
                Operand::Slot(s) => {
                    if s >= slots.len() {
                        slots.resize(s + 1, None);
                    }
                    match slots[s] {
                        Some(bound) if bound != value => return None,
                        _ => slots[s] = Some(value),
                    }
                }
                Operand::Const(id) if id != value => return None,
                Operand::Const(_) => {}
            }
        }
        slots.into_iter().collect()
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

impl Operand {
    /// The slot it reads, if it is not a constant.
    pub fn slot(self) -> Option<Slot> {
        match self {
            Operand::Slot(s) => Some(s),
            Operand::Const(_) => None,
        }
    }
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
    /// Their names, for printing.
    pub local_names: Vec<String>,
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

/// A rule's body planned to run with the head's variables bound to a
/// fact's values (they are the plan's first slots): how a proof finds the
/// instances behind a fact, and how maintenance asks whether a deleted fact
/// still has one.
#[derive(Clone, Debug)]
pub struct HeadPlan {
    /// The body, each `_` of a positive atom named (see
    /// [`ast::name_wildcards`]) so that its value shows.
    pub body: Vec<ast::Literal>,
    /// The join.
    pub plan: QueryPlan,
}
