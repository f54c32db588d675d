//! The rows the dataflow moves: fixed-width values, held inline.
//!
//! Differential dataflow sorts, merges and compares every row it holds
//! many times over, and sends rows between workers. A [`Datum`] is a
//! value in sixteen bytes with no pointer: a number carries itself, a
//! string its id in the interner the program was loaded with (strings
//! come only from the program and its facts, never from arithmetic, so
//! every string a run meets has an id before it starts, and every
//! process of a cluster, loading the same files in the same order, gives
//! it the same id). A [`Row`] of up to [`INLINE`] small values holds
//! them in place, as a 32-bit word each and their kinds in a byte, so
//! that a binding or fact costs no allocation of its own and moves as 16
//! bytes.
//!
//! The order of data is not the values' order (strings go by id): it
//! only groups equal rows. Comparisons, arithmetic and aggregates read
//! the values ([`Strings`]). A value's datum does not depend on what
//! the interner holds besides it (a number is never an id), so the same
//! value is the same datum in every run and after any change.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::fmt;
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
pub(super) const INLINE: usize = 3;

/// A fact's values, or a binding's slots. A short row of integers that
/// fit 32 bits and strings holds them in place as 32-bit words, with
/// their kinds in a byte (a bit each), so that the rows differential
/// dataflow sorts and moves are 16 bytes, where a row of [`Datum`]s in
/// place would be 40; any other row (longer, or with a decimal or a
/// larger integer) is on the heap. Which way a row is held depends only
/// on its data, and a row in place has its unused words and kinds zero,
/// so that equality, order and hash are the data's. (The order only
/// groups equal rows: see [`Row::cmp_values`].)
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Row {
    /// Length, kinds, words.
    Inline(u8, u8, [u32; INLINE]),
    /// Boxed twice, so that the row is as small as the ones in place.
    Heap(Box<Box<[Datum]>>),
}

/// A datum's kind and word, if a row can hold it in place.
fn split(datum: Datum) -> Option<(u8, u32)> {
    match datum {
        Datum::Int(i) => i32::try_from(i).ok().map(|i| (0, i as u32)),
        Datum::Str(id) => Some((1, id)),
        Datum::Dec(_) => None,
    }
}

/// The datum of a kind and word held in place.
fn join(kind: u8, word: u32) -> Datum {
    match kind {
        0 => Datum::Int(i64::from(word as i32)),
        _ => Datum::Str(word),
    }
}

impl Row {
    /// The row of no values.
    pub const EMPTY: Row = Row::Inline(0, 0, [0; INLINE]);

    pub fn len(&self) -> usize {
        match self {
            Row::Inline(len, ..) => usize::from(*len),
            Row::Heap(data) => data.len(),
        }
    }

    /// Its `i`th value.
    pub fn get(&self, i: usize) -> Datum {
        match self {
            Row::Inline(len, kinds, words) => {
                debug_assert!(i < usize::from(*len));
                join((kinds >> i) & 1, words[i])
            }
            Row::Heap(data) => data[i],
        }
    }

    /// Its values in order.
    pub fn iter(&self) -> impl Iterator<Item = Datum> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// The row of a fact of ids of `names`.
    pub fn of_ids(ids: &[Id], names: &Interner) -> Row {
        ids.iter().map(|&id| Datum::of_id(id, names)).collect()
    }

    /// Its ids in `names`.
    pub fn ids(&self, names: &mut Interner) -> Vec<Id> {
        self.iter().map(|d| d.id(names)).collect()
    }

    /// A row in place as two words, for order and hash: its words,
    /// then its length and kinds (one to one with its fields).
    #[inline]
    fn packed(len: u8, kinds: u8, words: &[u32; INLINE]) -> (u64, u64) {
        let high = u64::from(words[0]) << 32 | u64::from(words[1]);
        let low = u64::from(words[2]) << 32 | u64::from(len) << 8 | u64::from(kinds);
        (high, low)
    }

    /// Two rows in the order of their values (SPEC §2), strings read
    /// from `names`.
    pub fn cmp_values(&self, other: &Row, names: &Interner) -> Ordering {
        // Equal data are equal values: rows differ where their data first do.
        let first = self.iter().zip(other.iter()).find(|(x, y)| x != y);
        first.map_or(self.len().cmp(&other.len()), |(x, y)| match (x, y) {
            (Datum::Int(a), Datum::Int(b)) => a.cmp(&b),
            _ => {
                let value = |d: Datum| d.value_with(|id| names.value(id));
                value(x).total_cmp(&value(y))
            }
        })
    }
}

