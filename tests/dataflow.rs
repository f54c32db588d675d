//! The `dd` engine (SPEC §15) against the default one: every evaluation,
//! explanation and timeline case run with `--engine dd` on one worker,
//! on two workers, and on two processes over loopback must print exactly
//! its expected file (the default engine's output); and random
//! stratified programs (the oracle's) must have the same model on `dd`
//! with one worker and two as on the semi-naive evaluator, and a few of
//! them on two processes.
//!
//! Run with the feature: `cargo test --release --features dd --test
//! dataflow` (the README's test script does; a debug build of
//! differential dataflow is too slow for thousands of rounds).
#![cfg(all(feature = "dd", feature = "cli"))]

use std::io::Read;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use entente::{Cluster, Config, Engine};
use proptest::prelude::*;

mod common;
use common::cases::{
    cases, compare_topic, directives, eval_args, explain_directive, repl_session,
    timeline_directive,
};
use common::{config, engine_model, program};

/// The ways a case runs on the `dd` engine.
#[derive(Clone, Copy, Debug)]
enum Mode {
    OneWorker,
    TwoWorkers,
    TwoProcesses,
}

const MODES: [Mode; 3] = [Mode::OneWorker, Mode::TwoWorkers, Mode::TwoProcesses];

/// Runs `entente ARGS --engine dd` in `mode`: the output of process 0
/// (as `common::cases::entente` reports it). Process 1 must exit as
/// process 0 does and print nothing on stdout.
fn entente_dd(mode: Mode, args: &[String]) -> Result<String, String> {
    let mut args = args.to_vec();
    args.extend(["--engine", "dd"].map(String::from));
    match mode {
        Mode::OneWorker => common::cases::entente(&args),
        Mode::TwoWorkers => {
            args.extend(["--workers", "2"].map(String::from));
            common::cases::entente(&args)
        }
        Mode::TwoProcesses => {
            // A port found free may be taken again (by another test's
            // connection) before the process binds it: a cluster that
            // could not connect is started again on fresh ports.
            let mut tries = 0;
            loop {
                tries += 1;
                match two_processes(&args)? {
                    Pair::Ran(first) => return Ok(first),
                    Pair::NotConnected(report) if tries == 3 => return Err(report),
                    Pair::NotConnected(_) => {}
                }
            }
        }
    }
}

/// How a run on two processes ended.
enum Pair {
    /// Both ran: process 0's output.
    Ran(String),
    /// A process could not connect the cluster, and the other was
    /// stopped: what the processes printed.
    NotConnected(String),
}

