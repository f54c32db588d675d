//! A relation: the facts of one predicate, as rows of value ids.
//!
//! Rows live in one flat `Vec<Id>` (row `r` is `rows[r*arity..][..arity]`)
//! and are only ever appended, so a row id never changes. Semi-naive
//! evaluation needs no copies: the facts of round `k` are a contiguous range
//! of row ids, so *old*, *delta* and *full* are ranges (see [`Version`]),
//! and the round in which each fact appeared is kept as a list of range
//! starts (for explanations and, later, incremental maintenance).
//!
//! Lookups go through hash indexes on the bound columns. An index is a hash
//! table from key to the newest row with that key, plus a `next` array that
//! chains each row to the previous row with the same key: four bytes per row
//! and per distinct key. Chains run newest first, so a lookup restricted to
//! rows below a bound skips the newer ones and stops at the first older one.

use hashbrown::HashTable;

use super::hash::hash_ids;
use super::intern::Id;

/// A row's position in its relation.
pub type RowId = u32;

/// No row: the end of an index chain.
const NONE: RowId = RowId::MAX;

/// Which rows of a relation a scan may see, as a half-open range of row ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    /// First visible row.
    pub lo: RowId,
    /// One past the last visible row.
    pub hi: RowId,
}

/// The facts of one predicate.
#[derive(Clone, Debug)]
pub struct Relation {
    arity: usize,
    rows: Vec<Id>,
    len: RowId,
    /// Every row id, keyed by the whole row: the set semantics.
    dedup: HashTable<RowId>,
    indexes: Vec<Index>,
    /// `(round, first row)` for each batch appended, in order.
    rounds: Vec<(u32, RowId)>,
}

/// A hash index on some columns.
#[derive(Clone, Debug)]
struct Index {
    columns: Vec<usize>,
    heads: HashTable<RowId>,
    next: Vec<RowId>,
}

impl Relation {
    /// An empty relation of the given arity.
    pub fn new(arity: usize) -> Relation {
        Relation {
            arity,
            rows: Vec::new(),
            len: 0,
            dedup: HashTable::new(),
            indexes: Vec::new(),
            rounds: Vec::new(),
        }
    }

    /// Number of columns.
    pub fn arity(&self) -> usize {
        self.arity
    }

    /// Number of rows.
    pub fn len(&self) -> RowId {
        self.len
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Every row.
    pub fn all(&self) -> Range {
        Range {
            lo: 0,
            hi: self.len,
        }
    }

    /// Row `r`.
    #[inline]
    pub fn row(&self, r: RowId) -> &[Id] {
        let start = r as usize * self.arity;
        &self.rows[start..start + self.arity]
    }

    /// The id of an equal row, if there is one.
    #[inline]
    pub fn find(&self, row: &[Id]) -> Option<RowId> {
        let hash = hash_ids(row.iter().copied());
        self.dedup.find(hash, |&r| self.row(r) == row).copied()
    }

    /// Appends a row known to be absent (callers check with [`find`]).
    ///
    /// [`find`]: Relation::find
    pub fn push_new(&mut self, row: &[Id], round: u32) -> RowId {
        debug_assert_eq!(row.len(), self.arity);
        let id = self.len;
        if self.rounds.last().is_none_or(|&(r, _)| r != round) {
            self.rounds.push((round, id));
        }
        self.rows.extend_from_slice(row);
        self.len += 1;
        let Relation {
            arity,
            rows,
            dedup,
            indexes,
            ..
        } = self;
        let hash = hash_ids(row.iter().copied());
        let arity = *arity;
        dedup.insert_unique(hash, id, |&r| {
            hash_ids(rows[r as usize * arity..][..arity].iter().copied())
        });
        for index in indexes.iter_mut() {
            index.add(rows, arity, id);
        }
        id
    }

    /// Adds a row if absent; returns whether it was added.
    pub fn insert(&mut self, row: &[Id], round: u32) -> bool {
        if self.find(row).is_some() {
            return false;
        }
        self.push_new(row, round);
        true
    }

    /// Ensures an index on `columns` exists and returns its number.
    pub fn index_on(&mut self, columns: &[usize]) -> usize {
        if let Some(i) = self.indexes.iter().position(|ix| ix.columns == columns) {
            return i;
        }
        let mut index = Index {
            columns: columns.to_vec(),
            heads: HashTable::new(),
            next: Vec::with_capacity(self.len as usize),
        };
        for r in 0..self.len {
            index.add(&self.rows, self.arity, r);
        }
        self.indexes.push(index);
        self.indexes.len() - 1
    }

    /// The rows within `range` whose `index` columns equal `key`, newest
    /// first.
    #[inline]
    pub fn lookup<'a>(&'a self, index: usize, key: &[Id], range: Range) -> Lookup<'a> {
        let ix = &self.indexes[index];
        let hash = hash_ids(key.iter().copied());
        let head = ix
            .heads
            .find(hash, |&r| {
                let row = self.row(r);
                ix.columns.iter().zip(key).all(|(&c, &k)| row[c] == k)
            })
            .copied()
            .unwrap_or(NONE);
        Lookup {
            next: &ix.next,
            at: head,
            range,
        }
    }

    /// The round in which row `r` was added.
    pub fn round_of(&self, r: RowId) -> u32 {
        let i = self.rounds.partition_point(|&(_, first)| first <= r);
        self.rounds[i.saturating_sub(1)].0
    }

    /// Bytes held by rows and indexes (an estimate, for statistics).
    pub fn heap_bytes(&self) -> usize {
        let table = |n: usize| n * 5 + 16;
        self.rows.capacity() * 4
            + table(self.dedup.capacity())
            + self
                .indexes
                .iter()
                .map(|ix| table(ix.heads.capacity()) + ix.next.capacity() * 4)
                .sum::<usize>()
    }
}

