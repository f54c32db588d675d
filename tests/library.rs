//! The library as an embedder uses it: load, run, query, typed answers,
//! errors as diagnostics, and loads that fail leaving nothing behind.

use entente::{Config, Engine, Value};

#[test]
fn load_run_and_query_with_typed_answers() {
    let mut engine = Engine::new();
    let warnings = engine
        .load_source(
            "inline.rules",
            "ally(armenia, russia). ally(Y, X) if ally(X, Y).\nspending(armenia, 700). spending(russia, 60000.5).",
        )
        .expect("valid program");
    assert!(warnings.warnings.is_empty());
    engine.run().unwrap();
    let (answers, _) = engine.query("ally(russia, Who)").unwrap();
    assert_eq!(answers.variables, ["Who"]);
    assert_eq!(answers.rows, [vec![Value::from("armenia")]]);
    let (answers, _) = engine.query("? spending(S, N), N > 1000.").unwrap();
    assert_eq!(
        answers.rows,
        [vec![Value::from("russia"), Value::Dec(60000.5)]]
    );
    let (ground, _) = engine.query("ally(russia, armenia)").unwrap();
    assert_eq!(ground.rows, [Vec::<Value>::new()]);
    let (none, _) = engine.query("ally(iran, X)").unwrap();
    assert!(none.rows.is_empty());
}

#[test]
fn a_failed_load_leaves_the_engine_as_it_was() {
    let mut engine = Engine::new();
    engine
        .load_source("a.rules", "p(1). q(X) if p(X).")
        .unwrap();
    engine.run().unwrap();
    let before = engine.program_text();
    // One good statement and one bad one: neither is kept.
    let err = engine
        .load_source("b.rules", "p(2). r(X) if p(X), not s(Y).")
        .unwrap_err();
    let codes: Vec<String> = err.problems().iter().map(|p| p.code_str()).collect();
    assert!(
        codes.contains(&"entente::unsafe_variable".to_string()),
        "{codes:?}"
    );
    assert_eq!(engine.program_text(), before);
    let (answers, _) = engine.query("q(X)").unwrap();
    assert_eq!(answers.rows, [vec![Value::Int(1)]]);
}

#[test]
fn errors_are_diagnostics_with_codes_and_places() {
    let mut engine = Engine::new();
    let err = engine
        .load_source("bad.rules", "p(X) if q(X\nr(1).")
        .unwrap_err();
    let problem = &err.problems()[0];
    assert_eq!(problem.code_str(), "entente::parse");
    let text = entente::render(problem, false);
    assert!(text.contains("bad.rules:2:1"), "{text}");
    // The top-level error is itself a diagnostic and a std error.
    let as_error: &dyn std::error::Error = &err;
    assert!(!as_error.to_string().is_empty());
    // An error of one problem is that problem: rendered, it shows once.
    let as_diagnostic: &dyn miette::Diagnostic = &err;
    assert_eq!(
        as_diagnostic.code().map(|c| c.to_string()).as_deref(),
        Some("entente::parse")
    );
    let whole = entente::render(&err, false);
    assert_eq!(whole.matches("bad.rules:2:1").count(), 1, "{whole}");
    // Several problems: a count, with each problem as a related diagnostic.
    let err = engine
        .load_source("worse.rules", "p(X) if q(Y).\nr(1, 2). r(1).")
        .unwrap_err();
    assert!(err.problems().len() >= 2);
    let as_diagnostic: &dyn miette::Diagnostic = &err;
    assert_eq!(
        as_diagnostic.related().map(|r| r.count()),
        Some(err.problems().len())
    );
}

#[test]
fn evaluation_errors_come_back_as_diagnostics() {
    let mut engine = Engine::new();
    engine
        .load_source("runaway.rules", "n(0). n(Y) if n(X), Y = X + 1.")
        .unwrap();
    let err = engine.run_with(&Config::with_max_facts(100)).unwrap_err();
    assert_eq!(err.problems()[0].code_str(), "entente::fact_limit");
    let mut engine = Engine::new();
    engine
        .load_source("zero.rules", "n(0). r(R) if n(X), R = 1 / X.")
        .unwrap();
    let err = engine.run().unwrap_err();
    assert_eq!(err.problems()[0].code_str(), "entente::arithmetic");
}

