//! A relation: the facts of one predicate, as rows of value ids.
//!
//! Rows live in one flat `Vec<Id>` (row `r` is `rows[r*arity..][..arity]`)
//! and are only ever appended, so a row id never changes. Semi-naive
//! evaluation needs no copies: the facts of round `k` are a contiguous range
//! of row ids, so *old*, *delta* and *full* are ranges (see [`crate::plan::Version`]),
//! and the round in which each fact appeared is kept as a list of range
//! starts (for explanations and incremental maintenance).
//!
//! Incremental maintenance deletes rows. A deleted row is a tombstone: its
//! id is never reused and a fact that comes back is appended as a new row
//! with a new round, so row order stays round order. During an update a
//! deleted row is *doomed*: gone from the current state ([`View::Now`]) but
//! still visible, with every row that existed when the update began, to
//! [`View::Before`], the state the update started from (delete-and-rederive
//! needs it). [`Relation::purge`] ends the update: doomed rows leave the
//! hash set and the indexes and become *gone*, visible to no view.
//!
//! Lookups go through hash indexes on the bound columns. An index maps each
//! key to one contiguous list of the matching rows, each stored as its row
//! id followed by a copy of its values: a lookup reads one run of memory and
//! never touches the relation's rows (the layout of Soufflé's and Ascent's
//! indexes, which pay the same copy for the same reason). Lists are in row
//! order, so a lookup restricted to a range of rows starts with a binary
//! search and stops at the first row past the range.
//!
//! Why one file (about 800 lines, and its tests): a relation is one data
//! structure, and its row storage, hash set, indexes, tombstones,
//! compaction and undo share the invariants of row ids and of the dead
//! and gone bits; split, each part would have to know the others' fields.

use std::ops::ControlFlow;

use hashbrown::HashTable;
use smallvec::SmallVec;

use super::rowset::RowSet;
use crate::hash::hash_ids;
use crate::intern::Id;

/// Rows looked up at once by [`Relation::insert_batch`] (and its callers).
pub const BATCH: usize = 16;

pub use super::rowset::RowId;

/// Which rows of a relation a scan may see, as a half-open range of row ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    /// First visible row.
    pub lo: RowId,
    /// One past the last visible row.
    pub hi: RowId,
}

/// Which state of a relation a read sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// The current rows.
    Now,
    /// The rows as they were when the running update began (doomed rows
    /// included, rows appended since excluded).
    Before,
}

/// The facts of one predicate.
#[derive(Clone, Debug)]
pub struct Relation {
    arity: usize,
    rows: Vec<Id>,
    len: RowId,
    /// Every row id, keyed by the whole row: the set semantics. During an
    /// update a doomed row and a live row may hold the same values.
    dedup: RowSet,
    /// By the plan's index number; built on demand, so an index that only
    /// maintenance or an explanation uses costs nothing until then.
    indexes: Vec<Option<Index>>,
    /// `(round, first row)` for each batch appended, in order.
    rounds: Vec<(u32, RowId)>,
    /// Bit per row: deleted (doomed or gone). Empty while nothing was ever
    /// deleted, so fresh evaluation pays one predictable branch per row.
    dead: Vec<u64>,
    /// Bit per row: deleted in an earlier update and purged.
    gone: Vec<u64>,
    /// Rows deleted in the running update.
    doomed: Vec<RowId>,
    /// Rows deleted in earlier updates.
    gone_count: RowId,
    /// Live rows.
    live: RowId,
    /// `len` and `live` when the running update began.
    start_len: RowId,
    start_live: RowId,
}

/// Where a relation stood, for [`Relation::undo`].
#[derive(Clone, Copy, Debug)]
pub struct Mark {
    len: RowId,
    rounds: usize,
    live: RowId,
    gone_count: RowId,
}

/// One key's rows in an [`Index`].
type Entry = SmallVec<[Id; 4]>;

