//! Running the program and asking it: queries and explanations (the
//! questions over time are in `time.rs`, pictures in `graph.rs`).
//!
//! A question parses its goal into a scratch copy of the sources (nothing
//! keeps it), checks it against the program's vocabulary, and reads the
//! model through a [`Reader`]: a question of the model costs what it
//! touches.

use super::{retract, time, Engine, Explanation};
use crate::ast::{Literal, Query, Statement};
use crate::check;
use crate::error::{Error, EvalError, NotEvaluated, ParseError, Problem};
use crate::eval::{Answers, Config, Database, Missing, Reader};
use crate::explain::why_not::why_not;
use crate::explain::{Proof, Prover, WhyNot};
use crate::fact::Fact;
use crate::load::Program;
use crate::parse::parse_module;
use crate::source::{Sources, Span};
use crate::time::{Time, NEVER_BEFORE};

impl Engine {
    /// Evaluates the model, unless it is current (a change maintains it,
    /// so this evaluates after the first load, after a change that failed,
    /// or for another time point). For a program that says when facts
    /// hold, the model is the snapshot at [`Config::at`], or without it
    /// the timeline of every fact. On an error (a budget, arithmetic) the
    /// engine has no model and the program is unchanged.
    ///
    /// ```
    /// use entente::Engine;
    ///
    /// let mut engine = Engine::new();
    /// engine.load_source("kb.rules", "p(1). q(X) if p(X).")?;
    /// assert!(!engine.is_current());
    /// engine.run()?;
    /// assert!(engine.is_current());
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn run(&mut self) -> Result<(), Error> {
        let config = self.settings.clone();
        self.run_with(&config)
    }

    /// [`Engine::run`] within the budgets (and at the time point) of
    /// `config`.
    ///
    /// ```
    /// use entente::{Config, Engine};
    ///
    /// let mut engine = Engine::new();
    /// engine.load_source("kb.rules", "treaty(georgia, turkey) from 1996 to 2009.")?;
    /// engine.run_with(&Config { at: Some(2000), ..Config::default() })?;
    /// let (answers, _) = engine.query_with("treaty(georgia, X)", &Config { at: Some(2000), ..Config::default() })?;
    /// assert!(answers.holds());
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn run_with(&mut self, config: &Config) -> Result<(), Error> {
        let at = self.time_of(None, config);
        let over_time = self.is_temporal() && at.is_none();
        let current = if over_time {
            self.timeline.is_some()
        } else {
            self.model.is_some() && self.model_at == at
        };
        if current {
            return Ok(());
        }
        *self.model.get_mut() = None;
        *self.timeline.get_mut() = None;
        if over_time {
            *self.timeline.get_mut() = Some(self.compute_timeline(config)?);
        } else {
            *self.model.get_mut() = Some(self.evaluated_model(config)?);
        }
        self.model_at = at;
        Ok(())
    }

    /// Answers the queries written in the loaded files, in order (run
    /// before).
    pub fn answer_program_queries(&self) -> Result<Vec<(String, Answers)>, Error> {
        self.answer_program_queries_with(&self.settings)
    }

    /// [`Engine::answer_program_queries`] with the budgets and time point
    /// of `config`.
    pub fn answer_program_queries_with(
        &self,
        config: &Config,
    ) -> Result<Vec<(String, Answers)>, Error> {
        let queries = &self.program.queries;
        if let Some(q) = queries.first() {
            self.evaluated_for(q, &self.sources)?;
        }
        // Over time, the queries asked of every time share one sweep.
        let over_time: Vec<&Query> = queries
            .iter()
            .filter(|q| self.is_temporal() && self.time_of(Some(q), config).is_none())
            .collect();
        let mut swept = if over_time.is_empty() {
            Vec::new()
        } else {
            self.answers_over_time(&over_time, config)?
        }
        .into_iter();
        queries
            .iter()
            .map(|q| {
                let answers = if over_time.contains(&q) {
                    let answers = swept.next().expect("an answer per query swept");
                    self.with_coverage(q, answers, None, config)?
                } else {
                    self.answer(q, &self.sources, config)?
                };
                Ok((q.to_string(), answers))
            })
            .collect()
    }

