//! The fast evaluator against the naive oracle on random stratified
//! programs: recursion, negation, comparisons, bounded arithmetic and every
//! aggregate. Both must compute the same model, fact for fact, with one
//! job and with every join split across two.

use std::collections::{BTreeMap, BTreeSet};

use entente::eval::naive;
use entente::{Engine, Value};
use proptest::prelude::*;

mod common;
use common::{config, engine_model, program};

type Model = BTreeMap<String, BTreeSet<Vec<Value>>>;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn semi_naive_matches_the_naive_oracle(seed in any::<u64>()) {
        let text = program(seed);
        let mut engine = Engine::new();
        if let Err(e) = engine.load_source("random.rules", &text) {
            panic!("generated program does not check: {e:?}\n{text}");
        }
        let expected = naive::evaluate(engine.program(), engine.strata())
            .unwrap_or_else(|e| panic!("oracle failed: {e}\n{text}"));
        let expected: Model = expected.into_iter().filter(|(_, f)| !f.is_empty()).collect();
        let mut split = engine.clone();
        let got = engine_model(&mut engine, config(1));
        prop_assert_eq!(&got, &expected, "program:\n{}", text);
        // Joins split across two threads find the same model.
        let got = engine_model(&mut split, config(2));
        prop_assert_eq!(got, expected, "with two jobs, program:\n{}", text);
    }
}
