//! A fact: a predicate and its values, as every face names one (a goal
//! to explain, a change, an answer's fact, a line of output).

use std::fmt;

use crate::time::Validity;
use crate::value::Value;

/// A fact: a predicate and its values.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fact {
    /// The predicate.
    pub predicate: String,
    /// The arguments.
    pub args: Vec<Value>,
}

impl Fact {
    /// The fact in canonical form (SPEC §10) over `validity`: one line
    /// per maximal interval, `p(a) from 1994 to 2020.`, without the
    /// newline; a fact that always holds as it is.
    pub fn timed_lines<'v>(&'v self, validity: &'v Validity) -> impl Iterator<Item = String> + 'v {
        validity.intervals().iter().map(move |interval| {
            if interval.is_always() {
                format!("{self}.")
            } else {
                format!("{self} {interval}.")
            }
        })
    }
}

impl fmt::Display for Fact {
    /// Canonical form (SPEC §6), without the final `.`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.predicate)?;
        if !self.args.is_empty() {
            let args: Vec<String> = self.args.iter().map(Value::to_string).collect();
            write!(f, "({})", args.join(", "))?;
        }
        Ok(())
    }
}
