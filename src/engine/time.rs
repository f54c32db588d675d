//! Questions over time (SPEC §10): which model each question is asked of.
//!
//! A program that says nothing of time has one model, the same at every
//! time point, and pays nothing here. For one that does, the engine's
//! model is the snapshot at [`Config::at`] when that is set; when it is
//! not, the engine keeps a [`Timeline`] (when each fact holds), and a
//! question about every time sweeps the elementary intervals once more,
//! answering it in each ([`Engine::answers_over_time`]). A question about
//! one time point (`? goal at T.`) is asked of the snapshot then.
//!
//! Why one file: which model a question over time is asked of (a
//! snapshot, the kept timeline's model taken to a point and back, or a
//! sweep); its parts choose among each other, and the what-if over time
//! compares two of them.

use std::collections::{HashMap, HashSet};

use super::what_if::Prior;
use super::{ChangeSet, Engine, Explanation, WhatIf};
use crate::ast::{Atom, Literal, Query, Statement, Term};
use crate::check::{self, Stratification};
use crate::error::{Error, EvalError, Problem};
use crate::eval::{self, Answers, Config, Database, Given, ImportedRows, Missing, Model, Reader};
use crate::eval::{sweep, Timeline, Track};
use crate::explain::{Failure, Justification, Proof, Prover};
use crate::fact::Fact;
use crate::intern::Interner;
use crate::intern::{Id, Names};
use crate::load::Program;
use crate::plan::Bindings;
use crate::plan::{self, Plan, PredId};
use crate::source::{Sources, Span};
use crate::time::{Time, Validity, NEVER_AFTER, NEVER_BEFORE};

impl Engine {
    /// Does the program say when some of its facts hold (a validity on a
    /// fact, or an import that reads one)?
    pub fn is_temporal(&self) -> bool {
        self.temporal
    }

    /// The time point questions are asked of: the query's own (`at T`),
    /// else the configuration's; `None` for every time. A program that
    /// says nothing of time is the same at every time point.
    pub(super) fn time_of(&self, query: Option<&Query>, config: &Config) -> Option<Time> {
        if !self.is_temporal() {
            return None;
        }
        query.and_then(|q| q.at.map(|(t, _)| t)).or(config.at)
    }

    /// The program's model, evaluated afresh (at `config.at`, if set).
    pub(super) fn evaluated(&self, config: &Config) -> Result<Database, Error> {
        let (plan, interner) = planned(&self.program, &self.strata);
        eval::evaluate(plan, interner, given(&self.program, &self.imported), config)
            .map_err(|e| Error::single(e, &self.sources))
    }

    /// [`Engine::evaluated`], as the model the engine keeps and maintains.
    pub(super) fn evaluated_model(&self, config: &Config) -> Result<Box<dyn Model>, Error> {
        let (plan, interner) = planned(&self.program, &self.strata);
        eval::model(plan, interner, given(&self.program, &self.imported), config)
            .map_err(|e| Error::single(e, &self.sources))
    }

    /// The model at time point `at`, evaluated afresh.
    pub(super) fn snapshot(&self, at: Time, config: &Config) -> Result<Database, Error> {
        self.evaluated(&Config {
            at: Some(at),
            ..config.clone()
        })
    }

    /// True when the engine keeps a timeline: the program says when
    /// facts hold and was run over every time (no [`Config::at`]), so its
    /// facts come with when they hold.
    pub fn has_timeline(&self) -> bool {
        self.timeline.is_some()
    }

    /// The time points at which the model changes, in order: where each
    /// interval of the kept timeline begins (after the first, which has
    /// no beginning). What a time slider offers; empty without a
    /// timeline.
    ///
    /// ```
    /// use entente::Engine;
    ///
    /// let mut engine = Engine::new();
    /// engine.load_source("kb.rules", "member(armenia, csto) from 1994 to 2020.")?;
    /// engine.run()?;
    /// assert_eq!(engine.change_points(), [1994, 2021]);
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn change_points(&self) -> Vec<Time> {
        let timeline = self.timeline.read();
        let starts = timeline
            .as_ref()
            .map(|t| t.starts.as_slice())
            .unwrap_or(&[]);
        starts
            .iter()
            .copied()
            .filter(|&s| s != NEVER_BEFORE)
            .collect()
    }

