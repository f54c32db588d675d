//! The embedding API: an [`Engine`] holds the sources read, the program
//! loaded so far, the rows its imports read, and the model once run.
//!
//! Every load is all or nothing: the new statements are parsed, their
//! imports read, and everything is checked together with what was already
//! loaded; on any error the engine is left exactly as it was (the texts stay
//! in [`Sources`], which only grows, so earlier diagnostics keep their
//! spans). Any successful load makes the model stale; [`Engine::run`]
//! computes it again.

use std::path::Path;

use crate::ast::{Literal, Query, Statement, Term};
use crate::check::{self, Stratification};
use crate::error::{Error, ParseError, Problem};
use crate::eval::{self, Answers, Config, Database, ImportedRows};
use crate::explain::why_not::why_not;
use crate::explain::{Fact, Proof, Prover, WhyNot};
use crate::import;
use crate::load::{Loader, Program};
use crate::parse::parse_module;
use crate::source::{Sources, Span};
use crate::value::Value;

/// The answer to "why?" about one fact.
#[derive(Clone, Debug, PartialEq)]
pub enum Explanation {
    /// The fact holds; here is how.
    Holds(Proof),
    /// The fact does not hold; here is what stops it.
    DoesNotHold(WhyNot),
}

/// A program being built up, checked at every step, and its model.
#[derive(Clone, Debug, Default)]
pub struct Engine {
    sources: Sources,
    program: Program,
    strata: Stratification,
    imported: Vec<ImportedRows>,
    model: Option<Database>,
}

impl Engine {
    /// An engine with an empty program.
    pub fn new() -> Engine {
        Engine::default()
    }

    /// Loads files (and what they include and import) as one unit.
    /// Returns the warnings about the new statements, or an [`Error`] with
    /// every error (and those warnings).
    pub fn load_files<P: AsRef<Path>>(&mut self, paths: &[P]) -> Result<Vec<Problem>, Error> {
        self.load(|loader| {
            for p in paths {
                loader.file(p.as_ref());
            }
        })
    }

    /// Loads source text under a display `name`; includes and imports in it
    /// resolve against the current directory.
    pub fn load_source(&mut self, name: &str, text: &str) -> Result<Vec<Problem>, Error> {
        self.load(|loader| loader.text(name, text.to_string(), Path::new("")))
    }

    /// The program loaded so far.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// Every text read so far, for rendering diagnostics.
    pub fn sources(&self) -> &Sources {
        &self.sources
    }

    /// The strata of the program loaded so far, lowest first.
    pub fn strata(&self) -> &Stratification {
        &self.strata
    }

    /// Computes the model (if the program changed since the last run) and
    /// returns it.
    pub fn run(&mut self, config: Config) -> Result<&Database, Error> {
        if self.model.is_none() {
            let db = eval::evaluate(&self.program, &self.strata, &self.imported, config)
                .map_err(|e| Error::single(e, &self.sources))?;
            self.model = Some(db);
        }
        Ok(self.model.as_ref().expect("just computed"))
    }

    /// The model of the last run, if it is current.
    pub fn model(&self) -> Option<&Database> {
        self.model.as_ref()
    }

    /// Answers the queries written in the loaded files, in order.
    pub fn answer_program_queries(
        &mut self,
        config: Config,
    ) -> Result<Vec<(Query, Answers)>, Error> {
        self.run(config)?;
        let queries = self.program.queries.clone();
        queries
            .into_iter()
            .map(|q| {
                let answers = self.answer(&q)?;
                Ok((q, answers))
            })
            .collect()
    }

    /// Answers a goal such as `supports(turkey, Who)` (a leading `?` and a
    /// final `.` are optional), running the program first if needed.
    /// Returns the answers and any warnings about the goal.
    pub fn query(&mut self, goal: &str, config: Config) -> Result<(Answers, Vec<Problem>), Error> {
        let query = self.parse_goal(goal)?;
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
        let query = self.parse_goal(fact)?;
        let atom = match query.body.as_slice() {
            [Literal::Positive(atom)] if atom.args.iter().all(|t| matches!(t, Term::Const(..))) => {
                atom.clone()
            }
            _ => {
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
        let fact = Fact {
            predicate: atom.predicate.text.clone(),
            args: atom
                .args
                .iter()
                .map(|t| match t {
                    Term::Const(v, _) => v.clone(),
                    _ => Value::Int(0),
                })
                .collect(),
        };
        let db = self.model.as_mut().expect("run before explaining");
        let explanation = match Prover::new(db, &self.program, &self.sources).prove(&fact) {
            Some(proof) => Explanation::Holds(proof),
            None => Explanation::DoesNotHold(why_not(db, &self.program, &self.sources, &fact)),
        };
        Ok((explanation, warnings))
    }

    fn answer(&mut self, query: &Query) -> Result<Answers, Error> {
        let db = self.model.as_mut().expect("run before answering");
        db.answer(query)
            .map_err(|e| Error::single(e, &self.sources))
    }

    /// Parses a goal typed on a command line into a query.
    fn parse_goal(&mut self, goal: &str) -> Result<Query, Error> {
        let trimmed = goal.trim();
        let body = trimmed
            .strip_prefix("?-")
            .or_else(|| trimmed.strip_prefix('?'));
        let body = body.unwrap_or(trimmed).trim_end();
        let body = body.strip_suffix('.').unwrap_or(body);
        let span = self.sources.add("<goal>", format!("? {body}."));
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

    fn load(&mut self, read: impl FnOnce(&mut Loader)) -> Result<Vec<Problem>, Error> {
        let first_new = self.sources.end();
        let mut loader = Loader::new(&mut self.sources);
        read(&mut loader);
        let (mut added, mut errors) = loader.finish();
        let offset = self.program.imports.len();
        let mut imported = Vec::new();
        for (i, resolved) in added.imports.iter_mut().enumerate() {
            match import::read(resolved, offset + i) {
                Ok(rows) => {
                    resolved.width = rows.rows.first().map(Vec::len);
                    imported.push(rows);
                }
                Err(e) => errors.push(Problem::new(e, &self.sources)),
            }
        }
        let mut program = self.program.clone();
        program.extend(added);
        let report = check::check(&program, &self.sources, errors.is_empty());
        errors.extend(report.errors);
        let warnings = report
            .warnings
            .into_iter()
            .filter(|w| w.first_offset().is_some_and(|at| at >= first_new));
        if !errors.is_empty() {
            errors.extend(warnings);
            return Err(Error::new(errors));
        }
        self.program = program;
        self.strata = report.strata;
        self.imported.extend(imported);
        self.model = None;
        Ok(warnings.collect())
    }
}
