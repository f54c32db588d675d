//! Interning: every constant becomes a `u32` id, so that a fact is a small
//! fixed-width row of ids, equality is id equality, and joins never touch
//! strings.
//!
//! Invariant: ids are dense and stable for the life of the interner; the
//! same value always gets the same id.

use indexmap::IndexSet;

use super::hash::FxBuild;
use crate::value::Value;

/// A value's id.
pub type Id = u32;

/// The table of every constant seen: program text, imports, and values
/// computed by arithmetic and aggregates.
#[derive(Clone, Debug, Default)]
pub struct Interner {
    values: IndexSet<Value, FxBuild>,
}

impl Interner {
    /// The id of `value`, adding it if new.
    pub fn intern(&mut self, value: Value) -> Id {
        let (index, _) = self.values.insert_full(value);
        Id::try_from(index).expect("fewer than 2^32 distinct values")
    }

    /// The id of `value` if it was ever interned.
    pub fn get(&self, value: &Value) -> Option<Id> {
        self.values.get_index_of(value).map(|i| i as Id)
    }

    /// The value of an id.
    pub fn value(&self, id: Id) -> &Value {
        &self.values[id as usize]
    }

    /// For each id, its rank in SPEC §2's total order: sorting rows by
    /// ranks sorts them by value without looking values up.
    pub fn ranks(&self) -> Vec<u32> {
        let mut ids: Vec<Id> = (0..self.values.len() as Id).collect();
        ids.sort_by(|&a, &b| self.value(a).total_cmp(self.value(b)));
        let mut ranks = vec![0; ids.len()];
        for (rank, id) in ids.into_iter().enumerate() {
            ranks[id as usize] = rank as u32;
        }
        ranks
    }
}
