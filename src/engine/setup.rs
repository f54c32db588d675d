//! Creating an engine and loading programs into it: the first steps of a
//! host, and what it can read of the program loaded.

use std::path::Path;
use std::sync::Arc;

use super::update::{Addition, Retracting};
use super::{Engine, Update};
use crate::check::Stratification;
use crate::error::Error;
use crate::eval::{Config, Database};
use crate::files::{Files, SharedFiles};
use crate::load::Program;
use crate::source::Sources;

impl Engine {
    /// An engine with an empty program and the default budgets
    /// ([`Config::default`]).
    pub fn new() -> Engine {
        Engine::default()
    }

    /// An engine with an empty program whose calls keep to `config`
    /// (unless a call brings its own).
    ///
    /// ```
    /// use std::time::Duration;
    /// use entente::{Config, Engine};
    ///
    /// let config = Config { timeout: Some(Duration::from_secs(5)), max_facts: 1_000, ..Config::default() };
    /// let mut engine = Engine::with_config(config);
    /// engine.load_source("runaway.rules", "n(0). n(Y) if n(X), Y = X + 1.")?;
    /// let error = engine.run().unwrap_err();
    /// assert_eq!(error.kind(), entente::ErrorKind::Limit(entente::Limit::Facts));
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn with_config(config: Config) -> Engine {
        Engine {
            settings: config,
            ..Engine::default()
        }
    }

    /// The budgets the engine's calls keep to.
    pub fn config(&self) -> &Config {
        &self.settings
    }

    /// Sets the budgets the engine's calls keep to from now on.
    ///
    /// ```
    /// use entente::{Config, Engine, ErrorKind, Limit};
    ///
    /// let mut engine = Engine::new();
    /// engine.load_source("n.rules", "n(0). n(Y) if n(X), X < 100, Y = X + 1.")?;
    /// engine.set_config(Config::with_max_facts(10));
    /// assert_eq!(engine.run().unwrap_err().kind(), ErrorKind::Limit(Limit::Facts));
    /// engine.set_config(Config::default());
    /// engine.run()?;
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn set_config(&mut self, config: Config) {
        self.settings = config;
    }

    /// Reads the files that loads name, and the files they include and
    /// import, from `files` from now on (the disk, [`crate::Disk`], until
    /// set): a language server's unsaved buffers, a browser's uploads
    /// ([`crate::MemoryFiles`]). What is loaded already stays.
    pub fn set_files(&mut self, files: impl Files + 'static) {
        self.files = SharedFiles(Arc::new(files));
    }

    /// Loads files (and what they include and import) as one unit; on any
    /// error nothing of them is kept. Returns what changed: once the model
    /// is evaluated it is maintained (see [`Engine::add_source`]), else the
    /// update says it is stale. Its warnings are those about the new
    /// statements.
    ///
    /// ```
    /// use entente::Engine;
    ///
    /// let mut engine = Engine::new();
    /// let update = engine.load_files(&["rules/caucasus.rules"])?;
    /// assert!(update.warnings.is_empty() && update.stale);
    /// engine.run()?;
    /// assert!(engine.query("supports(turkey, azerbaijan)")?.0.holds());
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn load_files<P: AsRef<Path>>(&mut self, paths: &[P]) -> Result<Update, Error> {
        let config = self.settings.clone();
        self.load_files_with(paths, &config)
    }

    /// [`Engine::load_files`] within the budgets of `config`.
    ///
    /// ```
    /// use entente::{Config, Engine, ErrorKind};
    ///
    /// let mut engine = Engine::new();
    /// let error = engine.load_files_with(&["no/such.rules"], &Config::default()).unwrap_err();
    /// assert_eq!(error.kind(), ErrorKind::Io);
    /// assert!(engine.program_text().is_empty(), "nothing of a failed load is kept");
    /// engine.load_files_with(&["rules/examples/quickstart.rules"], &Config::default())?;
    /// assert!(engine.has_queries());
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn load_files_with<P: AsRef<Path>>(
        &mut self,
        paths: &[P],
        config: &Config,
    ) -> Result<Update, Error> {
        self.change(
            Retracting::default(),
            Addition::Files(&paths_of(paths)),
            config,
        )
    }

    /// Loads source text under a display `name` (diagnostics name it);
    /// includes and imports in it resolve against the current directory.
    /// As [`Engine::load_files`].
    ///
    /// ```
    /// use entente::Engine;
    ///
    /// let mut engine = Engine::new();
    /// let update = engine.load_source("kb.rules", "ally(armenia, russia). ally(Y, X) if ally(X, Y).")?;
    /// assert!(update.stale, "loaded, not evaluated yet");
    /// engine.run()?;
    /// let update = engine.load_source("more.rules", "ally(azerbaijan, turkey).")?;
    /// assert_eq!(update.changes.to_string(), "+ ally(turkey, azerbaijan).\n");
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn load_source(&mut self, name: &str, text: &str) -> Result<Update, Error> {
        let config = self.settings.clone();
        self.load_source_with(name, text, &config)
    }

    /// [`Engine::load_source`] within the budgets of `config`.
    ///
    /// ```
    /// use entente::{Config, Engine, ErrorKind, Limit};
    ///
    /// let mut engine = Engine::new();
    /// engine.load_source("n.rules", "n(0).")?;
    /// engine.run()?;
    /// let tight = Config::with_max_facts(5);
    /// let rule = "n(Y) if n(X), X < 100, Y = X + 1.";
    /// let error = engine.load_source_with("more.rules", rule, &tight).unwrap_err();
    /// assert_eq!(error.kind(), ErrorKind::Limit(Limit::Facts));
    /// assert_eq!(engine.program_text(), "n(0).\n", "the rule is not kept");
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn load_source_with(
        &mut self,
        name: &str,
        text: &str,
        config: &Config,
    ) -> Result<Update, Error> {
        // Loading text is adding it: one path for both.
        self.add_source_with(name, text, config)
    }

    /// The program loaded so far. Internal (for tests): the type is not
    /// part of the stable API.
    #[doc(hidden)]
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// Every text read so far (files, source texts, retractions; not the
    /// goals of questions), for rendering diagnostics.
    pub fn sources(&self) -> &Sources {
        &self.sources
    }

    /// The strata of the program loaded so far, lowest first. Internal
    /// (for tests): the type is not part of the stable API.
    #[doc(hidden)]
    pub fn strata(&self) -> &Stratification {
        &self.strata
    }

    /// The model of the last run, if it is current. Internal (for tests):
    /// the type is not part of the stable API.
    #[doc(hidden)]
    pub fn model(&mut self) -> Option<&Database> {
        self.model.get_mut().as_ref().map(|m| m.facts())
    }
}

fn paths_of<P: AsRef<Path>>(paths: &[P]) -> Vec<std::path::PathBuf> {
    paths.iter().map(|p| p.as_ref().to_path_buf()).collect()
}
