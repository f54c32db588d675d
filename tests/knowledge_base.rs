//! The South Caucasus knowledge base answers as the article does, every
//! proof of a true answer ends in facts that carry a citing comment, and
//! every false answer has a why-not that names what stops it.

use entente::explain::{Justification, Proof};
use entente::{Engine, Explanation};

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
    let update = engine
        .load_files(&["rules/caucasus.rules"])
        .expect("the knowledge base checks");
    assert!(update.warnings.is_empty(), "warnings: {update:?}");
    engine.run().expect("the knowledge base evaluates");
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
    let engine = engine();
    for fact in HOLDS {
        match engine.explain(fact).unwrap().0 {
            Explanation::Holds(proof) => check_leaves(&proof),
            Explanation::DoesNotHold(w) => panic!("{fact} should hold: {w:?}"),
        }
    }
}

#[test]
fn false_answers_do_not_hold_and_say_why() {
    let engine = engine();
    for fact in DOES_NOT_HOLD {
        match engine.explain(fact).unwrap().0 {
            Explanation::Holds(_) => panic!("{fact} should not hold"),
            Explanation::DoesNotHold(w) => assert!(!w.attempts.is_empty(), "{fact}: no rule tried"),
        }
    }
    let (answers, _) = engine.query("hosts_foreign_base(azerbaijan, _)").unwrap();
    assert!(answers.rows.is_empty());
}

#[test]
fn rumours_are_not_premises() {
    let engine = engine();
    // The airbase story was reported and denied: nothing follows from it.
    let (answers, _) = engine
        .query("rumour(airbase_access, azerbaijan, israel)")
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

/// Writes the files an example reads (small ones of the real files'
/// shape) and loads the example from there.
fn load_example(example: &str, files: &[(&str, &str)]) -> (Engine, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!(
        "entente-{}-{}",
        example.trim_end_matches(".rules"),
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(format!("rules/examples/{example}"), dir.join(example)).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let mut engine = Engine::new();
    engine
        .load_files(&[dir.join(example)])
        .expect("the example loads");
    engine.run().expect("the example evaluates");
    (engine, dir)
}

/// Each answer as its values joined by spaces, then its validity when it
/// has one.
fn ask(engine: &mut Engine, goal: &str) -> Vec<String> {
    let (answers, _) = engine.query(goal).unwrap();
    answers
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut line: Vec<String> = r.iter().map(text).collect();
            let validity = answers.validity(i).unwrap();
            if !validity.is_always() {
                line.push(validity.to_string());
            }
            line.join(" ")
        })
        .collect()
}

/// A value as plain text: a string without quotes.
fn text(v: &entente::Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), String::from)
}

/// The COW state list's shape (a subset of its columns, Georgia twice as
/// a state with two spells would be).
const STATES: &str = "stateabb,ccode,statenme,styear,endyear\n\
                      RUS,365,Russia,1816,2016\n\
                      ARM,371,Armenia,1991,2016\n\
                      GRG,372,Georgia,1918,1921\n\
                      GRG,372,Georgia,1991,2016\n\
                      AZE,373,Azerbaijan,1991,2016\n\
                      IRN,630,Iran,1816,2016\n\
                      TUR,640,Turkey,1816,2016\n";

