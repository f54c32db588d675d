//! The South Caucasus knowledge base answers as the article does, every
//! proof of a true answer ends in facts that carry a citing comment, and
//! every false answer has a why-not that names what stops it.

use entente::explain::{Justification, Proof};
use entente::{Config, Engine, Explanation};

const HOLDS: &[&str] = &[
    "supports(turkey, azerbaijan)",
    "supports(israel, azerbaijan)",
    "supports(russia, armenia)",
    "defends(turkey, azerbaijan)",
    "rivals(azerbaijan, armenia)",
    "threatens(iran, azerbaijan)",
    "member_of(armenia, csto)",
    "would_intervene(russia, armenia, azerbaijan)",
    "would_intervene(turkey, azerbaijan, armenia)",
    "leverage(azerbaijan, turkey, gas)",
    "leverage(iran, azerbaijan, transit)",
    "bypasses(btc_pipeline, russia)",
    "bypasses(btc_pipeline, armenia)",
    "visa_free(turkey, azerbaijan)",
];

const DOES_NOT_HOLD: &[&str] = &[
    "defends_immediately(turkey, azerbaijan)",
    "in_military_alliance(azerbaijan)",
    "hosts_foreign_base(azerbaijan, turkey)",
    "hosts_foreign_base(azerbaijan, israel)",
    "backs_strike(azerbaijan, israel, iran)",
    "visa_free(azerbaijan, turkey)",
];

fn engine() -> Engine {
    let mut engine = Engine::new();
    let warnings = engine
        .load_files(&["rules/caucasus.rules"])
        .expect("the knowledge base checks");
    assert!(warnings.is_empty(), "warnings: {warnings:?}");
    engine
}

/// The line a fact is written on is preceded, past other facts, by a
/// comment: the sentence it encodes.
fn cited(file: &str, line: usize) -> bool {
    let text = std::fs::read_to_string(file).expect("read rule file");
    let lines: Vec<&str> = text.lines().collect();
    lines[..line - 1]
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| !l.ends_with('.') || l.starts_with('#'))
        .is_some_and(|l| l.starts_with('#'))
}

fn check_leaves(proof: &Proof) {
    match &proof.justification {
        Justification::Given(source) => assert!(
            cited(&source.file, source.line),
            "{} at {}:{} has no citing comment",
            proof.fact,
            source.file,
            source.line
        ),
        Justification::Derived(d) => d.premises.iter().for_each(check_leaves),
        Justification::Truncated => panic!("the proof of {} is cut", proof.fact),
    }
}

#[test]
fn true_answers_hold_and_their_proofs_reach_cited_facts() {
    let mut engine = engine();
    for fact in HOLDS {
        match engine.explain(fact, Config::default()).unwrap().0 {
            Explanation::Holds(proof) => check_leaves(&proof),
            Explanation::DoesNotHold(w) => panic!("{fact} should hold: {w:?}"),
        }
    }
}

#[test]
fn false_answers_do_not_hold_and_say_why() {
    let mut engine = engine();
    for fact in DOES_NOT_HOLD {
        match engine.explain(fact, Config::default()).unwrap().0 {
            Explanation::Holds(_) => panic!("{fact} should not hold"),
            Explanation::DoesNotHold(w) => assert!(!w.attempts.is_empty(), "{fact}: no rule tried"),
        }
    }
    let (answers, _) = engine
        .query("hosts_foreign_base(azerbaijan, _)", Config::default())
        .unwrap();
    assert!(answers.rows.is_empty());
}

#[test]
fn rumours_are_not_premises() {
    let mut engine = engine();
    // The airbase story was reported and denied: nothing follows from it.
    let (answers, _) = engine
        .query(
            "rumour(airbase_access, azerbaijan, israel)",
            Config::default(),
        )
        .unwrap();
    assert_eq!(answers.rows.len(), 1);
    for rule in engine.program().rules.iter().filter(|r| !r.is_fact()) {
        let text = rule.to_string();
        assert!(
            !text.contains("rumour(") && !text.contains("denied("),
            "{text}"
        );
    }
}

#[test]
fn atop_example_runs_on_an_atop_shaped_file() {
    let dir = std::env::temp_dir().join(format!("entente-atop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy("rules/examples/atop.rules", dir.join("atop.rules")).unwrap();
    // Columns as in ATOP 5.1 (a subset, in another order, plus one unused),
    // three pacts: 1 a defence pact of 373, 640, 365 still in force; 2 a
    // non-aggression pact of 373 and 630 that ended in 2000; 3 a defence
    // pact of 371 and 365 in force since 1992.
    let csv = "atopid,member,yrent,moent,yrexit,defense,offense,neutral,nonagg,consul,version\n\
               1,373,2010,1,0,1,0,0,0,1,5.1\n\
               1,640,2010,1,0,1,0,0,0,1,5.1\n\
               1,365,2011,3,0,1,0,0,0,0,5.1\n\
               2,373,1995,6,2000,0,0,0,1,0,5.1\n\
               2,630,1995,6,2000,0,0,0,1,0,5.1\n\
               3,371,1992,5,0,1,0,0,0,0,5.1\n\
               3,365,1992,5,0,1,0,0,0,0,5.1\n";
    std::fs::write(dir.join("atop5_1m.csv"), csv).unwrap();
    let mut engine = Engine::new();
    engine
        .load_files(&[dir.join("atop.rules")])
        .expect("the example loads");
    let ask = |engine: &mut Engine, goal: &str| -> Vec<String> {
        let (answers, _) = engine.query(goal, Config::default()).unwrap();
        answers
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    };
    assert_eq!(ask(&mut engine, "pacts_in_force(1996, N)"), ["2"]);
    assert_eq!(ask(&mut engine, "pacts_in_force(2001, N)"), ["1"]);
    assert_eq!(ask(&mut engine, "pacts_in_force(2011, N)"), ["2"]);
    assert_eq!(ask(&mut engine, "pacts_in_force(1990, N)"), ["0"]);
    assert_eq!(ask(&mut engine, "defence_partner(373, P)"), ["365", "640"]);
    assert_eq!(
        ask(&mut engine, "defence_partner(365, P)"),
        ["371", "373", "640"]
    );
    // The non-aggression pact ended: no partner under a pact in force.
    assert!(ask(&mut engine, "nonaggression_partner(373, P)").is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}
