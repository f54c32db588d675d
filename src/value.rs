//! Constants: symbols and strings (one kind), integers, decimals.
//!
//! A symbol and the string with the same text are the same constant, so both
//! are [`Value::Str`]; whether it prints bare or quoted depends only on its
//! text. The total order of SPEC §2 (numbers by value, then strings by code
//! point) is [`Value::total_cmp`].

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

/// Words that cannot be symbols, so a string with this text prints quoted.
pub const KEYWORDS: [&str; 6] = ["if", "and", "not", "include", "import", "from"];

/// A constant. (The `dd` engine's workers send values to one another,
/// so there they serialize.)
#[derive(Clone, Debug)]
#[cfg_attr(feature = "dd", derive(serde::Serialize, serde::Deserialize))]
pub enum Value {
    /// A 64-bit signed integer.
    Int(i64),
    /// A 64-bit float; always finite, and never `-0.0` (normalised to `0.0`).
    Dec(f64),
    /// A symbol or string.
    Str(Arc<str>),
}

impl Value {
    /// A decimal, with `-0.0` made `0.0` so that equal numbers are one
    /// constant. `None` for NaN and infinities, which no program can write.
    pub fn decimal(x: f64) -> Option<Value> {
        x.is_finite()
            .then_some(Value::Dec(if x == 0.0 { 0.0 } else { x }))
    }

    /// The text of a symbol or string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value as a reader wants it outside the language (a CSV field, a
    /// picture's label): a symbol or string as its text, without quotes; a
    /// number in canonical form.
    pub fn unquoted(&self) -> String {
        match self {
            Value::Str(s) => s.to_string(),
            number => number.to_string(),
        }
    }

    /// The integer, if this is one.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The number as a float, for integers and decimals alike.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Dec(d) => Some(*d),
            Value::Str(_) => None,
        }
    }

    /// SPEC §2's total order: numbers by value (an integer before an equal
    /// decimal, so that the order is total), then strings by code point.
    pub fn total_cmp(&self, other: &Value) -> Ordering {
        match (self, other) {
            (Value::Int(a), Value::Int(b)) => a.cmp(b),
            (Value::Str(a), Value::Str(b)) => a.cmp(b),
            (Value::Str(_), _) => Ordering::Greater,
            (_, Value::Str(_)) => Ordering::Less,
            (a, b) => numeric_cmp(a, b).then_with(|| {
                let rank = |v: &Value| matches!(v, Value::Dec(_));
                rank(a).cmp(&rank(b))
            }),
        }
    }

    /// The order used by `<`, `<=`, `>`, `>=`: like [`Value::total_cmp`]
    /// except that `1` and `1.0` are equal.
    pub fn compare(&self, other: &Value) -> Ordering {
        match (self, other) {
            (Value::Str(_), _) | (_, Value::Str(_)) => self.total_cmp(other),
            (a, b) => numeric_cmp(a, b),
        }
    }

    /// Always-quoted form, for paths and column names (a number as it
    /// is).
    pub fn quoted(&self) -> impl fmt::Display + '_ {
        Quoted(self)
    }
}

/// Compares two numbers exactly, also where `i64 as f64` would round.
fn numeric_cmp(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Int(a), Value::Int(b)) => a.cmp(b),
        (Value::Dec(a), Value::Dec(b)) => a.total_cmp(b),
        (Value::Int(i), Value::Dec(d)) => int_dec_cmp(*i, *d),
        (Value::Dec(d), Value::Int(i)) => int_dec_cmp(*i, *d).reverse(),
        _ => Ordering::Equal,
    }
}

fn int_dec_cmp(i: i64, d: f64) -> Ordering {
    // Every i64 lies in [-2^63, 2^63); compare against the float's integer
    // part exactly, then let the fraction break a tie.
    if d >= 9.223_372_036_854_776e18 {
        return Ordering::Less;
    }
    if d < -9.223_372_036_854_776e18 {
        return Ordering::Greater;
    }
    let whole = d.trunc();
    i.cmp(&(whole as i64))
        .then_with(|| 0.0f64.total_cmp(&(d - whole)))
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Dec(a), Value::Dec(b)) => a.to_bits() == b.to_bits(),
            (Value::Str(a), Value::Str(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for Value {}

impl std::hash::Hash for Value {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match self {
            Value::Int(i) => (0u8, i).hash(state),
            Value::Dec(d) => (1u8, d.to_bits()).hash(state),
            Value::Str(s) => (2u8, s).hash(state),
        }
    }
}

impl PartialOrd for Value {
    fn partial_cmp(&self, other: &Value) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Value {
    fn cmp(&self, other: &Value) -> Ordering {
        self.total_cmp(other)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}

impl From<i32> for Value {
    fn from(i: i32) -> Value {
        Value::Int(i.into())
    }
}

impl From<u32> for Value {
    fn from(i: u32) -> Value {
        Value::Int(i.into())
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Str(s.into())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Str(s.into())
    }
}

/// True when `text` can be written as a bare symbol.
pub fn is_symbol(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&text)
}

/// Canonical form (SPEC §6).
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(i) => write!(f, "{i}"),
            Value::Dec(d) => {
                // Rust never prints floats in exponent form with `{}`; add
                // the `.0` that tells a decimal from an integer.
                let text = d.to_string();
                if text.contains('.') {
                    write!(f, "{text}")
                } else {
                    write!(f, "{text}.0")
                }
            }
            Value::Str(s) if is_symbol(s) => write!(f, "{s}"),
            Value::Str(_) => write!(f, "{}", self.quoted()),
        }
    }
}

/// A value printed as a quoted string, with escapes.
struct Quoted<'a>(&'a Value);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Value::Str(s) = self.0 else {
            return write!(f, "{}", self.0);
        };
        write!(f, "\"")?;
        for c in s.chars() {
            match c {
                '"' => write!(f, "\\\"")?,
                '\\' => write!(f, "\\\\")?,
                '\n' => write!(f, "\\n")?,
                '\t' => write!(f, "\\t")?,
                c => write!(f, "{c}")?,
            }
        }
        write!(f, "\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_order_before_strings_and_mix_exactly() {
        let mut values = [
            Value::from("b"),
            Value::Dec(1.5),
            Value::Int(2),
            Value::from("a"),
            Value::Dec(1.0),
            Value::Int(1),
            Value::Int(i64::MAX),
            Value::Dec(9.3e18),
        ];
        values.sort();
        let printed: Vec<String> = values.iter().map(|v| v.to_string()).collect();
        assert_eq!(
            printed,
            [
                "1",
                "1.0",
                "1.5",
                "2",
                "9223372036854775807",
                "9300000000000000000.0",
                "a",
                "b"
            ]
        );
        assert_eq!(Value::Int(1).compare(&Value::Dec(1.0)), Ordering::Equal);
        assert_ne!(Value::Int(1), Value::Dec(1.0));
    }

    #[test]
    fn strings_print_bare_only_when_they_are_symbols() {
        assert_eq!(Value::from("turkey").to_string(), "turkey");
        assert_eq!(Value::from("if").to_string(), "\"if\"");
        assert_eq!(
            Value::from("Nagorno-Karabakh").to_string(),
            "\"Nagorno-Karabakh\""
        );
        assert_eq!(Value::from("a\"b\\\n").to_string(), "\"a\\\"b\\\\\\n\"");
        assert_eq!(Value::from("").to_string(), "\"\"");
    }
}