    /// Computes the timeline: when every fact holds.
    pub(super) fn compute_timeline(&self, config: &Config) -> Result<Timeline, Error> {
        let (plan, interner) = planned(&self.program, &self.strata);
        sweep(
            plan,
            interner,
            given(&self.program, &self.imported),
            config,
            Track::Facts,
            &mut |_, _| Ok(()),
        )
        .map_err(|e| Error::single(e, &self.sources))
    }

    /// Each answer of a goal such as `defends(X, armenia)` with the
    /// maximal intervals in which it holds (`entente timeline`); a program
    /// that says nothing of time has every answer hold always. Returns the
    /// answers and any warnings about the goal.
    pub fn timeline(&self, goal: &str) -> Result<(Answers, Vec<Problem>), Error> {
        self.timeline_with(goal, &self.settings)
    }

    /// [`Engine::timeline`] within the budgets of `config`.
    pub fn timeline_with(
        &self,
        goal: &str,
        config: &Config,
    ) -> Result<(Answers, Vec<Problem>), Error> {
        let (query, sources) = self.parse_goal("<goal>", goal)?;
        let warnings = self.check_goal(&query, &sources)?;
        let answers = self.answers_over_time(&[&query], config)?.remove(0);
        Ok((self.with_coverage(&query, answers, None, config)?, warnings))
    }

    /// Each query's answers over every time, each answer with when it
    /// holds. Each query becomes a rule of its own (its answers are the
    /// facts of a predicate no program can name, `goal#0`, ...), and one
    /// sweep over the elementary intervals maintains them with the rest:
    /// an interval costs what changes in it, not a fresh answer to every
    /// query.
    pub(super) fn answers_over_time(
        &self,
        queries: &[&Query],
        config: &Config,
    ) -> Result<Vec<Answers>, Error> {
        // Only what the queries read is swept: the rest of the program
        // changes nothing in their answers.
        let (mut program, imported) = self.slice(queries);
        let variables: Vec<Vec<String>> = queries.iter().map(|q| answer_variables(q)).collect();
        for (i, (query, variables)) in queries.iter().zip(&variables).enumerate() {
            program.rules.push(goal_rule(i, query, variables));
        }
        let (strata, _) = check::stratify::stratify(&program);
        let (plan, interner) = planned(&program, &strata);
        let mut goals = vec![false; plan.predicates.len()];
        for i in 0..queries.len() {
            if let Some(p) = plan.predicates.get_index_of(&goal_name(i)) {
                goals[p] = true;
            }
        }
        let timeline = sweep(
            plan,
            interner,
            given(&program, &imported),
            config,
            Track::Only(goals),
            &mut |_, _| Ok(()),
        )
        .map_err(|e| Error::single(e, &self.sources))?;
        Ok((variables.into_iter().enumerate())
            .map(|(i, variables)| {
                let (rows, validities) = timeline.values_of(&goal_name(i)).into_iter().unzip();
                Answers {
                    variables,
                    rows,
                    validities,
                    unknown: None,
                }
            })
            .collect())
    }
}

/// The predicate a query's answers over time are the facts of: a name no
/// program can write.
fn goal_name(i: usize) -> String {
    format!("goal#{i}")
}

/// A query's named variables, in order of first appearance: its answers'
/// columns.
pub(super) fn answer_variables(query: &Query) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for literal in &query.body {
        let mut add = |v: &crate::ast::Var| {
            if !v.is_anonymous() && !out.contains(&v.name) {
                out.push(v.name.clone());
            }
        };
        match literal {
            Literal::Aggregate(agg) => add(&agg.result),
            other => other.for_each_var(&mut add),
        }
    }
    out
}

