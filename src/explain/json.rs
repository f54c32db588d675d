//! Explanations as JSON, the schema of docs/explain.md (written by hand:
//! the engine's dependency tree has no serde).

use std::fmt::{self, Write};

use super::{Failure, Justification, Proof, Source, WhyNot};
use crate::json;
use crate::value::Value;

impl Proof {
    /// The proof as one JSON object (docs/explain.md), `"holds": true`.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        let _ = json_proof(&mut out, self, true);
        out
    }

    /// The proof as a JSON node without `"holds"`, as nested proofs are.
    pub fn to_json_node(&self) -> String {
        let mut out = String::new();
        let _ = json_proof(&mut out, self, false);
        out
    }
}

impl WhyNot {
    /// The why-not as one JSON object (docs/explain.md), `"holds": false`.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        let _ = json_why_not(&mut out, self);
        out
    }
}

fn json_source(out: &mut impl Write, s: &Source, with_text: bool) -> fmt::Result {
    write!(out, "{{\"file\": ")?;
    json::string(out, &s.file)?;
    write!(out, ", \"line\": {}", s.line)?;
    if with_text {
        write!(out, ", \"text\": ")?;
        json::string(out, &s.text)?;
    }
    write!(out, "}}")
}

/// `{"name", "citation"}`, and `"covers": {"from", "to"}` when the source
/// says what it covers.
fn json_cited(out: &mut impl Write, cited: &super::Cited) -> fmt::Result {
    write!(out, "{{\"name\": ")?;
    json::string(out, &cited.name)?;
    write!(out, ", \"citation\": ")?;
    json::string(out, &cited.citation)?;
    if let Some(covers) = cited.covers {
        write!(out, ", \"covers\": {{\"from\": {}, \"to\": {}}}", covers.from, covers.to)?;
    }
    write!(out, "}}")
}

fn json_strings<'a>(out: &mut impl Write, items: impl Iterator<Item = String> + 'a) -> fmt::Result {
    json::array(out, items, |out, s| json::string(out, &s))
}

fn json_bindings(out: &mut impl Write, b: &[(String, Value)]) -> fmt::Result {
    write!(out, "{{")?;
    for (i, (n, v)) in b.iter().enumerate() {
        if i > 0 {
            write!(out, ", ")?;
        }
        json::string(out, n)?;
        write!(out, ": ")?;
        json::value(out, v)?;
    }
    write!(out, "}}")
}

fn json_proof(out: &mut impl Write, p: &Proof, root: bool) -> fmt::Result {
    write!(out, "{{")?;
    if root {
        write!(out, "\"holds\": true, ")?;
    }
    write!(out, "\"fact\": ")?;
    json::string(out, &p.fact.to_string())?;
    if let Some(t) = p.at {
        write!(out, ", \"at\": {t}")?;
    }
    if let Some(v) = &p.validity {
        write!(out, ", \"validity\": ")?;
        json::validity(out, v)?;
    }
    write!(out, ", \"given\": ")?;
    match &p.justification {
        Justification::Given(s) => json_source(out, s, false)?,
        _ => write!(out, "null")?,
    }
    if let Justification::Given(Source { from: Some(cited), .. }) = &p.justification {
        write!(out, ", \"source\": ")?;
        json_cited(out, cited)?;
    }
    write!(out, ", \"rule\": ")?;
    match &p.justification {
        Justification::Derived(d) => json_source(out, &d.rule, true)?,
        _ => write!(out, "null")?,
    }
    write!(out, ", \"premises\": [")?;
    if let Justification::Derived(d) = &p.justification {
        for (i, q) in d.premises.iter().enumerate() {
            if i > 0 {
                write!(out, ", ")?;
            }
            json_proof(out, q, false)?;
        }
    }
    write!(out, "], \"absent\": ")?;
    match &p.justification {
        Justification::Derived(d) => {
            json_strings(out, d.absent.iter().cloned())?;
            write!(out, ", \"bindings\": ")?;
            json_bindings(out, &d.bindings)?;
            write!(out, ", \"comparisons\": ")?;
            json_strings(out, d.comparisons.iter().cloned())?;
            write!(out, ", \"aggregates\": [")?;
            for (i, a) in d.aggregates.iter().enumerate() {
                if i > 0 {
                    write!(out, ", ")?;
                }
                write!(out, "{{\"literal\": ")?;
                json::string(out, &a.text)?;
                write!(out, ", \"result\": ")?;
                json::value(out, &a.result)?;
                write!(out, ", \"facts\": ")?;
                json_strings(out, a.facts.iter().map(ToString::to_string))?;
                write!(out, ", \"more\": {}}}", a.more)?;
            }
            write!(out, "]")?;
        }
        _ => write!(out, "[]")?,
    }
    write!(
        out,
        ", \"truncated\": {}}}",
        matches!(p.justification, Justification::Truncated)
    )
}

fn json_why_not(out: &mut impl Write, w: &WhyNot) -> fmt::Result {
    write!(out, "{{\"holds\": false, \"fact\": ")?;
    json::string(out, &w.fact.to_string())?;
    if let Some(t) = w.at {
        write!(out, ", \"at\": {t}")?;
    }
    if w.latest {
        write!(out, ", \"latest\": true")?;
    }
    if !w.uncovered.is_empty() {
        write!(out, ", \"unknown\": [")?;
        for (i, source) in w.uncovered.iter().enumerate() {
            if i > 0 {
                write!(out, ", ")?;
            }
            json_cited(out, source)?;
        }
        write!(out, "]")?;
    }
    if let Some(v) = &w.validity {
        write!(out, ", \"validity\": ")?;
        json::validity(out, v)?;
    }
    write!(out, ", \"attempts\": [")?;
    for (i, a) in w.attempts.iter().enumerate() {
        if i > 0 {
            write!(out, ", ")?;
        }
        write!(out, "{{\"rule\": ")?;
        json_source(out, &a.rule, true)?;
        write!(out, ", \"bindings\": ")?;
        json_bindings(out, &a.bindings)?;
        write!(out, ", \"failure\": ")?;
        match &a.failure {
            Failure::Head(why) => {
                write!(out, "{{\"kind\": \"head\", \"reason\": ")?;
                json::string(out, why)?;
            }
            Failure::Missing { literal, closest } => {
                write!(out, "{{\"kind\": \"missing\", \"literal\": ")?;
                json::string(out, literal)?;
                write!(out, ", \"closest\": ")?;
                json_strings(out, closest.iter().map(ToString::to_string))?;
            }
            Failure::Blocked { literal, by } => {
                write!(out, "{{\"kind\": \"blocked\", \"literal\": ")?;
                json::string(out, literal)?;
                write!(out, ", \"by\": ")?;
                json::string(out, &by.to_string())?;
            }
            Failure::False { literal } => {
                write!(out, "{{\"kind\": \"false\", \"literal\": ")?;
                json::string(out, literal)?;
            }
        }
        write!(out, "}}")?;
        if let Some(v) = &a.premise_holds {
            write!(out, ", \"premise_holds\": ")?;
            json::validity(out, v)?;
        }
        write!(out, "}}")?;
    }
    write!(out, "], \"closest\": ")?;
    json_strings(out, w.closest.iter().map(ToString::to_string))?;
    write!(out, ", \"suggestions\": ")?;
    json_strings(out, w.suggestions.iter().cloned())?;
    write!(out, "}}")
}
