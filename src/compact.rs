//! Values kept by the million in eight bytes each while they fit.
//!
//! A large program keeps one span per given fact (its statement) and one
//! origin per given row of the model. Either is sixteen bytes or more as a
//! Rust value, but in practice both fit in eight: sources under 4 GiB,
//! fewer than 2^31 imports. A [`Packed`] vector stores the packed form and
//! turns itself into a plain vector, once, the first time a value does not
//! fit, so that no input is refused for its size.

/// A value with an eight-byte form for the usual case.
pub trait Pack: Copy {
    /// The packed form, when the value has one.
    fn pack(self) -> Option<u64>;
    /// The value of a packed form.
    fn unpack(packed: u64) -> Self;
}

/// A vector of `T`, eight bytes an element while every element packs.
#[derive(Clone, Debug)]
pub enum Packed<T> {
    /// Every element packed.
    Narrow(Vec<u64>),
    /// Some element did not pack: the elements as they are.
    Wide(Vec<T>),
}

impl<T> Default for Packed<T> {
    fn default() -> Self {
        Packed::Narrow(Vec::new())
    }
}

impl<T: Pack> Packed<T> {
    /// The number of elements.
    pub fn len(&self) -> usize {
        match self {
            Packed::Narrow(v) => v.len(),
            Packed::Wide(v) => v.len(),
        }
    }

    /// True when there is none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Element `i`.
    pub fn get(&self, i: usize) -> T {
        match self {
            Packed::Narrow(v) => T::unpack(v[i]),
            Packed::Wide(v) => v[i],
        }
    }

    /// Makes room for `n` more.
    pub fn reserve(&mut self, n: usize) {
        match self {
            Packed::Narrow(v) => v.reserve(n),
            Packed::Wide(v) => v.reserve(n),
        }
    }

    /// Appends `value`.
    pub fn push(&mut self, value: T) {
        let len = self.len();
        self.insert(len, value);
    }

    /// Inserts `value` at `i`, shifting the rest.
    pub fn insert(&mut self, i: usize, value: T) {
        if let Packed::Narrow(v) = self {
            match value.pack() {
                Some(packed) => return v.insert(i, packed),
                None => self.widen(),
            }
        }
        if let Packed::Wide(v) = self {
            v.insert(i, value);
        }
    }

    /// Replaces element `i`, returning the one before.
    pub fn set(&mut self, i: usize, value: T) -> T {
        if let Packed::Narrow(v) = self {
            match value.pack() {
                Some(packed) => return T::unpack(std::mem::replace(&mut v[i], packed)),
                None => self.widen(),
            }
        }
        match self {
            Packed::Wide(v) => std::mem::replace(&mut v[i], value),
            Packed::Narrow(_) => unreachable!("widened above"),
        }
    }

    /// Removes element `i`, shifting the rest.
    pub fn remove(&mut self, i: usize) -> T {
        match self {
            Packed::Narrow(v) => T::unpack(v.remove(i)),
            Packed::Wide(v) => v.remove(i),
        }
    }

    /// Keeps the first `len` elements.
    pub fn truncate(&mut self, len: usize) {
        match self {
            Packed::Narrow(v) => v.truncate(len),
            Packed::Wide(v) => v.truncate(len),
        }
    }

    /// The elements in order.
    pub fn iter(&self) -> impl Iterator<Item = T> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    fn widen(&mut self) {
        if let Packed::Narrow(v) = self {
            let wide = v.iter().map(|&p| T::unpack(p)).collect();
            *self = Packed::Wide(wide);
        }
    }
}

impl Pack for crate::source::Span {
    /// Start in the low half, length in the high half.
    fn pack(self) -> Option<u64> {
        let start = u32::try_from(self.start).ok()?;
        let len = u32::try_from(self.end.checked_sub(self.start)?).ok()?;
        Some(u64::from(start) | u64::from(len) << 32)
    }

    fn unpack(packed: u64) -> Self {
        let start = (packed & u64::from(u32::MAX)) as usize;
        crate::source::Span::new(start, start + (packed >> 32) as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    #[test]
    fn widens_once_a_value_does_not_pack_and_keeps_every_value() {
        let mut spans: Packed<Span> = Packed::default();
        spans.push(Span::new(3, 10));
        spans.push(Span::new(20, 21));
        assert!(matches!(spans, Packed::Narrow(_)));
        let far = Span::new(1 << 40, (1 << 40) + 5);
        spans.insert(1, far);
        assert!(matches!(spans, Packed::Wide(_)));
        let all: Vec<Span> = spans.iter().collect();
        assert_eq!(all, [Span::new(3, 10), far, Span::new(20, 21)]);
        assert_eq!(spans.remove(0), Span::new(3, 10));
        assert_eq!(spans.set(0, Span::new(1, 2)), far);
        spans.truncate(1);
        assert_eq!(spans.iter().collect::<Vec<_>>(), [Span::new(1, 2)]);
    }
}
