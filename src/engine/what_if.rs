//! What-if: a change made in place, its consequences read, and the change
//! taken back (the program by its undo record, the model by its
//! journal), so that the engine is left exactly as it was.

use super::update::{Addition, Change, Retracting};
use super::{ChangeSet, Engine, Explanation, Violation};
use crate::error::{Error, NotEvaluated};
use crate::eval::Config;
use crate::eval::Database;
use crate::eval::Timeline;
use crate::explain::Proof;
use crate::fact::Fact;

impl Engine {
    /// What would appear and disappear if `changes` were made together
    /// (retractions first); the engine's program and model stay as they
    /// are. With `explain`, the proofs gained and lost come too. The
    /// program must have been run.
    ///
    /// ```
    /// use entente::{Change, Engine};
    ///
    /// let mut engine = Engine::new();
    /// engine.load_source("kb.rules", "treaty(armenia, russia). ally(X, Y) if treaty(X, Y).")?;
    /// engine.run()?;
    /// let answer = engine.what_if(&[Change::Retract("treaty(armenia, russia).".into())], true)?;
    /// assert_eq!(answer.changes.to_string(), "- ally(armenia, russia).\n");
    /// assert_eq!(answer.lost.len(), 1);
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn what_if(&mut self, changes: &[Change], explain: bool) -> Result<WhatIf, Error> {
        let config = self.settings.clone();
        self.what_if_in(("<retract>", "<add>"), changes, explain, &config)
    }

    /// [`Engine::what_if`] within the budgets of `config`.
    ///
    /// ```
    /// use entente::{Change, Config, Engine};
    ///
    /// let mut engine = Engine::new();
    /// engine.load_source("kb.rules", "ally(X, Y) if treaty(X, Y).")?;
    /// engine.run()?;
    /// let change = Change::Add("treaty(azerbaijan, turkey).".into());
    /// let answer = engine.what_if_with(&[change], false, &Config::default())?;
    /// assert_eq!(answer.changes.to_string(), "+ ally(azerbaijan, turkey).\n");
    /// assert!(!engine.query("ally(azerbaijan, turkey)")?.0.holds(), "the engine is unchanged");
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn what_if_with(
        &mut self,
        changes: &[Change],
        explain: bool,
        config: &Config,
    ) -> Result<WhatIf, Error> {
        self.what_if_in(("<retract>", "<add>"), changes, explain, config)
    }

    /// [`Engine::what_if`], every change's text named `name` in
    /// diagnostics (a REPL names each entry).
    ///
    /// ```
    /// use entente::{Change, Engine};
    ///
    /// let mut engine = Engine::new();
    /// engine.load_source("kb.rules", "p(1).")?;
    /// engine.run()?;
    /// let error = engine.what_if_named("<entry 3>", &[Change::Add("p(".into())], false).unwrap_err();
    /// assert_eq!(error.location().unwrap().file, "<entry 3>");
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn what_if_named(
        &mut self,
        name: &str,
        changes: &[Change],
        explain: bool,
    ) -> Result<WhatIf, Error> {
        let config = self.settings.clone();
        self.what_if_in((name, name), changes, explain, &config)
    }

    pub(super) fn what_if_in(
        &mut self,
        (retract_name, add_name): (&str, &str),
        changes: &[Change],
        explain: bool,
        config: &Config,
    ) -> Result<WhatIf, Error> {
        if !self.is_current() {
            let text: Vec<&str> = changes
                .iter()
                .map(|c| match c {
                    Change::Add(t) | Change::Retract(t) => t.as_str(),
                })
                .collect();
            let (sources, span) = self.sources.with_scratch(add_name, text.join("\n"));
            return Err(Error::single(NotEvaluated { span }, &sources));
        }
        let was_temporal = self.is_temporal();
        let prior = self.prior(config)?;
        // The change is made in place, and taken back: the program by its
        // undo record, the model by its journal (or, over time, the model
        // and timeline it had, kept), at the cost of the change.
        let end = self.sources.end();
        let before = self.violation_keys(config)?;
        let (retracting, added) = self.read_changes((retract_name, add_name), changes);
        let update = match self.apply(retracting, Addition::Text(add_name, &added), config) {
            Ok(update) => update,
            Err(e) => {
                self.sources.truncate(end);
                return Err(e);
            }
        };
        let violations = match self.new_violations(&before, config) {
            Ok(violations) => violations,
            Err(e) => {
                self.take_back();
                self.sources.truncate(end);
                return Err(e);
            }
        };
        if was_temporal || self.is_temporal() {
            let mut what_if = self.what_if_in_time(prior, explain, config, end)?;
            what_if.violations = violations;
            return Ok(what_if);
        }
        let mut what_if = WhatIf {
            changes: update.changes,
            gained: Vec::new(),
            lost: Vec::new(),
            violations,
        };
        if explain {
            what_if.gained = self.proofs(what_if.changes.appeared());
        }
        self.take_back();
        self.sources.truncate(end);
        if explain {
            what_if.lost = self.proofs(what_if.changes.disappeared());
        }
        Ok(what_if)
    }

