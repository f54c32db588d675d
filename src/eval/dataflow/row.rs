//! The rows the dataflow moves: fixed-width values, held inline.
//!
//! Differential dataflow sorts, merges and compares every row it holds
//! many times over, and sends rows between workers. A [`Datum`] is a
//! value in sixteen bytes with no pointer: a number carries itself, a
//! string its id in the interner the program was loaded with (strings
//! come only from the program and its facts, never from arithmetic, so
//! every string a run meets has an id before it starts, and every
//! process of a cluster, loading the same files in the same order, gives
//! it the same id). A [`Row`] of up to [`INLINE`] values holds them in
//! place, so that a binding or fact costs no allocation of its own.
//!
//! The order of data is not the values' order (strings go by id): it
//! only groups equal rows. Comparisons, arithmetic and aggregates read
//! the values ([`Strings`]). A value's datum does not depend on what
//! the interner holds besides it (a number is never an id), so the same
//! value is the same datum in every run and after any change.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::rc::Rc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::intern::{Id, Interner};
use crate::value::Value;

/// A value, as the dataflow holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub(crate) enum Datum {
    Int(i64),
    /// A decimal's bits (equal decimals have equal bits: see
    /// [`Value::decimal`]).
    Dec(u64),
    /// A string's id.
    Str(Id),
}

impl Datum {
    /// What a slot holds before a step binds it.
    pub const UNBOUND: Datum = Datum::Int(0);

    /// The datum of an id of `names`.
    pub fn of_id(id: Id, names: &Interner) -> Datum {
        match names.value(id) {
            Value::Str(_) => Datum::Str(id),
            number => Datum::of_number(&number).expect("a number"),
        }
    }

    /// The datum of a number (`None` for a string).
    pub fn of_number(value: &Value) -> Option<Datum> {
        match value {
            Value::Int(i) => Some(Datum::Int(*i)),
            Value::Dec(d) => Some(Datum::Dec(d.to_bits())),
            Value::Str(_) => None,
        }
    }

    /// Its value, a string's read by `string`.
    pub fn value_with(self, string: impl FnOnce(Id) -> Value) -> Value {
        match self {
            Datum::Int(i) => Value::Int(i),
            Datum::Dec(bits) => Value::Dec(f64::from_bits(bits)),
            Datum::Str(id) => string(id),
        }
    }

    /// Its id in `names`, interning a number made by arithmetic.
    pub fn id(self, names: &mut Interner) -> Id {
        match self {
            Datum::Str(id) => id,
            Datum::Int(i) => names.intern(Value::Int(i)),
            Datum::Dec(bits) => names.intern(Value::Dec(f64::from_bits(bits))),
        }
    }
}

/// The values of strings, by id, as one worker knows them: the table of
/// the interner its dataflow's rows refer to. A live dataflow's changes
/// bring the strings interned since.
#[derive(Clone)]
pub(super) struct Strings(Rc<RefCell<Vec<Value>>>);

impl Strings {
    /// The strings of `names`.
    pub fn of(names: &Interner) -> Strings {
        Strings(Rc::new(RefCell::new(names.table_from(0).cloned().collect())))
    }

    /// The table, its first `keep` values kept and `more` after them.
    pub fn sync(&self, keep: usize, more: &[Value]) {
        let mut table = self.0.borrow_mut();
        table.truncate(keep);
        table.extend_from_slice(more);
    }

    /// The value of a datum.
    pub fn value(&self, datum: Datum) -> Value {
        datum.value_with(|id| self.0.borrow()[id as usize].clone())
    }
}

/// The most values a row holds in place.
pub(super) const INLINE: usize = 2;

/// A fact's values, or a binding's slots.
#[derive(Clone)]
pub(crate) enum Row {
    Inline(u8, [Datum; INLINE]),
    Heap(Box<[Datum]>),
}

impl Row {
    /// The row of a fact of ids of `names`.
    pub fn of_ids(ids: &[Id], names: &Interner) -> Row {
        ids.iter().map(|&id| Datum::of_id(id, names)).collect()
    }

    /// Its ids in `names`.
    pub fn ids(&self, names: &mut Interner) -> Vec<Id> {
        self.iter().map(|d| d.id(names)).collect()
    }

    /// Gives its numbers ids in `names` (its strings have theirs).
    pub fn intern(&self, names: &mut Interner) {
        for d in self.iter().filter(|d| !matches!(d, Datum::Str(_))) {
            d.id(names);
        }
    }

