//! Which rows of a relation are given, and where each came from.
//!
//! A relation loaded from a large file is mostly given rows, so this map
//! is kept as small as the rows themselves: the given row ids in
//! ascending order beside their origins, packed in eight bytes each
//! ([`Packed`]), twelve bytes a row in all (a hash map of the same
//! entries took about thirty-seven). Given rows are loaded, and added, in
//! row order, so nearly every insertion is an append; a derived fact
//! given later is the exception, inserted in its place.

use crate::compact::{Pack, Packed};
use crate::source::Span;

use super::relation::RowId;

/// Where a given fact came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A fact statement, by its span (stable while statements come and
    /// go).
    Stated(Span),
    /// A row of an imported file: the import's index in
    /// [`crate::load::Program::imports`] and the 1-based line in the file.
    Import {
        /// Which import.
        import: usize,
        /// Line in the data file.
        line: u64,
    },
}

/// Marks a packed [`Origin::Import`].
const IMPORT: u64 = 1 << 63;

impl Pack for Origin {
    /// A statement's span as [`Span`] packs it, its length under 2^31; an
    /// import's index (under 2^31) in the high half and its line (under
    /// 2^32) in the low one, with the top bit set.
    fn pack(self) -> Option<u64> {
        match self {
            Origin::Stated(span) => span.pack().filter(|p| p & IMPORT == 0),
            Origin::Import { import, line } => {
                let import = u32::try_from(import).ok().filter(|i| i >> 31 == 0)?;
                let line = u32::try_from(line).ok()?;
                Some(IMPORT | u64::from(import) << 32 | u64::from(line))
            }
        }
    }

    fn unpack(packed: u64) -> Self {
        if packed & IMPORT == 0 {
            return Origin::Stated(Span::unpack(packed));
        }
        Origin::Import {
            import: ((packed & !IMPORT) >> 32) as usize,
            line: packed & u64::from(u32::MAX),
        }
    }
}

/// The given rows of one relation, with their origins.
#[derive(Clone, Debug, Default)]
pub struct GivenRows {
    /// Ascending.
    rows: Vec<RowId>,
    origins: Packed<Origin>,
}

impl GivenRows {
    /// The number of given rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when no row is given.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Makes room for `n` more.
    pub fn reserve(&mut self, n: usize) {
        self.rows.reserve(n);
        self.origins.reserve(n);
    }

    /// Where row `r` came from, if it is given.
    pub fn get(&self, r: RowId) -> Option<Origin> {
        self.rows
            .binary_search(&r)
            .ok()
            .map(|i| self.origins.get(i))
    }

    /// True when row `r` is given.
    pub fn contains(&self, r: RowId) -> bool {
        self.rows.binary_search(&r).is_ok()
    }

    /// Gives row `r` its origin, returning the one it had.
    pub fn insert(&mut self, r: RowId, origin: Origin) -> Option<Origin> {
        if self.rows.last().is_none_or(|&last| last < r) {
            self.rows.push(r);
            self.origins.push(origin);
            return None;
        }
        match self.rows.binary_search(&r) {
            Ok(i) => Some(self.origins.set(i, origin)),
            Err(i) => {
                self.rows.insert(i, r);
                self.origins.insert(i, origin);
                None
            }
        }
    }

    /// Takes row `r`'s given status, returning its origin.
    pub fn remove(&mut self, r: RowId) -> Option<Origin> {
        let i = self.rows.binary_search(&r).ok()?;
        self.rows.remove(i);
        Some(self.origins.remove(i))
    }

    /// Renumbers the rows after a compaction (`moved[r]` is row `r`'s new
    /// id; compaction keeps the rows' order, so the ids stay ascending).
    pub fn renumber(&mut self, moved: &[RowId]) {
        for r in &mut self.rows {
            *r = moved[*r as usize];
        }
        debug_assert!(self.rows.is_sorted());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_pack_and_unpack_to_themselves() {
        for origin in [
            Origin::Stated(Span::new(0, 0)),
            Origin::Stated(Span::new(u32::MAX as usize, u32::MAX as usize + 7)),
            Origin::Import { import: 0, line: 1 },
            Origin::Import {
                import: (1 << 31) - 1,
                line: u64::from(u32::MAX),
            },
        ] {
            assert_eq!(Origin::unpack(origin.pack().unwrap()), origin);
        }
        let too_big = Origin::Import {
            import: 1 << 31,
            line: 1,
        };
        assert_eq!(too_big.pack(), None);
        assert_eq!(Origin::Stated(Span::new(1, 1 + (1 << 31))).pack(), None);
    }

    #[test]
    fn given_rows_insert_out_of_order_and_remove() {
        let mut given = GivenRows::default();
        let at = |n| Origin::Stated(Span::new(n, n + 1));
        given.insert(5, at(5));
        given.insert(9, at(9));
        given.insert(2, at(2));
        assert_eq!(given.insert(9, at(90)), Some(at(9)));
        assert_eq!(given.get(9), Some(at(90)));
        assert!(given.contains(2) && !given.contains(3));
        assert_eq!(given.remove(5), Some(at(5)));
        assert_eq!(given.remove(5), None);
        given.renumber(&[0, 0, 1, 0, 0, 0, 0, 0, 0, 4]);
        assert_eq!(given.get(1), Some(at(2)));
        assert_eq!(given.get(4), Some(at(90)));
        assert_eq!(given.len(), 2);
    }
}
