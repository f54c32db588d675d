//! `entente run FILE...` and `entente query GOAL FILE...`.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use entente::{Config, Engine, Error, ErrorKind};

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
    let Some((mut engine, warnings)) = load(files, &config) else {
        return ExitCode::from(1);
    };
    let line = Line::watch(&config);
    let answered = ask(&mut engine, |engine| engine.query(goal));
    line.finish();
    match answered {
        Ok((answers, goal_warnings)) => {
            report::warnings(&goal_warnings);
            let mut out = BufWriter::new(std::io::stdout().lock());
            let written = format::answers(&mut out, format, None, &answers);
            finish(&mut out, written);
            exit_without_drop(engine);
            ExitCode::SUCCESS
        }
        Err(e) => {
            report::error(&e, warnings);
            ExitCode::from(1)
        }
    }
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
    let Some((mut engine, warnings)) = load(files, &config) else {
        return ExitCode::from(1);
    };
    let line = Line::watch(&config);
    let made = ask(&mut engine, |engine| engine.panel(goal, from, to));
    line.finish();
    match made {
        Ok((panel, goal_warnings)) => {
            report::warnings(&goal_warnings);
            if panel.variables.iter().any(|v| v == time_column) {
                eprintln!(
                    "entente: the goal has a variable `{time_column}`, the time column's name; choose another with --time-column"
                );
                return ExitCode::from(2);
            }
            let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            let written = format::panel(&mut out, format, &panel, time_column);
            finish(&mut out, written);
            exit_without_drop(engine);
            ExitCode::SUCCESS
        }
        Err(e) => {
            report::error(&e, warnings);
            ExitCode::from(1)
        }
    }
}

/// `cite GOAL FILE...`: the sources the answers rest on.
pub fn cite(goal: &str, files: &[PathBuf], bib: bool, config: Config) -> ExitCode {
    let Some((mut engine, warnings)) = load(files, &config) else {
        return ExitCode::from(1);
    };
    let line = Line::watch(&config);
    let cited = ask(&mut engine, |engine| engine.cite(goal));
    line.finish();
    match cited {
        Ok((citations, goal_warnings)) => {
            report::warnings(&goal_warnings);
            let mut out = BufWriter::new(std::io::stdout().lock());
            let written = format::citations(&mut out, bib, &citations);
            finish(&mut out, written);
            if citations.unsourced > 0 {
                eprintln!(
                    "entente: {} given fact{} the answers rest on name{} no source",
                    citations.unsourced,
                    if citations.unsourced == 1 { "" } else { "s" },
                    if citations.unsourced == 1 { "s" } else { "" },
                );
            }
            exit_without_drop(engine);
            ExitCode::SUCCESS
        }
        Err(e) => {
            report::error(&e, warnings);
            ExitCode::from(1)
        }
    }
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
    let Some((mut engine, warnings)) = load(files, &config) else {
        return ExitCode::from(1);
    };
    let line = Line::watch(&config);
    let answered = ask(&mut engine, |engine| {
        if explain {
            let (answers, boundaries, warnings) = engine.timeline_explained(goal)?;
            Ok((answers, Some(boundaries), warnings))
        } else {
            let (answers, warnings) = engine.timeline(goal)?;
            Ok((answers, None, warnings))
        }
    });
    line.finish();
    match answered {
        Ok((answers, boundaries, goal_warnings)) => {
            report::warnings(&goal_warnings);
            let mut out = BufWriter::new(std::io::stdout().lock());
            let written = match shape {
                TimelineShape::ByTime => format::timeline_by_time(&mut out, &answers),
                _ => format::timeline(&mut out, format, &answers, boundaries.as_deref()),
            };
            finish(&mut out, written);
            exit_without_drop(engine);
            ExitCode::SUCCESS
        }
        Err(e) => {
            report::error(&e, warnings);
            ExitCode::from(1)
        }
    }
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
