//! The data-driven harness: every `tests/cases/<topic>/<name>.rules` with
//! its expected output beside it in `<name>.expected`.
//!
//! - `syntax/`: the file parses without errors, its canonical print is the
//!   expected text, and parsing the print gives the same program again.
//! - `errors/`: the file is loaded and checked; the expected text is every
//!   diagnostic rendered without colour, as `entente check` prints it.
//!
//! - `eval/`: the file is run by the `entente` binary as a process
//!   (`entente run FILE`, plus the arguments on a first line
//!   `# args: ...`), with `--jobs 1` and with `--jobs 2` unless the
//!   arguments choose; both must print the same; the expected text is its
//!   stdout, and when it fails, the exit code and stderr.
//!
//! - `explain/`: each `# explain: FACT` (or `# explain-json: FACT`) line of
//!   the file is explained by `entente explain` run as a process; the
//!   expected text is every explanation, in order.
//!
//! - `what_if/`: each `# what-if: --retract FACT --add FACT ...` line runs
//!   `entente what-if FILE` with those options (each option starts at a
//!   ` --`); the expected text is every answer, in order.
//!
//! - `timeline/`: each `# timeline: GOAL` line (options after the goal,
//!   each starting at ` --`) runs `entente timeline GOAL FILE`; the
//!   expected text is every answer, in order.
//!
//! - `graph/`: each `# graph: PRED... --option value ...` line runs
//!   `entente graph PRED... FILE` (as DOT unless a `--format` is given),
//!   each `# explain-dot: FACT` line `entente explain FACT FILE --format
//!   dot`; the expected text is every answer, in order.
//!
//! - `plan/`: `entente check --plan FILE`: the evaluation plan, so that
//!   a change of join order, index or variant is seen as a change of text.
//!
//! - `repl/`: the file is a session typed into `entente repl` (stdin, so
//!   no prompts), started with the files of its first line
//!   `# files: ...`; the expected text is stdout, then stderr and the exit
//!   code.
//!
//! - `fmt/`: the file formatted by `entente::format_source` (what
//!   `entente fmt` writes); the expected text is the formatted file,
//!   which must format to itself and parse to the same program.
//!
//! Set `ENTENTE_BLESS=1` to rewrite the expected files from the actual
//! output (then read the diff before committing it).
#![cfg(feature = "cli")]

use entente::parse::parse_module;
use entente::{render, Engine};

mod common;
use common::cases::{
    entente, eval_args, explain_directive, push_options, repl_session, run_directives, run_topic,
    strings, timeline_directive,
};
use common::without_spans;

#[test]
fn syntax_cases_round_trip() {
    run_topic("syntax", |path| {
        let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
        let (module, errors) = parse_module(&text, 0);
        if !errors.is_empty() {
            return Err(format!("parse errors: {errors:?}"));
        }
        let printed = module.to_string();
        let (again, errors) = parse_module(&printed, 0);
        if !errors.is_empty() {
            return Err(format!("the canonical print does not parse: {errors:?}"));
        }
        if without_spans(&again) != without_spans(&module) {
            return Err(format!("the canonical print parses differently:\n{again}"));
        }
        Ok(printed)
    });
}

#[test]
fn fmt_cases_print_the_canonical_layout() {
    run_topic("fmt", |path| {
        let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
        let formatted =
            entente::format_source("case.rules", &text).map_err(|e| format!("{e:?}"))?;
        let (module, _) = parse_module(&text, 0);
        let (again, errors) = parse_module(&formatted, 0);
        if !errors.is_empty() || without_spans(&again) != without_spans(&module) {
            return Err(format!(
                "the formatted text parses differently:\n{formatted}"
            ));
        }
        match entente::format_source("case.rules", &formatted) {
            Ok(twice) if twice == formatted => Ok(formatted),
            _ => Err("formatting the formatted text changes it".to_string()),
        }
    });
}

#[test]
fn error_cases_report_every_diagnostic() {
    run_topic("errors", |path| {
        let mut engine = Engine::new();
        Ok(match engine.load_files(&[path]) {
            Ok(update) => update.warnings.iter().map(|p| render(p, false)).collect(),
            Err(e) => e.problems().iter().map(|p| render(p, false)).collect(),
        })
    });
}

#[test]
fn plan_cases_print_the_expected_plans() {
    run_topic("plan", |path| {
        entente(&strings(&["check", "--plan", &path.display().to_string()]))
    });
}

#[test]
fn eval_cases_print_the_expected_model() {
    run_topic("eval", |path| {
        let args = eval_args(path)?;
        if args.iter().any(|a| a == "--jobs") {
            return entente(&args);
        }
        // The same output on one thread and on two.
        let mut outputs = ["1", "2"].map(|jobs| {
            let mut with_jobs = args.clone();
            with_jobs.extend(["--jobs".to_string(), jobs.to_string()]);
            entente(&with_jobs)
        });
        if outputs[0] != outputs[1] {
            return Err(format!(
                "--jobs 1 and --jobs 2 differ:\n{:?}\n{:?}",
                outputs[0], outputs[1]
            ));
        }
        std::mem::replace(&mut outputs[0], Ok(String::new()))
    });
}

#[test]
fn explain_cases_print_the_expected_explanations() {
    run_directives("explain", explain_directive);
}

#[test]
fn what_if_cases_print_the_expected_changes() {
    run_directives("what_if", |line, file| {
        let options = line.strip_prefix("# what-if:")?.trim();
        let mut args = strings(&["what-if", file]);
        push_options(&mut args, options.trim_start_matches("--").split(" --"));
        Some((options.to_string(), args))
    });
}

#[test]
fn timeline_cases_print_the_expected_timelines() {
    run_directives("timeline", timeline_directive);
}

#[test]
fn graph_cases_print_the_expected_pictures() {
    run_directives("graph", |line, file| {
        if let Some(fact) = line.strip_prefix("# explain-dot:") {
            let args = strings(&["explain", fact.trim(), file, "--format", "dot"]);
            return Some((format!("explain {}", fact.trim()), args));
        }
        let rest = line.strip_prefix("# graph:")?.trim();
        let mut parts = rest.split(" --");
        let mut args = strings(&["graph"]);
        args.extend(
            parts
                .next()
                .unwrap_or_default()
                .split_whitespace()
                .map(String::from),
        );
        args.push(file.to_string());
        push_options(&mut args, parts);
        if !args.iter().any(|a| a == "--format") {
            args.extend(strings(&["--format", "dot"]));
        }
        Some((format!("graph {rest}"), args))
    });
}

#[test]
fn repl_sessions_print_the_expected_transcripts() {
    run_topic("repl", |path| repl_session(path, &[]));
}
