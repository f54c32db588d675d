//! Values between Rust and Entente, checked rather than formatted and
//! parsed: conversions into [`Value`] (fallible where a Rust value has no
//! constant: an integer beyond 64-bit signed, a NaN), the arguments of a
//! fact from one Rust value each ([`IntoArgs`]: arrays, vectors, tuples
//! of mixed types), values read back as Rust types ([`FromValue`]), and
//! the names a program can write ([`is_predicate`], [`is_variable`]).
//!
//! A value or name that does not fit is an `entente::value` [`Error`]
//! whose label points into the text of the value as given.

use std::convert::Infallible;
use std::sync::Arc;

use crate::error::{Error, ValueError};
use crate::source::{Sources, Span};
use crate::value::{is_symbol, Value};

/// An `entente::value` error about `text` (a value or name as the caller
/// gave it), its label over the whole text.
pub(crate) fn value_error(text: String, error: impl FnOnce(Span) -> ValueError) -> Error {
    let (sources, span) = Sources::default().with_scratch("<value>", text);
    Error::single(error(span), &sources)
}

impl From<Infallible> for Error {
    fn from(never: Infallible) -> Error {
        match never {}
    }
}

impl From<bool> for Value {
    /// The symbol `true` or `false`.
    fn from(b: bool) -> Value {
        Value::from(if b { "true" } else { "false" })
    }
}

impl From<&String> for Value {
    fn from(s: &String) -> Value {
        Value::Str(s.as_str().into())
    }
}

impl From<Arc<str>> for Value {
    fn from(s: Arc<str>) -> Value {
        Value::Str(s)
    }
}

impl From<&Value> for Value {
    fn from(v: &Value) -> Value {
        v.clone()
    }
}

impl TryFrom<f64> for Value {
    type Error = Error;

    /// A decimal (`-0.0` made `0.0`); NaN and infinities are refused.
    fn try_from(x: f64) -> Result<Value, Error> {
        Value::decimal(x).ok_or_else(|| {
            let text = x.to_string();
            value_error(text.clone(), |span| ValueError::NotFinite { text, span })
        })
    }
}

/// Integer types wider than 64-bit signed convert when the value fits.
macro_rules! try_from_wide {
    ($($t:ty),*) => {$(
        impl TryFrom<$t> for Value {
            type Error = Error;

            /// An integer, when it fits in 64-bit signed.
            fn try_from(n: $t) -> Result<Value, Error> {
                i64::try_from(n).map(Value::Int).map_err(|_| {
                    let text = n.to_string();
                    value_error(text.clone(), |span| ValueError::TooLarge { text, span })
                })
            }
        }
    )*};
}

try_from_wide!(u64, usize, i128, u128);

/// Integer types that always fit.
macro_rules! from_narrow {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(n: $t) -> Value {
                Value::Int(n.into())
            }
        }
    )*};
}

from_narrow!(i8, i16, u8, u16);

/// A Rust value that becomes one [`Value`], or says why not: every type
/// with a conversion into `Value`, fallible or not (`i64`, `u64`, `f64`,
/// `bool`, `&str`, `String`, `Value`, ...).
pub trait IntoValue {
    /// The value, or the `entente::value` error of one that has none.
    fn into_value(self) -> Result<Value, Error>;
}

impl<T> IntoValue for T
where
    T: TryInto<Value>,
    T::Error: Into<Error>,
{
    fn into_value(self) -> Result<Value, Error> {
        self.try_into().map_err(Into::into)
    }
}

/// The arguments of a fact, from Rust values: an array, a vector or a
/// slice of one type, or a tuple of up to eight of mixed types
/// (`("armenia", "russia", 1997)`); `()` for none.
pub trait IntoArgs {
    /// The values, or the error of the first that has none.
    fn into_args(self) -> Result<Vec<Value>, Error>;
}

impl<V: IntoValue, const N: usize> IntoArgs for [V; N] {
    fn into_args(self) -> Result<Vec<Value>, Error> {
        self.into_iter().map(IntoValue::into_value).collect()
    }
}

impl<V: IntoValue> IntoArgs for Vec<V> {
    fn into_args(self) -> Result<Vec<Value>, Error> {
        self.into_iter().map(IntoValue::into_value).collect()
    }
}

