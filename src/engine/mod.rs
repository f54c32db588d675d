//! The embedding API: an [`Engine`] holds the sources read, the program
//! loaded so far, the rows its imports read, and the model once run.
//!
//! Every change is all or nothing: new statements are parsed, their
//! imports read, and everything is checked together with what was already
//! loaded; on any error the engine is left exactly as it was (the texts stay
//! in [`Sources`], which only grows, so earlier diagnostics keep their
//! spans). Once the model has been computed, every change maintains it
//! incrementally (see [`update`] and [`crate::eval::maintain`]).

mod boundaries;
mod changes;
mod graph;
mod pattern;
mod print;
mod time;
mod update;
mod view;

use std::path::Path;

use crate::ast::{Literal, Query, Statement};
use crate::check::{self, Stratification};
use crate::error::{Error, ParseError, Problem};
use crate::eval::timeline::Timeline;
use crate::eval::{Answers, Config, Database, ImportedRows};
use crate::explain::why_not::why_not;
use crate::explain::{Fact, Proof, Prover, WhyNot};
use crate::load::Program;
use crate::parse::parse_module;
use crate::source::{Sources, Span};
use crate::time::{Time, NEVER_BEFORE};

pub use boundaries::{Boundaries, Cause, ExplainedTimeline};
pub use changes::{ChangeSet, PredicateChanges};
pub use pattern::{Arg, Pattern, PredicateInfo};
pub use update::{Change, Update, WhatIf};
pub use view::{statements_of, Piece};

/// The answer to "why?" about one fact.
#[derive(Clone, Debug, PartialEq)]
pub enum Explanation {
    /// The fact holds; here is how.
    Holds(Proof),
    /// The fact does not hold; here is what stops it.
    DoesNotHold(WhyNot),
}

impl std::fmt::Display for Explanation {
    /// As `entente explain` prints it: the proof, or the why-not.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Explanation::Holds(proof) => write!(f, "{proof}"),
            Explanation::DoesNotHold(why_not) => write!(f, "{why_not}"),
        }
    }
}

impl Explanation {
    /// As `entente explain --format json` prints it (docs/explain.md).
    pub fn to_json(&self) -> String {
        match self {
            Explanation::Holds(proof) => proof.to_json(),
            Explanation::DoesNotHold(why_not) => why_not.to_json(),
        }
    }
}

/// A program being built up, checked at every step, and its model.
#[derive(Clone, Debug, Default)]
pub struct Engine {
    sources: Sources,
    program: Program,
    strata: Stratification,
    imported: Vec<ImportedRows>,
    /// The model: of every time for a program that says nothing of time,
    /// else the snapshot at `config.at`.
    model: Option<Database>,
    /// When each fact holds, for a program that says when facts hold, run
    /// over every time (`config.at` unset).
    timeline: Option<Timeline>,
    /// Does the program say when some facts hold? Kept with the program,
    /// so that a program of many facts is not scanned for it at every
    /// question.
    temporal: bool,
    /// The configuration the model was computed with; updates keep to it.
    config: Config,
    /// True when evaluating the program as it stands failed (a budget, an
    /// arithmetic error): changes then do not try again before applying.
    failed: bool,
}

impl Engine {
    /// An engine with an empty program.
    pub fn new() -> Engine {
        Engine::default()
    }

    /// Loads files (and what they include and import) as one unit.
    /// Returns the warnings about the new statements, or an [`Error`] with
    /// every error (and those warnings).
    /// When the model is current it is maintained, not dropped.
    pub fn load_files<P: AsRef<Path>>(&mut self, paths: &[P]) -> Result<Vec<Problem>, Error> {
        let config = self.config.clone();
        self.apply(&[], update::Addition::Files(&paths_of(paths)), &config)
            .map(|u| u.warnings)
    }

    /// Loads source text under a display `name`; includes and imports in it
    /// resolve against the current directory. When the model is current it
    /// is maintained, not dropped.
    pub fn load_source(&mut self, name: &str, text: &str) -> Result<Vec<Problem>, Error> {
        let config = self.config.clone();
        self.apply(&[], update::Addition::Text(name, text), &config)
            .map(|u| u.warnings)
    }

    /// The program loaded so far. Internal (for tests): the type is not
    /// part of the stable API.
    #[doc(hidden)]
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// Every text read so far, for rendering diagnostics.
    pub fn sources(&self) -> &Sources {
        &self.sources
    }

    /// The strata of the program loaded so far, lowest first. Internal (for tests): the type is not
    /// part of the stable API.
    #[doc(hidden)]
    pub fn strata(&self) -> &Stratification {
        &self.strata
    }

