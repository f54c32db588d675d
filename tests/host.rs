//! The library as a long-running host uses it (SPEC §9), through the
//! public API only: questions that leave nothing behind, many reader
//! threads, changes that keep to their budgets or fail whole, errors
//! matched by kind with their places, values as Rust types, and budgets
//! that stop one large join.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use entente::{
    Arg, CancelToken, Change, Config, Engine, ErrorKind, Explanation, Fact, Limit, Pattern, Value,
};

const KB: &str = "treaty(armenia, russia, 1997).\n\
                  treaty(azerbaijan, turkey, 2010).\n\
                  ally(X, Y) if treaty(X, Y, _).\n\
                  ally(Y, X) if ally(X, Y).\n";

fn evaluated(text: &str) -> Engine {
    let mut engine = Engine::new();
    engine.load_source("kb.rules", text).expect("loads");
    engine.run().expect("evaluates");
    engine
}

/// `e(0, 1). e(1, 2). ...`: `n` facts.
fn chain(n: usize) -> String {
    (0..n).map(|i| format!("e({i}, {}).\n", i + 1)).collect()
}

#[test]
fn questions_leave_nothing_behind() {
    let engine = evaluated(&chain(1_000));
    let end = engine.sources().end();
    let symbols = engine.symbols().len();
    for i in 0..2_000 {
        let (answers, _) = engine.query(&format!("e({i}, Y)")).unwrap();
        assert_eq!(answers.holds(), i < 1_000);
        engine.explain(&format!("e({i}, {})", i + 1)).unwrap();
        engine.query(&format!("e(X, \"new{i}\")")).unwrap();
        // A goal with an error is a question too.
        assert!(engine.query(&format!("e({i})")).is_err());
    }
    assert_eq!(engine.sources().end(), end, "no goal text is kept");
    assert_eq!(engine.symbols().len(), symbols, "no goal constant is kept");
}

#[test]
fn many_threads_read_one_engine() {
    let engine = Arc::new(evaluated(&format!("{KB}{}", chain(500))));
    let (alone, _) = engine.query("ally(X, Y)").unwrap();
    let (proof, _) = engine.explain("ally(russia, armenia)").unwrap();
    let readers: Vec<_> = (0..4)
        .map(|t| {
            let engine = Arc::clone(&engine);
            std::thread::spawn(move || {
                let mut seen = Vec::new();
                for i in 0..200 {
                    let (answers, _) = engine.query("ally(X, Y)").unwrap();
                    let (chain, _) = engine
                        .query(&format!("e({}, Y)", (i * 7 + t) % 500))
                        .unwrap();
                    assert_eq!(chain.rows.len(), 1);
                    let (explanation, _) = engine.explain("ally(russia, armenia)").unwrap();
                    let (why_not, _) = engine.explain("ally(russia, iran)").unwrap();
                    assert!(matches!(why_not, Explanation::DoesNotHold(_)));
                    seen.push((answers, explanation));
                }
                seen
            })
        })
        .collect();
    for reader in readers {
        for (answers, explanation) in reader.join().unwrap() {
            assert_eq!(answers, alone);
            assert_eq!(explanation, proof);
        }
    }
}

#[test]
fn a_writer_and_readers_share_an_engine_behind_a_lock() {
    let engine = Arc::new(RwLock::new(evaluated(KB)));
    let writer = {
        let engine = Arc::clone(&engine);
        std::thread::spawn(move || {
            for year in 0..50 {
                let fact = Fact::new("treaty", ("georgia", "turkey", 2000 + year)).unwrap();
                let update = engine.write().unwrap().add_facts(&[fact]).unwrap();
                assert!(!update.stale);
            }
        })
    };
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let engine = Arc::clone(&engine);
            std::thread::spawn(move || {
                for _ in 0..100 {
                    let (answers, _) = engine.read().unwrap().query("ally(X, Y)").unwrap();
                    // Before the first fact about Georgia or after it.
                    assert!(answers.rows.len() == 4 || answers.rows.len() == 6);
                }
            })
        })
        .collect();
    writer.join().unwrap();
    for reader in readers {
        reader.join().unwrap();
    }
    let (answers, _) = engine
        .read()
        .unwrap()
        .query("treaty(georgia, _, Y)")
        .unwrap();
    assert_eq!(answers.rows.len(), 50);
}

#[test]
fn nothing_evaluates_behind_the_callers_back() {
    let mut engine = Engine::new();
    let update = engine.load_source("kb.rules", KB).unwrap();
    assert!(update.stale && !engine.is_current());
    let update = engine
        .add_source("more.rules", "treaty(georgia, turkey, 1996).")
        .unwrap();
    assert!(
        update.stale && !engine.is_current(),
        "a change does not evaluate"
    );
    let err = engine.query("ally(X, Y)").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotEvaluated);
    engine.run().unwrap();
    let update = engine
        .add_source("more.rules", "treaty(iran, armenia, 2000).")
        .unwrap();
    assert!(!update.stale);
    assert_eq!(update.changes.appeared().count(), 2);
}

