//! `entente repl` in a pseudo-terminal, driven as a person types: tab
//! completion, a statement over two lines, history, Ctrl-C on a line and
//! during a long evaluation, Ctrl-D to leave.
#![cfg(feature = "cli")]

use std::process::Command;

use rexpect::session::{spawn_command, PtySession};

const PROMPT: &str = "entente> ";

fn start(history: &std::path::Path) -> PtySession {
    let args = [
        "repl",
        "rules/examples/quickstart.rules",
        "--max-facts",
        "1000000000",
    ];
    start_with(&args, history, PROMPT)
}

fn start_with(args: &[&str], history: &std::path::Path, prompt: &str) -> PtySession {
    let mut command = Command::new(env!("CARGO_BIN_EXE_entente"));
    command
        .args(args)
        .env("ENTENTE_HISTORY", history)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    let mut repl = spawn_command(command, Some(20_000)).expect("the repl starts");
    repl.exp_string("`:help` lists commands")
        .expect("a greeting");
    repl.exp_string(prompt).expect("a prompt");
    repl
}

/// A scratch directory for one test's history.
fn scratch(test: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("entente-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_person_at_the_terminal() {
    let dir = std::env::temp_dir().join(format!("entente-repl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let history = dir.join("history");
    let _ = std::fs::remove_file(&history);
    let mut repl = start(&history);

    // Tab completes a predicate of the model.
    repl.send("? suppo").unwrap();
    repl.send("\t").unwrap();
    repl.flush().unwrap();
    repl.send_line("(turkey, Who).").unwrap();
    repl.exp_string("Who = azerbaijan")
        .expect("completed and answered");
    repl.exp_string(PROMPT).unwrap();

    // A statement over two lines gets the continuation prompt.
    repl.send_line("ally(X, Y) if").unwrap();
    repl.exp_string("...").expect("continuation prompt");
    repl.send_line("  supports(X, Y).").unwrap();
    repl.exp_string("+4 derived, -0 derived")
        .expect("the rule is added");
    repl.exp_string(PROMPT).unwrap();

    // Up (here Ctrl-P, the same key binding) brings the last entry back.
    repl.send_control('p').unwrap();
    repl.exp_string("supports(X, Y).")
        .expect("the entry is back");
    repl.send("\r").unwrap();
    repl.flush().unwrap();
    repl.exp_string("+0 derived, -0 derived")
        .expect("history recalls the rule");
    repl.exp_string(PROMPT).unwrap();

    // Ctrl-C clears a line being typed.
    repl.send("? nonsense(").unwrap();
    repl.flush().unwrap();
    repl.send_control('c').unwrap();
    repl.exp_string(PROMPT).expect("a fresh prompt");
    repl.send_line("? ally(turkey, azerbaijan).").unwrap();
    repl.exp_string("true.")
        .expect("the cleared line left nothing behind");
    repl.exp_string(PROMPT).unwrap();

    // Ctrl-C stops a long evaluation; the session stays as it was.
    repl.send_line("n(0). n(Y) if n(X), Y = X + 1, Y < 500000000.")
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    repl.send_control('c').unwrap();
    repl.exp_string("evaluation interrupted").expect("stopped");
    repl.exp_string(PROMPT).unwrap();
    repl.send_line("? n(X).").unwrap();
    repl.exp_string("false.")
        .expect("nothing of the entry was kept");
    repl.exp_string(PROMPT).unwrap();
    repl.send_line("? ally(turkey, azerbaijan).").unwrap();
    repl.exp_string("true.").expect("the session goes on");
    repl.exp_string(PROMPT).unwrap();

    // Ctrl-C stops a long question too: one join of 10^10 rows.
    repl.send_line("m(0). m(X) if m(Y), Y < 2999, X = Y + 1.")
        .unwrap();
    repl.exp_string(PROMPT).unwrap();
    repl.send_line("? m(X), m(Y), m(Z), X + Y + Z = -1.")
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    repl.send_control('c').unwrap();
    repl.exp_string("question interrupted")
        .expect("the question stopped");
    repl.exp_string(PROMPT).unwrap();
    repl.send_line("? m(2999).").unwrap();
    repl.exp_string("true.").expect("the session goes on");
    repl.exp_string(PROMPT).unwrap();

    // Ctrl-D leaves, and the history was saved.
    repl.send_control('d').unwrap();
    repl.exp_eof().expect("the repl ends");
    let saved = std::fs::read_to_string(&history).unwrap_or_default();
    assert!(saved.contains("supports(X, Y)."), "history: {saved}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn completion_over_time_and_the_time_point_in_sight() {
    let dir = scratch("repl-time");
    let history = dir.join("history");
    let mut repl = start_with(&["repl", "rules/caucasus.rules"], &history, PROMPT);

    // A constant completes inside an atom, over time too.
    repl.send("? supports(tur").unwrap();
    repl.send("\t").unwrap();
    repl.flush().unwrap();
    repl.send_line(", Who).").unwrap();
    repl.exp_string("Who = azerbaijan")
        .expect("turkey completed and answered");
    repl.exp_string(PROMPT).unwrap();

    // In an argument, a constant, never the predicate `arms_supply`.
    repl.send("? would_intervene(russia, arme").unwrap();
    repl.send("\t").unwrap();
    repl.flush().unwrap();
    repl.send_line(", X).").unwrap();
    repl.exp_string("X = azerbaijan")
        .expect("armenia completed and answered");
    repl.exp_string(PROMPT).unwrap();

    // An ambiguous prefix: the second Tab lists the choices.
    repl.send("? supports(turkey, a").unwrap();
    repl.send("\t").unwrap();
    repl.send("\t").unwrap();
    repl.flush().unwrap();
    repl.exp_string("azerbaijan").expect("the choices listed");
    // The line is still there below the list, to be finished.
    repl.send_line("zerbaijan).").unwrap();
    repl.exp_string("true").expect("finished and answered");
    repl.exp_string(PROMPT).unwrap();

    // An entry with an error, then Ctrl-D: the person leaves well.
    repl.send_line("? supports(turkey, Who, 3).").unwrap();
    repl.exp_string("entente::arity").expect("the error shown");
    repl.exp_string(PROMPT).unwrap();
    repl.send_control('d').unwrap();
    repl.exp_eof().expect("the repl ends");
    let status = repl.process().wait().expect("an exit status");
    assert!(
        matches!(status, rexpect::process::WaitStatus::Exited(_, 0)),
        "{status:?}"
    );

    // With `--at`, the prompt says the time point, and so does the greeting.
    let mut repl = start_with(
        &["repl", "rules/caucasus.rules", "--at", "1995"],
        &history,
        "entente@1995> ",
    );
    repl.send_line("? supports(turkey, Who).").unwrap();
    repl.exp_string("Who = azerbaijan")
        .expect("answered at 1995");
    repl.exp_string("entente@1995> ").unwrap();
    repl.send_line("treaty_x(georgia, turkey) from 1996 to 2009.")
        .unwrap();
    repl.exp_string("does not hold at 1995")
        .expect("the fact added out of time is pointed out");
    repl.exp_string("entente@1995> ").unwrap();
    repl.send_line(":facts treaty_x").unwrap();
    repl.exp_string("no facts of `treaty_x` hold at 1995.")
        .expect("said, not silent");
    repl.exp_string("entente@1995> ").unwrap();
    repl.send_control('d').unwrap();
    repl.exp_eof().expect("the repl ends");
    let _ = std::fs::remove_dir_all(&dir);
}
