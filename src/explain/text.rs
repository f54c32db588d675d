//! Explanations as text, the way `entente explain` prints them (the format
//! is documented in docs/explain.md): `Display` for [`Proof`] and
//! [`WhyNot`], and [`Proof::display_at`] for a proof nested under other
//! text.

use std::fmt;

use super::{Attempt, Derivation, Failure, Justification, Proof, Source, WhyNot, MAX_DEPTH};
use crate::value::Value;

/// A proof indented by a number of levels.
pub struct Indented<'a> {
    proof: &'a Proof,
    depth: usize,
}

impl Proof {
    /// The proof as text, every line indented by `depth` levels (two
    /// spaces each).
    pub fn display_at(&self, depth: usize) -> Indented<'_> {
        Indented { proof: self, depth }
    }
}

impl fmt::Display for Proof {
    /// The proof tree: each fact, how it holds, and its premises below it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        proof(f, self, 0)
    }
}

impl fmt::Display for Indented<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        proof(f, self.proof, self.depth)
    }
}

fn indent(depth: usize) -> String {
    "  ".repeat(depth)
}

pub(crate) fn place(s: &Source) -> String {
    match &s.from {
        Some(cited) => format!("{}:{} from {}", s.file, s.line, cited.name),
        None => format!("{}:{}", s.file, s.line),
    }
}

fn proof(f: &mut fmt::Formatter<'_>, proof: &Proof, depth: usize) -> fmt::Result {
    write!(f, "{}{}", indent(depth), proof.fact)?;
    if let Some(t) = proof.at {
        write!(f, " at {t}")?;
    }
    // A fact explained at a time point says when it holds, also when
    // that is always: the point alone would look like a choice of ours.
    match &proof.validity {
        Some(v) if !v.is_always() => writeln!(f, " (holds {v})")?,
        Some(_) if proof.at.is_some() => writeln!(f, " (holds always)")?,
        _ => writeln!(f)?,
    }
    let pad = indent(depth + 1);
    match &proof.justification {
        Justification::Given(source) => {
            writeln!(f, "{pad}given at {}: {}", place(source), source.text)
        }
        Justification::Truncated => writeln!(
            f,
            "{pad}... (proof cut after {MAX_DEPTH} levels or its size limit; explain this fact for the rest)"
        ),
        Justification::Derived(d) => derivation(f, d, depth + 1),
    }
}

fn derivation(f: &mut fmt::Formatter<'_>, d: &Derivation, depth: usize) -> fmt::Result {
    let pad = indent(depth);
    writeln!(f, "{pad}by rule at {}: {}", place(&d.rule), d.rule.text)?;
    if !d.bindings.is_empty() {
        writeln!(f, "{pad}with {}", bindings(&d.bindings))?;
    }
    for c in &d.comparisons {
        writeln!(f, "{pad}where {c}")?;
    }
    for a in &d.absent {
        writeln!(f, "{pad}no {a} holds")?;
    }
    for a in &d.aggregates {
        writeln!(f, "{pad}{} gives {}", a.text, a.result)?;
        for fact in &a.facts {
            writeln!(f, "{pad}  over {fact}")?;
        }
        if a.more > 0 {
            writeln!(f, "{pad}  and {} more", a.more)?;
        }
    }
    for p in &d.premises {
        proof(f, p, depth)?;
    }
    Ok(())
}

/// When the premise that failed holds, over time: `(it holds since
/// 2010)`, `(it never holds)`; nothing for a program without time.
pub(crate) fn when(a: &Attempt) -> String {
    match &a.premise_holds {
        None => String::new(),
        Some(v) if v.is_never() => " (it never holds)".to_string(),
        Some(v) if v.is_always() => " (it always holds)".to_string(),
        Some(v) => format!(" (it holds {v})"),
    }
}

pub(crate) fn bindings(b: &[(String, Value)]) -> String {
    b.iter()
        .map(|(n, v)| format!("{n} = {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for WhyNot {
    /// Each rule that could conclude the fact and what stops it, then the
    /// closest facts and suggestions.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.at, &self.validity) {
            (Some(t), _) if !self.latest && !self.uncovered.is_empty() => writeln!(
                f,
                "{} is unknown at {t}: it does not hold on the facts given, but not every source covers {t}.",
                self.fact
            )?,
            (Some(t), _) if self.latest => writeln!(
                f,
                "{} holds at no time; why not, as the given facts stand from {t} on (their last change):",
                self.fact
            )?,
            (Some(t), Some(v)) if !v.is_never() => {
                writeln!(f, "{} does not hold at {t} (it holds {v}).", self.fact)?
            }
            (Some(t), _) => writeln!(f, "{} does not hold at {t}.", self.fact)?,
            (None, _) => writeln!(f, "{} does not hold.", self.fact)?,
        }
        for source in &self.uncovered {
            writeln!(f, "  unknown, not false, where it rests on facts of {source}")?;
        }
        if self.attempts.is_empty() {
            writeln!(
                f,
                "  no rule concludes `{}`, and the fact is not given{}",
                self.fact.predicate,
                if self.at.is_some() { " then" } else { "" }
            )?;
        }
        for a in &self.attempts {
            writeln!(f, "  rule at {}: {}", place(&a.rule), a.rule.text)?;
            if !a.bindings.is_empty() {
                writeln!(f, "    with {}", bindings(&a.bindings))?;
            }
            match &a.failure {
                Failure::Head(why) => writeln!(f, "    the head does not fit: {why}")?,
                Failure::Missing { literal, closest } => {
                    writeln!(f, "    fails at {literal}: no such fact{}", when(a))?;
                    for c in closest {
                        writeln!(f, "      closest: {c}")?;
                    }
                }
                Failure::Blocked { literal, by } => {
                    writeln!(f, "    fails at {literal}: {by} holds{}", when(a))?;
                }
                Failure::False { literal } => {
                    writeln!(f, "    fails at {literal}: it does not hold")?
                }
            }
        }
        if !self.closest.is_empty() {
            let list: Vec<String> = self.closest.iter().map(ToString::to_string).collect();
            writeln!(
                f,
                "  closest facts of `{}`: {}",
                self.fact.predicate,
                list.join("; ")
            )?;
        }
        for s in &self.suggestions {
            writeln!(f, "  {s}")?;
        }
        Ok(())
    }
}