/// A hash index on some columns.
#[derive(Clone, Debug)]
struct Index {
    columns: Vec<usize>,
    /// Entry number of each distinct key.
    table: HashTable<u32>,
    /// Per key, its rows in order: `[row id, values...]` each. A key of
    /// one row of up to three columns (most keys of a large relation
    /// looked up on its first column) is held in place, without an
    /// allocation of its own.
    entries: Vec<Entry>,
}

impl Relation {
    /// An empty relation of the given arity.
    pub fn new(arity: usize) -> Relation {
        Relation {
            arity,
            rows: Vec::new(),
            len: 0,
            dedup: RowSet::default(),
            indexes: Vec::new(),
            rounds: Vec::new(),
            dead: Vec::new(),
            gone: Vec::new(),
            doomed: Vec::new(),
            gone_count: 0,
            live: 0,
            start_len: 0,
            start_live: 0,
        }
    }

    /// An empty relation with room for `rows` rows.
    pub fn with_capacity(arity: usize, rows: usize) -> Relation {
        let mut rel = Relation::new(arity);
        rel.reserve(rows);
        rel
    }

    /// Makes room for `rows` more rows.
    pub fn reserve(&mut self, rows: usize) {
        self.rows.reserve(rows * self.arity);
        if self.dedup.needs_room(rows) {
            self.rebuild_set(rows);
        }
    }

    /// Rebuilds the hash set from the rows, in order, with room for
    /// `extra` more (see [`RowSet::rebuild`]).
    fn rebuild_set(&mut self, extra: usize) {
        let Relation {
            arity,
            rows,
            dedup,
            gone,
            len,
            gone_count,
            ..
        } = self;
        let (arity, rows, gone) = (*arity, &*rows, &*gone);
        // Doomed rows stay in the set until the update ends; gone ones left.
        let held = (0..*len)
            .filter(|&r| !bit(gone, r))
            .map(|r| (r, hash_of(rows, arity, r)));
        let ids = (*len - *gone_count) as usize + extra;
        dedup.rebuild(ids, held, |r| hash_of(rows, arity, r));
    }

    /// Number of columns.
    pub fn arity(&self) -> usize {
        self.arity
    }

    /// Number of row ids in use (live or deleted): rows are `0..len()`.
    pub fn len(&self) -> RowId {
        self.len
    }

    /// True when no row was ever added.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of live rows.
    pub fn live_len(&self) -> RowId {
        self.live
    }

    /// True when some row is visible in `view`.
    pub fn any(&self, view: View) -> bool {
        self.count(view) > 0
    }

    /// Number of rows visible in `view`.
    pub fn count(&self, view: View) -> RowId {
        match view {
            View::Now => self.live,
            View::Before => self.start_live,
        }
    }

    /// Is row `r` part of the state `view` sees?
    #[inline]
    pub fn visible(&self, r: RowId, view: View) -> bool {
        if self.dead.is_empty() {
            return view == View::Now || r < self.start_len;
        }
        match view {
            View::Now => !bit(&self.dead, r),
            View::Before => r < self.start_len && !bit(&self.gone, r),
        }
    }