    /// Answers a goal such as `supports(turkey, Who)` (a leading `?` and a
    /// final `.` are optional; one goal, which may join several literals
    /// with `,` or `and`). Returns the answers and any warnings about the
    /// goal. The program must have been run ([`Engine::run`]).
    ///
    /// ```
    /// use entente::{Engine, Value};
    ///
    /// let mut engine = Engine::new();
    /// engine.load_source("kb.rules", "ally(armenia, russia). ally(Y, X) if ally(X, Y).")?;
    /// engine.run()?;
    /// let (answers, _warnings) = engine.query("ally(russia, Who)")?;
    /// assert_eq!(answers.variables, ["Who"]);
    /// assert_eq!(answers.rows, [vec![Value::from("armenia")]]);
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn query(&self, goal: &str) -> Result<(Answers, Vec<Problem>), Error> {
        self.query_named("<goal>", goal)
    }

    /// [`Engine::query`] with the budgets and time point of `config`.
    pub fn query_with(
        &self,
        goal: &str,
        config: &Config,
    ) -> Result<(Answers, Vec<Problem>), Error> {
        self.ask_query("<goal>", goal, config)
    }

    /// [`Engine::query`], the goal named `name` in its diagnostics (a
    /// REPL names each entry).
    pub fn query_named(&self, name: &str, goal: &str) -> Result<(Answers, Vec<Problem>), Error> {
        self.ask_query(name, goal, &self.settings)
    }

    fn ask_query(
        &self,
        name: &str,
        goal: &str,
        config: &Config,
    ) -> Result<(Answers, Vec<Problem>), Error> {
        let (query, sources) = self.parse_goal(name, goal)?;
        let warnings = self.check_goal(&query, &sources)?;
        let answers = self.answer(&query, &sources, config)?;
        Ok((answers, warnings))
    }

    /// Checks a goal against the program as if it were one of its queries
    /// (at the goal's cost: see [`Vocabulary`]); returns the warnings about
    /// the goal, or every problem.
    pub(super) fn check_goal(
        &self,
        query: &Query,
        sources: &Sources,
    ) -> Result<Vec<Problem>, Error> {
        let (errors, warnings) = check::check_goal(query, &self.vocabulary);
        let warnings: Vec<Problem> = warnings
            .into_iter()
            .map(|w| Problem::new(w, sources))
            .collect();
        if errors.is_empty() {
            return Ok(warnings);
        }
        let mut problems: Vec<Problem> = errors
            .into_iter()
            .map(|e| Problem::new(e, sources))
            .collect();
        problems.extend(warnings);
        Err(Error::new(problems))
    }

    /// Explains a ground fact such as `supports(turkey, azerbaijan)` (a
    /// final `.` is optional): its proof when it holds, what stops it when
    /// it does not. The program must have been run.
    ///
    /// ```
    /// use entente::{Engine, Explanation};
    ///
    /// let mut engine = Engine::new();
    /// engine.load_source("kb.rules", "treaty(armenia, russia). ally(X, Y) if treaty(X, Y).")?;
    /// engine.run()?;
    /// let (explanation, _warnings) = engine.explain("ally(armenia, russia)")?;
    /// assert!(matches!(explanation, Explanation::Holds(_)));
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn explain(&self, fact: &str) -> Result<(Explanation, Vec<Problem>), Error> {
        self.explain_named("<goal>", fact)
    }

    /// [`Engine::explain`] with the budgets and time point of `config`.
    pub fn explain_with(
        &self,
        fact: &str,
        config: &Config,
    ) -> Result<(Explanation, Vec<Problem>), Error> {
        self.ask_explain("<goal>", fact, config)
    }

