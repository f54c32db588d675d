//! Running a planned join: nested loops over [`Step`]s, one recursion level
//! per literal (bounded by the parser's literal limit).
//!
//! Each scan reads the row range its [`Version`] allows (see
//! [`Window`]), through an index on its bound columns; each complete match
//! is handed to `emit` with the slots filled in. `emit` answers whether to
//! go on: [`Flow::Break`] ends the join early (an existence test has its
//! match, a caller has as many matches as it wanted).

use std::ops::ControlFlow;

use super::arith;
use super::config::Budget;
use super::relation::{Range, Relation, RowId, View};
use crate::error::EvalError;
use crate::hash::hash_ids;
use crate::intern::{Id, Names};
use crate::plan::{
    Access, AggregateFn, AggregatePlan, ArithOp, Column, CompareOp, Expr, Operand, Step, Version,
};
use crate::source::Span;
use crate::value::Value;

/// The rows of one relation that the current round may read.
#[derive(Clone, Copy, Debug, Default)]
pub struct Window {
    /// Rows below this are *old*.
    pub old_end: RowId,
    /// Rows from `old_end` up to this are the *delta*; later rows are being
    /// added this round and are not read.
    pub delta_end: RowId,
}

impl Window {
    /// A complete relation: everything is old, nothing is new.
    pub fn complete(rel: &Relation) -> Window {
        Window {
            old_end: rel.len(),
            delta_end: rel.len(),
        }
    }

    fn range(self, version: Version) -> Range {
        match version {
            Version::Full | Version::Change | Version::All => Range {
                lo: 0,
                hi: self.delta_end,
            },
            Version::Old => Range {
                lo: 0,
                hi: self.old_end,
            },
            Version::Delta => Range {
                lo: self.old_end,
                hi: self.delta_end,
            },
        }
    }

    /// True when the delta holds no row.
    pub fn delta_is_empty(self) -> bool {
        self.old_end == self.delta_end
    }
}

/// Whether a join goes on after a match.
pub type Flow = ControlFlow<()>;

/// Go on.
pub const MORE: Flow = ControlFlow::Continue(());

/// What stops a join: an error, boxed so that a join step returns in
/// registers (every match passes through these returns).
pub type Stop = Box<EvalError>;

/// Where matches go.
pub type Emit<'e> = dyn FnMut(&[Id]) -> Result<Flow, Stop> + 'e;

/// The state of one join: relations to read, the values bound so far.
pub struct Join<'a> {
    /// Every relation, by predicate id.
    pub relations: &'a [Relation],
    /// What each relation may show this round.
    pub windows: &'a [Window],
    /// Constants, and a home for computed values.
    pub interner: &'a mut dyn Names,
    /// The value of each slot.
    pub slots: Vec<Id>,
    /// Which state of the relations the join reads.
    pub view: View,
    /// For incremental maintenance: the facts that changed, by predicate,
    /// read by [`Version::Change`] scans.
    pub changes: &'a [Relation],
    /// When set, the first scan the join runs reads only these rows of its
    /// range: one part of a join split across threads.
    pub part: Option<Range>,
    /// When set, the budget the join keeps to (with the rule or goal to
    /// name when it stops): looked at every [`VISITS_BETWEEN_LOOKS`] rows
    /// read, so that one large join stops in time even when few of the
    /// rows it reads match.
    pub(crate) budget: Option<(&'a Budget, Span)>,
    /// Rows read since the budget was last looked at.
    pub(crate) visited: u32,
}

/// Rows a join reads between two looks at its budget: a look costs a
/// clock read, a row a few nanoseconds.
pub const VISITS_BETWEEN_LOOKS: u32 = 1 << 12;

impl<'a> Join<'a> {
    /// A join of the current state through `windows`, its slots set to
    /// `slots` (changes none; set `view` and `changes` to maintain).
    pub fn new(
        relations: &'a [Relation],
        windows: &'a [Window],
        interner: &'a mut dyn Names,
        slots: Vec<Id>,
    ) -> Join<'a> {
        Join {
            relations,
            windows,
            interner,
            slots,
            view: View::Now,
            changes: &[],
            part: None,
            budget: None,
            visited: 0,
        }
    }

    /// Counts `read` more rows read (a scan counts in a local and reports
    /// here every [`VISITS_BETWEEN_LOOKS`] rows and when it ends, so that
    /// its count stays in a register), and looks at the budget each time
    /// the total passes another [`VISITS_BETWEEN_LOOKS`].
    #[inline]
    fn tally(&mut self, read: u32) -> Result<(), Stop> {
        self.visited += read;
        if self.visited < VISITS_BETWEEN_LOOKS {
            return Ok(());
        }
        self.visited = 0;
        match self
            .budget
            .and_then(|(budget, span)| budget.exhausted(span))
        {
            Some(stop) => Err(Box::new(stop)),
            None => Ok(()),
        }
    }
}

