//! Coverage (SPEC §14) against an enumeration of completions: on random
//! stratified programs whose `e1` facts come from a source that does not
//! cover the time asked about, every answer the engine gives as true
//! must hold in the model of every completion of `e1` (every set of
//! extra `e1` facts over a small domain), and where it says nothing is
//! unknown, its answers must be exactly each completion's.

use std::collections::{BTreeMap, BTreeSet};

use entente::eval::naive;
use entente::{Config, Engine, Value};
use proptest::prelude::*;

mod common;
use common::program;

/// The values a completion adds `e1` facts of.
const DOMAIN: [i64; 5] = [0, 1, 2, 3, 4];

/// The program with its `e1` facts moved to the end, under `from s.`,
/// and the source `s` covering time point 1 only.
fn with_uncovered_e1(text: &str) -> String {
    let (e1, rest): (Vec<&str>, Vec<&str>) = text.lines().partition(|l| l.starts_with("e1("));
    let mut out = String::from("source s \"a source that covers 1 only\" covers 1 to 1.\n");
    for line in rest {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("from s.\n");
    for line in e1 {
        out.push_str(line);
        out.push('\n');
    }
    out
}

type Model = BTreeMap<String, BTreeSet<Vec<Value>>>;

/// The model of `text` by the naive oracle.
fn oracle(text: &str) -> Model {
    let mut engine = Engine::new();
    engine
        .load_source("completion.rules", text)
        .expect("a completion checks");
    naive::evaluate(engine.program(), engine.strata())
        .unwrap_or_else(|e| panic!("oracle failed: {e}\n{text}"))
        .into_iter()
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(120))]

    #[test]
    fn known_answers_hold_in_every_completion(seed in any::<u64>()) {
        let text = with_uncovered_e1(&program(seed));
        let mut engine = Engine::new();
        if let Err(e) = engine.load_source("random.rules", &text) {
            panic!("generated program does not check: {e:?}\n{text}");
        }
        let at = Config { at: Some(2), ..Config::default() };
        if engine.run_with(&at).is_err() {
            // Arithmetic beyond its bounds: nothing to compare.
            return Ok(());
        }
        let completions: Vec<Model> = (0..1u32 << DOMAIN.len())
            .map(|set| {
                let mut completed = text.clone();
                for (i, v) in DOMAIN.iter().enumerate() {
                    if set & (1 << i) != 0 {
                        completed.push_str(&format!("e1({v}).\n"));
                    }
                }
                oracle(&completed)
            })
            .collect();
        for info in engine.predicates() {
            let vars: Vec<String> = (0..info.arity).map(|i| format!("V{i}")).collect();
            let goal = if vars.is_empty() {
                info.name.clone()
            } else {
                format!("{}({})", info.name, vars.join(", "))
            };
            let (answers, _) = engine.query_with(&goal, &at).unwrap();
            let got: BTreeSet<Vec<Value>> = answers.rows.iter().cloned().collect();
            for (i, model) in completions.iter().enumerate() {
                let holds = model.get(&info.name).cloned().unwrap_or_default();
                prop_assert!(
                    got.is_subset(&holds),
                    "{goal}: answers {got:?} not all in completion {i}'s {holds:?}\n{text}"
                );
                if answers.unknown.is_none() {
                    prop_assert_eq!(
                        &got, &holds,
                        "{}: known, yet completion {} differs\n{}", goal, i, text
                    );
                }
            }
        }
    }
}