/// `goal#i(Variables) if Body.`: the query as a rule.
fn goal_rule(i: usize, query: &Query, variables: &[String]) -> crate::ast::Rule {
    let span = query.span;
    crate::ast::Rule {
        head: crate::ast::Atom {
            predicate: crate::ast::Name {
                text: goal_name(i).into(),
                span,
            },
            args: (variables.iter())
                .map(|name| {
                    Term::Var(crate::ast::Var {
                        name: name.clone(),
                        span,
                    })
                })
                .collect(),
            span,
        },
        body: query.body.clone(),
        span,
    }
}

impl Engine {
    /// A goal of one positive atom asked over every time, answered from
    /// the kept timeline at the cost of the facts that fit it: those of
    /// the last elementary interval's model through its indexes, and
    /// those that held only before then one by one; an answer holds when
    /// some fact behind it does. `None` when the goal is more than one
    /// atom, or no timeline is kept (a sweep answers it then).
    pub(super) fn answer_from_timeline(
        &self,
        query: &Query,
        config: &Config,
    ) -> Option<Result<Answers, EvalError>> {
        let [Literal::Positive(atom)] = query.body.as_slice() else {
            return None;
        };
        let mut variables: Vec<String> = Vec::new();
        for t in &atom.args {
            if let Term::Var(v) = t {
                if !v.is_anonymous() && !variables.contains(&v.name) {
                    variables.push(v.name.clone());
                }
            }
        }
        let goal = super::ask::words(query);
        self.timeline.ask(|timeline| {
            let db = &timeline.db;
            let mut reader = Reader::within(db, config, goal);
            let found = match db.pred(&atom.predicate.text) {
                Some(pred) => match fits_over_time(&mut reader, timeline, query, pred, &variables)?
                {
                    Ok(found) => found,
                    Err(e) => return Ok(Err(e)),
                },
                None => HashMap::new(),
            };
            let mut rows: Vec<(Vec<Id>, Validity)> = found.into_iter().collect();
            rows.sort_by(|a, b| reader.names.cmp_rows(&a.0, &b.0));
            let (rows, validities) = (rows.into_iter())
                .map(|(key, validity)| (reader.values(&key), validity))
                .unzip();
            Ok(Ok(Answers {
                variables: variables.clone(),
                rows,
                validities,
                unknown: None,
            }))
        })
    }

    /// What-if for programs that say (or said) when facts hold, called
    /// with the change made in place (the engine is the changed one; the
    /// model before is kept to take the change back, and `before` holds
    /// what the change did not: the snapshot at the time point asked
    /// about, or the timeline when none was kept). At the time point
    /// asked about, the two snapshots are compared; over every time, the
    /// two timelines, each derived fact with the time points it gains and
    /// loses. Proofs are of the first point of each gain or loss: those
    /// of the gains now, those of the losses once the change is taken
    /// back, which this does before it returns (and the sources added
    /// from `end` on go).
    pub(super) fn what_if_in_time(
        &mut self,
        before: Prior,
        explain: bool,
        config: &Config,
        end: usize,
    ) -> Result<WhatIf, Error> {
        // The change's texts, which a proof stopped by the budget names;
        // kept for its diagnostic after the change is taken back.
        let sources = self.sources.clone();
        let goal = (Span::new(end, sources.end().saturating_sub(1)), &sources);
        let changed = self.changes_and_gains(&before, explain, config, goal);
        self.take_back();
        self.sources.truncate(end);
        let (changes, gained) = changed?;
        let lost = match explain {
            true => self.proofs_of(&changes, false, config, goal)?,
            false => Vec::new(),
        };
        Ok(WhatIf {
            changes,
            gained,
            lost,
            violations: Vec::new(),
        })
    }

