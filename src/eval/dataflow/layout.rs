//! Which slots a binding carries at each point of a rule: those bound
//! so far that a later step or the head reads (live variables, computed
//! backwards over the steps).
//!
//! The semi-naive join keeps every slot in its registers, where a dead
//! one costs nothing. In the dataflow every binding is a record that
//! differential dataflow sorts, merges, arranges and sends between
//! workers, so each slot a binding carries past its last use costs at
//! every one of those. Transitive closure's `path(X, Z) if path(X, Y),
//! edge(Y, Z)` joins on `Y` carrying only `X`, as a hand-written program
//! would, instead of all three slots.

use std::collections::BTreeSet;

use crate::plan::{AggregatePlan, Column, Expr, Operand, Step};

/// The slots a binding holds, in slot order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Layout(Vec<usize>);

impl Layout {
    pub fn of(slots: impl IntoIterator<Item = usize>) -> Layout {
        let set: BTreeSet<usize> = slots.into_iter().collect();
        Layout(set.into_iter().collect())
    }

    /// Where `slot` is in a binding of this layout, if it holds it.
    pub fn find(&self, slot: usize) -> Option<usize> {
        self.0.binary_search(&slot).ok()
    }

    /// Where `slot` is: a step reads only slots its layout holds.
    pub fn at(&self, slot: usize) -> usize {
        self.find(slot).expect("a slot read is live")
    }

    pub fn slots(&self) -> &[usize] {
        &self.0
    }

    /// Where each slot of `to` is in a binding of this layout.
    pub fn picks(&self, to: &Layout) -> Vec<usize> {
        to.0.iter().map(|&s| self.at(s)).collect()
    }
}

/// The layout before each of `steps` and after the last, when the
/// slots in `after` are read once they are done.
pub(super) fn layouts(steps: &[Step], after: &Layout) -> Vec<Layout> {
    let mut all = vec![after.clone()];
    let mut live: BTreeSet<usize> = after.0.iter().copied().collect();
    for step in steps.iter().rev() {
        for s in binds(step) {
            live.remove(&s);
        }
        live.extend(reads(step));
        all.push(Layout(live.iter().copied().collect()));
    }
    all.reverse();
    all
}

/// The slots a step binds that later steps may read (an existence test
/// binds none: what it binds stays inside it).
pub(super) fn binds(step: &Step) -> Vec<usize> {
    match step {
        Step::Scan { columns, .. } => columns
            .iter()
            .filter_map(|c| match c {
                Column::Bind(s) => Some(*s),
                _ => None,
            })
            .collect(),
        Step::Assign { slot, .. } => vec![*slot],
        Step::Aggregate(agg) if !agg.result_bound => vec![agg.result],
        Step::Aggregate(_) | Step::Absent { .. } | Step::Filter { .. } | Step::Exists(_) => Vec::new(),
    }
}

/// The slots a step reads that were bound before it.
pub(super) fn reads(step: &Step) -> BTreeSet<usize> {
    let mut slots = BTreeSet::new();
    match step {
        Step::Scan { key, columns, .. } => {
            operands(key, &mut slots);
            let own = binds(step);
            slots.extend(columns.iter().filter_map(|c| match c {
                Column::Check(s) if !own.contains(s) => Some(*s),
                _ => None,
            }));
        }
        Step::Absent { key, .. } => operands(key, &mut slots),
        Step::Filter { left, right, .. } => {
            expr(left, &mut slots);
            expr(right, &mut slots);
        }
        Step::Assign { expr: e, .. } => expr(e, &mut slots),
        Step::Exists(inner) => slots = free(inner),
        Step::Aggregate(agg) => slots = aggregate_reads(agg),
    }
    slots
}

/// What an aggregate reads from the binding before it.
fn aggregate_reads(agg: &AggregatePlan) -> BTreeSet<usize> {
    let mut slots = free(&agg.steps);
    let inside: BTreeSet<usize> = agg.steps.iter().flat_map(binds).collect();
    if let Some(s) = agg.target.and_then(Operand::slot) {
        if !inside.contains(&s) {
            slots.insert(s);
        }
    }
    if agg.result_bound {
        slots.insert(agg.result);
    }
    slots
}