impl<V: IntoValue + Clone> IntoArgs for &[V] {
    fn into_args(self) -> Result<Vec<Value>, Error> {
        self.iter().cloned().map(IntoValue::into_value).collect()
    }
}

macro_rules! tuple_args {
    ($($name:ident),*) => {
        impl<$($name: IntoValue),*> IntoArgs for ($($name,)*) {
            #[allow(non_snake_case)]
            fn into_args(self) -> Result<Vec<Value>, Error> {
                let ($($name,)*) = self;
                Ok(vec![$($name.into_value()?),*])
            }
        }
    };
}

impl IntoArgs for () {
    fn into_args(self) -> Result<Vec<Value>, Error> {
        Ok(Vec::new())
    }
}

tuple_args!(A);
tuple_args!(A, B);
tuple_args!(A, B, C);
tuple_args!(A, B, C, D);
tuple_args!(A, B, C, D, E);
tuple_args!(A, B, C, D, E, F);
tuple_args!(A, B, C, D, E, F, G);
tuple_args!(A, B, C, D, E, F, G, H);

/// A Rust type an answer's value can be read as: `i64` (an integer),
/// `f64` (an integer or a decimal), `bool` (the symbols `true` and
/// `false`), `String` and `&str` (a symbol or string), `Value` and
/// `&Value` (anything).
pub trait FromValue<'a>: Sized {
    /// What the type holds, for the error's message ("an integer").
    const WANTED: &'static str;
    /// The value as this type, if it is one.
    fn from_value(value: &'a Value) -> Option<Self>;
}

impl<'a> FromValue<'a> for i64 {
    const WANTED: &'static str = "an integer";
    fn from_value(value: &'a Value) -> Option<i64> {
        value.as_i64()
    }
}

impl<'a> FromValue<'a> for f64 {
    const WANTED: &'static str = "a number";
    fn from_value(value: &'a Value) -> Option<f64> {
        value.as_f64()
    }
}

impl<'a> FromValue<'a> for bool {
    const WANTED: &'static str = "`true` or `false`";
    fn from_value(value: &'a Value) -> Option<bool> {
        match value.as_str()? {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }
}

impl<'a> FromValue<'a> for &'a str {
    const WANTED: &'static str = "a symbol or string";
    fn from_value(value: &'a Value) -> Option<&'a str> {
        value.as_str()
    }
}

impl<'a> FromValue<'a> for String {
    const WANTED: &'static str = "a symbol or string";
    fn from_value(value: &'a Value) -> Option<String> {
        value.as_str().map(str::to_string)
    }
}

impl<'a> FromValue<'a> for Value {
    const WANTED: &'static str = "a value";
    fn from_value(value: &'a Value) -> Option<Value> {
        Some(value.clone())
    }
}

impl<'a> FromValue<'a> for &'a Value {
    const WANTED: &'static str = "a value";
    fn from_value(value: &'a Value) -> Option<&'a Value> {
        Some(value)
    }
}

/// True when `name` can be written as a predicate (`[a-z][A-Za-z0-9_]*`,
/// not a keyword): the text of a symbol.
pub fn is_predicate(name: &str) -> bool {
    is_symbol(name)
}

/// True when `name` can be written as a variable: `[A-Z][A-Za-z0-9_]*`,
/// or `_` followed by at least one letter, digit or `_`.
pub fn is_variable(name: &str) -> bool {
    let word = |rest: &str| rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    match name.chars().next() {
        Some(c) if c.is_ascii_uppercase() => word(&name[1..]),
        Some('_') => name.len() > 1 && word(&name[1..]),
        _ => false,
    }
}

/// The predicate name as given, or the `entente::value` error that says
/// why it cannot be one.
pub(crate) fn check_predicate(name: &str) -> Result<(), Error> {
    if is_predicate(name) {
        return Ok(());
    }
    let owned = name.to_string();
    Err(value_error(owned.clone(), |span| {
        ValueError::NotPredicate { name: owned, span }
    }))
}

/// A value a fact can hold: a decimal must be finite (one built as
/// `Value::Dec` directly may not be).
pub(crate) fn check_value(value: &Value) -> Result<(), Error> {
    match value {
        Value::Dec(x) => Value::try_from(*x).map(|_| ()),
        _ => Ok(()),
    }
}
