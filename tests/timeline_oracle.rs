//! Time (SPEC §10) against the naive oracle: random stratified programs
//! whose facts get random validities. The oracle evaluates the program
//! afresh at every time point from before the first bound to after the
//! last (the points beyond stand for the open ends); the engine sweeps
//! its elementary intervals with incremental maintenance. Every fact's
//! validity must agree at every point, and so must every answer of a
//! query over time.

use std::collections::{BTreeMap, BTreeSet};

use entente::eval::naive;
use entente::explain::Fact;
use entente::time::{Interval, Time, Validity, NEVER_AFTER, NEVER_BEFORE};
use entente::{Config, Engine, Explanation, Value};
use proptest::prelude::*;

mod common;
use common::verify::Verifier;
use common::{config, program, Rng};

/// Time points the random validities use: from 0 to `LAST`.
const LAST: Time = 12;

type Timeline = BTreeMap<(String, Vec<Value>), Validity>;

/// The program with a random validity on some facts, and some facts
/// stated twice with two validities.
fn with_validities(text: &str, seed: u64) -> String {
    let mut rng = Rng(seed.rotate_left(17) | 1);
    let point = |rng: &mut Rng| rng.below(LAST as usize + 1) as Time;
    let mut out = String::new();
    for line in text.lines() {
        let fact = line.starts_with('e') && !line.contains(" if ");
        if !fact || rng.below(100) < 30 {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let atom = line.trim_end_matches('.');
        for _ in 0..1 + usize::from(rng.below(100) < 25) {
            let (a, b) = (point(&mut rng), point(&mut rng));
            let when = match rng.below(4) {
                0 => format!("since {a}"),
                1 => format!("until {a}"),
                2 => format!("in {a}"),
                _ => format!("from {} to {}", a.min(b), a.max(b)),
            };
            out.push_str(&format!("{atom} {when}.\n"));
        }
    }
    out
}

/// The oracle's timeline: the model at every point from -1 to `LAST` + 1,
/// the first and last standing for everything before and after.
fn oracle(engine: &Engine) -> Timeline {
    let mut timeline = Timeline::new();
    for t in -1..=LAST + 1 {
        let model = naive::evaluate_at(engine.program(), engine.strata(), t)
            .unwrap_or_else(|e| panic!("oracle failed: {e}"));
        let interval = match t {
            -1 => Interval {
                from: NEVER_BEFORE,
                to: -1,
            },
            t if t == LAST + 1 => Interval {
                from: t,
                to: NEVER_AFTER,
            },
            t => Interval { from: t, to: t },
        };
        for (name, facts) in model {
            for row in facts {
                timeline
                    .entry((name.clone(), row))
                    .or_default()
                    .add(interval);
            }
        }
    }
    timeline
}

/// Each answer with when it holds.
fn timed(answers: &entente::Answers) -> Vec<(Vec<Value>, Validity)> {
    (0..answers.rows.len())
        .map(|i| {
            (
                answers.rows[i].clone(),
                answers.validity(i).expect("an answer"),
            )
        })
        .collect()
}

/// The engine's timeline, run over every time with `config`.
fn swept(engine: &mut Engine, config: Config) -> Timeline {
    engine.run_with(&config).expect("evaluation succeeds");
    kept_timeline(engine)
}

/// The timeline the engine keeps, every fact with when it holds.
fn kept_timeline(engine: &Engine) -> Timeline {
    let mut timeline = Timeline::new();
    engine
        .for_each_timed_fact(false, |name, row, validity| {
            timeline.insert((name.to_string(), row.to_vec()), validity.clone());
            Ok::<(), ()>(())
        })
        .expect("no error");
    timeline
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn timelines_match_the_oracle_at_every_time_point(seed in any::<u64>()) {
        let text = with_validities(&program(seed), seed);
        let mut engine = Engine::new();
        if let Err(e) = engine.load_source("random.rules", &text) {
            panic!("generated program does not check: {e:?}\n{text}");
        }
        let expected = oracle(&engine);
        let mut split = engine.clone();
        prop_assert_eq!(&swept(&mut engine, config(1)), &expected, "program:\n{}", text);
        prop_assert_eq!(&swept(&mut split, config(2)), &expected, "two jobs, program:\n{}", text);

        // A query over time: each answer holds when its fact does.
        let unary = engine.predicates().into_iter().filter(|p| p.arity == 1);
        for p in unary {
            let (answers, _) = engine.timeline_with(&format!("{}(X)", p.name), &config(1)).expect("answers");
            let got: BTreeSet<(Vec<Value>, Validity)> = answers
                .rows
                .iter()
                .enumerate()
                .map(|(i, row)| (row.clone(), answers.validity(i).unwrap()))
                .collect();
            let wanted: BTreeSet<(Vec<Value>, Validity)> = expected
                .iter()
                .filter(|((name, _), _)| *name == p.name)
                .map(|((_, row), v)| (row.clone(), v.clone()))
                .collect();
            prop_assert_eq!(got, wanted, "answers of {}(X), program:\n{}", p.name, text);
            // Asked of the kept timeline, a goal of one atom is answered
            // from its facts, without a sweep: the same answers.
            // (A program that says nothing of time answers from its model,
            // every answer holding always.)
            let (quick, _) = engine.query(&format!("{}(X)", p.name)).expect("answers");
            prop_assert_eq!(timed(&quick), timed(&answers), "{}(X) from the timeline, program:\n{}", p.name, text);
            let (any, _) = engine.query(&format!("{}(_)", p.name)).expect("answers");
            let (swept_any, _) = engine.timeline(&format!("{}(_)", p.name)).expect("answers");
            prop_assert_eq!(timed(&any), timed(&swept_any), "{}(_) from the timeline, program:\n{}", p.name, text);

            // Each boundary names given facts that start or end right there.
            let (answers, boundaries, _) = engine
                .timeline_explained_with(&format!("{}(X)", p.name), &config(1))
                .expect("answers");
            for (i, per_interval) in boundaries.iter().enumerate() {
                let validity = answers.validity(i).unwrap();
                for (interval, b) in validity.intervals().iter().zip(per_interval) {
                    for (bound, causes, opening) in [
                        (interval.from, &b.opened_by, true),
                        (interval.to, &b.closed_by, false),
                    ] {
                        if bound == NEVER_BEFORE || bound == NEVER_AFTER {
                            prop_assert!(causes.is_empty());
                            continue;
                        }
                        prop_assert!(!causes.is_empty(), "no cause at {} for {}(X), program:\n{}", bound, p.name, text);
                        for cause in causes {
                            let key = (cause.fact.predicate.clone(), cause.fact.args.clone());
                            let v = expected.get(&key).cloned().unwrap_or_default();
                            // Where the boundary is, the cause changes.
                            let (before, after) = if opening { (bound - 1, bound) } else { (bound, bound + 1) };
                            prop_assert_eq!(v.contains(after), cause.starts, "{:?} at {}, program:\n{}", cause, bound, text);
                            prop_assert_eq!(v.contains(before), !cause.starts, "{:?} at {}, program:\n{}", cause, bound, text);
                        }
                    }
                }
            }
        }

        // An explanation over time is a proof at a time point the fact
        // holds, every step of it true in the oracle's model then (from
        // the kept timeline's model when that point is in the last
        // elementary interval, else from a snapshot).
        // (The oracle's model at each point, computed once.)
        let mut models: BTreeMap<Time, naive::Model> = BTreeMap::new();
        // The rows of `big` are given facts, proved alike: a few of them
        // are asked.
        let asked = expected
            .iter()
            .filter(|(_, v)| !v.is_never())
            .filter(|((name, _), _)| name != "big");
        let sample = expected.iter().filter(|((name, _), _)| name == "big").take(10);
        for ((name, row), validity) in asked.chain(sample) {
            let fact = Fact { predicate: name.clone(), args: row.clone() };
            let (explanation, _) = engine.explain(&fact.to_string()).expect("explains");
            let Explanation::Holds(proof) = explanation else {
                panic!("{fact} holds at some time but is not proved, program:\n{text}");
            };
            // A program that says nothing of time explains in its model,
            // which holds at every time.
            let t = match proof.at {
                Some(t) => t,
                None if !engine.is_temporal() => 0,
                None => panic!("{fact} proved at no time point, program:\n{text}"),
            };
            prop_assert!(validity.contains(t), "{} proved at {}, program:\n{}", fact, t, text);
            let model = models.entry(t).or_insert_with(|| {
                naive::evaluate_at(engine.program(), engine.strata(), t).expect("oracle")
            });
            let verifier = Verifier { program: engine.program(), model };
            if let Err(why) = verifier.check(&proof, &mut Vec::new()) {
                panic!("{why}\nproof at {t}: {proof:#?}\nprogram:\n{text}");
            }
            // The model taken to the point is taken back exactly: the
            // same question gets the same proof.
            let (again, _) = engine.explain(&fact.to_string()).expect("explains");
            prop_assert_eq!(&again, &Explanation::Holds(proof), "program:\n{}", text);
        }
        // And the timeline is as it was.
        let kept = kept_timeline(&engine);
        prop_assert_eq!(&kept, &expected, "after explanations, program:\n{}", text);

        // A question at a time point of the engine that keeps the
        // timeline is asked of its model taken there: the oracle's model
        // then, and the timeline as it was after.
        for t in [-1, 0, LAST / 2, LAST + 1] {
            let at = Config { at: Some(t), ..config(1) };
            for p in engine.predicates() {
                let vars: Vec<String> = (0..p.arity).map(|i| format!("X{i}")).collect();
                let goal = if vars.is_empty() { p.name.clone() } else { format!("{}({})", p.name, vars.join(", ")) };
                let (answers, _) = engine.query_with(&goal, &at).expect("answers");
                let got: BTreeSet<Vec<Value>> = answers.rows.iter().cloned().collect();
                let wanted: BTreeSet<Vec<Value>> = expected
                    .iter()
                    .filter(|((name, _), v)| *name == p.name && v.contains(t))
                    .map(|((_, row), _)| row.clone())
                    .collect();
                if vars.is_empty() {
                    prop_assert_eq!(!got.is_empty(), !wanted.is_empty(), "{} at {}, program:\n{}", goal, t, text);
                } else {
                    prop_assert_eq!(got, wanted, "{} at {}, program:\n{}", goal, t, text);
                }
            }
        }
        let kept = kept_timeline(&engine);
        prop_assert_eq!(&kept, &expected, "after questions at time points, program:\n{}", text);

        // A snapshot at each time point is the oracle's model then.
        for t in [-1, 0, LAST / 2, LAST + 1] {
            let mut at = engine.clone();
            at.run_with(&Config { at: Some(t), ..config(1) }).expect("evaluation succeeds");
            let mut got = BTreeSet::new();
            at.for_each_timed_fact(false, |name, row, _| {
                got.insert((name.to_string(), row.to_vec()));
                Ok::<(), ()>(())
            }).expect("no error");
            let wanted: BTreeSet<(String, Vec<Value>)> = expected
                .iter()
                .filter(|(_, v)| v.contains(t))
                .map(|(k, _)| k.clone())
                .collect();
            prop_assert_eq!(got, wanted, "at {}, program:\n{}", t, text);
        }
    }
}
