//! A fast, non-cryptographic hash for rows of value ids (the Fx hash of
//! rustc and Firefox). Rows are small arrays of `u32`, hashed millions of
//! times in a join; SipHash would cost more than the join itself. Inputs
//! are the program's own values, so flooding attacks are not a concern.
//! [`NameMap`] keys the checker's and planner's maps by predicate name.

use std::hash::{BuildHasherDefault, Hasher};

use indexmap::IndexMap;

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// Hashes a row (or a key made of some of its columns).
#[inline]
pub fn hash_ids(ids: impl IntoIterator<Item = u32>) -> u64 {
    let mut h = 0u64;
    for id in ids {
        h = (h.rotate_left(5) ^ u64::from(id)).wrapping_mul(SEED);
    }
    // Spread the low bits into the high ones, which hashbrown's control
    // bytes read.
    h ^ (h >> 29)
}

/// The same hash as a `Hasher`, for std and indexmap collections.
#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.hash = (self.hash.rotate_left(5) ^ n).wrapping_mul(SEED);
    }

    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash ^ (self.hash >> 29)
    }
}

/// `BuildHasher` for [`FxHasher`].
pub type FxBuild = BuildHasherDefault<FxHasher>;

/// Predicate names to values, in the order first seen, remembering the
/// last name looked up: most statements of a large program are facts of
/// the predicate the statement before named, and each of those then costs
/// a string comparison instead of a hash and a probe.
pub struct NameMap<'n, V> {
    map: IndexMap<&'n str, V, FxBuild>,
    last: Option<(&'n str, usize)>,
}

impl<V> Default for NameMap<'_, V> {
    fn default() -> Self {
        NameMap {
            map: IndexMap::default(),
            last: None,
        }
    }
}

impl<'n, V> NameMap<'n, V> {
    /// The number of `name` (its place in first-seen order) and its value,
    /// which `value` gives if `name` is new.
    pub fn entry(&mut self, name: &'n str, value: impl FnOnce() -> V) -> (usize, &mut V) {
        let i = match self.last {
            // Facts of one text share their name's allocation.
            Some((last, i)) if std::ptr::eq(last, name) || last == name => i,
            _ => {
                let entry = self.map.entry(name);
                let i = entry.index();
                entry.or_insert_with(value);
                self.last = Some((name, i));
                i
            }
        };
        (i, &mut self.map[i])
    }

    /// The names and values in first-seen order.
    pub fn into_map(self) -> IndexMap<&'n str, V, FxBuild> {
        self.map
    }
}
