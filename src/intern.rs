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

    /// The number of values in the table (the ids below it; inline
    /// integers are not counted).
    pub fn table_len(&self) -> usize {
        self.values.len()
    }

    /// The table's values from index `start` on, in id order.
    pub fn table_from(&self, start: usize) -> impl Iterator<Item = &Value> {
        self.values.iter().skip(start)
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

    /// The id whose [`Interner::int_key`] is `key`.
    pub fn from_int_key(key: u32) -> Id {
        INLINE | ((i64::from(key) + INLINE_RANGE.start) as u32 & !INLINE)
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
}

/// What a join needs of the value table: the values of ids, and ids for
/// the values it computes.
pub trait Names {
    /// The value of an id.
    fn value(&self, id: Id) -> Value;
    /// The id of `value`, adding it if new.
    fn intern(&mut self, value: Value) -> Id;
    /// SPEC §2's total order on the values of two ids.
    fn cmp(&self, a: Id, b: Id) -> Ordering {
        if a == b {
            return Ordering::Equal;
        }
        match (as_int(a), as_int(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => self.value(a).total_cmp(&self.value(b)),
        }
    }

    /// Compares two rows column by column in the total order.
    fn cmp_rows(&self, a: &[Id], b: &[Id]) -> Ordering {
        a.iter()
            .zip(b)
            .map(|(&x, &y)| self.cmp(x, y))
            .find(|o| o.is_ne())
            .unwrap_or(a.len().cmp(&b.len()))
    }
}

impl Names for Interner {
    fn value(&self, id: Id) -> Value {
        Interner::value(self, id)
    }

    fn intern(&mut self, value: Value) -> Id {
        Interner::intern(self, value)
    }
}

/// A parallel worker's view of an interner that nobody may change while
/// the workers run: a value the table lacks gets a *provisional* id past
/// the table's end, private to this overlay. [`Interner::settle`] interns
/// them for real when the worker's results are merged.
#[derive(Debug)]
pub struct Overlay<'a> {
    base: &'a Interner,
    minted: IndexSet<Value, FxBuild>,
}

impl<'a> Overlay<'a> {
    /// An overlay with nothing minted yet.
    pub fn new(base: &'a Interner) -> Overlay<'a> {
        Overlay {
            base,
            minted: IndexSet::default(),
        }
    }

    /// The values given provisional ids.
    pub fn into_minted(self) -> Minted {
        Minted {
            start: self.base.values.len() as Id,
            values: self.minted.into_iter().collect(),
        }
    }
}

/// The values an [`Overlay`] minted: provisional id `start + i` is
/// `values[i]`.
#[derive(Debug)]
pub struct Minted {
    start: Id,
    values: Vec<Value>,
}

impl Minted {
    /// True when the overlay minted nothing: its ids are all real.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

impl Names for Overlay<'_> {
    fn value(&self, id: Id) -> Value {
        let start = self.base.values.len();
        match as_int(id) {
            Some(i) => Value::Int(i),
            None if (id as usize) < start => self.base.values[id as usize].clone(),
            None => self.minted[id as usize - start].clone(),
        }
    }

    fn intern(&mut self, value: Value) -> Id {
        if let Some(id) = self.base.get(&value) {
            return id;
        }
        let (index, _) = self.minted.insert_full(value);
        let id = Id::try_from(self.base.values.len() + index).expect("fewer than 2^31 values");
        assert!(id < INLINE, "fewer than 2^31 distinct values");
        id
    }
}

impl Interner {
    /// Interns the values an [`Overlay`] of this interner minted and
    /// returns a function from the overlay's ids to real ones (the others
    /// are unchanged). The interner may have grown since the overlay was
    /// made (other overlays settled first): ids only ever get added.
    pub fn settle(&mut self, minted: Minted) -> impl Fn(Id) -> Id {
        let start = minted.start;
        let real: Vec<Id> = minted.values.into_iter().map(|v| self.intern(v)).collect();
        move |id| {
            if id >= start && id & INLINE == 0 {
                real[(id - start) as usize]
            } else {
                id
            }
        }
    }
}

/// The canonical text (SPEC §6) of every value of an interner, ready to be
/// copied into output many times over: printing millions of facts formats
/// each string once, and integers without the formatting machinery.
#[derive(Debug)]
pub struct Texts {
    table: Vec<String>,
}

impl Texts {
    /// The texts of the values `interner` holds now.
    pub fn new(interner: &Interner) -> Texts {
        Texts {
            table: interner.values.iter().map(Value::to_string).collect(),
        }
    }

    /// Appends the text of `id`'s value.
    #[inline]
    pub fn push(&self, id: Id, out: &mut Vec<u8>) {
        match as_int(id) {
            Some(i) => push_int(i, out),
            None => out.extend_from_slice(self.table[id as usize].as_bytes()),
        }
    }
}

/// Appends an integer in decimal.
fn push_int(i: i64, out: &mut Vec<u8>) {
    let mut digits = [0u8; 20];
    let mut n = i.unsigned_abs();
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if i < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&digits[at..]);
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
        for i in [0, -1, 5, (1 << 30) - 1, -(1 << 30)] {
            let id = interner.intern(Value::Int(i));
            assert_eq!(Interner::from_int_key(Interner::int_key(id).unwrap()), id);
        }
    }

    #[test]
    fn texts_are_the_canonical_print_of_every_value() {
        let mut interner = Interner::default();
        let values = [
            Value::Int(0),
            Value::Int(-7),
            Value::Int(1 << 30),
            Value::Int(i64::MIN),
            Value::Int(i64::MAX),
            Value::Int((1 << 30) - 1),
            Value::Dec(2.0),
            Value::from("azerbaijan"),
            Value::from("Nagorno \"Karabakh\""),
        ];
        let ids: Vec<Id> = values.iter().map(|v| interner.intern(v.clone())).collect();
        let texts = Texts::new(&interner);
        for (v, id) in values.iter().zip(ids) {
            let mut out = Vec::new();
            texts.push(id, &mut out);
            assert_eq!(String::from_utf8(out).unwrap(), v.to_string());
        }
    }

    #[test]
    fn an_overlay_mints_provisional_ids_that_settle_into_real_ones() {
        let mut interner = Interner::default();
        let a = interner.intern(Value::from("a"));
        let mut overlay = Overlay::new(&interner);
        assert_eq!(Names::intern(&mut overlay, Value::from("a")), a);
        assert_eq!(
            Names::intern(&mut overlay, Value::Int(7)),
            interner.get(&Value::Int(7)).unwrap()
        );
        let b = Names::intern(&mut overlay, Value::from("b"));
        let c = Names::intern(&mut overlay, Value::Dec(0.5));
        assert_eq!(Names::intern(&mut overlay, Value::from("b")), b);
        assert_eq!(overlay.value(c), Value::Dec(0.5));
        assert_eq!(Names::cmp(&overlay, a, b), Ordering::Less);
        let minted = overlay.into_minted();
        // Another worker interned "b" first: its real id is found.
        let real_b = interner.intern(Value::from("b"));
        let map = interner.settle(minted);
        assert_eq!(map(b), real_b);
        assert_eq!(interner.value(map(c)), Value::Dec(0.5));
        assert_eq!(map(a), a);
    }
}
