//! Printing diagnostics on stderr, in colour only on a terminal.

use std::fmt;
use std::io::{IsTerminal, Write};

use entente::{render, Error, ErrorKind, Limit, Problem};
use miette::{Diagnostic, LabeledSpan, Severity};

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
    let _ = write!(std::io::stderr(), "{}", render(&Flagged(problem), color));
}

/// A problem as the command line shows it: the help of a spent budget
/// names the flag that raises it where the library's names its setting.
#[derive(Debug)]
struct Flagged<'a>(&'a Problem);

impl Flagged<'_> {
    fn flag(&self) -> Option<&'static str> {
        match self.0.kind() {
            ErrorKind::Limit(Limit::Facts) => Some("--max-facts"),
            ErrorKind::Limit(Limit::Time) => Some("--timeout"),
            _ => None,
        }
    }
}

impl fmt::Display for Flagged<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.0, f)
    }
}

impl std::error::Error for Flagged<'_> {}

impl Diagnostic for Flagged<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.0.code()
    }
    fn severity(&self) -> Option<Severity> {
        self.0.severity()
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let help = self.0.help()?;
        match self.flag() {
            Some(flag) => {
                let setting = ["(`Config::max_facts`)", "(`Config::timeout`)"];
                let text = (setting.iter()).fold(help.to_string(), |text, s| {
                    text.replace(s, &format!("with {flag}"))
                });
                Some(Box::new(text))
            }
            None => Some(help),
        }
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.0.labels()
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        self.0.related()
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.0.source_code()
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
