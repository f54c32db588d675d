//! Interning: every constant becomes a `u32` id, so that a fact is a small
//! fixed-width row of ids, equality is id equality, and joins never touch
//! strings.
//!
//! Integers in `-2^30..2^30` are not stored at all: their id is the number
//! itself with the top bit set, so arithmetic and imports of numbers cost no
//! table lookup and no memory (Soufflé keeps numbers in tuples for the same
//! reason). Every other value (strings, decimals, larger integers) gets the
//! index of its entry in a table.
//!
//! Invariant: the same value always has the same id, and ids are stable for
//! the life of the interner.

use std::cmp::Ordering;

use indexmap::IndexSet;

use crate::hash::FxBuild;
use crate::value::Value;

/// A value's id.
pub type Id = u32;

/// Marks an id that is an inline integer.
const INLINE: u32 = 1 << 31;
/// The inline integers: `-2^30 .. 2^30`.
const INLINE_RANGE: std::ops::Range<i64> = -(1 << 30)..(1 << 30);

/// The table of every constant that is not an inline integer.
#[derive(Clone, Debug, Default)]
pub struct Interner {
    values: IndexSet<Value, FxBuild>,
}

impl Interner {
    /// The id of `value`, adding it if new.
    pub fn intern(&mut self, value: Value) -> Id {
        if let Some(id) = inline(&value) {
            return id;
        }
        let (index, _) = self.values.insert_full(value);
        let id = Id::try_from(index).expect("fewer than 2^31 distinct values");
        assert!(id < INLINE, "fewer than 2^31 distinct values");
        id
    }

    /// The id of `value` if it was ever interned.
    pub fn get(&self, value: &Value) -> Option<Id> {
        inline(value).or_else(|| self.values.get_index_of(value).map(|i| i as Id))
    }

    /// The value of an id.
    pub fn value(&self, id: Id) -> Value {
        match as_int(id) {
            Some(i) => Value::Int(i),
            None => self.values[id as usize].clone(),
        }
    }

    /// For an inline integer, a `u32` with the same order as the integers.
    pub fn int_key(id: Id) -> Option<u32> {
        as_int(id).map(|i| (i - INLINE_RANGE.start) as u32)
    }

    /// Every string interned so far (for did-you-mean suggestions).
    pub fn strings(&self) -> impl Iterator<Item = &str> {
        self.values.iter().filter_map(|v| match v {
            Value::Str(s) => Some(&**s),
            _ => None,
        })
    }

    /// SPEC §2's total order on the values of two ids.
    pub fn cmp(&self, a: Id, b: Id) -> Ordering {
        if a == b {
            return Ordering::Equal;
        }
        match (as_int(a), as_int(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => self.value(a).total_cmp(&self.value(b)),
        }
    }

    /// Compares two rows column by column in the total order.
    pub fn cmp_rows(&self, a: &[Id], b: &[Id]) -> Ordering {
        a.iter()
            .zip(b)
            .map(|(&x, &y)| self.cmp(x, y))
            .find(|o| o.is_ne())
            .unwrap_or(a.len().cmp(&b.len()))
    }
}

fn inline(value: &Value) -> Option<Id> {
    match value {
        Value::Int(i) if INLINE_RANGE.contains(i) => Some(INLINE | (*i as u32 & !INLINE)),
        _ => None,
    }
}

fn as_int(id: Id) -> Option<i64> {
    // Shift the 31-bit payload up and back to sign-extend it.
    (id & INLINE != 0).then(|| i64::from(((id << 1) as i32) >> 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_integers_are_inline_and_everything_round_trips() {
        let mut interner = Interner::default();
        let values = [
            Value::Int(0),
            Value::Int(-1),
            Value::Int((1 << 30) - 1),
            Value::Int(-(1 << 30)),
            Value::Int(1 << 30),
            Value::Int(i64::MIN),
            Value::Dec(1.5),
            Value::from("azerbaijan"),
        ];
        for v in &values {
            let id = interner.intern(v.clone());
            assert_eq!(interner.value(id), *v);
            assert_eq!(interner.get(v), Some(id));
            assert_eq!(interner.intern(v.clone()), id);
        }
        // Only the values outside the inline range take table entries.
        assert_eq!(interner.values.len(), 4);
        let (a, b) = (
            interner.intern(Value::Int(-5)),
            interner.intern(Value::Int(3)),
        );
        assert_eq!(interner.cmp(a, b), Ordering::Less);
        let s = interner.intern(Value::from("a"));
        assert_eq!(interner.cmp(s, b), Ordering::Greater);
    }
}