#[test]
fn a_change_past_its_budget_fails_whole() {
    let mut engine = Engine::with_config(Config::with_max_facts(100));
    engine
        .load_source("n.rules", "n(0). m(X) if n(X).")
        .unwrap();
    engine.run().unwrap();
    let program = engine.program_text();
    let err = engine
        .add_source("runaway.rules", "n(Y) if n(X), X < 1000, Y = X + 1.")
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit(Limit::Facts));
    assert_eq!(engine.program_text(), program, "the change is not kept");
    // Maintenance had changed the model in place before it stopped: its
    // journal took it back, so the engine answers as before, with no run.
    assert!(engine.is_current());
    assert_eq!(engine.query("m(X)").unwrap().0.rows, [vec![Value::Int(0)]]);
    assert_eq!(engine.query("n(X)").unwrap().0.rows, [vec![Value::Int(0)]]);
    // A budget for this change alone lets it through.
    let roomy = Config::with_max_facts(10_000);
    let update = engine
        .add_source_with(
            "runaway.rules",
            "n(Y) if n(X), X < 1000, Y = X + 1.",
            &roomy,
        )
        .unwrap();
    assert_eq!(update.changes.appeared().count(), 2 * 1000);
}

#[test]
fn one_large_join_stops_within_its_budget() {
    let facts: String = (0..3_000).map(|i| format!("m({i}).\n")).collect();
    let engine = evaluated(&facts);
    let goal = "m(X), m(Y), m(Z), X + Y + Z = 1";
    let short = Config {
        timeout: Some(Duration::from_millis(200)),
        ..Config::default()
    };
    let err = engine.query_with(goal, &short).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit(Limit::Time));
    // Cancelled from another thread.
    let cancel = CancelToken::new();
    let stop = cancel.clone();
    let canceller = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        stop.cancel();
    });
    let cancellable = Config {
        cancel: Some(cancel.clone()),
        ..Config::default()
    };
    let err = engine.query_with(goal, &cancellable).unwrap_err();
    canceller.join().unwrap();
    assert_eq!(err.kind(), ErrorKind::Interrupted);
    // The cancellation stopped that question only.
    let (answers, _) = engine.query_with("m(X), X < 2", &cancellable).unwrap();
    assert_eq!(answers.rows.len(), 2);
    // Cancelled for good before a question begins: it stops, as do the
    // questions after it.
    let job = CancelToken::new();
    job.cancel_for_good();
    let stopped = Config {
        cancel: Some(job),
        ..Config::default()
    };
    for _ in 0..2 {
        let err = engine.query_with(goal, &stopped).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Interrupted);
    }
}

#[test]
fn errors_have_kinds_and_places_in_the_text_given() {
    let mut engine = evaluated(KB);
    let cases: [(&str, ErrorKind, usize); 5] = [
        ("   ally(X)", ErrorKind::Arity, 4),
        ("ally(X, Y", ErrorKind::Parse, 10),
        ("ally(X, Y), not ally(Y, Z)", ErrorKind::Check, 25),
        ("ally(X, Y). ally(Y, X)", ErrorKind::Parse, 13),
        ("? ally(X, Y), X = Y + 1.", ErrorKind::Arithmetic, 19),
    ];
    for (goal, kind, column) in cases {
        let err = engine.query(goal).unwrap_err();
        assert_eq!(err.kind(), kind, "{goal}");
        let at = err.location().expect("a place");
        assert_eq!(
            (at.file.as_str(), at.line, at.column),
            ("<goal>", 1, column),
            "{goal}"
        );
        assert!(
            goal.get(at.range.clone()).is_some(),
            "{goal}: {:?}",
            at.range
        );
    }
    // More than one goal is an error, not a dropped second goal.
    let err = engine.query("ally(X, Y). treaty(A, B, C).").unwrap_err();
    assert_eq!(err.to_string(), "expected one goal");
    let err = engine
        .load_source("bad.rules", "p(1).\nq(X) if p(X), r(X, Y.")
        .unwrap_err();
    let at = err.location().unwrap();
    assert_eq!((at.file.as_str(), at.line), ("bad.rules", 2));
    let err = engine.load_files(&["no/such/file.rules"]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io);
    let err = engine
        .load_source("import.rules", "import p from \"no/such.csv\".")
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Import);
    let err = engine
        .retract_source("<retract>", "ally(armenia, russia).")
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Retract);
    // Messages name the library's settings, not the command line's flags.
    let mut runaway = Engine::with_config(Config::with_max_facts(10));
    runaway
        .load_source("n.rules", "n(0). n(Y) if n(X), Y = X + 1.")
        .unwrap();
    let err = runaway.run().unwrap_err();
    let help = err.problems()[0].help_text().unwrap();
    assert!(
        help.contains("Config::max_facts") && !help.contains("--"),
        "{help}"
    );
}

