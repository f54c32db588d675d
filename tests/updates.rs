//! Adding and retracting through the library, as an embedder does it:
//! facts from Rust values, change sets as data, diagnostics for
//! retractions that name nothing given, what-if without side effects, and
//! changes that fail leaving the engine as it was.

use entente::{Change, Config, Engine, Explanation, Fact, Value};

const KB: &str = "
treaty(armenia, russia). treaty(azerbaijan, turkey).
supports(X, Y) if treaty(X, Y).
supports(Y, X) if supports(X, Y).
isolated(S) if state(S), not supports(S, _).
state(armenia). state(azerbaijan). state(georgia).
";

fn engine() -> Engine {
    let mut engine = Engine::new();
    engine.load_source("kb.rules", KB).expect("valid program");
    engine.run().expect("evaluates");
    engine
}

/// The answers to `goal`, the program evaluated first if a change that
/// failed left it unevaluated.
fn answers(engine: &mut Engine, goal: &str) -> Vec<Vec<Value>> {
    engine.run().expect("evaluates");
    engine.query(goal).expect("answers").0.rows
}

fn strings(facts: impl Iterator<Item = Fact>) -> Vec<String> {
    facts.map(|f| f.to_string()).collect()
}

#[test]
fn facts_from_rust_values_change_the_model_and_say_what_changed() {
    let mut engine = engine();
    let update = engine
        .add_facts(&[Fact::new("treaty", ["georgia", "turkey"]).unwrap()])
        .expect("a valid fact");
    assert_eq!(
        strings(update.changes.appeared()),
        ["supports(georgia, turkey)", "supports(turkey, georgia)"]
    );
    assert_eq!(strings(update.changes.disappeared()), ["isolated(georgia)"]);
    assert_eq!(update.changes.to_string().lines().count(), 3);
    let update = engine
        .retract_facts(&[Fact::new("treaty", ["armenia", "russia"]).unwrap()])
        .expect("a given fact");
    assert_eq!(
        strings(update.changes.disappeared()),
        ["supports(armenia, russia)", "supports(russia, armenia)"]
    );
    assert_eq!(strings(update.changes.appeared()), ["isolated(armenia)"]);
    assert!(answers(&mut engine, "supports(russia, X)").is_empty());
}

#[test]
fn rules_can_be_added_and_retracted() {
    let mut engine = engine();
    let update = engine
        .add_source("more.rules", "allied(X) if supports(X, _).")
        .unwrap();
    assert_eq!(update.changes.appeared().count(), 4);
    let update = engine
        .retract_source("<retract>", "supports(Y, X) if supports(X, Y).")
        .unwrap();
    assert_eq!(
        strings(update.changes.disappeared()),
        [
            "allied(russia)",
            "allied(turkey)",
            "supports(russia, armenia)",
            "supports(turkey, azerbaijan)"
        ]
    );
}

#[test]
fn retracting_what_is_not_given_is_a_diagnostic_and_changes_nothing() {
    let mut engine = engine();
    let before = answers(&mut engine, "supports(X, Y)");
    for (text, derived) in [
        ("supports(russia, armenia).", true),
        ("treaty(iran, armenia).", false),
    ] {
        let err = engine.retract_source("<retract>", text).unwrap_err();
        let problem = &err.problems()[0];
        assert_eq!(problem.code_str(), "entente::retract");
        let shown = entente::render(problem, false);
        assert_eq!(shown.contains("(it is derived)"), derived, "{shown}");
        assert!(shown.contains("<retract>:1:1"), "{shown}");
    }
    // One good retraction and one bad: neither happens.
    let err = engine
        .retract_source(
            "<retract>",
            "treaty(armenia, russia). no_such(rule) if x(1).",
        )
        .unwrap_err();
    assert_eq!(err.problems().len(), 1);
    assert_eq!(answers(&mut engine, "supports(X, Y)"), before);
}

#[test]
fn a_change_whose_evaluation_fails_leaves_the_engine_as_it_was() {
    let mut engine = Engine::new();
    engine
        .load_source(
            "n.rules",
            "n(1). m(Y) if n(X), Y = 100 / X. big(X) if n(X), X > 5.",
        )
        .unwrap();
    engine.run().unwrap();
    let program = engine.program_text();
    let err = engine.add_source("zero.rules", "n(0).").unwrap_err();
    assert_eq!(err.problems()[0].code_str(), "entente::arithmetic");
    assert_eq!(engine.program_text(), program);
    assert_eq!(answers(&mut engine, "m(Y)"), [vec![Value::Int(100)]]);
    // Past the fact limit the same holds.
    let limit = Config::with_max_facts(2);
    engine.run_with(&limit).unwrap();
    let err = engine
        .add_source_with("many.rules", "n(6). n(7). n(8).", &limit)
        .unwrap_err();
    assert_eq!(err.problems()[0].code_str(), "entente::fact_limit");
    assert_eq!(engine.program_text(), program);
    assert!(answers(&mut engine, "big(X)").is_empty());
}