/// The slots `steps` read that none of them binds.
fn free(steps: &[Step]) -> BTreeSet<usize> {
    let mut bound = BTreeSet::new();
    let mut slots = BTreeSet::new();
    for step in steps {
        slots.extend(reads(step).into_iter().filter(|s| !bound.contains(s)));
        bound.extend(binds(step));
    }
    slots
}

fn operands(ops: &[Operand], slots: &mut BTreeSet<usize>) {
    slots.extend(ops.iter().filter_map(|o| o.slot()));
}

fn expr(e: &Expr, slots: &mut BTreeSet<usize>) {
    match e {
        Expr::Operand(o) => operands(std::slice::from_ref(o), slots),
        Expr::Binary { left, right, .. } => {
            expr(left, slots);
            expr(right, slots);
        }
        Expr::Neg { operand, .. } => expr(operand, slots),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Access, CompareOp, Version};

    fn scan(pred: usize, key: &[usize], columns: Vec<Column>) -> Step {
        Step::Scan {
            pred,
            version: Version::Full,
            access: if key.is_empty() { Access::Scan } else { Access::Index(0) },
            key: key.iter().map(|&s| Operand::Slot(s)).collect(),
            columns,
            literal: 0,
        }
    }

    fn slots(layouts: &[Layout]) -> Vec<Vec<usize>> {
        layouts.iter().map(|l| l.slots().to_vec()).collect()
    }

    #[test]
    fn a_join_carries_only_what_later_steps_read() {
        // path(X, Z) if path(X, Y), edge(Y, Z): slots X 0, Y 1, Z 2.
        let steps = [
            scan(0, &[], vec![Column::Bind(0), Column::Bind(1)]),
            scan(1, &[1], vec![Column::Skip, Column::Bind(2)]),
        ];
        let after = Layout::of([0, 2]);
        assert_eq!(slots(&layouts(&steps, &after)), [vec![], vec![0, 1], vec![0, 2]]);
    }

    #[test]
    fn a_slot_lives_until_its_last_reader() {
        // q(X) if a(X, Y), b(Y, Z), Z > X, c(Z).
        let steps = [
            scan(0, &[], vec![Column::Bind(0), Column::Bind(1)]),
            scan(1, &[1], vec![Column::Skip, Column::Bind(2)]),
            Step::Filter {
                op: CompareOp::Gt,
                left: Expr::Operand(Operand::Slot(2)),
                right: Expr::Operand(Operand::Slot(0)),
            },
            scan(2, &[2], vec![Column::Skip]),
        ];
        let after = Layout::of([0]);
        let expected = [vec![], vec![0, 1], vec![0, 2], vec![0, 2], vec![0]];
        assert_eq!(slots(&layouts(&steps, &after)), expected);
    }

    #[test]
    fn what_an_existence_test_binds_stays_inside_it() {
        // q(X) if a(X), b(X, _), with the test's own slot 1.
        let inner = vec![scan(1, &[0], vec![Column::Skip, Column::Bind(1)])];
        let steps = [scan(0, &[], vec![Column::Bind(0)]), Step::Exists(inner)];
        assert!(binds(&steps[1]).is_empty());
        assert_eq!(reads(&steps[1]).into_iter().collect::<Vec<_>>(), [0]);
        let after = Layout::of([0]);
        assert_eq!(slots(&layouts(&steps, &after)), [vec![], vec![0], vec![0]]);
    }

    #[test]
    fn a_repeated_variable_is_checked_within_its_atom() {
        // a(X, X): the check reads the slot the same atom binds.
        let step = scan(0, &[], vec![Column::Bind(0), Column::Check(0)]);
        assert!(reads(&step).is_empty());
        assert_eq!(binds(&step), [0]);
    }
}
