//! Change sets: what an update did to the model, as data.
//!
//! Only derived facts are listed: a given fact that the update itself added
//! or retracted is what the user said, not a consequence of it.

use std::collections::HashSet;
use std::fmt::{self, Write as _};

use crate::eval::maintain::Delta;
use crate::eval::Database;
use crate::explain::Fact;
use crate::intern::Id;
use crate::json;
use crate::plan::PredId;
use crate::value::Value;

/// The derived facts an update made appear and disappear, per predicate
/// (sorted by name; facts in canonical order, SPEC §6).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChangeSet {
    /// One entry per predicate with a change.
    pub predicates: Vec<PredicateChanges>,
}

/// The changes to one predicate.
#[derive(Clone, Debug, PartialEq)]
pub struct PredicateChanges {
    /// The predicate.
    pub predicate: String,
    /// Facts that now hold and did not.
    pub appeared: Vec<Vec<Value>>,
    /// Facts that held and no longer do.
    pub disappeared: Vec<Vec<Value>>,
}

impl ChangeSet {
    /// True when no derived fact changed.
    pub fn is_empty(&self) -> bool {
        self.predicates.is_empty()
    }

    /// Every fact that appeared.
    pub fn appeared(&self) -> impl Iterator<Item = Fact> + '_ {
        self.predicates.iter().flat_map(|p| {
            p.appeared.iter().map(|args| Fact {
                predicate: p.predicate.clone(),
                args: args.clone(),
            })
        })
    }

    /// Every fact that disappeared.
    pub fn disappeared(&self) -> impl Iterator<Item = Fact> + '_ {
        self.predicates.iter().flat_map(|p| {
            p.disappeared.iter().map(|args| Fact {
                predicate: p.predicate.clone(),
                args: args.clone(),
            })
        })
    }

    /// The change set of a maintained model: `db` is the model after the
    /// update, `stated` the facts it made given and `retracted` those it
    /// took back (the facts themselves are not listed).
    pub(crate) fn from_delta(
        db: &Database,
        delta: &Delta,
        stated: &HashSet<(PredId, Vec<Id>)>,
        retracted: &HashSet<(PredId, Vec<Id>)>,
    ) -> ChangeSet {
        let mut predicates = Vec::new();
        // Only the few predicates the edit names need the check.
        let named = |set: &HashSet<(PredId, Vec<Id>)>, p: PredId| set.iter().any(|(q, _)| *q == p);
        for (p, name) in db.predicates_by_name() {
            let mut appeared: Vec<&[Id]> = delta.appeared[p].iter().collect();
            if named(stated, p) {
                appeared.retain(|row| !stated.contains(&(p, row.to_vec())));
            }
            let mut disappeared: Vec<&[Id]> = delta.disappeared[p].iter().collect();
            if named(retracted, p) {
                disappeared.retain(|row| !retracted.contains(&(p, row.to_vec())));
            }
            if appeared.is_empty() && disappeared.is_empty() {
                continue;
            }
            let values = |mut rows: Vec<&[Id]>| -> Vec<Vec<Value>> {
                db.sort_canonical(&mut rows);
                rows.into_iter().map(|r| db.values(r)).collect()
            };
            predicates.push(PredicateChanges {
                predicate: name.to_string(),
                appeared: values(appeared),
                disappeared: values(disappeared),
            });
        }
        ChangeSet { predicates }
    }

    /// The change set between two models of programs that differ
    /// arbitrarily (the fallback when a model cannot be maintained).
    pub(crate) fn between(old: &Database, new: &Database) -> ChangeSet {
        let mut names: Vec<&str> = old
            .plan
            .predicates
            .keys()
            .chain(new.plan.predicates.keys())
            .map(String::as_str)
            .collect();
        names.sort_unstable();
        names.dedup();
        let derived = |db: &Database, name: &str| -> Vec<Vec<Value>> {
            db.pred(name).map_or_else(Vec::new, |p| db.facts(p, true))
        };
        let mut predicates = Vec::new();
        for name in names {
            let (before, after) = (derived(old, name), derived(new, name));
            let missing = |from: &[Vec<Value>], to: &[Vec<Value>]| -> Vec<Vec<Value>> {
                from.iter()
                    .filter(|f| to.binary_search(f).is_err())
                    .cloned()
                    .collect()
            };
            let appeared = missing(&after, &before);
            let disappeared = missing(&before, &after);
            if !appeared.is_empty() || !disappeared.is_empty() {
                predicates.push(PredicateChanges {
                    predicate: name.to_string(),
                    appeared,
                    disappeared,
                });
            }
        }
        ChangeSet { predicates }
    }
}

impl ChangeSet {
    /// `[{"predicate": "p", "appeared": ["p(a)"], "disappeared": []}]`,
    /// one entry per predicate, facts in canonical form.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        let _ = json::array(&mut out, &self.predicates, |out, p| {
            out.push_str("{\"predicate\": ");
            json::string(out, &p.predicate)?;
            for (key, facts) in [("appeared", &p.appeared), ("disappeared", &p.disappeared)] {
                write!(out, ", \"{key}\": ")?;
                json::array(out, facts, |out, args| {
                    let fact = Fact {
                        predicate: p.predicate.clone(),
                        args: args.clone(),
                    };
                    json::string(out, &fact.to_string())
                })?;
            }
            out.push('}');
            Ok(())
        });
        out
    }
}

impl fmt::Display for ChangeSet {
    /// SPEC §7's what-if format: per predicate, `+ fact.` for each fact
    /// that appears, then `- fact.` for each that disappears.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for fact in self.predicates.iter() {
            for (sign, facts) in [('+', &fact.appeared), ('-', &fact.disappeared)] {
                for args in facts {
                    let fact = Fact {
                        predicate: fact.predicate.clone(),
                        args: args.clone(),
                    };
                    writeln!(f, "{sign} {fact}.")?;
                }
            }
        }
        Ok(())
    }
}
