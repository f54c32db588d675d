//! Random sessions typed into `entente repl` (a script on stdin), on random
//! stratified programs: statements added, given facts and rules retracted,
//! queries asked, and entries that fail. The whole transcript must be what
//! from-scratch runs give at every step: each query's answers from a fresh
//! engine loaded with the statements in force, each change's summary (and a
//! retraction's list) from the difference of fresh models before and after;
//! a failed entry prints nothing on stdout and changes nothing.
#![cfg(feature = "cli")]

use std::collections::BTreeSet;
use std::io::Write as _;
use std::process::{Command, Stdio};

use entente::{Engine, Fact, Value};
use proptest::prelude::*;

mod common;
use common::{config, engine_model, given_facts, program, Rng};

type Facts = BTreeSet<(String, Vec<Value>)>;

/// A fresh engine with `statements` loaded and evaluated.
fn fresh(statements: &[String]) -> Engine {
    let mut engine = Engine::new();
    engine
        .load_source("state.rules", &statements.join("\n"))
        .expect("the statements in force always check");
    engine.run().expect("evaluates");
    engine
}

/// Every fact of the model, and the given ones.
fn facts(engine: &mut Engine) -> (Facts, Facts) {
    let model = engine_model(engine, config(1))
        .into_iter()
        .flat_map(|(p, facts)| facts.into_iter().map(move |args| (p.clone(), args)))
        .collect();
    let given = given_facts(engine);
    (model, given)
}

/// What the REPL prints for a change from `before` to `after`: the
/// summary, and with `list` the facts, grouped by predicate.
fn change_text(before: &mut Engine, after: &mut Engine, list: bool) -> String {
    let ((old, given_old), (new, given_new)) = (facts(before), facts(after));
    let appeared: Facts = new
        .difference(&old)
        .filter(|f| !given_new.contains(f))
        .cloned()
        .collect();
    let disappeared: Facts = old
        .difference(&new)
        .filter(|f| !given_old.contains(f))
        .cloned()
        .collect();
    let mut text = format!(
        "+{} derived, -{} derived\n",
        appeared.len(),
        disappeared.len()
    );
    if list {
        let predicates: BTreeSet<&String> = appeared
            .iter()
            .chain(&disappeared)
            .map(|(p, _)| p)
            .collect();
        for predicate in predicates {
            for (sign, set) in [('+', &appeared), ('-', &disappeared)] {
                let mut rows: Vec<&Vec<Value>> = set
                    .iter()
                    .filter(|(p, _)| p == predicate)
                    .map(|(_, args)| args)
                    .collect();
                // `Value`'s order is SPEC §2's, the canonical one.
                rows.sort();
                for args in rows {
                    let fact = Fact::new(predicate, args.as_slice()).expect("a fact of the model");
                    text.push_str(&format!("{sign} {fact}.\n"));
                }
            }
        }
    }
    text
}

/// A query's answers as `entente query` prints them.
fn answer_text(engine: &mut Engine, goal: &str) -> String {
    let (answers, _) = engine.query(goal).expect("goals check");
    if answers.variables.is_empty() || answers.rows.is_empty() {
        let holds = !answers.rows.is_empty();
        return format!("{}.\n", if holds { "true" } else { "false" });
    }
    answers
        .rows
        .iter()
        .map(|row| {
            let pairs: Vec<String> = answers
                .variables
                .iter()
                .zip(row)
                .map(|(n, v)| format!("{n} = {v}"))
                .collect();
            format!("{}\n", pairs.join(", "))
        })
        .collect()
}

/// `entente repl` with `input` as its script.
fn repl(input: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_entente"))
        .arg("repl")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the repl starts");
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(input.as_bytes())
        .expect("input written");
    child.wait_with_output().expect("the repl ends")
}

/// The predicates of the generated programs and their arities.
const PREDICATES: [(&str, usize); 3] = [("e0", 2), ("e1", 1), ("e2", 2)];

