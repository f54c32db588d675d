//! Questions planned against the model: bodies, queries, and rule bodies
//! with the head bound to a fact (for proofs and rederivation).

use std::sync::Arc;

use super::ask::Reader;
use super::relation::Relation;
use super::Database;
use crate::answers::Answers;
use crate::ast;
use crate::error::EvalError;
use crate::plan::{Bindings, HeadPlan, QueryPlan, RulePlan};

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

    /// [`Plan::rederivation`] of a rule, planned once per statement and
    /// kept (its indexes built again if a relation was rebuilt since).
    pub fn rederivation_plan(&mut self, rule: &RulePlan) -> Arc<HeadPlan> {
        let key = (rule.rule, rule.span);
        if let Some(plan) = self.head_plans.get(&key).cloned() {
            self.add_relations();
            self.build_indexes(&plan.plan.steps);
            return plan;
        }
        let sizes: Vec<u32> = self.relations.iter().map(Relation::live_len).collect();
        let plan = (self.plan).rederivation(rule, &mut self.interner, &sizes);
        self.add_relations();
        self.build_indexes(&plan.plan.steps);
        let plan = Arc::new(plan);
        self.head_plans.insert(key, plan.clone());
        plan
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