    /// What a change made in place changed (see
    /// [`Engine::what_if_in_time`]), and the proofs of the gains.
    fn changes_and_gains(
        &self,
        before: &Prior,
        explain: bool,
        config: &Config,
        goal: (Span, &Sources),
    ) -> Result<(ChangeSet, Vec<Proof>), Error> {
        let (old_model, old_timeline) = self.replaced();
        let changes = match config.at {
            Some(t) => {
                let new = self.snapshot(t, config)?;
                let old = (before.snapshot.as_ref())
                    .or(old_model)
                    .expect("a what-if's engine had a model");
                ChangeSet::between(old, &new)
            }
            None => self.with_timeline(config, |new| {
                let always;
                let old = match (&before.timeline, old_timeline, old_model) {
                    (Some(old), _, _) | (None, Some(old), _) => old,
                    (None, None, Some(model)) => {
                        always = Timeline::always(model.clone());
                        &always
                    }
                    (None, None, None) => unreachable!("a what-if's engine had a model"),
                };
                Ok(ChangeSet::between_timelines(old, new))
            })?,
        };
        let gained = match explain {
            true => self.proofs_of(&changes, true, config, goal)?,
            false => Vec::new(),
        };
        Ok((changes, gained))
    }

    /// The proofs of the facts `changes` says appeared (`appeared`) or
    /// disappeared, in this engine's model, each at the time point asked
    /// about or the first of the points it gained or lost, with when each
    /// of their facts holds; within the budgets of `config`, `goal` named
    /// if they stop it.
    fn proofs_of(
        &self,
        changes: &ChangeSet,
        appeared: bool,
        config: &Config,
        goal: (Span, &Sources),
    ) -> Result<Vec<Proof>, Error> {
        let mut proofs = Vec::new();
        for p in &changes.predicates {
            let (facts, when) = match appeared {
                true => (&p.appeared, &p.appeared_when),
                false => (&p.disappeared, &p.disappeared_when),
            };
            for (i, args) in facts.iter().enumerate() {
                let t = (config.at).unwrap_or_else(|| first_point(&when[i], NEVER_AFTER));
                let fact = Fact {
                    predicate: p.predicate.clone(),
                    args: args.clone(),
                };
                proofs.extend(self.proofs_at(t, &[fact], config, goal)?);
            }
        }
        if !proofs.is_empty() {
            self.with_timeline(config, |timeline| {
                proofs
                    .iter_mut()
                    .for_each(|p| proof_validities(p, timeline));
                Ok(())
            })?;
        }
        Ok(proofs)
    }

    /// The proofs of those of `facts` that hold at time point `t` (in the
    /// model then: [`Engine::ask_at`], or a snapshot), each marked as of
    /// `t`; within the budgets of `config`, stopping with an error that
    /// names `goal` (in its sources).
    pub(super) fn proofs_at(
        &self,
        t: Time,
        facts: &[Fact],
        config: &Config,
        (goal, sources): (Span, &Sources),
    ) -> Result<Vec<Proof>, Error> {
        let prove = |db: &Database| {
            let reader = Reader::within(db, config, goal);
            let mut prover = Prover::reading(reader, &self.program, &self.sources);
            let mut proofs = Vec::new();
            for fact in facts {
                proofs.extend(prover.prove(fact)?);
            }
            Ok(match prover.into_reader().stopped() {
                Some(stop) => Err(stop),
                None => Ok(proofs),
            })
        };
        let proved = match self.ask_at(t, config, prove) {
            Some(proved) => proved.and_then(|p| p),
            None => self.snapshot(t, config)?.ask(prove),
        };
        let proofs = proved.map_err(|e| Error::single(e, sources))?;
        Ok(proofs
            .into_iter()
            .map(|proof| Proof {
                at: Some(t),
                ..proof
            })
            .collect())
    }
}

impl Engine {
    /// Adds to an explanation of a program that says when facts hold when
    /// each of its facts holds: every proof node's validity, and for each
    /// rule that failed, when the premise that stopped it holds.
    pub(super) fn add_validities(
        &self,
        explanation: &mut Explanation,
        config: &Config,
    ) -> Result<(), Error> {
        self.with_timeline(config, |timeline| {
            add_validities(explanation, timeline);
            Ok(())
        })
    }

