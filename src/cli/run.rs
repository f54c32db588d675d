//! `entente run FILE...`, and the commands that ask one question of the
//! files: `query`, `timeline`, `panel` and `cite`.

use std::io::{BufWriter, StdoutLock, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use entente::{Config, Engine, Error, ErrorKind, Problem};

use super::progress::Line;
use super::report;
use entente::output::{self as format, Format};

/// What `run` prints.
pub struct RunOptions {
    /// Every fact.
    pub all: bool,
    /// Only derived facts.
    pub derived: bool,
    /// Output format.
    pub format: Format,
    /// Evaluation settings.
    pub config: Config,
    /// Per-stratum statistics on stderr.
    pub stats: bool,
}

/// Loads the files into a new engine that keeps to `config`, printing
/// warnings; `None` after printing the errors.
pub(super) fn load(files: &[PathBuf], config: &Config) -> Option<(Engine, usize)> {
    let mut engine = Engine::with_config(config.clone());
    match engine.load_files(files) {
        Ok(update) => {
            let n = report::warnings(&update.warnings);
            Some((engine, n))
        }
        Err(e) => {
            report::error(&e, 0);
            None
        }
    }
}

/// `run`: answers the files' queries, or prints facts.
pub fn run(files: &[PathBuf], options: RunOptions) -> ExitCode {
    let Some((mut engine, warnings)) = load(files, &options.config) else {
        return ExitCode::from(1);
    };
    let print_facts = options.all || options.derived || !engine.has_queries();
    let mut out = BufWriter::new(std::io::stdout().lock());
    let line = Line::watch(&options.config);
    let stats;
    let violated;
    let written = if print_facts {
        let ran = engine.run();
        let checked = ran.and_then(|()| engine.violations());
        line.finish();
        violated = match checked {
            Ok(violations) => engine.violation_error(&violations),
            Err(e) => {
                report::error(&e, warnings);
                return ExitCode::from(1);
            }
        };
        stats = engine.stats();
        if options.format == Format::Text {
            // Nothing reads the model after this: its tables go first.
            engine.write_facts_and_drop(&mut out, !options.all)
        } else {
            format::facts(&mut out, options.format, &engine, !options.all)
        }
    } else {
        let answered = (engine.run())
            .and_then(|()| Ok((engine.answer_program_queries()?, engine.violations()?)));
        line.finish();
        stats = engine.stats();
        match answered {
            Ok((all, violations)) => {
                violated = engine.violation_error(&violations);
                format::queries(&mut out, options.format, &all)
            }
            Err(e) => {
                report::error(&e, warnings);
                return ExitCode::from(1);
            }
        }
    };
    finish(&mut out, written);
    if options.stats {
        if let Some(stats) = &stats {
            report::stats(stats);
        }
    }
    exit_without_drop(engine);
    match violated {
        Some(e) => {
            report::error(&e, warnings);
            ExitCode::from(1)
        }
        None => ExitCode::SUCCESS,
    }
}

/// The process ends next, and the system takes its memory back at once:
/// dropping the engine would free every statement of the program one by
/// one (8 % of a run over 20,000 facts).
fn exit_without_drop(engine: Engine) {
    std::mem::forget(engine);
}

/// `query GOAL FILE...`.
pub fn query(goal: &str, files: &[PathBuf], format: Format, config: Config) -> ExitCode {
    answer_one(
        files,
        &config,
        |engine| engine.query(goal),
        |out, answers| written(format::answers(out, format, None, answers)),
    )
}

/// `panel GOAL --from T1 --to T2 FILE...`: the goal's answers at every
/// time point of the range, streamed.
pub fn panel(
    goal: &str,
    files: &[PathBuf],
    (from, to): (i64, i64),
    time_column: &str,
    format: Format,
    config: Config,
) -> ExitCode {
    answer_one(
        files,
        &config,
        |engine| engine.panel(goal, from, to),
        |out, panel| {
            if panel.variables.iter().any(|v| v == time_column) {
                eprintln!(
                    "entente: the goal has a variable `{time_column}`, the time column's name; choose another with --time-column"
                );
                return Ok(ExitCode::from(2));
            }
            written(format::panel(out, format, panel, time_column))
        },
    )
}

/// `cite GOAL FILE...`: the sources the answers rest on.
pub fn cite(goal: &str, files: &[PathBuf], bib: bool, config: Config) -> ExitCode {
    answer_one(
        files,
        &config,
        |engine| engine.cite(goal),
        |out, citations| {
            format::citations(out, bib, citations)?;
            let n = citations.unsourced;
            if n > 0 {
                out.flush()?;
                let (s, verb) = if n == 1 { ("", "names") } else { ("s", "name") };
                eprintln!("entente: {n} given fact{s} the answers rest on {verb} no source");
            }
            Ok(ExitCode::SUCCESS)
        },
    )
}

/// How `timeline` lists what it found.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum TimelineShape {
    /// Each answer with when it holds.
    ByAnswer,
    /// The same, with what opens and closes each interval (`--explain`).
    Explained,
    /// Time in order, with the answers then (`--by-time`).
    ByTime,
}