#[test]
fn the_model_follows_the_program() {
    let mut engine = Engine::new();
    engine
        .load_source("a.rules", "edge(1, 2). path(X, Y) if edge(X, Y).")
        .unwrap();
    engine.run().unwrap();
    let path = |engine: &Engine| {
        engine
            .predicates()
            .into_iter()
            .find(|p| p.name == "path")
            .and_then(|p| p.facts)
    };
    assert_eq!(path(&engine), Some(1));
    engine
        .load_source(
            "b.rules",
            "edge(2, 3). path(X, Z) if path(X, Y), edge(Y, Z).",
        )
        .unwrap();
    assert_eq!(
        path(&engine),
        Some(3),
        "the model is maintained, not dropped"
    );
    let mut facts = Vec::new();
    engine
        .for_each_fact(true, |name, args| {
            if name == "path" {
                facts.push(args.to_vec());
            }
            Ok::<(), ()>(())
        })
        .unwrap();
    assert_eq!(
        facts,
        [
            vec![Value::Int(1), Value::Int(2)],
            vec![Value::Int(1), Value::Int(3)],
            vec![Value::Int(2), Value::Int(3)]
        ]
    );
}

#[test]
fn explanations_as_data() {
    use entente::Explanation;
    use entente::{Failure, Justification};
    let mut engine = Engine::new();
    engine
        .load_source(
            "kb.rules",
            "treaty(azerbaijan, turkey).\nrival(armenia, azerbaijan).\nally(X, Y) if treaty(X, Y), not rival(X, Y).\n",
        )
        .unwrap();
    engine.run().unwrap();
    let (explanation, _) = engine.explain("ally(azerbaijan, turkey)").unwrap();
    let Explanation::Holds(proof) = explanation else {
        panic!("ally(azerbaijan, turkey) holds");
    };
    let Justification::Derived(step) = &proof.justification else {
        panic!("it is derived");
    };
    assert_eq!((step.rule.file.as_str(), step.rule.line), ("kb.rules", 3));
    assert_eq!(step.absent, ["rival(azerbaijan, turkey)"]);
    assert!(matches!(&step.premises[0].justification, Justification::Given(s) if s.line == 1));

    let (explanation, _) = engine.explain("ally(turkey, azerbaijan).").unwrap();
    let Explanation::DoesNotHold(why) = explanation else {
        panic!("ally(turkey, azerbaijan) does not hold");
    };
    assert!(
        matches!(&why.attempts[0].failure, Failure::Missing { literal, .. } if literal == "treaty(turkey, azerbaijan)")
    );

    // Not a ground fact: an error, not an explanation.
    assert!(engine.explain("ally(X, turkey)").is_err());
}

#[test]
fn patterns_typed_answers_and_predicates_from_rust_values() {
    use entente::{Arg, Pattern};
    let mut engine = Engine::new();
    engine
        .load_source(
            "kb.rules",
            "treaty(armenia, russia, 1997). treaty(azerbaijan, turkey, 2010).\n\
             ally(X, Y) if treaty(X, Y, _). ally(Y, X) if ally(X, Y).",
        )
        .unwrap();
    let before: Vec<(String, usize, Option<usize>)> = engine
        .predicates()
        .into_iter()
        .map(|p| (p.name, p.arity, p.facts))
        .collect();
    assert_eq!(
        before,
        [("ally".into(), 2, None), ("treaty".into(), 3, None)]
    );
    engine.run().unwrap();
    let pattern = Pattern::new("treaty", [Arg::var("A"), Arg::var("B"), Arg::value(1997)]).unwrap();
    assert_eq!(pattern.to_string(), "treaty(A, B, 1997)");
    let (answers, _) = engine.query_pattern(&pattern).unwrap();
    assert!(answers.holds());
    let pairs: Vec<(&str, &str)> = answers
        .iter()
        .map(|a| (a.get::<&str>("A").unwrap(), a.get::<&str>("B").unwrap()))
        .collect();
    assert_eq!(pairs, [("armenia", "russia")]);
    let counts: Vec<Option<usize>> = engine.predicates().iter().map(|p| p.facts).collect();
    assert_eq!(counts, [Some(4), Some(2)]);
    let (none, _) = engine
        .query_pattern(&Pattern::new("ally", [Arg::value("iran"), Arg::Any]).unwrap())
        .unwrap();
    assert!(!none.holds());
    // An explanation renders as `entente explain` prints it.
    let (explanation, _) = engine.explain("ally(russia, armenia)").unwrap();
    let text = explanation.to_string();
    assert!(
        text.starts_with("ally(russia, armenia)\n  by rule at kb.rules:2"),
        "{text}"
    );
}

