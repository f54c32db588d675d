//! The embedding API: an [`Engine`] holds the sources read and the program
//! loaded so far.
//!
//! Every load is all or nothing: the new statements are checked together
//! with those already loaded, and on any error the engine is left exactly as
//! it was (the texts stay in [`Sources`], which only grows, so earlier
//! diagnostics keep their spans).

use std::path::Path;

use crate::check::{self, Stratification};
use crate::error::{Error, Problem};
use crate::load::{Loader, Program};
use crate::source::Sources;

/// A program being built up, checked at every step.
#[derive(Clone, Debug, Default)]
pub struct Engine {
    sources: Sources,
    program: Program,
    strata: Stratification,
}

impl Engine {
    /// An engine with an empty program.
    pub fn new() -> Engine {
        Engine::default()
    }

    /// Loads files (and what they include) as one unit. Returns the
    /// warnings about the new statements, or an [`Error`] with every error
    /// (and those warnings).
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

    fn load(&mut self, read: impl FnOnce(&mut Loader)) -> Result<Vec<Problem>, Error> {
        let first_new = self.sources.end();
        let mut loader = Loader::new(&mut self.sources);
        read(&mut loader);
        let (added, mut errors) = loader.finish();
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
        Ok(warnings.collect())
    }
}
