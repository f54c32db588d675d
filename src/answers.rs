//! The answers to a query: what every face (CLI, REPL, library, Python,
//! browser) prints, converts or iterates.

use crate::convert::{value_error, FromValue};
use crate::error::{Error, ValueError};
use std::collections::BTreeSet;

use crate::time::{Interval, Time, Validity, NEVER_AFTER, NEVER_BEFORE};
use crate::value::Value;

/// The answers to one query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answers {
    /// The query's named variables, in order of first appearance.
    pub variables: Vec<String>,
    /// One row of values per answer, sorted; a ground query that holds has
    /// one empty row, one that fails none.
    pub rows: Vec<Vec<Value>>,
    /// When each answer holds, in the order of `rows`, for a query asked
    /// over every time of a program that says when facts hold (SPEC §10);
    /// empty otherwise (every answer holds at the time asked about).
    pub validities: Vec<Validity>,
    /// Set when the goal reads facts of a source that does not cover the
    /// time asked about (SPEC §14): then `rows` are the answers that hold
    /// whatever those facts are, and more may hold there.
    pub unknown: Option<Unknown>,
}

/// Where a goal's answer is unknown (SPEC §14): it reads facts of a
/// source at time points the source does not cover.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unknown {
    /// The sources not covering those points, by name.
    pub sources: Vec<String>,
    /// The time points, for answers over every time; `None` for answers
    /// at one time point (unknown there).
    pub when: Option<Validity>,
}

impl Answers {
    /// True when the query has at least one answer.
    pub fn holds(&self) -> bool {
        !self.rows.is_empty()
    }

    /// When the answer at `i` holds: always, unless the answers were
    /// asked over time; `None` when there is no answer `i`.
    pub fn validity(&self, i: usize) -> Option<Validity> {
        if i >= self.rows.len() {
            return None;
        }
        Some(
            self.validities
                .get(i)
                .cloned()
                .unwrap_or_else(Validity::always),
        )
    }

    /// The answers by time: every time point in order, cut into the
    /// maximal intervals over which the same answers hold, each with those
    /// answers (their places in `rows`; none where nothing holds). What a
    /// count over time reads best as (`N = 5` from 1816 to 1820, then
    /// ...), rather than answer by answer.
    pub fn by_time(&self) -> Vec<(Interval, Vec<usize>)> {
        // Where each answer starts (true) and stops holding, in time order.
        let mut events: Vec<(Time, bool, usize)> = Vec::new();
        for i in 0..self.rows.len() {
            for interval in self.validity(i).unwrap_or_default().intervals() {
                events.push((interval.from, true, i));
                if interval.to != NEVER_AFTER {
                    events.push((interval.to + 1, false, i));
                }
            }
        }
        events.sort_unstable();
        let mut holding: BTreeSet<usize> = BTreeSet::new();
        let mut out: Vec<(Interval, Vec<usize>)> = Vec::new();
        let mut from = NEVER_BEFORE;
        let mut k = 0;
        loop {
            // Every event at `from` applied, the answers then.
            while k < events.len() && events[k].0 == from {
                let (_, starts, i) = events[k];
                if starts {
                    holding.insert(i);
                } else {
                    holding.remove(&i);
                }
                k += 1;
            }
            let to = events.get(k).map_or(NEVER_AFTER, |e| e.0 - 1);
            let answers: Vec<usize> = holding.iter().copied().collect();
            match out.last_mut() {
                Some((interval, before)) if *before == answers => interval.to = to,
                _ => out.push((Interval { from, to }, answers)),
            }
            match events.get(k) {
                Some(&(next, _, _)) => from = next,
                None => return out,
            }
        }
    }

    /// The answers one by one, each readable by variable name.
    pub fn iter(&self) -> impl Iterator<Item = Answer<'_>> {
        self.rows.iter().map(|values| Answer {
            variables: &self.variables,
            values,
        })
    }
}

/// One answer: a value for each of the query's variables.
#[derive(Clone, Copy, Debug)]
pub struct Answer<'a> {
    variables: &'a [String],
    values: &'a [Value],
}