#[test]
fn values_go_in_and_out_as_rust_types() {
    // Names the language cannot write are errors that say why.
    let err = Pattern::new("ally", [Arg::var("who")]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Value);
    assert_eq!(err.to_string(), "`who` is not a variable name");
    let err = Fact::new("Supports", ["a"]).unwrap_err();
    assert_eq!(err.to_string(), "`Supports` is not a predicate name");
    assert!(
        Pattern::new("if", [Arg::Any]).is_err(),
        "a keyword is no predicate"
    );
    // Conversions: fallible where a Rust value has no constant.
    assert_eq!(Value::try_from(7u64).unwrap(), Value::Int(7));
    assert_eq!(Value::try_from(7usize).unwrap(), Value::Int(7));
    assert_eq!(
        Value::try_from(u64::MAX).unwrap_err().kind(),
        ErrorKind::Value
    );
    assert_eq!(
        Value::try_from(f64::NAN).unwrap_err().kind(),
        ErrorKind::Value
    );
    assert_eq!(Value::try_from(2.5).unwrap(), Value::Dec(2.5));
    assert_eq!(Value::from(true), Value::from("true"));
    let owned = String::from("armenia");
    assert_eq!(Value::from(&owned), Value::from("armenia"));
    assert_eq!(
        Fact::new("p", [u64::MAX]).unwrap_err().kind(),
        ErrorKind::Value
    );
    // A fact built directly, past `Fact::new`, is checked when added.
    let mut engine = evaluated(KB);
    let raw = Fact {
        predicate: "Bad".into(),
        args: vec![],
    };
    assert_eq!(
        engine.add_facts(&[raw]).unwrap_err().kind(),
        ErrorKind::Value
    );
    // Facts of mixed types, and typed answers.
    let update = engine
        .add_facts(&[Fact::new("treaty", ("georgia", "turkey", 1996u32)).unwrap()])
        .unwrap();
    assert_eq!(update.changes.appeared().count(), 2);
    let (answers, _) = engine
        .query_pattern(
            &Pattern::new("treaty", [Arg::var("A"), Arg::Any, Arg::var("Year")]).unwrap(),
        )
        .unwrap();
    let years: Vec<i64> = answers.iter().map(|a| a.get("Year").unwrap()).collect();
    assert_eq!(years, [1997, 2010, 1996]);
    let first = answers.iter().next().unwrap();
    assert_eq!(first.get::<String>("A").unwrap(), "armenia");
    assert_eq!(first.get::<i64>("A").unwrap_err().kind(), ErrorKind::Value);
    assert_eq!(
        first.get::<i64>("Nobody").unwrap_err().kind(),
        ErrorKind::Value
    );
    // A validity that is always says so; no answer has none.
    assert_eq!(answers.validity(0).unwrap().to_string(), "always");
    assert_eq!(answers.validity(3), None);
}

#[test]
fn what_if_leaves_the_engine_as_it_was() {
    let mut engine = evaluated(KB);
    let before = engine.program_text();
    let (answers, _) = engine.query("ally(X, Y)").unwrap();
    let what_if = engine
        .what_if(
            &[
                Change::Retract("treaty(armenia, russia, 1997).".into()),
                Change::Add("treaty(georgia, turkey, 1996).".into()),
            ],
            true,
        )
        .unwrap();
    assert_eq!(what_if.changes.appeared().count(), 2);
    assert_eq!(what_if.changes.disappeared().count(), 2);
    assert_eq!(what_if.gained.len(), 2);
    assert_eq!(what_if.lost.len(), 2);
    assert_eq!(engine.program_text(), before);
    assert_eq!(engine.query("ally(X, Y)").unwrap().0, answers);
}

#[test]
fn a_lookup_answers_alike_by_scan_and_by_index() {
    // The first question that would build an index scans instead; the
    // next builds it. Both must give the same answers, proofs and
    // why-nots.
    let text = format!(
        "{}link(X, Z) if e(X, Y), e(Y, Z).\nodd(X) if e(X, _), not e(_, X).\n",
        chain(50)
    );
    let engine = evaluated(&text);
    let goals = [
        "e(7, Y)",
        "e(X, 9)",
        "e(X, Y), e(Y, Z), Z = 12",
        "link(3, Z)",
        "e(X, Y), link(Y, 40)",
        "odd(X)",
    ];
    let answers = |engine: &Engine| -> Vec<String> {
        goals
            .iter()
            .map(|g| format!("{:?}", engine.query(g).expect("answers").0.rows))
            .collect()
    };
    let explained = |engine: &Engine| {
        let proof = engine.explain("link(3, 5)").expect("explains");
        let why_not = engine.explain("link(3, 6)").expect("explains");
        format!("{proof:?}\n{why_not:?}")
    };
    let (first, first_proofs) = (answers(&engine), explained(&engine));
    let (second, second_proofs) = (answers(&engine), explained(&engine));
    assert_eq!(first, second);
    assert_eq!(first_proofs, second_proofs);
    assert_eq!(first[0], format!("{:?}", [[Value::Int(8)]]));
    assert!(matches!(
        engine.explain("link(3, 6)").unwrap().0,
        Explanation::DoesNotHold(_)
    ));
}