    /// `f` of the timeline: the one kept, or one computed for it.
    pub(super) fn with_timeline<T>(
        &self,
        config: &Config,
        f: impl FnOnce(&Timeline) -> Result<T, Error>,
    ) -> Result<T, Error> {
        match self.timeline.read().as_ref() {
            Some(timeline) => f(timeline),
            None => f(&self.compute_timeline(config)?),
        }
    }
}

impl Engine {
    /// A time point inside `validity` to show a proof at: its first
    /// point, or its last when it has no first, or for one that holds
    /// always the start of the last elementary interval (as `explain`
    /// chooses for a fact asked about over every time).
    pub(super) fn point_in(&self, validity: &Validity, config: &Config) -> Result<Time, Error> {
        self.with_timeline(config, |timeline| {
            let last = *timeline.starts.last().unwrap_or(&NEVER_BEFORE);
            Ok(first_point(validity, timeline.point_of(last)))
        })
    }
}

/// Adds to an explanation when each of its facts holds, by `timeline`.
fn add_validities(explanation: &mut Explanation, timeline: &Timeline) {
    match explanation {
        Explanation::Holds(proof) => proof_validities(proof, timeline),
        Explanation::DoesNotHold(why_not) => {
            why_not.validity = Some(fact_validity(timeline, &why_not.fact));
            for attempt in &mut why_not.attempts {
                attempt.premise_holds = match &attempt.failure {
                    Failure::Missing { literal, .. } => Some(pattern_validity(timeline, literal)),
                    Failure::Blocked { by, .. } => Some(fact_validity(timeline, by)),
                    Failure::Head(_) | Failure::False { .. } => None,
                };
            }
        }
    }
}

/// Adds to when the answer `key` holds.
fn merge(found: &mut HashMap<Vec<Id>, Validity>, key: Vec<Id>, validity: &Validity) {
    let held = found.entry(key).or_insert_with(Validity::never);
    for &interval in validity.intervals() {
        held.add(interval);
    }
}

/// The values of `variables` when `row` fits `atom` (its constants as
/// ids, `None` for one the model lacks: then nothing fits it); `None`
/// when it does not fit.
fn fits(
    atom: &Atom,
    constants: &[Option<Id>],
    row: &[Id],
    variables: &[String],
) -> Option<Vec<Id>> {
    if atom.args.len() != row.len() {
        return None;
    }
    let mut bound: Vec<(&str, Id)> = Vec::new();
    for ((term, constant), &id) in atom.args.iter().zip(constants).zip(row) {
        match term {
            Term::Const(..) if *constant != Some(id) => return None,
            Term::Var(v) => match bound.iter().find(|(name, _)| *name == v.name) {
                Some(&(_, earlier)) if earlier != id => return None,
                Some(_) => {}
                None => bound.push((&v.name, id)),
            },
            _ => {}
        }
    }
    let value = |name: &String| bound.iter().find(|(n, _)| n == name).map(|b| b.1);
    variables.iter().map(value).collect()
}

/// Sets the validity of every node of a proof.
fn proof_validities(proof: &mut Proof, timeline: &Timeline) {
    proof.validity = Some(fact_validity(timeline, &proof.fact));
    if let Justification::Derived(d) = &mut proof.justification {
        for premise in &mut d.premises {
            proof_validities(premise, timeline);
        }
    }
}

/// When a fact holds, by the timeline.
pub(super) fn fact_validity(timeline: &Timeline, fact: &Fact) -> Validity {
    timeline
        .ids_of(&fact.predicate, &fact.args)
        .map(|(pred, row)| timeline.validity(pred, &row))
        .unwrap_or_default()
}