    /// The live rows, in row order.
    pub fn live_rows(&self) -> impl Iterator<Item = RowId> + Clone + '_ {
        (0..self.len).filter(|&r| self.visible(r, View::Now))
    }

    /// Starts an update: [`View::Before`] shows the rows as they are now.
    pub fn begin_update(&mut self) {
        self.start_len = self.len;
        self.start_live = self.live;
    }

    /// Deletes live row `r` from the current state; [`View::Before`] keeps
    /// it until [`Relation::purge`].
    pub fn doom(&mut self, r: RowId) {
        debug_assert!(self.visible(r, View::Now));
        set_bit(&mut self.dead, r);
        self.doomed.push(r);
        self.live -= 1;
    }

    /// The rows appended since the running update began.
    pub fn appended(&self) -> Range {
        Range {
            lo: self.start_len,
            hi: self.len,
        }
    }

    /// The rows deleted in the running update.
    pub fn doomed(&self) -> &[RowId] {
        &self.doomed
    }

    /// Ends an update: doomed rows leave the hash set and every index.
    pub fn purge(&mut self) {
        if self.doomed.is_empty() {
            self.start_len = self.len;
            self.start_live = self.live;
            return;
        }
        let doomed = std::mem::take(&mut self.doomed);
        let arity = self.arity;
        for &r in &doomed {
            set_bit(&mut self.gone, r);
            self.dedup.remove(hash_of(&self.rows, arity, r), r);
        }
        for index in self.indexes.iter_mut().flatten() {
            index.remove(&self.rows, arity, &doomed, &self.gone);
        }
        self.gone_count += doomed.len() as RowId;
        self.start_len = self.len;
        self.start_live = self.live;
    }

    /// Where the relation stands between updates, to come back to with
    /// [`Relation::undo`].
    pub fn mark(&self) -> Mark {
        debug_assert!(self.doomed.is_empty(), "between updates");
        Mark {
            len: self.len,
            rounds: self.rounds.len(),
            live: self.live,
            gone_count: self.gone_count,
        }
    }

    /// Takes the relation back to `mark`, made before an update (or
    /// several) that has not compacted it since: rows doomed and not
    /// purged are live again, rows appended since leave, and the rows
    /// purged since (`purged`, all older than the mark) come back, to
    /// the set and to every index at their place in row order. Costs the
    /// rows that moved, not the relation.
    pub fn undo(&mut self, mark: Mark, purged: &[RowId]) {
        for r in std::mem::take(&mut self.doomed) {
            clear_bit(&mut self.dead, r);
        }
        let arity = self.arity;
        let appended: Vec<RowId> = (mark.len..self.len)
            .filter(|&r| !bit(&self.gone, r))
            .collect();
        for &r in &appended {
            self.dedup.remove(hash_of(&self.rows, arity, r), r);
            set_bit(&mut self.gone, r);
        }
        for index in self.indexes.iter_mut().flatten() {
            index.remove(&self.rows, arity, &appended, &self.gone);
        }
        self.rows.truncate(mark.len as usize * arity);
        self.len = mark.len;
        self.rounds.truncate(mark.rounds);
        truncate_bits(&mut self.dead, mark.len);
        truncate_bits(&mut self.gone, mark.len);
        self.live = mark.live;
        self.gone_count = mark.gone_count;
        self.start_len = self.len;
        self.start_live = self.live;
        for &r in purged {
            clear_bit(&mut self.dead, r);
            clear_bit(&mut self.gone, r);
        }
        for (i, &r) in purged.iter().enumerate() {
            let hash = hash_of(&self.rows, arity, r);
            if self.dedup.full_for(hash) {
                // Rebuilt from every row not gone: the rest come back with it.
                self.rebuild_set(purged.len() - i);
                break;
            }
            let rows = &self.rows;
            self.dedup
                .insert_unique(hash, r, |other| hash_of(rows, arity, other));
        }
        for index in self.indexes.iter_mut().flatten() {
            for &r in purged {
                index.restore(&self.rows[r as usize * arity..][..arity], r);
            }
        }
    }

    /// True when deleted rows outnumber live ones: time to [`compact`].
    ///
    /// [`compact`]: Relation::compact
    pub fn mostly_gone(&self) -> bool {
        self.gone_count > self.live.max(1024)
    }

    /// Rewrites the relation without its deleted rows (outside updates),
    /// keeping row order, rounds and indexes (their numbers too). Returns
    /// each old row's new id (`RowId::MAX` for a deleted row).
    pub fn compact(&mut self) -> Vec<RowId> {
        debug_assert!(self.doomed.is_empty(), "not during an update");
        let mut fresh = Relation::new(self.arity);
        let mut moved = vec![RowId::MAX; self.len as usize];
        for r in self.live_rows() {
            moved[r as usize] = fresh.push_new(self.row(r), self.round_of(r));
        }
        for (i, index) in self.indexes.iter().enumerate() {
            if let Some(index) = index {
                fresh.build_index(i, &index.columns);
            }
        }
        fresh.begin_update();
        *self = fresh;
        moved
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
        self.find_hashed(row, hash_ids(row.iter().copied()))
    }

    /// [`Relation::find`] with the row's hash already computed.
    #[inline]
    pub fn find_hashed(&self, row: &[Id], hash: u64) -> Option<RowId> {
        self.find_in(row, hash, View::Now)
    }

    /// The id of an equal row visible in `view`.
    #[inline]
    pub fn find_in(&self, row: &[Id], hash: u64, view: View) -> Option<RowId> {
        self.dedup.find(hash, |r| {
            same_row(self.row(r), row) && self.visible(r, view)
        })
    }

    /// Reads where a row with this hash would go in the hash set, so that
    /// inserting it soon after finds it in cache.
    #[inline]
    pub fn warm(&self, hash: u64) {
        self.dedup.warm(hash);
    }

    /// Appends a row known to be absent (callers check with [`find`]).
    ///
    /// [`find`]: Relation::find
    pub fn push_new(&mut self, row: &[Id], round: u32) -> RowId {
        self.push_new_hashed(row, round, hash_ids(row.iter().copied()))
    }

    /// [`Relation::push_new`] with the row's hash already computed.
    pub fn push_new_hashed(&mut self, row: &[Id], round: u32, hash: u64) -> RowId {
        debug_assert_eq!(row.len(), self.arity);
        if self.dedup.full_for(hash) {
            self.rebuild_set(1);
        }
        let id = self.len;
        if self.rounds.last().is_none_or(|&(r, _)| r != round) {
            self.rounds.push((round, id));
        }
        self.rows.extend_from_slice(row);
        self.len += 1;
        self.live += 1;
        let Relation {
            arity,
            rows,
            dedup,
            indexes,
            ..
        } = self;
        let arity = *arity;
        dedup.insert_unique(hash, id, |r| hash_of(rows, arity, r));
        for index in indexes.iter_mut().flatten() {
            index.add(&rows[id as usize * arity..][..arity], id);
        }
        id
    }

    /// [`Relation::insert_hashed`] for a batch of rows (each with its
    /// hash; at most [`BATCH`]), in order, leaving out those that one of
    /// `others` holds; calls `added` for each row added and stops when it
    /// breaks. Every row is looked up before any is inserted, so that the
    /// cache misses of the lookups overlap (a row repeated within the
    /// batch is found again, in cache, when it is inserted).
    pub fn insert_batch<'r>(
        &mut self,
        rows: impl Iterator<Item = &'r [Id]> + Clone,
        hashes: &[u64],
        others: &[&Relation],
        round: u32,
        mut added: impl FnMut() -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        let mut known = [false; BATCH];
        for ((k, row), &hash) in known.iter_mut().zip(rows.clone()).zip(hashes) {
            // `others` first: in a closure most candidates are old facts.
            *k = others
                .iter()
                .any(|rel| rel.find_hashed(row, hash).is_some())
                || self.find_hashed(row, hash).is_some();
        }
        for ((&k, row), &hash) in known.iter().zip(rows).zip(hashes) {
            if !k && self.insert_hashed(row, round, hash) {
                added()?;
            }
        }
        ControlFlow::Continue(())
    }

    /// Adds a row if absent; returns whether it was added.
    pub fn insert(&mut self, row: &[Id], round: u32) -> bool {
        self.insert_hashed(row, round, hash_ids(row.iter().copied()))
    }

    /// [`Relation::insert`] with the row's hash already computed.
    #[inline]
    pub fn insert_hashed(&mut self, row: &[Id], round: u32, hash: u64) -> bool {
        if self.find_hashed(row, hash).is_some() {
            return false;
        }
        self.push_new_hashed(row, round, hash);
        true
    }

    /// Removes every row and index, keeping the memory for reuse.
    pub fn clear(&mut self) {
        self.rows.clear();
        self.len = 0;
        self.dedup.clear();
        self.indexes.clear();
        self.rounds.clear();
        self.dead.clear();
        self.gone.clear();
        self.doomed.clear();
        self.gone_count = 0;
        self.live = 0;
        self.start_len = 0;
        self.start_live = 0;
    }

    /// Frees the hash set and the indexes, leaving the rows: what is left
    /// can only be read row by row (to print it, and then drop it).
    pub fn drop_tables(&mut self) {
        self.dedup = RowSet::default();
        self.indexes = Vec::new();
    }

    /// Calls `f` with each live row, the last first, taking the rows out a
    /// block at a time and freeing each block's memory; leaves the
    /// relation empty. For a relation about to be dropped, whose rows are
    /// being turned into something else.
    pub fn drain_rows(&mut self, mut f: impl FnMut(RowId, &[Id])) {
        const BLOCK: usize = 1 << 20;
        let arity = self.arity;
        let mut end = self.len as usize;
        while end > 0 {
            let start = end.saturating_sub(BLOCK);
            for r in start..end {
                if self.visible(r as RowId, View::Now) {
                    f(r as RowId, &self.rows[r * arity..][..arity]);
                }
            }
            self.rows.truncate(start * arity);
            self.rows.shrink_to_fit();
            end = start;
        }
        self.clear();
    }

    /// The rows, all of them, as one flat buffer: for a relation used as
    /// a set of rows and done with.
    pub fn into_rows(self) -> Vec<Id> {
        self.rows
    }

    /// Is index number `i` built?
    pub fn has_index(&self, i: usize) -> bool {
        self.indexes.get(i).is_some_and(Option::is_some)
    }

    /// Builds index number `i` on `columns`, unless it is built.
    pub fn build_index(&mut self, i: usize, columns: &[usize]) {
        if self.has_index(i) {
            return;
        }
        // Room for a key per row, given back below when keys repeat: the
        // table does not grow (rehashing every key) a step at a time, nor
        // the entries (holding the old and the new copy at once); room
        // never used is memory never touched.
        let mut index = Index {
            columns: columns.to_vec(),
            table: HashTable::with_capacity(self.len as usize),
            entries: Vec::with_capacity(self.len as usize),
        };
        for r in 0..self.len {
            if self.dead.is_empty() || !bit(&self.gone, r) {
                index.add(self.row(r), r);
            }
        }
        index.entries.shrink_to_fit();
        let entries = &index.entries;
        (index.table).shrink_to_fit(|&e| {
            hash_ids(index.columns.iter().map(|&c| entries[e as usize][1 + c]))
        });
        if self.indexes.len() <= i {
            self.indexes.resize_with(i + 1, || None);
        }
        self.indexes[i] = Some(index);
    }

    /// The rows within `range` whose `index` columns equal `key`, in row
    /// order, as `(row id, values)`; with deletions, only the rows `view`
    /// sees.
    #[inline]
    pub fn lookup<'a>(&'a self, index: usize, key: &[Id], range: Range, view: View) -> Lookup<'a> {
        let ix = self.indexes[index]
            .as_ref()
            .expect("a plan's indexes are built before it runs");
        let stride = self.arity + 1;
        let hash = hash_ids(key.iter().copied());
        let found = ix.table.find(hash, |&e| {
            let first = &ix.entries[e as usize][1..];
            ix.columns.iter().zip(key).all(|(&c, &k)| first[c] == k)
        });
        let data: &[Id] = match found {
            Some(&e) => &ix.entries[e as usize],
            None => &[],
        };
        // Skip rows below the range; the list is in row order. Most keys
        // have no row in a delta: the last row tells at once.
        let n = data.len() / stride;
        let skip = if range.lo == 0 || data.first().is_none_or(|&r| r >= range.lo) {
            0
        } else if data[(n - 1) * stride] < range.lo {
            n
        } else {
            let (mut lo, mut hi) = (0, n);
            while lo < hi {
                let mid = (lo + hi) / 2;
                if data[mid * stride] < range.lo {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            lo
        };
        Lookup {
            data: &data[skip * stride..],
            stride,
            hi: range.hi,
            filter: (view == View::Before || !self.dead.is_empty()).then_some((self, view)),
        }
    }

    /// The round in which row `r` was added.
    pub fn round_of(&self, r: RowId) -> u32 {
        let i = self.rounds.partition_point(|&(_, first)| first <= r);
        self.rounds[i.saturating_sub(1)].0
    }

    /// The rows added before round `round`: `0..rows_before(round)`.
    pub fn rows_before(&self, round: u32) -> RowId {
        let i = self.rounds.partition_point(|&(r, _)| r < round);
        self.rounds.get(i).map_or(self.len, |&(_, first)| first)
    }
}

