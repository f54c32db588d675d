//! Which rows of a relation are given, and where each came from.
//!
//! A relation loaded from a large file is mostly given rows, so this map
//! is kept as small as the rows themselves: the given row ids in
//! ascending order beside their origins, packed in eight bytes each
//! ([`Packed`]), twelve bytes a row in all (a hash map of the same
//! entries took about thirty-seven), and a relation's first rows, while
//! they are all given (as a file's facts load), as a count rather than
//! a list: eight bytes a row. Given rows are loaded, and added, in row
//! order, so nearly every insertion is an append; a derived fact given
//! later is the exception, inserted in its place.

use crate::compact::{Pack, Packed};
use crate::facts::Facts;
use crate::import::ImportedRows;
use crate::source::Span;
use crate::time::StatementTimes;

use super::relation::RowId;

/// The given facts a model starts from, as the program holds them: its
/// facts (rows of ids, not syntax trees), when each holds, and the rows
/// of its imports. With the plan, all that evaluation reads.
#[derive(Clone, Copy)]
pub struct Given<'p> {
    /// The program's facts.
    pub facts: &'p Facts,
    /// When each fact holds, if its statement says.
    pub times: &'p dyn StatementTimes,
    /// The rows of the program's imports.
    pub imported: &'p [ImportedRows],
}

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
    /// Rows `0..dense` are all given: a relation loaded from a file starts
    /// so, and its row ids then cost nothing.
    dense: RowId,
    /// The other given rows, ascending, each at least `dense`.
    rows: Vec<RowId>,
    /// The origins of rows `0..dense`, then of `rows`.
    origins: Packed<Origin>,
}

impl GivenRows {
    /// The number of given rows.
    pub(super) fn len(&self) -> usize {
        self.dense as usize + self.rows.len()
    }

    /// Makes room for `n` more.
    pub fn reserve(&mut self, n: usize) {
        self.origins.reserve(n);
    }

    /// Where `r`'s origin is kept, if it is given.
    fn place(&self, r: RowId) -> Option<usize> {
        if r < self.dense {
            return Some(r as usize);
        }
        let i = self.rows.binary_search(&r).ok()?;
        Some(self.dense as usize + i)
    }

    /// Where row `r` came from, if it is given.
    pub fn get(&self, r: RowId) -> Option<Origin> {
        self.place(r).map(|i| self.origins.get(i))
    }

    /// True when row `r` is given.
    pub fn contains(&self, r: RowId) -> bool {
        self.place(r).is_some()
    }

    /// Gives row `r` its origin, returning the one it had.
    pub fn insert(&mut self, r: RowId, origin: Origin) -> Option<Origin> {
        if let Some(i) = self.place(r) {
            return Some(self.origins.set(i, origin));
        }
        let dense = self.dense as usize;
        let i = self.rows.partition_point(|&x| x < r);
        if i == 0 && r == self.dense {
            // The next row of the dense run (every row in `rows` is
            // greater, so at least the run's new end).
            self.origins.insert(dense, origin);
            self.dense += 1;
        } else {
            self.rows.insert(i, r);
            self.origins.insert(dense + i, origin);
        }
        None
    }

    /// Takes row `r`'s given status, returning its origin.
    pub fn remove(&mut self, r: RowId) -> Option<Origin> {
        let i = self.place(r)?;
        if r < self.dense {
            // The run ends before `r`; the rows after it are listed.
            let after = (r + 1..self.dense).chain(self.rows.iter().copied());
            self.rows = after.collect();
            self.dense = r;
        } else {
            self.rows.remove(i - self.dense as usize);
        }
        Some(self.origins.remove(i))
    }

    /// Renumbers the rows after a compaction (`moved[r]` is row `r`'s new
    /// id; compaction keeps the rows' order, and the dense run's rows are
    /// all live, so the run stays where it is).
    pub fn renumber(&mut self, moved: &[RowId]) {
        debug_assert!((0..self.dense).all(|r| moved[r as usize] == r));
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
    fn a_dense_run_of_given_rows_splits_when_a_row_inside_goes() {
        let mut given = GivenRows::default();
        let at = |n| Origin::Stated(Span::new(n, n + 1));
        for r in 0..5 {
            given.insert(r, at(r as usize));
        }
        given.insert(8, at(8));
        given.insert(6, at(6));
        given.insert(5, at(5));
        assert_eq!((given.dense, given.rows.as_slice()), (6, &[6, 8][..]));
        assert_eq!(given.remove(2), Some(at(2)));
        assert_eq!(
            (given.dense, given.rows.as_slice()),
            (2, &[3, 4, 5, 6, 8][..])
        );
        for r in [0, 1, 3, 4, 5, 6, 8] {
            assert_eq!(given.get(r), Some(at(r as usize)), "{r}");
        }
        assert!(!given.contains(2) && !given.contains(7));
        assert_eq!(given.insert(2, at(20)), None);
        assert_eq!(given.get(2), Some(at(20)));
        assert_eq!(given.get(3), Some(at(3)));
        assert_eq!(given.len(), 8);
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