/// When some fact fits an atom written with constants, variables and
/// `_` (a premise as a why-not shows it, its values bound so far): the
/// union of the validities of the facts that fit.
fn pattern_validity(timeline: &Timeline, atom: &str) -> Validity {
    let mut union = Validity::never();
    for (_, validity) in matching_facts(timeline, atom) {
        for &interval in validity.intervals() {
            union.add(interval);
        }
    }
    union
}

/// The facts that fit an atom written with constants, variables and `_`
/// (a repeated variable takes one value), each with when it holds.
pub(super) fn matching_facts(timeline: &Timeline, atom: &str) -> Vec<(Fact, Validity)> {
    let (module, errors) = crate::parse::parse_module(&format!("? {atom}."), 0);
    let atom = match module.statements.first() {
        Some(Statement::Query(q)) if errors.is_empty() => match q.body.as_slice() {
            [Literal::Positive(atom)] => atom.clone(),
            _ => return Vec::new(),
        },
        _ => return Vec::new(),
    };
    let db = &timeline.db;
    let Some(pred) = db.pred(&atom.predicate.text) else {
        return Vec::new();
    };
    let constants = constants_of(&atom, db);
    (timeline.facts(pred, false).into_iter())
        .filter(|(row, _)| fits(&atom, &constants, row, &[]).is_some())
        .map(|(row, validity)| {
            let fact = Fact {
                predicate: atom.predicate.text.to_string(),
                args: db.values(&row),
            };
            (fact, validity)
        })
        .collect()
}

/// The ids of an atom's constants in `db` (`None` for a variable, and for
/// a constant `db` lacks, which no fact of it has).
fn constants_of(atom: &Atom, db: &Database) -> Vec<Option<Id>> {
    (atom.args.iter())
        .map(|t| match t {
            Term::Const(c, _) => db.names().get(c),
            _ => None,
        })
        .collect()
}

impl Engine {
    /// What a change to a program that says (or said) when facts hold
    /// did: its model or timeline computed afresh and compared with the
    /// old one, at the time point of `config` or over every time. `None`
    /// when there was no model to compare with (the new one is then
    /// computed on the next question).
    pub(super) fn changes_in_time(
        &mut self,
        old_model: Option<&Database>,
        old_timeline: Option<&Timeline>,
        config: &Config,
    ) -> Result<Option<ChangeSet>, Error> {
        if old_model.is_none() && old_timeline.is_none() {
            return Ok(None);
        }
        // The new model is of the time point the old one was.
        self.run_with(&Config {
            at: self.model_at,
            ..config.clone()
        })?;
        let model = self.model.get_mut().as_deref().map(Model::facts);
        let changes = match (
            self.timeline.get_mut().as_ref(),
            model,
            old_timeline,
            old_model,
        ) {
            (Some(new), _, Some(old), _) => ChangeSet::between_timelines(old, new),
            (Some(new), _, None, Some(old)) => {
                ChangeSet::between_timelines(&Timeline::always(old.clone()), new)
            }
            (None, Some(new), None, Some(old)) => ChangeSet::between(old, new),
            (None, Some(new), Some(old), _) => {
                ChangeSet::between_timelines(old, &Timeline::always(new.clone()))
            }
            _ => return Ok(None),
        };
        Ok(Some(changes))
    }
}