#[cfg(feature = "serde")]
#[test]
fn answers_deserialize_into_structs_and_tuples() {
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Spending {
        #[serde(rename = "S")]
        state: String,
        #[serde(rename = "N")]
        amount: f64,
    }
    let mut engine = Engine::new();
    engine
        .load_source(
            "s.rules",
            "spending(armenia, 700). spending(russia, 60000.5).",
        )
        .unwrap();
    engine.run().unwrap();
    let (answers, _) = engine.query("spending(S, N)").unwrap();
    let rows: Vec<Spending> = answers.deserialize().unwrap();
    assert_eq!(
        rows,
        [
            Spending {
                state: "armenia".into(),
                amount: 700.0
            },
            Spending {
                state: "russia".into(),
                amount: 60000.5
            },
        ]
    );
    let tuples: Vec<(String, f64)> = answers.deserialize().unwrap();
    assert_eq!(tuples[0], ("armenia".to_string(), 700.0));
    let wrong: Result<Vec<(i64, i64)>, _> = answers.deserialize();
    assert!(wrong.is_err(), "a state is not a number");
    // Symbols into unit variants, and `true` and `false` into booleans.
    #[derive(serde::Deserialize, Debug, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum Clause {
        MutualDefense,
        MilitaryAid,
    }
    engine
        .add_source(
            "c.rules",
            "clause(mutual_defense, true). clause(military_aid, false).",
        )
        .unwrap();
    let (clauses, _) = engine.query("clause(C, Binding)").unwrap();
    let clauses: Vec<(Clause, bool)> = clauses.deserialize().unwrap();
    assert_eq!(
        clauses,
        [(Clause::MilitaryAid, false), (Clause::MutualDefense, true)]
    );
    let (states, _) = engine.query("spending(S, _)").unwrap();
    let not_clauses: Result<Vec<(Clause,)>, _> = states.deserialize();
    assert!(not_clauses.is_err(), "armenia is no clause");
}

#[test]
fn questions_over_time_and_at_one_time_point() {
    use entente::time::{Interval, Validity, NEVER_AFTER};
    let mut engine = Engine::new();
    engine
        .load_source(
            "pacts.rules",
            "treaty(armenia, russia) since 1997.\n\
             treaty(georgia, turkey) from 1996 to 2009.\n\
             partner(X, Y) if treaty(X, Y).\n\
             alone(S) if state(S), not partner(S, _).\n\
             state(georgia).",
        )
        .unwrap();
    assert!(engine.is_temporal());
    engine.run().unwrap();
    // Over every time: each answer with when it holds.
    let (answers, _) = engine.timeline("partner(X, Y)").unwrap();
    assert_eq!(answers.rows.len(), 2);
    assert_eq!(
        answers.validity(0).unwrap(),
        [Interval {
            from: 1997,
            to: NEVER_AFTER
        }]
        .into_iter()
        .collect::<Validity>()
    );
    assert_eq!(
        answers.validity(1).unwrap().to_string(),
        "from 1996 to 2009"
    );
    // Negation per time point.
    let (alone, _) = engine.query("alone(georgia)").unwrap();
    assert_eq!(
        alone.validity(0).unwrap().to_string(),
        "until 1995, since 2010"
    );
    // At one time point: the facts that hold then, no validity.
    let at_2000 = Config {
        at: Some(2000),
        ..Config::default()
    };
    let (answers, _) = engine.query_with("partner(X, Y)", &at_2000).unwrap();
    assert_eq!(answers.rows.len(), 2);
    assert!(answers.validities.is_empty());
    let (answers, _) = engine.query_with("alone(S)", &at_2000).unwrap();
    assert!(!answers.holds());
    let (answers, _) = engine.query("alone(S) at 2015").unwrap();
    assert_eq!(answers.rows, [vec![Value::from("georgia")]]);
}