/// The relation a scan of `pred` reads at `version` (the changed facts
/// for [`Version::Change`]), and which of its rows.
pub fn source<'a>(
    relations: &'a [Relation],
    windows: &[Window],
    changes: &'a [Relation],
    pred: usize,
    version: Version,
) -> (&'a Relation, Range) {
    match version {
        Version::Change => (&changes[pred], changes[pred].all()),
        Version::All => (&relations[pred], relations[pred].all()),
        _ => (&relations[pred], windows[pred].range(version)),
    }
}

impl Join<'_> {
    /// Runs `steps` and emits every complete match, until `emit` breaks.
    /// Generic over `emit`, so that a derivation's projection and
    /// deduplication are compiled into the innermost loop; existence tests
    /// run through [`Emit`], a trait object, so that the instances stay
    /// finite. Long (one arm per kind of step) on purpose: it is the
    /// innermost loop of evaluation, and its arms stay in one frame.
    pub fn run<F>(&mut self, steps: &[Step], emit: &mut F) -> Result<Flow, Stop>
    where
        F: FnMut(&[Id]) -> Result<Flow, Stop> + ?Sized,
    {
        let Some((step, rest)) = steps.split_first() else {
            return emit(&self.slots);
        };
        match step {
            Step::Scan {
                pred,
                version,
                access,
                key,
                columns,
                ..
            } => {
                let (rel, mut range) =
                    source(self.relations, self.windows, self.changes, *pred, *version);
                // Changes are held apart, in a state of their own.
                let view = if *version == Version::Change {
                    View::Now
                } else {
                    self.view
                };
                if let Some(part) = self.part.take() {
                    range = Range {
                        lo: range.lo.max(part.lo),
                        hi: range.hi.min(part.hi),
                    };
                }
                let key = self.key(key);
                let key = key.as_slice();
                match access {
                    Access::Scan => {
                        let mut read = 0;
                        for r in range.lo..range.hi {
                            read += 1;
                            if read == VISITS_BETWEEN_LOOKS {
                                self.tally(std::mem::take(&mut read))?;
                            }
                            if rel.visible(r, view)
                                && self.bind(rel.row(r), columns)
                                && self.go_on(rest, emit)?.is_break()
                            {
                                return Ok(ControlFlow::Break(()));
                            }
                        }
                        self.tally(read)?;
                    }
                    Access::Index(ix) => {
                        // A lookup counts as one row: its rows are one
                        // key's, and each match goes on to steps that count.
                        self.tally(1)?;
                        for (_, row) in rel.lookup(*ix, key, range, view) {
                            if self.bind(row, columns) && self.go_on(rest, emit)?.is_break() {
                                return Ok(ControlFlow::Break(()));
                            }
                        }
                    }
                    Access::Member => {
                        if rel
                            .find_in(key, hash_ids(key.iter().copied()), view)
                            .is_some_and(|r| r >= range.lo && r < range.hi)
                        {
                            return self.run(rest, emit);
                        }
                    }
                }
                Ok(MORE)
            }
            Step::Absent { pred, access, key } => {
                // Negation reads the whole relation in the join's view,
                // never a window: explanations check absence in the model.
                let rel = &self.relations[*pred];
                let key = self.key(key);
                let key = key.as_slice();
                let view = self.view;
                let present = match access {
                    Access::Scan => rel.any(view),
                    Access::Index(ix) => rel.lookup(*ix, key, rel.all(), view).next().is_some(),
                    Access::Member => rel
                        .find_in(key, hash_ids(key.iter().copied()), view)
                        .is_some(),
                };
                if present {
                    Ok(MORE)
                } else {
                    self.run(rest, emit)
                }
            }
            Step::Filter { op, left, right } => {
                let holds = match (left, right) {
                    // Equality of two known values is equality of ids.
                    (Expr::Operand(a), Expr::Operand(b))
                        if matches!(op, CompareOp::Eq | CompareOp::Ne) =>
                    {
                        (self.operand(*a) == self.operand(*b)) == (*op == CompareOp::Eq)
                    }
                    _ => {
                        let l = self.eval(left)?;
                        let r = self.eval(right)?;
                        arith::holds(*op, &l, &r)
                    }
                };
                if holds {
                    self.run(rest, emit)
                } else {
                    Ok(MORE)
                }
            }
            Step::Assign { slot, expr } => {
                let id = match expr {
                    Expr::Operand(o) => self.operand(*o),
                    _ => {
                        let value = self.eval(expr)?;
                        self.interner.intern(value)
                    }
                };
                self.slots[*slot] = id;
                self.run(rest, emit)
            }
            Step::Aggregate(agg) => {
                let Some(id) = self.aggregate(agg)? else {
                    return Ok(MORE);
                };
                if agg.result_bound {
                    if self.slots[agg.result] != id {
                        return Ok(MORE);
                    }
                } else {
                    self.slots[agg.result] = id;
                }
                self.run(rest, emit)
            }
            Step::Exists(steps) => {
                let first: &mut Emit<'_> = &mut |_: &[Id]| Ok(ControlFlow::Break(()));
                let found = self.run(steps, first)?.is_break();
                if found {
                    self.run(rest, emit)
                } else {
                    Ok(MORE)
                }
            }
        }
    }

    /// After a scan's match: the rest of the steps, or, after the last
    /// step, `emit` itself (one call less for every match of a body).
    #[inline]
    fn go_on<F>(&mut self, rest: &[Step], emit: &mut F) -> Result<Flow, Stop>
    where
        F: FnMut(&[Id]) -> Result<Flow, Stop> + ?Sized,
    {
        if rest.is_empty() {
            emit(&self.slots)
        } else {
            self.run(rest, emit)
        }
    }

    /// Binds (and checks) the columns of a matching row.
    #[inline]
    fn bind(&mut self, row: &[Id], columns: &[Column]) -> bool {
        for (&value, column) in row.iter().zip(columns) {
            match *column {
                Column::Skip => {}
                Column::Bind(s) => self.slots[s] = value,
                Column::Const(c) => {
                    if value != c {
                        return false;
                    }
                }
                Column::Check(s) => {
                    if self.slots[s] != value {
                        return false;
                    }
                }
            }
        }
        true
    }

    #[inline]
    fn operand(&self, o: Operand) -> Id {
        match o {
            Operand::Slot(s) => self.slots[s],
            Operand::Const(c) => c,
        }
    }

    /// A key's values.
    #[inline]
    fn key(&self, operands: &[Operand]) -> Key {
        if operands.len() <= INLINE_KEY {
            let mut ids = [0; INLINE_KEY];
            for (id, &o) in ids.iter_mut().zip(operands) {
                *id = self.operand(o);
            }
            Key::Inline(ids, operands.len())
        } else {
            Key::Spilled(operands.iter().map(|&o| self.operand(o)).collect())
        }
    }

    fn eval(&self, e: &Expr) -> Result<Value, Stop> {
        match e {
            Expr::Operand(o) => Ok(self.interner.value(self.operand(*o))),
            Expr::Binary {
                op,
                left,
                right,
                span,
            } => {
                let l = self.eval(left)?;
                let r = self.eval(right)?;
                arith::apply(*op, &l, &r).map_err(|e| {
                    Box::new(EvalError::Arithmetic {
                        message: e.message,
                        span: *span,
                    })
                })
            }
            Expr::Neg { operand, span } => arith::negate(&self.eval(operand)?).map_err(|e| {
                Box::new(EvalError::Arithmetic {
                    message: e.message,
                    span: *span,
                })
            }),
        }
    }

    /// The aggregate's value for the current group, if it has one.
    fn aggregate(&mut self, agg: &AggregatePlan) -> Result<Option<Id>, Stop> {
        // Distinct bindings of the local variables, each with its target.
        // An aggregate over one relation has at most its rows: room for
        // them at once, not table after table as they come.
        let room = match agg.steps.first() {
            Some(Step::Scan {
                pred,
                access: Access::Scan,
                ..
            }) => (self.relations[*pred].live_len() as usize).min(1 << 16),
            _ => 0,
        };
        let mut seen = Relation::with_capacity(agg.locals.len(), room);
        let mut targets: Vec<Id> = Vec::with_capacity(room);
        let mut local = Vec::with_capacity(agg.locals.len());
        let _ = self.run(&agg.steps, &mut |slots: &[Id]| {
            local.clear();
            local.extend(agg.locals.iter().map(|&s| slots[s]));
            if seen.insert(&local, 0) {
                targets.push(match agg.target {
                    Some(Operand::Slot(s)) => slots[s],
                    Some(Operand::Const(c)) => c,
                    None => 0,
                });
            }
            Ok(MORE)
        })?;
        let value = match agg.function {
            AggregateFn::Count => Some(Value::Int(targets.len() as i64)),
            AggregateFn::Sum => {
                let mut total: Option<Value> = None;
                for &t in &targets {
                    let v = &self.interner.value(t);
                    total = Some(
                        match total {
                            None => arith::apply(ArithOp::Add, &Value::Int(0), v),
                            Some(sum) => arith::apply(ArithOp::Add, &sum, v),
                        }
                        .map_err(|e| {
                            Box::new(EvalError::Arithmetic {
                                message: format!("in `sum`: {}", e.message),
                                span: agg.span,
                            })
                        })?,
                    );
                }
                total
            }
            AggregateFn::Min => targets
                .iter()
                .copied()
                .min_by(|&a, &b| self.interner.cmp(a, b))
                .map(|t| self.interner.value(t)),
            AggregateFn::Max => targets
                .iter()
                .copied()
                .max_by(|&a, &b| self.interner.cmp(a, b))
                .map(|t| self.interner.value(t)),
        };
        Ok(value.map(|v| self.interner.intern(v)))
    }
}

/// Keys up to this many columns are built on the stack.
const INLINE_KEY: usize = 6;

/// The values of a lookup's key: on the stack when short (every lookup
/// builds one).
enum Key {
    Inline([Id; INLINE_KEY], usize),
    Spilled(Vec<Id>),
}

impl Key {
    #[inline]
    fn as_slice(&self) -> &[Id] {
        match self {
            Key::Inline(ids, len) => &ids[..*len],
            Key::Spilled(ids) => ids,
        }
    }
}