    /// What a comparison over time needs of the engine as it is that a
    /// change does not keep (it keeps the model and timeline it had): at
    /// a time point, the snapshot there; over every time, the timeline
    /// when the engine has none.
    fn prior(&self, config: &Config) -> Result<Prior, Error> {
        Ok(match (self.is_temporal(), config.at) {
            (true, Some(t)) => Prior {
                snapshot: Some(self.snapshot(t, config)?),
                timeline: None,
            },
            (true, None) if !self.has_timeline() => Prior {
                snapshot: None,
                timeline: Some(self.compute_timeline(config)?),
            },
            _ => Prior::default(),
        })
    }

    /// The proofs, in the model, of the facts that hold.
    fn proofs(&self, facts: impl Iterator<Item = Fact>) -> Vec<Proof> {
        facts
            .filter_map(|f| match self.explain_in_model(&f, None)? {
                Ok(Explanation::Holds(proof)) => Some(proof),
                _ => None,
            })
            .collect()
    }

    /// The retractions of `changes` (their texts recorded under the first
    /// name) and the text of their additions.
    pub(super) fn read_changes(
        &mut self,
        (retract_name, _): (&str, &str),
        changes: &[Change],
    ) -> (Retracting, String) {
        let mut retracting = Retracting::default();
        let mut added = String::new();
        for change in changes {
            match change {
                Change::Retract(text) => {
                    let more = self.retracting(retract_name, text.clone());
                    retracting.statements.extend(more.statements);
                    retracting.errors.extend(more.errors);
                }
                Change::Add(text) => {
                    added.push_str(text);
                    added.push('\n');
                }
            }
        }
        (retracting, added)
    }
}

/// The answer to "what if these changes were made?".
#[derive(Clone, Debug)]
pub struct WhatIf {
    /// What would appear and disappear.
    pub changes: ChangeSet,
    /// With explanations asked for: the proof of each fact that would
    /// appear, in the changed model, in the order of `changes`.
    pub gained: Vec<Proof>,
    /// With explanations asked for: the proof, in the current model, of
    /// each fact that would disappear.
    pub lost: Vec<Proof>,
    /// The violations of the program's constraints that the changes
    /// would cause (not those there already), with the proofs of their
    /// premises in the changed model (SPEC §14).
    pub violations: Vec<Violation>,
}

impl WhatIf {
    /// `{"changes": [...]}` as [`ChangeSet::to_json`], and with
    /// `with_proofs` also `"gained"` and `"lost"`: the proofs as nodes of
    /// docs/explain.md, in the order of the changes.
    pub fn to_json(&self, with_proofs: bool) -> String {
        let mut out = format!("{{\"changes\": {}", self.changes.to_json());
        if !self.violations.is_empty() {
            let violations: Vec<String> = self.violations.iter().map(Violation::to_json).collect();
            out.push_str(&format!(", \"violations\": [{}]", violations.join(", ")));
        }
        if with_proofs {
            for (key, proofs) in [("gained", &self.gained), ("lost", &self.lost)] {
                let nodes: Vec<String> = proofs.iter().map(Proof::to_json_node).collect();
                out.push_str(&format!(", \"{key}\": [{}]", nodes.join(", ")));
            }
        }
        out.push('}');
        out
    }
}

/// What a what-if over time needs of the engine before the change that
/// the change does not keep: the snapshot at the time point asked about,
/// or the timeline, when the engine kept none.
#[derive(Default)]
pub(super) struct Prior {
    pub(super) snapshot: Option<Database>,
    pub(super) timeline: Option<Timeline>,
}