#[test]
fn what_if_answers_without_changing_the_engine() {
    let mut engine = engine();
    let answer = engine
        .what_if(
            &[
                Change::Retract("treaty(azerbaijan, turkey).".into()),
                Change::Add("treaty(georgia, azerbaijan).".into()),
            ],
            true,
        )
        .unwrap();
    assert_eq!(
        strings(answer.changes.appeared()),
        [
            "supports(azerbaijan, georgia)",
            "supports(georgia, azerbaijan)"
        ]
    );
    assert_eq!(
        strings(answer.changes.disappeared()),
        [
            "isolated(georgia)",
            "supports(azerbaijan, turkey)",
            "supports(turkey, azerbaijan)"
        ]
    );
    assert_eq!(answer.gained.len(), 2);
    assert_eq!(answer.lost.len(), 3);
    let json = answer.to_json(true);
    assert!(
        json.starts_with("{\"changes\": [{\"predicate\": \"isolated\", \"appeared\": [], \"disappeared\": [\"isolated(georgia)\"]}"),
        "{json}"
    );
    assert!(
        json.contains("\"lost\": [{\"fact\": \"isolated(georgia)\""),
        "{json}"
    );
    assert!(answer.lost[0]
        .to_json()
        .starts_with("{\"holds\": true, \"fact\": \"isolated(georgia)\""));
    assert_eq!(answer.lost[0].fact.to_string(), "isolated(georgia)");
    assert_eq!(answers(&mut engine, "treaty(azerbaijan, turkey)").len(), 1);
    assert_eq!(answers(&mut engine, "isolated(georgia)").len(), 1);
}

#[test]
fn explanations_follow_the_model_after_changes() {
    let mut engine = engine();
    engine
        .retract_source("<retract>", "treaty(azerbaijan, turkey).")
        .unwrap();
    engine
        .add_source("again.rules", "treaty(turkey, azerbaijan).")
        .unwrap();
    let (explanation, _) = engine.explain("supports(azerbaijan, turkey)").unwrap();
    let Explanation::Holds(proof) = explanation else {
        panic!("supports(azerbaijan, turkey) holds again");
    };
    let entente::Justification::Derived(step) = &proof.justification else {
        panic!("it is derived");
    };
    assert_eq!(
        step.premises[0].fact.to_string(),
        "supports(turkey, azerbaijan)"
    );
    let (explanation, _) = engine.explain("isolated(azerbaijan)").unwrap();
    assert!(matches!(explanation, Explanation::DoesNotHold(_)));
}

#[test]
fn many_updates_keep_answers_and_proofs_right_as_deleted_rows_are_compacted() {
    let mut engine = Engine::new();
    let nodes: String = (0..2000).map(|i| format!("node({i}).\n")).collect();
    engine
        .load_source(
            "hub.rules",
            &format!(
                "{nodes}hub(on).\nlit(X) if hub(on), node(X).\ndark(X) if node(X), not lit(X).\n"
            ),
        )
        .unwrap();
    engine.run().unwrap();
    for round in 0..6 {
        let update = engine.retract_source("<retract>", "hub(on).").unwrap();
        assert_eq!(update.changes.appeared().count(), 2000, "round {round}");
        assert_eq!(update.changes.disappeared().count(), 2000);
        let update = engine.add_source("again", "hub(on).").unwrap();
        assert_eq!(update.changes.appeared().count(), 2000);
    }
    assert_eq!(answers(&mut engine, "lit(X)").len(), 2000);
    assert!(answers(&mut engine, "dark(X)").is_empty());
    let (explanation, _) = engine.explain("lit(1999)").unwrap();
    let Explanation::Holds(proof) = explanation else {
        panic!("lit(1999) holds");
    };
    let entente::Justification::Derived(step) = &proof.justification else {
        panic!("it is derived");
    };
    assert_eq!(step.premises.len(), 2);
    let db = engine.model().unwrap();
    let lit = db.pred("lit").unwrap();
    assert!(
        db.rows_kept(lit) < 3 * 2000,
        "deleted rows are compacted away"
    );
}

const RUNAWAY: &str = "n(0). n(Y) if n(X), Y = X + 1. state(armenia).";

