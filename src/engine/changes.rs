//! Change sets: what an update did to the model, as data.
//!
//! Only derived facts are listed: a given fact that the update itself added
//! or retracted is what the user said, not a consequence of it.

use std::collections::{BTreeMap, HashSet};
use std::fmt::{self, Write as _};

use crate::eval::Database;
use crate::eval::Delta;
use crate::eval::Timeline;
use crate::fact::Fact;
use crate::intern::Id;
use crate::json;
use crate::plan::PredId;
use crate::time::Validity;
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
    /// Over every time of a program that says when facts hold: the time
    /// points at which each fact of `appeared` now holds and did not
    /// (SPEC §10); empty otherwise.
    pub appeared_when: Vec<Validity>,
    /// Likewise, the time points at which each fact of `disappeared` held
    /// and no longer does.
    pub disappeared_when: Vec<Validity>,
}

impl PredicateChanges {
    /// When the `i`th fact of `appeared` (`which` true) or `disappeared`
    /// changed: always, unless the change is over time.
    pub fn when(&self, which: bool, i: usize) -> Validity {
        let list = if which {
            &self.appeared_when
        } else {
            &self.disappeared_when
        };
        list.get(i).cloned().unwrap_or_else(Validity::always)
    }
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
                appeared_when: Vec::new(),
                disappeared_when: Vec::new(),
            });
        }
        ChangeSet { predicates }
    }

    /// The change set between two models of programs that differ
    /// arbitrarily (the fallback when a model cannot be maintained).
    pub(crate) fn between(old: &Database, new: &Database) -> ChangeSet {
        let mut names: Vec<&str> = (old.plan().predicates.keys())
            .chain(new.plan().predicates.keys())
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
                    appeared_when: Vec::new(),
                    disappeared_when: Vec::new(),
                });
            }
        }
        ChangeSet { predicates }
    }
}

impl ChangeSet {
    /// The change set between the timelines of two programs that say when
    /// facts hold: each derived fact with the time points it gained, and
    /// each with those it lost.
    pub(crate) fn between_timelines(old: &Timeline, new: &Timeline) -> ChangeSet {
        let facts = |t: &Timeline| -> BTreeMap<(String, Vec<Value>), Validity> {
            let mut facts = BTreeMap::new();
            let _ = t.for_each_fact(true, |name, row, validity| {
                facts.insert((name.to_string(), row.to_vec()), validity.clone());
                Ok::<(), ()>(())
            });
            facts
        };
        let (before, after) = (facts(old), facts(new));
        let mut by_name: BTreeMap<String, PredicateChanges> = BTreeMap::new();
        let never = Validity::never();
        let keys: std::collections::BTreeSet<&(String, Vec<Value>)> =
            before.keys().chain(after.keys()).collect();
        for key in keys {
            let (was, is) = (
                before.get(key).unwrap_or(&never),
                after.get(key).unwrap_or(&never),
            );
            let (gained, lost) = (is.minus(was), was.minus(is));
            if gained.is_never() && lost.is_never() {
                continue;
            }
            let changes = by_name
                .entry(key.0.clone())
                .or_insert_with(|| PredicateChanges {
                    predicate: key.0.clone(),
                    appeared: Vec::new(),
                    disappeared: Vec::new(),
                    appeared_when: Vec::new(),
                    disappeared_when: Vec::new(),
                });
            if !gained.is_never() {
                changes.appeared.push(key.1.clone());
                changes.appeared_when.push(gained);
            }
            if !lost.is_never() {
                changes.disappeared.push(key.1.clone());
                changes.disappeared_when.push(lost);
            }
        }
        ChangeSet {
            predicates: by_name.into_values().collect(),
        }
    }

    /// `[{"predicate": "p", "appeared": ["p(a)"], "disappeared": []}]`,
    /// one entry per predicate, facts in canonical form.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        let _ = json::array(&mut out, &self.predicates, |out, p| {
            out.push_str("{\"predicate\": ");
            json::string(out, &p.predicate)?;
            for (key, which) in [("appeared", true), ("disappeared", false)] {
                let facts = if which { &p.appeared } else { &p.disappeared };
                write!(out, ", \"{key}\": ")?;
                let mut i = 0;
                json::array(out, facts, |out, args| {
                    let fact = Fact {
                        predicate: p.predicate.clone(),
                        args: args.clone(),
                    };
                    let when = p.when(which, i);
                    i += 1;
                    if when.is_always() {
                        json::string(out, &fact.to_string())
                    } else {
                        json::string(out, &format!("{fact} {when}"))
                    }
                })?;
            }
            out.push('}');
            Ok(())
        });
        out
    }
}

impl ChangeSet {
    /// Each line of the what-if format, in order: per predicate, `+ fact.`
    /// for each fact that appears, then `- fact.` for each that
    /// disappears, with when it would (or did) hold where that is not
    /// always. The sign tells which.
    pub fn lines(&self) -> impl Iterator<Item = (char, String)> + '_ {
        self.predicates.iter().flat_map(|changes| {
            [('+', true), ('-', false)]
                .into_iter()
                .flat_map(move |(sign, which)| {
                    let facts = if which {
                        &changes.appeared
                    } else {
                        &changes.disappeared
                    };
                    facts.iter().enumerate().map(move |(i, args)| {
                        let fact = Fact {
                            predicate: changes.predicate.clone(),
                            args: args.clone(),
                        };
                        let when = changes.when(which, i);
                        let line = if when.is_always() {
                            format!("{sign} {fact}.")
                        } else {
                            format!("{sign} {fact} {when}.")
                        };
                        (sign, line)
                    })
                })
        })
    }
}

impl fmt::Display for ChangeSet {
    /// SPEC §7's what-if format: [`ChangeSet::lines`], one a line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (_, line) in self.lines() {
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}
