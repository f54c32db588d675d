//! `cite`: the sources a goal's answers rest on (SPEC §14). Each answer's
//! positive premises are proved as `explain` proves them, and the given
//! facts at the proofs' leaves name their sources.

use std::collections::HashMap;

use super::Engine;
use crate::error::Error;
use crate::eval::Config;
use crate::explain::{Cited, Justification, Proof};

/// A source the answers rest on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Citation {
    /// The source: its name, citation and coverage.
    pub source: Cited,
    /// How many distinct given facts of it the proofs use.
    pub facts: usize,
}

/// What the answers to a goal rest on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Citations {
    /// The sources, by name.
    pub sources: Vec<Citation>,
    /// How many distinct given facts the proofs use that name no source.
    pub unsourced: usize,
}

impl Engine {
    /// The sources that the proofs of a goal's answers rest on (`entente
    /// cite`). The program must have been run.
    ///
    /// ```
    /// use entente::Engine;
    ///
    /// let mut engine = Engine::new();
    /// engine.load_source("kb.rules", "source w \"Weitz 2012\".\nfrom w.\ntreaty(a, b).\nally(X, Y) if treaty(X, Y).")?;
    /// engine.run()?;
    /// let (cited, _warnings) = engine.cite("ally(a, Who)")?;
    /// assert_eq!(cited.sources[0].source.citation, "Weitz 2012");
    /// # Ok::<(), entente::Error>(())
    /// ```
    pub fn cite(&self, goal: &str) -> Result<(Citations, Vec<crate::error::Problem>), Error> {
        self.cite_with(goal, &self.settings)
    }

    /// [`Engine::cite`] within the budgets (and at the time point) of
    /// `config`.
    pub fn cite_with(
        &self,
        goal: &str,
        config: &Config,
    ) -> Result<(Citations, Vec<crate::error::Problem>), Error> {
        let (query, sources) = self.parse_goal("<goal>", goal)?;
        let warnings = self.check_goal(&query, &sources)?;
        let mut given: HashMap<String, Option<String>> = HashMap::new();
        for instance in self.instances(&query, &sources, config)? {
            for proof in &instance.premises {
                leaves(proof, &mut given);
            }
        }
        let mut cited: Vec<Citation> = Vec::new();
        let mut unsourced = 0;
        for name in given.into_values() {
            let Some(name) = name else {
                unsourced += 1;
                continue;
            };
            match cited.iter_mut().find(|c| c.source.name == name) {
                Some(c) => c.facts += 1,
                None => cited.push(Citation {
                    source: Cited::named(&self.program, &name),
                    facts: 1,
                }),
            }
        }
        cited.sort_by(|a, b| a.source.name.cmp(&b.source.name));
        Ok((
            Citations {
                sources: cited,
                unsourced,
            },
            warnings,
        ))
    }
}

/// The given facts at the leaves of `proof`, each with its source's name.
fn leaves(proof: &Proof, given: &mut HashMap<String, Option<String>>) {
    match &proof.justification {
        Justification::Given(source) => {
            let key = format!("{}:{}:{}", source.file, source.line, proof.fact);
            given.insert(key, source.from.as_ref().map(|c| c.name.clone()));
        }
        Justification::Derived(d) => {
            for premise in &d.premises {
                leaves(premise, given);
            }
        }
        Justification::Truncated => {}
    }
}
