//! JSON written by hand, for the few shapes the engine prints (proofs,
//! why-nots, change sets): strings with escapes, values, arrays. No serde
//! in the engine's dependency tree for this.

use std::fmt::{self, Write};

use crate::time::{Time, Validity, NEVER_AFTER, NEVER_BEFORE};
use crate::value::Value;

/// A JSON string literal.
pub fn string(out: &mut impl Write, s: &str) -> fmt::Result {
    out.write_char('"')?;
    for c in s.chars() {
        match c {
            '"' => out.write_str("\\\"")?,
            '\\' => out.write_str("\\\\")?,
            '\n' => out.write_str("\\n")?,
            '\r' => out.write_str("\\r")?,
            '\t' => out.write_str("\\t")?,
            c if (c as u32) < 0x20 => write!(out, "\\u{:04x}", c as u32)?,
            c => out.write_char(c)?,
        }
    }
    out.write_char('"')
}

/// A value: a string for symbols and strings, a number otherwise.
pub fn value(out: &mut impl Write, v: &Value) -> fmt::Result {
    match v {
        Value::Str(s) => string(out, s),
        number => write!(out, "{number}"),
    }
}

/// `[a, b, ...]`, each item written by `item`.
pub fn array<W: Write, T>(
    out: &mut W,
    items: impl IntoIterator<Item = T>,
    mut item: impl FnMut(&mut W, T) -> fmt::Result,
) -> fmt::Result {
    out.write_char('[')?;
    for (i, x) in items.into_iter().enumerate() {
        if i > 0 {
            out.write_str(", ")?;
        }
        item(out, x)?;
    }
    out.write_char(']')
}

/// A validity: `[{"from": 1994, "to": 2020}, {"from": 2022, "to": null}]`,
/// `null` for an open end (SPEC §10).
pub fn validity(out: &mut impl Write, v: &Validity) -> fmt::Result {
    let end = |t: Time, none: Time| {
        if t == none {
            "null".to_string()
        } else {
            t.to_string()
        }
    };
    array(out, v.intervals(), |out, i| {
        write!(
            out,
            "{{\"from\": {}, \"to\": {}}}",
            end(i.from, NEVER_BEFORE),
            end(i.to, NEVER_AFTER)
        )
    })
}