    /// Computes the model, unless it is current (a change maintains it,
    /// so this evaluates only after the first load or a failure). For a
    /// program that says when facts hold, the model is the snapshot at
    /// [`Config::at`], or without it the timeline of every fact.
    pub fn run(&mut self, config: Config) -> Result<(), Error> {
        let at = self.time_of(None, &config);
        let over_time = self.is_temporal() && at.is_none();
        let current = if over_time {
            self.timeline.is_some()
        } else {
            self.model.is_some() && self.time_of(None, &self.config) == at
        };
        if current {
            return Ok(());
        }
        self.model = None;
        self.timeline = None;
        let computed = if over_time {
            self.compute_timeline(&config)
                .map(|t| self.timeline = Some(t))
        } else {
            self.evaluated(&config).map(|db| self.model = Some(db))
        };
        self.failed = computed.is_err();
        computed?;
        self.config = config;
        Ok(())
    }

    /// The model of the last run, if it is current. Internal (for tests): the type is not
    /// part of the stable API.
    #[doc(hidden)]
    pub fn model(&self) -> Option<&Database> {
        self.model.as_ref()
    }

    /// Answers the queries written in the loaded files, in order.
    pub fn answer_program_queries(
        &mut self,
        config: Config,
    ) -> Result<Vec<(String, Answers)>, Error> {
        self.run(config)?;
        let queries = self.program.queries.clone();
        // Over time, the queries asked of every time share one sweep.
        let over_time: Vec<&Query> = queries
            .iter()
            .filter(|q| self.is_temporal() && self.time_of(Some(q), &self.config).is_none())
            .collect();
        let mut swept = if over_time.is_empty() {
            Vec::new()
        } else {
            self.answers_over_time(&over_time, &self.config)?
        }
        .into_iter();
        queries
            .iter()
            .map(|q| {
                let answers = if over_time.contains(&q) {
                    swept.next().expect("an answer per query swept")
                } else {
                    self.answer(q)?
                };
                Ok((q.to_string(), answers))
            })
            .collect()
    }

    /// Answers a goal such as `supports(turkey, Who)` (a leading `?` and a
    /// final `.` are optional), running the program first if needed.
    /// Returns the answers and any warnings about the goal.
    ///
    /// ```
    /// use entente::{Config, Engine, Value};
    ///
    /// let mut engine = Engine::new();
    /// engine.load_source("kb.rules", "ally(armenia, russia). ally(Y, X) if ally(X, Y).")?;
    /// let (answers, _warnings) = engine.query("ally(russia, Who)", Config::default())?;
    /// assert_eq!(answers.variables, ["Who"]);
    /// assert_eq!(answers.rows, [vec![Value::from("armenia")]]);
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn query(&mut self, goal: &str, config: Config) -> Result<(Answers, Vec<Problem>), Error> {
        self.query_named("<goal>", goal, config)
    }

    /// [`Engine::query`], the goal's text recorded in the sources under
    /// `name` (a REPL names each entry), so diagnostics point there.
    pub fn query_named(
        &mut self,
        name: &str,
        goal: &str,
        config: Config,
    ) -> Result<(Answers, Vec<Problem>), Error> {
        let query = self.parse_goal(name, goal)?;
        let warnings = self.check_goal(&query)?;
        self.run(config)?;
        let answers = self.answer(&query)?;
        Ok((answers, warnings))
    }

    /// Checks a goal against the program as if it were one of its queries;
    /// returns the warnings about the goal, or every error.
    fn check_goal(&self, query: &Query) -> Result<Vec<Problem>, Error> {
        let mut program = self.program.clone();
        program.queries = vec![query.clone()];
        let report = check::check(&program, &self.sources, true);
        let at = query.span.start;
        let mut warnings: Vec<Problem> = report
            .warnings
            .into_iter()
            .filter(|p| p.first_offset().is_some_and(|o| o >= at))
            .collect();
        if report.errors.is_empty() {
            return Ok(warnings);
        }
        let mut problems = report.errors;
        problems.append(&mut warnings);
        Err(Error::new(problems))
    }

    /// Explains a ground fact such as `supports(turkey, azerbaijan)` (a
    /// final `.` is optional): its proof when it holds, what stops it when
    /// it does not. Runs the program first if needed.
    pub fn explain(
        &mut self,
        fact: &str,
        config: Config,
    ) -> Result<(Explanation, Vec<Problem>), Error> {
        self.explain_named("<goal>", fact, config)
    }