#[test]
fn programs_and_data_read_from_files_in_memory() {
    use entente::MemoryFiles;
    let files = MemoryFiles::new();
    files.insert(
        "kb/main.rules",
        "include \"data/pacts.rules\".\n\
         import member(state, alliance) from \"data/members.csv\".\n\
         allies(X, Y) if member(X, A), member(Y, A), X != Y.",
    );
    files.insert("kb/data/pacts.rules", "pact(nato).");
    files.insert(
        "kb/data/members.csv",
        "state,alliance\nturkey,nato\ngreece,nato\n",
    );
    let mut engine = Engine::new();
    engine.set_files(files.clone());
    engine.load_files(&["kb/main.rules"]).unwrap();
    engine.run().unwrap();
    let (answers, _) = engine.query("allies(turkey, Who)").unwrap();
    let who: Vec<&str> = answers.iter().map(|a| a.get("Who").unwrap()).collect();
    assert_eq!(who, ["greece"]);
    let (explanation, _) = engine.explain("allies(turkey, greece)").unwrap();
    assert!(
        explanation.to_string().contains("kb/data/members.csv:2"),
        "{explanation}"
    );

    // What is not there is an io or import error at its place, and
    // nothing of the load is kept; a cycle is seen through `..`.
    let mut fresh = Engine::new();
    fresh.set_files(files.clone());
    let error = fresh.load_files(&["kb/none.rules"]).unwrap_err();
    assert_eq!(error.kind(), entente::ErrorKind::Io);
    files.insert("kb/loop.rules", "include \"data/../loop.rules\".");
    let error = fresh.load_files(&["kb/loop.rules"]).unwrap_err();
    let text = entente::render(&error, false);
    assert!(
        text.contains("include cycle: kb/loop.rules -> kb/data/../loop.rules"),
        "{text}"
    );
    files.insert("kb/bad.rules", "import p(a) from \"gone.csv\".");
    let error = fresh.load_files(&["kb/bad.rules"]).unwrap_err();
    assert_eq!(error.kind(), entente::ErrorKind::Import);
    assert!(fresh.program_text().is_empty());

    // A buffer edited in memory is what the next load reads.
    files.insert("kb/data/pacts.rules", "pact(csto).");
    let mut again = Engine::new();
    again.set_files(files);
    again.load_files(&["kb/data/pacts.rules"]).unwrap();
    assert_eq!(again.program_text(), "pact(csto).\n");
}

#[test]
fn without_a_clock_nothing_is_timed_and_no_time_limit_is_reached() {
    use entente::Clock;
    use std::time::Duration;
    let config = Config {
        timeout: Some(Duration::ZERO),
        clock: Clock::none(),
        ..Config::default()
    };
    let program = "n(0). n(Y) if n(X), X < 300, Y = X + 1. pair(X, Y) if n(X), n(Y).";
    let mut engine = Engine::with_config(config);
    engine.load_source("n.rules", program).unwrap();
    engine.run().unwrap();
    let stats = engine.stats().unwrap();
    assert!(stats.iter().all(|s| s.time == Duration::ZERO), "{stats:?}");
    assert!(engine.query("pair(300, 300)").unwrap().0.holds());

    // The system's clock, given the same limit, stops the run.
    let config = Config {
        timeout: Some(Duration::ZERO),
        clock: Clock::system(),
        ..Config::default()
    };
    let mut engine = Engine::with_config(config);
    engine.load_source("n.rules", program).unwrap();
    let error = engine.run().unwrap_err();
    assert_eq!(
        error.kind(),
        entente::ErrorKind::Limit(entente::Limit::Time)
    );
}

