//! The live progress line of a long run, in a pseudo-terminal: shown on
//! stderr after a second, cleared before anything else is printed, and
//! absent with `--quiet`. The run counts without end and is stopped by
//! `--timeout 1.6`, so it lasts as long on any build.
#![cfg(feature = "cli")]

use std::process::Command;

use rexpect::session::spawn_command;

/// A program that derives one fact a round, forever.
fn endless(dir: &std::path::Path) -> std::path::PathBuf {
    let text = "n(0).\nn(Y) if n(X), Y = X + 1.\n? n(5).\n";
    let file = dir.join("endless.rules");
    std::fs::write(&file, text).expect("write the program");
    file
}

/// Everything the run writes to the terminal.
fn run(file: &std::path::Path, extra: &[&str]) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_entente"));
    command
        .args(["run", file.to_str().expect("utf-8"), "--timeout", "1.6"])
        .args(["--max-facts", "1000000000"])
        .args(extra)
        .env("TERM", "xterm");
    let mut session = spawn_command(command, Some(120_000)).expect("entente starts");
    session.exp_eof().expect("the run ends")
}

#[test]
fn a_long_run_shows_a_progress_line_and_clears_it() {
    let dir = std::env::temp_dir().join(format!("entente-progress-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = endless(&dir);

    let shown = run(&file, &[]);
    let line = shown.find("facts derived").expect("a progress line");
    assert!(shown[..line].contains("stratum 1/1, round "), "{shown}");
    let error = shown.find("entente::time_limit").expect("the run stops");
    assert!(line < error, "the line comes while it runs");
    // The last line drawn is cleared before the error is printed.
    let cleared = shown.rfind("\r\x1b[2K").expect("cleared");
    assert!(
        cleared > shown.rfind("facts derived").unwrap_or(0),
        "{shown:?}"
    );
    assert!(cleared < error, "{shown:?}");

    let quiet = run(&file, &["--quiet"]);
    assert!(!quiet.contains("facts derived"), "{quiet}");
    assert!(quiet.contains("entente::time_limit"), "{quiet}");
    let _ = std::fs::remove_dir_all(&dir);
}