/// Builds a session and its expected transcript; returns (stdin, expected
/// stdout, whether an entry fails).
fn session(seed: u64) -> (String, String, bool) {
    let pool: Vec<String> = program(seed).lines().map(str::to_string).collect();
    let mut loaded: Vec<String> = Vec::new();
    let mut rng = Rng(seed.rotate_left(29) | 1);
    let (mut input, mut expected, mut failed) = (String::new(), String::new(), false);
    let mut state = fresh(&loaded);
    for _ in 0..16 {
        let is_fact = |s: &String| !s.contains(" if ");
        match rng.below(7) {
            0..=2 => {
                let candidates: Vec<&String> =
                    pool.iter().filter(|s| !loaded.contains(s)).collect();
                let Some(&statement) = candidates.get(rng.below(candidates.len().max(1))) else {
                    continue;
                };
                loaded.push(statement.clone());
                let mut next = fresh(&loaded);
                expected.push_str(&change_text(&mut state, &mut next, false));
                input.push_str(&format!("{statement}\n"));
                state = next;
            }
            3 => {
                let candidates: Vec<String> =
                    loaded.iter().filter(|s| is_fact(s)).cloned().collect();
                let Some(statement) = candidates.get(rng.below(candidates.len().max(1))) else {
                    continue;
                };
                loaded.retain(|s| s != statement);
                let mut next = fresh(&loaded);
                expected.push_str(&change_text(&mut state, &mut next, true));
                let fact = statement.trim_end_matches('.');
                input.push_str(&format!(":retract {fact}\n"));
                state = next;
            }
            4 => {
                let candidates: Vec<String> =
                    loaded.iter().filter(|s| !is_fact(s)).cloned().collect();
                let Some(statement) = candidates.get(rng.below(candidates.len().max(1))) else {
                    continue;
                };
                loaded.retain(|s| s != statement);
                let mut next = fresh(&loaded);
                expected.push_str(&change_text(&mut state, &mut next, true));
                input.push_str(&format!(":retract {statement}\n"));
                state = next;
            }
            5 => {
                let names: Vec<(String, usize)> = PREDICATES
                    .iter()
                    .map(|&(n, a)| (n.to_string(), a))
                    .chain(state.model().into_iter().flat_map(|db| {
                        db.plan()
                            .predicates
                            .iter()
                            .map(|(n, &a)| (n.clone(), a))
                            .collect::<Vec<_>>()
                    }))
                    .collect();
                let (name, arity) = &names[rng.below(names.len())];
                let args: Vec<String> = (0..*arity)
                    .map(|i| match rng.below(3) {
                        0 => rng.below(5).to_string(),
                        _ => ["X", "Y", "Z"][i % 3].to_string(),
                    })
                    .collect();
                let goal = if args.is_empty() {
                    format!("? {name}.")
                } else {
                    format!("? {name}({}).", args.join(", "))
                };
                // A predicate the program does not have is a warning and
                // `false.`, as `entente query` answers.
                expected.push_str(&answer_text(&mut state, &goal));
                input.push_str(&format!("{goal}\n"));
            }
            _ => {
                // Entries that fail print nothing on stdout.
                let bad = [
                    ":retract zz(1)",
                    "p0(.",
                    "q(X) if r(Y).",
                    ":why e1(X)",
                    ":bogus",
                ];
                input.push_str(&format!("{}\n", bad[rng.below(bad.len())]));
                failed = true;
            }
        }
    }
    (input, expected, failed)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn every_answer_is_what_a_fresh_run_gives(seed in any::<u64>()) {
        let (input, expected, failed) = session(seed);
        let out = repl(&input);
        let stdout = String::from_utf8_lossy(&out.stdout);
        prop_assert_eq!(
            stdout.as_ref(),
            expected.as_str(),
            "session:\n{}\nstderr:\n{}",
            input,
            String::from_utf8_lossy(&out.stderr)
        );
        prop_assert_eq!(out.status.code(), Some(i32::from(failed)));
    }
}

/// Pieces of entries, valid and not, for junk sessions.
const PIECES: [&str; 24] = [
    ":why ",
    ":whynot ",
    ":retract ",
    ":whatif +",
    ":whatif -",
    ":facts ",
    ":rules ",
    ":load ",
    ":save /nonexistent/dir/x.rules",
    ":stats",
    ":reset",
    ":help",
    ":",
    "e0(1, 2)",
    "p0(X) if e0(X, _)",
    "? e0(X, Y)",
    "not",
    "(",
    ")",
    ".",
    "\"",
    "#",
    "é",
    "X",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    /// Junk typed into the REPL gets diagnostics, never a panic or a hang.
    #[test]
    fn junk_sessions_never_panic(seed in any::<u64>()) {
        let mut rng = Rng(seed | 1);
        let mut input = String::new();
        for _ in 0..30 {
            for _ in 0..rng.below(4) + 1 {
                input.push_str(PIECES[rng.below(PIECES.len())]);
            }
            input.push('\n');
        }
        let out = repl(&input);
        let stderr = String::from_utf8_lossy(&out.stderr);
        prop_assert!(!stderr.contains("panicked"), "input:\n{}\nstderr:\n{}", input, stderr);
        prop_assert!(matches!(out.status.code(), Some(0 | 1)), "input:\n{}", input);
    }
}