#[test]
fn a_program_over_time_completes_its_symbols_and_warns_of_facts_outside_the_time_asked() {
    // Over every time the engine keeps a timeline, not one model: its
    // symbols still complete.
    let mut engine = Engine::new();
    engine
        .load_source(
            "t.rules",
            "treaty(georgia, turkey) since 1996.\nstate(armenia).",
        )
        .unwrap();
    engine.run().unwrap();
    let symbols = engine.symbols();
    for s in ["armenia", "georgia", "turkey"] {
        assert!(symbols.iter().any(|x| x == s), "{s} in {symbols:?}");
    }
    // At 1995, a fact added from 1996 on is kept, with a warning.
    let mut engine = Engine::with_config(Config {
        at: Some(1995),
        ..Config::default()
    });
    engine.load_source("t.rules", "state(armenia).").unwrap();
    engine.run().unwrap();
    let update = engine
        .add_source(
            "<repl>",
            "treaty_x(georgia, turkey) from 1996 to 2009.\ntreaty_x(a, b) since 1990.",
        )
        .unwrap();
    assert_eq!(update.warnings.len(), 1, "{:?}", update.warnings);
    let warning = entente::render(&update.warnings[0], false);
    assert!(warning.contains("entente::not_at_time"), "{warning}");
    assert!(
        warning.contains("`treaty_x(georgia, turkey)` does not hold at 1995"),
        "{warning}"
    );
    assert!(warning.contains("it holds from 1996 to 2009"), "{warning}");
    assert_eq!(update.warnings[0].kind(), entente::ErrorKind::Warning);
    // Without a time point, nothing to warn of.
    let mut engine = Engine::new();
    engine.load_source("t.rules", "state(armenia).").unwrap();
    let update = engine
        .add_source("<repl>", "treaty_x(georgia, turkey) from 1996 to 2009.")
        .unwrap();
    assert!(update.warnings.is_empty());
}

#[test]
fn answers_by_time_cut_every_time_point_where_the_answers_change() {
    let mut engine = Engine::new();
    engine
        .load_source(
            "t.rules",
            "treaty(a, b) from 1990 to 1999.\ntreaty(a, c) since 1995.\npacts(N) if N = count : { treaty(X, Y) }.",
        )
        .unwrap();
    engine.run().unwrap();
    let (answers, _) = engine.timeline("pacts(N)").unwrap();
    let stretches: Vec<(String, Vec<i64>)> = (answers.by_time().into_iter())
        .map(|(interval, holding)| {
            let counts = holding
                .iter()
                .map(|&i| answers.iter().nth(i).unwrap().get::<i64>("N").unwrap());
            (interval.to_string(), counts.collect())
        })
        .collect();
    let expected = [
        ("until 1989", vec![0]),
        ("from 1990 to 1994", vec![1]),
        ("from 1995 to 1999", vec![2]),
        ("since 2000", vec![1]),
    ];
    let expected: Vec<(String, Vec<i64>)> = expected
        .into_iter()
        .map(|(s, v)| (s.to_string(), v))
        .collect();
    assert_eq!(stretches, expected);
}

#[test]
fn the_predicate_at_a_place_and_where_a_predicate_is_defined() {
    let text = "ally(X, Y) if treaty(X, Y), not war(X, Y).\nn(C) if C = count : { ally(a, _) }.\n? ally(a, W).\n";
    assert_eq!(
        entente::predicate_at(text, 1),
        Some(("ally".to_string(), 0..4))
    );
    assert_eq!(
        entente::predicate_at(text, 16),
        Some(("treaty".to_string(), 14..20))
    );
    assert_eq!(
        entente::predicate_at(text, 33),
        Some(("war".to_string(), 32..35))
    );
    let inner = text.find("ally(a, _)").unwrap();
    assert_eq!(
        entente::predicate_at(text, inner + 2).map(|p| p.0),
        Some("ally".to_string())
    );
    assert_eq!(entente::predicate_at(text, 5), None, "a variable");
    let mut engine = Engine::new();
    engine
        .load_source("kb.rules", &format!("{text}treaty(a, b).\ntreaty(b, c).\n"))
        .unwrap();
    let lines = |p: &str| -> Vec<(String, usize, usize)> {
        (engine.definitions(p).into_iter())
            .map(|l| (l.file, l.line, l.column))
            .collect()
    };
    assert_eq!(lines("ally"), [("kb.rules".to_string(), 1, 1)]);
    assert_eq!(
        lines("treaty"),
        [
            ("kb.rules".to_string(), 4, 1),
            ("kb.rules".to_string(), 5, 1)
        ]
    );
    assert!(lines("war").is_empty());
}

