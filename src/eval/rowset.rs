//! The hash set of a relation's row ids, keyed by each row's hash: the
//! set semantics, in about six bytes a row.
//!
//! A relation of tens of millions of rows spends most of its memory here,
//! and a general hash table spends it badly: its capacity is a power of
//! two, so just after it doubles it is less than half full, and a table
//! of 32-bit row ids then costs over eleven bytes a row (hashbrown: four
//! for the id and one control byte per bucket, at a load between 7/16 and
//! 7/8). This table has any number of buckets: once large, it grows by a
//! quarter when it is 7/8 full, so its load stays between 0.7 and 7/8 (a
//! little over five bytes a slot, at most about seven and a half a row). It is cut
//! into [`SHARDS`] tables by hash (one while it is small: [`SMALL_SET`]),
//! so a table that grows holds its old and
//! new arrays at once for a sixty-fourth of the set only.
//!
//! A table is a ring of buckets of seven slots (after Folly's F14). A
//! bucket holds seven row ids and, in eight bytes read as one word, their
//! tags (empty, or seven bits of the row's hash, so a probe compares rows
//! only when the tags agree) and a count of the ids that found it full
//! and went on to a later bucket. A search reads the row's first bucket
//! (its hash scaled to the number of buckets: a multiply and a shift, no
//! power of two needed) and goes on only while that count is not zero.
//! Removing an id empties its slot and counts it off the buckets it
//! passed, so no tombstones pile up.

/// A row's position in its relation: what a set and an index hold.
pub type RowId = u32;

/// Tables of a set.
const SHARDS: usize = 64;

/// Ids below which a set is one table: tables cost an allocation each,
/// and the many small relations of an update (its moves, its seeds) would
/// otherwise pay for sixty-four. Kept tiny: one table grown to tens of
/// thousands of ids left the process 10 % larger (glibc keeps the pages
/// of the tables it outgrew), measured on `tc_random`.
const SMALL_SET: usize = 1 << 8;

/// Slots of a bucket.
const SLOTS: usize = 7;

/// The byte of a bucket's tags that counts ids gone on past it.
const OVERFLOW: usize = 7;

const EMPTY: u8 = 0;

/// A table of fewer buckets than this doubles when it grows: growing in
/// quarter steps costs four times the work of doubling, which only pays
/// where the memory is large (a sixty-fourth of a set of 1.8 million
/// rows, from here on).
const SMALL_BUCKETS: usize = 4096;

/// Grow when ids pass this fraction of the slots...
const MAX_LOAD: (usize, usize) = (7, 8);
/// ...to a size at which they fill at most this fraction.
const GROWN_LOAD: (usize, usize) = (7, 10);

/// A set of row ids, each found by its row's hash.
#[derive(Clone, Debug, Default)]
pub struct RowSet {
    shards: Vec<Shard>,
}

#[derive(Clone, Debug, Default)]
struct Shard {
    buckets: Vec<Bucket>,
    /// Ids held.
    len: usize,
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    /// Byte `i < SLOTS` tags slot `i`; byte [`OVERFLOW`] counts ids that
    /// passed this bucket (saturating: at 255 it stays).
    tags: [u8; 8],
    ids: [RowId; SLOTS],
}

const FREE_BUCKET: Bucket = Bucket {
    tags: [EMPTY; 8],
    ids: [0; SLOTS],
};

impl RowSet {
    /// Would adding `extra` more ids (spread evenly) overfill a table?
    pub fn needs_room(&self, extra: usize) -> bool {
        let per_shard = extra.div_ceil(self.shards.len().max(1));
        self.shards.is_empty() || self.shards.iter().any(|s| !s.fits(s.len + per_shard))
    }

    /// Reads the tags of the first bucket of this hash (and throws them
    /// away): a load whose miss overlaps others, ahead of an insertion.
    #[inline]
    pub fn warm(&self, hash: u64) {
        if let Some(table) = self
            .shards
            .get(self.shard(hash))
            .filter(|t| !t.buckets.is_empty())
        {
            std::hint::black_box(table.buckets[table.home(hash)].tags);
        }
    }

    /// Is the table of this hash full?
    #[inline]
    pub fn full_for(&self, hash: u64) -> bool {
        self.shards
            .get(self.shard(hash))
            .is_none_or(|s| !s.fits(s.len + 1))
    }

