//! Incremental maintenance against evaluation from scratch (shared by
//! the default engine's tests and the `dd` engine's). Random
//! stratified programs (recursion, negation, comparisons, arithmetic, every
//! aggregate) are changed one step at a time: statements added, given
//! facts and rules retracted, new facts added. After every step
//! - the maintained model equals the naive oracle's model of the program
//!   as it now stands;
//! - the change set is exactly the difference between the oracle's models
//!   before and after, less the given facts;
//! - every fact of the model has a proof that the independent verifier
//!   accepts (well-founded, premises hold, leaves given);
//! - asked first as a what-if, the same change says what it will do and
//!   leaves the engine exactly as it was: the same program, the same
//!   sources, and the same proof of every fact (so the same rows and
//!   rounds).

use std::collections::BTreeSet;

use entente::eval::naive::{self, Model};
use entente::explain::Proof;
use entente::explain::{Fact, Prover};
use entente::{Change, Config, Engine, Update, Value};

use super::verify::Verifier;
use super::{config, engine_model, given_facts, program, Rng};

type Facts = BTreeSet<(String, Vec<Value>)>;

fn flatten(model: &Model) -> Facts {
    model
        .iter()
        .flat_map(|(p, facts)| facts.iter().map(|args| (p.clone(), args.clone())))
        .collect()
}

fn oracle(engine: &Engine) -> Model {
    let model = naive::evaluate(engine.program(), engine.strata()).expect("oracle evaluates");
    model.into_iter().filter(|(_, f)| !f.is_empty()).collect()
}

/// The proof of each fact in the engine's model (`None` for a fact that
/// does not hold).
fn proofs(engine: &mut Engine, facts: &Facts) -> Vec<Option<Proof>> {
    let program = engine.program().clone();
    let sources = engine.sources().clone();
    let db = engine.model().expect("model is current");
    let mut db = db.clone();
    facts
        .iter()
        .map(|(predicate, args)| {
            let fact = Fact {
                predicate: predicate.clone(),
                args: args.clone(),
            };
            db.ask(|db| Prover::new(db, &program, &sources).prove(&fact))
        })
        .collect()
}

/// Checks one step; `Err` says what is wrong.
fn check_step(
    engine: &mut Engine,
    update: &Update,
    before: &Model,
    given_before: &Facts,
) -> Result<Model, String> {
    let after = oracle(engine);
    let got = engine_model(engine, config(1));
    if got != after {
        let (got, want) = (flatten(&got), flatten(&after));
        return Err(format!(
            "maintained model differs from evaluation from scratch\n extra: {:?}\nmissing: {:?}",
            got.difference(&want).collect::<Vec<_>>(),
            want.difference(&got).collect::<Vec<_>>()
        ));
    }
    let (old, new) = (flatten(before), flatten(&after));
    let given_after = given_facts(engine);
    let appeared: Facts = new
        .difference(&old)
        .filter(|f| !given_after.contains(f))
        .cloned()
        .collect();
    let disappeared: Facts = old
        .difference(&new)
        .filter(|f| !given_before.contains(f))
        .cloned()
        .collect();
    let as_set =
        |facts: Vec<Fact>| -> Facts { facts.into_iter().map(|f| (f.predicate, f.args)).collect() };
    let reported = (
        as_set(update.changes.appeared().collect()),
        as_set(update.changes.disappeared().collect()),
    );
    if reported != (appeared.clone(), disappeared.clone()) {
        return Err(format!(
            "change set {reported:?}, expected appeared {appeared:?}, disappeared {disappeared:?}"
        ));
    }
    let program = engine.program().clone();
    let sources = engine.sources().clone();
    let db = engine.model().expect("model is current");
    let mut db = db.clone();
    let verifier = Verifier {
        program: &program,
        model: &after,
    };
    for (predicate, args) in &new {
        let fact = Fact {
            predicate: predicate.clone(),
            args: args.clone(),
        };
        let proof = db
            .ask(|db| Prover::new(db, &program, &sources).prove(&fact))
            .ok_or(format!("no proof of {fact}"))?;
        verifier.check(&proof, &mut Vec::new())?;
    }
    Ok(after)
}