    /// [`Engine::explain`], the fact named `name` in its diagnostics.
    pub fn explain_named(
        &self,
        name: &str,
        fact: &str,
    ) -> Result<(Explanation, Vec<Problem>), Error> {
        self.ask_explain(name, fact, &self.settings)
    }

    fn ask_explain(
        &self,
        name: &str,
        text: &str,
        config: &Config,
    ) -> Result<(Explanation, Vec<Problem>), Error> {
        let (query, sources) = self.parse_goal(name, text)?;
        let fact = match query.body.as_slice() {
            [Literal::Positive(atom)] => retract::ground(atom),
            _ => None,
        };
        let Some(fact) = fact else {
            return Err(Error::single(
                ParseError::Syntax {
                    expected: "one fact without variables, such as `supports(turkey, azerbaijan)`"
                        .into(),
                    span: words(&query),
                },
                &sources,
            ));
        };
        let warnings = self.check_goal(&query, &sources)?;
        self.evaluated_for(&query, &sources)?;
        let at = self.time_of(None, config);
        let goal = (words(&query), &sources);
        let of_model = (at == self.model_at)
            .then(|| self.explain_in_model(&fact, Some((config, goal.0))))
            .flatten()
            .map(|explained| explained.map_err(|e| Error::single(e, &sources)))
            .transpose()?;
        let mut explanation = match (of_model, at) {
            (Some(explanation), None) => explanation,
            (Some(explanation), Some(t)) => at_time(explanation, t),
            (None, None) => self.explain_over_time(&fact, config, goal)?,
            (None, Some(t)) => self.explain_at(t, &fact, config, goal)?,
        };
        if self.is_temporal() {
            self.add_validities(&mut explanation, config)?;
        }
        if let Explanation::DoesNotHold(why_not) = &mut explanation {
            why_not.uncovered = self.uncovered_for(&fact.predicate, config.at);
        }
        // A why-not says itself that a predicate is defined nowhere (with
        // its did-you-mean): the warning would say it twice.
        let mut warnings = warnings;
        if let Explanation::DoesNotHold(_) = explanation {
            warnings.retain(|w| w.code_str() != "entente::undefined");
        }
        Ok((explanation, warnings))
    }

    /// The explanation of a fact in the engine's model, when it has one;
    /// within the time limit and cancellation of a budget, if given (with
    /// the goal to name when it stops).
    pub(super) fn explain_in_model(
        &self,
        fact: &Fact,
        budget: Option<(&Config, Span)>,
    ) -> Option<Result<Explanation, EvalError>> {
        let defined = self.vocabulary.is_defined(&fact.predicate);
        self.model.ask(|m| {
            explain_in(
                m.facts(),
                &self.program,
                &self.sources,
                fact,
                defined,
                budget,
            )
        })
    }

    /// The explanation of a fact in the model at time point `t`: the
    /// kept timeline's, taken there ([`Engine::ask_at`]), or without one
    /// a snapshot evaluated afresh.
    fn explain_at(
        &self,
        t: Time,
        fact: &Fact,
        config: &Config,
        (goal, sources): (Span, &Sources),
    ) -> Result<Explanation, Error> {
        let defined = self.vocabulary.is_defined(&fact.predicate);
        let budget = Some((config, goal));
        let explain =
            |db: &Database| explain_in(db, &self.program, &self.sources, fact, defined, budget);
        let explained = match self.ask_at(t, config, explain) {
            Some(explained) => explained.and_then(|e| e),
            None => self.snapshot(t, config)?.ask(explain),
        };
        Ok(at_time(
            explained.map_err(|e| Error::single(e, sources))?,
            t,
        ))
    }