    /// Its ids in `names`, which holds all its values already.
    pub fn known_ids(&self, names: &Interner, ids: &mut Vec<Id>) {
        ids.clear();
        ids.extend(self.iter().map(|&d| match d {
            Datum::Str(id) => id,
            number => names.get(&number.value_with(|id| names.value(id))).expect("interned"),
        }));
    }

    /// Two rows in the order of their values (SPEC §2), strings read
    /// from `names`.
    pub fn cmp_values(&self, other: &Row, names: &Interner) -> Ordering {
        // Equal data are equal values: rows differ where their data first do.
        let first = self.iter().zip(other.iter()).find(|(x, y)| x != y);
        first.map_or(self.len().cmp(&other.len()), |(&x, &y)| match (x, y) {
            (Datum::Int(a), Datum::Int(b)) => a.cmp(&b),
            _ => {
                let value = |d: Datum| d.value_with(|id| names.value(id));
                value(x).total_cmp(&value(y))
            }
        })
    }
}

impl From<&[Datum]> for Row {
    fn from(data: &[Datum]) -> Row {
        if data.len() <= INLINE {
            let mut inline = [Datum::UNBOUND; INLINE];
            inline[..data.len()].copy_from_slice(data);
            Row::Inline(data.len() as u8, inline)
        } else {
            Row::Heap(data.into())
        }
    }
}

impl FromIterator<Datum> for Row {
    fn from_iter<I: IntoIterator<Item = Datum>>(iter: I) -> Row {
        let mut iter = iter.into_iter();
        let mut inline = [Datum::UNBOUND; INLINE];
        let mut len = 0;
        for slot in &mut inline {
            match iter.next() {
                Some(d) => {
                    *slot = d;
                    len += 1;
                }
                None => return Row::Inline(len as u8, inline),
            }
        }
        match iter.next() {
            None => Row::Inline(len as u8, inline),
            Some(more) => {
                let mut all = inline.to_vec();
                all.push(more);
                all.extend(iter);
                Row::Heap(all.into())
            }
        }
    }
}

impl Deref for Row {
    type Target = [Datum];

    fn deref(&self) -> &[Datum] {
        match self {
            Row::Inline(len, data) => &data[..*len as usize],
            Row::Heap(data) => data,
        }
    }
}

impl DerefMut for Row {
    fn deref_mut(&mut self) -> &mut [Datum] {
        match self {
            Row::Inline(len, data) => &mut data[..*len as usize],
            Row::Heap(data) => data,
        }
    }
}

// Equality, order and hash are the values', whichever way they are held
// (a row is inline exactly when it is short, but the slices say so
// without relying on it).
impl PartialEq for Row {
    fn eq(&self, other: &Row) -> bool {
        **self == **other
    }
}

impl Eq for Row {}

impl PartialOrd for Row {
    fn partial_cmp(&self, other: &Row) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Row {
    fn cmp(&self, other: &Row) -> Ordering {
        (**self).cmp(&**other)
    }
}

impl std::hash::Hash for Row {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (**self).hash(state);
    }
}

impl fmt::Debug for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Row {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Row {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Row, D::Error> {
        Vec::<Datum>::deserialize(deserializer).map(|data| Row::from(&data[..]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_short_and_long_are_their_data() {
        for len in 0..=INLINE + 2 {
            let data: Vec<Datum> = (0..len as i64).map(Datum::Int).collect();
            let row: Row = data.iter().copied().collect();
            assert_eq!(&*row, &data[..]);
            assert_eq!(row, Row::from(&data[..]));
            assert_eq!(matches!(row, Row::Inline(..)), len <= INLINE);
        }
        let short: Row = [Datum::Int(1)].into_iter().collect();
        let long: Row = [Datum::Int(1), Datum::Int(0)].into_iter().collect();
        assert!(short < long);
    }

    #[test]
    fn a_value_has_one_datum_and_comes_back() {
        let mut names = Interner::default();
        let values = [Value::Int(3), Value::Int(1 << 40), Value::Dec(2.5), Value::from("turkey")];
        let ids: Vec<Id> = values.iter().map(|v| names.intern(v.clone())).collect();
        let row = Row::of_ids(&ids, &names);
        let strings = Strings::of(&names);
        let back: Vec<Value> = row.iter().map(|&d| strings.value(d)).collect();
        assert_eq!(back, values);
        assert_eq!(row.ids(&mut names), ids);
        assert_eq!(row[1], Datum::Int(1 << 40));
    }
}
