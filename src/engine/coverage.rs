//! Coverage (SPEC §14): at a time point a source does not cover, its
//! facts are unknown, not absent, and so is every answer that rests on
//! them unless it holds whatever they are.
//!
//! At a time point `t`, the predicates with given facts from a source
//! that does not cover `t` are *open*, and every predicate whose rules
//! read an open one (positively or not, directly or not) is *uncertain*.
//! A rule that reads an uncertain predicate under `not` or in an
//! aggregate is *unsafe* at `t`: more facts there could take its
//! conclusions away. The *certain model* is the perfect model of the
//! program without its unsafe rules. It lies inside the model of every
//! completion of the open predicates (positive rules are monotone, and
//! the negations left read only predicates that are the same in every
//! completion), so an answer found there holds whatever the missing
//! facts are. A goal that reads no uncertain predicate is answered as
//! before; one that does keeps its certain answers, and is unknown
//! beyond them.
//!
//! Over every time, coverage cuts time into stretches where the same
//! predicates are uncertain; each stretch is answered as above, the
//! certain model evaluated once per stretch that needs it (most need
//! none: a program whose rules read the uncovered facts only positively
//! has the certain model it has).

use std::collections::{BTreeSet, HashMap, HashSet};

use super::Engine;
use crate::answers::{Answers, Unknown};
use crate::ast::{for_each_atom, Occurrence, Query};
use crate::check::{stratify::stratify, Vocabulary};
use crate::error::Error;
use crate::eval::Config;
use crate::load::Program;
use crate::time::{Interval, Time, Validity, NEVER_AFTER, NEVER_BEFORE};
use crate::value::Value;

/// The sources that say what they cover, each with the predicates it
/// gives facts of.
struct Covered {
    sources: Vec<(String, Interval, HashSet<String>)>,
}

/// The predicates uncertain at one time point, each with the uncovered
/// sources it rests on.
type Uncertain = HashMap<String, BTreeSet<String>>;

impl Engine {
    /// The answers to `query` (asked at `at`, or over every time), told
    /// apart where coverage leaves them unknown; `answers` are the
    /// model's.
    pub(super) fn with_coverage(
        &self,
        query: &Query,
        mut answers: Answers,
        at: Option<Time>,
        config: &Config,
    ) -> Result<Answers, Error> {
        let Some(covered) = self.covered() else {
            return Ok(answers);
        };
        let reads = reads(&query.body);
        match at {
            Some(t) => {
                let uncertain = covered.uncertain_at(t, &self.program);
                let touched = touched(&reads, &uncertain);
                if touched.is_empty() {
                    return Ok(answers);
                }
                answers.rows = match self.certain_program(query, &uncertain) {
                    Certain::Nothing => Vec::new(),
                    Certain::AsModel => answers.rows,
                    Certain::Without(program) => {
                        let mut engine = self.with_program(*program);
                        let config = Config {
                            at: Some(t),
                            ..config.clone()
                        };
                        engine.run_with(&config)?;
                        engine.answer(query, &engine.sources, &config)?.rows
                    }
                };
                answers.unknown = Some(Unknown {
                    sources: touched.into_iter().collect(),
                    when: None,
                });
                Ok(answers)
            }
            None => self.over_time(query, answers, &covered, &reads, config),
        }
    }

