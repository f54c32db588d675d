//! Changing a loaded program: additions (files or text, facts built from
//! Rust values) and retractions of given facts and of rules (what they
//! take out: `retract.rs`), kept or taken back (`undo.rs`; a what-if,
//! `what_if.rs`, always takes its change back).
//!
//! Every change goes through [`Engine::apply`]: read the additions, remove
//! the retracted statements, check the result as one program, and only
//! then commit. With a current model the commit maintains it
//! ([`Database::maintain`]) and reports the [`ChangeSet`]; if maintenance
//! fails (arithmetic, fact limit), the old program is restored and its
//! model is computed again on next use, so a rejected change leaves the
//! engine as it was.

use std::path::{Path, PathBuf};

use super::pattern::write_facts;
use super::retract::Retraction;
use super::undo::{Before, Restore};
use super::{ChangeSet, Engine};
use crate::ast::{Statement, When};
use crate::check;
use crate::check::{Stratification, Vocabulary};
use crate::error::{Error, Problem, Warning};
use crate::eval::{Config, ImportedRows, Model};
use crate::fact::Fact;
use crate::facts::Mark;
use crate::import;
use crate::load::{Loader, Program};
use crate::parse::parse_module;
use crate::source::Sources;
use crate::time::Time;

/// Statements to add.
#[derive(Clone, Copy)]
pub(super) enum Addition<'a> {
    /// Nothing.
    Nothing,
    /// Files, with what they include and import.
    Files(&'a [PathBuf]),
    /// Source text under a display name.
    Text(&'a str, &'a str),
    /// Facts built from Rust values, under a display name.
    Facts(&'a str, &'a [Fact]),
}

impl Addition<'_> {
    fn is_files(&self) -> bool {
        matches!(self, Addition::Files(_))
    }
}

/// What a change retracts: statements, and the problems of reading them.
#[derive(Default)]
pub(super) struct Retracting {
    pub(super) statements: Vec<Statement>,
    pub(super) errors: Vec<Problem>,
}

/// One change for [`Engine::what_if`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Statements to add, as source text (`p(a).`, a rule).
    Add(String),
    /// Given facts or rules to retract, as source text.
    Retract(String),
}

impl Change {
    /// Adding `text`, a statement whose final `.` may be left out, as a
    /// person types a fact (`membership(azerbaijan, csto)`).
    pub fn add(text: &str) -> Change {
        Change::Add(statement(text))
    }

    /// Retracting `text`, as [`Change::add`].
    pub fn retract(text: &str) -> Change {
        Change::Retract(statement(text))
    }
}

