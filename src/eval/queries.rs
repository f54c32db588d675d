//! Questions planned against the model: bodies, queries, and rule bodies
//! with the head bound to a fact (for proofs and rederivation).

use std::sync::Arc;

use super::ask::Reader;
use super::relation::Relation;
use super::Database;
use crate::answers::Answers;
use crate::ast::{self, head_variables};
use crate::error::EvalError;
use crate::intern::Id;
use crate::plan::{Bindings, HeadPlan, QueryPlan};

impl Database {
    /// Plans a body to run against this model (see
    /// [`Plan::body_plan`]); the indexes it needs are built at once, so a
    /// plan from here can always run.
    pub fn plan_body(
        &mut self,
        body: &[ast::Literal],
        bound: &[&str],
        wanted: Bindings,
    ) -> QueryPlan {
        let sizes: Vec<u32> = self.relations.iter().map(Relation::live_len).collect();
        let plan = self
            .plan
            .body_plan(body, bound, wanted, &mut self.interner, &sizes);
        self.add_relations();
        self.build_indexes(&plan.steps);
        plan
    }

    /// [`Database::plan_from_head`] for one instance, planned once per
    /// statement and kept (its indexes built again if a relation was
    /// rebuilt since).
    pub fn rederivation_plan(&mut self, index: usize, rule: &ast::Rule) -> Arc<HeadPlan> {
        let key = (index, rule.span);
        if let Some(plan) = self.head_plans.get(&key).cloned() {
            self.add_relations();
            self.build_indexes(&plan.plan.steps);
            return plan;
        }
        let plan = Arc::new(self.plan_from_head(rule, Bindings::One));
        self.head_plans.insert(key, plan.clone());
        plan
    }

    /// Plans a rule's body to run with its head bound to a fact (see
    /// [`HeadPlan`]), for every instance ([`Bindings::All`]) or one.
    pub fn plan_from_head(&mut self, rule: &ast::Rule, wanted: Bindings) -> HeadPlan {
        let names = head_variables(rule);
        let body = ast::name_wildcards(&rule.body);
        let plan = self.plan_body(&body, &names, wanted);
        HeadPlan { body, plan }
    }

    /// The first slots of a [`HeadPlan`] of `rule` for the fact `row`, or
    /// `None` when the head cannot take the fact's values.
    pub fn bind_head(&self, rule: &ast::Rule, row: &[Id]) -> Option<Vec<Id>> {
        let names = head_variables(rule);
        let mut slots = vec![0; names.len()];
        let mut set = vec![false; names.len()];
        for (t, &value) in rule.head.args.iter().zip(row) {
            match t {
                ast::Term::Var(v) => {
                    let s = names.iter().position(|n| *n == v.name)?;
                    if set[s] && slots[s] != value {
                        return None;
                    }
                    slots[s] = value;
                    set[s] = true;
                }
                ast::Term::Const(c, _) => {
                    if self.interner.get(c) != Some(value) {
                        return None;
                    }
                }
                ast::Term::Wildcard(_) => {}
            }
        }
        Some(slots)
    }

    /// The plan of a checked query, its constants interned in the model:
    /// it can be run again after the model changed
    /// ([`Database::answer_planned`]).
    pub fn plan_query(&mut self, query: &ast::Query) -> QueryPlan {
        for atom in query_atoms(query) {
            self.plan.ensure_pred(&atom.predicate.text, atom.args.len());
        }
        self.plan_body(&query.body, &[], Bindings::Named)
    }

    /// Answers a planned query against the model: the distinct bindings
    /// of its named variables, sorted.
    pub fn answer_planned(&mut self, plan: &QueryPlan) -> Result<Answers, EvalError> {
        // The model may have changed since the plan was made: relations
        // rebuilt since have no index yet.
        self.add_relations();
        self.build_indexes(&plan.steps);
        Reader::new(self).answer_planned(plan)
    }
}

fn query_atoms(query: &ast::Query) -> Vec<&ast::Atom> {
    let mut atoms = Vec::new();
    ast::for_each_atom(&query.body, &mut |a, _| atoms.push(a));
    atoms
}