#[test]
fn variables_references_and_the_places_of_queries() {
    let text = "ally(X, Y) if treaty(X, Y), not war(X, Y).\nn(C) if C = count : { ally(a, _) }.\n? ally(a, W).\n";
    let x = entente::variable_at(text, 5).expect("X");
    assert_eq!(x.name, "X");
    assert_eq!(x.uses, [5..6, 21..22, 36..37]);
    assert_eq!(x.bound_by, ["treaty(X, Y)"]);
    assert!(!x.in_query);
    let c = entente::variable_at(text, text.find("(C)").unwrap() + 1).expect("C");
    assert_eq!(c.bound_by, ["C = count : { ally(a, _) }"]);
    let w = entente::variable_at(text, text.find("W)").unwrap()).expect("W");
    assert!(w.in_query);
    assert_eq!(entente::variable_at(text, 0), None, "a predicate");
    let kinds: Vec<entente::TokenKind> = (entente::tokens_of("? p(X, \"s\"). # c").into_iter())
        .map(|t| t.kind)
        .collect();
    use entente::TokenKind::*;
    assert_eq!(kinds, [Operator, Predicate, Variable, String, Comment]);
    let mut engine = Engine::new();
    engine.load_source("kb.rules", text).unwrap();
    let places: Vec<(usize, usize)> = (engine.references("ally").into_iter())
        .map(|l| (l.line, l.column))
        .collect();
    assert_eq!(places, [(1, 1), (2, 23), (3, 3)]);
    let queries: Vec<usize> = engine.query_places().iter().map(|l| l.line).collect();
    assert_eq!(queries, [3]);
}

#[test]
fn constraints_report_violations_and_refuse_changes_that_cause_them() {
    let mut engine = Engine::new();
    engine
        .load_source(
            "kb.rules",
            "source weitz2012 \"R. Weitz, 2012\".\nfrom weitz2012.\nat_war(armenia, azerbaijan).\n\
             ally(X, Y) if treaty(X, Y).\nnever ally(X, Y) and at_war(X, Y).\n",
        )
        .unwrap();
    engine.run().unwrap();
    assert!(engine.violations().unwrap().is_empty());
    let refused = engine
        .add_source("<entry>", "treaty(armenia, azerbaijan).")
        .unwrap_err();
    assert_eq!(refused.kind(), entente::ErrorKind::Violation);
    assert!(
        !engine.query("treaty(armenia, X)").unwrap().0.holds(),
        "nothing of the change stays"
    );
    let violation = &engine
        .what_if(
            &[entente::Change::Add("treaty(armenia, azerbaijan).".into())],
            false,
        )
        .unwrap()
        .violations[0];
    assert_eq!(violation.instance(), "X = armenia, Y = azerbaijan");
    let at_war = &violation.premises[1];
    match &at_war.justification {
        entente::Justification::Given(source) => {
            assert_eq!(source.from.as_ref().unwrap().name, "weitz2012");
            assert_eq!(source.from.as_ref().unwrap().citation, "R. Weitz, 2012");
        }
        other => panic!("a given premise, not {other:?}"),
    }
    engine
        .add_source("<entry>", "treaty(armenia, russia).")
        .unwrap();
    assert!(engine.query("ally(armenia, russia)").unwrap().0.holds());
}

#[test]
fn panels_give_a_row_per_answer_and_point_and_leave_the_uncovered_empty() {
    let mut engine = Engine::new();
    engine
        .load_source(
            "kb.rules",
            "source mid \"MID 5.0\" covers 1816 to 2014.\n\
             state(a). state(b).\n\
             from mid.\n\
             dispute(a, b) from 2010 to 2011.\n\
             fought(X, Y, 1) if dispute(X, Y).\n\
             fought(X, Y, 0) if state(X), state(Y), X != Y, not dispute(X, Y).\n",
        )
        .unwrap();
    engine.run().unwrap();
    let (panel, _) = engine
        .panel("state(X), state(Y), X != Y, fought(X, Y, F)", 2013, 2015)
        .unwrap();
    assert_eq!(panel.variables, ["X", "Y", "F"]);
    let rows: Vec<String> = panel
        .points()
        .map(|(t, row)| {
            let fields: Vec<String> = row
                .iter()
                .map(|v| v.as_ref().map_or(String::new(), Value::to_string))
                .collect();
            format!("{t}: {}", fields.join(","))
        })
        .collect();
    assert_eq!(
        rows,
        [
            "2013: a,b,0",
            "2013: b,a,0",
            "2014: a,b,0",
            "2014: b,a,0",
            "2015: a,b,",
            "2015: b,a,"
        ]
    );
    assert_eq!(panel.len(), 6);
}
