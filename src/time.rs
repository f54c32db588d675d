//! Time points, intervals and validities (SPEC §10): below every stage.
//!
//! A time point is an integer (years in the examples; the unit is the
//! user's). An [`Interval`] is closed at both ends; the least and the
//! greatest integer stand for "no bound", which loses nothing, since no
//! time point lies beyond them. A [`Validity`] is a set of time points kept
//! as maximal intervals: sorted, disjoint, and never adjacent (`[1990,
//! 1994]` and `[1995, 2000]` are one interval), so that two equal sets are
//! equal values and print the same.

use std::fmt;

use crate::source::Span;

/// A time point.
pub type Time = i64;

/// Before every time point: an interval that starts here has no start.
pub const NEVER_BEFORE: Time = Time::MIN;

/// After every time point: an interval that ends here has no end.
pub const NEVER_AFTER: Time = Time::MAX;

/// When statements hold, by each statement's span: what evaluation asks
/// of a program's given facts (the loaded program answers it).
pub trait StatementTimes {
    /// When the statement at `statement` holds, if it says.
    fn interval_of(&self, statement: Span) -> Option<Interval>;
}

/// The time points from `from` to `to`, both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Interval {
    /// The first point ([`NEVER_BEFORE`]: no start).
    pub from: Time,
    /// The last point ([`NEVER_AFTER`]: no end).
    pub to: Time,
}

impl Interval {
    /// Every time point.
    pub const ALWAYS: Interval = Interval {
        from: NEVER_BEFORE,
        to: NEVER_AFTER,
    };

    /// The points from `from` to `to`; `None` when `to` is before `from`.
    pub fn new(from: Time, to: Time) -> Option<Interval> {
        (from <= to).then_some(Interval { from, to })
    }

    /// Does it hold at `t`?
    pub fn contains(self, t: Time) -> bool {
        self.from <= t && t <= self.to
    }

    /// Every time point?
    pub fn is_always(self) -> bool {
        self == Interval::ALWAYS
    }
}

impl fmt::Display for Interval {
    /// As a fact's validity is written: `since 2010`, `from 1994 to 2020`,
    /// `in 2001`, `until 1993`; `always` for every time point.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.from, self.to) {
            (NEVER_BEFORE, NEVER_AFTER) => write!(f, "always"),
            (NEVER_BEFORE, to) => write!(f, "until {to}"),
            (from, NEVER_AFTER) => write!(f, "since {from}"),
            (from, to) if from == to => write!(f, "in {from}"),
            (from, to) => write!(f, "from {from} to {to}"),
        }
    }
}

/// A set of time points, as maximal intervals in order.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Validity {
    intervals: Vec<Interval>,
}

impl Validity {
    /// Every time point.
    pub fn always() -> Validity {
        Validity {
            intervals: vec![Interval::ALWAYS],
        }
    }

    /// No time point.
    pub fn never() -> Validity {
        Validity::default()
    }

    /// The maximal intervals, in order.
    pub fn intervals(&self) -> &[Interval] {
        &self.intervals
    }

    /// Every time point?
    pub fn is_always(&self) -> bool {
        self.intervals == [Interval::ALWAYS]
    }

    /// No time point?
    pub fn is_never(&self) -> bool {
        self.intervals.is_empty()
    }

    /// Does it hold at `t`?
    pub fn contains(&self, t: Time) -> bool {
        let i = self.intervals.partition_point(|i| i.to < t);
        self.intervals.get(i).is_some_and(|i| i.contains(t))
    }

    /// Adds the points of `interval`.
    pub fn add(&mut self, interval: Interval) {
        // Intervals that overlap or touch it merge with it.
        let touches = |i: &Interval| {
            i.to.saturating_add(1) >= interval.from && interval.to.saturating_add(1) >= i.from
        };
        let start = self
            .intervals
            .partition_point(|i| i.to.saturating_add(1) < interval.from);
        let mut end = start;
        let mut merged = interval;
        while end < self.intervals.len() && touches(&self.intervals[end]) {
            merged.from = merged.from.min(self.intervals[end].from);
            merged.to = merged.to.max(self.intervals[end].to);
            end += 1;
        }
        self.intervals.splice(start..end, [merged]);
    }