impl Index {
    /// Links row `r` at the head of its key's chain.
    fn add(&mut self, rows: &[Id], arity: usize, r: RowId) {
        let columns = &self.columns;
        let key_of = |r: RowId| {
            let row = &rows[r as usize * arity..][..arity];
            columns.iter().map(move |&c| row[c])
        };
        let hash = hash_ids(key_of(r));
        let same_key = |&other: &RowId| key_of(other).eq(key_of(r));
        match self.heads.find_mut(hash, same_key) {
            Some(head) => {
                self.next.push(*head);
                *head = r;
            }
            None => {
                self.next.push(NONE);
                self.heads
                    .insert_unique(hash, r, |&other| hash_ids(key_of(other)));
            }
        }
    }
}

/// The rows of one index chain that fall within a range.
pub struct Lookup<'a> {
    next: &'a [RowId],
    at: RowId,
    range: Range,
}

impl Iterator for Lookup<'_> {
    type Item = RowId;

    #[inline]
    fn next(&mut self) -> Option<RowId> {
        // Newest first: skip rows at or above `hi`, stop below `lo`.
        while self.at != NONE && self.at >= self.range.hi {
            self.at = self.next[self.at as usize];
        }
        if self.at == NONE || self.at < self.range.lo {
            return None;
        }
        let r = self.at;
        self.at = self.next[r as usize];
        Some(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_a_set_and_lookups_respect_ranges() {
        let mut rel = Relation::new(2);
        assert!(rel.insert(&[1, 2], 0));
        assert!(!rel.insert(&[1, 2], 1));
        let ix = rel.index_on(&[0]);
        assert!(rel.insert(&[1, 3], 1));
        assert!(rel.insert(&[2, 3], 1));
        assert!(rel.insert(&[1, 4], 2));
        let found: Vec<RowId> = rel.lookup(ix, &[1], rel.all()).collect();
        assert_eq!(found, [3, 1, 0]);
        let found: Vec<RowId> = rel.lookup(ix, &[1], Range { lo: 1, hi: 3 }).collect();
        assert_eq!(found, [1]);
        assert_eq!(rel.lookup(ix, &[9], rel.all()).count(), 0);
        assert_eq!(
            (rel.round_of(0), rel.round_of(2), rel.round_of(3)),
            (0, 1, 2)
        );
    }

    #[test]
    fn zero_arity_relations_hold_at_most_one_fact() {
        let mut rel = Relation::new(0);
        assert!(rel.insert(&[], 0));
        assert!(!rel.insert(&[], 0));
        assert_eq!(rel.len(), 1);
        assert_eq!(rel.find(&[]), Some(0));
    }
}