    /// The explanation of a fact of a program that says when facts hold,
    /// asked over every time: at the first time point it holds (the last
    /// point of an interval open at its start); a fact that never holds,
    /// at the start of the last elementary interval, which reaches the
    /// present.
    ///
    /// The point is found from the timeline, and the fact explained in
    /// the model then ([`Engine::explain_at`]).
    pub(super) fn explain_over_time(
        &self,
        fact: &Fact,
        config: &Config,
        goal: (Span, &Sources),
    ) -> Result<Explanation, Error> {
        let t = self.with_timeline(config, |timeline| {
            let validity = time::fact_validity(timeline, fact);
            let last = *timeline.starts.last().unwrap_or(&NEVER_BEFORE);
            Ok(time::first_point(&validity, timeline.point_of(last)))
        })?;
        // A fact that holds at no time is explained as the facts stand
        // last, and says so.
        Ok(match self.explain_at(t, fact, config, goal)? {
            Explanation::DoesNotHold(why_not) => Explanation::DoesNotHold(WhyNot {
                latest: true,
                ..why_not
            }),
            holds => holds,
        })
    }

    /// Asks `question` of the model at time point `t` as the kept
    /// timeline holds it: the timeline's own model when `t` lies in its
    /// last elementary interval (that interval's model), else that model
    /// taken to `t` by maintenance with the given facts whose holding
    /// differs, and taken back by its journal before the write lock is
    /// let go, so that readers never see it. Costs what changes between
    /// the two points, not the program. `None` without a kept timeline; a
    /// budget's stop while taking the model there is the error.
    pub(super) fn ask_at<A>(
        &self,
        t: Time,
        config: &Config,
        mut question: impl FnMut(&Database) -> Result<A, Missing>,
    ) -> Option<Result<A, EvalError>> {
        let last = {
            let timeline = self.timeline.read();
            *timeline.as_ref()?.starts.last().unwrap_or(&NEVER_BEFORE)
        };
        if t >= last {
            return self.timeline.ask(|timeline| question(&timeline.db)).map(Ok);
        }
        let travelled = self.timeline.travel(|timeline| {
            let edit = timeline.edit_to(t)?;
            let db = &mut timeline.db;
            let plan = db.plan().clone();
            let moved = db.maintain(plan, edit, config);
            let asked = moved.map(|_| db.ask(&mut question));
            db.undo();
            Some(asked)
        });
        travelled.flatten()
    }

    /// Answers a query (run before): of the model, of the snapshot at the
    /// query's own time point, or over every time. `sources` hold the
    /// query's text.
    pub(super) fn answer(
        &self,
        query: &Query,
        sources: &Sources,
        config: &Config,
    ) -> Result<Answers, Error> {
        let answers = self.answer_in_model(query, sources, config)?;
        // Coverage asks about time even where no fact says when it holds.
        let asked = query.at.map(|(t, _)| t).or(config.at);
        self.with_coverage(query, answers, asked, config)
    }

    /// The answers the model gives, as if every source covered every
    /// time (what [`Engine::answer`] starts from).
    pub(super) fn answer_in_model(
        &self,
        query: &Query,
        sources: &Sources,
        config: &Config,
    ) -> Result<Answers, Error> {
        self.evaluated_for(query, sources)?;
        let at = self.time_of(Some(query), config);
        let goal = words(query);
        let ask = |db: &Database| Reader::within(db, config, goal).answer(query);
        let of_model = (at == self.model_at)
            .then(|| self.model.ask(|m| ask(m.facts())))
            .flatten();
        let answered = match (of_model, at) {
            (Some(answered), _) => answered,
            (None, Some(t)) => match self.ask_at(t, config, ask) {
                Some(asked) => asked.and_then(|answered| answered),
                None => self.snapshot(t, config)?.ask(ask),
            },
            (None, None) => match self.answer_from_timeline(query, config) {
                Some(answered) => answered,
                None => Ok(self.answers_over_time(&[query], config)?.remove(0)),
            },
        };
        answered.map_err(|e| Error::single(e, sources))
    }