/// Runs `entente ARGS` as processes 0 and 1 of a cluster on two free
/// ports of 127.0.0.1.
fn two_processes(args: &[String]) -> Result<Pair, String> {
    let dir = std::env::temp_dir().join(format!("entente-dd-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let [port0, port1] = free_ports()?;
    let hosts = dir.join(format!("hosts-{port0}"));
    std::fs::write(&hosts, format!("127.0.0.1:{port0}\n127.0.0.1:{port1}\n"))
        .map_err(|e| e.to_string())?;
    let hosts = hosts.display().to_string();
    let mut processes = ["0", "1"].map(|process| {
        let mut a = args.to_vec();
        a.extend(["--processes", "2", "--hosts", &hosts, "--process", process].map(String::from));
        Command::new(env!("CARGO_BIN_EXE_entente"))
            .args(a)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
    });
    let outputs = match &mut processes {
        [Ok(first), Ok(second)] => wait_both(first, second),
        [Err(e), _] | [_, Err(e)] => Err(e.to_string()),
    };
    let _ = std::fs::remove_file(&hosts);
    let [first, other] = outputs?;
    let report = |first: &Output, other: &Output| {
        format!(
            "process 0 printed:\n{}\nprocess 1 exited with {:?}, its stderr:\n{}",
            common::cases::reported(first),
            other.status.code(),
            String::from_utf8_lossy(&other.stderr)
        )
    };
    if not_connected(&first) || not_connected(&other) {
        return Ok(Pair::NotConnected(report(&first, &other)));
    }
    if !other.stdout.is_empty() {
        return Err(format!(
            "process 1 printed on stdout:\n{}",
            String::from_utf8_lossy(&other.stdout)
        ));
    }
    if other.status.success() != first.status.success() {
        return Err(report(&first, &other));
    }
    Ok(Pair::Ran(common::cases::reported(&first)))
}

/// Waits for two processes of a cluster; when one could not connect,
/// the other is stopped rather than left waiting for it.
fn wait_both(first: &mut Child, second: &mut Child) -> Result<[Output; 2], String> {
    // Drain the pipes while waiting, so that neither blocks on a full one.
    let mut children = [first, second].map(|child| {
        let out = drain(child.stdout.take());
        let err = drain(child.stderr.take());
        (child, Some((out, err)))
    });
    let mut outputs: [Option<Output>; 2] = [None, None];
    while outputs.iter().any(Option::is_none) {
        for ((child, pipes), output) in children.iter_mut().zip(&mut outputs) {
            if output.is_some() {
                continue;
            }
            if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
                let (out, err) = pipes.take().expect("drained once");
                *output = Some(Output {
                    status,
                    stdout: out.join().expect("drains").map_err(|e| e.to_string())?,
                    stderr: err.join().expect("drains").map_err(|e| e.to_string())?,
                });
            }
        }
        if outputs.iter().flatten().any(not_connected) {
            for (child, _) in &mut children {
                let _ = child.kill();
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    Ok(outputs.map(|o| o.expect("waited")))
}

/// Reads a child's pipe to its end on a thread of its own.
fn drain<R: Read + Send + 'static>(
    pipe: Option<R>,
) -> std::thread::JoinHandle<std::io::Result<Vec<u8>>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        pipe.expect("piped").read_to_end(&mut bytes).map(|_| bytes)
    })
}

/// True when a process of a cluster failed to connect it.
fn not_connected(out: &Output) -> bool {
    String::from_utf8_lossy(&out.stderr).contains("cannot connect the cluster")
}

/// Two ports of 127.0.0.1 that nothing listens on now.
fn free_ports() -> Result<[u16; 2], String> {
    // Both listeners are held while the second is chosen, so the two differ.
    let listeners = [
        TcpListener::bind("127.0.0.1:0"),
        TcpListener::bind("127.0.0.1:0"),
    ];
    let port = |l: &std::io::Result<TcpListener>| -> Result<u16, String> {
        let l = l.as_ref().map_err(|e| e.to_string())?;
        Ok(l.local_addr().map_err(|e| e.to_string())?.port())
    };
    Ok([port(&listeners[0])?, port(&listeners[1])?])
}

/// Compares every case of a topic with its expected file in `modes`.
fn agree(topic: &str, modes: &[Mode], run: impl Fn(&Path, Mode) -> Result<String, String>) {
    assert!(!cases(topic).is_empty());
    for &mode in modes {
        compare_topic(topic, false, |path| {
            run(path, mode).map_err(|e| format!("{mode:?}: {e}"))
        });
    }
}

#[test]
fn eval_cases_agree_on_dd() {
    agree("eval", &MODES, |path, mode| {
        entente_dd(mode, &eval_args(path)?)
    });
}

#[test]
fn explain_cases_agree_on_dd() {
    agree("explain", &MODES, |path, mode| {
        directives(path, &explain_directive, &|args| entente_dd(mode, args))
    });
}

#[test]
fn timeline_cases_agree_on_dd() {
    agree("timeline", &MODES, |path, mode| {
        directives(path, &timeline_directive, &|args| entente_dd(mode, args))
    });
}

/// The REPL sessions on `--engine dd` (one process: a REPL is not a
/// cluster): evaluations run on the dataflow; updates maintain the model
/// it filled (see docs/cluster.md).
#[test]
fn repl_cases_agree_on_dd() {
    assert!(!cases("repl").is_empty());
    for (mode, options) in [
        ("one worker", &["--engine", "dd"][..]),
        ("two workers", &["--engine", "dd", "--workers", "2"][..]),
    ] {
        compare_topic("repl", false, |path| {
            repl_session(path, options).map_err(|e| format!("{mode}: {e}"))
        });
    }
}

