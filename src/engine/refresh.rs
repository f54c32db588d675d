//! Bringing the model up to a changed program: the fast path of a change
//! made only of ground facts the model knows, the [`Edit`] that tells
//! the model what changed, and its maintenance through the [`Model`]
//! seam.

use std::collections::HashSet;

use super::retract::{ground_fact, remove_given, Retraction};
use super::undo::{Before, Restore, Undo};
use super::update::{AddedSince, Update};
use super::{ChangeSet, Engine};
use crate::ast::Statement;
use crate::error::{Error, EvalError, Problem};
use crate::eval::{Config, Database, Edit, Model, Origin};
use crate::fact::Fact;
use crate::facts::Facts;
use crate::intern::Id;
use crate::load::Program;
use crate::plan::{self, Plan, PredId};
use crate::source::Span;

impl Engine {
    /// When the change is only ground facts of predicates the model has,
    /// with their arities, the facts retracted (with their statements'
    /// spans): such a change needs no check and no new plan.
    pub(super) fn known_facts(
        &mut self,
        added: &Program,
        retracted: &[Statement],
    ) -> Option<Vec<(Fact, Span)>> {
        if self.is_temporal() || !added.validity.is_empty() {
            return None;
        }
        let db = self.model.get_mut().as_deref()?.facts();
        // Known: in a stratum of the plan (a predicate no statement
        // mentions any more keeps its id but has no stratum).
        let known = |name: &str, arity: usize| {
            (db.plan().predicates.get_full(name)).is_some_and(|(p, _, &planned)| {
                planned == arity && db.plan().strata.iter().any(|s| s.predicates.contains(&p))
            })
        };
        let tables = added.facts.tables().iter();
        // Anything but facts (a constraint, a source, a `from` line too)
        // takes the general path, which keeps it.
        if !added.queries.is_empty()
            || !added.imports.is_empty()
            || !added.rules.is_empty()
            || !added.constraints.is_empty()
            || !added.sources.is_empty()
            || !added.sections.is_empty()
            || !tables.clone().all(|t| known(&t.name, t.arity))
        {
            return None;
        }
        retracted
            .iter()
            .map(|statement| match statement {
                // A retraction that names a validity takes the general path.
                Statement::Rule(rule, None)
                    if known(&rule.head.predicate.text, rule.head.args.len()) =>
                {
                    Some((ground_fact(rule)?, rule.span))
                }
                _ => None,
            })
            .collect()
    }

    /// Retracts and adds ground facts of known predicates in place (see
    /// [`Engine::known_facts`]), undoing the edit if maintenance fails.
    pub(super) fn apply_facts(
        &mut self,
        retracted: Vec<(Fact, Span)>,
        added: Facts,
        sources: usize,
        config: &Config,
    ) -> Result<Update, Error> {
        let mut undo = Undo::default();
        let mut retraction = Retraction::default();
        let mut problems = Vec::new();
        for (fact, span) in retracted {
            if remove_given(
                &fact,
                None,
                &mut self.program,
                &mut self.imported,
                &mut undo,
            ) {
                retraction.facts.push(fact);
            } else {
                problems.push(Problem::new(
                    self.not_given(fact, None, span),
                    &self.sources,
                ));
            }
        }
        if !problems.is_empty() {
            undo.revert(&mut self.program, &mut self.imported);
            return Err(Error::new(problems));
        }
        let since = AddedSince {
            first_rule: self.program.rules.len(),
            facts: self.program.facts.mark(),
            first_import: self.imported.len(),
        };
        for table in added.tables() {
            self.vocabulary.recount(&table.name, table.len(), 0);
        }
        for name in &undo.stated {
            self.vocabulary.recount(name, 0, 1);
        }
        self.program.facts.extend(added);
        let model = (self.model.get_mut().take()).expect("known facts need a model");
        // The plan before stays with the model, for its journal.
        let plan = model.facts().plan().clone();
        let changes = self.update_model(model, plan, &retraction, &since, config);
        self.restore = Some(Restore::Facts {
            undo,
            facts: since.facts,
            sources,
        });
        match changes {
            Ok(changes) => Ok(Update {
                changes,
                stale: false,
                warnings: Vec::new(),
            }),
            Err(e) => {
                let error = Error::single(e, &self.sources);
                self.take_back();
                Err(error)
            }
        }
    }

