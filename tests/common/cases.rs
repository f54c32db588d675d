//! The data-driven cases' harness, shared by `tests/cases.rs` (every
//! topic) and `tests/dataflow.rs` (the evaluation, explanation and
//! timeline cases again on the `dd` engine): where the cases are, how a
//! directive line becomes an `entente` run, and how outputs are compared
//! with the expected files.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Runs a topic whose cases hold directive lines: `directive` turns a line
/// of the case (and the case's path) into a heading and the arguments of
/// one `entente` run, or `None` for any other line. The expected text is
/// each heading (`== heading`) followed by that run's output, in order.
/// An evaluation case's run: `run FILE` and the arguments of its first
/// line `# args: ...`.
pub fn eval_args(path: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let mut args = vec!["run".to_string(), path.display().to_string()];
    if let Some(extra) = text.lines().next().and_then(|l| l.strip_prefix("# args:")) {
        args.extend(extra.split_whitespace().map(String::from));
    }
    Ok(args)
}

/// `# explain: FACT` (or `# explain-json: FACT`): `entente explain`.
pub fn explain_directive(line: &str, file: &str) -> Option<(String, Vec<String>)> {
    let (fact, json) = if let Some(f) = line.strip_prefix("# explain-json:") {
        (f.trim(), true)
    } else {
        (line.strip_prefix("# explain:")?.trim(), false)
    };
    let mut args = strings(&["explain", fact, file]);
    if json {
        args.extend(strings(&["--format", "json"]));
    }
    Some((format!("{fact}{}", if json { " (json)" } else { "" }), args))
}

/// `# timeline: GOAL --option value ...`: `entente timeline`.
pub fn timeline_directive(line: &str, file: &str) -> Option<(String, Vec<String>)> {
    let rest = line.strip_prefix("# timeline:")?.trim();
    let mut parts = rest.split(" --");
    let mut args = strings(&["timeline", parts.next().unwrap_or_default(), file]);
    push_options(&mut args, parts);
    Some((rest.to_string(), args))
}

pub fn run_directives(
    topic: &str,
    directive: impl Fn(&str, &str) -> Option<(String, Vec<String>)>,
) {
    run_topic(topic, |path| directives(path, &directive, &entente));
}

/// The expected text of one directive case: each directive's heading and
/// the output of its run by `run`.
pub fn directives(
    path: &Path,
    directive: &impl Fn(&str, &str) -> Option<(String, Vec<String>)>,
    run: &impl Fn(&[String]) -> Result<String, String>,
) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let file = path.display().to_string();
    let mut got = String::new();
    for (heading, args) in text.lines().filter_map(|line| directive(line, &file)) {
        let _ = writeln!(got, "== {heading}");
        got.push_str(&run(&args)?);
    }
    if got.is_empty() {
        return Err(format!("no directive line in {file}"));
    }
    Ok(got)
}

pub fn strings(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

/// Appends options written `flag value` (their `--` already split off).
pub fn push_options<'a>(args: &mut Vec<String>, options: impl Iterator<Item = &'a str>) {
    for option in options {
        let (flag, value) = option.split_once(' ').unwrap_or((option, ""));
        args.push(format!("--{flag}"));
        if !value.is_empty() {
            args.push(value.to_string());
        }
    }
}

/// Runs the `entente` binary; its stdout and, when it fails, its exit code
/// and stderr.
pub fn entente(args: &[String]) -> Result<String, String> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_entente"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .map_err(|e| e.to_string())?;
    Ok(reported(&out))
}

/// A finished run as the cases expect it: its stdout, and when it failed
/// `--- exit CODE` and its stderr.
pub fn reported(out: &std::process::Output) -> String {
    let mut got = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        let _ = write!(
            got,
            "--- exit {:?}\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    got
}

/// The `.rules` files of a topic, sorted.
pub fn cases(topic: &str) -> Vec<PathBuf> {
    let dir = Path::new("tests/cases").join(topic);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rules"))
        .collect();
    files.sort();
    files
}

/// Runs `actual` on every case of a topic and compares with (or, when
/// blessing, rewrites) its expected file; reports every mismatch at once.
pub fn run_topic(topic: &str, actual: impl Fn(&Path) -> Result<String, String>) {
    compare_topic(topic, std::env::var_os("ENTENTE_BLESS").is_some(), actual);
}

/// [`run_topic`], blessing or not as told.
pub fn compare_topic(topic: &str, bless: bool, actual: impl Fn(&Path) -> Result<String, String>) {
    let mut failures = String::new();
    let cases = cases(topic);
    assert!(!cases.is_empty(), "no cases in tests/cases/{topic}");
    for case in cases {
        let expected_path = case.with_extension("expected");
        let got = match actual(&case) {
            Ok(got) => got,
            Err(why) => {
                let _ = writeln!(failures, "{}: {why}", case.display());
                continue;
            }
        };
        if bless {
            std::fs::write(&expected_path, &got).expect("write expected file");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != got {
            let _ = writeln!(
                failures,
                "{}: output differs from {}\n--- expected\n{expected}\n--- actual\n{got}",
                case.display(),
                expected_path.display()
            );
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

/// A `repl/` case's transcript: the session typed into `entente repl`
/// (with `options` after the files of its first line `# files: ...`):
/// stdout with the times taken out, then the exit code and stderr.
pub fn repl_session(path: &Path, options: &[&str]) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let mut args = vec!["repl".to_string()];
    if let Some(files) = text.lines().next().and_then(|l| l.strip_prefix("# files:")) {
        args.extend(files.split_whitespace().map(String::from));
    }
    args.extend(options.iter().map(|o| o.to_string()));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_entente"))
        .args(&args)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    use std::io::Write as _;
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(text.as_bytes())
        .map_err(|e| e.to_string())?;
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    // Times vary from run to run.
    let stdout: String = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| match l.split_once("last evaluation or update: ") {
            Some((before, _)) => format!("{before}last evaluation or update: (time)\n"),
            None => format!("{l}\n"),
        })
        .collect();
    Ok(format!(
        "{}--- exit {:?}\n{}",
        stdout,
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    ))
}