    /// The `entente::not_evaluated` error, pointing at the query's words
    /// (in `sources`), unless the model is current.
    pub(super) fn evaluated_for(&self, query: &Query, sources: &Sources) -> Result<(), Error> {
        if self.is_current() {
            return Ok(());
        }
        let span = words(query);
        Err(Error::single(NotEvaluated { span }, sources))
    }

    /// Parses a goal as the caller wrote it (a leading `?` or `?-` and a
    /// final `.` optional) into a query, with the sources its diagnostics
    /// point into: the engine's, and the goal's text as a scratch that
    /// nothing keeps, so that positions count in that text.
    pub(super) fn parse_goal(&self, name: &str, goal: &str) -> Result<(Query, Sources), Error> {
        let (sources, span) = self.sources.with_scratch(name, goal.to_string());
        let (start, end) = goal_body(goal);
        // `? ` before the goal's own words, at offsets just before them
        // (the scratch text leaves room there), so that every span of
        // the goal points into the text as written.
        let base = span.start + start - 2;
        let text = format!("? {}.", &goal[start..end]);
        let (module, errors) = parse_module(&text, base);
        if !errors.is_empty() {
            let problems = errors.into_iter().map(|e| Problem::new(e, &sources));
            return Err(Error::new(problems.collect()));
        }
        let mut statements = module.statements.into_iter();
        match (statements.next(), statements.next()) {
            (Some(Statement::Query(q)), None) => Ok((q, sources)),
            (_, Some(second)) => Err(Error::single(
                ParseError::OneGoal {
                    span: second.span(),
                },
                &sources,
            )),
            _ => Err(Error::single(
                ParseError::Syntax {
                    expected: "a goal such as `supports(turkey, Who)`".into(),
                    span: Span::new(span.start + start, span.start + start),
                },
                &sources,
            )),
        }
    }
}

/// Where a goal's own words lie in the text a caller passed: after any
/// leading space and `?` or `?-`, before a final `.` and trailing space.
fn goal_body(goal: &str) -> (usize, usize) {
    let trimmed = goal.trim_start();
    let mut start = goal.len() - trimmed.len();
    for mark in ["?-", "?"] {
        if let Some(rest) = trimmed.strip_prefix(mark) {
            start += mark.len() + (rest.len() - rest.trim_start().len());
            break;
        }
    }
    let body = goal[start..].trim_end();
    let body = body.strip_suffix('.').unwrap_or(body);
    (start, start + body.len())
}

/// The span of a query's literals (without the `?` and `.` around them).
pub(super) fn words(query: &Query) -> Span {
    let spans = query.body.iter().map(Literal::span);
    spans.reduce(Span::to).unwrap_or(query.span)
}

/// The proof of a fact in `db`, or why it does not hold there (`defined`:
/// whether the program defines its predicate); or what `db` lacks to say.
/// With a budget (and the goal to name), the stop of its time limit or
/// cancellation instead of an explanation it cut short.
fn explain_in(
    db: &Database,
    program: &Program,
    sources: &Sources,
    fact: &Fact,
    defined: bool,
    budget: Option<(&Config, Span)>,
) -> Result<Result<Explanation, EvalError>, Missing> {
    let reader = match budget {
        Some((config, goal)) => Reader::within(db, config, goal),
        None => Reader::new(db),
    };
    let mut prover = Prover::reading(reader, program, sources);
    let proof = prover.prove(fact)?;
    let mut reader = prover.into_reader();
    let explanation = match (proof, reader.stopped()) {
        (_, Some(stop)) => return Ok(Err(stop)),
        (Some(proof), None) => Explanation::Holds(proof),
        (None, None) => {
            Explanation::DoesNotHold(why_not(&mut reader, program, sources, fact, defined)?)
        }
    };
    Ok(match reader.stopped() {
        Some(stop) => Err(stop),
        None => Ok(explanation),
    })
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