    /// [`Engine::explain`], the fact's text recorded under `name`.
    pub fn explain_named(
        &mut self,
        name: &str,
        fact: &str,
        config: Config,
    ) -> Result<(Explanation, Vec<Problem>), Error> {
        let query = self.parse_goal(name, fact)?;
        let fact = match query.body.as_slice() {
            [Literal::Positive(atom)] => update::ground(atom),
            _ => None,
        };
        let fact = match fact {
            Some(fact) => fact,
            None => {
                return Err(Error::single(
                    ParseError::Syntax {
                        expected:
                            "one fact without variables, such as `supports(turkey, azerbaijan)`"
                                .into(),
                        span: Span::new(query.span.start + 2, query.span.end),
                    },
                    &self.sources,
                ))
            }
        };
        let warnings = self.check_goal(&query)?;
        self.run(config)?;
        let mut explanation = match self.time_of(None, &self.config) {
            None if self.is_temporal() => self.explain_over_time(&fact)?,
            None => self.explain_fact(&fact),
            Some(t) => at_time(self.explain_fact(&fact), t),
        };
        if self.is_temporal() {
            self.add_validities(&mut explanation)?;
        }
        Ok((explanation, warnings))
    }

    /// The explanation of a fact in the current model (run before).
    fn explain_fact(&mut self, fact: &Fact) -> Explanation {
        let db = self.model.as_mut().expect("run before explaining");
        explain_in(db, &self.program, &self.sources, fact)
    }

    /// The explanation of a fact of a program that says when facts hold,
    /// asked over every time (its timeline computed): at the first time
    /// point it holds (the last point of an interval open at its start);
    /// a fact that never holds, at the start of the last elementary
    /// interval, which reaches the present.
    fn explain_over_time(&self, fact: &Fact) -> Result<Explanation, Error> {
        let timeline = self.timeline.as_ref().expect("run before explaining");
        let validity = time::fact_validity(timeline, fact);
        let latest = timeline.point_of(*timeline.starts.last().unwrap_or(&NEVER_BEFORE));
        let t = time::first_point(&validity, latest);
        let mut snapshot = self.snapshot(t, &self.config)?;
        Ok(at_time(
            explain_in(&mut snapshot, &self.program, &self.sources, fact),
            t,
        ))
    }

    /// Answers a query (run before): of the model, of the snapshot at the
    /// query's own time point, or over every time.
    fn answer(&mut self, query: &Query) -> Result<Answers, Error> {
        let at = self.time_of(Some(query), &self.config);
        let of_model = at == self.time_of(None, &self.config);
        let answered = match &mut self.model {
            Some(db) if of_model => db.answer(query),
            _ => match at {
                Some(t) => self.snapshot(t, &self.config)?.answer(query),
                None => {
                    let config = self.config.clone();
                    return Ok(self.answers_over_time(&[query], &config)?.remove(0));
                }
            },
        };
        answered.map_err(|e| Error::single(e, &self.sources))
    }

    /// Parses a goal typed on a command line into a query.
    fn parse_goal(&mut self, name: &str, goal: &str) -> Result<Query, Error> {
        let trimmed = goal.trim();
        let body = trimmed
            .strip_prefix("?-")
            .or_else(|| trimmed.strip_prefix('?'));
        let body = body.unwrap_or(trimmed).trim();
        let body = body.strip_suffix('.').unwrap_or(body);
        let span = self.sources.add(name, format!("? {body}."));
        let (module, errors) = parse_module(self.sources.text(span), span.start);
        if !errors.is_empty() {
            return Err(Error::new(
                errors
                    .into_iter()
                    .map(|e| Problem::new(e, &self.sources))
                    .collect(),
            ));
        }
        match module.statements.into_iter().next() {
            Some(Statement::Query(q)) => Ok(q),
            _ => Err(Error::single(
                ParseError::Syntax {
                    expected: "a goal such as `supports(turkey, Who)`".into(),
                    span: Span::new(span.start, span.start),
                },
                &self.sources,
            )),
        }
    }
}

/// The proof of a fact in `db`, or why it does not hold there.
fn explain_in(db: &mut Database, program: &Program, sources: &Sources, fact: &Fact) -> Explanation {
    match Prover::new(db, program, sources).prove(fact) {
        Some(proof) => Explanation::Holds(proof),
        None => Explanation::DoesNotHold(why_not(db, program, sources, fact)),
    }
}

/// An explanation marked as of time point `t`.
fn at_time(explanation: Explanation, t: Time) -> Explanation {
    match explanation {
        Explanation::Holds(proof) => Explanation::Holds(Proof {
            at: Some(t),
            ..proof
        }),
        Explanation::DoesNotHold(why_not) => Explanation::DoesNotHold(WhyNot {
            at: Some(t),
            ..why_not
        }),
    }
}

fn paths_of<P: AsRef<Path>>(paths: &[P]) -> Vec<std::path::PathBuf> {
    paths.iter().map(|p| p.as_ref().to_path_buf()).collect()
}
