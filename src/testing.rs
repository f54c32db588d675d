//! Shared by the unit tests: a small deterministic generator.

/// A xorshift generator from `seed` (not zero): each call gives a number
/// in `0..n`.
pub fn numbers(mut seed: u64) -> impl FnMut(u64) -> u64 {
    move |n| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    }
}