/// A statement with its final `.`, added when it was left out.
fn statement(text: &str) -> String {
    let text = text.trim();
    if text.ends_with('.') {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

/// What a change did.
#[derive(Debug)]
pub struct Update {
    /// The derived facts that appeared and disappeared (empty when the
    /// model is stale).
    pub changes: ChangeSet,
    /// True when there was no evaluated model to maintain (the program
    /// was never run, or its evaluation failed, say on a budget): the
    /// change was made to the program alone, and [`Engine::run`]
    /// evaluates it.
    pub stale: bool,
    /// Warnings about the new statements.
    pub warnings: Vec<Problem>,
}

impl Engine {
    /// Adds statements from source text (facts, rules, includes, imports;
    /// queries are kept with the program's), named `name` in diagnostics.
    /// Once the model is evaluated, it is maintained incrementally and the
    /// update says what changed; before, the update says the model is
    /// stale. On any error, a budget's included, the engine is left as it
    /// was.
    ///
    /// ```
    /// use entente::Engine;
    ///
    /// let mut engine = Engine::new();
    /// engine.load_source("kb.rules", "treaty(armenia, russia). supports(X, Y) if treaty(X, Y).")?;
    /// engine.run()?;
    /// let update = engine.add_source("<added>", "treaty(azerbaijan, turkey).")?;
    /// assert_eq!(update.changes.to_string(), "+ supports(azerbaijan, turkey).\n");
    /// assert!(!update.stale);
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn add_source(&mut self, name: &str, text: &str) -> Result<Update, Error> {
        let config = self.settings.clone();
        self.add_source_with(name, text, &config)
    }

    /// [`Engine::add_source`] within the budgets of `config`.
    ///
    /// ```
    /// use entente::{Config, Engine};
    ///
    /// let mut engine = Engine::new();
    /// engine.load_source("kb.rules", "n(0).")?;
    /// engine.run()?;
    /// let roomy = Config::with_max_facts(1_000);
    /// let update = engine.add_source_with("<rule>", "n(Y) if n(X), X < 100, Y = X + 1.", &roomy)?;
    /// assert_eq!(update.changes.appeared().count(), 100);
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn add_source_with(
        &mut self,
        name: &str,
        text: &str,
        config: &Config,
    ) -> Result<Update, Error> {
        self.change(Retracting::default(), Addition::Text(name, text), config)
    }

    /// Adds given facts built from Rust values (see [`Fact::new`]), as
    /// [`Engine::add_source`].
    ///
    /// ```
    /// use entente::{Engine, Fact};
    ///
    /// let mut engine = Engine::new();
    /// engine.load_source("kb.rules", "ally(X, Y) if treaty(X, Y, _).")?;
    /// engine.run()?;
    /// let fact = Fact::new("treaty", ("armenia", "russia", 1997))?;
    /// let update = engine.add_facts(&[fact])?;
    /// assert_eq!(update.changes.to_string(), "+ ally(armenia, russia).\n");
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn add_facts(&mut self, facts: &[Fact]) -> Result<Update, Error> {
        let config = self.settings.clone();
        self.add_facts_with(facts, &config)
    }

    /// [`Engine::add_facts`] within the budgets of `config`.
    ///
    /// ```
    /// use entente::{Config, Engine, Fact};
    ///
    /// let mut engine = Engine::new();
    /// engine.load_source("kb.rules", "ally(X, Y) if treaty(X, Y).")?;
    /// engine.run()?;
    /// let fact = Fact::new("treaty", ["armenia", "russia"])?;
    /// let update = engine.add_facts_with(&[fact], &Config::default())?;
    /// assert_eq!(update.changes.to_string(), "+ ally(armenia, russia).\n");
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn add_facts_with(&mut self, facts: &[Fact], config: &Config) -> Result<Update, Error> {
        facts.iter().try_for_each(Fact::check)?;
        self.change(
            Retracting::default(),
            Addition::Facts("<added>", facts),
            config,
        )
    }

    /// Retracts the given facts and rules written in `text` (each ends with
    /// `.`; the text is named `name` in diagnostics); the conclusions that
    /// depended on them go. A fact that is not given (only derived, or
    /// absent) or a rule the program does not have is an
    /// `entente::retract` error, and nothing is retracted.
    ///
    /// ```
    /// use entente::Engine;
    ///
    /// let mut engine = Engine::new();
    /// engine.load_source("kb.rules", "treaty(armenia, russia). supports(X, Y) if treaty(X, Y).")?;
    /// engine.run()?;
    /// let update = engine.retract_source("<retract>", "treaty(armenia, russia).")?;
    /// assert_eq!(update.changes.to_string(), "- supports(armenia, russia).\n");
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn retract_source(&mut self, name: &str, text: &str) -> Result<Update, Error> {
        let config = self.settings.clone();
        self.retract_source_with(name, text, &config)
    }

    /// [`Engine::retract_source`] within the budgets of `config`.
    ///
    /// ```
    /// use entente::{Config, Engine, ErrorKind};
    ///
    /// let mut engine = Engine::new();
    /// engine.load_source("kb.rules", "treaty(armenia, russia). ally(X, Y) if treaty(X, Y).")?;
    /// engine.run()?;
    /// let error = engine.retract_source_with("<r>", "ally(armenia, russia).", &Config::default());
    /// assert_eq!(error.unwrap_err().kind(), ErrorKind::Retract, "a derived fact is not given");
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn retract_source_with(
        &mut self,
        name: &str,
        text: &str,
        config: &Config,
    ) -> Result<Update, Error> {
        let retracting = self.retracting(name, text.to_string());
        self.change(retracting, Addition::Nothing, config)
    }

    /// Retracts given facts built from Rust values, as
    /// [`Engine::retract_source`].
    ///
    /// ```
    /// use entente::{Engine, Fact};
    ///
    /// let mut engine = Engine::new();
    /// engine.load_source("kb.rules", "treaty(armenia, russia). supports(X, Y) if treaty(X, Y).")?;
    /// engine.run()?;
    /// let update = engine.retract_facts(&[Fact::new("treaty", ["armenia", "russia"])?])?;
    /// assert_eq!(update.changes.disappeared().count(), 1);
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn retract_facts(&mut self, facts: &[Fact]) -> Result<Update, Error> {
        let config = self.settings.clone();
        self.retract_facts_with(facts, &config)
    }

    /// [`Engine::retract_facts`] within the budgets of `config`.
    ///
    /// ```
    /// use entente::{Config, Engine, Fact};
    ///
    /// let mut engine = Engine::new();
    /// engine.load_source("kb.rules", "treaty(armenia, russia). ally(X, Y) if treaty(X, Y).")?;
    /// engine.run()?;
    /// let fact = Fact::new("treaty", ["armenia", "russia"])?;
    /// let update = engine.retract_facts_with(&[fact], &Config::default())?;
    /// assert_eq!(update.changes.to_string(), "- ally(armenia, russia).\n");
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn retract_facts_with(&mut self, facts: &[Fact], config: &Config) -> Result<Update, Error> {
        facts.iter().try_for_each(Fact::check)?;
        let (text, rules) = write_facts(facts, self.sources.end());
        self.sources.add("<retract>", text);
        let retracting = Retracting {
            statements: rules
                .into_iter()
                .map(|r| Statement::Rule(r, None))
                .collect(),
            errors: Vec::new(),
        };
        self.change(retracting, Addition::Nothing, config)
    }

    /// The statements of a retraction's text, recorded under `name`.
    pub(super) fn retracting(&mut self, name: &str, text: String) -> Retracting {
        let span = self.sources.add(name, text);
        let (module, errors) = parse_module(self.sources.text(span), span.start);
        Retracting {
            statements: module.statements,
            errors: (errors.into_iter())
                .map(|e| Problem::new(e, &self.sources))
                .collect(),
        }
    }

    /// A change made for good: applied and kept.
    pub(super) fn change(
        &mut self,
        retract: Retracting,
        addition: Addition,
        config: &Config,
    ) -> Result<Update, Error> {
        let end = self.sources.end();
        let before = self.violation_keys(config)?;
        let update = self.apply(retract, addition, config)?;
        if let Err(e) = self.refuse_new_violations(&update, &before, config) {
            self.take_back();
            self.sources.truncate(end);
            return Err(e);
        }
        self.keep();
        Ok(update)
    }

    /// Reads `addition`, removes the statements that the texts at `retract`
    /// name, checks the result and commits it (see the module docs).
    pub(super) fn apply(
        &mut self,
        retract: Retracting,
        addition: Addition,
        config: &Config,
    ) -> Result<Update, Error> {
        let first_new = self.sources.end();
        // Facts added to a model asked about at a time point, which do not
        // hold then, are pointed out (not those of the program's files).
        let warn_at = config
            .at
            .filter(|_| self.is_current() && !addition.is_files());
        let (mut added, mut errors, loaded_again) = self.read(addition);
        errors.extend(retract.errors);
        let retracted = retract.statements;
        if errors.is_empty() {
            if let Some(facts) = self.known_facts(&added, &retracted) {
                return self.apply_facts(facts, added.facts, first_new, config);
            }
        }
        let mut program = self.program.clone();
        let mut imported = self.imported.clone();
        let mut retraction = Retraction::default();
        if let Err(problems) =
            self.retract_statements(retracted, &mut program, &mut imported, &mut retraction)
        {
            errors.extend(problems);
        }
        let first_new_import = imported.len();
        let offset = program.imports.len();
        errors.extend(self.import(&mut added, offset, &mut imported));
        let since = AddedSince {
            first_rule: program.rules.len(),
            facts: program.facts.mark(),
            first_import: first_new_import,
        };
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
        let mut warnings: Vec<Problem> = loaded_again.into_iter().chain(warnings).collect();
        if let Some(t) = warn_at {
            warnings.extend(not_at(&program, &since, t, &self.sources));
        }
        let next = Next {
            program,
            strata: report.strata,
            says_when: report.says_when,
            imported,
            first_new,
        };
        let changes = self.commit(next, &retraction, since, config)?;
        Ok(Update {
            stale: changes.is_none(),
            changes: changes.unwrap_or_default(),
            warnings,
        })
    }

    /// Makes the checked program `next` the engine's, and its model
    /// current: maintained, or evaluated afresh, or left to the next run
    /// (`None`: the engine had no model). The program before is kept to
    /// take the change back; a failure takes it back at once.
    fn commit(
        &mut self,
        next: Next,
        retraction: &Retraction,
        since: AddedSince,
        config: &Config,
    ) -> Result<Option<ChangeSet>, Error> {
        let was_temporal = self.is_temporal();
        self.temporal = next.says_when;
        let mut before = Box::new(Before {
            program: std::mem::replace(&mut self.program, next.program),
            strata: std::mem::replace(&mut self.strata, next.strata),
            imported: std::mem::replace(&mut self.imported, next.imported),
            vocabulary: std::mem::take(&mut self.vocabulary),
            temporal: was_temporal,
            model_at: self.model_at,
            replaced: None,
            sources: next.first_new,
        });
        self.vocabulary = Vocabulary::of(&self.program);
        // A program that says when facts hold is evaluated afresh after a
        // change (docs/language.md): maintenance keeps one model, and its
        // models are one per elementary interval. The old one is kept
        // until the change is.
        let changes = if was_temporal || self.is_temporal() {
            let old = (self.model.get_mut().take(), self.timeline.get_mut().take());
            let changes =
                self.changes_in_time(old.0.as_deref().map(Model::facts), old.1.as_ref(), config);
            before.replaced = Some(old);
            changes
        } else if self.model.is_some() {
            self.maintain(retraction, since, config, &mut before)
                .map(Some)
        } else {
            Ok(None)
        };
        self.restore = Some(Restore::Program(before));
        if changes.is_err() {
            self.take_back();
        }
        changes
    }

    /// Reads what a change adds: its statements, loaded as a program of
    /// their own (their sources added to the engine's), the problems found
    /// reading them, and a warning for each file named that the program
    /// was loaded from already (it is not read again).
    fn read(&mut self, addition: Addition) -> (Program, Vec<Problem>, Vec<Problem>) {
        let mut loaded_again = Vec::new();
        let (program, errors) = match addition {
            Addition::Facts(name, facts) => {
                let (text, rules) = write_facts(facts, self.sources.end());
                self.sources.add(name, text);
                let mut program = Program::default();
                rules.into_iter().for_each(|rule| program.push(rule));
                (program, Vec::new())
            }
            other => {
                let mut loader =
                    Loader::new(&mut self.sources, &*self.files.0).after(&self.program.files);
                match other {
                    Addition::Files(paths) => {
                        for path in paths {
                            if loader.has_read(path) {
                                let path = path.display().to_string();
                                loaded_again.push(Warning::AlreadyLoaded { path });
                            } else {
                                loader.file(path);
                            }
                        }
                    }
                    Addition::Text(name, text) => {
                        loader.text(name, text.to_string(), Path::new(""))
                    }
                    Addition::Nothing | Addition::Facts(..) => {}
                }
                loader.finish()
            }
        };
        let loaded_again = (loaded_again.into_iter())
            .map(|w| Problem::new(w, &self.sources))
            .collect();
        (program, errors, loaded_again)
    }

    /// Reads the files of the imports `added` brings (numbered from
    /// `offset` on) into `imported`; returns the problems met.
    fn import(
        &self,
        added: &mut Program,
        offset: usize,
        imported: &mut Vec<ImportedRows>,
    ) -> Vec<Problem> {
        let mut errors = Vec::new();
        for (i, resolved) in added.imports.iter_mut().enumerate() {
            match import::read(resolved, offset + i, &*self.files.0) {
                Ok(rows) => {
                    resolved.width = rows.rows.first().map(Vec::len);
                    imported.push(rows);
                }
                Err(e) => errors.push(Problem::new(e, &self.sources)),
            }
        }
        errors
    }
}

/// A warning for each fact the change adds (those after `since`) that
/// does not hold at `t`, the time point the engine asks about: it is kept,
/// but no answer at `t` sees it.
fn not_at(program: &Program, since: &AddedSince, t: Time, sources: &Sources) -> Vec<Problem> {
    let mut warnings = Vec::new();
    for fact in program.facts.since(&since.facts) {
        let Some(when) = program.when(fact.span()) else {
            continue;
        };
        if when.interval().is_some_and(|i| i.contains(t)) {
            continue;
        }
        let validity = When::words(when.from, when.to);
        let fact = Fact {
            predicate: fact.name().to_string(),
            args: program.facts.values(fact),
        };
        let warning = Warning::NotAtTime {
            fact: fact.to_string(),
            at: t,
            span: when.span,
            help: format!(
                "it is kept, but answers at {t} do not see it; `? GOAL at T.` asks at another time"
            ),
            validity,
        };
        warnings.push(Problem::new(warning, sources));
    }
    warnings
}

/// A changed program, checked, that a change is about to commit.
struct Next {
    program: Program,
    strata: Stratification,
    /// Whether it says when facts hold.
    says_when: bool,
    imported: Vec<ImportedRows>,
    /// Where the change's own sources start.
    first_new: usize,
}

/// Where the new statements start.
pub(super) struct AddedSince {
    /// First new entry of [`Program::rules`].
    pub(super) first_rule: usize,
    /// Where the facts before the change ended.
    pub(super) facts: Mark,
    /// First new entry of the imported rows.
    pub(super) first_import: usize,
}
