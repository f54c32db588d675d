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
    // A folder of its own for each test: two may load one example at once.
    static LOADED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = LOADED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!(
        "entente-{}-{}-{n}",
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
    // The constraint finds the same disputes, with the proofs of the
    // pact and of the dispute, each citing its source and row.
    let violations = engine.violations().unwrap();
    let found: Vec<String> = violations
        .iter()
        .map(|v| format!("{} {}", v.instance(), v.validity.as_ref().unwrap()))
        .collect();
    assert_eq!(
        found,
        [
            "X = 371, Y = 373 in 1998",
            "X = 373, Y = 371 in 1998",
            "X = 640, Y = 630 in 1960"
        ]
    );
    let dispute = &violations[0].premises[1];
    assert_eq!(dispute.fact.to_string(), "dispute(371, 373, 1)");
    match &dispute.justification {
        entente::Justification::Given(source) => {
            assert_eq!(source.line, 2, "the MID file's row");
            assert_eq!(source.from.as_ref().unwrap().name, "mid");
        }
        other => panic!("a given premise, not {other:?}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_knowledge_base_keeps_its_constraints_and_cites_its_sources() {
    let mut engine = engine();
    assert!(engine.violations().unwrap().is_empty());
    // Turkish arms for Armenia would contradict the article's trade ban.
    let refused = engine
        .add_source("<entry>", "arms_supply(turkey, armenia).")
        .unwrap_err();
    assert_eq!(refused.kind(), entente::ErrorKind::Violation);
    assert!(!engine
        .query("arms_supply(turkey, armenia)")
        .unwrap()
        .0
        .holds());
    // The article's findings cite it; its rumours cite the reports.
    let (cited, _) = engine.cite("supports(turkey, azerbaijan)").unwrap();
    let names: Vec<&str> = cited
        .sources
        .iter()
        .map(|c| c.source.name.as_str())
        .collect();
    assert_eq!(names, ["weitz2012"]);
    let (cited, _) = engine.cite("rumour(C, A, B)").unwrap();
    let names: Vec<&str> = cited
        .sources
        .iter()
        .map(|c| c.source.name.as_str())
        .collect();
    assert_eq!(names, ["weitz2012_reports"]);
}

/// The directed dyad-years of `atop_dyads.rules` computed plainly from
/// member rows (atopid, member, entry, exit with 0 for "in force",
/// indicators): for each year, each ordered pair of members of one
/// alliance both in force, each indicator the maximum of A's over their
/// alliances.
fn plain_dyad_years(rows: &[(i64, i64, i64, i64, [i64; 5])], last: i64) -> Vec<String> {
    let mut out: std::collections::BTreeMap<(i64, i64, i64), [i64; 5]> = Default::default();
    for a in rows {
        for b in rows {
            if a.0 != b.0 || a.1 == b.1 {
                continue;
            }
            let end = |exit: i64| if exit == 0 { last } else { exit.min(last) };
            for year in a.2.max(b.2)..=end(a.3).min(end(b.3)) {
                let entry = out.entry((year, a.1, b.1)).or_insert([0; 5]);
                for (held, own) in entry.iter_mut().zip(a.4) {
                    *held = (*held).max(own);
                }
            }
        }
    }
    out.into_iter()
        .map(|((year, a, b), o)| {
            format!(
                "{a},{b},{},{},{},{},{},{year}",
                o[0], o[1], o[2], o[3], o[4]
            )
        })
        .collect()
}

#[test]
fn atop_dyads_example_matches_a_plain_computation() {
    // Alliance 1: three members, one joining later and leaving; alliance
    // 2: two of them again with other obligations (the maximum counts);
    // alliance 3: still in force (exit 0).
    let rows: [(i64, i64, i64, i64, [i64; 5]); 7] = [
        (1, 2, 2010, 2014, [1, 0, 0, 0, 1]),
        (1, 20, 2010, 2014, [1, 0, 0, 0, 0]),
        (1, 200, 2012, 2013, [0, 0, 1, 0, 0]),
        (2, 2, 2011, 2012, [0, 1, 0, 1, 0]),
        (2, 20, 2011, 2016, [0, 0, 0, 0, 1]),
        (3, 365, 2015, 0, [1, 1, 0, 0, 0]),
        (3, 371, 2016, 0, [1, 0, 0, 0, 1]),
    ];
    let mut csv =
        String::from("atopid,member,yrent,yrexit,defense,offense,neutral,nonagg,consul\n");
    for (id, member, entry, exit, o) in rows {
        csv.push_str(&format!(
            "{id},{member},{entry},{exit},{},{},{},{},{}\n",
            o[0], o[1], o[2], o[3], o[4]
        ));
    }
    let states = "stateabb,ccode,statenme,styear,endyear\nUSA,2,United States,2009,2018\n";
    let mid = "disno,statea,stateb,year\n";
    let (engine, dir) = load_example(
        "atop_dyads.rules",
        &[
            ("atop5_1m.csv", &csv),
            ("states2016.csv", states),
            ("dyadic_mid_4.03.csv", mid),
        ],
    );
    let (panel, _) = engine
        .panel(
            "atop_dyad(A, B, Defense, Offense, Neutrality, Nonaggression, Consultation)",
            2009,
            2018,
        )
        .unwrap();
    let mut got: Vec<String> = panel
        .points()
        .map(|(t, row)| {
            let fields: Vec<String> = row
                .iter()
                .map(|v| v.as_ref().unwrap().to_string())
                .collect();
            format!("{},{t}", fields.join(","))
        })
        .collect();
    // Both sorted by year, then by the dyad and its values.
    let key = |line: &String| {
        let fields: Vec<i64> = line.split(',').map(|f| f.parse().unwrap()).collect();
        (fields[7], fields[..7].to_vec())
    };
    got.sort_by_key(key);
    let mut expected = plain_dyad_years(&rows, 2018);
    expected.sort_by_key(key);
    assert_eq!(got, expected);
    assert_eq!(panel.len(), expected.len());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_dyad_year_panel_leaves_disputes_empty_where_mid_does_not_cover() {
    let atop = "atopid,member,yrent,yrexit,defense,offense,neutral,nonagg,consul\n\
                1,2,2000,0,1,0,0,0,1\n\
                1,20,2000,0,1,0,0,0,0\n";
    let states = "stateabb,ccode,statenme,styear,endyear\n\
                  USA,2,United States,1816,2016\n\
                  CAN,20,Canada,1920,2016\n\
                  MEX,70,Mexico,1831,2016\n";
    let mid = "disno,statea,stateb,year\n7,2,70,2014\n7,70,2,2014\n";
    let (engine, dir) = load_example(
        "atop_dyads.rules",
        &[
            ("atop5_1m.csv", atop),
            ("states2016.csv", states),
            ("dyadic_mid_4.03.csv", mid),
        ],
    );
    let goal = "cow_dyad(A, B), obligations(A, B, Defense, Offense, Neutrality, Nonaggression, Consultation), dispute(A, B, Mid)";
    let (panel, _) = engine.panel(goal, 2013, 2016).unwrap();
    let rows: Vec<String> = panel
        .points()
        .filter(|(_, row)| row[0] == Some(entente::Value::from(2)))
        .map(|(t, row)| {
            let fields: Vec<String> = row
                .iter()
                .map(|v| v.as_ref().map_or(String::new(), |v| v.to_string()))
                .collect();
            format!("{t}: {}", fields.join(","))
        })
        .collect();
    assert_eq!(
        rows,
        [
            "2013: 2,20,1,0,0,0,1,0",
            "2013: 2,70,0,0,0,0,0,0",
            "2014: 2,20,1,0,0,0,1,0",
            "2014: 2,70,0,0,0,0,0,1",
            "2015: 2,20,1,0,0,0,1,",
            "2015: 2,70,0,0,0,0,0,",
            "2016: 2,20,1,0,0,0,1,",
            "2016: 2,70,0,0,0,0,0,",
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}