/// As `entente query` prints them (SPEC §7): one line per answer,
/// `X = turkey, Y = azerbaijan`, with when it holds where that is not
/// always (`since 2010`); a ground query `true.` (or `true since 2010.`)
/// or `false.`, as is a query with no answers.
///
/// ```
/// use entente::Engine;
///
/// let mut engine = Engine::new();
/// engine.load_source("kb.rules", "ally(armenia, russia) since 1997. ally(a, b).")?;
/// engine.run()?;
/// assert_eq!(engine.query("ally(X, Y)")?.0.to_string(), "X = a, Y = b\nX = armenia, Y = russia since 1997\n");
/// assert_eq!(engine.query("ally(b, a)")?.0.to_string(), "false.\n");
/// # Ok::<(), entente::Error>(())
/// ```
impl std::fmt::Display for Answers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let when = |i: usize| self.validity(i).unwrap_or_default();
        if self.variables.is_empty() || self.rows.is_empty() {
            return match self.rows.is_empty() {
                true if self.unknown.is_some() => self.write_unknown(f),
                true => writeln!(f, "false."),
                false if when(0).is_always() => writeln!(f, "true."),
                false => {
                    writeln!(f, "true {}.", when(0))?;
                    self.write_unknown(f)
                }
            };
        }
        for (i, row) in self.rows.iter().enumerate() {
            for (j, (var, value)) in self.variables.iter().zip(row).enumerate() {
                let comma = if j > 0 { ", " } else { "" };
                write!(f, "{comma}{var} = {value}")?;
            }
            match when(i) {
                validity if validity.is_always() => writeln!(f)?,
                validity => writeln!(f, " {validity}")?,
            }
        }
        self.write_unknown(f)
    }
}

impl Answers {
    /// Where the answer is unknown, for a goal without variables apart
    /// from when it holds: `unknown.` at one time point, `unknown since
    /// 2019.` over every time (nothing when it is known everywhere).
    pub fn unknown_when(&self) -> Option<Option<Validity>> {
        let unknown = self.unknown.as_ref()?;
        let ground = self.variables.is_empty();
        let Some(when) = &unknown.when else {
            // At a time point, a goal without variables that holds is known.
            return (!ground || self.rows.is_empty()).then_some(None);
        };
        let when = match (ground, self.validities.first()) {
            (true, Some(holds)) => when.minus(holds),
            _ => when.clone(),
        };
        (!when.is_never()).then_some(Some(when))
    }

    fn write_unknown(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.unknown_when() {
            None => Ok(()),
            Some(None) => writeln!(f, "unknown."),
            Some(Some(when)) => writeln!(f, "unknown {when}."),
        }
    }
}

impl Answers {
    /// The `i`th answer as `entente timeline` prints it, with when it
    /// holds after a colon: `Who = georgia: from 1996 to 2009, from 2012
    /// to 2014`, or `true: since 2010` for a goal without variables.
    /// (With no answers, the command prints `false.`.)
    pub fn timeline_line(&self, i: usize) -> String {
        let when = self.validity(i).unwrap_or_default();
        if self.variables.is_empty() {
            return format!("true: {when}");
        }
        let pairs: Vec<String> = (self.variables.iter().zip(&self.rows[i]))
            .map(|(var, value)| format!("{var} = {value}"))
            .collect();
        format!("{}: {when}", pairs.join(", "))
    }
}

impl<'a> Answer<'a> {
    /// The value of `variable` as a Rust `T` (see [`FromValue`]):
    /// `answer.get::<i64>("Year")`, `answer.get::<&str>("Who")`. An
    /// `entente::value` error when the goal has no such variable or the
    /// value is not a `T`.
    ///
    /// ```
    /// use entente::Engine;
    ///
    /// let mut engine = Engine::new();
    /// engine.load_source("kb.rules", "treaty(armenia, russia, 1997).")?;
    /// engine.run()?;
    /// let (answers, _) = engine.query("treaty(A, B, Year)")?;
    /// let first = answers.iter().next().unwrap();
    /// assert_eq!(first.get::<i64>("Year")?, 1997);
    /// assert_eq!(first.get::<&str>("A")?, "armenia");
    /// assert!(first.get::<i64>("A").is_err());
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn get<T: FromValue<'a>>(&self, variable: &str) -> Result<T, Error> {
        let Some(value) = self.value(variable) else {
            let name = variable.to_string();
            let help = format!("the variables are {}", self.variables.join(", "));
            return Err(value_error(name.clone(), |span| ValueError::NoVariable {
                name,
                span,
                help,
            }));
        };
        T::from_value(value).ok_or_else(|| {
            let text = value.to_string();
            value_error(text.clone(), |span| ValueError::WrongType {
                value: text,
                wanted: T::WANTED,
                span,
            })
        })
    }

    /// The value of `variable`, if the goal has it.
    pub fn value(&self, variable: &str) -> Option<&'a Value> {
        let i = self.variables.iter().position(|v| v == variable)?;
        self.values.get(i)
    }

    /// The values, in the order of [`Answers::variables`].
    pub fn values(&self) -> &'a [Value] {
        self.values
    }

    /// The query's variables, in order.
    pub fn variables(&self) -> &'a [String] {
        self.variables
    }
}
