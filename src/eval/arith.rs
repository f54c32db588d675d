//! Checked arithmetic and comparisons over [`Value`]s (SPEC §3).
//!
//! Two integers give an integer (`/` truncates toward zero, `%` takes the
//! sign of the dividend); a decimal operand makes the result decimal.
//! Overflow, division by zero, a non-finite decimal and arithmetic on a
//! string are errors, never wrong answers.

use std::cmp::Ordering;

use crate::plan::{ArithOp, CompareOp};
use crate::value::Value;

/// Why an operation has no value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArithError {
    /// What went wrong, with the operands.
    pub message: String,
}

/// `left op right`.
pub fn apply(op: ArithOp, left: &Value, right: &Value) -> Result<Value, ArithError> {
    let fail = |what: &str| ArithError {
        message: format!("{what} in `{left} {} {right}`", op.symbol()),
    };
    match (left, right) {
        (Value::Int(a), Value::Int(b)) => {
            let (a, b) = (*a, *b);
            let result = match op {
                ArithOp::Add => a.checked_add(b),
                ArithOp::Sub => a.checked_sub(b),
                ArithOp::Mul => a.checked_mul(b),
                ArithOp::Div | ArithOp::Rem if b == 0 => return Err(fail("division by zero")),
                ArithOp::Div => a.checked_div(b),
                ArithOp::Rem => a.checked_rem(b),
            };
            result
                .map(Value::Int)
                .ok_or_else(|| fail("integer overflow"))
        }
        (Value::Str(_), _) | (_, Value::Str(_)) => Err(fail("arithmetic on a string")),
        (a, b) => {
            let (a, b) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
            if matches!(op, ArithOp::Div | ArithOp::Rem) && b == 0.0 {
                return Err(fail("division by zero"));
            }
            let result = match op {
                ArithOp::Add => a + b,
                ArithOp::Sub => a - b,
                ArithOp::Mul => a * b,
                ArithOp::Div => a / b,
                ArithOp::Rem => a % b,
            };
            Value::decimal(result).ok_or_else(|| fail("decimal overflow"))
        }
    }
}

/// `-operand`.
pub fn negate(operand: &Value) -> Result<Value, ArithError> {
    let fail = |what: &str| ArithError {
        message: format!("{what} in `-{operand}`"),
    };
    match operand {
        Value::Int(a) => a
            .checked_neg()
            .map(Value::Int)
            .ok_or_else(|| fail("integer overflow")),
        Value::Dec(a) => Value::decimal(-a).ok_or_else(|| fail("decimal overflow")),
        Value::Str(_) => Err(fail("arithmetic on a string")),
    }
}

/// Does `left op right` hold? `=` and `!=` compare constants as they are
/// (`1 = 1.0` is false); the orderings compare numbers by value.
pub fn holds(op: CompareOp, left: &Value, right: &Value) -> bool {
    match op {
        CompareOp::Eq => left == right,
        CompareOp::Ne => left != right,
        CompareOp::Lt => left.compare(right) == Ordering::Less,
        CompareOp::Le => left.compare(right) != Ordering::Greater,
        CompareOp::Gt => left.compare(right) == Ordering::Greater,
        CompareOp::Ge => left.compare(right) != Ordering::Less,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_division_truncates_and_remainder_follows_the_dividend() {
        let int = |op, a, b| apply(op, &Value::Int(a), &Value::Int(b));
        assert_eq!(int(ArithOp::Div, -7, 2), Ok(Value::Int(-3)));
        assert_eq!(int(ArithOp::Rem, -7, 2), Ok(Value::Int(-1)));
        assert_eq!(int(ArithOp::Rem, 7, -2), Ok(Value::Int(1)));
        assert!(int(ArithOp::Div, 1, 0).is_err());
        assert!(int(ArithOp::Add, i64::MAX, 1).is_err());
        assert!(int(ArithOp::Div, i64::MIN, -1).is_err());
        assert_eq!(
            apply(ArithOp::Add, &Value::Int(1), &Value::Dec(0.5)),
            Ok(Value::Dec(1.5))
        );
        assert!(apply(ArithOp::Mul, &Value::Dec(1e300), &Value::Dec(1e300)).is_err());
        assert!(apply(ArithOp::Add, &Value::from("a"), &Value::Int(1)).is_err());
    }

    #[test]
    fn equality_is_identity_but_order_is_numeric() {
        let (one, one_dec) = (Value::Int(1), Value::Dec(1.0));
        assert!(!holds(CompareOp::Eq, &one, &one_dec));
        assert!(holds(CompareOp::Le, &one, &one_dec) && holds(CompareOp::Ge, &one, &one_dec));
        assert!(holds(CompareOp::Lt, &Value::Int(5), &Value::from("a")));
    }
}
