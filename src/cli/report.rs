//! Printing diagnostics on stderr, in colour only on a terminal.

use std::io::{IsTerminal, Write};

use entente::{render, Error, Limit, Problem, Worded};

/// Prints warnings and returns how many there were.
pub fn warnings(problems: &[Problem]) -> usize {
    for p in problems {
        print(p);
    }
    problems.len()
}

/// Prints every problem of an error, then a one-line count.
pub fn error(error: &Error, warnings: usize) {
    for p in error.problems() {
        print(p);
    }
    let errors = error.problems().iter().filter(|p| !p.is_warning()).count();
    summary(errors, warnings + error.problems().len() - errors);
}

/// `entente: 2 errors, 1 warning` on stderr, when there is anything to count.
pub fn summary(errors: usize, warnings: usize) {
    let line = match (errors, warnings) {
        (0, 0) => return,
        (0, w) => counted(w, "warning"),
        (e, 0) => counted(e, "error"),
        (e, w) => format!("{}, {}", counted(e, "error"), counted(w, "warning")),
    };
    let _ = writeln!(std::io::stderr(), "entente: {line}");
}

fn print(problem: &Problem) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let _ = write!(
        std::io::stderr(),
        "{}",
        render(&Worded::new(problem, flag), color)
    );
}

/// How the command line names a spent budget's setting.
fn flag(limit: Limit) -> &'static str {
    match limit {
        Limit::Facts => "with --max-facts",
        Limit::Time => "with --timeout",
    }
}

/// Per-stratum statistics, one line each, then the totals.
pub fn stats(stats: &[entente::StratumStats]) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "stratum  rounds     facts      time  predicates");
    let (mut facts, mut time) = (0, std::time::Duration::ZERO);
    for (i, s) in stats.iter().enumerate() {
        facts += s.derived;
        time += s.time;
        let _ = writeln!(
            err,
            "{i:>7}  {:>6}  {:>8}  {:>8.3}s  {}",
            s.rounds,
            s.derived,
            s.time.as_secs_f64(),
            s.predicates.join(" ")
        );
    }
    let _ = writeln!(
        err,
        "  total          {facts:>8}  {:>8.3}s",
        time.as_secs_f64()
    );
}

/// `1 error`, `2 errors`: a count and its noun, plural when it is not one.
pub fn counted(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}
