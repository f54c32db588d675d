//! Taking a change back until it is kept: the program's undo record
//! (statements and imported rows taken out), the program as it was, and
//! the model's journal.

use super::Engine;
use crate::check::{Stratification, Vocabulary};
use crate::eval::Timeline;
use crate::eval::{Database, ImportedRows, Model};
use crate::facts::{Mark, Removed};
use crate::load::Program;
use crate::time::Interval;
use crate::time::Time;
use crate::value::Value;
use std::sync::Arc;

impl Engine {
    /// The model and timeline a change replaced rather than maintained (a
    /// change to a program that says when facts hold), while it can be
    /// taken back.
    pub(super) fn replaced(&self) -> (Option<&Database>, Option<&Timeline>) {
        match &self.restore {
            Some(Restore::Program(before)) => match &before.replaced {
                Some((model, timeline)) => (model.as_deref().map(Model::facts), timeline.as_ref()),
                None => (None, None),
            },
            _ => (None, None),
        }
    }

    /// Keeps the last change for good: what would take it back goes.
    pub(super) fn keep(&mut self) {
        self.restore = None;
        if let Some(db) = self.model.get_mut() {
            db.keep_update();
        }
    }

    /// Takes the last change back (a what-if's, or one whose evaluation
    /// failed): the program, the model and the sources exactly as they
    /// were (nothing when there is none to take back).
    pub(super) fn take_back(&mut self) {
        let Some(restore) = self.restore.take() else {
            return;
        };
        match restore {
            Restore::Facts {
                undo,
                facts,
                sources,
            } => {
                for (name, count) in self.program.facts.counts_since(&facts) {
                    self.vocabulary.recount(name, 0, count);
                }
                for name in &undo.stated {
                    self.vocabulary.recount(name, 1, 0);
                }
                self.program.facts.truncate(&facts);
                undo.revert(&mut self.program, &mut self.imported);
                self.undo_model();
                self.sources.truncate(sources);
            }
            Restore::Program(before) => {
                let Before {
                    program,
                    strata,
                    imported,
                    vocabulary,
                    temporal,
                    model_at,
                    replaced,
                    sources,
                } = *before;
                (self.program, self.strata, self.imported) = (program, strata, imported);
                self.vocabulary = vocabulary;
                self.temporal = temporal;
                self.model_at = model_at;
                match replaced {
                    Some((model, timeline)) => {
                        *self.model.get_mut() = model;
                        *self.timeline.get_mut() = timeline;
                    }
                    None => self.undo_model(),
                }
                self.sources.truncate(sources);
            }
        }
    }

    /// Takes the model back to before its last update; without a journal
    /// to do it with (the update was evaluated afresh, and failed), the
    /// model is dropped and evaluated again on the next run.
    pub(super) fn undo_model(&mut self) {
        let model = self.model.get_mut();
        if model.as_mut().is_some_and(|db| !db.undo()) {
            *model = None;
        }
    }
}

/// What [`remove_given`] removed, to put back if the change fails.
#[derive(Clone, Debug, Default)]
pub(super) struct Undo {
    /// Fact statements, with their places when removed.
    pub(super) facts: Vec<Removed>,
    /// The predicate of each.
    pub(super) stated: Vec<Arc<str>>,
    /// Imported rows, with where they were.
    pub(super) rows: Vec<RemovedRow>,
}

/// An imported row taken out, and where it was.
#[derive(Clone, Debug)]
pub(super) struct RemovedRow {
    /// Which import's rows.
    pub(super) import: usize,
    /// Its position.
    pub(super) at: usize,
    pub(super) values: Vec<Value>,
    pub(super) line: u64,
    /// When it held, for an import that reads validity.
    pub(super) interval: Option<Interval>,
}

impl Undo {
    pub(super) fn revert(self, program: &mut Program, imported: &mut [ImportedRows]) {
        program.facts.restore(self.facts);
        for row in self.rows.into_iter().rev() {
            let rows = &mut imported[row.import];
            rows.rows.insert(row.at, row.values);
            rows.lines.insert(row.at, row.line);
            if let Some(interval) = row.interval {
                rows.intervals.insert(row.at, interval);
            }
        }
    }
}

/// How to take the last change back, until it is kept.
#[derive(Clone, Debug)]
pub(super) enum Restore {
    /// A change of facts of predicates the model knows, made in place:
    /// the statements and rows it took out, where the ones it added
    /// start, and where the sources ended (the model's journal does the
    /// rest).
    Facts {
        undo: Undo,
        facts: Mark,
        sources: usize,
    },
    /// Any other change: the program as it was.
    Program(Box<Before>),
}

/// The model and timeline a change replaced (see [`Before`]).
pub(super) type Replaced = (Option<Box<dyn Model>>, Option<Timeline>);

/// The program as it was before a change, and the model and timeline
/// when the change replaced them rather than maintained the model (whose
/// journal then takes it back).
#[derive(Clone, Debug)]
pub(super) struct Before {
    pub(super) program: Program,
    pub(super) strata: Stratification,
    pub(super) imported: Vec<ImportedRows>,
    pub(super) vocabulary: Vocabulary,
    pub(super) temporal: bool,
    pub(super) model_at: Option<Time>,
    pub(super) replaced: Option<Replaced>,
    pub(super) sources: usize,
}