/// The `dd` engine's settings with `workers` threads.
fn on_dd(workers: usize) -> Config {
    Config {
        dataflow: Some(Cluster {
            workers,
            ..Cluster::default()
        }),
        ..config(1)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    /// Random sessions of changes (see `common/maintain.rs`) on a live
    /// dataflow of one worker or two: after each, the model equals the
    /// oracle's, the change set the difference, every proof checks, and a
    /// what-if first leaves every proof as it was.
    #[test]
    fn maintained_on_dd_matches_evaluation_from_scratch(seed in any::<u64>()) {
        if let Err(why) = common::maintain::session(seed, on_dd) {
            panic!("{why}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(120))]

    #[test]
    fn random_programs_agree_on_dd(seed in any::<u64>()) {
        let text = program(seed);
        let mut engine = Engine::new();
        engine.load_source("random.rules", &text).expect("generated programs check");
        let expected = engine_model(&mut engine.clone(), config(1));
        for workers in [1, 2] {
            let got = engine_model(&mut engine.clone(), on_dd(workers));
            prop_assert_eq!(&got, &expected, "{} workers, program:\n{}", workers, text);
        }
    }
}

#[test]
fn random_programs_agree_on_two_processes() {
    let dir = std::env::temp_dir().join(format!("entente-dd-random-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    for seed in 0..12u64 {
        let text = program(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let file = dir.join(format!("random{seed}.rules"));
        std::fs::write(&file, &text).expect("write the program");
        let args = [
            "run".to_string(),
            file.display().to_string(),
            "--all".to_string(),
        ];
        let expected = common::cases::entente(&args).expect("the default engine runs");
        let got = entente_dd(Mode::TwoProcesses, &args).expect("two processes run");
        assert_eq!(got, expected, "program:\n{text}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The query's answers as text, the model evaluated first if a change
/// that failed left it unevaluated.
fn answers(engine: &mut Engine, goal: &str) -> Vec<String> {
    engine.run().expect("evaluates");
    let rows = engine.query(goal).expect("answers").0.rows;
    rows.iter().map(|r| format!("{r:?}")).collect()
}

/// `text` evaluated on the default engine and on a live dataflow of
/// `workers` workers.
fn evaluated_twice(text: &str, workers: usize) -> [Engine; 2] {
    let mut engines = [
        Engine::with_config(config(1)),
        Engine::with_config(on_dd(workers)),
    ];
    for engine in &mut engines {
        engine.load_source("k.rules", text).expect("valid program");
        engine.run().expect("evaluates");
    }
    engines
}

/// Adds (`"add"`) or retracts (anything else) `change` on both engines,
/// which must report the same changes of the model.
fn change_both([plain, dd]: &mut [Engine; 2], what: &str, change: &str) {
    let (got, want) = match what {
        "add" => (
            dd.add_source("more.rules", change),
            plain.add_source("more.rules", change),
        ),
        _ => (
            dd.retract_source("<retract>", change),
            plain.retract_source("<retract>", change),
        ),
    };
    let (got, want) = (got.expect("maintained"), want.expect("maintained"));
    assert_eq!(got.changes, want.changes, "{what} {change}");
}

/// A live dataflow's changes bring strings its workers never saw, which
/// comparisons and aggregates read, and numbers without an id.
#[test]
fn a_live_dataflow_reads_strings_and_numbers_new_since_it_started() {
    // Rows hold strings as ids of the interner the workers started with.
    let text = "name(mike). name(kilo). v(3).\n\
                before(X, Y) if name(X), name(Y), X < Y.\n\
                first(M) if M = min X : { name(X) }.\n\
                big(W) if v(V), W = V * 1000000000000. half(H) if v(V), H = V / 2.0.";
    let changes = [
        ("add", "v(1)."),
        ("add", "name(alpha). name(zulu). v(5)."),
        ("retract", "name(alpha)."),
        ("add", "name(\"a b\")."),
        ("retract", "v(3)."),
    ];
    for workers in [1, 2] {
        let engines = &mut evaluated_twice(text, workers);
        for (what, change) in changes {
            change_both(engines, what, change);
            let [plain, dd] = &mut *engines;
            for goal in ["before(X, Y)", "first(M)", "big(W)", "half(H)"] {
                assert_eq!(
                    answers(dd, goal),
                    answers(plain, goal),
                    "{goal} after {change}"
                );
            }
        }
    }
}

/// A fact of a predicate new to the program can number the strata anew:
/// the live dataflow's model is filled by the new numbering, and its
/// proofs stay whole.
#[test]
fn a_live_dataflow_takes_a_predicate_new_to_the_program() {
    use entente::explain::{Justification, Proof};
    fn whole(proof: &Proof) -> bool {
        match &proof.justification {
            Justification::Truncated => false,
            Justification::Given(_) => true,
            Justification::Derived(d) => d.premises.iter().all(whole),
        }
    }
    // `e2` and `p4` (an aggregate's stratum) come after `e1` once it is
    // a predicate.
    let text = "e0(0, 4).\n\
                p0(0, 4) if e0(_, _), not e0(4, armenia).\n\
                p1(-2000000000, 1) if p0(Y, Z), e0(Y, Z).\n\
                p1(N, Y) if p1(W, W), e0(N, 4), p1(Y, Z).\n\
                p4(W, 0) if p4(W, X), G1 = min L : { e2(L, _) }.";
    for workers in [1, 2] {
        let engines = &mut evaluated_twice(text, workers);
        change_both(engines, "add", "e1(3).");
        let [_, dd] = &mut *engines;
        for fact in ["p1(-2000000000, 1)", "p0(0, 4)", "e1(3)"] {
            match dd.explain(fact).expect("explains").0 {
                entente::Explanation::Holds(proof) => {
                    assert!(whole(&proof), "{fact} on {workers} workers: {proof:?}")
                }
                other => panic!("{fact} does not hold: {other:?}"),
            }
        }
    }
}

/// Changes that fail on a live dataflow (an arithmetic error, the fact
/// limit, the time limit) leave the engine as it was, and the changes
/// after them are maintained as on the default engine.
#[test]
fn a_live_dataflow_goes_on_after_changes_that_fail() {
    let text = "n(1). m(Y) if n(X), Y = 100 / X. big(X) if n(X), X > 5.\n\
                c(0). c(Y) if c(X), go(X), Y = X + 1. go(X) if c(X), start(1).";
    for workers in [1, 2] {
        let engines = &mut evaluated_twice(text, workers);
        let [plain, dd] = &mut *engines;
        let program = dd.program_text();
        let err = dd
            .add_source("zero.rules", "n(0).")
            .expect_err("divides by zero");
        assert_eq!(err.problems()[0].code_str(), "entente::arithmetic");
        assert_eq!(dd.program_text(), program);
        assert_eq!(answers(dd, "m(Y)"), answers(plain, "m(Y)"));
        let limit = Config {
            max_facts: 4,
            ..on_dd(workers)
        };
        let err = dd
            .add_source_with("many.rules", "n(6). n(7). n(8).", &limit)
            .expect_err("past the limit");
        assert_eq!(err.problems()[0].code_str(), "entente::fact_limit");
        // A fact that starts a recursion without end.
        let runaways = [
            (
                "entente::fact_limit",
                Config {
                    max_facts: 1000,
                    ..on_dd(workers)
                },
            ),
            (
                "entente::time_limit",
                Config {
                    timeout: Some(std::time::Duration::from_millis(200)),
                    max_facts: u64::MAX,
                    ..on_dd(workers)
                },
            ),
        ];
        for (code, runaway) in runaways {
            let err = dd.add_source_with("start.rules", "start(1).", &runaway);
            assert_eq!(err.expect_err("runs away").problems()[0].code_str(), code);
            assert_eq!(dd.program_text(), program);
        }
        // The changes after are maintained, and say what changed.
        for change in ["n(6). n(2).", "go(0).", "go(1)."] {
            change_both(engines, "add", change);
        }
        change_both(engines, "retract", "n(6).");
        let [plain, dd] = &mut *engines;
        for goal in ["m(Y)", "big(X)", "c(X)"] {
            assert_eq!(
                answers(dd, goal),
                answers(plain, goal),
                "{goal} on {workers} workers"
            );
        }
    }
}