// Order and hash by hand: differential dataflow compares and hashes rows
// more than it does anything else with them, and a row in place goes as
// two words rather than field by field. Rows in place come first.
impl Ord for Row {
    #[inline]
    fn cmp(&self, other: &Row) -> Ordering {
        match (self, other) {
            (Row::Inline(a, b, c), Row::Inline(x, y, z)) => Row::packed(*a, *b, c).cmp(&Row::packed(*x, *y, z)),
            (Row::Inline(..), Row::Heap(_)) => Ordering::Less,
            (Row::Heap(_), Row::Inline(..)) => Ordering::Greater,
            (Row::Heap(a), Row::Heap(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for Row {
    #[inline]
    fn partial_cmp(&self, other: &Row) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl std::hash::Hash for Row {
    #[inline]
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match self {
            Row::Inline(len, kinds, words) => {
                let (high, low) = Row::packed(*len, *kinds, words);
                state.write_u64(high);
                state.write_u64(low);
            }
            Row::Heap(data) => data.hash(state),
        }
    }
}

impl From<&[Datum]> for Row {
    fn from(data: &[Datum]) -> Row {
        data.iter().copied().collect()
    }
}

impl FromIterator<Datum> for Row {
    fn from_iter<I: IntoIterator<Item = Datum>>(iter: I) -> Row {
        let mut iter = iter.into_iter();
        let (mut kinds, mut words) = (0u8, [0u32; INLINE]);
        let mut held = [Datum::UNBOUND; INLINE];
        for i in 0..INLINE {
            let Some(d) = iter.next() else {
                return Row::Inline(i as u8, kinds, words);
            };
            held[i] = d;
            match split(d) {
                Some((kind, word)) => {
                    kinds |= kind << i;
                    words[i] = word;
                }
                None => return Row::Heap(Box::new(held[..=i].iter().copied().chain(iter).collect())),
            }
        }
        match iter.next() {
            None => Row::Inline(INLINE as u8, kinds, words),
            Some(more) => Row::Heap(Box::new(held.into_iter().chain([more]).chain(iter).collect())),
        }
    }
}

impl fmt::Debug for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

// On the wire (timely sends what crosses between processes in bincode),
// a row in place goes as a byte of its length and kinds and then its
// words, 1 + 4 × length bytes (a pair of ids in 9, where a sequence of
// data would take 32); a row on the heap as a marker byte and its data.
// The tuple's declared length varies with the row: bincode writes none,
// and reading takes exactly the elements the first byte announces.

/// The first byte of a row on the heap (one in place has its length,
/// at most [`INLINE`], in the low two bits and its kinds above).
const HEAP: u8 = u8::MAX;

impl Serialize for Row {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeTuple;
        match self {
            Row::Inline(len, kinds, words) => {
                let len = usize::from(*len);
                let mut tuple = serializer.serialize_tuple(1 + len)?;
                tuple.serialize_element(&(len as u8 | kinds << 2))?;
                for word in &words[..len] {
                    tuple.serialize_element(word)?;
                }
                tuple.end()
            }
            Row::Heap(data) => {
                let mut tuple = serializer.serialize_tuple(2)?;
                tuple.serialize_element(&HEAP)?;
                tuple.serialize_element(&data[..])?;
                tuple.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Row {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Row, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Row;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a row")
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Row, A::Error> {
                use serde::de::Error;
                let first: u8 = seq.next_element()?.ok_or_else(|| A::Error::invalid_length(0, &self))?;
                if first == HEAP {
                    let data: Vec<Datum> = seq.next_element()?.ok_or_else(|| A::Error::invalid_length(1, &self))?;
                    return Ok(Row::from(&data[..]));
                }
                let (len, kinds) = (first & 3, first >> 2);
                // (Unused kinds are zero, as equality wants.)
                if usize::from(len) > INLINE || kinds >> len != 0 {
                    return Err(A::Error::custom(format_args!("a row's first byte {first}")));
                }
                let mut words = [0; INLINE];
                for (i, word) in words.iter_mut().enumerate().take(usize::from(len)) {
                    *word = seq.next_element()?.ok_or_else(|| A::Error::invalid_length(1 + i, &self))?;
                }
                Ok(Row::Inline(len, kinds, words))
            }
        }
        deserializer.deserialize_tuple(1 + INLINE, Visitor)
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
            assert_eq!(row.iter().collect::<Vec<_>>(), data);
            assert_eq!(row.len(), len);
            assert_eq!(row, Row::from(&data[..]));
            assert_eq!(matches!(row, Row::Inline(..)), len <= INLINE);
        }
        let short: Row = [Datum::Int(1)].into_iter().collect();
        let long: Row = [Datum::Int(1), Datum::Int(0)].into_iter().collect();
        assert!(short < long);
    }

    #[test]
    fn order_and_hash_agree_with_equality() {
        use std::hash::{BuildHasher, RandomState};
        let data = [Datum::Int(0), Datum::Int(-1), Datum::Int(7), Datum::Str(0), Datum::Str(7), Datum::Dec(5), Datum::Int(1 << 40)];
        let mut rows = vec![Row::EMPTY];
        for a in data {
            rows.push(Row::from(&[a][..]));
            for b in data {
                rows.push(Row::from(&[a, b][..]));
                rows.push(Row::from(&[a, b, a][..]));
                rows.push(Row::from(&[a, b, b][..]));
                rows.push(Row::from(&[a, b, a, b][..]));
            }
        }
        let hasher = RandomState::new();
        for x in &rows {
            for y in &rows {
                let same = x.iter().eq(y.iter());
                assert_eq!(x == y, same, "{x:?} {y:?}");
                assert_eq!(x.cmp(y) == Ordering::Equal, same, "{x:?} {y:?}");
                assert_eq!(x.cmp(y), y.cmp(x).reverse(), "{x:?} {y:?}");
                if same {
                    assert_eq!(hasher.hash_one(x), hasher.hash_one(y));
                }
                for z in &rows {
                    if x < y && y < z {
                        assert!(x < z, "{x:?} {y:?} {z:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn rows_cross_the_wire_compact_and_whole() {
        let small = [Datum::Int(-7), Datum::Str(3), Datum::Int(i64::from(i32::MAX))];
        let mut rows: Vec<Row> = (0..=INLINE).map(|n| Row::from(&small[..n])).collect();
        rows.push(Row::from(&[Datum::Dec(5), Datum::Int(1)][..]));
        rows.push(Row::from(&[Datum::Int(1), Datum::Str(2), Datum::Int(3), Datum::Int(1 << 40)][..]));
        for row in &rows {
            let bytes = bincode::serialize(row).expect("serialized");
            if let Row::Inline(len, ..) = row {
                assert_eq!(bytes.len(), 1 + 4 * usize::from(*len), "{row:?}");
            }
            // A row read back is the same row, and reads no further: the
            // next thing on the wire comes after it.
            let (back, next): (Row, u64) = bincode::deserialize(&bincode::serialize(&(row, 99u64)).expect("serialized")).expect("read");
            assert_eq!((&back, next), (row, 99), "{row:?}");
        }
        // A first byte no row in place has is an error, not a row.
        for first in [3 | 0b1000 << 2, 2 | 0b100 << 2] {
            assert!(bincode::deserialize::<Row>(&[first, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]).is_err(), "{first}");
        }
    }

    #[test]
    fn a_value_has_one_datum_and_comes_back() {
        let mut names = Interner::default();
        let values = [Value::Int(3), Value::Int(1 << 40), Value::Dec(2.5), Value::from("turkey")];
        let ids: Vec<Id> = values.iter().map(|v| names.intern(v.clone())).collect();
        let row = Row::of_ids(&ids, &names);
        let strings = Strings::of(&names);
        let back: Vec<Value> = row.iter().map(|d| strings.value(d)).collect();
        assert_eq!(back, values);
        assert_eq!(row.ids(&mut names), ids);
        assert_eq!(row.get(1), Datum::Int(1 << 40));
        // Integers of 32 bits and strings are held in place, a decimal or a
        // larger integer on the heap: either way each comes back.
        let (dec, str, big) = (Datum::of_id(ids[2], &names), Datum::of_id(ids[3], &names), Datum::Int(1 << 40));
        let small = [Datum::Int(-7), Datum::Int(i64::from(i32::MIN)), Datum::Int(i64::from(i32::MAX)), str];
        for data in [[small[0], str], [small[1], small[2]], [dec, Datum::Int(3)], [str, big], [str, Datum::Int(-(1 << 31) - 1)]] {
            let row = Row::from(&data[..]);
            let in_place = data.iter().all(|d| small.contains(d));
            assert_eq!(matches!(row, Row::Inline(..)), in_place, "{data:?}");
            assert_eq!(row.iter().collect::<Vec<_>>(), data);
            assert_eq!(row.len(), 2);
        }
    }
}
