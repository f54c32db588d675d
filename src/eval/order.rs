//! Canonical order (SPEC §6): the rows of a predicate sorted by value,
//! by packed integer keys where the rows allow, on the pool's threads
//! when they are many.

use rayon::slice::ParallelSliceMut;

use super::relation::RowId;
use super::Database;
use crate::intern::{Id, Interner, Names};
use crate::plan::PredId;
use crate::value::Value;

/// Rows above which canonical order is sorted on several threads.
const PARALLEL_SORT: usize = 1 << 16;

impl Database {
    /// The rows of a predicate in canonical order (SPEC §6): all of them,
    /// or only the derived ones.
    pub fn sorted_rows(&self, pred: PredId, derived_only: bool) -> Vec<RowId> {
        let rel = &self.relations[pred];
        let live = self.rows_of(pred, derived_only);
        // Keys are computed once, reading the rows in order; the sort
        // then moves plain integers.
        let keys: Option<Vec<(u64, RowId)>> = live
            .clone()
            .map(|r| packed_key(rel.row(r)).map(|k| (k, r)))
            .collect();
        match keys {
            Some(mut keys) => {
                sort(&mut keys, |a, b| a.cmp(b));
                keys.into_iter().map(|(_, r)| r).collect()
            }
            None => {
                let mut rows: Vec<RowId> = live.collect();
                sort(&mut rows, |&a, &b| {
                    self.interner.cmp_rows(rel.row(a), rel.row(b))
                });
                rows
            }
        }
    }

    /// The rows of a predicate in canonical order as their packed keys
    /// (see [`packed_key`]), when every row has one: half the memory of
    /// row ids with their keys, and enough to print the rows.
    pub fn sorted_keys(&self, pred: PredId, derived_only: bool) -> Option<Vec<u64>> {
        let rel = &self.relations[pred];
        let mut keys: Vec<u64> = self
            .rows_of(pred, derived_only)
            .map(|r| packed_key(rel.row(r)))
            .collect::<Option<_>>()?;
        sort(&mut keys, u64::cmp);
        Some(keys)
    }

    /// [`Database::sorted_keys`], taking the rows out of the relation as
    /// they are read (a block at a time, each block's memory freed), so
    /// that the keys take the rows' memory rather than as much again: for
    /// a model about to be dropped. Leaves the rows in place when some row
    /// has no key.
    pub fn take_sorted_keys(&mut self, pred: PredId, derived_only: bool) -> Option<Vec<u64>> {
        let rel = &self.relations[pred];
        if !rel.live_rows().all(|r| packed_key(rel.row(r)).is_some()) {
            return None;
        }
        let given = &self.given[pred];
        let mut keys = Vec::new();
        self.relations[pred].drain_rows(|r, row| {
            if !derived_only || !given.contains(r) {
                keys.extend(packed_key(row));
            }
        });
        sort(&mut keys, u64::cmp);
        Some(keys)
    }

    /// The live rows of a predicate, all or only the derived ones.
    fn rows_of(
        &self,
        pred: PredId,
        derived_only: bool,
    ) -> impl Iterator<Item = RowId> + Clone + '_ {
        let given = &self.given[pred];
        self.relations[pred]
            .live_rows()
            .filter(move |r| !derived_only || !given.contains(*r))
    }

    /// Sorts rows of ids in canonical order (SPEC §6).
    pub fn sort_canonical(&self, rows: &mut [&[Id]]) {
        let keys: Option<Vec<(u64, u32)>> = rows
            .iter()
            .enumerate()
            .map(|(i, row)| packed_key(row).map(|k| (k, i as u32)))
            .collect();
        if let Some(mut keys) = keys {
            // Each key computed once: comparisons are of plain integers.
            keys.sort_unstable();
            let unsorted = rows.to_vec();
            for (slot, (_, i)) in rows.iter_mut().zip(keys) {
                *slot = unsorted[i as usize];
            }
        } else {
            rows.sort_unstable_by(|a, b| self.interner.cmp_rows(a, b));
        }
    }

    /// The facts of a predicate as values, in canonical order.
    pub fn facts(&self, pred: PredId, derived_only: bool) -> Vec<Vec<Value>> {
        let rel = &self.relations[pred];
        self.sorted_rows(pred, derived_only)
            .into_iter()
            .map(|r| self.values(rel.row(r)))
            .collect()
    }
}

/// Rows of at most two inline integers sort by one packed key (sorting
/// by it is the canonical order); `None` for other rows.
/// Sorts, on the threads of the rayon pool it runs in (see
/// [`threads::Threads`]) when `items` are many; outside a pool, on the
/// calling thread alone. A total order: the result is the same either way.
pub(crate) fn sort<T: Send>(items: &mut [T], order: impl Fn(&T, &T) -> std::cmp::Ordering + Sync) {
    if items.len() > PARALLEL_SORT && rayon::current_thread_index().is_some() {
        items.par_sort_unstable_by(order);
    } else {
        items.sort_unstable_by(order);
    }
}

/// The row of a [`packed_key`] (of a row of `arity` columns).
pub fn unpack_key(key: u64, arity: usize, row: &mut Vec<Id>) {
    row.clear();
    for c in (0..arity).rev() {
        row.push(Interner::from_int_key((key >> (32 * c)) as u32));
    }
}

/// An order-preserving integer key of a row of at most two small
/// integers: comparing keys compares the rows canonically.
pub fn packed_key(row: &[Id]) -> Option<u64> {
    if row.len() > 2 {
        return None;
    }
    row.iter().try_fold(0u64, |k, &id| {
        Interner::int_key(id).map(|i| (k << 32) | u64::from(i))
    })
}