    /// The points of `self` that `other` does not have.
    pub fn minus(&self, other: &Validity) -> Validity {
        let mut left = Validity::never();
        for &i in &self.intervals {
            let mut from = i.from;
            for o in other
                .intervals
                .iter()
                .filter(|o| o.to >= i.from && o.from <= i.to)
            {
                if o.from > from {
                    left.add(Interval {
                        from,
                        to: o.from - 1,
                    });
                }
                if o.to >= i.to {
                    from = i.to;
                    // Nothing of `i` is left past `o`.
                    break;
                }
                from = o.to + 1;
            }
            let covered = other
                .intervals
                .iter()
                .any(|o| o.from <= i.to && o.to >= i.to);
            if !covered && from <= i.to {
                left.add(Interval { from, to: i.to });
            }
        }
        left
    }

    /// The points of `self` inside `interval`.
    pub fn within(&self, interval: Interval) -> Validity {
        (self.intervals.iter())
            .filter_map(|i| Interval::new(i.from.max(interval.from), i.to.min(interval.to)))
            .collect()
    }

    /// The first time point, if any (may be [`NEVER_BEFORE`]).
    pub fn first(&self) -> Option<Time> {
        self.intervals.first().map(|i| i.from)
    }
}

impl FromIterator<Interval> for Validity {
    fn from_iter<I: IntoIterator<Item = Interval>>(intervals: I) -> Validity {
        let mut v = Validity::never();
        for i in intervals {
            v.add(i);
        }
        v
    }
}

impl fmt::Display for Validity {
    /// The intervals as a fact's validity is written, separated by `, `;
    /// `always` for every time point, `never` for none.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_never() {
            return write!(f, "never");
        }
        for (n, i) in self.intervals.iter().enumerate() {
            if n > 0 {
                write!(f, ", ")?;
            }
            write!(f, "{i}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(from: Time, to: Time) -> Interval {
        Interval::new(from, to).unwrap()
    }

    #[test]
    fn intervals_print_as_they_are_written() {
        assert_eq!(iv(2010, NEVER_AFTER).to_string(), "since 2010");
        assert_eq!(iv(1994, 2020).to_string(), "from 1994 to 2020");
        assert_eq!(iv(2001, 2001).to_string(), "in 2001");
        assert_eq!(iv(NEVER_BEFORE, 1993).to_string(), "until 1993");
        assert_eq!(Interval::ALWAYS.to_string(), "always");
        assert_eq!(Validity::always().to_string(), "always");
        assert!(Interval::new(2000, 1999).is_none());
    }

    #[test]
    fn a_validity_keeps_maximal_intervals() {
        let v: Validity = [iv(1995, 2000), iv(1990, 1994), iv(2010, 2012)]
            .into_iter()
            .collect();
        assert_eq!(v.intervals(), [iv(1990, 2000), iv(2010, 2012)]);
        assert_eq!(v.to_string(), "from 1990 to 2000, from 2010 to 2012");
        let mut w = v.clone();
        w.add(iv(2001, 2009));
        assert_eq!(w.intervals(), [iv(1990, 2012)]);
        w.add(iv(NEVER_BEFORE, NEVER_AFTER));
        assert!(w.is_always());
        assert!(v.contains(1990) && v.contains(2011) && !v.contains(2005));
        assert!(!Validity::never().contains(0));
    }

    #[test]
    fn a_validity_agrees_with_a_set_of_points() {
        let mut numbers = crate::testing::numbers(0x9e37_79b9_7f4a_7c15);
        let mut next = |n: i64| numbers(n as u64) as i64;
        // Up to `count` random intervals of up to `length` more points,
        // as a validity and as the set of its points.
        let mut random = |count: i64, length: i64| {
            let mut v = Validity::never();
            let mut points = std::collections::BTreeSet::new();
            for _ in 0..next(count) {
                let from = next(40);
                let to = from + next(length);
                v.add(iv(from, to));
                points.extend(from..=to);
            }
            (v, points)
        };
        for _ in 0..500 {
            let (v, points) = random(6, 6);
            for t in -1..50 {
                assert_eq!(v.contains(t), points.contains(&t), "{v} at {t}");
            }
            let (w, others) = random(4, 8);
            let rest = v.minus(&w);
            for t in -1..60 {
                let expected = points.contains(&t) && !others.contains(&t);
                assert_eq!(rest.contains(t), expected, "{v} minus {w} at {t}: {rest}");
            }
            let back: std::collections::BTreeSet<Time> =
                v.intervals().iter().flat_map(|i| i.from..=i.to).collect();
            assert_eq!(back, points);
            for pair in v.intervals().windows(2) {
                assert!(pair[0].to + 1 < pair[1].from, "not maximal: {v}");
            }
        }
    }
}