#[test]
fn every_budget_stops_a_runaway_program_and_the_engine_goes_on() {
    let cancel = entente::CancelToken::new();
    let budgets = [
        ("entente::fact_limit", Config::with_max_facts(50_000)),
        (
            "entente::time_limit",
            Config {
                timeout: Some(std::time::Duration::from_millis(200)),
                ..Config::with_max_facts(u64::MAX)
            },
        ),
    ];
    for (code, config) in budgets {
        let mut engine = Engine::new();
        engine.load_source("runaway.rules", RUNAWAY).unwrap();
        let started = std::time::Instant::now();
        let err = engine.run_with(&config).unwrap_err();
        assert_eq!(err.problems()[0].code_str(), code);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        assert!(engine.model().is_none(), "no model is kept after {code}");
        // The engine answers what does not need the runaway rule.
        engine
            .retract_source("<retract>", "n(Y) if n(X), Y = X + 1.")
            .unwrap();
        assert_eq!(answers(&mut engine, "state(S)").len(), 1);
    }
    // Cancelled from another thread.
    let mut engine = Engine::new();
    engine.load_source("runaway.rules", RUNAWAY).unwrap();
    let remote = cancel.clone();
    let canceller = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(100));
        remote.cancel();
    });
    let config = Config {
        cancel: Some(cancel.clone()),
        ..Config::with_max_facts(u64::MAX)
    };
    let err = engine.run_with(&config).unwrap_err();
    canceller.join().unwrap();
    assert_eq!(err.problems()[0].code_str(), "entente::interrupted");
    // The cancellation stopped that run only: the same token serves on.
    engine.set_config(config);
    engine
        .retract_source("<retract>", "n(Y) if n(X), Y = X + 1.")
        .unwrap();
    assert_eq!(answers(&mut engine, "n(X)"), [vec![Value::Int(0)]]);
}

#[test]
fn the_engine_and_its_results_are_send_and_sync() {
    fn shareable<T: Send + Sync>(_: &T) {}
    let engine = engine();
    let (answers, _) = engine.query("supports(X, Y)").unwrap();
    let (explanation, _) = engine.explain("supports(armenia, russia)").unwrap();
    shareable(&answers);
    shareable(&explanation);
    shareable(&engine);
    let handle = std::thread::spawn(move || {
        let (found, _) = engine.query("supports(russia, X)").unwrap();
        found.rows.len()
    });
    assert_eq!(handle.join().unwrap(), 1);
}

#[test]
fn a_retraction_with_a_validity_takes_only_the_rows_and_statements_that_say_it() {
    let dir = std::env::temp_dir().join(format!("entente-retract-time-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(
        dir.join("pacts.csv"),
        "a,b,start,end\ngeorgia,turkey,1996,2009\ngeorgia,turkey,2012,0\narmenia,russia,1997,0\n",
    )
    .expect("written");
    let rules = dir.join("pacts.rules");
    std::fs::write(
        &rules,
        "import pact(a, b) from \"pacts.csv\" valid from start to end open 0.\n\
         pact(azerbaijan, turkey) since 2010.\n\
         partner(X, Y) if pact(X, Y).\n",
    )
    .expect("written");
    let mut engine = Engine::new();
    engine.load_files(&[&rules]).expect("loads");
    engine.run().expect("evaluates");
    let when = |engine: &mut Engine, goal: &str| {
        let (answers, _) = engine.query(goal).expect("answers");
        (0..answers.rows.len())
            .map(|i| answers.validity(i).unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        when(&mut engine, "partner(georgia, turkey)"),
        ["from 1996 to 2009, since 2012"]
    );
    engine
        .retract_source("<r>", "pact(georgia, turkey) since 2012.")
        .expect("the row since 2012 is given");
    assert_eq!(
        when(&mut engine, "partner(georgia, turkey)"),
        ["from 1996 to 2009"]
    );
    // The rows after the one taken out keep their own validity.
    assert_eq!(
        when(&mut engine, "partner(armenia, russia)"),
        ["since 1997"]
    );
    let wrong = engine.retract_source("<r>", "pact(azerbaijan, turkey) in 2010.");
    assert!(wrong.is_err_and(|e| e.problems()[0].code_str() == "entente::retract"));
    engine
        .retract_source("<r>", "pact(georgia, turkey).")
        .expect("every statement of the fact");
    assert!(when(&mut engine, "partner(georgia, turkey)").is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Arithmetic runs only on bindings that the body's atoms accept, so an
/// update that starts a rule from a changed negated atom (whose values
/// the positive atom would refuse) fails no more than evaluation does.
#[test]
fn an_update_through_negation_runs_no_arithmetic_the_atoms_refuse() {
    let mut engine = Engine::new();
    engine
        .load_source(
            "kb.rules",
            "troops(armenia, 3). troops(georgia, 2).\n\
             doubled(S, D) if troops(S, N), not withdrawn(N), D = N * 2.\n\
             withdrawn(2).",
        )
        .expect("valid program");
    engine.run().expect("evaluates");
    let update = engine
        .add_source("<add>", "withdrawn(\"all of them\"). withdrawn(3).")
        .expect("the update evaluates as a fresh run would");
    assert_eq!(
        strings(update.changes.disappeared()),
        ["doubled(armenia, 6)"]
    );
    let mut fresh = Engine::new();
    fresh
        .load_source("all.rules", &engine.program_text())
        .expect("valid program");
    fresh.run().expect("evaluates");
    assert_eq!(
        answers(&mut engine, "doubled(S, D)"),
        fresh.query("doubled(S, D)").expect("answers").0.rows
    );
}