/// Runs a random session of changes on the program of `seed`, on an
/// engine with the settings `settings` gives for its number of threads.
pub fn session(seed: u64, settings: impl Fn(usize) -> Config) -> Result<(), String> {
    let mut pool: Vec<String> = program(seed).lines().map(str::to_string).collect();
    let mut rng = Rng(seed.rotate_left(17) | 1);
    let mut loaded: Vec<bool> = pool.iter().map(|_| rng.below(10) < 6).collect();
    let start: String = pool
        .iter()
        .zip(&loaded)
        .filter(|(_, &on)| on)
        .map(|(s, _)| format!("{s}\n"))
        .collect();
    // Half the sessions maintain with split joins on two threads.
    let mut engine = Engine::with_config(settings(1 + (seed % 2) as usize));
    engine
        .load_source("start.rules", &start)
        .map_err(|e| format!("start does not load: {e:?}"))?;
    engine.run().map_err(|e| format!("{e:?}"))?;
    let mut log = format!("start:\n{start}");
    let mut before = oracle(&engine);
    for step in 0..10 {
        let given_before = given_facts(&engine);
        let pick = |rng: &mut Rng, want: &dyn Fn(usize) -> bool| {
            let candidates: Vec<usize> = (0..pool.len()).filter(|&i| want(i)).collect();
            (!candidates.is_empty()).then(|| candidates[rng.below(candidates.len())])
        };
        let is_fact = |i: usize| !pool[i].contains(" if ");
        let change = match rng.below(5) {
            0 | 1 => {
                let Some(i) = pick(&mut rng, &|i| !loaded[i]) else {
                    continue;
                };
                log.push_str(&format!("add {}\n", pool[i]));
                loaded[i] = true;
                Change::Add(pool[i].clone())
            }
            choice @ (2 | 3) => {
                let Some(i) = pick(&mut rng, &|i| loaded[i] && is_fact(i) == (choice == 2)) else {
                    continue;
                };
                log.push_str(&format!("retract {}\n", pool[i]));
                let text = pool[i].clone();
                for (j, s) in pool.iter().enumerate() {
                    if *s == text {
                        loaded[j] = false;
                    }
                }
                Change::Retract(text)
            }
            _ => {
                let (name, arity) = [("e0", 2), ("e1", 1), ("e2", 2)][rng.below(3)];
                let args: Vec<String> = (0..arity).map(|_| rng.below(5).to_string()).collect();
                let fact = format!("{name}({}).", args.join(", "));
                log.push_str(&format!("add {fact}\n"));
                pool.push(fact.clone());
                loaded.push(true);
                Change::Add(fact)
            }
        };
        // First as a what-if, which must leave everything as it was.
        let (program, end) = (engine.program_text(), engine.sources().end());
        let proved = proofs(&mut engine, &flatten(&before));
        let what_if = engine
            .what_if(std::slice::from_ref(&change), false)
            .map_err(|e| format!("{log}\nwhat-if refused: {e:?}"))?;
        if (engine.program_text(), engine.sources().end()) != (program, end) {
            return Err(format!(
                "{log}\nthe what-if changed the program or the sources"
            ));
        }
        if proofs(&mut engine, &flatten(&before)) != proved {
            return Err(format!(
                "{log}\nthe what-if changed a proof (rows or rounds)"
            ));
        }
        let result = match &change {
            Change::Add(text) => engine.add_source(&format!("<step {step}>"), text),
            Change::Retract(text) => engine.retract_source("<retract>", text),
        };
        let update = result.map_err(|e| format!("{log}\nchange refused: {e:?}"))?;
        if what_if.changes != update.changes {
            return Err(format!(
                "{log}\nthe what-if said {:?}, the change did {:?}",
                what_if.changes, update.changes
            ));
        }
        before = check_step(&mut engine, &update, &before, &given_before)
            .map_err(|why| format!("{log}\n{why}"))?;
    }
    Ok(())
}