    /// Brings the model, the old program's, up to the program now loaded
    /// (its update journaled until the change is kept or taken back).
    pub(super) fn maintain(
        &mut self,
        retraction: &Retraction,
        since: AddedSince,
        config: &Config,
        before: &mut Before,
    ) -> Result<ChangeSet, Error> {
        let mut model = self.model.get_mut().take().expect("a model to maintain");
        if !model.facts().plan().arities_agree(&self.program) {
            // A predicate came back with another arity: its relation cannot
            // serve; evaluate afresh and compare (the old model is kept
            // to take the change back).
            let evaluated = self.run_with(config).map(|()| {
                let new = self.model.get_mut().as_deref().expect("just computed");
                ChangeSet::between(model.facts(), new.facts())
            });
            before.replaced = Some((Some(model), None));
            return evaluated;
        }
        let (previous, names) = model.facts_mut().planning();
        let plan = plan::plan(&self.program, &self.strata, names, previous);
        let changes = self.update_model(model, plan, retraction, &since, config);
        changes.map_err(|e| Error::single(e, &self.sources))
    }

    /// Takes `model` to the program now loaded, whose plan (made from the
    /// model's) is `plan`, puts it back as the engine's, and returns what
    /// changed.
    fn update_model(
        &mut self,
        mut model: Box<dyn Model>,
        plan: Plan,
        retraction: &Retraction,
        since: &AddedSince,
        config: &Config,
    ) -> Result<ChangeSet, EvalError> {
        let edit = self.edit(model.facts_mut(), &plan, retraction, since);
        let (stated, retracted) = given_facts(&edit);
        let maintained = model.maintain(plan, edit, config);
        let changes = maintained
            .map(|delta| ChangeSet::from_delta(model.facts(), &delta, &stated, &retracted));
        *self.model.get_mut() = Some(model);
        changes
    }

    /// The edit that takes `db` to the program now loaded: the facts
    /// retracted and added, the rules new and removed.
    fn edit(
        &self,
        db: &mut Database,
        plan: &Plan,
        retraction: &Retraction,
        since: &AddedSince,
    ) -> Edit {
        let mut edit = Edit::default();
        for fact in &retraction.facts {
            let row: Option<Vec<_>> = fact.args.iter().map(|v| db.names().get(v)).collect();
            if let (Some(p), Some(row)) = (plan.predicates.get_index_of(&fact.predicate), row) {
                edit.retract.push((p, row));
            }
        }
        edit.new_rules
            .extend(since.first_rule..self.program.rules.len());
        let facts = &self.program.facts;
        for fact in facts.since(&since.facts) {
            let row = (fact.ids().iter())
                .map(|&id| db.intern(facts.value(id)))
                .collect();
            let p = plan.pred(fact.name());
            edit.add.push((p, row, Origin::Stated(fact.span())));
        }
        // Empty files are skipped for the reason `load_given` gives.
        let news_imported = &self.imported[since.first_import..];
        for rows in news_imported.iter().filter(|rows| !rows.rows.is_empty()) {
            let p = plan.pred(&self.program.imports[rows.import].import.predicate.text);
            for (values, &line) in rows.rows.iter().zip(&rows.lines) {
                let row = values.iter().map(|v| db.intern(v.clone())).collect();
                let origin = Origin::Import {
                    import: rows.import,
                    line,
                };
                edit.add.push((p, row, origin));
            }
        }
        for head in &retraction.heads {
            if let Some(p) = plan.predicates.get_index_of(head) {
                edit.removed_heads.insert(p);
            }
        }
        edit
    }
}

/// The given facts an edit adds and retracts, which change sets leave
/// out.
type GivenFacts = HashSet<(PredId, Vec<Id>)>;

fn given_facts(edit: &Edit) -> (GivenFacts, GivenFacts) {
    (
        edit.add
            .iter()
            .map(|(p, row, _)| (*p, row.clone()))
            .collect(),
        edit.retract.iter().cloned().collect(),
    )
}