#[inline]
fn bit(bits: &[u64], r: RowId) -> bool {
    bits.get(r as usize / 64)
        .is_some_and(|w| w >> (r % 64) & 1 == 1)
}

fn clear_bit(bits: &mut [u64], r: RowId) {
    if let Some(word) = bits.get_mut(r as usize / 64) {
        *word &= !(1 << (r % 64));
    }
}

/// Drops the bits of rows `len` and beyond.
fn truncate_bits(bits: &mut Vec<u64>, len: RowId) {
    let words = (len as usize).div_ceil(64);
    bits.truncate(words);
    // Only the word that holds row `len - 1` has bits beyond it; a
    // shorter vector (its last rows never had a bit set) has none.
    let rest = len % 64;
    if bits.len() == words && rest > 0 {
        if let Some(last) = bits.last_mut() {
            *last &= (1 << rest) - 1;
        }
    }
}

fn set_bit(bits: &mut Vec<u64>, r: RowId) {
    let word = r as usize / 64;
    if bits.len() <= word {
        bits.resize(word + 1, 0);
    }
    bits[word] |= 1 << (r % 64);
}

/// The hash of row `r` of `rows` (rows of `arity` columns).
#[inline]
fn hash_of(rows: &[Id], arity: usize, r: RowId) -> u64 {
    hash_ids(rows[r as usize * arity..][..arity].iter().copied())
}