    /// [`Engine::with_coverage`] over every time: stretch by stretch.
    fn over_time(
        &self,
        query: &Query,
        answers: Answers,
        covered: &Covered,
        reads: &HashSet<String>,
        config: &Config,
    ) -> Result<Answers, Error> {
        let rows = answers.rows.len();
        let validity = |i: usize| answers.validity(i).unwrap_or_default();
        let mut certain: Vec<Validity> = vec![Validity::never(); rows];
        let mut unknown = Validity::never();
        let mut sources: BTreeSet<String> = BTreeSet::new();
        for stretch in covered.stretches() {
            let uncertain = covered.uncertain_at(stretch.from, &self.program);
            let touched = touched(reads, &uncertain);
            let kept: Vec<Validity> = if touched.is_empty() {
                (0..rows).map(validity).collect()
            } else {
                unknown.add(stretch);
                sources.extend(touched);
                match self.certain_program(query, &uncertain) {
                    Certain::Nothing => vec![Validity::never(); rows],
                    Certain::AsModel => (0..rows).map(validity).collect(),
                    Certain::Without(program) => {
                        let mut engine = self.with_program(*program);
                        engine.run_with(config)?;
                        let found = engine.answer(query, &engine.sources, config)?;
                        let found: HashMap<&[Value], Validity> = (found.rows.iter())
                            .enumerate()
                            .map(|(i, row)| (row.as_slice(), found.validity(i).unwrap_or_default()))
                            .collect();
                        (answers.rows.iter())
                            .map(|row| found.get(row.as_slice()).cloned().unwrap_or_default())
                            .collect()
                    }
                }
            };
            for (all, v) in certain.iter_mut().zip(kept) {
                for i in v.within(stretch).intervals() {
                    all.add(*i);
                }
            }
        }
        let mut out = Answers {
            variables: answers.variables,
            rows: Vec::new(),
            validities: Vec::new(),
            unknown: None,
        };
        for (row, v) in answers.rows.into_iter().zip(certain) {
            if !v.is_never() {
                out.rows.push(row);
                out.validities.push(v);
            }
        }
        if !unknown.is_never() {
            out.unknown = Some(Unknown {
                sources: sources.into_iter().collect(),
                when: Some(unknown),
            });
        }
        Ok(out)
    }

    /// `range` cut where some source's coverage starts or ends, each
    /// stretch with the predicates uncertain there (one stretch, with
    /// none, when no source says what it covers).
    pub(super) fn stretches_within(&self, range: Interval) -> Vec<(Interval, HashSet<String>)> {
        let Some(covered) = self.covered() else {
            return vec![(range, HashSet::new())];
        };
        (covered.stretches().into_iter())
            .filter_map(|s| Interval::new(s.from.max(range.from), s.to.min(range.to)))
            .map(|stretch| {
                let uncertain = covered.uncertain_at(stretch.from, &self.program);
                (stretch, uncertain.into_keys().collect())
            })
            .collect()
    }

    /// The sources that leave `predicate` unknown at `at` (or at some
    /// time, without one), as a why-not names them.
    pub(super) fn uncovered_for(
        &self,
        predicate: &str,
        at: Option<Time>,
    ) -> Vec<crate::explain::Cited> {
        let Some(covered) = self.covered() else {
            return Vec::new();
        };
        let points: Vec<Time> = match at {
            Some(t) => vec![t],
            None => covered.stretches().iter().map(|s| s.from).collect(),
        };
        let mut names: BTreeSet<String> = BTreeSet::new();
        for t in points {
            if let Some(sources) = covered.uncertain_at(t, &self.program).remove(predicate) {
                names.extend(sources);
            }
        }
        (names.iter())
            .map(|name| crate::explain::Cited::named(&self.program, name))
            .collect()
    }

    /// The sources with coverage and the predicates they give facts of;
    /// `None` when no source says what it covers.
    fn covered(&self) -> Option<Covered> {
        let program = &self.program;
        let mut sources: Vec<(String, Interval, HashSet<String>)> = (program.sources.iter())
            .filter_map(|s| {
                Some((
                    s.name.text.to_string(),
                    s.covers?.interval()?,
                    HashSet::new(),
                ))
            })
            .collect();
        if sources.is_empty() {
            return None;
        }
        let mut give = |source: &str, predicate: &str| {
            if let Some((_, _, predicates)) = sources.iter_mut().find(|(n, _, _)| n == source) {
                predicates.insert(predicate.to_string());
            }
        };
        if !program.sections.is_empty() {
            for fact in program.facts.iter() {
                if let Some(source) = program.source_of(fact.span(), &self.sources) {
                    give(&source.text, fact.name());
                }
            }
            for rule in program.rules.iter().filter(|r| r.is_fact()) {
                if let Some(source) = program.source_of(rule.span, &self.sources) {
                    give(&source.text, &rule.head.predicate.text);
                }
            }
        }
        for import in &program.imports {
            if let Some(source) = &import.import.source {
                give(&source.text, &import.import.predicate.text);
            }
        }
        Some(Covered { sources })
    }