    /// Empties the set and fills it again with `entries` (each id with its
    /// hash; `ids` of them, or about), in tables with room to spare: at
    /// least a quarter larger than the largest now (doubled while small),
    /// where the ids fill at most [`GROWN_LOAD`]. The relation rebuilds
    /// the set this way from its rows, read in order, when a table is
    /// full: growing table by table would read each id's row at random to
    /// hash it again, a cache miss per id on a large relation. The old
    /// tables are freed first, so the set is never held twice. `rehash`
    /// serves a table that fills up anyway (hashes spread unevenly).
    pub fn rebuild(
        &mut self,
        ids: usize,
        entries: impl Iterator<Item = (RowId, u64)>,
        rehash: impl Fn(RowId) -> u64,
    ) {
        let count = if ids < SMALL_SET { 1 } else { SHARDS };
        // The largest table now, as a share of one of `count` tables (a
        // set that was one table is cut into many).
        let largest = self
            .shards
            .iter()
            .map(|s| s.buckets.len())
            .max()
            .unwrap_or(0)
            * self.shards.len().max(1)
            / count;
        let per_shard = ids.div_ceil(count);
        // Tables differ in size by a few standard deviations at most.
        let buckets = grown_buckets(per_shard + per_shard / 16 + SLOTS, largest);
        self.shards = Vec::new();
        self.shards = (0..count)
            .map(|_| Shard {
                buckets: vec![FREE_BUCKET; buckets],
                len: 0,
            })
            .collect();
        for (id, hash) in entries {
            let s = self.shard(hash);
            self.shards[s].insert(hash, id, &rehash);
        }
    }

    /// The first id with this hash that `eq` accepts.
    #[inline(always)]
    pub fn find(&self, hash: u64, eq: impl FnMut(RowId) -> bool) -> Option<RowId> {
        self.shards.get(self.shard(hash))?.find(hash, eq)
    }

    /// Adds `id`, which is not in the set; `hash` gives any id's hash (for
    /// when the table grows).
    #[inline]
    pub fn insert_unique(&mut self, hash: u64, id: RowId, rehash: impl Fn(RowId) -> u64) {
        if self.shards.is_empty() {
            self.shards.push(Shard::default());
        }
        let s = self.shard(hash);
        self.shards[s].insert(hash, id, &rehash);
    }

    /// Removes `id`, whose row has this hash, if the set holds it.
    pub fn remove(&mut self, hash: u64, id: RowId) {
        let s = self.shard(hash);
        if let Some(shard) = self.shards.get_mut(s) {
            shard.remove(hash, id);
        }
    }

    /// Removes every id, keeping the memory.
    pub fn clear(&mut self) {
        for shard in &mut self.shards {
            shard.buckets.fill(FREE_BUCKET);
            shard.len = 0;
        }
    }

    /// Ids held.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.shards.iter().map(|s| s.len).sum()
    }
}

/// The buckets of a table that grows from `buckets` to hold `ids`: at
/// least doubled while small and a quarter more once large (so that
/// growing in small steps does not rehash every time), and enough that
/// the ids fill at most [`GROWN_LOAD`].
fn grown_buckets(ids: usize, buckets: usize) -> usize {
    let step = if buckets < SMALL_BUCKETS {
        buckets
    } else {
        buckets / 4
    };
    (ids * GROWN_LOAD.1)
        .div_ceil(GROWN_LOAD.0)
        .div_ceil(SLOTS)
        .max(buckets + step)
        .max(1)
}

impl RowSet {
    /// The table of a hash: bits that neither the first bucket (low 32)
    /// nor the tag (top seven) use (the first, for a set of no tables).
    #[inline(always)]
    fn shard(&self, hash: u64) -> usize {
        // One table or SHARDS, a power of two either way; with none, a
        // mask of every bit: an index past the end, which `get` refuses.
        (hash >> 40) as usize & self.shards.len().wrapping_sub(1)
    }
}

/// The tag of a row with this hash.
#[inline]
fn tag(hash: u64) -> u8 {
    0x80 | (hash >> 57) as u8
}