/// Row equality without a `memcmp` call: rows are a few words long.
#[inline]
fn same_row(a: &[Id], b: &[Id]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

impl Index {
    /// Appends row `r` to its key's list.
    /// The hash of `row`'s key, and the key's entry if it has one.
    #[inline]
    fn entry_of(&self, row: &[Id]) -> (u64, Option<u32>) {
        let hash = hash_ids(self.columns.iter().map(|&c| row[c]));
        let found = self.table.find(hash, |&e| {
            let first = &self.entries[e as usize][1..];
            self.columns.iter().all(|&c| first[c] == row[c])
        });
        (hash, found.copied())
    }

    fn add(&mut self, row: &[Id], r: RowId) {
        let (hash, found) = self.entry_of(row);
        let Index {
            columns,
            table,
            entries,
        } = self;
        let entry = match found {
            Some(e) => e as usize,
            None => {
                let e = entries.len();
                entries.push(Entry::new());
                let key_of = |e: &u32| {
                    let first = &entries[*e as usize][1..];
                    hash_ids(columns.iter().map(|&c| first[c]))
                };
                // The new entry is still empty: hash it by the row instead.
                table.insert_unique(hash, e as u32, |&other| {
                    if other as usize == e {
                        hash
                    } else {
                        key_of(&other)
                    }
                });
                e
            }
        };
        let list = &mut entries[entry];
        if list.first() == Some(&RowId::MAX) {
            list.clear();
        }
        list.push(r);
        list.extend_from_slice(row);
    }

    /// Puts row `r` back in its key's list, at its place in row order
    /// (the list of a key whose rows all went is its first again).
    fn restore(&mut self, row: &[Id], r: RowId) {
        let (_, found) = self.entry_of(row);
        let Some(e) = found else {
            return self.add(row, r);
        };
        let list = &mut self.entries[e as usize];
        if list.first() == Some(&RowId::MAX) {
            list.clear();
            list.push(r);
            list.extend_from_slice(row);
            return;
        }
        let stride = row.len() + 1;
        // Binary search of the rows before `r`: lists are in row order.
        let (mut lo, mut hi) = (0, list.len() / stride);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if list[mid * stride] < r {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let at = lo * stride;
        list.insert_many(at, std::iter::once(r).chain(row.iter().copied()));
    }

    /// Drops the `doomed` rows (their `gone` bits set) from their keys'
    /// lists, each touched list rewritten once.
    fn remove(&mut self, rows: &[Id], arity: usize, doomed: &[RowId], gone: &[u64]) {
        let mut touched: Vec<u32> = doomed
            .iter()
            .filter_map(|&r| self.entry_of(&rows[r as usize * arity..][..arity]).1)
            .collect();
        touched.sort_unstable();
        touched.dedup();
        let stride = arity + 1;
        for e in touched {
            let list = &mut self.entries[e as usize];
            let mut kept = 0;
            for i in 0..list.len() / stride {
                let r = list[i * stride];
                if r != RowId::MAX && !bit(gone, r) {
                    list.copy_within(i * stride..(i + 1) * stride, kept * stride);
                    kept += 1;
                }
            }
            // An emptied list stays as the key's entry: its first row is
            // still needed to compare keys, so the values are kept.
            if kept == 0 {
                list.truncate(stride);
                list[0] = RowId::MAX;
            } else {
                list.truncate(kept * stride);
            }
        }
    }
}

/// The rows of one index entry that fall within a range.
pub struct Lookup<'a> {
    data: &'a [Id],
    stride: usize,
    hi: RowId,
    /// Set when rows may be hidden (deletions, or the state before an
    /// update): whose view to show.
    filter: Option<(&'a Relation, View)>,
}

impl<'a> Iterator for Lookup<'a> {
    type Item = (RowId, &'a [Id]);

    #[inline]
    fn next(&mut self) -> Option<(RowId, &'a [Id])> {
        loop {
            let (head, rest) = self.data.split_at_checked(self.stride)?;
            let r = head[0];
            if r >= self.hi {
                return None;
            }
            self.data = rest;
            if self.filter.is_none_or(|(rel, view)| rel.visible(r, view)) {
                return Some((r, &head[1..]));
            }
        }
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
        let ix = 0;
        rel.build_index(ix, &[0]);
        assert!(rel.insert(&[1, 3], 1));
        assert!(rel.insert(&[2, 3], 1));
        assert!(rel.insert(&[1, 4], 2));
        let found: Vec<RowId> = rel
            .lookup(ix, &[1], rel.all(), View::Now)
            .map(|(r, _)| r)
            .collect();
        assert_eq!(found, [0, 1, 3]);
        let found: Vec<(RowId, &[Id])> = rel
            .lookup(ix, &[1], Range { lo: 1, hi: 3 }, View::Now)
            .collect();
        assert_eq!(found, [(1, &[1, 3][..])]);
        assert_eq!(rel.lookup(ix, &[9], rel.all(), View::Now).count(), 0);
        assert_eq!(
            (rel.round_of(0), rel.round_of(2), rel.round_of(3)),
            (0, 1, 2)
        );
    }

    #[test]
    fn deleted_rows_leave_now_but_stay_before_until_purged() {
        let mut rel = Relation::new(2);
        let ix = 0;
        rel.build_index(ix, &[0]);
        for (i, row) in [[1, 2], [1, 3], [2, 3]].iter().enumerate() {
            rel.push_new(row, i as u32);
        }
        rel.begin_update();
        rel.doom(1);
        assert!(rel.insert(&[1, 3], 5), "a deleted fact can come back");
        let now: Vec<RowId> = rel
            .lookup(ix, &[1], rel.all(), View::Now)
            .map(|(r, _)| r)
            .collect();
        let before: Vec<RowId> = rel
            .lookup(ix, &[1], rel.all(), View::Before)
            .map(|(r, _)| r)
            .collect();
        assert_eq!((now, before), (vec![0, 3], vec![0, 1]));
        assert_eq!(rel.find(&[1, 3]), Some(3));
        assert_eq!(
            rel.find_in(&[1, 3], hash_ids([1, 3].into_iter()), View::Before),
            Some(1)
        );
        rel.purge();
        assert_eq!(rel.live_rows().collect::<Vec<_>>(), [0, 2, 3]);
        rel.begin_update();
        rel.doom(0);
        rel.doom(3);
        rel.purge();
        assert_eq!(rel.lookup(ix, &[1], rel.all(), View::Now).count(), 0);
        assert!(rel.insert(&[1, 9], 6));
        let found: Vec<RowId> = rel
            .lookup(ix, &[1], rel.all(), View::Now)
            .map(|(r, _)| r)
            .collect();
        assert_eq!(found, [4]);
        assert_eq!(rel.live_len(), 2);
    }

    #[test]
    fn undoing_an_append_keeps_older_deletions() {
        // Row 31 is deleted and purged (its bit in the first word); then
        // an update appends row 65 and is taken back: the truncation to
        // 65 rows must not clear row 31's bit, the only word there is.
        let mut rel = Relation::new(1);
        for i in 0..65 {
            rel.push_new(&[i], 0);
        }
        rel.begin_update();
        rel.doom(31);
        rel.purge();
        let mark = rel.mark();
        rel.begin_update();
        assert!(rel.insert(&[100], 1));
        rel.undo(mark, &[]);
        assert_eq!(rel.live_len(), 64);
        assert!(!rel.live_rows().any(|r| r == 31), "row 31 stays deleted");
        assert_eq!(rel.find(&[31]), None);
    }

    #[test]
    fn compaction_keeps_live_rows_in_order_with_their_rounds() {
        let mut rel = Relation::new(1);
        let ix = 0;
        rel.build_index(ix, &[0]);
        for i in 0..3000 {
            rel.push_new(&[i % 7], i);
            rel.begin_update();
            if i % 3 != 0 {
                rel.doom(rel.len() - 1);
            }
            rel.purge();
            if i % 7 == 6 {
                // Every value again, so that the set holds each once.
                for r in rel.live_rows().collect::<Vec<_>>() {
                    rel.begin_update();
                    rel.doom(r);
                    rel.purge();
                }
            }
        }
        assert!(rel.mostly_gone());
        let live: Vec<(Vec<Id>, u32)> = rel
            .live_rows()
            .map(|r| (rel.row(r).to_vec(), rel.round_of(r)))
            .collect();
        let moved = rel.compact();
        assert_eq!(
            moved.iter().filter(|&&m| m != RowId::MAX).count(),
            live.len()
        );
        let after: Vec<(Vec<Id>, u32)> = rel
            .live_rows()
            .map(|r| (rel.row(r).to_vec(), rel.round_of(r)))
            .collect();
        assert_eq!(after, live);
        assert_eq!(rel.len() as usize, live.len());
        for (row, _) in &live {
            assert_eq!(rel.lookup(ix, row, rel.all(), View::Now).count(), 1);
        }
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