#[test]
fn atop_example_runs_on_an_atop_shaped_file() {
    // Columns as in ATOP 5.1 (a subset, in another order, plus unused
    // ones): pact 1, a defence pact of 373 and 640 from 2010 and of 365
    // from 2011, still in force; pact 2, a non-aggression pact of 373 and
    // 630 from 1995 to 2000; pact 3, a defence pact of 371 and 365 since
    // 1992, which 372 joined from 1994 to 1999.
    let atop = "atopid,member,yrent,moent,yrexit,defense,offense,neutral,nonagg,consul,version\n\
                1,373,2010,1,0,1,0,0,0,1,5.1\n\
                1,640,2010,1,0,1,0,0,0,1,5.1\n\
                1,365,2011,3,0,1,0,0,0,0,5.1\n\
                2,373,1995,6,2000,0,0,0,1,0,5.1\n\
                2,630,1995,6,2000,0,0,0,1,0,5.1\n\
                3,371,1992,5,0,1,0,0,0,0,5.1\n\
                3,365,1992,5,0,1,0,0,0,0,5.1\n\
                3,372,1994,1,1999,1,0,0,0,0,5.1\n";
    let (mut engine, dir) = load_example(
        "atop.rules",
        &[("atop5_1m.csv", atop), ("states2016.csv", STATES)],
    );
    // By year: the pacts in force, and the two states' defence partners.
    assert_eq!(ask(&mut engine, "pacts(N) at 1996"), ["2"]);
    assert_eq!(ask(&mut engine, "pacts(N) at 2001"), ["1"]);
    assert_eq!(ask(&mut engine, "pacts(N) at 2011"), ["2"]);
    assert_eq!(ask(&mut engine, "pacts(N) at 1990"), ["0"]);
    assert_eq!(
        ask(&mut engine, "defence_partner(\"Armenia\", P) at 1995"),
        ["Georgia", "Russia"]
    );
    assert_eq!(
        ask(&mut engine, "defence_partner(\"Armenia\", P) at 2005"),
        ["Russia"]
    );
    assert!(ask(&mut engine, "defence_partner(\"Azerbaijan\", P) at 2005").is_empty());
    assert_eq!(
        ask(&mut engine, "defence_partner(\"Azerbaijan\", P) at 2012"),
        ["Russia", "Turkey"]
    );
    // Over time: when each partnership held, a current one since when.
    assert_eq!(
        ask(&mut engine, "defence_partner(\"Azerbaijan\", P)"),
        ["Russia since 2011", "Turkey since 2010"]
    );
    assert_eq!(
        ask(&mut engine, "defence_partner(\"Armenia\", P)"),
        ["Georgia from 1994 to 1999", "Russia since 1992"]
    );
    assert_eq!(
        ask(&mut engine, "nonaggression_partner(\"Azerbaijan\", P)"),
        ["Iran from 1995 to 2000"]
    );
    // The number of pacts in force, as a timeline.
    let (answers, _) = engine.timeline("pacts(N)").unwrap();
    let timeline: Vec<String> = answers
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| format!("{} {}", r[0], answers.validity(i).unwrap()))
        .collect();
    assert_eq!(
        timeline,
        [
            "0 until 1991",
            "1 from 1992 to 1994, from 2001 to 2009",
            "2 from 1995 to 2000, since 2010"
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn allied_disputes_example_finds_allies_in_a_dispute_in_the_same_year() {
    let atop = "atopid,member,yrent,yrexit,defense\n\
                3,371,1992,0,1\n\
                3,373,1993,1999,1\n\
                4,640,1952,0,1\n\
                4,630,1955,1979,1\n";
    // Directed dyad-years; the 1998 dispute is between allies, the 2001
    // one no longer; 640 and 630 disputed before and after their pact.
    let mid = "disno,statea,stateb,year,hihost\n\
               1,371,373,1998,4\n\
               1,373,371,1998,4\n\
               2,371,373,2001,3\n\
               3,640,630,1950,2\n\
               3,640,630,1960,2\n\
               3,640,630,1985,3\n";
    let (engine, dir) = load_example(
        "allied_disputes.rules",
        &[
            ("atop5_1m.csv", atop),
            ("dyadic_mid_4.03.csv", mid),
            ("states2016.csv", STATES),
        ],
    );
    let (answers, _) = engine.timeline("allied_in_dispute(S, T)").unwrap();
    let found: Vec<String> = answers
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            format!(
                "{} {} {}",
                text(&r[0]),
                text(&r[1]),
                answers.validity(i).unwrap()
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            "Armenia Azerbaijan in 1998",
            "Azerbaijan Armenia in 1998",
            "Turkey Iran in 1960"
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}