/// The tag of a row with this hash, in every byte of a word.
#[inline(always)]
fn tags(hash: u64) -> u64 {
    u64::from(tag(hash)) * 0x0101_0101_0101_0101
}

/// The high bit of each slot's tag byte, in a word of a bucket's tags.
const SLOT_HIGH: u64 = 0x0080_8080_8080_8080;

/// The slot of the lowest high bit set in `mask`.
#[inline]
fn first(mask: u64) -> usize {
    mask.trailing_zeros() as usize / 8
}

/// High bit of each byte of `word` that is zero.
#[inline]
fn zero_bytes(word: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    !(((word & LOW7) + LOW7) | word | LOW7)
}

impl Bucket {
    /// Slots whose tag is `tag` (their tag bytes' high bits); `tags` is
    /// the tag in every byte.
    #[inline(always)]
    fn matching(&self, tags: u64) -> u64 {
        zero_bytes(u64::from_le_bytes(self.tags) ^ tags) & SLOT_HIGH
    }

    /// Slots holding no id: the high bit of their tag is clear.
    #[inline]
    fn free(&self) -> u64 {
        !u64::from_le_bytes(self.tags) & SLOT_HIGH
    }

    /// Did some id pass this bucket?
    #[inline]
    fn overflowed(&self) -> bool {
        self.tags[OVERFLOW] != 0
    }
}

impl Shard {
    /// Is there room for `len` ids?
    fn fits(&self, len: usize) -> bool {
        len * MAX_LOAD.1 <= self.buckets.len() * SLOTS * MAX_LOAD.0
    }

    /// The first bucket of a row with this hash.
    #[inline]
    fn home(&self, hash: u64) -> usize {
        ((u64::from(hash as u32) * self.buckets.len() as u64) >> 32) as usize
    }

    /// The bucket after `b`.
    #[inline]
    fn next(&self, b: usize) -> usize {
        if b + 1 == self.buckets.len() {
            0
        } else {
            b + 1
        }
    }

    #[inline(always)]
    fn find(&self, hash: u64, eq: impl FnMut(RowId) -> bool) -> Option<RowId> {
        self.locate(hash, eq).map(|(_, _, id)| id)
    }

    /// The bucket, slot and id of the first id with this hash that `eq`
    /// accepts.
    #[inline(always)]
    fn locate(
        &self,
        hash: u64,
        mut eq: impl FnMut(RowId) -> bool,
    ) -> Option<(usize, usize, RowId)> {
        if self.buckets.is_empty() {
            return None;
        }
        let tag = tags(hash);
        let mut b = self.home(hash);
        loop {
            let bucket = &self.buckets[b];
            let mut hits = bucket.matching(tag);
            while hits != 0 {
                let slot = first(hits);
                let id = bucket.ids[slot];
                if eq(id) {
                    return Some((b, slot, id));
                }
                hits &= hits - 1;
            }
            if !bucket.overflowed() {
                return None;
            }
            b = self.next(b);
        }
    }

    /// Puts `id` in the first free slot from its first bucket on, counting
    /// it in each full bucket it passes; the table has a free slot.
    #[inline]
    fn place(&mut self, hash: u64, id: RowId) {
        let mut b = self.home(hash);
        loop {
            let bucket = &mut self.buckets[b];
            let free = bucket.free();
            if free != 0 {
                let slot = first(free);
                bucket.tags[slot] = tag(hash);
                bucket.ids[slot] = id;
                self.len += 1;
                return;
            }
            bucket.tags[OVERFLOW] = bucket.tags[OVERFLOW].saturating_add(1);
            b = self.next(b);
        }
    }

    #[inline]
    fn insert(&mut self, hash: u64, id: RowId, rehash: &impl Fn(RowId) -> u64) {
        if !self.fits(self.len + 1) {
            self.grow(self.len + 1, rehash);
        }
        self.place(hash, id);
    }

    fn remove(&mut self, hash: u64, id: RowId) {
        let Some((b, slot, _)) = self.locate(hash, |x| x == id) else {
            return;
        };
        self.buckets[b].tags[slot] = EMPTY;
        self.len -= 1;
        // The buckets it passed count one fewer (unless saturated: then
        // nobody knows how many).
        let mut passed = self.home(hash);
        while passed != b {
            let count = &mut self.buckets[passed].tags[OVERFLOW];
            if *count != u8::MAX {
                *count -= 1;
            }
            passed = self.next(passed);
        }
    }