/// `timeline GOAL FILE...`.
pub fn timeline(
    goal: &str,
    files: &[PathBuf],
    format: Format,
    shape: TimelineShape,
    config: Config,
) -> ExitCode {
    let explain = shape == TimelineShape::Explained;
    answer_one(
        files,
        &config,
        |engine| {
            if explain {
                let (answers, boundaries, warnings) = engine.timeline_explained(goal)?;
                Ok(((answers, Some(boundaries)), warnings))
            } else {
                let (answers, warnings) = engine.timeline(goal)?;
                Ok(((answers, None), warnings))
            }
        },
        |out, (answers, boundaries)| {
            written(match shape {
                TimelineShape::ByTime => format::timeline_by_time(out, answers),
                _ => format::timeline(out, format, answers, boundaries.as_deref()),
            })
        },
    )
}

/// One question of a command: loads the files, asks (evaluating first
/// when the question needs it), prints the goal's warnings, and writes
/// the answer to stdout with `write`, which says how the command exits;
/// the errors of any step are reported, exit 1.
fn answer_one<T>(
    files: &[PathBuf],
    config: &Config,
    question: impl FnMut(&mut Engine) -> Result<(T, Vec<Problem>), Error>,
    write: impl FnOnce(&mut BufWriter<StdoutLock<'static>>, &T) -> std::io::Result<ExitCode>,
) -> ExitCode {
    let Some((mut engine, warnings)) = load(files, config) else {
        return ExitCode::from(1);
    };
    let line = Line::watch(config);
    let asked = ask(&mut engine, question);
    line.finish();
    match asked {
        Ok((answer, goal_warnings)) => {
            report::warnings(&goal_warnings);
            let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            let code = match write(&mut out, &answer) {
                Ok(code) => {
                    finish(&mut out, Ok(()));
                    code
                }
                // A closed pipe (`entente panel ... | head`) is no failure.
                Err(e) => {
                    finish(&mut out, Err(e));
                    ExitCode::SUCCESS
                }
            };
            exit_without_drop(engine);
            code
        }
        Err(e) => {
            report::error(&e, warnings);
            ExitCode::from(1)
        }
    }
}

/// A write's result as a command's: success once written.
fn written(result: std::io::Result<()>) -> std::io::Result<ExitCode> {
    result.map(|()| ExitCode::SUCCESS)
}

/// Asks a question of the engine, evaluating the program first when the
/// question finds it unevaluated: a goal with errors is reported without
/// an evaluation.
pub(super) fn ask<T>(
    engine: &mut Engine,
    mut question: impl FnMut(&mut Engine) -> Result<T, Error>,
) -> Result<T, Error> {
    match question(engine) {
        Err(e) if e.kind() == ErrorKind::NotEvaluated => {
            engine.run()?;
            question(engine)
        }
        answered => answered,
    }
}

/// Flushes; a closed pipe (`entente run ... | head`) is not an error.
fn finish(out: &mut impl Write, written: std::io::Result<()>) {
    let _ = written.and_then(|()| out.flush());
}
