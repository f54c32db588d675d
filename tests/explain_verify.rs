//! Every proof is checked by an independent verifier, on random stratified
//! programs: every derived fact has a proof; its leaves are given facts of
//! the program; each step is a real instance of the rule it names (head and
//! positive premises match under the bindings, negated premises are absent
//! from the model, comparisons hold, aggregates have the value the oracle
//! computes); and no fact proves itself. The model used to check is the
//! naive oracle's, not the engine's.

use entente::eval::naive;
use entente::explain::{Fact, Prover};
use entente::Engine;
use proptest::prelude::*;

mod common;
use common::verify::Verifier;
use common::{config, program};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn every_derived_fact_has_a_verified_proof(seed in any::<u64>()) {
        let text = program(seed);
        let mut engine = Engine::new();
        engine.load_source("random.rules", &text).expect("generated programs check");
        let model = naive::evaluate(engine.program(), engine.strata()).expect("oracle");
        let mut split = engine.clone();
        engine.run_with(&config(1)).expect("evaluation");
        split.run_with(&config(2)).expect("evaluation with two jobs");
        let program = engine.program().clone();
        let sources = engine.sources().clone();
        let mut db = engine.model().expect("model").clone();
        let mut split_db = split.model().expect("model").clone();
        let verifier = Verifier { program: &program, model: &model };
        for (pred, facts) in &model {
            for args in facts {
                let fact = Fact { predicate: pred.clone(), args: args.clone() };
                let proof = db.ask(|db| Prover::new(db, &program, &sources).prove(&fact));
                let Some(proof) = proof else {
                    panic!("no proof of {fact}\n{text}");
                };
                if let Err(why) = verifier.check(&proof, &mut Vec::new()) {
                    panic!("{why}\nproof: {proof:#?}\nprogram:\n{text}");
                }
                // Split joins keep row order, so they give the same proof.
                let again = split_db.ask(|db| Prover::new(db, &program, &sources).prove(&fact));
                prop_assert_eq!(Some(&proof), again.as_ref(), "with two jobs, program:\n{}", text);
            }
        }
    }
}