    /// What the certain model is, for `query` with `uncertain`
    /// predicates: nothing certain (the query itself negates or
    /// aggregates an uncertain predicate), the model itself (no unsafe
    /// rule concludes what the query reads), or the program without the
    /// unsafe rules.
    fn certain_program(&self, query: &Query, uncertain: &Uncertain) -> Certain {
        if negates_any(&query.body, uncertain) {
            return Certain::Nothing;
        }
        let is_unsafe = |rule: &crate::ast::Rule| negates_any(&rule.body, uncertain);
        // The predicates the query depends on.
        let mut needed = reads(&query.body);
        loop {
            let before = needed.len();
            for rule in &self.program.rules {
                if needed.contains(&*rule.head.predicate.text) {
                    needed.extend(reads(&rule.body));
                }
            }
            if needed.len() == before {
                break;
            }
        }
        let touches = (self.program.rules.iter())
            .any(|r| needed.contains(&*r.head.predicate.text) && is_unsafe(r));
        if !touches {
            return Certain::AsModel;
        }
        let mut program = self.program.clone();
        program.rules.retain(|r| !is_unsafe(r));
        Certain::Without(Box::new(program))
    }

    /// An engine of `program` (this one's, changed), with this one's
    /// sources, imports and settings, and no model.
    fn with_program(&self, program: Program) -> Engine {
        let (strata, _) = stratify(&program);
        Engine {
            sources: self.sources.clone(),
            vocabulary: Vocabulary::of(&program),
            strata,
            program,
            imported: self.imported.clone(),
            model: Default::default(),
            timeline: Default::default(),
            temporal: self.temporal,
            model_at: None,
            settings: self.settings.clone(),
            files: self.files.clone(),
            restore: None,
        }
    }
}

/// See [`Engine::certain_program`].
enum Certain {
    Nothing,
    AsModel,
    Without(Box<Program>),
}

impl Covered {
    /// The open predicates at `t` and everything that reads them.
    fn uncertain_at(&self, t: Time, program: &Program) -> Uncertain {
        let mut uncertain: Uncertain = HashMap::new();
        for (name, covers, predicates) in &self.sources {
            if covers.contains(t) {
                continue;
            }
            for p in predicates {
                uncertain.entry(p.clone()).or_default().insert(name.clone());
            }
        }
        if uncertain.is_empty() {
            return uncertain;
        }
        loop {
            let mut changed = false;
            for rule in &program.rules {
                let mut from: BTreeSet<String> = BTreeSet::new();
                for_each_atom(&rule.body, &mut |a, _| {
                    if let Some(s) = uncertain.get(&*a.predicate.text) {
                        from.extend(s.iter().cloned());
                    }
                });
                if from.is_empty() {
                    continue;
                }
                let head = uncertain
                    .entry(rule.head.predicate.text.to_string())
                    .or_default();
                let before = head.len();
                head.extend(from);
                changed |= head.len() != before;
            }
            if !changed {
                return uncertain;
            }
        }
    }

    /// Time cut where some source's coverage starts or ends.
    fn stretches(&self) -> Vec<Interval> {
        let mut cuts: Vec<Time> = Vec::new();
        for (_, covers, _) in &self.sources {
            cuts.push(covers.from);
            if covers.to != NEVER_AFTER {
                cuts.push(covers.to + 1);
            }
        }
        cuts.retain(|&t| t != NEVER_BEFORE);
        cuts.sort_unstable();
        cuts.dedup();
        let mut from = NEVER_BEFORE;
        let mut out = Vec::new();
        for cut in cuts {
            out.push(Interval { from, to: cut - 1 });
            from = cut;
        }
        out.push(Interval {
            from,
            to: NEVER_AFTER,
        });
        out
    }
}

/// Does the body read one of `uncertain` under `not` or in an aggregate?
fn negates_any(body: &[crate::ast::Literal], uncertain: &Uncertain) -> bool {
    let mut found = false;
    for_each_atom(body, &mut |a, how| {
        found |= how != Occurrence::Positive && uncertain.contains_key(&*a.predicate.text);
    });
    found
}

/// The predicates a body reads, under `not` and in aggregates too.
fn reads(body: &[crate::ast::Literal]) -> HashSet<String> {
    let mut out = HashSet::new();
    for_each_atom(body, &mut |a, _| {
        out.insert(a.predicate.text.to_string());
    });
    out
}

/// The uncovered sources the predicates `reads` rest on.
fn touched(reads: &HashSet<String>, uncertain: &Uncertain) -> BTreeSet<String> {
    (reads.iter())
        .filter_map(|p| uncertain.get(p))
        .flatten()
        .cloned()
        .collect()
}