#[test]
fn explanations_keep_to_the_time_limit() {
    // A why-not of `q(5)` and a proof of `p(5)` each read the 10,000 `m`
    // facts; with no time left they stop at their first look at the
    // clock, and say so instead of giving a cut explanation.
    let facts: String = (0..10_000).map(|i| format!("m({i}).\n")).collect();
    let text = format!("{facts}q(X) if m(X), m(Y), Y > 20000.\np(X) if m(X), m(Y), Y > 9990.\n");
    let engine = evaluated(&text);
    let spent = Config {
        timeout: Some(Duration::ZERO),
        ..Config::default()
    };
    for goal in ["q(5)", "p(5)"] {
        let err = engine.explain_with(goal, &spent).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Limit(Limit::Time), "{goal}");
        let location = err.location().expect("the goal's place");
        assert_eq!(location.range, 0..goal.len(), "{goal}");
    }
    // With time, the same questions are answered.
    let (why_not, _) = engine.explain("q(5)").unwrap();
    assert!(matches!(why_not, Explanation::DoesNotHold(_)));
    let (proof, _) = engine.explain("p(5)").unwrap();
    assert!(matches!(proof, Explanation::Holds(_)));
}

#[test]
fn what_if_over_time_is_made_in_place_and_taken_back() {
    // A program that says when facts hold: the change is made in place
    // (the timeline computed afresh), compared with the one before, and
    // taken back; the same change made for good says the same.
    let kb = "treaty(armenia, russia) since 1997.\n\
              treaty(azerbaijan, turkey) since 2010.\n\
              ally(X, Y) if treaty(X, Y).\n";
    let mut engine = evaluated(kb);
    assert!(engine.has_timeline());
    let before = engine.program_text();
    let (answers, _) = engine.timeline("ally(X, Y)").unwrap();
    let changes = [
        Change::Retract("treaty(armenia, russia) since 1997.".into()),
        Change::Add("treaty(georgia, turkey) from 1996 to 2009.".into()),
    ];
    let what_if = engine.what_if(&changes, true).unwrap();
    assert_eq!(what_if.gained.len(), 1);
    assert_eq!(what_if.lost.len(), 1);
    assert_eq!(what_if.gained[0].at, Some(1996));
    assert_eq!(engine.program_text(), before);
    assert!(engine.has_timeline());
    assert_eq!(engine.timeline("ally(X, Y)").unwrap().0, answers);
    let mut changed = engine.clone();
    changed
        .retract_source("<retract>", "treaty(armenia, russia) since 1997.")
        .unwrap();
    let update = changed
        .add_source("<add>", "treaty(georgia, turkey) from 1996 to 2009.")
        .unwrap();
    let appeared: Vec<_> = what_if.changes.appeared().collect();
    assert_eq!(appeared, update.changes.appeared().collect::<Vec<_>>());
    // At a time point, the two models then.
    let at = Config {
        at: Some(2000),
        ..Config::default()
    };
    let what_if = engine.what_if_with(&changes, false, &at).unwrap();
    assert_eq!(
        what_if.changes.to_string(),
        "+ ally(georgia, turkey).\n- ally(armenia, russia).\n"
    );
    assert_eq!(engine.program_text(), before);
}

/// The most rounds an observer of [`Progress::with_observer`] was told of.
static ROUNDS_SEEN: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

#[test]
fn a_progress_observer_hears_each_round_on_the_run_thread() {
    fn observe(report: entente::ProgressReport) {
        ROUNDS_SEEN.fetch_max(report.round, std::sync::atomic::Ordering::Relaxed);
    }
    let config = Config {
        progress: Some(entente::Progress::with_observer(observe)),
        ..Config::default()
    };
    let mut engine = Engine::with_config(config);
    engine
        .load_source("n.rules", "n(0). n(Y) if n(X), X < 50, Y = X + 1.")
        .unwrap();
    engine.run().unwrap();
    // One round a number, and one that finds nothing new.
    assert_eq!(ROUNDS_SEEN.load(std::sync::atomic::Ordering::Relaxed), 51);
}