/// The answers to a goal of one positive atom of `pred` (`query`) over
/// every time, by the values of its named `variables`, each with when
/// it holds: the facts of the timeline's last interval that fit it, and
/// those that held only before then.
fn fits_over_time(
    reader: &mut Reader,
    timeline: &Timeline,
    query: &Query,
    pred: PredId,
    variables: &[String],
) -> Result<Result<HashMap<Vec<Id>, Validity>, EvalError>, Missing> {
    let db = &timeline.db;
    let mut found: HashMap<Vec<Id>, Validity> = HashMap::new();
    let body = crate::ast::name_wildcards(&query.body);
    let plan = reader.plan_body(&body, &[], Bindings::All)?;
    let slot = |name: &str| plan.variables.iter().find(|(n, _)| n == name).map(|v| v.1);
    let project: Vec<usize> = variables.iter().filter_map(|v| slot(v)).collect();
    let (Literal::Positive(named), Literal::Positive(atom)) = (&body[0], &query.body[0]) else {
        unreachable!("one positive atom");
    };
    let columns: Vec<Option<usize>> = (named.args.iter())
        .map(|t| match t {
            Term::Var(v) => slot(&v.name),
            _ => None,
        })
        .collect();
    let constants = constants_of(atom, db);
    // The facts of the last interval's model.
    let matches = match reader.answer_slots(&plan) {
        Ok(matches) => matches,
        Err(e) => return Ok(Err(e)),
    };
    for slots in matches {
        let row: Vec<Id> = (columns.iter().zip(&constants))
            .map(|(c, k)| c.map_or_else(|| k.unwrap_or(0), |s| slots[s]))
            .collect();
        let key = project.iter().map(|&s| slots[s]).collect();
        merge(&mut found, key, &timeline.validity(pred, &row));
    }
    // The facts that held only before it.
    for (row, validity) in &timeline.changed[pred] {
        if validity.is_never() || db.find(pred, row).is_some() {
            continue;
        }
        if let Some(key) = fits(atom, &constants, row, variables) {
            merge(&mut found, key, validity);
        }
    }
    Ok(Ok(found))
}

/// A program planned afresh, with the interner of its constants.
fn planned(program: &Program, strata: &Stratification) -> (Plan, Interner) {
    let mut interner = Interner::default();
    let plan = plan::plan(program, strata, &mut interner, &Plan::default());
    (plan, interner)
}

/// What evaluation reads of a program besides its plan.
pub(super) fn given<'p>(program: &'p Program, imported: &'p [ImportedRows]) -> Given<'p> {
    Given {
        facts: &program.facts,
        times: program,
        imported,
    }
}

/// A time point of `validity` to explain it at: its first, unless it has
/// no start; then the last of its first interval, unless that has no end
/// either; then `otherwise`.
pub(super) fn first_point(validity: &Validity, otherwise: Time) -> Time {
    match validity.intervals().first() {
        Some(i) if i.from != NEVER_BEFORE => i.from,
        Some(i) if i.to != NEVER_AFTER => i.to,
        _ => otherwise,
    }
}

impl Engine {
    /// The part of the program `queries` depend on: the rules and facts
    /// of the predicates they read, and of those these read, and the rows
    /// of those predicates' imports (the imports themselves stay, so that
    /// rows keep their import's number).
    fn slice(&self, queries: &[&Query]) -> (Program, Vec<ImportedRows>) {
        let mut needed: HashSet<&str> = HashSet::new();
        for query in queries {
            crate::ast::for_each_atom(&query.body, &mut |a, _| {
                needed.insert(&a.predicate.text);
            });
        }
        loop {
            let before = needed.len();
            for rule in &self.program.rules {
                if needed.contains(&*rule.head.predicate.text) {
                    crate::ast::for_each_atom(&rule.body, &mut |a, _| {
                        needed.insert(&a.predicate.text);
                    });
                }
            }
            if needed.len() == before {
                break;
            }
        }
        let program = Program {
            facts: (self.program.facts).filtered(|name| needed.contains(name)),
            rules: (self.program.rules.iter())
                .filter(|r| needed.contains(&*r.head.predicate.text))
                .cloned()
                .collect(),
            queries: Vec::new(),
            imports: self.program.imports.clone(),
            validity: self.program.validity.clone(),
            files: Vec::new(),
            constraints: Vec::new(),
            sources: self.program.sources.clone(),
            sections: self.program.sections.clone(),
        };
        let imported = (self.imported.iter())
            .filter(|rows| {
                let name = &self.program.imports[rows.import].import.predicate.text;
                needed.contains(&**name)
            })
            .cloned()
            .collect();
        (program, imported)
    }
}