    /// Makes room for `ids` ids (see [`grown_buckets`]), hashing each id
    /// again: for a table that fills up between rebuilds of the set.
    fn grow(&mut self, ids: usize, hash: &impl Fn(RowId) -> u64) {
        let buckets = grown_buckets(ids, self.buckets.len());
        let old = std::mem::replace(
            self,
            Shard {
                buckets: vec![FREE_BUCKET; buckets],
                len: 0,
            },
        );
        for bucket in &old.buckets {
            let mut full = !bucket.free() & SLOT_HIGH;
            while full != 0 {
                let id = bucket.ids[first(full)];
                self.place(hash(id), id);
                full &= full - 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::hash_ids;

    /// Rows are single values here: the hash of id `r` is that of `r * 7`.
    fn hash_of(r: RowId) -> u64 {
        hash_ids([r * 7])
    }

    #[test]
    fn holds_what_was_inserted_and_nothing_else() {
        let mut set = RowSet::default();
        for r in 0..100_000 {
            assert_eq!(set.find(hash_of(r), |x| x == r), None);
            set.insert_unique(hash_of(r), r, hash_of);
        }
        assert_eq!(set.len(), 100_000);
        for r in 0..100_000 {
            assert_eq!(set.find(hash_of(r), |x| x == r), Some(r));
        }
        assert_eq!(set.find(hash_of(100_001), |x| x == 100_001), None);
        let slots: usize = set.shards.iter().map(|s| s.buckets.len() * SLOTS).sum();
        assert!(
            slots * 7 <= 100_000 * 10 + SHARDS * SLOTS * 10,
            "{slots} slots"
        );
    }

    #[test]
    fn removed_ids_leave_and_others_stay_reachable() {
        let mut set = RowSet::default();
        for r in 0..5000 {
            set.insert_unique(hash_of(r), r, hash_of);
        }
        for r in (0..5000).step_by(2) {
            set.remove(hash_of(r), r);
        }
        for r in 0..5000 {
            let found = set.find(hash_of(r), |x| x == r);
            assert_eq!(found.is_some(), r % 2 == 1, "{r}");
        }
        // Tombstones are reused or swept by a rehash; the set keeps working.
        for r in 5000..20_000 {
            set.insert_unique(hash_of(r), r, hash_of);
        }
        assert_eq!(set.len(), 2500 + 15_000);
        set.clear();
        assert_eq!(set.find(hash_of(1), |x| x == 1), None);
    }

    #[test]
    fn equal_hashes_are_told_apart_by_eq() {
        let mut set = RowSet::default();
        // Every id with the same hash: one long run of probes.
        for r in 0..300 {
            set.insert_unique(42, r, |_| 42);
        }
        for r in 0..300 {
            assert_eq!(set.find(42, |x| x == r), Some(r));
        }
        assert_eq!(set.find(42, |x| x == 300), None);
    }

    #[test]
    fn agrees_with_a_plain_set_under_random_inserts_and_removes() {
        use std::collections::HashSet;
        // Few distinct hashes: long runs past full buckets, overflow counts
        // that saturate, and removals from the middle of runs.
        for spread in [3u32, 50, 1 << 20] {
            let hash = move |r: RowId| hash_ids([r % spread]) ^ u64::from(r % 5);
            let mut set = RowSet::default();
            let mut model = HashSet::new();
            let mut x = 0x2545_f491_4f6c_dd1du64;
            for _ in 0..40_000 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let r = (x % 3000) as RowId;
                if x % 3 == 0 {
                    set.remove(hash(r), r);
                    model.remove(&r);
                } else if !model.contains(&r) {
                    set.insert_unique(hash(r), r, hash);
                    model.insert(r);
                }
                let probe = ((x >> 20) % 3000) as RowId;
                assert_eq!(
                    set.find(hash(probe), |y| y == probe).is_some(),
                    model.contains(&probe),
                    "id {probe}, spread {spread}"
                );
            }
            assert_eq!(set.len(), model.len());
            for r in 0..3000 {
                assert_eq!(set.find(hash(r), |y| y == r).is_some(), model.contains(&r));
            }
        }
    }
}
